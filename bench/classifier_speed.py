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


def sentences_from_lgl(path: Path, limit: int) -> tuple[list[str], float]:
    from dateline import nlp

    model = nlp.load()
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")][:limit]
    start = time.perf_counter()
    docs = list(model.pipe(texts, batch_size=16))
    spacy_seconds = time.perf_counter() - start
    sents = [s.text for d in docs for s in d.sents if s.text.strip()]
    return sents, spacy_seconds


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
    else:
        sents, spacy_seconds = sentences_from_lgl(LGL, args.docs)

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
    # The engine sends the model only sentences with an event word (or a rule event, which
    # needs one): the cost per sentence of an article is the model's times that share.
    from dateline.events import load_lexicon

    cues = load_lexicon().classifier_cues
    share = sum(bool(cues.search(s)) for s in sents) / len(sents) if cues else 1.0
    report["share_sent_to_model"] = round(share, 3)
    report["engine_ms_per_sentence_of_text"] = round(
        report["classifier_ms_per_sentence"] * share, 2)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
