"""Article-text extraction quality of the ingest stage on HTML pages with a gold body.

Scores `Document.body_text` from `dateline.ingest.document_from_html` against each page's
`article_text` with token-level bag-of-words precision, recall and F1: P/R/F per page, then the
mean over pages (as the article-extraction benchmark reports them). Tokens are `\\w+` runs,
lower-cased. A page where nothing is extracted scores P = R = F = 0.

    .venv/bin/python bench/article_text.py [GOLD.jsonl.gz] [--config NAME ...]

Default data: ../shared/dev/aeb.extraction.jsonl.gz (181 pages; not copied into the repo).
Each config is a set of trafilatura options; `raw` variants skip the plain-text cleaner
(no boilerplate removal on the extracted text) to show what the cleaner adds or costs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dateline.ingest import document_from_html, web

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "dev" / "aeb.extraction.jsonl.gz"
TOKEN = re.compile(r"\w+")

# trafilatura's own defaults (with comments left out: they are not article text); each config
# below changes some of them. `shipped` is what `dateline.ingest.web.OPTIONS` uses.
BASE: dict[str, Any] = {"include_comments": False, "include_tables": True, "fast": False,
                        "favor_precision": False, "favor_recall": False, "deduplicate": False}
CONFIGS: dict[str, dict[str, Any]] = {
    "shipped": dict(web.OPTIONS),
    "defaults": {},
    "precision": {"favor_precision": True},
    "recall": {"favor_recall": True},
    "no_tables": {"include_tables": False},
    "dedup": {"deduplicate": True},
    "fast": {"fast": True},
    "precision_fast": {"favor_precision": True, "fast": True},
}


def pages(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    p_tokens = Counter(t.lower() for t in TOKEN.findall(pred))
    g_tokens = Counter(t.lower() for t in TOKEN.findall(gold))
    if not p_tokens and not g_tokens:
        return 1.0, 1.0, 1.0
    tp = sum((p_tokens & g_tokens).values())
    precision = tp / sum(p_tokens.values()) if p_tokens else 0.0
    recall = tp / sum(g_tokens.values()) if g_tokens else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def body(page: dict[str, Any], raw: bool) -> str:
    if raw:
        article = web.extract_article(page["html"], page.get("url"))
        return article.text if article else ""
    doc = document_from_html(page["html"], page["id"], url=page.get("url"))
    return doc.body_text


def run(data: list[dict[str, Any]], options: dict[str, Any], raw: bool) -> dict[str, float]:
    saved = dict(web.OPTIONS)
    web.OPTIONS.clear()
    web.OPTIONS.update({**BASE, **options})
    start = time.perf_counter()
    try:
        scores = [prf(body(page, raw), page["article_text"]) for page in data]
    finally:
        web.OPTIONS.clear()
        web.OPTIONS.update(saved)
    p, r, f = (statistics.mean(s[i] for s in scores) for i in range(3))
    return {"precision": p, "recall": r, "f1": f, "seconds": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS),
                        help="trafilatura settings to try (default: all)")
    parser.add_argument("--raw", action="store_true", help="also score without the cleaner")
    args = parser.parse_args()
    data = list(pages(args.gold))
    print(f"{len(data)} pages from {args.gold}")
    print(f"{'config':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'seconds':>10}")
    for name in args.config or list(CONFIGS):
        for raw in (False, True) if args.raw else (False,):
            m = run(data, CONFIGS[name], raw)
            label = f"{name}{' (raw)' if raw else ''}"
            print(f"{label:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}"
                  f"{m['seconds']:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
