"""The event coder on single sentences: type, roles, mood. Real spaCy parses, no mocks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.events import fold, load_lexicon
from dateline.pipeline import Pipeline
from dateline.records import Document


@pytest.fixture(scope="module")
def code():
    pipeline = Pipeline(["nlp", "events", "dates", "places", "actors"])

    def run(text: str) -> list:
        return pipeline(Document(id="t", text=text)).events

    return run


@pytest.mark.parametrize("text, sub", [
    ("Government troops recaptured the town of Kidal from Tuareg rebels on Monday.",
     "Government regains territory"),
    ("Al Shabaab fighters seized the town of Mahaday after soldiers withdrew.",
     "Non-state actor overtakes territory"),
    ("Soldiers clashed with Boko Haram fighters near Bama on Sunday.", "Armed clash"),
    ("Gunmen killed five villagers in an attack on a village in Zamfara state.", "Attack"),
    ("Russian warplanes struck a market in Idlib, killing 12 people.", "Air/drone strike"),
    ("A suicide bomber blew himself up at a checkpoint in Mogadishu.", "Suicide bomb"),
    ("Rebels shelled the outskirts of Donetsk overnight.", "Shelling/artillery/missile attack"),
    ("A roadside bomb exploded near a police vehicle in Kandahar.",
     "Remote explosive/landmine/IED"),
    ("Unknown assailants threw a grenade into a bar in Bujumbura.", "Grenade"),
    ("Gunmen abducted 30 students from a school in Kaduna.", "Abduction/forced disappearance"),
    ("Hundreds of teachers protested in Lusaka on Tuesday over unpaid salaries.",
     "Peaceful protest"),
    ("Police fired tear gas to disperse protesters in Nairobi.", "Protest with intervention"),
    ("Security forces shot dead four protesters in Khartoum.",
     "Excessive force against protesters"),
    ("Protesters threw stones at police and torched tyres in Dhaka.", "Violent demonstration"),
    ("An angry mob lynched a suspected thief in Lagos.", "Mob violence"),
    ("Police defused a bomb planted under a bridge in Quetta.", "Disrupted weapons use"),
    ("The warring parties signed a ceasefire agreement in Juba on Friday.", "Agreement"),
    ("Looters ransacked shops in the town of Goma.", "Looting/property destruction"),
])
def test_sub_event_type(code, text, sub):
    events = code(text)
    assert events, f"no event in {text!r}"
    assert events[0].sub_event_type == sub


@pytest.mark.parametrize("text", [
    "A flood killed 40 people in the Niger Delta on Monday.",
    "The foreign minister held talks with his Kenyan counterpart in Nairobi.",
    "The rebels threatened to attack the capital if talks failed.",
    "Both cities face assaults by forces backed by the coalition.",
    "Arsenal beat Chelsea 2-1 in a tense London derby on Sunday.",
])
def test_not_an_event(code, text):
    assert code(text) == []


def test_roles_and_allies(code):
    text = ("Syrian troops backed by Russian jets have completed the recapture of the city of "
            "Palmyra from the Islamic State.")
    event = code(text)[0]
    assert event.actor1.name == "Military Forces of Syria"
    assert event.actor2.name.startswith("Islamic State")
    assert [a.name for a in event.assoc_actor_1] == ["Military Forces of Russia"]
    assert event.evidence["actor1"].text == "Syrian troops"


def test_passive_voice_puts_the_victims_second(code):
    event = code("Three civilians were killed by Al Shabaab militants in Baidoa.")[0]
    assert event.sub_event_type == "Attack"
    assert event.actor1.name == "Al Shabaab"
    assert event.actor2.name.startswith("Civilians")


def test_announced_deal_is_coded_as_agreement(code):
    text = ("Fighters of the Syrian Democratic Forces announced they would cede several villages "
            "to the government as part of a deal brokered by Russia.")
    event = code(text)[0]
    assert (event.event_type, event.status) == ("Strategic developments", "agreement")
    assert event.actor1.name == "SDF: Syrian Democratic Forces"


def test_user_lexicon_extends_triggers(tmp_path, monkeypatch):
    from dateline import events

    (tmp_path / "extra.yaml").write_text(
        "triggers:\n  - sub: Grenade\n    weight: 0.99\n    patterns: [pineapple attack]\n")
    monkeypatch.setenv("DATELINE_LEXICONS", str(tmp_path))
    lexicon = events.load_lexicon()
    assert lexicon.rules[-1].sub == "Grenade"
    assert str(tmp_path / "extra.yaml") in lexicon.extra_files
    monkeypatch.setenv("DATELINE_LEXICONS", str(tmp_path / "extra.yaml"))  # a file works too
    assert events.load_lexicon().rules[-1].sub == "Grenade"


def test_excessive_force_puts_the_force_first_and_protesters_second(code):
    event = code("Police shot dead four protesters in Khartoum on Monday.")[0]
    assert event.sub_event_type == "Excessive force against protesters"
    assert event.actor1.name.startswith("Police Forces of")
    assert event.actor2.name.startswith("Protesters")


def test_rebels_take_a_town_from_the_state_by_default(code):
    event = code("Al Shabaab fighters captured the town of Mahaday in Somalia on Sunday.")[0]
    assert event.sub_event_type == "Non-state actor overtakes territory"
    assert event.actor2 is not None and event.actor2.name.startswith("Military Forces of")


@pytest.mark.parametrize("text, sub", [
    ("Russian troops set up at the base vacated by French forces near Timbuktu.",
     "Headquarters or base established"),
    ("The army launched a campaign to recruit 50,000 volunteers in Ouagadougou.",
     "Change to group/activity"),
    ("Investigators found a mass burial site near Izium, where Russian troops were based.",
     "Other"),
])
def test_strategic_developments(code, text, sub):
    assert code(text)[0].sub_event_type == sub


def test_bodies_found_after_a_landslide_are_no_event(code):
    assert code("Rescuers said six bodies had been recovered after the landslide.") == []


def test_a_participle_describing_a_noun_is_no_event(code):
    assert code("Residents say they got no compensation for their destroyed homes.") == []


@pytest.mark.parametrize("text", [
    "The Taliban, who seized power in August, condemned the attack.",
    "Marib hosts a million displaced people who fled fighting elsewhere in Yemen.",
    "A carpenter who lost two brothers in the fighting said he had no help.",
])
def test_references_to_other_happenings_are_no_events(code, text):
    assert code(text) == []


def test_two_sides_that_fought_each_other_are_opponents_not_allies(code):
    event = code("Sudan's army and the Rapid Support Forces fought in Khartoum on Saturday.")[0]
    assert event.actor1.name.startswith("Military Forces of Sudan")
    assert "Rapid Support Forces" in event.actor2.name
    assert event.assoc_actor_1 == []


# --- the classifier's say over the rules (a stand-in classifier with fixed readings) ---------
class _Reading:
    """Reads every sentence the same way: `label` with probability `p`, the rest spread."""

    def __init__(self, label: str, p: float) -> None:
        self.label, self.p = label, p

    def predict(self, texts: list[str]) -> list:
        from dateline.classify import Prediction
        from dateline.records import SUB_TO_TYPE

        labels = [*SUB_TO_TYPE, "none"]
        rest = (1 - self.p) / (len(labels) - 1)
        probs = {lab: (self.p if lab == self.label else rest) for lab in labels}
        return [Prediction(self.label, self.p, probs) for _ in texts]


def _code_with(reading: _Reading, text: str) -> list:
    from dateline.events import EventsStage

    doc = Pipeline(["nlp"])(Document(id="t", text=text))
    return EventsStage(classifier=reading)(doc).events


def test_a_confident_none_rejects_the_rules_event():
    text = "A gas explosion killed 12 people at a market in Kano on Monday."
    assert _code_with(_Reading("none", 0.9), text) == []


def test_a_hesitant_none_keeps_the_event_with_a_low_confidence():
    events = _code_with(_Reading("none", 0.4),
                        "Gunmen killed five villagers in an attack on a village in Zamfara.")
    assert [e.sub_event_type for e in events] == ["Attack"]
    assert events[0].confidence < 0.1  # the calibrated probability of "Attack"


def test_a_confident_other_type_retypes_and_says_why():
    from dateline.events import RETYPE_AT

    sure = round((RETYPE_AT + 1) / 2, 3)  # above the retyping threshold, whatever it is set to
    events = _code_with(_Reading("Shelling/artillery/missile attack", sure),
                        "Russian forces struck a market in Kharkiv, killing 12 people.")
    assert events[0].sub_event_type == "Shelling/artillery/missile attack"
    assert events[0].event_type == "Explosions/Remote violence"
    assert events[0].confidence == sure
    assert any("classify" in note for note in events[0].notes)
    assert events[0].evidence["sub_event_type"].text.startswith("Russian forces struck")


def test_an_event_the_rules_missed_is_coded_when_the_classifier_is_sure():
    from dateline.events import CREATE_AT

    text = "Fighters of the group paraded through the streets of Sirte with heavy weapons."
    assert _code_with(_Reading("Other", CREATE_AT), text)[0].sub_event_type == "Other"
    assert _code_with(_Reading("Other", 0.5), text) == []  # not sure enough


def test_the_classifier_does_not_revive_a_plan():
    text = "The army will launch an offensive on the town of Kidal next week."
    assert _code_with(_Reading("Armed clash", 0.99), text) == []


def test_an_intervention_told_next_is_not_undone_by_a_one_sentence_reading():
    events = _code_with(_Reading("Peaceful protest", 0.99),
                        "Hundreds of residents protested in Baidoa on Tuesday. "
                        "Police fired tear gas to disperse the crowd.")
    assert events[0].sub_event_type == "Protest with intervention"


# --- which sentences the classifier reads when no rule fired (worth_reading) ---------------
def _sentence(text: str):
    return next(Pipeline(["nlp"])(Document(id="t", text=text)).nlp.sents)


@pytest.mark.parametrize("text", [
    "Thousands of people marched to the Plaza de Bolívar on Monday.",  # event word as verb
    "Thousands of people had joined the march in Churachandpur on Wednesday.",  # verb's object
    "Houthi fighters moved into the vacated positions the same day.",  # armed actor acting
])
def test_a_sentence_using_an_event_word_is_read(text):
    from dateline.events import EventsStage

    assert EventsStage(classifier=False).worth_reading(_sentence(text))


@pytest.mark.parametrize("text", [
    "The army said the road would reopen on Monday.",  # an actor only reporting
    "The fire department's budget rose by 4 percent this year.",  # a modifier
    "The school board will meet on March 9, the agenda shows.",  # a month
    "Police said the man was taken to a hospital.",  # no cue word at all
])
def test_a_sentence_only_mentioning_a_cue_word_is_skipped(text):
    from dateline.events import EventsStage

    assert not EventsStage(classifier=False).worth_reading(_sentence(text))


class _Counting(_Reading):
    """The stand-in classifier, keeping the sentences it was given."""

    def __init__(self, label: str, p: float) -> None:
        super().__init__(label, p)
        self.read: list[str] = []

    def predict(self, texts: list[str]) -> list:
        self.read.extend(texts)
        return super().predict(texts)


def test_skipped_sentences_never_reach_the_classifier():
    counting = _Counting("Other", 0.99)
    _code_with(counting, "The army said the road was closed. The rebels paraded in the square.")
    assert counting.read == ["The rebels paraded in the square."]


# --- matching lowercased text (fold) finds what case-insensitive matching finds -------------

PIECES = ["Gunmen ", "KILLED ", "killed", " ", "attack", "IED", "ieds ", "Troops", "shelled ",
          "’", "“", ".", ",", "-", "K", "k", "S", "ſ", "ı", "İ", "K", "é", "É", "ß", "ẞ",
          "storm", "ed ", "rall", "ies", "marched", "\n", "ǅ", "Ω"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_folded_matching_equals_case_insensitive_matching(text):
    lexicon = load_lexicon()
    folded = fold(text)
    assert all(r.folded is not None for r in lexicon.rules)  # the bundled rules all fold
    for rule in lexicon.rules:
        assert [m.span() for m in rule.finditer(text, folded)] == \
            [m.span() for m in rule.pattern.finditer(text)]
    if folded is not None:
        assert [m.span() for m in lexicon.classifier_cues_folded.finditer(folded)] == \
            [m.span() for m in lexicon.classifier_cues.finditer(text)]


def test_fold_refuses_text_where_offsets_or_matches_would_change():
    assert fold("Troops KILLED five") == "troops killed five"
    assert fold("İstanbul") is None  # lowercases to two characters
    assert fold("ſhelled") is None   # LONG S matches "s" only case-insensitively
