import datetime as dt

from dateline.records import Actor, Document, Event, Place, Span
from dateline.status import StatusStage

PALMYRA = Place(name="Palmyra", start=0, end=7, geonameid=163808, latitude=34.56,
                longitude=38.28, country="SY", admin1="Homs")


def _event(sub: str, etype: str = "Battles", date: dt.date | None = dt.date(2017, 3, 2),
           place: Place | None = PALMYRA, actor1: str | None = "Military Forces of Syria",
           sentence: str = "s") -> Event:
    span = Span(start=0, end=len(sentence), text=sentence)
    return Event(event_type=etype, sub_event_type=sub, sentence=span, trigger=span,
                 event_date=date, place=place,
                 actor1=Actor(name=actor1) if actor1 else None)


def _doc(*events: Event) -> Document:
    return Document(id="d", text="text", published=dt.date(2017, 3, 4), events=list(events))


def test_old_events_are_background_not_emitted():
    doc = StatusStage()(_doc(_event("Non-state actor overtakes territory",
                                    date=dt.date(2014, 6, 1), actor1="Islamic State")))
    assert doc.events == []
    assert doc.background[0].status == "background"
    assert "before publication" in doc.background[0].notes[0]


def test_mentions_of_one_happening_fold_into_the_more_specific_event():
    clash = _event("Armed clash", place=None, sentence="Syrian forces battled for weeks")
    capture = _event("Government regains territory", sentence="troops recaptured Palmyra")
    doc = StatusStage()(_doc(clash, capture))
    assert len(doc.events) == 1
    assert doc.events[0].sub_event_type == "Government regains territory"
    assert doc.events[0].place.geonameid == 163808
    assert doc.events[0].id.endswith("-1")


def test_different_places_stay_separate_events():
    other = PALMYRA.model_copy(update={"geonameid": 170063, "name": "Aleppo"})
    doc = StatusStage()(_doc(_event("Armed clash"), _event("Armed clash", place=other)))
    assert len(doc.events) == 2


def test_different_named_actors_stay_separate_events():
    a = _event("Armed clash", actor1="Military Forces of Syria")
    b = _event("Armed clash", actor1="Hezbollah")
    assert len(StatusStage()(_doc(a, b)).events) == 2


def test_an_event_listed_in_two_towns_becomes_two_events_sharing_the_toll():
    from dateline.pipeline import Pipeline

    doc = Pipeline()(Document(
        id="m", text="Security forces shot dead 18 protesters in Yangon and Mandalay on Sunday.",
        published=dt.date(2021, 3, 1)))
    assert sorted((e.place.name, e.fatalities) for e in doc.events) == [
        ("Mandalay", 9), ("Yangon", 9)]
    assert len({e.id for e in doc.events}) == 2


def test_a_bare_killing_after_a_bombing_keeps_the_bombing_type():
    bomb = _event("Suicide bomb", etype="Explosions/Remote violence", sentence="A bomber ...")
    toll = _event("Armed clash", place=None, actor1=None, sentence="Two soldiers were killed.")
    toll.sentence = toll.sentence.model_copy(update={"start": 20, "end": 45})
    toll.notes.append("events: violence family settled as Armed clash")
    toll.fatalities = 2
    doc = StatusStage()(_doc(bomb, toll))
    assert [(e.sub_event_type, e.fatalities) for e in doc.events] == [("Suicide bomb", 2)]
