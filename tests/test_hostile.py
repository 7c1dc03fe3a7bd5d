"""A generated hostile corpus goes through: an error line or a sensible result per document, no
crash, no hang, and the good stories among them stored exactly as when they come alone."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from test_batch import snapshot
from typer.testing import CliRunner

from dateline.cli import app

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "hostile_corpus.py"


def _generator():
    spec = importlib.util.spec_from_file_location("hostile_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extract(path: Path, db: Path) -> str:
    result = CliRunner().invoke(app, ["extract", str(path), "--db", str(db), "--format", "jsonl",
                                      "--out", str(db.with_suffix(".jsonl")), "--max-mb", "1",
                                      "--timeout", "5", "--workers", "2"])
    assert result.exit_code == 0, result.output
    return result.output


def test_hostile_sample_errors_per_document_and_good_stories_intact(tmp_path):
    corpus = tmp_path / "hostile"
    manifest = _generator().generate(corpus, n=60, good_every=10, huge_mb=2, huge_count=2,
                                     scale=0.02)
    assert set(manifest.values()) >= {"binary", "empty", "huge", "nested", "encoding",
                                      "scripts", "foreign", "absurd", "pathological", "broken"}
    output = _extract(corpus, tmp_path / "all.duckdb")
    assert "Traceback" not in output
    flat = " ".join(output.split())
    assert "larger than the 1 MB limit per document" in flat
    assert "looks binary, not text" in flat and "is empty" in flat
    assert "not a readable WARC archive" in flat

    good = tmp_path / "good"
    good.mkdir()
    for name, category in manifest.items():
        if category == "good":
            shutil.copy(corpus / name, good / name)
    _extract(good, tmp_path / "good.duckdb")
    everything, alone = snapshot(tmp_path / "all.duckdb"), snapshot(tmp_path / "good.duckdb")
    good_ids = {Path(n).stem for n, c in manifest.items() if c == "good"}
    # Per-document tables only: events merged across documents depend on the other stories.
    for table in ("documents", "events", "places"):
        rows = alone[table]
        # rows of good stories (their id is in the first column, or the document_id column)
        kept = [r for r in everything[table] if good_ids & {str(v) for v in r[:2]}]
        assert sorted(kept, key=repr) == rows, table
    assert len(alone["documents"]) == len(good_ids)

    # Every input file is accounted for: stored, or named on an error line.
    stored = {r[0] for r in everything["documents"]}
    for name in manifest:
        stem = name.split(".")[0]
        found = any(i == stem or i.startswith(f"{stem}-") for i in stored)
        assert found or f"error {stem}" in flat, name
