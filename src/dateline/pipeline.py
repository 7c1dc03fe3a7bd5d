"""The ordered list of stages, in one place.

ingest makes `Document`s; then each stage is a callable `Document -> Document`:
nlp -> events -> actors -> dates -> places -> fatalities -> status.
Models and gazetteers are loaded once, when the pipeline is built, never per document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .records import Document

Stage = Callable[[Document], Document]

STAGES = ["nlp", "events", "actors", "dates", "places", "fatalities", "status"]


def _build_stage(name: str) -> Stage:
    # Imported lazily so that `dateline --help` does not pay for loading spaCy.
    if name == "nlp":
        from .nlp import NLPStage

        return NLPStage()
    if name == "events":
        from .events import EventsStage

        return EventsStage()
    if name == "actors":
        from .actors import ActorsStage

        return ActorsStage()
    if name == "dates":
        from .dates import DatesStage

        return DatesStage()
    if name == "places":
        from .places import PlacesStage

        return PlacesStage()
    if name == "fatalities":
        from .fatalities import FatalitiesStage

        return FatalitiesStage()
    if name == "status":
        from .status import StatusStage

        return StatusStage()
    raise ValueError(f"unknown stage {name!r}")


class Pipeline:
    """Runs documents through every stage; a failing document gets an error, not a crash."""

    def __init__(self, stages: list[str] | None = None) -> None:
        self.names = stages or STAGES
        self.stages = [(n, _build_stage(n)) for n in self.names]

    def __call__(self, doc: Document) -> Document:
        if doc.errors or not doc.text.strip():
            return doc
        for name, stage in self.stages:
            try:
                doc = stage(doc)
            except Exception as exc:  # one bad document must not stop a batch
                doc.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                doc.events = []
                break
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)
