from dateline.nlp import load


def test_a_line_break_ends_a_sentence():
    doc = load()("Syrians drive ISIS out of Palmyra\n\nBEIRUT • Syrian troops recaptured the city.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Syrians drive ISIS out of Palmyra"
    assert sents[1].startswith("BEIRUT")


def test_the_model_is_loaded_once():
    assert load() is load()


def test_lemmas_on_demand_are_the_lemmatizers_own():
    import spacy

    from dateline.nlp import MODEL, lemma

    text = ("Gunmen stormed two villages and were seen fleeing; soldiers struck back, killing "
            "militants who had claimed the attacks. Protesters marched on Tuesday.")
    full = spacy.load(MODEL)(text)  # the shipped pipeline, lemmatizer run on every token
    doc = load()(text)
    assert "lemmatizer" not in load().pipe_names  # loaded, not run on every token
    # (the attribute ruler sets a few, "were" -> "be"; the lemmatizer keeps those, as here)
    assert sum(tok.lemma == 0 for tok in doc) > len(doc) / 2
    assert [lemma(t) for t in doc] == [t.lemma_ for t in full]
    assert lemma(doc[1]) == "storm" and doc[1].lemma_ == "storm"  # kept on the token
