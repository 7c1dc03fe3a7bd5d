import datetime as dt
import json

from test_store import record_doc, store, store_target  # noqa: F401  (fixtures)

from dateline import merge

DAY = dt.date(2019, 5, 14)


def _merged(store):  # noqa: F811
    return store.query("SELECT * FROM merged_events ORDER BY event_date, id")


def test_reports_of_one_event_become_one_event_with_every_source(store):  # noqa: F811
    store.save(record_doc("reuters", "Troops retook Afgooye.", fatalities=12))
    store.save(record_doc("afp", "The army recaptured Afgooye.", fatalities=20,
                          published=DAY + dt.timedelta(days=1)))
    store.save(record_doc("local", "Soldiers regained Afgooye East.", place="Afgooye East",
                          fatalities=15, day=DAY + dt.timedelta(days=1)))
    (event,) = _merged(store)
    assert event["n_sources"] == 3 and event["n_records"] == 3
    assert event["fatalities"] == 12  # the lowest figure, not the sum or the largest
    assert "12, 15, 20" in event["notes"]
    assert event["location"] == "Afgooye" and event["event_date"] == DAY
    assert event["first_reported"] == DAY and event["last_reported"] == DAY + dt.timedelta(1)
    members = store.query("SELECT * FROM merged_members ORDER BY joined_at, record_id")
    assert {m["document_id"] for m in members} == {"reuters", "afp", "local"}
    adjacent = next(m for m in members if m["document_id"] == "local")
    assert "adjacent places" in json.loads(adjacent["reasons"])["place"]


def test_look_alikes_stay_apart(store):  # noqa: F811
    store.save(record_doc("a", "Troops retook Afgooye."))
    store.save(record_doc("b", "Troops retook Afgooye a week later.",
                          day=DAY + dt.timedelta(days=7)))  # same town, another day
    store.save(record_doc("c", "Troops retook Baidoa.", place="Baidoa"))  # same day, far town
    store.save(record_doc("d", "Al Shabaab attacked police in Afgooye.", sub="Armed clash",
                          actor1="Al Shabaab", actor2="Police Forces of Somalia"))  # other actors
    store.save(record_doc("e", "Protest in Afgooye.", sub="Peaceful protest",
                          actor1="Protesters (Somalia)"))  # incompatible type
    assert len(_merged(store)) == 5


def test_two_records_of_one_document_are_two_events(store):  # noqa: F811
    second = record_doc("x", "t", event_id="doc-1-2").events[0]
    store.save(record_doc("doc", "Two captures of Afgooye.", extra=[second]))
    assert len(_merged(store)) == 2


def test_a_capture_joins_the_clash_it_ended(store):  # noqa: F811
    store.save(record_doc("a", "Fighting in Afgooye.", sub="Armed clash",
                          actor2="Al Shabaab"))
    store.save(record_doc("b", "Troops took Afgooye from Al Shabaab.", actor2="Al Shabaab"))
    (event,) = _merged(store)
    assert event["sub_event_type"] == "Government regains territory"  # the more specific


def test_merging_is_incremental_and_idempotent(store):  # noqa: F811
    store.save(record_doc("a", "Troops retook Afgooye."))
    first = _merged(store)[0]
    store.save(record_doc("b", "The army recaptured Afgooye."))
    store.save(record_doc("b", "The army recaptured Afgooye."))  # a re-run adds nothing
    (event,) = _merged(store)
    assert event["id"] == first["id"] and event["n_sources"] == 2
    assert store.query("SELECT count(*) AS n FROM merged_members")[0]["n"] == 2


def test_a_replaced_document_leaves_its_events(store):  # noqa: F811
    store.save(record_doc("a", "Troops retook Afgooye."))
    store.save(record_doc("b", "The army recaptured Afgooye.", event_id="b-old"))
    store.save(record_doc("b", "Correction: the army recaptured Baidoa.", place="Baidoa",
                          event_id="b-new"))
    events = {e["location"]: e for e in _merged(store)}
    assert events["Afgooye"]["n_sources"] == 1 and events["Baidoa"]["n_sources"] == 1


def test_pending_records_are_merged_later(store_target):  # noqa: F811
    from dateline.store import Store

    with Store(store_target, merge=False) as s:
        s.save(record_doc("a", "Troops retook Afgooye."))
        s.save(record_doc("b", "The army recaptured Afgooye."))
        assert s.counts()["merged_events"] == 0
        assert s.merge_pending() == 2
        assert s.merge_pending() == 0
        assert s.counts()["merged_events"] == 1


def test_explain_lists_records_and_reasons(store):  # noqa: F811
    store.save(record_doc("a", "Troops retook Afgooye."))
    store.save(record_doc("b", "The army recaptured Afgooye."))
    found = merge.explain(store, "b-1")  # a record id finds its merged event
    assert found["event"]["id"] == "ev-a-1"
    assert [m["document_id"] for m in found["members"]] == ["a", "b"]
    assert found["members"][1]["reasons"]["date"].startswith("same day")
    assert merge.explain(store, "nope") is None


def test_scores_explain_themselves():
    a = {"sub_event_type": "Air/drone strike", "event_date": DAY, "time_precision": 1,
         "country": "SY", "location": "Palmyra", "geonameid": 1, "latitude": 34.56,
         "longitude": 38.27, "actor1": "Military Forces of Russia", "actor2": None}
    b = {**a, "sub_event_type": "Shelling/artillery/missile attack", "geonameid": 2,
         "event_date": DAY + dt.timedelta(days=1), "latitude": 34.60}
    total, reasons = merge.score(a, b)
    assert 0.65 < total < 1
    assert reasons["type"].startswith("compatible types")
    assert "1 day(s) apart" in reasons["date"] and "adjacent" in reasons["place"]
    assert merge.score(a, {**b, "event_date": DAY + dt.timedelta(days=3)}) is None
    assert merge.score(a, {**b, "country": "IQ"}) is None
    assert merge.score(a, {**b, "actor1": "Military Forces of Syria"}) is None
