"""Precision, recall, F1 and their averages over labelled (gold, predicted) pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean

NONE = "none"  # the label for "no event": a missed gold event or a spurious engine one


def safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p, r = safe_div(tp, tp + fp), safe_div(tp, tp + fn)
    return {"precision": rnd(p), "recall": rnd(r), "f1": rnd(f1(p, r))}


def f1(p: float, r: float) -> float:
    return safe_div(2 * p * r, p + r)


def rnd(x: float) -> float:
    return round(x, 4)


def confusion(pairs: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for (gold, pred), count in sorted(Counter(pairs).items()):
        table[gold][pred] = count
    return dict(table)


def per_label(pairs: list[tuple[str, str]], labels: list[str]) -> dict[str, dict]:
    out = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if p == label and g != label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        out[label] = {**prf(tp, fp, fn), "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}
    return out


def averages(table: dict[str, dict]) -> dict[str, float]:
    """Macro (types with support or predictions), micro and support-weighted F1."""
    if not table:
        return {"macro_f1": 0.0, "micro_f1": 0.0, "weighted_f1": 0.0}
    tp, fp, fn = (sum(row[k] for row in table.values()) for k in ("tp", "fp", "fn"))
    support = sum(row["support"] for row in table.values())
    weighted = safe_div(sum(row["f1"] * row["support"] for row in table.values()), support)
    return {
        "macro_f1": rnd(mean(row["f1"] for row in table.values())),
        "micro_f1": prf(tp, fp, fn)["f1"],
        "weighted_f1": rnd(weighted),
    }


def type_block(pairs: list[tuple[str, str]]) -> dict:
    """Per-type P/R/F where `none` marks a miss or a spurious event (not itself a type)."""
    pairs = [(g, p) for g, p in pairs if (g, p) != (NONE, NONE)]
    labels = sorted(({g for g, _ in pairs} | {p for _, p in pairs}) - {NONE})
    table = per_label(pairs, labels)
    return {**averages(table), "n": len(pairs), "per_type": table, "confusion": confusion(pairs)}


def classification_block(pairs: list[tuple[str, str]],
                         confidences: list[float | None] | None = None) -> dict:
    """Single-label classification: `none` is a class of its own here.

    `confidences[i]` is the engine's confidence in its label for pair i (None where it gave
    none, e.g. no event): those feed the calibration measures.
    """
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    table = per_label(pairs, labels)
    avg = averages(table)
    block = {
        "accuracy": rnd(safe_div(sum(g == p for g, p in pairs), len(pairs))),
        "macro_f1": avg["macro_f1"],
        "weighted_f1": avg["weighted_f1"],
        "n": len(pairs),
        "per_label": table,
        "confusion": confusion(pairs),
    }
    negatives = [p for g, p in pairs if g == NONE]
    if negatives:
        block["none_rejected"] = rnd(safe_div(sum(p == NONE for p in negatives), len(negatives)))
    positives = [p for g, p in pairs if g != NONE]
    if positives:
        block["events_detected"] = rnd(safe_div(sum(p != NONE for p in positives),
                                                len(positives)))
    if confidences is not None:
        scored = [(g == p, c) for (g, p), c in zip(pairs, confidences, strict=True)
                  if c is not None]
        if scored:
            block.update(calibration([ok for ok, _ in scored], [c for _, c in scored]))
    return block


def calibration(correct: list[bool], confidence: list[float], bins: int = 10) -> dict:
    """Expected calibration error over equal-width confidence bins, and the bins themselves.

    ECE = sum over bins of (share of items in the bin) x |accuracy - mean confidence|:
    0 means that of the labels given confidence 0.8, 80 % are right.
    """
    rows, ece, n = [], 0.0, len(correct)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidence) if lo <= c < hi or (b == bins - 1 and c == 1)]
        if not idx:
            continue
        acc = mean(correct[i] for i in idx)
        conf = mean(confidence[i] for i in idx)
        ece += len(idx) / n * abs(acc - conf)
        rows.append({"from": lo, "to": hi, "n": len(idx), "accuracy": rnd(acc),
                     "confidence": rnd(conf)})
    return {"ece": rnd(ece), "calibration_n": n, "reliability": rows}
