"""The store on both backends: DuckDB always; PostgreSQL when DATELINE_TEST_POSTGRES holds a URL
(`.ci/run` starts a server and sets it)."""

import datetime as dt
import os

import pytest

from dateline.records import Actor, Document, Event, Place, Span
from dateline.store import Store, StoreError
from dateline.store.backends import to_psycopg
from dateline.store.migrate import available

PG_URL = os.environ.get("DATELINE_TEST_POSTGRES")
PLACES = {  # name: (geonameid, lat, lon, country, admin1)
    "Afgooye": (57000, 2.14, 45.12, "SO", "Lower Shabeelle"),
    "Afgooye East": (57001, 2.16, 45.15, "SO", "Lower Shabeelle"),  # ~4 km away
    "Baidoa": (64013, 3.11, 43.65, "SO", "Bay"),
}


def _doc(text: str = "Troops recaptured the town of Afgooye on Tuesday.") -> Document:
    return record_doc("doc-1", text, event_id="abc-1")


def record_doc(doc_id: str, text: str, *, event_id: str | None = None,
               sub: str = "Government regains territory", day: dt.date = dt.date(2019, 5, 14),
               place: str = "Afgooye", actor1: str = "Military Forces of Somalia",
               actor2: str | None = None, fatalities: int = 0, published: dt.date | None = None,
               extra: list[Event] | None = None) -> Document:
    """A processed document with one coded event (as the pipeline would leave it)."""
    from dateline.records import SUB_TO_TYPE

    gid, lat, lon, cc, admin1 = PLACES[place]
    sent = Span(start=0, end=len(text), text=text)
    where = Place(name=place, start=0, end=len(place), geonameid=gid, latitude=lat,
                  longitude=lon, country=cc, admin1=admin1)
    event = Event(event_type=SUB_TO_TYPE[sub], sub_event_type=sub, sentence=sent,
                  trigger=Span(start=0, end=1, text=text[:1]),
                  actor1=Actor(name=actor1, country=cc, inter=1 if "Forces" in actor1 else 2),
                  actor2=Actor(name=actor2, country=cc, inter=2) if actor2 else None,
                  event_date=day, time_precision=1, place=where, country=cc,
                  fatalities=fatalities, id=event_id or f"{doc_id}-1", confidence=0.6)
    return Document(id=doc_id, text=text, events=[event, *(extra or [])], places=[where],
                    published=published or day)


@pytest.fixture(params=["duckdb", "postgresql"])
def store_target(request, tmp_path):
    """A fresh, empty store on each backend."""
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    if not PG_URL:
        pytest.skip("PostgreSQL tests need a server: set DATELINE_TEST_POSTGRES to a "
                    "postgresql:// URL (.ci/run starts one)")
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")
    return PG_URL


@pytest.fixture
def store(store_target):
    with Store(store_target) as s:
        yield s


def test_same_document_twice_is_stored_once(store_target):
    with Store(store_target) as store:
        assert store.save(_doc()) is True
        assert store.save(_doc()) is False
        assert store.counts() == {"documents": 1, "events": 1, "places": 1, "merged_events": 1}
    with Store(store_target) as store:  # reopened: nothing lost, nothing doubled
        assert store.save(_doc()) is False
        row = store.query("SELECT sub_event_type, actor1, geonameid, event_date FROM events")[0]
    assert row == {"sub_event_type": "Government regains territory",
                   "actor1": "Military Forces of Somalia", "geonameid": 57000,
                   "event_date": dt.date(2019, 5, 14)}


def test_changed_document_replaces_its_old_version(store):
    store.save(_doc())
    changed = _doc("Troops recaptured the town of Afgooye on Tuesday!")
    changed.events[0].id = "def-1"
    assert store.save(changed) is True
    assert store.counts() == {"documents": 1, "events": 1, "places": 1, "merged_events": 1}
    assert store.query("SELECT id FROM events") == [{"id": "def-1"}]
    assert store.query("SELECT id FROM merged_events") == [{"id": "ev-def-1"}]


def test_migrations_are_applied_once_and_recorded(store_target):
    with Store(store_target) as store:
        first = store.query("SELECT version, name FROM schema_migrations ORDER BY version")
    with Store(store_target) as store:  # reopening applies nothing again
        again = store.query("SELECT version, name FROM schema_migrations ORDER BY version")
    assert first == again == [{"version": m.version, "name": m.name} for m in available()]
    assert [m.version for m in available()][:2] == [1, 2]


def test_query_takes_question_marks_on_both_backends(store):
    rows = store.query("SELECT 'a?b%' AS text, ? + 1 AS n", [41])
    assert rows == [{"text": "a?b%", "n": 42}]


def test_iter_query_streams_every_row(store):
    for i in range(5):
        store.save(record_doc(f"d{i}", f"Story {i}.", day=dt.date(2019, 5, 1 + 4 * i)))
    rows = list(store.iter_query("SELECT id FROM merged_events ORDER BY event_date"))
    assert len(rows) == 5


def test_a_failed_save_leaves_nothing_behind(store, monkeypatch):
    from dateline import merge

    def crash(*args):
        raise RuntimeError("crash while merging")

    monkeypatch.setattr(merge, "recompute", crash)  # fails after the document's inserts
    with pytest.raises(RuntimeError):
        store.save(_doc())
    assert store.counts() == {"documents": 0, "events": 0, "places": 0, "merged_events": 0}


def test_placeholders_are_translated_outside_literals_only():
    assert to_psycopg("SELECT '?', \"a?\" FROM t WHERE x = ? AND y LIKE '%z'") == \
        "SELECT '?', \"a?\" FROM t WHERE x = %s AND y LIKE '%%z'"


def test_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        Store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_many_places_round_trip_exactly(store):
    """Places go in as multi-row INSERTs, in parts below PostgreSQL's parameter limit: every
    row comes back as given, unresolved names and mixed int/float values included."""
    doc = _doc()
    doc.places = [Place(name=f"Place {i}", start=i, end=i + 5,
                        geonameid=None if i % 3 else 1000 + i,
                        latitude=None if i % 3 else 2.0 + i / 7, longitude=45 if i % 2 else 45.5,
                        country="SO") for i in range(700)]
    store.save(doc)
    rows = store.query("SELECT idx, name, geonameid, latitude, longitude FROM places"
                       " WHERE document_id = ? ORDER BY idx", [doc.id])
    assert [(r["idx"], r["name"], r["geonameid"]) for r in rows] == [
        (i, p.name, p.geonameid) for i, p in enumerate(doc.places)]
    assert [r["latitude"] for r in rows] == [p.latitude for p in doc.places]
    assert [r["longitude"] for r in rows] == [p.longitude for p in doc.places]



TIMES = {"stored_at", "created_at", "updated_at", "joined_at", "applied_at"}


def table_rows(store: Store) -> dict[str, list[str]]:
    """Every stored row, order-independent, without the time it was written."""
    return {t: sorted(repr(sorted((k, str(v)) for k, v in row.items() if k not in TIMES))
                      for row in store.query(f"SELECT * FROM {t}"))
            for t in ("documents", "events", "places", "merged_events", "merged_members")}


def merge_corpus() -> list[Document]:
    """Documents that merge, repeat, change and split: what `save_many` must get right."""
    takeover = {"sub": "Non-state actor overtakes territory", "actor1": "Al Shabaab"}
    retaken = {"day": dt.date(2019, 5, 20)}
    changed = record_doc("b", "Troops retook Afgooye, killing three.", event_id="b2-1",
                         fatalities=3, **retaken)
    return [
        record_doc("a", "Al Shabaab seized Afgooye.", **takeover),
        record_doc("b", "Troops retook Afgooye.", fatalities=2, **retaken),
        record_doc("c", "Soldiers recaptured Afgooye.", fatalities=4, **retaken),
        record_doc("d", "The army took back Afgooye East.", place="Afgooye East", **retaken),
        record_doc("e", "Fighting in Baidoa.", sub="Armed clash", place="Baidoa",
                   actor2="Al Shabaab", fatalities=5),
        changed,  # replaces "b": the event it founded keeps c and d, then b joins again
        record_doc("c", "Soldiers recaptured Afgooye.", fatalities=4, **retaken),  # unchanged
        record_doc("f", "Two events in one story.", extra=[
            record_doc("f", "x", event_id="f-2", place="Baidoa", sub="Armed clash",
                       actor2="Al Shabaab").events[0]], **retaken),
        Document(id="g", text="Nothing happened.", published=dt.date(2019, 5, 21)),
        changed.model_copy(deep=True),  # the same change again: nothing to do
    ]


@pytest.mark.parametrize("size", [1, 3, 100])
def test_save_many_gives_the_store_of_saving_one_by_one(store_target, tmp_path, size):
    reference = str(tmp_path / "one_by_one.duckdb")
    with Store(reference) as alone:
        expected = [alone.save(doc) for doc in merge_corpus()]
        want = table_rows(alone)
    docs = merge_corpus()
    with Store(store_target) as store:
        got = [new for i in range(0, len(docs), size)
               for new in store.save_many(docs[i:i + size])]
        assert got == expected == [True] * 6 + [False, True, True, False]
        assert table_rows(store) == want
        merged = store.query("SELECT n_sources, fatalities FROM merged_events"
                             " WHERE n_sources > 1 ORDER BY n_sources")
    # e and f's second event; b (its changed toll: 3, not 2), c, d and f: one retaking.
    assert merged == [{"n_sources": 2, "fatalities": 5}, {"n_sources": 4, "fatalities": 3}]


def test_a_failed_batch_leaves_nothing_behind(store):
    store.save(record_doc("a", "Troops retook Afgooye."))
    batch = [record_doc("b", "Soldiers recaptured Afgooye."),
             record_doc("c", "A lone surrogate \ud800 cannot be stored."),
             record_doc("a", "Troops retook Afgooye, changed.", event_id="a2-1")]
    before = table_rows(store)
    with pytest.raises(Exception):  # noqa: B017 - each backend has its own error type
        store.save_many(batch)
    assert table_rows(store) == before
    assert store.save_many([batch[0], batch[2]]) == [True, True]  # still usable


@pytest.mark.parametrize("rows", [
    [("it's", "2019-05-14", 1, None), ("b", None, 2.5, 2**40)],  # Arrow takes these
    [("x", "2019-05-14", 1, None), (7, None, 2.5, 3)],  # text and a number: the generic path
])
def test_duckdb_bulk_insert_stores_what_row_parameters_store(rows):
    from dateline.store.backends import Backend, DuckDBBackend

    got = []
    for insert in (DuckDBBackend.insert_rows, Backend.insert_rows):
        db = DuckDBBackend(":memory:")
        db.execute("CREATE TABLE t (a VARCHAR, d DATE, x DOUBLE, n BIGINT)")
        insert(db, "t", ["a", "d", "x", "n"], rows)
        got.append(db.query("SELECT * FROM t ORDER BY d NULLS LAST"))
        db.close()
    assert got[0] == got[1] and len(got[0]) == 2
    assert got[0][0]["d"] == dt.date(2019, 5, 14)
