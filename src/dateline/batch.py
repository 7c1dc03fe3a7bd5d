"""Coding a stream of documents on every core, in input order, with a time limit per document.

The local engine runs the pipeline in a pool of worker processes (pebble's `ProcessPool`: unlike
the standard library's pool it can kill one worker that overruns its time limit and start a new
one, so a document that hangs costs that document only). Workers are forked from a process that
has already loaded the pipeline, so spaCy and the gazetteer are loaded once, not per worker nor
per document. Documents travel in small chunks (spaCy parses a chunk as one batch); results come
back in input order through a bounded window, so memory stays flat on any input size and the
store receives documents in the same order as a single-process run.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

from .records import Document

if TYPE_CHECKING:
    from .pipeline import Pipeline

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0  # seconds per document; real articles take well under one
CHUNK = 8  # documents per task: enough for spaCy's batching, small enough to keep order cheap
WINDOW = 3  # chunks in flight per worker: workers never wait for the reader or the store
HARD_MARGIN = 10.0  # seconds past a chunk's soft limits before its worker is killed
MAX_TASKS = 2000  # a worker is replaced after this many chunks, so memory cannot creep up


def default_workers() -> int:
    """The cores this process may use (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


WARM_UP = ("Clashes near Gao\n\nBAMAKO, May 3, 2023 (AFP) - Gunmen attacked an army post near "
           "Gao on Sunday, killing five soldiers, officials said.")


@lru_cache(maxsize=1)
def shared_pipeline() -> Pipeline:
    """The pipeline, built once per process (a worker inherits its parent's by fork) and run
    once, so that what stages load on first use (indexes, lexicons) is loaded before the fork:
    shared by the workers, not loaded again in each."""
    from .pipeline import Pipeline

    pipeline = Pipeline()
    list(pipeline.pipe([Document(id="warm-up", text=WARM_UP)]))
    return pipeline


def code_chunk(docs: list[Document], seconds: float | None = None) -> list[Document]:
    """Run the pipeline on a chunk, each document within `seconds`; the spaCy parse is
    dropped before the trip back."""
    pipeline = shared_pipeline()
    pipeline.seconds = seconds
    out = list(pipeline.pipe(docs, batch_size=max(len(docs), 1)))
    for doc in out:
        doc.nlp = None  # large, and no later step reads it
    return out


def chunked(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


def fail(doc: Document, message: str) -> Document:
    doc.errors.append(message)
    doc.events, doc.background, doc.nlp = [], [], None
    return doc


class LocalEngine:
    """All the cores of this machine. `workers=0` codes in this process, where the time
    limit is a signal only (it cannot stop code that never returns to Python)."""

    def __init__(self, workers: int | None = None, timeout: float | None = DEFAULT_TIMEOUT,
                 chunk: int = CHUNK) -> None:
        self.workers = default_workers() if workers is None else workers
        self.timeout = timeout or None
        self.chunk = chunk

    def code(self, docs: Iterable[Document]) -> Iterator[Document]:
        """The coded documents, in input order."""
        if self.workers <= 0:
            pipeline = shared_pipeline()
            pipeline.seconds = self.timeout
            yield from pipeline.pipe(docs)
            return
        from pebble import ProcessPool

        shared_pipeline()  # before the fork: the workers inherit it
        pool = ProcessPool(max_workers=self.workers, max_tasks=MAX_TASKS,
                           context=multiprocessing.get_context("fork"))
        try:
            window: deque[tuple[list[Document], Future]] = deque()
            for chunk in chunked(docs, self.chunk):
                window.append((chunk, self._submit(pool, chunk)))
                if len(window) >= WINDOW * self.workers:
                    yield from self._collect(pool, *window.popleft())
            while window:
                yield from self._collect(pool, *window.popleft())
        finally:
            pool.stop()
            pool.join()

    def _submit(self, pool: object, chunk: list[Document]) -> Future:
        """Each document has `timeout` seconds inside the worker (a signal there stops most
        overruns at once); the worker is killed when the whole chunk overruns, which only
        code that never returns to Python can cause."""
        limit = (self.timeout * len(chunk) + HARD_MARGIN) if self.timeout else None
        return pool.submit(code_chunk, limit, chunk, self.timeout)  # type: ignore[attr-defined]

    def _collect(self, pool: object, chunk: list[Document], future: Future) -> list[Document]:
        """A chunk's results; when it failed, its documents again one by one, so that only
        the document at fault is lost (with an error saying why)."""
        try:
            return future.result()
        except Exception as exc:  # timeout, a crashed worker, a document that cannot travel
            if len(chunk) > 1:
                log.info("a chunk failed (%s); retrying its documents one by one", exc)
                return [d for doc in chunk for d in self._collect(pool, [doc],
                                                                  self._submit(pool, [doc]))]
            return [fail(chunk[0], self._reason(exc))]

    def _reason(self, exc: BaseException) -> str:
        from pebble import ProcessExpired

        if isinstance(exc, FutureTimeout):
            return f"timed out: took longer than the {self.timeout:g} s limit (--timeout)"
        if isinstance(exc, ProcessExpired):
            return f"the worker coding it died (exit code {exc.exitcode})"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
