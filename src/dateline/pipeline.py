"""The ordered list of stages, in one place.

ingest makes `Document`s; then each stage is a callable `Document -> Document`:
nlp -> events -> dates -> places -> actors -> fatalities -> status. Places come before
actors so that generic actors take the event's country ("Civilians (Somalia)").
Models and gazetteers are loaded once, when the pipeline is built, never per document.
With `seconds`, a document that takes longer is stopped and gets an error (a signal in the main
thread of a process: the batch runner's workers); the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import import_module

from .ingest.limits import TimeLimit, time_limit
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

    def __init__(self, stages: list[str] | None = None, seconds: float | None = None) -> None:
        self.names = stages or STAGES
        self.stages = [(n, _build_stage(n)) for n in self.names]
        self.seconds = seconds  # per-document time limit; None: none

    def __call__(self, doc: Document) -> Document:
        return self._run(doc, self.stages)

    def _run(self, doc: Document, stages: list[tuple[str, Stage]]) -> Document:
        if doc.errors or not doc.text.strip():
            return doc
        name = ""  # the stage running when something goes wrong
        try:
            with time_limit(self.seconds):
                for step in stages:
                    name = step[0]
                    doc = step[1](doc)
        except TimeLimit as exc:
            doc.errors.append(f"timed out in {name}: {exc}")
            doc.events, doc.background = [], []
        except Exception as exc:  # one bad document must not stop a batch
            doc.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            doc.events = []
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
            # A batch parse slower than one document's limit has an outlier in it: it is
            # dropped and each document parsed alone, within its own limit.
            with time_limit(self.seconds):
                parsed = nlp.nlp.pipe([d.text for d in good],  # type: ignore[attr-defined]
                                      batch_size=len(batch))
                for doc, sdoc in zip(good, parsed, strict=True):
                    doc.nlp = sdoc
        except Exception:  # a batch-level failure (or too slow): one document at a time
            for doc in good:
                doc.nlp = None
        for doc in batch:
            if doc.errors or not doc.text.strip():
                yield doc
            elif doc.nlp is None:
                yield self(doc)
            else:
                yield self._run(doc, self.stages[1:])
