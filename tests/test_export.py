import io
import json

from test_store import _doc, store, store_target  # noqa: F401  (fixtures)

from dateline.export import CSV_COLUMNS, Writer, format_for


def test_format_from_extension():
    assert format_for(None, None) == "table"
    assert format_for("x.csv", None) == "csv"
    assert format_for("x.geojson", None) == "geojson"
    assert format_for("x.jsonl", "csv") == "csv"


def test_jsonl_line_has_gold_keys():
    buf = io.StringIO()
    w = Writer(buf, "jsonl")
    w.write(_doc())
    w.close()
    line = json.loads(buf.getvalue())
    event = line["events"][0]
    assert line["id"] == "doc-1"
    assert event["sub_event_type"] == "Government regains territory"
    assert event["actor1"] == "Military Forces of Somalia"
    assert event["event_date"] == "2019-05-14"
    assert event["latitude"] == 2.14


def test_csv_uses_acled_columns():
    buf = io.StringIO()
    w = Writer(buf, "csv")
    w.write(_doc())
    w.close()
    header, row = buf.getvalue().splitlines()[:2]
    assert header.split(",") == CSV_COLUMNS
    assert "Government regains territory" in row


def test_geojson_is_a_feature_collection():
    buf = io.StringIO()
    w = Writer(buf, "geojson")
    w.write(_doc())
    w.write(_doc())
    w.close()
    data = json.loads(buf.getvalue())
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    assert data["features"][0]["geometry"]["coordinates"] == [45.12, 2.14]


# ---------------------------------------------------------------- merged events from the store

def _filled(store):  # noqa: F811
    import datetime as dt

    from test_store import record_doc

    store.save(record_doc("a", "Troops retook Afgooye.", fatalities=3))
    store.save(record_doc("b", "The army recaptured Afgooye.", fatalities=5))
    store.save(record_doc("c", "Al Shabaab seized Baidoa.", place="Baidoa", actor1="Al Shabaab",
                          sub="Non-state actor overtakes territory", day=dt.date(2019, 6, 1)))


def test_export_csv_has_acled_columns_in_order(store, tmp_path):  # noqa: F811
    import csv as csvlib

    from dateline.export import ACLED_COLUMNS, Filters, export_merged

    _filled(store)
    path = tmp_path / "out.csv"
    assert export_merged(store, str(path), "csv", Filters())["written"] == 2
    rows = list(csvlib.DictReader(path.open()))
    assert list(rows[0])[:len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert ACLED_COLUMNS[:5] == ["event_id_cnty", "event_date", "year", "time_precision",
                                 "disorder_type"]
    first = rows[0]
    assert (first["country"], first["iso"], first["region"]) == ("Somalia", "706",
                                                                 "Eastern Africa")
    assert first["fatalities"] == "3" and first["n_sources"] == "2"
    assert first["disorder_type"] == "Political violence" and first["interaction"] == "10"


def test_export_filters(store, tmp_path):  # noqa: F811
    import datetime as dt

    from dateline.export import Filters, merged_rows

    _filled(store)
    assert len(list(merged_rows(store, Filters(since=dt.date(2019, 5, 20))))) == 1
    assert len(list(merged_rows(store, Filters(actor="shabaab")))) == 1
    assert len(list(merged_rows(store, Filters(country="Somalia",
                                               event_type="Battles")))) == 2
    assert len(list(merged_rows(store, Filters(country="KE")))) == 0
    only = list(merged_rows(store, Filters(sub_event_type="Government regains territory")))
    assert [r["location"] for r in only] == ["Afgooye"]


def test_export_geojson_and_parquet(store, tmp_path):  # noqa: F811
    import pyarrow.parquet as pq

    from dateline.export import Filters, export_merged

    _filled(store)
    store.execute("UPDATE merged_events SET latitude = NULL WHERE location = ?", ["Baidoa"])
    geo = tmp_path / "out.geojson"
    assert export_merged(store, str(geo), "geojson", Filters()) == {"written": 1, "skipped": 1}
    data = json.loads(geo.read_text())
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [45.12, 2.14]}
    pq_path = tmp_path / "out.parquet"
    assert export_merged(store, str(pq_path), "parquet", Filters())["written"] == 2
    table = pq.read_table(pq_path)
    assert table.num_rows == 2 and str(table.schema.field("fatalities").type) == "int64"
    out = tmp_path / "out.json"
    export_merged(store, str(out), "json", Filters())
    assert len(json.loads(out.read_text())) == 2
