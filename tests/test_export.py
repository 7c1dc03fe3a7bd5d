import io
import json

from test_store import _doc

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
