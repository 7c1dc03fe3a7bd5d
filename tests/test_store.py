import datetime as dt

from dateline.records import Actor, Document, Event, Place, Span
from dateline.store import Store


def _doc(text: str = "Troops recaptured the town of Afgooye on Tuesday.") -> Document:
    sent = Span(start=0, end=len(text), text=text)
    place = Place(name="Afgooye", start=30, end=37, geonameid=57000, latitude=2.14,
                  longitude=45.12, country="SO", admin1="Lower Shabeelle")
    event = Event(event_type="Battles", sub_event_type="Government regains territory",
                  sentence=sent, trigger=Span(start=7, end=17, text="recaptured"),
                  actor1=Actor(name="Military Forces of Somalia", country="SO", inter=1),
                  event_date=dt.date(2019, 5, 14), place=place, country="SO", id="abc-1")
    return Document(id="doc-1", text=text, events=[event], places=[place])


def test_same_document_twice_is_stored_once(tmp_path):
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        assert store.save(_doc()) is True
        assert store.save(_doc()) is False
        assert store.counts() == {"documents": 1, "events": 1, "places": 1}
    with Store(path) as store:  # reopened from disk: nothing lost, nothing doubled
        assert store.save(_doc()) is False
        row = store.con.execute(
            "SELECT sub_event_type, actor1, geonameid, event_date FROM events").fetchone()
    assert row == ("Government regains territory", "Military Forces of Somalia", 57000,
                   dt.date(2019, 5, 14))


def test_changed_document_replaces_its_old_version(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.save(_doc())
        changed = _doc("Troops recaptured the town of Afgooye on Tuesday!")
        changed.events[0].id = "def-1"
        assert store.save(changed) is True
        assert store.counts() == {"documents": 1, "events": 1, "places": 1}
        assert store.con.execute("SELECT id FROM events").fetchone() == ("def-1",)
