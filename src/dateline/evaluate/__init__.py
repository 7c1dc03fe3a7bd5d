"""`dateline eval`: score the engine (or any engine's output) against gold documents.

The gold format and what is scored are described in GOLD_FORMAT.md. The pieces:
`loading` reads and checks files, `fields` compares one event pair, `scoring` matches events
and builds the report, `metrics` holds the P/R/F arithmetic and `render` prints tables.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track

from .loading import load_gold, load_predictions
from .render import render
from .scoring import score

__all__ = ["evaluate", "load_gold", "load_predictions", "render", "run_engine", "score"]

# What the engine may see of a gold document: the page and its publication date. Everything
# else (events, places, article_text) is what it is graded on.
ENGINE_INPUT_KEYS = ("id", "text", "html", "url", "published")


def engine_record(gold_doc: dict) -> dict[str, Any]:
    return {k: gold_doc[k] for k in ENGINE_INPUT_KEYS if gold_doc.get(k) is not None}


def _ingest_fn() -> Any:
    """`document_from_record`, imported late so that scoring alone never loads ingest."""
    from ..ingest import document_from_record

    return document_from_record


def _documents(gold: list[dict]) -> Iterator[Any]:
    from ..records import Document

    make = _ingest_fn()
    for number, doc in enumerate(gold, 1):
        try:
            yield make(engine_record(doc), f"gold-{number}")
        except Exception as exc:  # one unreadable page must not stop the evaluation
            yield Document(id=doc["id"], text="", errors=[f"ingest: {type(exc).__name__}: {exc}"])


def run_engine(gold: list[dict], progress: bool = True, console: Console | None = None,
               stages: list[str] | None = None) -> dict[str, dict]:
    """Run the pipeline on the gold documents' text/html (+ `published`); output by id.

    `stages` picks a subset of pipeline stages (default: all), e.g. to check the wiring
    before every stage exists.
    """
    from ..pipeline import Pipeline
    from ..records import document_output

    pipeline = Pipeline(stages) if stages else Pipeline()  # built once: models load here
    out: dict[str, dict] = {}
    docs = pipeline.pipe(_documents(gold))
    steps = track(docs, total=len(gold), description="extracting", disable=not progress,
                  console=console)
    for gold_doc, doc in zip(gold, steps, strict=True):
        # Key by the gold id even if ingest were to rename the document.
        out[gold_doc["id"]] = {**document_output(doc), "id": gold_doc["id"]}
    return out


def run_classifier(gold: list[dict]) -> dict[str, dict]:
    """The event-typing classifier alone on each gold text (no parse, no rules): its label
    as the document's one event, or no event for `none`."""
    from ..classify import NONE, load

    preds = load().predict([doc.get("text") or "" for doc in gold])
    return {doc["id"]: {"id": doc["id"], "events": [] if p.label == NONE else [
        {"sub_event_type": p.label, "confidence": round(p.confidence, 4)}]}
        for doc, p in zip(gold, preds, strict=True)}


def evaluate(paths: list[str], pred: str | None = None, json_out: str | None = None,
             console: Console | None = None, date_tolerance_days: int = 0,
             min_confidence: float = 0.0, classifier_only: bool = False) -> dict:
    """Load gold, run the engine (or read `pred`), score, print tables, write JSON."""
    console = console or Console()
    start = time.perf_counter()
    gold = load_gold(paths)
    if pred is not None:
        predictions = load_predictions(pred)
    elif classifier_only:
        predictions = run_classifier(gold)
    else:
        predictions = run_engine(gold, progress=console.is_terminal, console=console)
    report = score(gold, predictions, date_tolerance_days=date_tolerance_days,
                   min_confidence=min_confidence)
    report["seconds"] = round(time.perf_counter() - start, 3)
    report["engine_ran"] = pred is None
    render(report, console)
    if json_out:
        Path(json_out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    return report
