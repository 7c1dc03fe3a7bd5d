from dateline.nlp import load


def test_a_line_break_ends_a_sentence():
    doc = load()("Syrians drive ISIS out of Palmyra\n\nBEIRUT • Syrian troops recaptured the city.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Syrians drive ISIS out of Palmyra"
    assert sents[1].startswith("BEIRUT")


def test_the_model_is_loaded_once():
    assert load() is load()
