"""WARC files (web archives, Common Crawl) -> `Document`s, one per archived HTML or text page.

Read by `warcio` (the reference streaming reader of the format, used in Common Crawl's own
examples): records come one at a time from the (gzipped) file, so memory stays flat whatever the
archive's size. A page over the size limit is an error document; its bytes are never read.
Records that are not pages (requests, metadata, redirects, images, scripts, style sheets) are
not documents and are passed over; they are counted in the log at DEBUG level.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator

from ..records import Document
from . import limits
from .documents import IngestError, document_from_html, document_from_text, error_document
from .limits import too_large

log = logging.getLogger(__name__)

PAGE_RECORDS = ("response", "resource", "conversion")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def warc_documents(fh: IO[bytes], display: str, stem: str, published: dt.date | None,
                   max_bytes: int) -> Iterator[Document]:
    """Every page in an open WARC (or ARC) stream; ids are `{stem}-{n}`, n counting pages."""
    from .readers import Undecodable, decode  # readers imports this module

    number = 0
    for record in _records(fh, display):
        kind = _page_kind(record)
        if kind is None:
            log.debug("%s: skipping a %s record", display, record.rec_type)
            continue
        number += 1
        doc_id, url = f"{stem}-{number}", record.rec_headers.get_header("WARC-Target-URI")
        where = f"record {number} of '{display}'"
        data = record.content_stream().read(max_bytes + 1)
        if len(data) > max_bytes:
            yield error_document(doc_id, f"{where}: {too_large(max_bytes)}", display, url)
            continue
        try:
            text = _decode_with(data, _charset(record)) or decode(data, where)
        except Undecodable as exc:
            yield error_document(doc_id, str(exc), display, url)
            continue
        make = document_from_html if kind == "html" else document_from_text
        doc = limits.build(make, doc_id, display, text, doc_id, published, url, url=url)
        doc.source_path = display
        yield doc
    if number == 0:  # never silent: an archive without a page says so
        yield error_document(stem, f"'{display}': no HTML or text page in the archive", display)


def _records(fh: IO[bytes], display: str) -> Iterator[object]:
    """warcio's records; a damaged archive ends with one error line, pages before it kept."""
    records = iter(ArchiveIterator(fh, arc2warc=True))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # warcio raises anything from ValueError to AttributeError
            raise IngestError(f"not a readable WARC archive ({type(exc).__name__}: {exc})"
                              .splitlines()[0]) from None
        yield record


def _page_kind(record: object) -> str | None:
    """'html' or 'text' for a successful page record, else None."""
    if record.rec_type not in PAGE_RECORDS:  # type: ignore[attr-defined]
        return None
    http = record.http_headers  # type: ignore[attr-defined]
    if http is not None:
        status = http.get_statuscode()
        if status and not status.startswith("2"):
            return None
        ctype = http.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""  # type: ignore[attr-defined]
    ctype = ctype.split(";")[0].strip().lower()
    if ctype in HTML_TYPES:
        return "html"
    return "text" if ctype == "text/plain" else None


def _charset(record: object) -> str | None:
    http = record.http_headers  # type: ignore[attr-defined]
    ctype = (http.get_header("Content-Type") if http is not None else None) or ""
    m = _CHARSET.search(ctype)
    return m.group(1) if m else None


def _decode_with(data: bytes, charset: str | None) -> str | None:
    """The page in its declared charset; None when there is none or it does not fit."""
    if not charset:
        return None
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return None
