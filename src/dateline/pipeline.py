"""The ordered list of stages, in one place.

ingest makes `Document`s; then each stage is a callable `Document -> Document`:
nlp -> events -> dates -> places -> actors -> fatalities -> status. Places come before
actors so that generic actors take the event's country ("Civilians (Somalia)").
Models and gazetteers are loaded once, when the pipeline is built, never per document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import import_module

from .records import Document

Stage = Callable[[Document], Document]

STAGES = ["nlp", "events", "dates", "places", "actors", "fatalities", "status"]


# name -> (module, class). Imported lazily so that `dateline --help` does not load spaCy.
REGISTRY = {
    "nlp": ("nlp", "NLPStage"),
    "events": ("events", "EventsStage"),
    "dates": ("dates", "DatesStage"),
    "places": ("places", "PlacesStage"),
    "actors": ("actors", "ActorsStage"),
    "fatalities": ("fatalities", "FatalitiesStage"),
    "status": ("status", "StatusStage"),
}


def _build_stage(name: str) -> Stage:
    if name not in REGISTRY:
        raise ValueError(f"unknown stage {name!r}; known: {', '.join(REGISTRY)}")
    module, cls = REGISTRY[name]
    return getattr(import_module(f".{module}", __package__), cls)()


class Pipeline:
    """Runs documents through every stage; a failing document gets an error, not a crash."""

    def __init__(self, stages: list[str] | None = None) -> None:
        self.names = stages or STAGES
        self.stages = [(n, _build_stage(n)) for n in self.names]

    def __call__(self, doc: Document) -> Document:
        return self._run(doc, self.stages)

    @staticmethod
    def _run(doc: Document, stages: list[tuple[str, Stage]]) -> Document:
        if doc.errors or not doc.text.strip():
            return doc
        for name, stage in stages:
            try:
                doc = stage(doc)
            except Exception as exc:  # one bad document must not stop a batch
                doc.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                doc.events = []
                break
        return doc

    def pipe(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[Document]:
        """Like calling the pipeline on each document, but parses in batches (much faster)."""
        if not self.stages or self.names[0] != "nlp":
            yield from map(self, docs)
            return
        nlp = self.stages[0][1]
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._batch(nlp, batch)
                batch = []
        yield from self._batch(nlp, batch)

    def _batch(self, nlp: Stage, batch: list[Document]) -> Iterator[Document]:
        limit = nlp.nlp.max_length  # type: ignore[attr-defined]
        good = [d for d in batch if not d.errors and d.text.strip() and len(d.text) <= limit]
        try:
            parsed = nlp.nlp.pipe([d.text for d in good],  # type: ignore[attr-defined]
                                  batch_size=len(batch))
            for doc, sdoc in zip(good, parsed, strict=True):
                doc.nlp = sdoc
        except Exception:  # a batch-level failure: fall back to one document at a time
            for doc in good:
                doc.nlp = None
        for doc in batch:
            if doc.errors or not doc.text.strip():
                yield doc
            elif doc.nlp is None:
                yield self(doc)
            else:
                yield self._run(doc, self.stages[1:])
