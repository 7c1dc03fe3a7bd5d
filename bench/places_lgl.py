"""Toponym recognition and resolution on LGL (Lieberman et al. 2010): 588 US local news articles.

Usage: python bench/places_lgl.py [PATH] [--limit N] [--errors FILE] [--engine]

`--engine` also runs the whole engine over the same articles, one stage at a time (spaCy
batched, as `dateline` does), and prints each stage's seconds and the places stage's share.

Scores as in GOLD_FORMAT.md: a gold span is found when a predicted place overlaps it; a
predicted place overlapping no gold span is a false positive. For found toponyms: the share
resolved within 161 km, the AUC of log error distance (Gritta et al. 2019; lower is better)
and exact GeoNames id accuracy. LGL annotates demonyms ("American") as toponyms while Dateline
does not list them, so recall is also reported with gold demonyms left out.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import defaultdict
from pathlib import Path

from dateline import countries
from dateline.nlp import load
from dateline.places import PlacesStage
from dateline.places.gazetteer import distance_km
from dateline.records import Document

DEFAULT = Path("/work/shared/dev/lgl.places.jsonl")
MAX_KM = 20039.0  # half the Earth's circumference: the largest possible error


def _overlap(a: dict, b) -> bool:
    return a["start"] < b.end and b.start < a["end"]


def score(gold_docs: list[dict], pred_docs: list[Document]) -> dict:
    tp_gold = fn = fp = 0
    fn_no_demonym = gold_no_demonym = 0
    dists: list[float] = []
    ids_right = ids_n = 0
    by_role: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # role -> [places, right]
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        for g in gold["places"]:
            demonym = countries.is_demonym(g["name"])
            gold_no_demonym += not demonym
            hits = [p for p in pred.places if _overlap(g, p)]
            if not hits:
                fn += 1
                fn_no_demonym += not demonym
                continue
            tp_gold += 1
            p = hits[0]
            if p.latitude is None:
                dists.append(MAX_KM)
            else:
                dists.append(distance_km(g["latitude"], g["longitude"], p.latitude, p.longitude))
            if g.get("geonameid"):
                ids_n += 1
                ids_right += p.geonameid == g["geonameid"]
        for p in pred.places:
            hit = any(_overlap(g, p) for g in gold["places"])
            fp += not hit
            by_role[p.role][0] += 1
            by_role[p.role][1] += hit
    tp_pred = sum(len(p.places) for p in pred_docs) - fp
    precision = tp_pred / (tp_pred + fp) if tp_pred + fp else 0.0
    recall = tp_gold / (tp_gold + fn) if tp_gold + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_without_demonyms": 1 - fn_no_demonym / gold_no_demonym if gold_no_demonym else 0,
        "within_161km": sum(d <= 161 for d in dists) / len(dists) if dists else 0.0,
        "auc": sum(math.log(1 + d) / math.log(MAX_KM) for d in dists) / len(dists) if dists
        else 1.0,
        "geonameid_accuracy": ids_right / ids_n if ids_n else 0.0,
        "found": len(dists),
        **{f"precision of role {role} (n={n})": right / n
           for role, (n, right) in sorted(by_role.items())},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--errors", type=Path, help="write misses and false positives here")
    ap.add_argument("--engine", action="store_true",
                    help="also time every stage of the full engine on the same articles")
    args = ap.parse_args()
    gold = [json.loads(line) for line in args.path.open(encoding="utf-8")]
    if args.limit:
        gold = gold[: args.limit]
    nlp = load()
    t0 = time.perf_counter()
    stage = PlacesStage()
    load_s = time.perf_counter() - t0
    docs = [Document(id=g["id"], text=g["text"]) for g in gold]
    for doc, parsed in zip(docs, nlp.pipe([d.text for d in docs], batch_size=32), strict=True):
        doc.nlp = parsed
    t0 = time.perf_counter()
    for doc in docs:
        stage(doc)
    stage_s = time.perf_counter() - t0
    result = score(gold, docs)
    rows = [("articles", f"{len(docs)}"), ("gazetteer load (s)", f"{load_s:.2f}")]
    rows += [(k, f"{v:.3f}" if isinstance(v, float) else str(v)) for k, v in result.items()]
    rows.append(("places stage s/article", f"{stage_s / len(docs):.4f}"))
    width = max(len(k) for k, _ in rows)
    print("LGL places benchmark")
    for k, v in rows:
        print(f"  {k:<{width}}  {v:>8}")
    if args.errors:
        _write_errors(args.errors, gold, docs)
    if args.engine:
        _engine_share(gold)


def _engine_share(gold: list[dict]) -> None:
    """Seconds per stage over a fresh run of the full engine (models already loaded)."""
    from dateline.pipeline import STAGES, Pipeline

    pipe = Pipeline()
    docs = [Document(id=g["id"], text=g["text"]) for g in gold]
    spent: dict[str, float] = defaultdict(float)
    t0 = time.perf_counter()
    parsed = pipe.stages[0][1].nlp.pipe([d.text for d in docs], batch_size=16)
    for doc, sdoc in zip(docs, parsed, strict=True):
        doc.nlp = sdoc
    spent["nlp"] = time.perf_counter() - t0
    for doc in docs:
        for name, stage in pipe.stages[1:]:
            t0 = time.perf_counter()
            try:
                stage(doc)
            except Exception:  # noqa: BLE001 - as the engine does: the document stops here
                break
            finally:
                spent[name] += time.perf_counter() - t0
    total = sum(spent.values())
    print(f"Engine time per article over {len(docs)} articles (s)")
    for name in STAGES:
        print(f"  {name:<12} {spent[name] / len(docs):8.4f}  {spent[name] / total:6.1%}")
    others = total - spent["places"]
    print(f"  {'total':<12} {total / len(docs):8.4f}; places adds "
          f"{spent['places'] / others:.1%} to the rest of the engine")


def _write_errors(path: Path, gold: list[dict], docs: list[Document]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for g, d in zip(gold, docs, strict=True):
            for gp in g["places"]:
                hits = [p for p in d.places if _overlap(gp, p)]
                if not hits:
                    fh.write(f"MISS\t{gp['name']}\t{g['id']}\n")
                    continue
                p = hits[0]
                km = (distance_km(gp["latitude"], gp["longitude"], p.latitude, p.longitude)
                      if p.latitude is not None else MAX_KM)
                if km > 161:
                    fh.write(f"FAR\t{gp['name']}\t{p.resolved_name},{p.admin1},{p.country}"
                             f"\t{km:.0f}\t{g['id']}\n")
            for p in d.places:
                if not any(_overlap(gp, p) for gp in g["places"]):
                    fh.write(f"FP\t{p.name}\t{p.resolved_name},{p.country}\t{p.role}\t{g['id']}\n")


if __name__ == "__main__":
    main()
