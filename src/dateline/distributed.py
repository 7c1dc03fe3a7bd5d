"""The same pipeline on a Dask distributed cluster (`dateline extract --engine dask`).

Dask distributed was chosen over Ray and Spark because it is pure Python and pip-installable
with no JVM or native object store, runs a real multi-process cluster on one laptop
(`LocalCluster`) exactly as on many machines (`dask scheduler` + `dask worker ADDRESS`), and
ships Python objects (our pydantic `Document`s) without a schema. Each worker process builds the
pipeline once (`batch.shared_pipeline` is cached per process) and results stream back to this
process, the only one that writes the store, in input order.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from .batch import CHUNK, WINDOW, chunked, code_chunk, fail
from .records import Document

log = logging.getLogger(__name__)


class DaskEngine:
    """Code documents on the Dask cluster at `scheduler` (e.g. `tcp://10.0.0.5:8786`), or on a
    local cluster of `workers` processes when no address is given."""

    def __init__(self, scheduler: str | None = None, workers: int = 1,
                 timeout: float | None = None, chunk: int = CHUNK) -> None:
        self.scheduler, self.workers = scheduler, max(workers, 1)
        self.timeout = timeout or None
        self.chunk = chunk

    def connect(self) -> Any:
        """A `distributed.Client`; raises `ConnectionError` with one line when unreachable."""
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                return Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise ConnectionError(f"cannot reach the Dask scheduler at {self.scheduler!r}: "
                                      f"{exc}".splitlines()[0]) from None
        cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster)

    def code(self, docs: Iterable[Document], client: Any = None) -> Iterator[Document]:
        """The coded documents, in input order."""
        own = client is None
        client = self.connect() if own else client
        try:
            slots = WINDOW * max(len(client.scheduler_info().get("workers", {})), 1)
            window: deque[tuple[list[Document], Any]] = deque()
            for chunk in chunked(docs, self.chunk):
                window.append((chunk, client.submit(code_chunk, chunk, pure=False)))
                # Dask runs tasks in worker threads, where no signal can stop a document:
                # the limit is the driver's (see `_collect`).
                if len(window) >= slots:
                    yield from self._collect(*window.popleft())
            while window:
                yield from self._collect(*window.popleft())
        finally:
            if own:
                cluster = client.cluster
                client.close()
                if cluster is not None:
                    cluster.close()

    def _collect(self, chunk: list[Document], future: Any) -> list[Document]:
        """A chunk's results. Dask cannot stop a running task, so a chunk over its time
        limit is reported as failed here while its worker thread finishes it."""
        limit = self.timeout * len(chunk) if self.timeout else None
        try:
            return future.result(timeout=limit)
        except Exception as exc:  # a timeout, a lost worker, a task error
            future.cancel()
            reason = (f"timed out: took longer than the {self.timeout:g} s limit (--timeout)"
                      if isinstance(exc, TimeoutError) else
                      f"{type(exc).__name__}: {exc}".splitlines()[0])
            return [fail(doc, reason) for doc in chunk]
