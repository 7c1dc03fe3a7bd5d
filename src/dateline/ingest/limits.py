"""Per-document size and time limits shared by every reader."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..records import Document

# News pages are rarely over 2 MB of HTML; a 10 MB document is a dump, a binary or an attack,
# and parsing it would hold a worker for minutes.
MAX_BYTES = 10 * 1024 * 1024


def too_large(max_bytes: int) -> str:
    return f"larger than the {max_bytes / 1024 / 1024:g} MB limit per document (--max-mb)"


class TimeLimit(Exception):
    """A document took longer than the per-document time limit."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `TimeLimit` in the block after `seconds` (main thread only; elsewhere, and with
    None or 0, no limit). A signal cannot stop C code that never returns to Python: the batch
    runner's worker processes, killed from outside, are the hard limit; this one guards ingest,
    which runs in the main process."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise TimeLimit(f"took longer than the {seconds:g} s limit per document (--timeout)")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Seconds one document may take to ingest; set by the batch runner (None: no limit).
INGEST_SECONDS: float | None = None


def build(make: Callable[..., Document], doc_id: str, display: str, *args: Any,
          url: str | None = None) -> Document:
    """`make(*args)` under the ingest time limit; a document over it is an error document."""
    from .documents import error_document

    try:
        with time_limit(INGEST_SECONDS):
            return make(*args)
    except TimeLimit as exc:
        return error_document(doc_id, f"'{display}': ingest {exc}", display, url)
