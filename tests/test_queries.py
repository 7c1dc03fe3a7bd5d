import datetime as dt

import pytest
from serve_fixtures import HOSTILE_TEXT, PALMYRA_SENTENCE, SANA_SENTENCE, SANA_TEXT
from serve_fixtures import store as store  # noqa: F401  (the fixture)

from dateline.store import queries
from dateline.store.queries import EventFilter, QueryError


def ids(store, **flt):
    page = queries.events_page(store, EventFilter(**flt), limit=100)
    return [e["id"] for e in page["items"]]


def test_no_filter_lists_everything_newest_first_undated_last(store):
    got = ids(store)
    assert len(got) == 26
    assert got[:2] == ["ev-iq-19", "ev-iq-18"]  # same day: id descending
    assert got[-2:] == ["ev-palmyra", "ev-undated"]


@pytest.mark.parametrize("flt, expected", [
    ({"start": dt.date(2019, 5, 14), "end": dt.date(2021, 12, 31)},
     ["ev-hostile", "ev-fiji", "ev-baidoa"]),
    ({"countries": ["SO", "SY"]}, ["ev-baidoa", "ev-afgooye", "ev-palmyra"]),
    ({"admin1": "lower SHABEELLE"}, ["ev-afgooye"]),
    ({"event_type": "Protests"}, ["ev-hostile", "ev-baidoa"]),
    ({"sub_event_type": "Suicide bomb"}, ["ev-afgooye"]),
    ({"actor": "russia"}, ["ev-palmyra"]),  # an associated actor counts
    ({"text": "food prices"}, ["ev-baidoa"]),
    ({"text": "100%"}, ["ev-hostile"]),  # % is a character, not a wildcard
    ({"text": "100_"}, []),
    ({"bbox": (35.0, 30.0, 46.0, 40.0), "countries": ["SY", "SO"]}, ["ev-palmyra"]),
    ({"bbox": (170.0, -20.0, -170.0, -10.0)}, ["ev-fiji"]),  # across the antimeridian
    ({"countries": ["SO"], "event_type": "Battles"}, []),
])
def test_each_filter_selects_exactly_its_events(store, flt, expected):
    assert ids(store, **flt) == expected


def test_filter_values_are_parameters_not_sql(store):
    assert ids(store, text="'; DROP TABLE merged_events; --") == []
    assert ids(store, countries=["SO' OR '1'='1"]) == []
    assert len(ids(store)) == 26


def test_pages_walk_every_event_once_in_order(store):
    seen, cursor = [], None
    while True:
        page = queries.events_page(store, EventFilter(), limit=4, cursor=cursor)
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids(store)


def test_a_page_does_not_shift_when_newer_events_arrive(store):
    first = queries.events_page(store, EventFilter(countries=["IQ"]), limit=5)
    from serve_fixtures import merged

    merged(store, "ev-iq-new", event_date=dt.date(2023, 1, 1), country="IQ")
    try:
        second = queries.events_page(store, EventFilter(countries=["IQ"]), limit=5,
                                     cursor=first["next_cursor"])
    finally:
        store.execute("DELETE FROM merged_events WHERE id = 'ev-iq-new'")
    assert [e["id"] for e in second["items"]] == [f"ev-iq-{i:02d}" for i in range(14, 9, -1)]


@pytest.mark.parametrize("cursor", ["garbage", "bm90IGpzb24", "WzEsIDJd"])
def test_bad_cursor_is_a_clear_error(store, cursor):
    with pytest.raises(QueryError, match="invalid cursor"):
        queries.events_page(store, EventFilter(), cursor=cursor)


def test_event_detail_has_sources_with_evidence_inside_the_sentence(store):
    ev = queries.event_detail(store, "ev-palmyra")
    assert ev["assoc_actor_1"] == ["Military Forces of Russia"]
    assert [s["document_id"] for s in ev["sources"]] == ["sana-palmyra", "afp-palmyra"]
    afp = ev["sources"][1]
    assert afp["agency"] == "AFP" and afp["reasons"] == {"date": "same day"}
    sentence = afp["sentence"]
    assert sentence["text"] == PALMYRA_SENTENCE
    marked = {h["field"]: sentence["text"][h["start"]:h["end"]] for h in sentence["highlights"]}
    assert marked == {"actor1": "Syrian troops", "sub_event_type": "recaptured",
                      "location": "Palmyra", "event_date": "on Thursday"}
    outside = [e for e in afp["evidence"] if not e["in_sentence"]]
    assert [(e["field"], e["text"]) for e in outside] == [("fatalities", "fully secured")]


def test_a_repeated_sentence_is_located_where_its_evidence_is(store):
    sana = queries.event_detail(store, "ev-palmyra")["sources"][0]
    assert sana["sentence"]["start"] == SANA_TEXT.rindex(SANA_SENTENCE)
    [h] = sana["sentence"]["highlights"]
    assert SANA_SENTENCE[h["start"]:h["end"]] == "Palmyra"


def test_unknown_event_is_none(store):
    assert queries.event_detail(store, "ev-nope") is None


def test_timeline_counts_add_up(store):
    got = queries.timeline_counts(store, EventFilter(), "year")
    assert got["total"] == 25  # the undated event has no bar
    by = {(b["period"], b["event_type"]): b["events"] for b in got["buckets"]}
    assert by[("2022-01-01", "Battles")] == 20
    assert by[("2019-01-01", "Protests")] == 1
    fat = {(b["period"], b["event_type"]): b["fatalities"] for b in got["buckets"]}
    assert fat[("2019-01-01", "Explosions/Remote violence")] == 12


def test_timeline_picks_a_bucket_size_from_the_span(store):
    assert queries.timeline_counts(store, EventFilter(countries=["IQ"]))["interval"] == "day"
    assert queries.timeline_counts(store, EventFilter())["interval"] == "month"
    with pytest.raises(QueryError):
        queries.timeline_counts(store, EventFilter(), "fortnight")


def test_map_gives_points_when_few_and_cells_when_many(store):
    few = queries.map_points(store, EventFilter(countries=["SO"]))
    assert few["mode"] == "points"
    assert sorted(p[0] for p in few["points"]) == ["ev-afgooye", "ev-baidoa"]
    many = queries.map_points(store, EventFilter(), limit=5)
    assert many["mode"] == "cells"
    cells = {(c[0], c[1]): c[2] for c in many["cells"]}
    assert cells[(36.5, 43.0)] == 20  # Mosul's 20 clashes in one half-degree cell
    assert len(cells) <= 5


def test_documents_and_one_document(store):
    page = queries.documents_page(store, limit=2)
    assert [d["id"] for d in page["items"]] == ["afp-palmyra", "hostile/1#2"]
    rest = queries.documents_page(store, limit=2, cursor=page["next_cursor"])
    assert [d["id"] for d in rest["items"]] == ["sana-palmyra"] and rest["next_cursor"] is None
    assert [d["id"] for d in queries.documents_page(store, "drive isis")["items"]] == \
        ["afp-palmyra"]
    doc = queries.document_detail(store, "hostile/1#2")
    assert doc["text"] == HOSTILE_TEXT
    assert [(r["id"], r["merged_id"]) for r in doc["records"]] == [("r-hostile", "ev-hostile")]
    assert queries.document_detail(store, "nope") is None


def test_places_by_event_count(store):
    got = queries.places(store)
    assert got[0]["location"] == "Mosul" and got[0]["events"] == 20
    assert [p["location"] for p in queries.places(store, "pal")] == ["Palmyra"]
    assert [p["location"] for p in queries.places(store, country="SO")] == \
        ["Afgooye", "Baidoa"]


@pytest.mark.parametrize("flt", [
    {}, {"countries": ["IQ"]}, {"text": "o"}, {"start": dt.date(2019, 5, 14)},
    {"end": dt.date(2021, 12, 31)}, {"start": dt.date(2022, 1, 3), "end": dt.date(2022, 1, 8)},
])
def test_searching_by_date_windows_gives_what_one_query_gives(store, flt, monkeypatch):
    def walk():
        seen, cursor = [], None
        while True:
            page = queries.events_page(store, EventFilter(**flt), limit=3, cursor=cursor)
            seen += [e["id"] for e in page["items"]]
            if (cursor := page["next_cursor"]) is None:
                return seen

    windowed = walk()
    monkeypatch.setattr(queries, "FIRST_WINDOW_DAYS", 100_000)  # one window: all dates
    assert walk() == windowed
    where, params = EventFilter(**flt).where()
    everything = store.query(f"SELECT id FROM merged_events WHERE {where}"
                             " ORDER BY event_date DESC NULLS LAST, id DESC", params)
    assert windowed == [r["id"] for r in everything]
