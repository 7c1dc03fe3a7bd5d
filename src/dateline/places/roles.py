"""What a place mention is doing in its sentence: the dateline, a source's location, part of an
organisation's name, or an ordinary mention (the only kind that can locate an event)."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc as SpacyDoc
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ..nlp import lemma
from ..records import Span
from .gazetteer import Gazetteer
from .names import features

_BASED = re.compile(r"^\s*[-–]?\s*(?:based|headquartered)\b", re.I)
_SOURCE_PREPS = {"in", "from", "at"}


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    feats = features()
    return (frozenset(feats["source_verbs"]), frozenset(feats["source_nouns"]),
            frozenset(feats["org_words"]))


def role_of(sdoc: SpacyDoc, start: int, end: int, dateline: Span | None,
            gaz: Gazetteer) -> str:
    if dateline is not None and dateline.start < end and start < dateline.end:
        return "dateline"
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "mention"
    if _in_organisation(span, gaz):
        return "organisation"
    if _is_source(span):
        return "source"
    return "mention"


def _is_source(span: SpacySpan) -> bool:
    """"London-based", "told news agencies in Moscow", "said in a statement from Geneva"."""
    following = span.doc[span.end:span.end + 6].text  # not Doc.text: rebuilt on every access
    if _BASED.match(following[:20]):
        return True
    verbs, nouns, _ = _words()
    tok: Token = span.root
    while tok.dep_ == "conj" and tok.head.i != tok.i:  # "in Moscow and Beijing"
        tok = tok.head
    if tok.dep_ != "pobj" or tok.head.lower_ not in _SOURCE_PREPS:
        return False
    governor = tok.head.head
    if governor.pos_ in ("VERB", "AUX"):
        return lemma(governor).lower() in verbs
    return governor.lower_ in nouns


def _org_spans(doc: SpacyDoc) -> list[tuple[int, int]]:
    """The document's ORG entities as sorted token ranges, computed once per document
    (spaCy's `ents` rebuilds its list on every access)."""
    cached = doc.user_data.get("dateline_orgs")
    if cached is None:
        cached = sorted((e.start, e.end) for e in doc.ents if e.label_ == "ORG")
        doc.user_data["dateline_orgs"] = cached
    return cached


def _in_organisation(span: SpacySpan, gaz: Gazetteer) -> bool:
    """Part of a longer organisation name: "Aleppo Media Centre", "University of Texas",
    "the Islamic State in Iraq and Syria"."""
    _, _, org_words = _words()
    doc = span.doc
    for start, end in _org_spans(doc):
        if start > span.start:
            break
        if span.end <= end and (start, end) != (span.start, span.end) \
                and not gaz.has(doc[start:end].text):
            return True
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.text[:1].isupper() and nxt.lower_ in org_words:
        return True
    if span.start >= 2 and doc[span.start - 1].lower_ == "of":
        before = doc[span.start - 2]
        return before.text[:1].isupper() and before.lower_ in org_words
    return False
