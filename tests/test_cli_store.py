"""`dateline export`, `explain` and `control` as a user meets them: real store, one-line errors."""

import datetime as dt
import json

import pytest
from test_store import record_doc
from typer.testing import CliRunner

from dateline.cli import app
from dateline.store import Store


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "s.duckdb")
    with Store(path) as store:
        store.save(record_doc("a", "Al Shabaab seized Afgooye.", actor1="Al Shabaab",
                              sub="Non-state actor overtakes territory"))
        store.save(record_doc("b", "Troops retook Afgooye.", fatalities=2,
                              day=dt.date(2019, 5, 20)))
        store.save(record_doc("c", "Soldiers recaptured Afgooye.", fatalities=4,
                              day=dt.date(2019, 5, 20)))
    return path


@pytest.fixture
def runner():
    return CliRunner()


def test_export_to_csv_file(runner, db, tmp_path):
    out = tmp_path / "e.csv"
    result = runner.invoke(app, ["export", "--db", db, "--out", str(out), "--since",
                                 "2019-05-15"])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("event_id_cnty,event_date,year,time_precision,disorder_type")
    assert len(lines) == 2 and ",2," in lines[1]  # the lowest toll of the two reports


def test_export_format_from_extension_to_stdout(runner, db):
    result = runner.invoke(app, ["export", "--db", db, "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert len(rows) == 2


@pytest.mark.parametrize("args, message", [
    (["export", "--db", "missing.duckdb"], "no store at"),
    (["export", "--event-type", "Fights"], "is not one of"),
    (["export", "--format", "xls"], "unknown format"),
    (["export", "--country", "Narnia"], "unknown country"),
    (["export", "--since", "May"], "not a date"),
    (["export", "--format", "parquet"], "Parquet is binary"),
])
def test_bad_input_is_one_clear_line(runner, db, args, message):
    if "--db" not in args:
        args = [*args, "--db", db]
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_explain_shows_records_and_why(runner, db):
    result = runner.invoke(app, ["explain", "c-1", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [m["document_id"] for m in found["members"]] == ["b", "c"]
    assert "same place" in found["members"][1]["reasons"]["place"]
    table = runner.invoke(app, ["explain", found["event"]["id"], "--db", db])
    assert table.exit_code == 0 and "same day" in table.stdout
    missing = runner.invoke(app, ["explain", "nope", "--db", db])
    assert missing.exit_code == 1 and "no event or record" in missing.output


def test_control_prints_the_timeline(runner, db):
    result = runner.invoke(app, ["control", "Afgooye", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    holders = [p["holder"] for p in json.loads(result.stdout)]
    assert holders == ["Al Shabaab", "Military Forces of Somalia"]
    table = runner.invoke(app, ["control", "Afgooye", "--db", db])
    assert "Al Shabaab" in table.stdout
    assert runner.invoke(app, ["control", "Nowhere", "--db", db]).exit_code == 1
