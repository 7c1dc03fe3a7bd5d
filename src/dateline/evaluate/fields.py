"""Comparing one engine event with one gold event: normalisers, distances, field scores."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from ..records import SUB_TO_TYPE

EARTH_RADIUS_KM = 6371.0088
MAX_KM = 20039.0  # half the Earth's circumference: the largest possible error

# Gold keys that are informative or steer the scoring: never scored.
INFORMATIVE = {
    "location", "required", "date_tolerance_days", "notes", "note", "id", "evidence",
    "sentence", "comment",
}
# Not scored one by one: latitude/longitude are scored together as the `location` block.
NOT_FIELDS = INFORMATIVE | {"latitude", "longitude"}

_DATE_RANGE = re.compile(r"\(\s*\d{4}\s*-\s*(\d{4})?\s*\)\s*$")
_NON_WORD = re.compile(r"[\W_]+")
# Words GeoNames and ACLED add to or drop from first-level division names.
_ADMIN_WORDS = {
    "governorate", "province", "state", "region", "oblast", "department", "district",
    "prefecture", "county", "division", "territory", "muhafazat", "wilayah", "wilayat",
    "of", "the",
}


def fold(text: str) -> str:
    """Lower-case, accents off, punctuation to single spaces: 'Ḩalab' -> 'halab'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def norm_actor(name: str) -> str:
    """'Military Forces of the Syria (2000-)' -> 'military forces of syria'. The article is
    dropped too: sources write both 'of United States' and 'of the United States'."""
    return " ".join(w for w in fold(_DATE_RANGE.sub("", name.strip())).split() if w != "the")


def norm_admin(name: str) -> str:
    """'Homs Governorate' -> 'homs'; the suffix words vary between sources."""
    words = [w for w in fold(name).split() if w not in _ADMIN_WORDS]
    return " ".join(words) or fold(name)


def as_names(value: Any) -> list[str]:
    """Gold lists accepted names; engines give one. Either way: a list of strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)] if str(value).strip() else []


def parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def coords(obj: dict) -> tuple[float, float] | None:
    lat, lon = obj.get("latitude"), obj.get("longitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        return float(lat), float(lon)
    return None


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance; four lines of trigonometry do not justify a dependency."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return min(2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h))), MAX_KM)


def gold_type(event: dict) -> str | None:
    """The gold event type, or the one its sub-event type implies."""
    return event.get("event_type") or SUB_TO_TYPE.get(event.get("sub_event_type") or "")


def tolerance(event: dict, default: int) -> int:
    value = event.get("date_tolerance_days")
    return int(value) if isinstance(value, int) else default


# --- field scorers: (gold value, engine value, gold event) -> (hits, n) ----------------------

FieldScore = tuple[int, int]


def _actor(gold: Any, pred: Any, _: dict) -> FieldScore:
    accepted = {norm_actor(n) for n in as_names(gold)}
    given = {norm_actor(n) for n in as_names(pred)}
    if not accepted:  # gold says "no such actor": right when the engine gives none
        return int(not given), 1
    return int(bool(accepted & given)), 1


def _assoc(gold: Any, pred: Any, _: dict) -> FieldScore:
    """Recall over gold associated actors; each inner list is one actor's accepted names."""
    given = {norm_actor(n) for n in as_names(pred)}
    actors = [as_names(a) for a in gold or []]
    found = sum(1 for names in actors if given & {norm_actor(n) for n in names})
    return found, len(actors)


def _admin(gold: Any, pred: Any, _: dict) -> FieldScore:
    accepted = {norm_admin(n) for n in as_names(gold)}
    given = {norm_admin(n) for n in as_names(pred)}
    return int(bool(accepted & given)), 1


def _code(gold: Any, pred: Any, _: dict) -> FieldScore:
    return int(str(gold).strip().upper() == str(pred or "").strip().upper()), 1


def _exact(gold: Any, pred: Any, _: dict) -> FieldScore:
    if isinstance(gold, str):
        return int(fold(gold) == fold(str(pred or ""))), 1
    return int(gold == pred), 1


def _int(gold: Any, pred: Any, _: dict) -> FieldScore:
    try:
        return int(int(gold) == int(pred)), 1
    except (TypeError, ValueError):
        return 0, 1


def _fatalities(gold: Any, pred: Any, event: dict) -> FieldScore:
    # ACLED codes "no deaths reported" as 0, so an engine that leaves the key out says 0.
    return _int(gold, 0 if pred is None else pred, event)


def make_date_scorer(default_tolerance: int) -> Callable[[Any, Any, dict], FieldScore]:
    def _date(gold: Any, pred: Any, event: dict) -> FieldScore:
        g, p = parse_date(gold), parse_date(pred)
        if g is None or p is None:
            return 0, 1
        return int(abs((g - p).days) <= tolerance(event, default_tolerance)), 1

    return _date


FIELD_SCORERS: dict[str, Callable[[Any, Any, dict], FieldScore]] = {
    "actor1": _actor,
    "actor2": _actor,
    "assoc_actor_1": _assoc,
    "assoc_actor_2": _assoc,
    "actor1_country": _code,
    "actor2_country": _code,
    "country": _code,
    "admin1": _admin,
    "admin2": _admin,
    "geonameid": _int,
    "fatalities": _fatalities,
}


def scorer_for(key: str, default_tolerance: int) -> Callable[[Any, Any, dict], FieldScore]:
    if key == "event_date":
        return make_date_scorer(default_tolerance)
    return FIELD_SCORERS.get(key, _exact)


# --- matching weight --------------------------------------------------------------------------

REQUIRED_BONUS = 100.0  # a match with a required gold event beats any gain in match quality


def pair_weight(gold: dict, pred: dict, default_tolerance: int) -> float:
    """How well an engine event fits a gold event; 0 when they cannot be the same event."""
    expected = gold_type(gold)
    if expected and pred.get("event_type") != expected:
        return 0.0
    weight = 1.0
    if gold.get("sub_event_type") and gold["sub_event_type"] == pred.get("sub_event_type"):
        weight += 1.0
    g_date, p_date = parse_date(gold.get("event_date")), parse_date(pred.get("event_date"))
    if g_date and p_date:
        over = abs((g_date - p_date).days) - tolerance(gold, default_tolerance)
        weight += 1.0 if over <= 0 else 0.5 / (1 + over)
    g_xy, p_xy = coords(gold), coords(pred)
    if g_xy and p_xy:
        weight += 1.0 / (1.0 + haversine_km(g_xy, p_xy) / 25.0)
    if gold.get("required", True):
        weight += REQUIRED_BONUS
    return weight
