"""Merge quality on data/gold/merge: how many true events, how many Dateline found.

Runs the whole engine on the test set's articles (in publication order, as a feed would bring
them), stores them in a fresh in-memory store (so every record is merged incrementally, one
document at a time), then scores the merged events against the true clusters.

    .venv/bin/python bench/merge_quality.py [--json report.json] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from dateline.evaluate.merge import score_store
from dateline.ingest import read_inputs
from dateline.pipeline import Pipeline
from dateline.store import Store

SET = Path(__file__).resolve().parent.parent / "data" / "gold" / "merge" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default=str(SET))
    parser.add_argument("--db", default=":memory:", help="store to use (default: in memory)")
    parser.add_argument("--json", help="write the report here")
    args = parser.parse_args()
    articles = [json.loads(line) for line in Path(args.articles).read_text().splitlines()
                if line.strip()]
    articles.sort(key=lambda a: (a["published"], a["id"]))
    started = time.perf_counter()
    with Store(args.db) as store:
        docs = read_inputs([args.articles])
        by_id = {d.id: d for d in Pipeline().pipe(docs)}
        for article in articles:  # merged in publication order, one document at a time
            store.save(by_id[article["id"]])
        report = score_store(store, articles)
    report["seconds"] = round(time.perf_counter() - started, 1)
    for key, value in report.items():
        print(f"{key:18} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
