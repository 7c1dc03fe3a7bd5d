"""Fuzzing ingest and the cleaner (hypothesis, bounded so CI stays fast): any bytes or text
give a document or an error document, never an exception, and every span points into the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.ingest import clean, document_from_html, document_from_text
from dateline.ingest.readers import Undecodable, decode

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# Text that looks like news often enough to reach the deep branches of the cleaner.
NEWSY = st.lists(st.one_of(
    st.text(max_size=80),
    st.sampled_from(["BAMAKO (Reuters) - ", "GOMA •", "AGENCE FRANCE PRESSE", "\n\n", "\n",
                     "Copyright 2021", "By Staff", "Subscribe", "March 4, 2022", "—", "(AFP)",
                     "Kidal, Mali —", "Published: 3 May 2024"]),
), max_size=25).map("".join)


def _spans_ok(doc) -> bool:
    spans = [*doc.body, *doc.boilerplate, *([doc.dateline] if doc.dateline else [])]
    if doc.title is not None and doc.title.start >= 0:
        spans.append(doc.title)
    return all(doc.text[s.start:s.end] == s.text for s in spans)


@FUZZ
@given(st.binary(max_size=2000))
def test_decode_returns_text_or_says_binary(data):
    try:
        text = decode(data, "fuzz")
    except Undecodable as exc:
        assert "looks binary" in str(exc)
    else:
        assert isinstance(text, str)


@FUZZ
@given(NEWSY)
def test_cleaner_spans_always_point_into_the_text(text):
    cleaned = clean(text)
    for span in [*cleaned.body, *cleaned.boilerplate,
                 *([cleaned.title] if cleaned.title else []),
                 *([cleaned.dateline] if cleaned.dateline else [])]:
        assert text[span.start:span.end] == span.text


@FUZZ
@given(NEWSY)
def test_text_documents_never_raise(text):
    doc = document_from_text(text, "fuzz")
    assert doc.errors or _spans_ok(doc)


HTML = st.recursive(
    st.text(max_size=40),
    lambda inner: st.tuples(st.sampled_from(["p", "div", "script", "iframe", "b", "table",
                                             "article", "h1", "style", "svg"]),
                            st.lists(inner, max_size=4)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"),
    max_leaves=30,
)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(HTML)
def test_html_documents_never_raise(html):
    doc = document_from_html(f"<html><body>{html}</body></html>", "fuzz")
    assert doc.errors or _spans_ok(doc)
