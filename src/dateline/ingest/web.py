"""Article text and page metadata from HTML, by trafilatura (measured in bench/article_text.py)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import trafilatura

# Chosen on the article-extraction benchmark (bench/article_text.py, 181 pages, bag-of-words
# F1 of the cleaned body): favor_precision 0.968 > fast 0.965 > defaults 0.963 = favor_recall
# > no tables 0.960 > deduplicate 0.946. Comments are never article text.
OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "favor_recall": False,
    "deduplicate": False,
}

# trafilatura logs every page it finds nothing in at ERROR; the document's `errors` says so.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


@dataclass
class Article:
    text: str
    title: str | None
    date: dt.date | None
    sitename: str | None


def extract_article(html: str | bytes, url: str | None = None, **options: Any) -> Article | None:
    """The article body and metadata, or None when the page holds no article text."""
    settings = {**OPTIONS, **options}
    try:
        result = trafilatura.bare_extraction(html, url=url, with_metadata=True, **settings)
    except Exception:  # a malformed page must not stop a batch; it just has no article
        logging.getLogger(__name__).warning("trafilatura failed on %s", url or "a page",
                                            exc_info=True)
        return None
    if result is None or not (result.text or "").strip():
        return None
    return Article(text=result.text, title=result.title or None, date=_date(result.date),
                   sitename=result.sitename or None)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
