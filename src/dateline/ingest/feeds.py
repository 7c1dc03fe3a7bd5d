"""RSS and Atom feeds saved to disk -> one `Document` per item or entry, streamed.

Parsed with lxml's `iterparse` and each item freed once read, so a feed of any length takes
constant memory (feedparser, the usual choice, builds the whole feed in memory first). The
mapping from RSS 0.9x/1.0/2.0 and Atom elements to a document is a few lines of data below.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from collections.abc import Iterator
from typing import IO

import lxml.html
from lxml import etree
from lxml_html_clean import Cleaner

from ..records import Document
from . import limits
from .documents import document_from_text, error_document
from .limits import too_large

log = logging.getLogger(__name__)

ITEM_TAGS = {"item", "entry"}
ID_TAGS = ("guid", "id")
DATE_TAGS = ("pubDate", "published", "date", "issued", "updated", "modified")
# Full content first, then the summary a feed carries instead.
BODY_TAGS = ("encoded", "content", "description", "summary")
BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
              "section", "article", "pre", "table", "ul", "ol"}
_CLEANER = Cleaner(scripts=True, javascript=True, style=True, comments=True, embedded=True,
                   frames=True, forms=True, page_structure=False)


def feed_documents(fh: IO[bytes], display: str, stem: str, published: dt.date | None,
                   max_bytes: int) -> Iterator[Document]:
    """Every item of an RSS or Atom feed; an item's own id, link and date win."""
    parser = etree.iterparse(fh, events=("end",), recover=True, resolve_entities=False,
                             no_network=True, huge_tree=False)
    number = 0
    for _event, elem in parser:
        if not isinstance(elem.tag, str) or etree.QName(elem).localname not in ITEM_TAGS:
            continue
        number += 1
        yield _item_document(elem, f"{stem}-{number}", display, published, max_bytes)
        # Free the item and the siblings before it: constant memory on long feeds.
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    if number == 0:  # never silent: a feed that yields nothing says so
        yield error_document(stem, f"'{display}': no RSS item or Atom entry found", display)


def _item_document(item: etree._Element, line_id: str, display: str,
                   published: dt.date | None, max_bytes: int) -> Document:
    fields = _fields(item)
    link = _link(item, fields)
    doc_id = fields.get("guid") or fields.get("id") or link or line_id
    body = next((fields[t] for t in BODY_TAGS if fields.get(t)), "")
    title = " ".join((fields.get("title") or "").split())
    if len(body.encode("utf-8", "replace")) > max_bytes:
        return error_document(doc_id, f"item of '{display}': {too_large(max_bytes)}",
                              display, link)
    text = "\n\n".join(p for p in (title, html_to_text(body)) if p)
    day = next((d for t in DATE_TAGS if (d := _date(fields.get(t)))), None)
    doc = limits.build(document_from_text, doc_id, display, text, doc_id, day or published,
                       link, url=link)
    doc.html = body if "<" in body else None
    doc.source_path = display
    return doc


def _fields(item: etree._Element) -> dict[str, str]:
    """Local name -> text of the item's children (the first of each name wins)."""
    fields: dict[str, str] = {}
    for child in item:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name in fields:
            continue
        if child.get("type") in ("xhtml",) or len(child):  # Atom inline XHTML content
            fields[name] = etree.tostring(child, encoding="unicode", method="html")
        else:
            fields[name] = (child.text or "").strip()
    return fields


def _link(item: etree._Element, fields: dict[str, str]) -> str | None:
    for child in item:
        if isinstance(child.tag, str) and etree.QName(child).localname == "link":
            href = child.get("href")  # Atom: <link rel="alternate" href="..."/>
            if href and child.get("rel", "alternate") == "alternate":
                return href
    return fields.get("link") or None


def html_to_text(fragment: str) -> str:
    """An HTML fragment's visible text, one paragraph a block; plain text is returned as is."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        tree = _CLEANER.clean_html(lxml.html.fragment_fromstring(fragment, create_parent="div"))
    except (etree.ParserError, ValueError):
        return ""
    for elem in tree.iter():
        if isinstance(elem.tag, str) and elem.tag in BLOCK_TAGS:
            elem.tail = "\n\n" + (elem.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().split("\n\n"))
    return "\n\n".join(line for line in lines if line)


def _date(value: str | None) -> dt.date | None:
    """RSS dates are RFC 822 ("Tue, 03 Jun 2024 10:00:00 GMT"), Atom's ISO 8601."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        log.warning("ignoring the feed date %r (neither RFC 822 nor ISO 8601)", value[:40])
        return None
