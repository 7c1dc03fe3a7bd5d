"""Merge: the records of every document that reports one real event become one event.

A record (one row of `events`, coded from one article) joins the merged event it matches best,
or founds a new one. Candidates are blocked by country, a date window and compatible event
types, so a new document is compared with a handful of events, never the whole store; then each
candidate's member records are scored against the new record on four things:

- type: the same sub-event type, or two that one happening is reported as (a clash and the
  capture it ended in; an airstrike one outlet calls shelling);
- date: within a day or two (wider when a source only gives the week or month);
- place: the same GeoNames place, or an adjacent one (within 15 km), or the same province when
  one source only names the province;
- actors: the named actors overlap (generic "Unidentified Armed Group", "Civilians" neither help
  nor hurt); two sources that name only different actors report different events.

One merged event never takes two records of one document: the engine already folds an
article's mentions of one event, so two records of one article are two events. A merged event's
fields are recomputed from all its members (see `consensus`); its fatalities are the lowest
figure any source gives (ACLED's conservative rule; a source that gives no toll is not a zero).
Every join records its score and reasons in `merged_members`, which `dateline explain` shows.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .records import SUB_TO_TYPE

if TYPE_CHECKING:
    from .store import Store

THRESHOLD = 0.65  # a candidate joins above this score
WEIGHTS = {"type": 0.25, "date": 0.2, "place": 0.3, "actors": 0.25}
ADJACENT_KM, NEARBY_KM = 15.0, 40.0
WINDOW_DAYS = {1: 2, 2: 7, 3: 31}  # date tolerance by the coarser time_precision
TERRITORY = {"Government regains territory", "Non-state actor overtakes territory"}
GENERIC = ("Unidentified", "Civilians", "Protesters", "Rioters")

# Sub-event types that sources use for the same happening, with how well they agree.
_EXPLOSIONS = ("Air/drone strike", "Shelling/artillery/missile attack",
               "Remote explosive/landmine/IED", "Suicide bomb", "Grenade")
_PROTESTS = ("Peaceful protest", "Protest with intervention", "Excessive force against protesters")
_COMPATIBLE: dict[frozenset[str], float] = {}


def _pairs(subs: Iterable[str], others: Iterable[str], score: float) -> None:
    for a in subs:
        for b in others:
            if a != b:
                _COMPATIBLE[frozenset((a, b))] = score


_pairs(["Armed clash"], TERRITORY, 0.7)
_pairs(TERRITORY, TERRITORY, 0.5)
_pairs(TERRITORY, ["Non-violent transfer of territory"], 0.5)
_pairs(_EXPLOSIONS, _EXPLOSIONS, 0.6)
_pairs(_EXPLOSIONS, ["Attack"], 0.5)
_pairs(["Armed clash"], ["Attack"], 0.4)
_pairs(["Attack"], ["Abduction/forced disappearance", "Sexual violence"], 0.5)
_pairs(_PROTESTS, _PROTESTS, 0.7)
_pairs(_PROTESTS, ["Violent demonstration"], 0.6)
_pairs(["Violent demonstration"], ["Mob violence"], 0.6)

_RECORD_SQL = (
    "SELECT e.*, d.published, d.agency, d.outlet FROM events e"
    " JOIN documents d ON d.id = e.document_id")


@dataclass
class Match:
    merged_id: str
    score: float
    reasons: dict[str, Any]


# ---------------------------------------------------------------- public entry points


def merge_records(store: Store, record_ids: list[str]) -> list[str]:
    """Add records to merged events (joining or founding); returns the merged ids touched.
    Runs inside the caller's transaction; records already merged are left alone."""
    touched: list[str] = []
    for rec in load_records(store, record_ids):
        if store.query("SELECT 1 AS x FROM merged_members WHERE record_id = ?", [rec["id"]]):
            continue
        match = best_match(store, rec)
        if match is None:
            match = Match(f"ev-{rec['id']}", 1.0, {"founded": "no earlier event matched"})
        _add_member(store, match, rec)
        recompute(store, match.merged_id)
        touched.append(match.merged_id)
    return touched


def detach_document(store: Store, document_id: str) -> list[str]:
    """Remove a document's records from their merged events (before it is replaced)."""
    ids = [r["merged_id"] for r in store.query(
        "SELECT DISTINCT merged_id FROM merged_members WHERE document_id = ?", [document_id])]
    store.execute("DELETE FROM merged_members WHERE document_id = ?", [document_id])
    return ids


def refresh(store: Store, merged_ids: Iterable[str]) -> None:
    """Recompute merged events after members left; drop the ones left empty."""
    for mid in merged_ids:
        if store.query("SELECT 1 AS x FROM merged_members WHERE merged_id = ?", [mid]):
            recompute(store, mid)
        else:
            store.execute("DELETE FROM merged_events WHERE id = ?", [mid])


def members(store: Store, merged_id: str) -> list[dict[str, Any]]:
    """A merged event's records, with their document's date and source and the join reasons."""
    return store.query(
        _RECORD_SQL.replace("SELECT e.*", "SELECT e.*, m.score, m.reasons, m.merged_id")
        + " JOIN merged_members m ON m.record_id = e.id WHERE m.merged_id = ?"
        " ORDER BY d.published, e.document_id, e.id", [merged_id])


def load_records(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" * len(chunk))
        rows += store.query(f"{_RECORD_SQL} WHERE e.id IN ({marks})", chunk)
    order = {rid: i for i, rid in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r["id"]])


# ---------------------------------------------------------------- matching


def best_match(store: Store, rec: dict[str, Any]) -> Match | None:
    day = _day(rec)
    if day is None:
        return None  # an undated record cannot be placed among dated events
    window = max(WINDOW_DAYS.get(rec.get("time_precision") or 1, 2), WINDOW_DAYS[2])
    types = sorted({SUB_TO_TYPE.get(s, "") for s in compatible_subs(rec["sub_event_type"])})
    sql = ("SELECT id FROM merged_events WHERE event_date BETWEEN ? AND ?"
           f" AND event_type IN ({', '.join('?' * len(types))})")
    params: list[Any] = [day - dt.timedelta(days=window), day + dt.timedelta(days=window),
                         *types]
    if rec.get("country"):
        sql += " AND country = ?"
        params.append(rec["country"])
    candidates = [r["id"] for r in store.query(sql, params)]
    if not candidates:
        return None
    taken = {r["merged_id"] for r in store.query(
        "SELECT merged_id FROM merged_members WHERE document_id = ?", [rec["document_id"]])}
    best: Match | None = None
    for mid in candidates:
        if mid in taken:
            continue
        for other in members(store, mid):
            scored = score(rec, other)
            if scored is not None and scored[0] >= THRESHOLD and \
                    (best is None or scored[0] > best.score):
                best = Match(mid, scored[0], {**scored[1], "matched_record": other["id"]})
    return best


def compatible_subs(sub: str) -> set[str]:
    return {sub} | {s for pair in _COMPATIBLE if sub in pair for s in pair}


def score(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, dict[str, str]] | None:
    """How well two records describe one happening (0..1) and why; None when they cannot."""
    parts = {}
    for name, fn in (("type", type_score), ("date", date_score), ("place", place_score),
                     ("actors", actor_score)):
        result = fn(a, b)
        if result is None:
            return None
        parts[name] = result
    total = sum(WEIGHTS[k] * v[0] for k, v in parts.items())
    return round(total, 3), {k: f"{v[1]} ({v[0]:.2f})" for k, v in parts.items()}


def type_score(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, str] | None:
    sa, sb = a["sub_event_type"], b["sub_event_type"]
    if sa == sb:
        return 1.0, f"same sub-event type, {sa}"
    value = _COMPATIBLE.get(frozenset((sa, sb)))
    return None if value is None else (value, f"compatible types, {sa} / {sb}")


def date_score(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, str] | None:
    da, db = _day(a), _day(b)
    if da is None or db is None:
        return 0.3, "date unknown on one side"
    gap = abs((da - db).days)
    coarse = max(a.get("time_precision") or 1, b.get("time_precision") or 1)
    if gap > WINDOW_DAYS.get(coarse, 2):
        return None
    if coarse > 1:
        return 0.5, f"{gap} day(s) apart, one date only to the {('week', 'month')[coarse > 2]}"
    return {0: 1.0, 1: 0.75}.get(gap, 0.5), ("same day" if gap == 0 else f"{gap} day(s) apart")


def place_score(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, str] | None:
    if a.get("country") and b.get("country") and a["country"] != b["country"]:
        return None
    if a.get("geonameid") is not None and a.get("geonameid") == b.get("geonameid"):
        return 1.0, f"same place, {a.get('location')}"
    if not a.get("location") or not b.get("location"):
        return 0.3, "place unknown on one side"
    if _regional(a) or _regional(b):
        if a.get("admin1") and a.get("admin1") == b.get("admin1"):
            return 0.5, f"same province, {a['admin1']}"
        return None
    km = distance_km(a, b)
    if km is None:
        return (0.4, f"same province, {a['admin1']}") if a.get("admin1") and \
            a.get("admin1") == b.get("admin1") else None
    if km <= ADJACENT_KM:
        return 0.8, f"adjacent places, {a['location']} / {b['location']}, {km:.0f} km"
    if km <= NEARBY_KM:
        return 0.5, f"nearby places, {a['location']} / {b['location']}, {km:.0f} km"
    return None


def actor_score(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, str] | None:
    na, nb = named_actors(a), named_actors(b)
    if not na or not nb:
        return 0.5, "named actors on one side at most"
    shared = {x for x in na if any(_same_actor(x, y) for y in nb)}
    if not shared:
        return None  # each source names its own actors: two different events
    jaccard = len(shared) / len(na | nb)
    return 0.6 + 0.4 * min(1.0, jaccard), "shared actors: " + ", ".join(sorted(shared))


def named_actors(rec: dict[str, Any]) -> set[str]:
    names = [rec.get("actor1"), rec.get("actor2"), *_split(rec.get("assoc_actor_1")),
             *_split(rec.get("assoc_actor_2"))]
    return {n for n in names if n and not n.startswith(GENERIC)}


def _same_actor(x: str, y: str) -> bool:
    """ "Military Forces of Syria (2000-)" and "Military Forces of Syria (2000-) Air Force"
    are one actor for merging: one name is the other's stem plus a unit."""
    bx, by = x.split(" (")[0], y.split(" (")[0]
    return x == y or bx.startswith(by) or by.startswith(bx)


def _regional(rec: dict[str, Any]) -> bool:
    return (rec.get("geo_precision") or 1) >= 3 or rec.get("location") == rec.get("admin1")


def distance_km(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """Great-circle distance (haversine). `places.gazetteer.distance_km` is the same formula,
    but importing `dateline.places` loads the NLP stack, which the store must not need."""
    if None in (a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"],
                                            b["longitude"]))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _day(rec: dict[str, Any]) -> dt.date | None:
    return _as_date(rec.get("event_date")) or _as_date(rec.get("published"))


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _split(value: str | None) -> list[str]:
    return [x for x in (value or "").split("; ") if x]


# ---------------------------------------------------------------- writing


def _add_member(store: Store, match: Match, rec: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO merged_members (record_id, merged_id, document_id, score, reasons)"
        " VALUES (?, ?, ?, ?, ?)",
        [rec["id"], match.merged_id, rec["document_id"], match.score,
         json.dumps(match.reasons, ensure_ascii=False)])


MERGED_COLUMNS = [
    "id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor1_country", "assoc_actor_1", "inter1",
    "actor2", "actor2_country", "assoc_actor_2", "inter2", "country", "admin1", "admin2",
    "location", "geonameid", "latitude", "longitude", "geo_precision", "fatalities",
    "n_sources", "n_records", "sources", "confidence", "notes", "first_reported",
    "last_reported", "created_at",
]


def recompute(store: Store, merged_id: str) -> dict[str, Any]:
    """Rewrite a merged event from all its members (delete + insert keeps both SQLs simple)."""
    row = consensus(members(store, merged_id))
    row["id"] = merged_id
    old = store.query("SELECT created_at FROM merged_events WHERE id = ?", [merged_id])
    row["created_at"] = old[0]["created_at"] if old else dt.datetime.now()
    store.execute("DELETE FROM merged_events WHERE id = ?", [merged_id])
    store.execute(
        f"INSERT INTO merged_events ({', '.join(MERGED_COLUMNS)}, updated_at)"
        f" VALUES ({', '.join('?' * len(MERGED_COLUMNS))}, current_timestamp)",
        [row.get(c) for c in MERGED_COLUMNS])
    return row


def consensus(recs: list[dict[str, Any]]) -> dict[str, Any]:
    """One event's fields from its records: the type, date, place and actors most sources
    agree on (the more specific capture over a clash), and the lowest death toll reported."""
    if not recs:
        raise ValueError("a merged event needs at least one record")
    sub = _pick_sub(recs)
    dated = _pick_date(recs)
    place = min(recs, key=lambda r: (r.get("geo_precision") or 9,
                                     -_votes(recs, "geonameid", r.get("geonameid")),
                                     -(r.get("confidence") or 0)))
    out: dict[str, Any] = {
        "event_type": SUB_TO_TYPE.get(sub, recs[0]["event_type"]),
        "sub_event_type": sub,
        "event_date": _as_date(dated.get("event_date")),
        "time_precision": dated.get("time_precision"),
        **{k: place.get(k) for k in ("country", "admin1", "admin2", "location", "geonameid",
                                     "latitude", "longitude", "geo_precision")},
    }
    out.update(_pick_actors(recs))
    out["fatalities"], toll_note = _fatalities(recs)
    docs = list(dict.fromkeys(r["document_id"] for r in recs))
    published = [d for d in (_as_date(r.get("published")) for r in recs) if d]
    best = max(recs, key=lambda r: r.get("confidence") or 0)
    sources = [r.get("agency") or r.get("outlet") for r in recs]
    out.update({
        "n_sources": len(docs),
        "n_records": len(recs),
        "sources": "; ".join(dict.fromkeys(s for s in sources if s)),
        "confidence": round(min(0.99, 1 - math.prod(1 - (r.get("confidence") or 0)
                                                     for r in recs)), 3),
        "notes": " ".join(x for x in (best.get("sentence"), toll_note) if x),
        "first_reported": min(published) if published else None,
        "last_reported": max(published) if published else None,
    })
    return out


def _votes(recs: list[dict[str, Any]], key: str, value: Any) -> int:
    return sum(1 for r in recs if r.get(key) == value)


def _pick_sub(recs: list[dict[str, Any]]) -> str:
    weight: Counter[str] = Counter()
    for r in recs:
        weight[r["sub_event_type"]] += (r.get("confidence") or 0.5) + \
            (1.0 if r["sub_event_type"] in TERRITORY else 0.0)
    return weight.most_common(1)[0][0]


def _pick_date(recs: list[dict[str, Any]]) -> dict[str, Any]:
    """The date most sources give at the finest precision; ties go to the earliest."""
    dated = [r for r in recs if r.get("event_date") is not None] or recs
    return min(dated, key=lambda r: (r.get("time_precision") or 9,
                                     -_votes(dated, "event_date", r.get("event_date")),
                                     str(r.get("event_date"))))


def _pick_actors(recs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    chosen: set[str] = set()
    for side in ("1", "2"):
        key = f"actor{side}"
        cands = [r for r in recs if r.get(key) and r[key] not in chosen]
        named = [r for r in cands if not r[key].startswith(GENERIC)] or cands
        votes = Counter(r[key] for r in named)
        pick = next((r for r in named if r[key] == votes.most_common(1)[0][0]), None) \
            if named else None
        out[key] = pick[key] if pick else None
        out[f"{key}_country"] = pick.get(f"{key}_country") if pick else None
        out[f"inter{side}"] = pick.get(f"inter{side}") if pick else None
        if pick:
            chosen.add(pick[key])
    for side in ("1", "2"):
        names = dict.fromkeys(n for r in recs for n in _split(r.get(f"assoc_actor_{side}")))
        out[f"assoc_actor_{side}"] = "; ".join(n for n in names if n not in chosen)
    return out


def _fatalities(recs: list[dict[str, Any]]) -> tuple[int, str | None]:
    """ACLED's rule: the most conservative credible figure, the lowest any source reports (a
    source that reports no toll is silent, not a zero)."""
    figures = [int(r["fatalities"]) for r in recs if r.get("fatalities")]
    if not figures:
        return 0, None
    low = min(figures)
    if len(set(figures)) > 1:
        listed = ", ".join(str(f) for f in sorted(set(figures)))
        return low, f"[Fatalities reported: {listed}; the lowest, {low}, is coded.]"
    return low, None


# ---------------------------------------------------------------- explaining


def explain(store: Store, event_id: str) -> dict[str, Any] | None:
    """A merged event (by its id, or the id of any of its records) with every record that
    makes it up and why each joined; None when no such event."""
    rows = store.query("SELECT * FROM merged_events WHERE id = ?", [event_id])
    if not rows:
        found = store.query("SELECT merged_id FROM merged_members WHERE record_id = ?",
                            [event_id])
        if not found:
            return None
        rows = store.query("SELECT * FROM merged_events WHERE id = ?", [found[0]["merged_id"]])
    event = rows[0]
    recs = members(store, event["id"])
    urls = {r["id"]: r["url"] for r in store.query(
        "SELECT d.id, d.url FROM documents d JOIN merged_members m ON m.document_id = d.id"
        " WHERE m.merged_id = ?", [event["id"]])}
    for rec in recs:
        rec["reasons"] = json.loads(rec["reasons"] or "{}")
        rec["evidence"] = json.loads(rec["evidence"] or "null")
        rec["url"] = urls.get(rec["document_id"])
    return {"event": event, "members": recs}
