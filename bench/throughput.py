"""Throughput of `dateline extract` on real articles, against spaCy alone on the same texts.

    .venv/bin/python bench/throughput.py                      # LGL's 588 articles, all cores
    .venv/bin/python bench/throughput.py --limit 100 --workers 2
    .venv/bin/python bench/throughput.py --corpus aeb         # the 181 AEB web pages (HTML)
    .venv/bin/python bench/throughput.py --scaling            # Dask: 1 then 2 workers

Reported, all in one run: articles per second of the whole engine (ingest, NLP, every stage,
the DuckDB store and the JSON Lines output, as `dateline extract` does it); the same texts
through spaCy alone (`nlp.pipe` of the same model as shipped, same process count) and their
ratio; the same again with spaCy running only the components Dateline runs on every token (it
lemmatizes the few words its rules read, `nlp.ON_DEMAND`), the ratio of Dateline's own work to
the parse it uses; peak memory
of the whole process tree (PSS: pages shared by forked workers are counted once). One-time
model loading is left out of both timings and reported apart. Corpora are read from
../shared/dev, never copied. Timings are wall-clock: on a shared machine, re-run.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import psutil

from dateline.batch import LocalEngine, default_workers, shared_pipeline
from dateline.nlp import ON_DEMAND
from dateline.records import Document

SHARED = Path(__file__).resolve().parents[2] / "shared" / "dev"
CORPORA = {"lgl": SHARED / "lgl.places.jsonl", "aeb": SHARED / "aeb.extraction.jsonl.gz"}


class PeakMemory:
    """Samples the summed PSS of this process and its children (workers) in a thread."""

    def __init__(self, every: float = 0.25) -> None:
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_full_info().pss
                except (psutil.Error, AttributeError):
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)


def records(corpus: str, limit: int | None) -> list[dict]:
    path = CORPORA[corpus]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line, _ in zip(fh, range(limit or 10**9), strict=False)]
    return [{k: r[k] for k in ("id", "text", "html", "url", "published") if r.get(k)}
            for r in rows]


def dateline_run(path: Path, code: Callable[[Iterable[Document]], Iterator[Document]]
                 ) -> tuple[float, dict[str, float], list[str]]:
    """The whole `extract` path (ingest -> store -> JSON Lines), timed; returns the texts."""
    from dateline.cli.extract import _run
    from dateline.ingest import read_inputs
    from dateline.store import Store

    texts: list[str] = []

    def keep(docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            texts.append(doc.text)
            yield doc

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.duckdb"))
        started = time.perf_counter()
        stats = _run(keep(read_inputs([str(path)])), "jsonl", io.StringIO(), store, code)
        return time.perf_counter() - started, stats, texts


def spacy_run(texts: list[str], workers: int, disable: tuple[str, ...] = ()) -> float:
    """spaCy alone: the same model, as shipped (or less the `disable`d components), over the
    same texts."""
    import spacy

    from dateline.nlp import MODEL

    nlp = spacy.load(MODEL, disable=list(disable))
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=workers):
        pass
    return time.perf_counter() - started


def local(args: argparse.Namespace, path: Path, n: int) -> dict:
    started = time.perf_counter()
    shared_pipeline()
    load = time.perf_counter() - started
    with PeakMemory() as mem:
        seconds, stats, texts = dateline_run(path, LocalEngine(args.workers).code)
    result = {"corpus": args.corpus, "articles": n, "workers": args.workers,
            "load_s": round(load, 1), "seconds": round(seconds, 1),
            "articles_per_s": round(n / seconds, 2), "events": stats["events"],
            "errors": stats["errors"], "peak_pss_mb": round(mem.peak / 2**20)}
    if not args.skip_spacy:
        texts = [t for t in texts if t.strip()]
        shipped = spacy_run(texts, args.workers)
        # Dateline runs the lemmatizer on demand only (nlp.ON_DEMAND): the same components
        # timed alone give the ratio of Dateline's own work to the parse it uses.
        same = spacy_run(texts, args.workers, disable=ON_DEMAND)
        result.update({"spacy_seconds": round(shipped, 1),
                       "ratio_to_spacy": round(seconds / shipped, 2),
                       "spacy_same_components_seconds": round(same, 1),
                       "ratio_to_same_components": round(seconds / same, 2)})
    return result


def scaling(args: argparse.Namespace, path: Path, n: int) -> dict:
    """The same corpus on a Dask local cluster of 1 and of 2 worker processes."""
    from dateline.distributed import DaskEngine

    out: dict = {"corpus": args.corpus, "articles": n, "engine": "dask"}
    for workers in (1, 2):
        engine = DaskEngine(workers=workers)
        client = engine.connect()
        try:
            client.run(lambda: shared_pipeline() and None)  # load once per worker, untimed
            code = functools.partial(engine.code, client=client)
            seconds, _stats, _ = dateline_run(path, code)
        finally:
            client.close()
            client.cluster.close()
        out[f"seconds_{workers}"] = round(seconds, 1)
        out[f"articles_per_s_{workers}"] = round(n / seconds, 2)
    speedup = out["seconds_1"] / out["seconds_2"]
    out["speedup"], out["efficiency"] = round(speedup, 2), round(speedup / 2, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="lgl")
    parser.add_argument("--limit", type=int, help="first N articles only")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="worker processes (default: one per core)")
    parser.add_argument("--scaling", action="store_true",
                        help="Dask engine on 1 then 2 workers, with the efficiency")
    parser.add_argument("--skip-spacy", action="store_true", help="no spaCy-alone timing")
    args = parser.parse_args()
    rows = records(args.corpus, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{args.corpus}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        result = scaling(args, path, len(rows)) if args.scaling else local(args, path, len(rows))
    result["cpus"] = os.cpu_count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
