"""Files, directories and standard input -> a stream of `Document`s that never raises.

Everything is streamed: JSONL line by line, WARC record by record, feeds item by item, so memory
stays flat on archives of any size. No document over the size limit is ever read whole.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..records import Document
from . import limits
from .documents import (
    IngestError,
    document_from_html,
    document_from_record,
    document_from_text,
    error_document,
)
from .feeds import feed_documents
from .limits import MAX_BYTES, too_large
from .warc import warc_documents

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
WARC_SUFFIXES = (".warc", ".arc")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
KNOWN_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".jsonl", ".json", *WARC_SUFFIXES,
                  *FEED_SUFFIXES)
SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05  # more control characters than this: not text


class Undecodable(Exception):
    """Bytes that are not text; the message is the error line."""


def read_inputs(inputs: list[str], published: dt.date | None = None,
                max_bytes: int = MAX_BYTES) -> Iterator[Document]:
    """Every document in `inputs` (files, directories, `-` for standard input), streamed.

    `published` is used for documents whose record has no `published` of its own; without
    either, the page or text says. A document over `max_bytes` is an error document, and so is
    any other bad input: this never raises.
    """
    for item in inputs:
        if item == "-":
            yield from _guarded(_read_stdin(published, max_bytes), "standard input", "stdin")
            continue
        path = Path(item)
        if path.is_dir():
            for file in _walk(path):
                doc_id = _strip_suffixes(file.relative_to(path).as_posix())
                docs = _read_file(file, doc_id, published, max_bytes)
                yield from _guarded(docs, str(file), doc_id)
        else:
            doc_id = _strip_suffixes(path.name)
            yield from _guarded(_read_file(path, doc_id, published, max_bytes), item, doc_id)


def _walk(root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file() and _kind(p) is not None]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _kind(path: Path) -> str | None:
    name = path.name.lower().removesuffix(".gz")
    return next((s for s in KNOWN_SUFFIXES if name.endswith(s)), None)


def _strip_suffixes(name: str) -> str:
    """`a/b.jsonl.gz` -> `a/b`: the document id of a file."""
    base = name.removesuffix(".gz").removesuffix(".GZ")
    kind = next((s for s in KNOWN_SUFFIXES if base.lower().endswith(s)), None)
    return base[: -len(kind)] if kind else base.rsplit(".", 1)[0] if "." in base else base


def _guarded(docs: Iterator[Document], display: str, doc_id: str) -> Iterator[Document]:
    """Turn any failure while reading one input into an error document, so the batch goes on.

    Documents already read from a container (JSONL, WARC, feed) before the failure are kept."""
    try:
        yield from docs
    except FileNotFoundError:
        yield error_document(doc_id, f"cannot read '{display}': file not found", display)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        yield error_document(doc_id, f"cannot read '{display}': {reason}", display)
    except (EOFError, Undecodable, IngestError) as exc:
        yield error_document(doc_id, f"cannot read '{display}': {exc}", display)
    except Exception as exc:  # a bug must cost one document, not the batch
        log.exception("ingest failed on %s", display)
        yield error_document(doc_id, f"'{display}': {type(exc).__name__}: {exc}", display)


def _open(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _read_file(path: Path, doc_id: str, published: dt.date | None,
               max_bytes: int = MAX_BYTES) -> Iterator[Document]:
    display = str(path)
    kind = _kind(path)
    containers = {".jsonl": _jsonl_container, **dict.fromkeys(WARC_SUFFIXES, warc_documents),
                  **dict.fromkeys(FEED_SUFFIXES, feed_documents)}
    if kind in containers:
        with _open(path) as fh:
            yield from containers[kind](fh, display, doc_id, published, max_bytes)
        return
    with _open(path) as fh:
        data = fh.read(max_bytes + 1)  # a 50 MB "page" is refused without being read
    if len(data) > max_bytes:
        yield error_document(doc_id, f"'{display}': {too_large(max_bytes)}", display)
        return
    if not data.strip():
        yield error_document(doc_id, f"'{display}' is empty", display)
        return
    try:
        text = decode(data, display)
    except Undecodable as exc:
        yield error_document(doc_id, str(exc), display)
        return
    if kind == ".json":
        yield from _json_docs(text, display, doc_id, published)
        return
    make = document_from_html if kind in HTML_SUFFIXES else document_from_text
    doc = limits.build(make, doc_id, display, text, doc_id, published)
    doc.source_path = display
    yield doc


def decode(data: bytes, display: str) -> str:
    """Bytes -> text: a BOM's encoding, else UTF-8, else cp1252 (with a warning logged).

    Raises `Undecodable` for binary data.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _check_text(data.decode(encoding, errors="replace"), display)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise Undecodable(f"'{display}' looks binary, not text")
    try:
        return _check_text(data.decode("utf-8"), display)
    except UnicodeDecodeError:
        pass
    try:
        text = _check_text(data.decode("cp1252"), display)
    except UnicodeDecodeError:
        raise Undecodable(f"'{display}' looks binary, not text") from None
    # Not an error: the text is usable, and errors would stop the pipeline on it.
    log.warning("'%s': not valid UTF-8 (decoded as cp1252)", display)
    return text


def _check_text(text: str, display: str) -> str:
    sample = text[:SNIFF_BYTES]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if sample and control / len(sample) > MAX_CONTROL_SHARE:
        raise Undecodable(f"'{display}' looks binary, not text")
    return text


def _jsonl_container(fh: IO[bytes], display: str, stem: str, published: dt.date | None,
                     max_bytes: int) -> Iterator[Document]:
    count = 0
    for doc in _jsonl_docs(bounded_lines(fh, max_bytes), display, stem, published, max_bytes):
        count += 1
        yield doc
    if count == 0:  # never silent: a file that yields nothing says so
        yield error_document(stem, f"'{display}' holds no JSON line", display)


def bounded_lines(fh: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The lines of a binary stream, each read with at most `max_bytes` in memory; a longer
    line is skipped to its end and comes out as None."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):  # drain the rest of the long line
            line = fh.readline(1 << 20)
        yield None


def _jsonl_docs(lines: Iterable[bytes | str | None], display: str, stem: str,
                published: dt.date | None, max_bytes: int = MAX_BYTES
                ) -> Iterator[Document]:
    """One document per line, streamed; a bad line is one error document."""
    for number, raw in enumerate(lines, start=1):
        line_id = f"{stem}-{number}"
        where = f"line {number} of '{display}'"
        if raw is None or len(raw) > max_bytes:
            yield error_document(line_id, f"{where}: {too_large(max_bytes)}", display)
            continue
        try:
            line = decode(raw, where) if isinstance(raw, bytes) else raw
        except Undecodable as exc:
            yield error_document(line_id, str(exc), display)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"
            yield error_document(line_id, message, display)
            continue
        yield _record_doc(record, line_id, where, display, published)


def _json_docs(text: str, display: str, stem: str,
               published: dt.date | None) -> Iterator[Document]:
    """A `.json` file: one document object, or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"'{display}': invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        yield error_document(stem, message, display)
        return
    if isinstance(data, list):
        for number, record in enumerate(data, start=1):
            where = f"item {number} of '{display}'"
            yield _record_doc(record, f"{stem}-{number}", where, display, published)
    else:
        yield _record_doc(data, stem, f"'{display}'", display, published)


def _record_doc(record: Any, line_id: str, where: str, display: str,
                published: dt.date | None) -> Document:
    if not isinstance(record, dict):
        kind = type(record).__name__
        return error_document(line_id, f"{where}: expected a JSON object, got {kind}", display)
    try:
        doc = limits.build(document_from_record, line_id, display, record, line_id, published)
    except IngestError as exc:
        doc_id = str(record.get("id") or line_id)
        return error_document(doc_id, f"{where}: {exc}", display)
    doc.source_path = display
    return doc


def _read_stdin(published: dt.date | None, max_bytes: int = MAX_BYTES) -> Iterator[Document]:
    """Standard input: JSONL when its first non-space character is `{`, else one text."""
    stream = sys.stdin
    lines: Iterator[bytes | str] = iter(getattr(stream, "buffer", stream))
    head: list[bytes | str] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    if not head or not head[-1].strip():
        yield error_document("stdin", "standard input is empty")
        return
    first = head[-1].lstrip()
    if first[:1] in ("{", b"{"):
        yield from _jsonl_docs(_chain(head, lines), "stdin", "stdin", published, max_bytes)
        return
    parts = [*head, *lines]
    data = b"".join(parts) if isinstance(first, bytes) else "".join(parts)  # type: ignore[arg-type]
    if len(data) > max_bytes:
        yield error_document("stdin", f"standard input: {too_large(max_bytes)}")
        return
    try:
        text = decode(data, "stdin") if isinstance(data, bytes) else data
    except Undecodable as exc:
        yield error_document("stdin", str(exc))
        return
    yield document_from_text(text, "stdin", published)


def _chain(head: list[bytes | str], rest: Iterator[bytes | str]
           ) -> Iterator[bytes | str | None]:
    yield from head
    yield from rest
