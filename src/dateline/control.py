"""Territorial control: who held a place from when, read from territory-change events.

The evidence is the merged events of three sub-event types: "Government regains territory" and
"Non-state actor overtakes territory" (the new holder is actor 1), and "Non-violent transfer of
territory" (actor 1 takes over; but when the report is a withdrawal or a handover, actor 1 is the
side leaving, so the new holder is actor 2, or unknown when no one is named). Consecutive events
that give the same holder extend one period; a period ends when the next holder's begins.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from .merge import _same_actor

if TYPE_CHECKING:
    from .store import Store

CONTROL_TYPES = ("Government regains territory", "Non-state actor overtakes territory",
                 "Non-violent transfer of territory")
_LEAVING = re.compile(r"\b(?:withdr(?:ew|awn|awal|aws|aw)|pull(?:ed|s|ing)? out|pull-?out|"
                      r"retreat(?:ed|s|ing)?|evacuat\w+|hand(?:ed|s|ing)? over|handover|"
                      r"ced(?:e|ed|es|ing)|abandon(?:ed|s|ing)?)\b", re.I)


def timeline(store: Store, place: str, country: str | None = None) -> list[dict[str, Any]]:
    """Periods of control of a place (a name, matched without case, or a GeoNames id), oldest
    first; each: holder, holder_country, from_date, to_date (None: still held as far as the
    evidence goes), event_ids, sub_event_type, location, geonameid, notes."""
    events = control_events(store, place, country)
    periods: list[dict[str, Any]] = []
    by_place: dict[Any, dict[str, Any]] = {}  # the open period of each place with this name
    for ev in events:
        holder, holder_country, note = new_holder(ev)
        key = ev["geonameid"] if ev["geonameid"] is not None else ev["location"]
        current = by_place.get(key)
        if current is not None and _same_holder(current["holder"], holder):
            current["event_ids"].append(ev["id"])
            current["notes"] += [note] if note else []
            continue
        if current is not None:
            current["to_date"] = ev["event_date"]
        period = {"holder": holder, "holder_country": holder_country,
                  "from_date": ev["event_date"], "to_date": None, "event_ids": [ev["id"]],
                  "sub_event_type": ev["sub_event_type"], "location": ev["location"],
                  "geonameid": ev["geonameid"], "notes": [note] if note else []}
        periods.append(period)
        by_place[key] = period
    return periods


def control_events(store: Store, place: str, country: str | None = None
                   ) -> list[dict[str, Any]]:
    types = ", ".join("?" * len(CONTROL_TYPES))
    sql = ("SELECT id, event_date, sub_event_type, actor1, actor1_country, actor2,"
           " actor2_country, location, geonameid, country, notes FROM merged_events"
           f" WHERE sub_event_type IN ({types})")
    params: list[Any] = list(CONTROL_TYPES)
    if place.strip().isdigit():
        sql += " AND geonameid = ?"
        params.append(int(place))
    else:
        sql += " AND lower(location) = ?"
        params.append(place.strip().lower())
    if country:
        sql += " AND country = ?"
        params.append(country.upper())
    rows = store.query(sql + " ORDER BY event_date, id", params)
    return [r for r in rows if r["event_date"] is not None]


def new_holder(ev: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Who holds the place after this event, with a note when it is not simply actor 1."""
    if ev["sub_event_type"] != "Non-violent transfer of territory" or \
            not _LEAVING.search(ev.get("notes") or ""):
        return ev["actor1"], ev["actor1_country"], None
    leaving = ev["actor1"] or "an unnamed force"
    if ev["actor2"]:
        return ev["actor2"], ev["actor2_country"], f"handed over by {leaving}"
    return None, None, f"{leaving} withdrew; the new holder is not named"


def _same_holder(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return _same_actor(a, b)


def as_text(periods: list[dict[str, Any]]) -> list[str]:
    """One line per period, for the terminal."""
    lines = []
    for p in periods:
        until = _iso(p["to_date"]) or "latest report"
        lines.append(f"{_iso(p['from_date'])} → {until}: {p['holder'] or 'unknown'}"
                     f" ({len(p['event_ids'])} event(s))")
    return lines


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
