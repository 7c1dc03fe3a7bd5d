"""Read-side queries behind `dateline serve`: filtered pages of merged events, one event with
its sources and evidence, documents, places and counts over time.

Every function takes a `Store` and builds SQL with `?` placeholders only, in the subset of SQL
that DuckDB and PostgreSQL share, so the same code serves both backends. User input never
reaches the SQL text: filters become parameters, and the few identifiers that vary (the time
bucket) come from fixed lists.

Pages of events are keyset-paginated on (event_date DESC, id DESC): the cursor is the last
row's key, so page 1,000 costs what page 1 costs and rows added meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Store

SUMMARY_COLUMNS = [
    "id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "fatalities", "n_sources", "confidence",
]
DETAIL_COLUMNS = [
    *SUMMARY_COLUMNS, "geonameid", "inter1", "inter2", "actor1_country", "actor2_country",
    "n_records", "sources AS source_names", "notes", "first_reported", "last_reported",
]
RECORD_COLUMNS = [
    "id", "document_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
    "location", "fatalities", "confidence", "sentence", "evidence",
]
DOCUMENT_COLUMNS = ["id", "url", "title", "published", "outlet", "agency", "dateline",
                    "n_events"]
INTERVALS = ("day", "week", "month", "year")


class QueryError(ValueError):
    """A filter or cursor that cannot be used (the API answers 422 with its message)."""


@dataclass
class EventFilter:
    """What a user can filter merged events by; empty fields do not filter."""

    start: dt.date | None = None
    end: dt.date | None = None
    countries: list[str] = field(default_factory=list)  # ISO 3166 alpha-2
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # substring of any actor, case-insensitive
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    text: str | None = None  # substring of the notes, location or actors

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition (always valid after WHERE) and its parameters."""
        conds: list[str] = []
        params: list[Any] = []
        if self.start:
            conds.append("event_date >= ?")
            params.append(self.start)
        if self.end:
            conds.append("event_date <= ?")
            params.append(self.end)
        if self.countries:
            conds.append(f"country IN ({', '.join('?' * len(self.countries))})")
            params.extend(self.countries)
        for col in ("event_type", "sub_event_type"):
            if getattr(self, col):
                conds.append(f"{col} = ?")
                params.append(getattr(self, col))
        if self.admin1:
            conds.append("lower(admin1) = lower(?)")
            params.append(self.admin1)
        if self.actor:
            cols = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
            conds.append(_any_like(cols))
            params.extend([_like(self.actor)] * len(cols))
        if self.text:
            cols = ("notes", "location", "admin1", "actor1", "actor2")
            conds.append(_any_like(cols))
            params.extend([_like(self.text)] * len(cols))
        if self.bbox:
            west, south, east, north = self.bbox
            conds.append("latitude BETWEEN ? AND ?")
            params.extend([south, north])
            if west <= east:
                conds.append("longitude BETWEEN ? AND ?")
                params.extend([west, east])
            else:  # a box across the antimeridian
                conds.append("(longitude >= ? OR longitude <= ?)")
                params.extend([west, east])
        return (" AND ".join(conds) or "TRUE"), params


def _like(value: str) -> str:
    """A LIKE pattern matching `value` anywhere, its own % _ \\ taken literally."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _any_like(cols: Sequence[str]) -> str:
    return "(" + " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in cols) + ")"


# ---- cursors -------------------------------------------------------------------------------

def encode_cursor(row: dict[str, Any]) -> str:
    day = row["event_date"]
    raw = json.dumps([day.isoformat() if day else None, row["id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.date | None, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        day, key = json.loads(raw)
        if not isinstance(key, str):
            raise TypeError(key)
        return (dt.date.fromisoformat(day) if day else None), key
    except (ValueError, TypeError) as exc:
        raise QueryError(f"invalid cursor {cursor[:40]!r}: pass back the next_cursor of a "
                         "page unchanged") from exc


def _after(cursor: str | None) -> tuple[str, list[Any]]:
    """Rows after the cursor in (event_date DESC NULLS LAST, id DESC) order."""
    if not cursor:
        return "TRUE", []
    day, key = decode_cursor(cursor)
    if day is None:
        return "(event_date IS NULL AND id < ?)", [key]
    return ("(event_date < ? OR (event_date = ? AND id < ?) OR event_date IS NULL)",
            [day, day, key])


# ---- events --------------------------------------------------------------------------------

def events_page(store: Store, flt: EventFilter, limit: int = 50, cursor: str | None = None
                ) -> dict[str, Any]:
    """One page of merged events, newest first, and the cursor of the next page (or None)."""
    where, params = flt.where()
    after, after_params = _after(cursor)
    rows: list[dict[str, Any]] = []
    for window, window_params in _windows(store, flt, cursor, rows, limit + 1):
        rows += store.query(
            f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM merged_events"
            f" WHERE {where} AND {after} AND {window}"
            " ORDER BY event_date DESC NULLS LAST, id DESC LIMIT ?",
            [*params, *after_params, *window_params, limit + 1 - len(rows)])
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_clean(r) for r in rows],
            "next_cursor": encode_cursor(rows[-1]) if more else None}


FIRST_WINDOW_DAYS = 7


def _windows(store: Store, flt: EventFilter, cursor: str | None, found: list[Any],
             wanted: int) -> Iterator[tuple[str, list[Any]]]:
    """Date ranges to search, newest first, each longer than the last; the final one is
    open-ended and holds the undated events. `found` is the caller's list of rows so far: the
    next window is sized from how many rows per day the last one gave.

    Why: an embedded column store has no ordered index to stop a newest-first scan early, so
    "the latest 50 of a million" would read every row. Searched window by window, a page is
    usually filled from the newest week or month, and the store skips the rest of the table by
    its per-block date ranges (DuckDB's zone maps). A rare filter costs a few more queries,
    about one full scan in all. The rows are exactly those one query over all dates gives.
    """
    day = decode_cursor(cursor)[0] if cursor else None
    bounds = [d for d in (day, flt.end) if d is not None] or \
        [d for d in (_newest(store),) if d is not None]
    if (cursor and day is None) or not bounds:  # among the undated events, or none dated
        yield "TRUE", []
        return
    upper, span = min(bounds), FIRST_WINDOW_DAYS
    first = True
    for _ in range(5):
        if span >= (upper - dt.date(1, 1, 1)).days:
            break
        lower = upper - dt.timedelta(days=span)
        if flt.start is not None and lower < flt.start:
            break
        before = len(found)
        if first:
            yield "event_date > ?", [lower]
        else:
            yield "(event_date > ? AND event_date <= ?)", [lower, upper]
        got, need = len(found) - before, wanted - len(found)
        # Enough days for the rows still needed at the rate just seen, with a margin.
        growth = 16 if got == 0 else min(64, max(2, -(-3 * need // (2 * got))))
        upper, span, first = lower, span * growth, False
    yield ("TRUE", []) if first else ("(event_date <= ? OR event_date IS NULL)", [upper])


def _newest(store: Store) -> dt.date | None:
    return _as_date(store.query("SELECT max(event_date) AS d FROM merged_events")[0]["d"])


def event_detail(store: Store, event_id: str) -> dict[str, Any] | None:
    """A merged event, each record that reports it with its document, and the evidence of
    every field located in the reporting sentence (offsets relative to the sentence)."""
    rows = store.query(f"SELECT {', '.join(DETAIL_COLUMNS)} FROM merged_events WHERE id = ?",
                       [event_id])
    if not rows:
        return None
    event = _clean(rows[0])
    # Three look-ups by key rather than one join: a join would hash the whole documents table.
    members = store.query("SELECT record_id, document_id, score, reasons FROM merged_members"
                          " WHERE merged_id = ?", [event_id])
    records = _by_id(store, "events", RECORD_COLUMNS, [m["record_id"] for m in members])
    docs = _by_id(store, "documents", ["id", "title", "url", "outlet", "agency", "published",
                                       "text"], [m["document_id"] for m in members])
    sources = []
    for m in members:
        rec, doc = records.get(m["record_id"]), docs.get(m["document_id"], {})
        if rec is None:
            continue
        doc = {k: v for k, v in doc.items() if k != "id"}
        sources.append({**rec, **doc, "score": m["score"], "reasons": m["reasons"]})
    sources.sort(key=lambda r: (r["published"] is None, r["published"] or dt.date.min,
                                r["document_id"], r["id"]))
    event["sources"] = [_source(r) for r in sources]
    return event


def _by_id(store: Store, table: str, columns: list[str], keys: list[str]
           ) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    rows = store.query(f"SELECT {', '.join(columns)} FROM {table} WHERE id IN"
                       f" ({', '.join('?' * len(keys))})", keys)
    return {r["id"]: r for r in rows}


def _source(row: dict[str, Any]) -> dict[str, Any]:
    text = row.pop("text") or ""
    evidence = _json(row.pop("evidence")) or {}
    sentence = row.pop("sentence") or ""
    start = _locate(text, sentence, evidence)
    spans = []
    for name, span in sorted(evidence.items(), key=lambda kv: (kv[1] or {}).get("start", 0)):
        if not span or span.get("start", -1) < 0:
            continue
        inside = start is not None and start <= span["start"] and \
            span["end"] <= start + len(sentence)
        spans.append({"field": name, "text": span.get("text"), "start": span["start"],
                      "end": span["end"], "in_sentence": inside,
                      "confidence": span.get("confidence")})
    out = _clean(row)
    out["reasons"] = _json(row.get("reasons"))
    out["sentence"] = {"text": sentence, "start": start,
                       "highlights": [_relative(s, start) for s in spans if s["in_sentence"]]}
    out["evidence"] = spans
    return out


def _locate(text: str, sentence: str, evidence: dict[str, Any]) -> int | None:
    """Where the reporting sentence starts in the document. Records keep its text only, so it
    is found again; of several copies, the one holding the evidence wins."""
    if not sentence:
        return None
    starts = [s["start"] for s in evidence.values() if s and s.get("start", -1) >= 0]
    found = []
    pos = text.find(sentence)
    while pos >= 0:
        if any(pos <= s < pos + len(sentence) for s in starts):
            return pos
        found.append(pos)
        pos = text.find(sentence, pos + 1)
    return found[0] if found else None


def _relative(span: dict[str, Any], start: int | None) -> dict[str, Any]:
    base = start or 0
    return {"field": span["field"], "start": span["start"] - base, "end": span["end"] - base,
            "text": span["text"]}


def timeline_counts(store: Store, flt: EventFilter, interval: str = "auto"
                    ) -> dict[str, Any]:
    """Events and fatalities per time bucket and event type, for the page's timeline."""
    where, params = flt.where()
    if interval == "auto":
        interval = _auto_interval(store, where, params)
    if interval not in INTERVALS:
        raise QueryError(f"interval {interval!r}: choose auto, {', '.join(INTERVALS)}")
    rows = store.query(
        f"SELECT date_trunc('{interval}', event_date) AS period, event_type,"
        " count(*) AS events, sum(fatalities) AS fatalities FROM merged_events"
        f" WHERE {where} AND event_date IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", params)
    buckets = [{"period": _day(r["period"]), "event_type": r["event_type"],
                "events": int(r["events"]), "fatalities": int(r["fatalities"] or 0)}
               for r in rows]
    return {"interval": interval, "buckets": buckets,
            "total": sum(b["events"] for b in buckets)}


def _auto_interval(store: Store, where: str, params: list[Any]) -> str:
    """About 20 to 400 bars, whatever the span of the filtered events."""
    row = store.query(f"SELECT min(event_date) AS lo, max(event_date) AS hi FROM merged_events"
                      f" WHERE {where}", params)[0]
    if row["lo"] is None:
        return "month"
    days = (_as_date(row["hi"]) - _as_date(row["lo"])).days
    return "day" if days <= 120 else "week" if days <= 730 else "month" if days <= 9000 \
        else "year"


def map_points(store: Store, flt: EventFilter, limit: int = 2000) -> dict[str, Any]:
    """Points for the map: every located event when they are few, else counts per cell of a
    grid (0.5 degrees) so a million events still draw quickly."""
    where, params = flt.where()
    where += " AND latitude IS NOT NULL AND longitude IS NOT NULL"
    rows = store.query(
        "SELECT id, latitude, longitude, event_type, fatalities FROM merged_events"
        f" WHERE {where} ORDER BY event_date DESC NULLS LAST, id DESC LIMIT ?",
        [*params, limit + 1])
    if len(rows) <= limit:
        return {"mode": "points", "points": [
            [r["id"], r["latitude"], r["longitude"], r["event_type"], r["fatalities"]]
            for r in rows]}
    cells = store.query(
        "SELECT round(latitude * 2) / 2 AS lat, round(longitude * 2) / 2 AS lon,"
        " count(*) AS events, sum(fatalities) AS fatalities FROM merged_events"
        f" WHERE {where} GROUP BY 1, 2 ORDER BY 3 DESC LIMIT ?", [*params, limit])
    return {"mode": "cells", "cell_degrees": 0.5, "cells": [
        [float(c["lat"]), float(c["lon"]), int(c["events"]), int(c["fatalities"] or 0)]
        for c in cells]}


# ---- documents and places ------------------------------------------------------------------

def documents_page(store: Store, text: str | None = None, limit: int = 50,
                   cursor: str | None = None) -> dict[str, Any]:
    """Stored documents by id, optionally those whose title or url contains `text`."""
    conds, params = ["TRUE"], []
    if text:
        conds.append(_any_like(("title", "url", "id")))
        params.extend([_like(text)] * 3)
    if cursor:
        conds.append("id > ?")
        params.append(cursor)
    rows = store.query(
        f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE {' AND '.join(conds)}"
        " ORDER BY id LIMIT ?", [*params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_clean(r) for r in rows], "next_cursor": rows[-1]["id"] if more else None}


def document_detail(store: Store, doc_id: str) -> dict[str, Any] | None:
    """A document's text, its records (with the merged event each joined) and its places."""
    rows = store.query(f"SELECT {', '.join(DOCUMENT_COLUMNS)}, published_source, text, errors"
                       " FROM documents WHERE id = ?", [doc_id])
    if not rows:
        return None
    doc = _clean(rows[0])
    doc["errors"] = _json(doc.get("errors")) or []
    cols = ", ".join(f"r.{c} AS {c}" for c in RECORD_COLUMNS if c != "evidence")
    records = store.query(
        f"SELECT {cols}, m.merged_id AS merged_id FROM events r"
        " LEFT JOIN merged_members m ON m.record_id = r.id WHERE r.document_id = ?"
        " ORDER BY r.id", [doc_id])
    doc["records"] = [_clean(r) for r in records]
    doc["places"] = [_clean(p) for p in store.query(
        "SELECT idx, start_char, end_char, name, geonameid, resolved_name, latitude,"
        " longitude, country, admin1, feature, role FROM places WHERE document_id = ?"
        " ORDER BY idx", [doc_id])]
    return doc


def places(store: Store, text: str | None = None, country: str | None = None,
           limit: int = 50) -> list[dict[str, Any]]:
    """Places where merged events happened, most events first."""
    conds, params = ["location IS NOT NULL"], []
    if text:
        conds.append("location ILIKE ? ESCAPE '\\'")
        params.append(_like(text))
    if country:
        conds.append("country = ?")
        params.append(country)
    rows = store.query(
        "SELECT location, admin1, country, geonameid, min(latitude) AS latitude,"
        " min(longitude) AS longitude, count(*) AS events, max(event_date) AS last_event"
        f" FROM merged_events WHERE {' AND '.join(conds)}"
        " GROUP BY location, admin1, country, geonameid ORDER BY events DESC, location"
        " LIMIT ?", [*params, limit])
    return [_clean(r) for r in rows]


# ---- helpers -------------------------------------------------------------------------------

def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: dates as ISO strings, joined actor lists as lists."""
    out = {}
    for key, value in row.items():
        if isinstance(value, dt.date):
            value = _day(value)
        elif key in ("assoc_actor_1", "assoc_actor_2"):
            value = [a for a in (value or "").split("; ") if a]
        out[key] = value
    return out


def _day(value: Any) -> str | None:
    if value is None:
        return None
    return _as_date(value).isoformat()


def _as_date(value: Any) -> dt.date:
    """PostgreSQL's date_trunc gives timestamps, DuckDB's gives dates."""
    return value.date() if isinstance(value, dt.datetime) else value


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None
