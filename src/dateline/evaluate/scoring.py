"""Scoring engine output against gold documents (GOLD_FORMAT.md), one report dict."""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean, median

import numpy as np
from scipy.optimize import linear_sum_assignment

from .fields import (
    INFORMATIVE,
    MAX_KM,
    NOT_FIELDS,
    coords,
    gold_type,
    haversine_km,
    pair_weight,
    scorer_for,
)
from .metrics import NONE, classification_block, f1, prf, rnd, safe_div, type_block

# Engine events the engine itself marks as not new (reported past events, plans) are not
# scored: the status stage keeps them for audit, a coder would not record them.
IGNORED_STATUSES = frozenset({"background", "plan"})
_TOKEN = re.compile(r"\w+")


@dataclass
class Tally:
    """Counts gathered over all documents before they become the report."""

    min_confidence: float = 0.0  # engine events below it are dropped before scoring
    below_threshold: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    optional_matched: int = 0
    ignored_events: int = 0
    detection_docs: int = 0
    no_event_docs: list[bool] = field(default_factory=list)
    fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    abs_errors: list[int] = field(default_factory=list)
    location_km: list[float] = field(default_factory=list)
    sub_pairs: list[tuple[str, str]] = field(default_factory=list)
    type_pairs: list[tuple[str, str]] = field(default_factory=list)
    cls_pairs: list[tuple[str, str]] = field(default_factory=list)
    cls_confidence: list[float | None] = field(default_factory=list)
    places: Counter = field(default_factory=Counter)
    place_km: list[float] = field(default_factory=list)
    geonameid_hits: list[bool] = field(default_factory=list)
    article: list[tuple[float, float, float]] = field(default_factory=list)
    # What went wrong, per document: missed and spurious events, wrong fields (report "errors").
    errors: list[dict] = field(default_factory=list)


# --- which documents score what ---------------------------------------------------------------


def _is_label_only(event: dict) -> bool:
    return set(event) - INFORMATIVE == {"sub_event_type"}


def doc_kind(doc: dict) -> str | None:
    """'classify' (one event with only a sub-event type), 'empty', 'full' or None (no events)."""
    if "events" not in doc:
        return None
    events = doc["events"]
    if not events:
        return "empty"
    if len(events) == 1 and _is_label_only(events[0]):
        return "classify"
    return "full"


def engine_events(pred_doc: dict | None, tally: Tally) -> list[dict]:
    events = [e for e in (pred_doc or {}).get("events") or [] if isinstance(e, dict)]
    kept = [e for e in events if e.get("status") not in IGNORED_STATUSES]
    tally.ignored_events += len(events) - len(kept)
    if tally.min_confidence > 0:
        confident = [e for e in kept if (_confidence(e) or 0.0) >= tally.min_confidence]
        tally.below_threshold += len(kept) - len(confident)
        kept = confident
    return kept


# --- events -----------------------------------------------------------------------------------


def match(gold: list[dict], pred: list[dict], tolerance: int) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one matching of gold to engine events (Hungarian algorithm)."""
    if not gold or not pred:
        return []
    weights = np.array([[pair_weight(g, p, tolerance) for p in pred] for g in gold])
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if weights[r, c] > 0]


def _sub(event: dict | None) -> str:
    return (event or {}).get("sub_event_type") or NONE


def _type(event: dict | None, is_gold: bool) -> str:
    if event is None:
        return NONE
    return (gold_type(event) if is_gold else event.get("event_type")) or NONE


def score_fields(tally: Tally, gold: dict, pred: dict, tolerance: int) -> dict:
    """Tally the pair's fields; returns the wrong ones as {field: [gold, engine]}."""
    wrong: dict = {}
    for key, value in gold.items():
        if key in NOT_FIELDS:
            continue
        hits, n = scorer_for(key, tolerance)(value, pred.get(key), gold)
        tally.fields[key][0] += hits
        tally.fields[key][1] += n
        if hits < n:
            wrong[key] = [value, pred.get(key)]
    if "fatalities" in gold:
        tally.abs_errors.append(abs(int(gold["fatalities"]) - _as_int(pred.get("fatalities"))))
    g_xy = coords(gold)
    if g_xy:
        p_xy = coords(pred)
        tally.location_km.append(haversine_km(g_xy, p_xy) if p_xy else MAX_KM)
    return wrong


def _brief(event: dict) -> str:
    return f"{event.get('event_date')} {_sub(event)} @ {event.get('location')}"


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0  # ACLED codes unknown fatalities as 0


def score_event_doc(tally: Tally, gold: list[dict], pred: list[dict], tolerance: int,
                    doc_id: str = "") -> None:
    tally.detection_docs += 1
    errors: dict = {"id": doc_id, "missed": [], "spurious": [], "fields": []}
    pairs = match(gold, pred, tolerance)
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    for gi, pi in pairs:
        if not gold[gi].get("required", True):
            tally.optional_matched += 1
            continue
        tally.tp += 1
        wrong = score_fields(tally, gold[gi], pred[pi], tolerance)
        if wrong:
            errors["fields"].append({"event": _brief(gold[gi]), "wrong": wrong})
        _add_labels(tally, gold[gi], pred[pi])
    for gi, event in enumerate(gold):
        if gi not in matched_gold and event.get("required", True):
            tally.fn += 1
            errors["missed"].append(_brief(event))
            _add_labels(tally, event, None)
    for pi, event in enumerate(pred):
        if pi not in matched_pred:
            tally.fp += 1
            errors["spurious"].append(_brief(event))
            _add_labels(tally, None, event)
    if errors["missed"] or errors["spurious"] or errors["fields"]:
        tally.errors.append(errors)
    if not gold:
        tally.no_event_docs.append(not pred)


def _add_labels(tally: Tally, gold: dict | None, pred: dict | None) -> None:
    """Label pairs for the per-type blocks; gold events without the key are not scored."""
    if gold is None or "sub_event_type" in gold:
        tally.sub_pairs.append((_sub(gold), _sub(pred)))
    if gold is None or gold_type(gold):
        tally.type_pairs.append((_type(gold, True), _type(pred, False)))


def score_classification_doc(tally: Tally, gold: list[dict], pred: list[dict],
                             add_labels: bool = True) -> None:
    """The engine's most confident event against the document's one label (or `none`).

    The pair also feeds the per-type blocks unless detection scoring already counted the
    document's events there (`add_labels=False`).
    """
    top = max(pred, key=lambda e: e.get("confidence") or 0.0) if pred else None
    g_event = gold[0] if gold else None
    tally.cls_pairs.append((_sub(g_event), _sub(top)))
    tally.cls_confidence.append(_confidence(top))
    if add_labels:
        _add_labels(tally, g_event, top)  # (none, none) pairs are dropped by type_block


def _confidence(event: dict | None) -> float | None:
    value = (event or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else None


# --- places -----------------------------------------------------------------------------------


def _overlap(a: dict, b: dict) -> int:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def score_places_doc(tally: Tally, gold: list[dict], pred: list[dict]) -> None:
    pred = [p for p in pred if isinstance(p.get("start"), int) and isinstance(p.get("end"), int)]
    tally.places["docs"] += 1
    tally.places["gold"] += len(gold)
    tally.places["engine"] += len(pred)
    tally.places["engine_overlapping"] += sum(
        1 for p in pred if any(_overlap(p, g) > 0 for g in gold))
    for g in gold:
        hits = [p for p in pred if _overlap(p, g) > 0]
        if not hits:
            continue
        tally.places["found"] += 1
        best = max(hits, key=lambda p: _overlap(p, g))  # first of the best, on a tie
        g_xy, p_xy = coords(g), coords(best)
        if g_xy:
            tally.place_km.append(haversine_km(g_xy, p_xy) if p_xy else MAX_KM)
        if g.get("geonameid") is not None:
            tally.geonameid_hits.append(best.get("geonameid") == g["geonameid"])


# --- article text -----------------------------------------------------------------------------


def bag_of_words_prf(gold: str, pred: str) -> tuple[float, float, float]:
    """Token multiset overlap, as in the article-extraction benchmarks."""
    g, p = Counter(_TOKEN.findall(gold.lower())), Counter(_TOKEN.findall(pred.lower()))
    if not g and not p:
        return 1.0, 1.0, 1.0
    common = sum((g & p).values())
    precision, recall = safe_div(common, sum(p.values())), safe_div(common, sum(g.values()))
    return precision, recall, f1(precision, recall)


# --- the report -------------------------------------------------------------------------------


def _scope(gold: list[dict]) -> tuple[set[str], set[str]]:
    """Ids scored for event detection and for classification."""
    kinds = {doc["id"]: doc_kind(doc) for doc in gold}
    has_full = "full" in kinds.values()
    has_classify = "classify" in kinds.values()
    detect = {i for i, k in kinds.items() if k == "full" or (k == "empty" and has_full)}
    classify = {i for i, k in kinds.items()
                if k == "classify" or (k == "empty" and (has_classify or not has_full))}
    return detect, classify


def tally_all(gold: list[dict], pred: dict[str, dict], tolerance: int,
              min_confidence: float = 0.0) -> Tally:
    tally = Tally(min_confidence=min_confidence)
    detect, classify = _scope(gold)
    for doc in gold:
        pred_doc = pred.get(doc["id"]) or {}
        events = engine_events(pred_doc, tally)
        if doc["id"] in detect:
            score_event_doc(tally, doc["events"], events, tolerance, doc["id"])
        if doc["id"] in classify:
            score_classification_doc(tally, doc["events"], events, doc["id"] not in detect)
        if "places" in doc:
            places = [p for p in pred_doc.get("places") or [] if isinstance(p, dict)]
            score_places_doc(tally, doc["places"], places)
        if "html" in doc and "article_text" in doc:
            tally.article.append(
                bag_of_words_prf(doc["article_text"], pred_doc.get("article_text") or ""))
    return tally


def _events_block(t: Tally) -> dict:
    block = {**prf(t.tp, t.fp, t.fn), "tp": t.tp, "fp": t.fp, "fn": t.fn,
             "documents": t.detection_docs, "optional_matched": t.optional_matched}
    if t.no_event_docs:
        block["no_event_documents"] = {
            "n": len(t.no_event_docs),
            "accuracy": rnd(safe_div(sum(t.no_event_docs), len(t.no_event_docs))),
        }
    return block


def _fields_block(t: Tally) -> dict:
    block: dict = {name: {"accuracy": rnd(safe_div(hits, n)), "n": n}
                   for name, (hits, n) in sorted(t.fields.items()) if n}
    if t.abs_errors:
        block["fatalities_mae"] = rnd(float(mean(t.abs_errors)))
    return block


def _km_summary(km: list[float]) -> dict:
    return {"within_25km": rnd(safe_div(sum(d <= 25 for d in km), len(km))),
            "within_161km": rnd(safe_div(sum(d <= 161 for d in km), len(km))),
            "median_km": round(median(km), 1), "n": len(km)}


def _places_block(t: Tally) -> dict:
    c = t.places
    p, r = safe_div(c["engine_overlapping"], c["engine"]), safe_div(c["found"], c["gold"])
    km = t.place_km
    return {
        "precision": rnd(p), "recall": rnd(r), "f1": rnd(f1(p, r)),
        "within_161km": rnd(safe_div(sum(d <= 161 for d in km), len(km))),
        # Gritta et al. 2019: area under the curve of normalised log error; lower is better.
        "auc": rnd(mean(math.log1p(d) / math.log(MAX_KM) for d in km)) if km else None,
        "mean_km": round(mean(km), 1) if km else None,
        "median_km": round(median(km), 1) if km else None,
        "geonameid_accuracy": (rnd(safe_div(sum(t.geonameid_hits), len(t.geonameid_hits)))
                               if t.geonameid_hits else None),
        "documents": c["docs"], "n": c["gold"], "found": c["found"], "engine": c["engine"],
        "resolved_n": len(km), "geonameid_n": len(t.geonameid_hits),
    }


def _article_block(t: Tally) -> dict:
    precisions, recalls, f1s = zip(*t.article, strict=True)
    p, r = mean(precisions), mean(recalls)
    # `f1` averages per-document F1; the article-extraction-benchmark publishes the F1 of the
    # averaged precision and recall (`f1_of_means`), which is what to compare with its tables.
    return {"precision": rnd(p), "recall": rnd(r), "f1": rnd(mean(f1s)),
            "f1_of_means": rnd(f1(p, r)), "n": len(t.article)}


def score(gold: list[dict], pred: dict[str, dict], date_tolerance_days: int = 0,
          min_confidence: float = 0.0) -> dict:
    """The full report (JSON-serialisable); a block appears only when the gold scores it.

    `date_tolerance_days` is the default for gold events without their own
    `date_tolerance_days`. Documents missing from `pred` count as having no events. Engine
    events with a confidence below `min_confidence` are left out (the precision/recall trade).
    """
    start = time.perf_counter()
    t = tally_all(gold, pred, date_tolerance_days, min_confidence)
    report: dict = {"documents": len(gold),
                    "missing_predictions": sum(1 for d in gold if d["id"] not in pred)}
    if t.detection_docs:
        report["events"] = _events_block(t)
        report["fields"] = _fields_block(t)
    if t.location_km:
        report["location"] = _km_summary(t.location_km)
    if t.sub_pairs:
        report["sub_event_type"] = type_block(t.sub_pairs)
    if t.type_pairs:
        report["event_type"] = type_block(t.type_pairs)
    if t.cls_pairs:
        report["classification"] = classification_block(t.cls_pairs, t.cls_confidence)
    if t.places["docs"]:
        report["places"] = _places_block(t)
    if t.article:
        report["article_text"] = _article_block(t)
    report["ignored_engine_events"] = t.ignored_events
    if min_confidence > 0:
        report["min_confidence"] = min_confidence
        report["below_threshold_events"] = t.below_threshold
    if t.errors:
        report["errors"] = t.errors
    report["seconds"] = round(time.perf_counter() - start, 3)
    return report
