"""The batch runner: all cores, input order, per-document time limit, and resuming after
`kill -9` with exactly the store an uninterrupted run gives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dateline import batch
from dateline.batch import LocalEngine, chunked
from dateline.cli.extract import STORE_BATCH
from dateline.records import Document

TOWNS = ["Gao", "Mopti", "Kidal", "Timbuktu", "Bamako", "Sikasso", "Kayes", "Segou"]
DEEDS = ["Gunmen attacked a military post in {t}, killing {n} soldiers, officials said.",
         "Hundreds of people marched peacefully through {t} to demand better roads.",
         "Police arrested {n} men suspected of looting shops in {t} on Monday.",
         "An improvised explosive device hit an army convoy near {t}, wounding {n} troops."]


def story(i: int) -> dict[str, str]:
    """A short wire story, different for each i."""
    town, deed = TOWNS[i % len(TOWNS)], DEEDS[i % len(DEEDS)]
    text = (f"Violence reported near {town}\n\nBAMAKO, March {1 + i % 27}, 2021 (Reuters) - "
            f"{deed.format(t=town, n=2 + i % 9)} The region has seen {i} incidents this year.")
    return {"id": f"story-{i}", "text": text, "published": "2021-03-28"}


class FakePipeline:
    """Stands in for the real one in forked workers: hangs or dies on command."""

    def pipe(self, docs, batch_size=16):
        for doc in docs:
            if "hang" in doc.text:
                time.sleep(60)
            if "crash" in doc.text:
                os._exit(3)
            doc.title = None
            doc.outlet = f"coded by {os.getpid()}"
            yield doc


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(batch, "shared_pipeline", lambda: FakePipeline())


def docs(*texts: str) -> list[Document]:
    return [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]


def test_chunks_cover_the_stream_in_order():
    assert [len(c) for c in chunked(range(10), 4)] == [4, 4, 2]


def test_workers_return_every_document_in_input_order(fake):
    out = list(LocalEngine(workers=2, chunk=3).code(docs(*[f"story {i}" for i in range(20)])))
    assert [d.id for d in out] == [f"d{i}" for i in range(20)]
    assert all(d.outlet.startswith("coded by") and not d.errors for d in out)
    assert len({d.outlet for d in out}) == 2  # both workers took part
    assert {d.outlet for d in out}.isdisjoint({f"coded by {os.getpid()}"})


def test_a_hanging_document_times_out_alone(fake):
    engine = LocalEngine(workers=2, timeout=1.0, chunk=3)
    started = time.monotonic()
    out = list(engine.code(docs("one", "two", "hang here", "four", "five")))
    assert time.monotonic() - started < 30
    assert [d.id for d in out] == ["d0", "d1", "d2", "d3", "d4"]
    assert out[2].errors == ["timed out: took longer than the 1 s limit (--timeout)"]
    assert all(not d.errors and d.outlet for i, d in enumerate(out) if i != 2)


def test_a_document_that_kills_its_worker_costs_only_itself(fake):
    out = list(LocalEngine(workers=1, chunk=4).code(docs("a", "crash now", "c", "d", "e")))
    assert out[1].errors == ["the worker coding it died (exit code 3)"]
    assert [bool(d.errors) for d in out] == [False, True, False, False, False]


def test_pool_and_in_process_code_the_same(tmp_path):
    stories = [Document(id=s["id"], text=s["text"]) for s in map(story, range(6))]
    alone = list(LocalEngine(workers=0).code([d.model_copy(deep=True) for d in stories]))
    pooled = list(LocalEngine(workers=2, chunk=2).code([d.model_copy(deep=True)
                                                        for d in stories]))
    assert [d.model_dump(exclude={"nlp"}) for d in pooled] == \
        [d.model_dump(exclude={"nlp"}) for d in alone]
    assert any(d.events for d in pooled)


# --- kill -9 and resume -------------------------------------------------------------------

def _extract(corpus: Path, db: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [str(Path(sys.executable).parent / "dateline"), "extract", str(corpus), "--db", str(db),
           "--out", str(out), "--workers", "2", *extra]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, order-independent, without the time each row was written."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        out = {}
        for table in tables:
            cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()
                    if not r[1].startswith("TIMESTAMP")]
            names = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'SELECT {names} FROM "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _lines(path: Path) -> int:
    return path.read_text(errors="replace").count("\n") if path.exists() else 0


def test_kill_9_then_resume_gives_the_uninterrupted_store(tmp_path):
    n = 3 * STORE_BATCH  # the store takes whole batches: room to kill after one, before the end
    corpus = tmp_path / "stories.jsonl"
    corpus.write_text("".join(json.dumps(story(i)) + "\n" for i in range(n)))

    full = _extract(corpus, tmp_path / "full.duckdb", tmp_path / "full.jsonl")
    assert full.wait(timeout=240) == 0, full.stderr.read()

    killed_db, killed_out = tmp_path / "killed.duckdb", tmp_path / "killed.jsonl"
    victim = _extract(corpus, killed_db, killed_out)
    deadline = time.monotonic() + 180
    # The store lags the output by up to a batch, and the output is buffered: once more lines
    # than a batch reach the disk, the first batch is stored.
    while _lines(killed_out) <= STORE_BATCH and time.monotonic() < deadline \
            and victim.poll() is None:
        time.sleep(0.02)
    assert victim.poll() is None, "the run ended before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    partial = snapshot(killed_db)["documents"]
    assert 0 < len(partial) < n, "not killed mid-run"
    assert len(partial) % STORE_BATCH == 0  # a batch killed mid-transaction is rolled back

    resumed = _extract(corpus, killed_db, tmp_path / "resumed.jsonl", "--resume")
    assert resumed.wait(timeout=240) == 0, resumed.stderr.read()
    summary = " ".join(resumed.stderr.read().split())  # the console wraps long lines
    assert f"{len(partial)} skipped (already stored)" in summary
    assert snapshot(killed_db) == snapshot(tmp_path / "full.duckdb")
    resumed_ids = [json.loads(line)["id"] for line in
                   (tmp_path / "resumed.jsonl").read_text().splitlines()]
    assert len(resumed_ids) == n - len(partial)  # nothing coded twice
