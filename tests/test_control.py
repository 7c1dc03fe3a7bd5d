import datetime as dt

from test_store import record_doc, store, store_target  # noqa: F401  (fixtures)

from dateline.control import timeline

DAY = dt.date(2019, 5, 14)


def _fill(store):  # noqa: F811
    store.save(record_doc("a", "Al Shabaab seized Afgooye.", day=DAY,
                          sub="Non-state actor overtakes territory", actor1="Al Shabaab",
                          actor2="Military Forces of Somalia"))
    store.save(record_doc("b", "Militants overran Afgooye.", day=DAY,
                          sub="Non-state actor overtakes territory", actor1="Al Shabaab"))
    store.save(record_doc("c", "Troops recaptured Afgooye.", day=DAY + dt.timedelta(days=10),
                          actor2="Al Shabaab"))
    store.save(record_doc("d", "Troops withdrew from Afgooye.",
                          day=DAY + dt.timedelta(days=40),
                          sub="Non-violent transfer of territory"))
    store.save(record_doc("e", "Troops recaptured Baidoa.", place="Baidoa"))


def test_timeline_of_a_place(store):  # noqa: F811
    _fill(store)
    periods = timeline(store, "afgooye")
    assert [(p["holder"], p["from_date"], p["to_date"]) for p in periods] == [
        ("Al Shabaab", DAY, DAY + dt.timedelta(days=10)),
        ("Military Forces of Somalia", DAY + dt.timedelta(days=10),
         DAY + dt.timedelta(days=40)),
        (None, DAY + dt.timedelta(days=40), None),  # a withdrawal names no new holder
    ]
    assert len(periods[0]["event_ids"]) == 1  # two reports, one merged event
    assert "withdrew" in periods[2]["notes"][0]
    assert periods[1]["holder_country"] == "SO" and periods[1]["geonameid"] == 57000
    assert set(periods[0]) >= {"holder", "holder_country", "from_date", "to_date",
                               "event_ids", "sub_event_type", "location", "geonameid"}


def test_timeline_by_geonameid_and_unknown_place(store):  # noqa: F811
    _fill(store)
    assert len(timeline(store, "64013")) == 1
    assert timeline(store, "Atlantis") == []
    assert timeline(store, "Afgooye", country="KE") == []
