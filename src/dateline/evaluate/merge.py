"""Merge quality: Dateline's merged events against the true events of a test set.

Each stored record is mapped to the true event its article reports: an article that reports one
event maps all its records to it (a record the engine placed wrongly still reports that event,
and merging it apart is a merge miss); in an article that reports several, a record maps to the
one whose place it names. Records that map to no true event are noise, counted apart. On the mapped
records, the merged events are compared with the true clusters: pairwise precision/recall (pairs
of records put together) and B-cubed precision/recall (per record, how much of its merged event
is its true event, and the reverse).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any


def pairwise(found: dict[Hashable, Hashable], truth: dict[Hashable, Hashable]
             ) -> dict[str, float]:
    """Precision and recall over pairs of items clustered together."""
    items = sorted(found, key=str)
    same_found = same_true = both = 0
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            f, t = found[a] == found[b], truth[a] == truth[b]
            same_found += f
            same_true += t
            both += f and t
    return _pr(both, same_found, both, same_true)


def bcubed(found: dict[Hashable, Hashable], truth: dict[Hashable, Hashable]
           ) -> dict[str, float]:
    """B-cubed: per item, the share of its found cluster that is its true cluster (precision)
    and the share of its true cluster that is in its found cluster (recall), averaged."""
    by_found, by_true = _groups(found), _groups(truth)
    p = r = 0.0
    for item in found:
        mine = by_found[found[item]]
        real = by_true[truth[item]]
        overlap = len(mine & real)
        p += overlap / len(mine)
        r += overlap / len(real)
    n = max(len(found), 1)
    return _pr(p, n, r, n)


def _groups(assign: dict[Hashable, Hashable]) -> dict[Hashable, set[Hashable]]:
    groups: dict[Hashable, set[Hashable]] = defaultdict(set)
    for item, cluster in assign.items():
        groups[cluster].add(item)
    return groups


def _pr(p_num: float, p_den: float, r_num: float, r_den: float) -> dict[str, float]:
    p = p_num / p_den if p_den else 1.0
    r = r_num / r_den if r_den else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def map_record(record: dict[str, Any], gold: list[dict[str, str]]) -> str | None:
    """The true event an article's record reports, or None (noise)."""
    if len(gold) == 1:
        return gold[0]["event"]
    names = {str(record.get(k) or "").lower() for k in ("location", "admin1", "admin2")}
    hits = [g["event"] for g in gold if g["location"].lower() in names]
    return hits[0] if len(hits) == 1 else None


def score_store(store: Any, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare a store's merged events with the articles' gold events."""
    gold = {a["id"]: a["gold"] for a in articles}
    rows = store.query(
        "SELECT e.id, e.document_id, e.location, e.admin1, e.admin2, m.merged_id"
        " FROM events e JOIN merged_members m ON m.record_id = e.id")
    found: dict[str, str] = {}
    truth: dict[str, str] = {}
    noise = []
    for row in rows:
        event = map_record(row, gold.get(row["document_id"], []))
        if event is None:
            noise.append(row["id"])
            continue
        found[row["id"]], truth[row["id"]] = row["merged_id"], event
    reported = {(a["id"], g["event"]) for a in articles for g in a["gold"]}
    covered = {(r["document_id"], truth[r["id"]]) for r in rows if r["id"] in truth}
    true_events = {g["event"] for a in articles for g in a["gold"]}
    return {
        "articles": len(articles),
        "true_events": len(true_events),
        "found_events": len(set(found.values())),
        "found_events_all": store.query("SELECT count(*) AS n FROM merged_events")[0]["n"],
        "records": len(rows),
        "noise_records": len(noise),
        "reports_missed": len(reported - covered),
        "pairwise": pairwise(found, truth),
        "bcubed": bcubed(found, truth),
    }
