"""One input (plain text, HTML or a gold-format record) -> one `Document`."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from ..records import Document, Span
from .cleaner import Cleaned, clean
from .web import extract_article

log = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")


class IngestError(Exception):
    """An input that cannot become a document (the reader turns it into an error document)."""


def error_document(id: str, message: str, source_path: str | None = None,
                   url: str | None = None) -> Document:
    """A placeholder for bad input: no text, one clear line in `errors`; the batch goes on."""
    return Document(id=id, text="", url=url, source_path=source_path, errors=[message])


def _sound(text: str) -> str:
    """Lone surrogates (from bad JSON escapes) become U+FFFD, one for one, so offsets hold
    and every later stage can encode the text."""
    return _SURROGATE.sub("\ufffd", text)


def document_from_text(text: str, id: str, published: dt.date | None = None,
                       url: str | None = None) -> Document:
    """A plain-text story, kept exactly as given; the cleaner finds its parts as spans."""
    text = _sound(text)
    if not text.strip():
        return error_document(id, f"'{id}' is empty", url=url)
    cleaned = clean(text)
    doc = Document(id=id, text=text, url=url, title=cleaned.title)
    _apply(doc, cleaned)
    _set_published(doc, published, ("text", cleaned.published))
    return doc


def document_from_html(html: str, id: str, published: dt.date | None = None,
                       url: str | None = None) -> Document:
    """A web page: trafilatura's article body becomes `text`; the raw page is kept in `html`."""
    html = _sound(html)
    article = extract_article(html, url)
    if article is None:
        doc = error_document(id, f"'{id}': no article text found", url=url)
        doc.html = html
        return doc
    text = _without_title(article.text, article.title)
    cleaned = clean(text, find_title=False)
    doc = Document(id=id, text=text, url=url, html=html)
    _apply(doc, cleaned)
    # The page title is not part of `text` (offsets must point into the body), so its span is
    # marked as outside the text with start = end = -1; only its `text` is meaningful.
    if article.title:
        doc.title = Span(start=-1, end=-1, text=article.title, confidence=0.9)
    doc.outlet = article.sitename or cleaned.outlet
    _set_published(doc, published, ("page", article.date), ("text", cleaned.published))
    return doc


def document_from_record(record: dict[str, Any], line_id: str,
                         published: dt.date | None = None) -> Document:
    """A gold-format record (`id`, `text` or `html`, `url`, `published`).

    `line_id` names the record when it has no `id` (e.g. `stories-7`). The record's own
    `published` wins over `published` (the command line's). Raises `IngestError` for a record
    with neither a `text` nor an `html` string.
    """
    doc_id = str(record.get("id") or line_id)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    own = _record_date(record.get("published"), doc_id)
    day = own or published
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str):
        doc = document_from_text(text, doc_id, day, url)
        doc.html = html if isinstance(html, str) else None
    elif isinstance(html, str):
        doc = document_from_html(html, doc_id, day, url)
    else:
        raise IngestError(f"record '{doc_id}' has no 'text' or 'html' string")
    return doc


def _without_title(text: str, title: str | None) -> str:
    """The body without a leading headline line (trafilatura keeps the page's <h1>)."""
    first, _, rest = text.lstrip().partition("\n")
    if title and rest.strip() and _same(first, title):
        return rest.lstrip("\n")
    return text


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _apply(doc: Document, cleaned: Cleaned) -> None:
    doc.dateline = cleaned.dateline
    doc.agency = cleaned.agency
    doc.outlet = cleaned.outlet
    doc.body = cleaned.body
    doc.boilerplate = cleaned.boilerplate


def _set_published(doc: Document, given: dt.date | None,
                   *found: tuple[str, dt.date | None]) -> None:
    """Given date first, then what the page or text says, in the order passed."""
    if given is not None:
        doc.published, doc.published_source = given, "given"
        return
    for source, day in found:
        if day is not None:
            doc.published, doc.published_source = day, source
            return
    doc.published, doc.published_source = None, "none"


def _record_date(value: Any, doc_id: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        # A bad date is not worth losing the story over: warn and let the text speak.
        log.warning("'%s': ignoring published %r (not YYYY-MM-DD)", doc_id, value)
        return None
