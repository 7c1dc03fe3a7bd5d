"""The ingest stage's data files (`src/dateline/data/ingest/*.yaml`), loaded and compiled once.

Kept as YAML so that users can add an agency spelling or a boilerplate line without touching
code; everything here only turns those files into ready-to-use regexes and lookups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ingest"

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_ORD = r"(?:st|nd|rd|th)?"
# A full calendar date (day, month and year): the forms news sites and print lines use.
DATE = (
    rf"(?:{MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}"
    rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d{4}/\d{1,2}/\d{1,2})"
)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    max_words: int


def _fill(pattern: str) -> str:
    # str.format would trip over the regex braces, so substitute the placeholders by name.
    return pattern.replace("{DATE}", DATE).replace("{MONTH}", MONTH).replace("{WEEKDAY}", WEEKDAY)


@lru_cache(maxsize=1)
def _boilerplate_yaml() -> dict:
    return yaml.safe_load((DATA_DIR / "boilerplate.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[Rule, ...]:
    rules = []
    for item in _boilerplate_yaml()["rules"]:
        flags = 0 if item.get("case_sensitive") else re.IGNORECASE
        rules.append(Rule(item["name"], re.compile(_fill(item["pattern"]), flags),
                          int(item.get("max_words", 20))))
    return tuple(rules)


@lru_cache(maxsize=1)
def published_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r["name"], re.compile(_fill(r["pattern"]), re.IGNORECASE))
                 for r in _boilerplate_yaml()["published"])


@lru_cache(maxsize=1)
def outlet_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_fill(p)) for p in _boilerplate_yaml()["outlet"])


@lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    return frozenset(str(w).upper() for w in _boilerplate_yaml()["not_places"])


def norm_name(name: str) -> str:
    """Compare agency names ignoring case, spacing and punctuation ("Agence France-Presse")."""
    return re.sub(r"[\W_]+", "", name.casefold())


@lru_cache(maxsize=1)
def agency_aliases() -> dict[str, str]:
    """Normalised alias -> canonical agency name."""
    data = yaml.safe_load((DATA_DIR / "agencies.yaml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for canonical, aliases in data.items():
        for alias in [canonical, *aliases]:
            out.setdefault(norm_name(str(alias)), str(canonical))
    return out


def agency_of(name: str) -> str | None:
    """The canonical agency for a credited name, or None when it is not a known agency."""
    return agency_aliases().get(norm_name(name))
