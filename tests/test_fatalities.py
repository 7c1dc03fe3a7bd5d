"""Tests for the fatalities stage: ACLED's counting rules on sentences in many styles."""

from __future__ import annotations

import pytest

from dateline.fatalities import FatalitiesStage, count_deaths
from dateline.nlp import load
from dateline.records import Document, Event, Span


@pytest.mark.parametrize(
    ("sentence", "deaths"),
    [
        # conservative figures
        ("At least 12 people were killed in the blast in Mogadishu.", 12),
        ("More than 100 civilians have died since the offensive on Mosul began.", 100),
        ("Between 10 and 15 soldiers were killed near Maiduguri.", 10),
        ("10 to 15 fighters were killed.", 10),
        ("Up to 20 villagers were killed in the raid.", 20),  # documented choice: the figure
        ("The death toll rose to 30 on Tuesday.", 30),
        ("The toll from the attack in Quetta stands at 52.", 52),
        ("Twenty-five people were killed, including 10 children.", 25),
        ("Police killed 3 suspects, bringing the death toll to 12.", 12),
        ("The gunmen killed 3 of the 40 passengers on the bus.", 3),
        # words and vague quantities
        ("One hundred and twenty people died in the fighting in Darfur.", 120),
        ("A dozen militants died in the air strike.", 12),
        ("Tens of protesters were killed in Khartoum.", 10),
        ("Al Shabaab militants killed dozens of Kenyan soldiers.", 12),
        ("Scores of people died in the communal clashes.", 20),
        ("Hundreds were killed in the siege.", 100),
        ("Thousands have died in the conflict.", 1000),
        ("The attack killed 1,200 people.", 1200),
        # unspecified plural and singular
        ("Several were killed in the attack in Kirkuk.", 3),
        ("People were killed when the bomb went off.", 3),
        ("Gunmen stormed the village in Zamfara, killing civilians.", 3),
        ("Demonstrators were shot dead by police in Harare.", 3),
        ("A man was killed in the crossfire in Karachi.", 1),
        ("Militants ambushed a patrol, killing a soldier.", 1),
        ("Gunmen killed the governor of Kandahar.", 1),
        ("A 12-year-old boy was killed by a stray bullet in Rio.", 1),
        # groups add up, a total is not added to its parts
        ("Militants stormed the base, killing five soldiers and three civilians.", 8),
        ("Two soldiers and a civilian were killed in Idlib.", 3),
        ("Police opened fire, killing 20 people, 12 civilians and 8 officers.", 20),
        ("A suicide bomber blew himself up in the market, killing himself and 12 others.", 13),
        # tied to a death word, in any style
        ("Three people were killed and 12 others wounded in Peshawar.", 3),
        ("The bombing killed 7 and wounded 30.", 7),
        ("The strike left 14 dead.", 14),
        ("Two policemen were shot dead in Peshawar.", 2),
        ("The clashes claimed 40 lives in Jonglei.", 40),
        ("Eleven people lost their lives in the violence in Manipur.", 11),
        ("Security forces fired on protesters, killing at least four.", 4),
        ("ISIS fighters executed 15 men in Raqqa.", 15),
        ("The bodies of 12 men were found near Mosul.", 12),
        ("The mob lynched two men accused of theft in Jharkhand.", 2),
        ("Four gunmen killed two guards at the mine.", 2),
        ("The raid killed at least 9 militants, the army said on Friday.", 9),
        ("In 2014, 40 died in the siege.", 40),
        # not deaths
        ("12 soldiers were wounded.", 0),
        ("The explosion injured 20 people in Lahore.", 0),
        ("Police said 5 protesters were arrested in Kampala.", 0),
        ("Gunmen killed a villager and abducted 20 women.", 1),
        ("About 2,000 people were displaced by the fighting.", 0),
        ("A bomb exploded in Kabul on Monday.", 0),
    ],
)
def test_count_deaths(sentence: str, deaths: int) -> None:
    assert count_deaths(sentence)[0] == deaths


def test_count_returns_the_number_phrase() -> None:
    text = "Fighting in Aleppo killed at least 17 people, monitors said."
    count, (start, end), confidence = count_deaths(text)
    assert count == 17 and text[start:end] == "at least 17"
    assert confidence >= 0.8
    vague, _, vague_conf = count_deaths("Dozens of people were killed.")
    assert vague == 12 and vague_conf < confidence


@pytest.mark.parametrize("sentence", [
    "No casualties were reported.",
    "No one was hurt in the explosion.",
    "There were no immediate reports of casualties.",
    "No one was killed but two soldiers were wounded.",
])
def test_statements_of_no_deaths(sentence: str) -> None:
    count, where, confidence = count_deaths(sentence)
    assert count == 0 and where is not None and confidence >= 0.8


def test_nothing_said_is_zero_without_evidence() -> None:
    assert count_deaths("Rebels seized the town of Kidal.") == (0, None, 0.5)


# ---- the stage ---------------------------------------------------------------------------------

def _doc(text: str) -> Document:
    doc = Document(id="t", text=text)
    doc.nlp = load()(text)
    return doc


def _event(doc: Document, sentence_has: str, trigger: str, sub: str = "Armed clash") -> Event:
    at = doc.text.index(sentence_has)
    sent = next(s for s in doc.nlp.sents if s.start_char <= at < s.end_char)
    t = doc.text.index(trigger, sent.start_char)
    return Event(event_type="Battles", sub_event_type=sub,
                 sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
                 trigger=Span(start=t, end=t + len(trigger), text=trigger))


def _sentence_span(doc: Document, sentence_has: str) -> Span:
    at = doc.text.index(sentence_has)
    sent = next(s for s in doc.nlp.sents if s.start_char <= at < s.end_char)
    return Span(start=sent.start_char, end=sent.end_char, text=sent.text)


def test_stage_reads_the_continuing_next_sentence() -> None:
    doc = _doc("A car bomb exploded in Mogadishu on Monday. The blast killed 12.")
    bomb = _event(doc, "A car bomb", "exploded", sub="Remote explosive/landmine/IED")
    doc.events = [bomb]
    FatalitiesStage()(doc)
    assert bomb.fatalities == 12
    evidence = bomb.evidence["fatalities"]
    assert doc.text[evidence.start:evidence.end] == "12"


def test_stage_ignores_an_unrelated_next_sentence() -> None:
    doc = _doc("A car bomb exploded in Mogadishu on Monday. Elsewhere, 12 were killed in Baidoa.")
    bomb = _event(doc, "A car bomb", "exploded")
    doc.events = [bomb]
    FatalitiesStage()(doc)
    assert bomb.fatalities == 0
    # No figure: the evidence for 0 is the event's own (silent) sentence, at low confidence.
    assert bomb.evidence["fatalities"].text == bomb.sentence.text
    assert bomb.evidence["fatalities"].confidence == 0.5


def test_stage_takes_the_largest_figure_not_the_sum() -> None:
    text = ("Boko Haram fighters attacked Dikwa, killing at least 20 people. "
            "Residents said the attack on Dikwa left 26 dead. "
            "Officials confirmed 20 deaths.")
    doc = _doc(text)
    attack = _event(doc, "Boko Haram fighters", "attacked")
    attack.mentions = [_sentence_span(doc, "Residents said"), _sentence_span(doc, "Officials")]
    doc.events = [attack]
    FatalitiesStage()(doc)
    assert attack.fatalities == 26
    assert attack.evidence["fatalities"].text == "26"


def test_stage_records_a_statement_of_no_deaths() -> None:
    doc = _doc("Protesters clashed with police in Lusaka on Friday. No one was killed.")
    riot = _event(doc, "Protesters clashed", "clashed")
    riot.mentions = [_sentence_span(doc, "No one was killed")]
    doc.events = [riot]
    FatalitiesStage()(doc)
    assert riot.fatalities == 0
    assert riot.evidence["fatalities"].text == "No one"


def test_an_aside_between_the_figure_and_the_verb():
    text = "At least 20 people, including the deputy governor, were killed on Monday."
    assert count_deaths(text)[0] == 20


def test_an_adjective_before_the_noun_is_not_an_outcome():
    assert count_deaths("Militiamen killed at least 60 displaced people overnight.")[0] == 60


def test_groups_with_participles_add_up():
    text = "Ten soldiers and 19 suspected cartel gunmen were killed in the fighting."
    assert count_deaths(text)[0] == 29


def test_a_firm_count_beats_a_larger_upper_bound():
    text = ("At least 31 civilians were killed and over 60 injured; other sources report up to "
            "39 dead.")
    assert count_deaths(text)[0] == 31


def test_the_wounded_are_not_added_to_the_dead():
    text = "An air strike hit a centre, killing at least 44 people and wounding more than 130."
    assert count_deaths(text)[0] == 44
