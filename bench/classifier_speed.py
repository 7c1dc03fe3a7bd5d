"""What the event-typing classifier costs per sentence, on one CPU core.

    python bench/classifier_speed.py                       # sentences of the LGL articles
    python bench/classifier_speed.py --texts data/gold/typing_test.jsonl

Sentences come from real articles (`../shared/dev/lgl.places.jsonl`, split by spaCy as the
engine splits them) or from a JSONL file's `text` fields. The model runs with one thread, in the
engine's batches; the time reported is wall time per sentence after a warm-up, with spaCy's own
per-sentence time on the same machine beside it for scale.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("DATELINE_CLASSIFIER_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
LGL = ROOT.parent / "shared" / "dev" / "lgl.places.jsonl"


def sentences_from_lgl(path: Path, limit: int) -> tuple[list[str], float, list]:
    from dateline import nlp

    model = nlp.load()
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")][:limit]
    start = time.perf_counter()
    docs = list(model.pipe(texts, batch_size=16))
    spacy_seconds = time.perf_counter() - start
    sents = [s.text for d in docs for s in d.sents if s.text.strip()]
    return sents, spacy_seconds, texts


class Counting:
    """The classifier, counting the sentences the events stage hands it."""

    def __init__(self, model: object) -> None:
        self.model, self.read = model, 0

    def predict(self, texts: list[str], batch_size: int = 32) -> list:
        self.read += len(texts)
        return self.model.predict(texts, batch_size=batch_size)  # type: ignore[attr-defined]


def share_read(texts: list[str], model: object) -> float:
    """The share of sentences the engine's events stage actually sends the model (those with
    a rule event, and those it finds worth reading), over whole articles."""
    from dateline.events import EventsStage
    from dateline.pipeline import Pipeline
    from dateline.records import Document

    counting = Counting(model)
    stage = EventsStage(classifier=counting)  # type: ignore[arg-type]
    total = 0
    for doc in Pipeline(["nlp"]).pipe(Document(id=str(i), text=t) for i, t in enumerate(texts)):
        total += sum(1 for s in doc.nlp.sents if s.text.strip())
        stage(doc)
    return counting.read / max(total, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, help="a JSONL file with `text` fields")
    parser.add_argument("--docs", type=int, default=100, help="LGL articles to split")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    spacy_seconds = None
    if args.texts:
        sents = [json.loads(line)["text"] for line in args.texts.open(encoding="utf-8")
                 if line.strip()]
        articles = sents  # each text read as an article of its own
    else:
        sents, spacy_seconds, articles = sentences_from_lgl(LGL, args.docs)

    from dateline import classify

    model = classify.load()
    model.predict(sents[:64])  # warm-up
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        model.predict(sents)
        best = min(best, time.perf_counter() - start)
    tokens = sum(len(model.tokenizer.encode(s).ids) for s in sents)
    report = {"sentences": len(sents), "mean_tokens": round(tokens / len(sents), 1),
              "classifier_ms_per_sentence": round(1000 * best / len(sents), 2),
              "threads": os.environ["DATELINE_CLASSIFIER_THREADS"]}
    if spacy_seconds is not None:
        report["spacy_ms_per_sentence"] = round(1000 * spacy_seconds / len(sents), 2)
    # The engine sends the model only sentences with a rule event or an event word used as
    # one (EventsStage.worth_reading): the cost per sentence of text is the model's times that
    # share, counted by running the events stage itself.
    share = share_read(articles, model)
    report["share_sent_to_model"] = round(share, 3)
    report["engine_ms_per_sentence_of_text"] = round(
        report["classifier_ms_per_sentence"] * share, 2)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
