"""The command line as a user meets it: real files, real store, one-line errors."""

import json
from io import StringIO

import duckdb
import pytest
from typer.testing import CliRunner

from dateline.cli import app

STORY = """Gunmen kill five in Nigeria village raid

LAGOS, Nigeria (AP) — Gunmen killed five villagers in an attack on the village of Kuru in
Plateau state on Monday, police said.
"""


@pytest.fixture()
def runner():
    return CliRunner()


def test_extract_writes_jsonl_and_stores_once(runner, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY)
    db, out = tmp_path / "s.duckdb", tmp_path / "out.jsonl"
    args = ["extract", str(story), "--out", str(out), "--db", str(db), "--published", "2019-05-14"]
    for _ in range(2):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    line = json.loads(out.read_text())
    assert line["events"][0]["sub_event_type"] == "Attack"
    assert line["events"][0]["event_date"] == "2019-05-13"
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_bad_inputs_get_one_line_errors_and_the_batch_goes_on(runner, tmp_path):
    (tmp_path / "good.txt").write_text(STORY)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["extract", str(tmp_path), "--format", "jsonl", "--db", str(db),
                                 "--published", "2019-05-14"])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [x["id"] for x in lines] == ["good"]
    errors = [x for x in result.stderr.splitlines() if x.startswith("error")]
    assert len(errors) == 2 and all(len(e) < 200 for e in errors)
    assert "3 document(s)" in result.stderr and "2 error(s)" in result.stderr


def test_missing_file_and_bad_date_are_clear(runner, tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt"), "--db", "none"])
    assert result.exit_code == 0 and "not found" in result.stderr
    result = runner.invoke(app, ["extract", "x.txt", "--published", "March 4"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_eval_scores_a_prediction_file(runner, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "x", "events": [
        {"sub_event_type": "Armed clash"}]}) + "\n")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "a", "events": [
        {"event_type": "Battles", "sub_event_type": "Armed clash", "confidence": 0.9}]}) + "\n")
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["eval", str(gold), "--pred", str(pred), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text())["classification"]["accuracy"] == 1.0


def test_help_teaches_by_example(runner):
    result = runner.invoke(app, ["extract", "--help"])
    assert "Examples" in result.output and "dateline extract" in result.output


def test_two_inputs_with_one_id_are_both_stored(runner, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(STORY)
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["extract", str(tmp_path / "a" / "story.txt"),
                                 str(tmp_path / "b" / "story.txt"), "--db", str(db),
                                 "--format", "jsonl", "--published", "2019-05-14"])
    assert "duplicate id 'story'" in result.stderr
    con = duckdb.connect(str(db))
    assert sorted(con.execute("SELECT id FROM documents").fetchall()) == [("story",), ("story#2",)]


def test_bad_output_paths_are_one_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["extract", "x.txt", "--out", str(tmp_path / "no" / "x.jsonl")])
    assert result.exit_code == 2 and "cannot write" in result.output
    assert "Traceback" not in result.output


def test_an_absurd_toll_is_ignored_not_a_crash(runner, tmp_path):
    story = tmp_path / "s.txt"
    story.write_text("Gunmen killed 99999999999 civilians in Kano on Monday.")
    result = runner.invoke(app, ["extract", str(story), "--db", str(tmp_path / "s.duckdb"),
                                 "--format", "jsonl", "--published", "2019-05-14"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["events"][0]["fatalities"] == 0


def test_min_confidence_drops_less_confident_events(runner, tmp_path):
    story = tmp_path / "s.txt"
    story.write_text("Gunmen killed 12 civilians in an attack on a village in Zamfara state "
                     "on Monday, police said.\n", encoding="utf-8")
    outs = []
    for threshold in ("0", "1"):
        out = tmp_path / f"e{threshold}.jsonl"
        result = runner.invoke(app, ["extract", str(story), "--db", "none", "--workers", "0",
                                     "--min-confidence", threshold, "--out", str(out),
                                     "--published", "2024-05-06"])
        assert result.exit_code == 0, result.output
        outs.append(json.loads(out.read_text())["events"])
    assert outs[0] and all(e["confidence"] < 1 for e in outs[0])
    assert outs[1] == []


def _coded(n: int, bad: int | None = None) -> list:
    """Coded documents as the engine returns them; `bad` holds text no store takes (a lone
    surrogate, as a JSON input's "\\ud800" decodes to)."""
    from test_store import record_doc

    return [record_doc(f"d{i}", f"Troops retook Afgooye, story {i}."
                       + (" \ud800" if i == bad else "")) for i in range(n)]


def _passthrough(docs):
    return iter(docs)


class Kept(StringIO):
    """An output that keeps what was written after `_run` closes it."""

    def close(self) -> None:
        self.text = self.getvalue()
        super().close()


def test_extract_stores_in_batches_and_a_bad_document_costs_only_itself(
        tmp_path, monkeypatch, capsys):
    from dateline.cli import extract
    from dateline.store import Store

    monkeypatch.setattr(extract, "STORE_BATCH", 4)  # 10 documents: batches of 4, 4 and 2
    docs, out = _coded(10, bad=5), Kept()
    stats = extract._run(docs, "jsonl", out, Store(tmp_path / "s.duckdb"), _passthrough)
    assert [json.loads(x)["id"] for x in out.text.splitlines()] == \
        [f"d{i}" for i in range(10)]  # every document written out, in input order
    assert (stats["stored"], stats["events"], stats["errors"]) == (9, 9, 1)
    assert docs[5].errors[0].startswith("output: InvalidInputException: ")
    assert "error d5: output: InvalidInputException" in capsys.readouterr().err
    with Store(tmp_path / "alone.duckdb") as alone:
        for doc in _coded(10):
            if doc.id != "d5":
                alone.save(doc)
        want = alone.counts(), alone.query("SELECT id, n_sources FROM merged_events")
    with Store(tmp_path / "s.duckdb") as store:
        assert (store.counts(), store.query("SELECT id, n_sources FROM merged_events")) == want
    assert want[1] == [{"id": "ev-d0-1", "n_sources": 9}]


def test_extract_without_a_store_counts_every_event():
    from dateline.cli import extract

    out = Kept()
    stats = extract._run(_coded(5), "jsonl", out, None, _passthrough)
    assert (stats["documents"], stats["events"], stats["stored"], stats["errors"]) == \
        (5, 5, 0, 0)
    assert len(out.text.splitlines()) == 5
