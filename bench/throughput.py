"""Throughput of `dateline extract` on real articles, against spaCy alone on the same texts.

    .venv/bin/python bench/throughput.py                      # LGL's 588 articles, all cores
    .venv/bin/python bench/throughput.py --limit 100 --workers 2
    .venv/bin/python bench/throughput.py --corpus aeb         # the 181 AEB web pages (HTML)
    .venv/bin/python bench/throughput.py --scaling            # Dask: 1 then 2 workers

Reported, all in one run: articles per second of the whole engine (ingest, NLP, every stage,
the DuckDB store and the JSON Lines output, as `dateline extract` does it); the same texts
through spaCy alone (`nlp.pipe` of the same model as shipped, same process count) and the ratio
of the two times; the same again with spaCy running only the components Dateline runs on every
token (it lemmatizes the few words its rules read, `nlp.ON_DEMAND`): the ratio of Dateline's
own work to the parse it uses. Each run's CPU time (the process and its workers) gives the
same ratios in CPU, steadier than wall time on a shared machine. Peak memory is of the whole
process tree (PSS: pages shared by forked workers are counted once), sampled once a second in
every run alike. One-time model loading is left out of the timings and reported apart. Corpora
are read from ../shared/dev, never copied. On a shared machine, re-run.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import resource
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psutil

from dateline.batch import LocalEngine, default_workers, shared_pipeline
from dateline.nlp import ON_DEMAND
from dateline.records import Document

SHARED = Path(__file__).resolve().parents[2] / "shared" / "dev"
CORPORA = {"lgl": SHARED / "lgl.places.jsonl", "aeb": SHARED / "aeb.extraction.jsonl.gz"}


class PeakMemory:
    """Samples the summed PSS of this process and its children (workers) in a thread."""

    def __init__(self, every: float = 1.0) -> None:
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
                 ) -> tuple[float, dict[str, float]]:
    """The whole `extract` path (ingest -> store -> JSON Lines), timed."""
    from dateline.cli.extract import _run
    from dateline.ingest import read_inputs
    from dateline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.duckdb"))
        started = time.perf_counter()
        stats = _run(read_inputs([str(path)]), "jsonl", io.StringIO(), store, code)
        return time.perf_counter() - started, stats


def ingested(path: Path) -> list[str]:
    """The texts ingest makes of a file (what Dateline parses), for spaCy alone."""
    from dateline.ingest import read_inputs

    return [doc.text for doc in read_inputs([str(path)]) if doc.text.strip()]


def spacy_pipeline(disable: tuple[str, ...] = ()) -> Any:
    """spaCy alone: the same model, as shipped (or less the `disable`d components)."""
    import spacy

    from dateline.nlp import MODEL

    return spacy.load(MODEL, disable=list(disable))


def spacy_run(nlp: Any, texts: list[str], workers: int) -> None:
    for _ in nlp.pipe(texts, batch_size=16, n_process=workers):
        pass


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the workers, once joined)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measured(run: Callable[[], Any]) -> tuple[Any, float, float, int]:
    """`run()`'s result, wall seconds, CPU seconds and peak memory (bytes). Every run is
    sampled alike, so the sampler's own cost weighs on each the same."""
    cpu = cpu_seconds()
    with PeakMemory() as mem:
        started = time.perf_counter()
        out = run()
        wall = time.perf_counter() - started
    return out, wall, cpu_seconds() - cpu, mem.peak


def local(args: argparse.Namespace, rows: list[dict], tmp: Path) -> dict:
    """The corpus in `args.slices` slices; each slice goes through Dateline, then spaCy as
    shipped, then spaCy with Dateline's components (the order turning from slice to slice), and
    the sums are compared: on a shared machine, whose speed drifts by minutes, every runner then
    sees the same moments, and the ratios do not depend on which ran in a fast minute."""
    started = time.perf_counter()
    shared_pipeline()
    load = time.perf_counter() - started
    slices = [rows[i::args.slices] for i in range(args.slices)]
    runners = ["dateline"] if args.skip_spacy else ["dateline", "shipped", "same"]
    nlps = {} if args.skip_spacy else {"shipped": spacy_pipeline(),
                                       "same": spacy_pipeline(disable=ON_DEMAND)}
    wall, cpu, peak = Counter(), Counter(), Counter()
    events = errors = 0
    for i, part in enumerate(slices):
        path = tmp / f"slice{i}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        texts = ingested(path)
        for name in runners[i % len(runners):] + runners[:i % len(runners)]:
            if name == "dateline":
                (seconds, stats), _, used, top = measured(
                    lambda path=path: dateline_run(path, LocalEngine(args.workers).code))
                events, errors = events + stats["events"], errors + stats["errors"]
            else:
                _, seconds, used, top = measured(
                    lambda name=name, texts=texts: spacy_run(nlps[name], texts, args.workers))
            wall[name] += seconds
            cpu[name] += used
            peak[name] = max(peak[name], top)
    n = len(rows)
    result = {"corpus": args.corpus, "articles": n, "workers": args.workers,
              "slices": args.slices, "load_s": round(load, 1),
              "seconds": round(wall["dateline"], 1),
              "articles_per_s": round(n / wall["dateline"], 2), "events": events,
              "errors": errors, "peak_pss_mb": round(peak["dateline"] / 2**20),
              "cpu_ms_per_article": round(1000 * cpu["dateline"] / n, 1)}
    if not args.skip_spacy:
        # Dateline runs the lemmatizer on demand only (nlp.ON_DEMAND): the same components
        # timed alone give the ratio of Dateline's own work to the parse it uses.
        result.update({
            "spacy_seconds": round(wall["shipped"], 1),
            "ratio_to_spacy": round(wall["dateline"] / wall["shipped"], 2),
            "cpu_ratio_to_spacy": round(cpu["dateline"] / cpu["shipped"], 2),
            "spacy_peak_pss_mb": round(peak["shipped"] / 2**20),
            "spacy_same_components_seconds": round(wall["same"], 1),
            "ratio_to_same_components": round(wall["dateline"] / wall["same"], 2),
            "cpu_ratio_to_same_components": round(cpu["dateline"] / cpu["same"], 2)})
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
            seconds, _stats = dateline_run(path, code)
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
    parser.add_argument("--slices", type=int, default=4,
                        help="runs interleaved slice by slice (default 4; see `local`)")
    args = parser.parse_args()
    rows = records(args.corpus, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        if args.scaling:
            path = Path(tmp) / f"{args.corpus}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
            result = scaling(args, path, len(rows))
        else:
            result = local(args, rows, Path(tmp))
    result["cpus"] = os.cpu_count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
