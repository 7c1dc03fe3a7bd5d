"""`dateline extract`: ingest, run the pipeline, store and write the events."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Annotated

import typer

from .app import _parse_date, _progress, app, err

if TYPE_CHECKING:  # heavy imports stay out of `dateline --help`
    from ..export import Writer
    from ..records import Document
    from ..store import Store

# Documents saved to the store per transaction. The store's cost is per statement and per commit,
# not per row: 32 documents share one hash lookup, one INSERT per table and one commit (on 100 LGL
# articles the main process's store time fell from ~20 to ~7 ms an article). Batches of 8 cost
# ~1 ms an article more and one batch of all 100 ~1 ms less, while a bigger batch means more
# coded work to redo on `--resume` after a kill and a longer retry when a batch fails.
STORE_BATCH = 32

EXTRACT_HELP = """
Code the conflict events in news articles.

INPUT is a `.txt` or `.html`/`.htm` file, a `.json` document (or list of them), a
`.jsonl`/`.jsonl.gz` of documents (keys `id`, `text` or `html`, `url`, `published`), a web
archive `.warc`/`.warc.gz` (every HTML or text page in it), an RSS or Atom feed saved as
`.rss`/`.atom`/`.xml` (every item), a directory of these, or `-` for standard input. All are
streamed: memory stays flat on archives of any size. The output format follows `--format`, else the
`--out` extension (`.jsonl`, `.csv`, `.geojson`; anything else is JSON Lines), else a table.
Every document's events and places are also stored in an embedded DuckDB file (`--db`);
running the same input twice stores nothing twice, and `--resume` skips what a killed run
already stored.

Documents are coded on every core (`--workers`), each within `--timeout` seconds and
`--max-mb` megabytes; one over a limit is an error line, and the batch goes on.

Examples:

    dateline extract examples/wire_story.txt                   # a table on screen

    dateline extract news/ --format jsonl --out events.jsonl   # a directory, to JSON Lines

    dateline extract feed.jsonl.gz --out events.csv            # format from the extension

    cat story.txt | dateline extract - --published 2024-05-03  # stdin, with its date

    dateline extract crawl/*.warc.gz --out events.jsonl --resume    # restart after a crash

    dateline extract big.jsonl.gz --engine dask --scheduler tcp://10.0.0.5:8786 -o ev.jsonl

    dateline extract news/ --min-confidence 0.7 -o sure.csv    # fewer, surer events
"""


@app.command(help=EXTRACT_HELP)
def extract(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT...",
                                                help="Files, directories or -")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="table | jsonl | csv | geojson (default: from --out, else table)")
    ] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Output file (default: stdout)")
                   ] = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date YYYY-MM-DD of the input; a JSONL record's own `published` wins, "
             "and it wins over dates found in the text or page")] = None,
    db: Annotated[str, typer.Option(help="Embedded store (DuckDB file); 'none' to skip")
                  ] = "dateline.duckdb",
    workers: Annotated[int | None, typer.Option(
        min=0, help="Worker processes (default: one per core; 0 codes in this process); "
                    "with --engine dask, the local cluster's size")] = None,
    engine: Annotated[str, typer.Option(
        help="local (this machine's cores) | dask (a Dask cluster: --scheduler, else a local "
             "one)")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")] = None,
    timeout: Annotated[float, typer.Option(
        min=0, help="Seconds one document may take; 0 for no limit")] = 30.0,
    max_mb: Annotated[float, typer.Option(
        "--max-mb", min=0.001, help="Largest document read, in megabytes")] = 10.0,
    resume: Annotated[bool, typer.Option(
        help="Skip documents already in the store (after a crash or kill); only newly coded "
             "documents go to the output")] = False,
    min_confidence: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Keep only events at least this confident (calibrated: of "
                               "events given 0.8, about 80 % are right); trades recall for "
                               "precision")] = 0.0,
) -> None:
    from ..export import FORMATS, format_for
    from ..ingest import limits, read_inputs

    fmt = format_for(out, fmt)
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: choose one of {', '.join(FORMATS)}",
                                 param_hint="--format")
    pub = _parse_date(published)
    code = _engine(engine, scheduler, workers, timeout)
    if resume and db.lower() == "none":
        raise typer.BadParameter("--resume needs a store; drop --db none", param_hint="--resume")
    store, stream = _open_outputs(db, out)
    limits.INGEST_SECONDS = timeout or None
    docs = read_inputs(inputs, published=pub, max_bytes=int(max_mb * 1024 * 1024))
    try:
        stats = _run(docs, fmt, stream, store, _confident(code, min_confidence), resume)
    finally:
        getattr(code, "close", lambda: None)()
    skipped = f", {stats['skipped']} skipped (already stored)" if resume else ""
    err.print(
        f"{stats['documents']} document(s), {stats['events']} event(s), {stats['errors']} "
        f"error(s), {stats['stored']} newly stored in {db}{skipped}, "
        f"{stats['documents'] / max(stats['seconds'], 1e-9):.1f} documents/s",
        highlight=False,
    )


class _Dask:
    """The Dask engine with its client open, so a bad address fails before any output."""

    def __init__(self, scheduler: str | None, workers: int | None, timeout: float) -> None:
        from ..batch import default_workers
        from ..distributed import DaskEngine

        self.engine = DaskEngine(scheduler, workers or default_workers(), timeout)
        try:
            self.client = self.engine.connect()
        except ConnectionError as exc:
            raise typer.BadParameter(str(exc), param_hint="--scheduler") from None

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        return self.engine.code(docs, client=self.client)

    def close(self) -> None:
        cluster = self.client.cluster
        self.client.close()
        if cluster is not None:
            cluster.close()


def _engine(engine: str, scheduler: str | None, workers: int | None, timeout: float
            ) -> Callable[[Iterable[Document]], Iterator[Document]]:
    if engine == "dask":
        return _Dask(scheduler, workers, timeout)
    if engine != "local":
        raise typer.BadParameter(f"{engine!r}: choose local or dask", param_hint="--engine")
    if scheduler:
        raise typer.BadParameter("a scheduler needs --engine dask", param_hint="--scheduler")
    from ..batch import LocalEngine

    return LocalEngine(workers, timeout).code


def _open_outputs(db: str, out: str | None) -> tuple[Store | None, IO[str]]:
    """The store first, then the output file, so a bad --db leaves no empty output behind."""
    import duckdb

    from ..store import Store

    try:
        store = None if db.lower() == "none" else Store(db)
    except (OSError, duckdb.Error) as exc:
        raise typer.BadParameter(f"cannot open the store {db!r}: {exc}",
                                 param_hint="--db") from None
    try:
        stream = open(out, "w", encoding="utf-8", newline="") if out and out != "-" else sys.stdout
    except OSError as exc:
        if store is not None:
            store.close()
        raise typer.BadParameter(f"cannot write {out!r}: {exc.strerror}",
                                 param_hint="--out") from None
    return store, stream


def _run(docs: Iterable[Document], fmt: str, stream: IO[str], store: Store | None,
         code: Callable[[Iterable[Document]], Iterator[Document]], resume: bool = False
         ) -> dict[str, float]:
    """Code a stream of documents; one bad document is an error line, never the end.

    Documents go to the output as they arrive, in input order; only this process writes the
    store, a batch of documents (`STORE_BATCH`) per transaction, in input order: a run killed at
    any point leaves whole batches only (the output may run ahead of the store), and `--resume`
    codes again what the store lacks."""
    from ..export import Writer

    writer = Writer(stream, fmt)
    stats: dict[str, float] = {"documents": 0, "events": 0, "errors": 0, "stored": 0,
                               "skipped": 0}
    seen: dict[str, int] = {}
    pending: list[Document] = []
    started = time.perf_counter()
    try:
        with _progress() as progress:
            task = progress.add_task("coding", total=None, rate="")
            fresh = _unstored(_unique_ids(docs, seen), store, stats) if resume else \
                _unique_ids(docs, seen)
            try:
                for doc in code(fresh):
                    stats["documents"] += 1
                    if _emit(doc, writer, store, stats):
                        pending.append(doc)
                    if len(pending) >= STORE_BATCH:
                        _store_batch(pending, store, stats)
                        pending = []
                    elapsed = time.perf_counter() - started
                    progress.update(task, advance=1,
                                    rate=f"{stats['documents'] / max(elapsed, 1e-9):.1f} docs/s")
            finally:  # what was written out is stored too, even when the engine fails
                _store_batch(pending, store, stats)
    finally:
        writer.close()
        if stream is not sys.stdout:
            stream.close()
        if store is not None:
            store.close()
    stats["seconds"] = time.perf_counter() - started
    return stats


def _unstored(docs: Iterable[Document], store: Store | None, stats: dict[str, float]
              ) -> Iterator[Document]:
    """Documents the store does not hold yet (same id and text), before any NLP is spent."""
    for doc in docs:
        if store is not None and store.has(doc):
            stats["skipped"] += 1
            continue
        yield doc


def _unique_ids(docs: Iterable[Document], seen: dict[str, int]) -> Iterator[Document]:
    """Two inputs with one id ("a/story.txt", "b/story.txt") would overwrite each other in
    the store: the second gets a suffix, and the user is told."""
    for doc in docs:
        n = seen.get(doc.id, 0) + 1
        seen[doc.id] = n
        if n > 1:
            new = f"{doc.id}#{n}"
            err.print(f"[yellow]warning[/yellow] duplicate id {doc.id!r}: stored as {new!r}",
                      highlight=False)
            doc.id = new
        yield doc


def _confident(code: Callable[[Iterable[Document]], Iterator[Document]], threshold: float
               ) -> Callable[[Iterable[Document]], Iterator[Document]]:
    """The engine with events less confident than `threshold` dropped from what it returns."""
    if threshold <= 0:
        return code

    def run(docs: Iterable[Document]) -> Iterator[Document]:
        for doc in code(docs):
            doc.events = [e for e in doc.events if e.confidence >= threshold]
            yield doc

    return run


def _emit(doc: Document, writer: Writer, store: Store | None, stats: dict[str, float]
          ) -> bool:
    """Write a document out; True when it is still to be stored (see `_store_batch`)."""
    if not doc.errors:
        try:
            writer.write(doc)
        except Exception as exc:  # a document that cannot be written must not end the batch
            _failed(doc, exc, stats)
            return False
        if store is not None:
            return True
        stats["events"] += len(doc.events)
        return False
    _failed(doc, None, stats)
    return False


def _store_batch(docs: list[Document], store: Store | None, stats: dict[str, float]) -> None:
    """Save written documents in one transaction; when it fails, it is rolled back and each
    document is saved in its own, so only the one at fault becomes an error."""
    if not docs or store is None:
        return
    try:
        saved = store.save_many(docs)
    except Exception:
        for doc in docs:
            try:
                _stored(doc, store.save(doc), stats)
            except Exception as exc:
                _failed(doc, exc, stats)
        return
    for doc, new in zip(docs, saved, strict=True):
        _stored(doc, new, stats)


def _stored(doc: Document, new: bool, stats: dict[str, float]) -> None:
    stats["stored"] += new
    stats["events"] += len(doc.events)


def _failed(doc: Document, exc: Exception | None, stats: dict[str, float]) -> None:
    if exc is not None:
        doc.errors.append(f"output: {type(exc).__name__}: {exc}".splitlines()[0])
    stats["errors"] += 1
    err.print(f"[red]error[/red] {doc.id}: {'; '.join(doc.errors)}", highlight=False,
              soft_wrap=True)
