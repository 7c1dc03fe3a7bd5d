"""Tests for the dates stage: resolution against the publication date, choice per event."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dateline.dates import DatesStage, date_expressions, resolve, story_date
from dateline.nlp import load
from dateline.records import Document, Event, Span

SAT = dt.date(2017, 3, 4)  # the seed story's publication day, a Saturday
D = dt.date


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("on Thursday", (D(2017, 3, 2), 1)),
        ("Thursday", (D(2017, 3, 2), 1)),
        ("on Saturday", (SAT, 1)),  # same weekday as the paper: that day
        ("last Saturday", (D(2017, 2, 25), 1)),
        ("on Monday night", (D(2017, 2, 27), 1)),
        ("late Tuesday", (D(2017, 2, 28), 1)),
        ("early on Friday", (D(2017, 3, 3), 1)),
        ("yesterday", (D(2017, 3, 3), 1)),
        ("today", (SAT, 1)),
        ("this morning", (SAT, 1)),
        ("last night", (D(2017, 3, 3), 1)),
        ("overnight", (D(2017, 3, 3), 1)),
        ("March 3", (D(2017, 3, 3), 1)),
        ("3 March", (D(2017, 3, 3), 1)),
        ("March 3, 2017", (D(2017, 3, 3), 1)),
        ("3rd of March", (D(2017, 3, 3), 1)),
        ("March 5", (D(2016, 3, 5), 1)),  # no year: the latest not after publication
        ("Feb. 28", (D(2017, 2, 28), 1)),
        ("2017-03-01", (D(2017, 3, 1), 1)),
        ("two days ago", (D(2017, 3, 2), 1)),
        ("last week", (D(2017, 2, 20), 2)),  # Monday of the previous week
        ("earlier this week", (D(2017, 2, 27), 2)),
        ("in recent days", (D(2017, 3, 1), 2)),
        ("12-15 May", (D(2016, 5, 12), 2)),
        ("on the night of 12-13 May", (D(2016, 5, 12), 1)),
        ("this month", (D(2017, 3, 1), 3)),
        ("earlier this month", (D(2017, 3, 1), 3)),
        ("in August", (D(2016, 8, 1), 3)),
        ("August 2016", (D(2016, 8, 1), 3)),
        ("in 2014", (D(2014, 1, 1), 3)),
        ("mid-2015", (D(2015, 1, 1), 3)),
        ("last year", (D(2016, 1, 1), 3)),
    ],
)
def test_resolve_against_publication(expression: str, expected: tuple[dt.date, int]) -> None:
    assert resolve(expression, SAT) == expected


@pytest.mark.parametrize("expression", ["for weeks", "six-year", "48 hours", "12-year-old",
                                        "weeks", "40"])
def test_durations_and_ages_do_not_resolve(expression: str) -> None:
    assert resolve(expression, SAT) is None


def test_bare_year_needs_an_anchoring_context() -> None:
    assert resolve("2014", SAT, "swathes of territory in ") == (D(2014, 1, 1), 3)
    assert resolve("2014", SAT, "ahead of the ") is None  # "the 2014 election"


def test_ambiguous_numeric_date_prefers_the_past() -> None:
    assert resolve("12/01/2017", SAT) == (D(2017, 1, 12), 1)


def test_without_publication_date_only_explicit_years_resolve() -> None:
    assert resolve("March 3, 2017", None) == (D(2017, 3, 3), 1)
    assert resolve("in 2014", None) == (D(2014, 1, 1), 3)
    assert resolve("2017-03-01", None) == (D(2017, 3, 1), 1)
    for relative in ("on Thursday", "yesterday", "last week", "in August", "March 3"):
        assert resolve(relative, None) is None


# ---- documents ---------------------------------------------------------------------------------

WIRE = (
    "Rebels seize town in the north\n\n"
    "KABUL • Taliban fighters overran the district centre of Sangin on Thursday, officials said, "
    "after weeks of fighting during the six-year campaign.\n\n"
    "A police spokesman said on Thursday that the militants had also attacked a checkpoint.\n\n"
    "The Taliban first took the district in 2014 and lost it in August.\n\n"
    "A version of this story appeared on March 04, 2017."
)


def _doc(text: str, published: dt.date | None = SAT) -> Document:
    doc = Document(id="t", text=text, published=published)
    doc.body = [Span(start=m.start(), end=m.end(), text=m.group())
                for m in re.finditer(r"[^\n]+", text)]
    doc.nlp = load()(text)
    return doc


def _event(doc: Document, sentence_has: str, trigger: str) -> Event:
    at = doc.text.index(sentence_has)
    sent = next(s for s in doc.nlp.sents if s.start_char <= at < s.end_char)
    t = doc.text.index(trigger, sent.start_char)
    return Event(event_type="Battles", sub_event_type="Armed clash",
                 sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
                 trigger=Span(start=t, end=t + len(trigger), text=trigger))


def test_date_expressions_skip_durations() -> None:
    doc = _doc(WIRE)
    found = [(s.text, day, p) for s, day, p in date_expressions(doc, 0, len(doc.text))]
    assert ("on Thursday", D(2017, 3, 2), 1) in found
    assert ("in 2014", D(2014, 1, 1), 3) in found
    assert ("in August", D(2016, 8, 1), 3) in found
    assert not any("weeks" in text or "six-year" in text for text, _, _ in found)


def test_story_date_is_the_common_recent_day() -> None:
    doc = _doc(WIRE)
    day, precision, span = story_date(doc)
    assert (day, precision) == (D(2017, 3, 2), 1)
    assert span is not None and span.text == "on Thursday"
    assert story_date(_doc(WIRE, published=None)) is None
    assert story_date(_doc("Rebels took the district in 2014.")) is None


def test_stage_uses_the_sentence_then_the_story_then_publication() -> None:
    doc = _doc(WIRE)
    own = _event(doc, "Taliban fighters overran", "overran")
    old = _event(doc, "first took the district", "took")
    doc.events = [own, old]
    DatesStage()(doc)
    assert (own.event_date, own.time_precision) == (D(2017, 3, 2), 1)
    assert own.evidence["event_date"].text == "on Thursday"
    assert own.evidence["event_date"].confidence > 0.8
    # "in 2014" hangs on "took"; "in August" on "lost": the trigger decides.
    assert (old.event_date, old.time_precision) == (D(2014, 1, 1), 3)

    doc2 = _doc("Fighting in Syria\n\nGovernment troops retook the town, the army said.\n\n"
                "Residents had fled on Wednesday, witnesses said.")
    retake = _event(doc2, "Government troops", "retook")
    doc2.events = [retake]
    DatesStage()(doc2)
    assert retake.event_date == D(2017, 3, 1)  # the story's date, with low confidence
    assert retake.evidence["event_date"].confidence < 0.5

    doc3 = _doc("Government troops retook the town, the army said.")
    late = _event(doc3, "Government troops", "retook")
    doc3.events = [late]
    DatesStage()(doc3)
    assert (late.event_date, late.time_precision) == (SAT, 1)
    assert "event_date" not in late.evidence

    doc4 = _doc("Government troops retook the town, the army said.", published=None)
    none = _event(doc4, "Government troops", "retook")
    doc4.events = [none]
    DatesStage()(doc4)
    assert none.event_date is None


def test_attached_expression_beats_a_nearer_reporting_date() -> None:
    text = ("Officials said on Friday that gunmen had attacked the village late Tuesday, "
            "burning homes.")
    doc = _doc(text)
    attack = _event(doc, "Officials said", "attacked")
    doc.events = [attack]
    DatesStage()(doc)
    assert attack.event_date == D(2017, 2, 28)
    assert attack.evidence["event_date"].text == "late Tuesday"


def test_mentions_supply_a_date() -> None:
    text = "Fighters captured the base.\n\nThe base fell on 1 March after a siege, Sana said."
    doc = _doc(text)
    capture = _event(doc, "Fighters captured", "captured")
    m = text.index("The base fell")
    capture.mentions = [Span(start=m, end=len(text), text=text[m:])]
    doc.events = [capture]
    DatesStage()(doc)
    assert (capture.event_date, capture.time_precision) == (D(2017, 3, 1), 1)
    assert capture.evidence["event_date"].text == "on 1 March"


def test_a_verbless_sentence_does_not_hang_the_date_stage():
    """Regression: a clause with a noun root once looped forever (Token identity check)."""
    import signal

    from dateline.pipeline import Pipeline

    def fail(*_):
        raise TimeoutError("date stage did not finish")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(30)
    try:
        doc = Pipeline(["nlp", "events", "dates"])(Document(
            id="v", text="Heavy clashes in Aleppo on Monday.",
            published=dt.date(2017, 3, 4)))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert doc.events and doc.events[0].event_date == dt.date(2017, 2, 27)


def test_a_date_inside_a_noun_clause_does_not_date_the_event():
    from dateline.pipeline import Pipeline

    doc = Pipeline(["nlp", "events", "dates"])(Document(
        id="n", text="Russian troops set up at the base vacated by French forces last month, "
                     "the army said on Thursday.", published=dt.date(2022, 1, 7)))
    assert doc.events[0].event_date == dt.date(2022, 1, 6)
