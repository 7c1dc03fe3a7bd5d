"""The actor dictionaries (`data/actors/*.yaml`), loaded once and compiled to regexes.

Users add groups without touching the package: put YAML files shaped like
`data/actors/groups.yaml` (a top-level `groups:` list; optionally `ethnic_groups:` shaped like
`ethnic.groups` in `generic.yaml`) anywhere, and list the files or folders in the environment
variable `DATELINE_ACTORS` (separated by the OS path separator, `:` on Linux). Their entries are
read before the built-in ones, so they win when an alias is shared. `reload()` re-reads them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .. import countries

ENV_VAR = "DATELINE_ACTORS"
_SEP = r"[\s\-‐–]+"


def fold(text: str) -> str:
    """Accents off, typographic quotes and dashes plain: "Séléka’s" -> "Seleka's"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-",
                                         "–": "-", "—": "-"}))


def is_case_sensitive(alias: str) -> bool:
    """Acronym-like aliases match only as written: "IS", "LeT", "M23" (not "is", "let")."""
    if re.search(r"\s", alias):
        return False
    parts = re.split(r"[-/]", alias)
    return any(sum(c.isupper() for c in p) >= 2 for p in parts) or (
        any(c.isdigit() for c in alias) and any(c.isupper() for c in alias))


def alias_key(text: str, case_sensitive: bool) -> str:
    """What a matched alias is looked up by: separators and apostrophes folded."""
    key = re.sub(r"[\s\-]+", " ", fold(text).replace("'", "")).strip()
    return key if case_sensitive else key.lower()


def alias_pattern(alias: str) -> str:
    parts = [re.escape(p).replace("'", "'?") for p in re.split(r"[\s\-]+", fold(alias)) if p]
    return _SEP.join(parts)


def compile_alternation(words: list[str], flags: int = 0) -> re.Pattern[str] | None:
    """One word-bounded regex for many phrases, longest first so the most specific wins."""
    uniq = sorted({w for w in words if w}, key=len, reverse=True)
    if not uniq:
        return None
    body = "|".join(alias_pattern(w) for w in uniq)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", flags)


@dataclass(frozen=True)
class Group:
    name: str
    country: str | None
    inter: int
    contexts: frozenset[str] = frozenset()
    per_country: bool = False
    by_country: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Ethnic:
    name: str
    country: str | None
    kind: str = "ethnic"  # ethnic | clan | communal


@dataclass(frozen=True)
class GenericRule:
    key: str
    name: str  # with a "{country}" slot
    inter: int
    as_by_type: tuple[tuple[str, str], ...] = ()


@dataclass
class Lexicon:
    groups_ci: dict[str, list[Group]] = field(default_factory=dict)
    groups_cs: dict[str, list[Group]] = field(default_factory=dict)
    group_re_ci: re.Pattern[str] | None = None
    group_re_cs: re.Pattern[str] | None = None
    state_forms: dict[str, str] = field(default_factory=dict)
    the_countries: frozenset[str] = frozenset()
    abroad_inter: int = 8
    state_heads: dict[str, str] = field(default_factory=dict)  # head (lower) -> kind
    needs_country: frozenset[str] = frozenset()
    state_head_re: re.Pattern[str] | None = None
    modifier_gap_re: re.Pattern[str] | None = None
    seat_re: re.Pattern[str] | None = None  # capitals, seats of power, leaders
    leaders: dict[str, str] = field(default_factory=dict)
    rules: dict[str, GenericRule] = field(default_factory=dict)
    generic_heads: dict[str, str] = field(default_factory=dict)  # head (lower) -> rule key
    generic_re: re.Pattern[str] | None = None
    ethnic: dict[str, Ethnic] = field(default_factory=dict)  # alias key (cased) -> group
    ethnic_re: re.Pattern[str] | None = None
    ethnic_forms: dict[str, str] = field(default_factory=dict)
    militia_heads: frozenset[str] = frozenset()
    civilian_when_target: frozenset[str] = frozenset()
    strip_re: re.Pattern[str] | None = None
    patron_re: re.Pattern[str] | None = None
    ally_re: re.Pattern[str] | None = None


# libyaml's loader when PyYAML was built with it: five times faster on groups.yaml.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> dict[str, Any]:
    return yaml.load(text, Loader=_Loader) or {}  # noqa: S506 - a safe loader


def _data(name: str) -> dict[str, Any]:
    path = resources.files("dateline") / "data" / "actors" / name
    return _load_yaml(path.read_text(encoding="utf-8"))


def user_files(value: str | None = None) -> list[Path]:
    """YAML files named by `DATELINE_ACTORS` (files, or folders of *.yaml / *.yml)."""
    value = os.environ.get(ENV_VAR, "") if value is None else value
    files: list[Path] = []
    for item in filter(None, value.split(os.pathsep)):
        path = Path(item).expanduser()
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.is_file():
            files.append(path)
    return files


def _group(raw: dict[str, Any]) -> Group:
    by_country = raw.get("by_country") or {}
    return Group(
        name=str(raw["name"]),
        country=(raw.get("country") or None),
        inter=int(raw["inter"]),
        contexts=frozenset(raw.get("contexts") or ()),
        per_country=bool(raw.get("per_country", False)),
        by_country=tuple(sorted(by_country.items())),
    )


def _name_aliases(name: str) -> list[str]:
    """ "SDF: Syrian Democratic Forces" is also "SDF" and "Syrian Democratic Forces"."""
    out = [name]
    if ": " in name:
        out.extend(p.strip() for p in name.split(": ", 1))
    return out


def _add_groups(lex: Lexicon, entries: list[dict[str, Any]], words: dict[bool, list[str]]) -> None:
    for raw in entries:
        group = _group(raw)
        for alias in [*_name_aliases(group.name), *(raw.get("aliases") or [])]:
            alias = str(alias)
            cs = is_case_sensitive(alias)
            table = lex.groups_cs if cs else lex.groups_ci
            table.setdefault(alias_key(alias, cs), []).append(group)
            words[cs].append(alias)


def _add_ethnic(lex: Lexicon, entries: list[dict[str, Any]], words: list[str]) -> None:
    for raw in entries:
        group = Ethnic(str(raw["name"]), raw.get("country") or None, raw.get("kind", "ethnic"))
        for alias in [group.name, *(raw.get("aliases") or [])]:
            lex.ethnic.setdefault(alias_key(str(alias), True), group)
            words.append(str(alias))


def _prefix_re(words: list[str]) -> re.Pattern[str]:
    body = "|".join(alias_pattern(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"^(?:{body})(?:\s+|$)", re.I)


def _state(lex: Lexicon, state: dict[str, Any]) -> None:
    lex.state_forms = dict(state["forms"])
    lex.the_countries = frozenset(state.get("the_countries") or ())
    lex.abroad_inter = int(state.get("abroad_inter", 8))
    for kind, heads in state["heads"].items():
        for head in heads:
            lex.state_heads.setdefault(alias_key(head, False), kind)
    lex.needs_country = frozenset(alias_key(h, False) for h in state.get("needs_country") or ())
    lex.state_head_re = compile_alternation(list(state["heads"]["military"])
                                            + list(state["heads"]["police"])
                                            + list(state["heads"]["government"]), re.I)
    mods = "|".join(alias_pattern(m.lstrip("-")) for m in
                    sorted(set(state["modifiers"]), key=len, reverse=True))
    # What may separate a country word from its head: "'s", "-led", modifiers.
    lex.modifier_gap_re = re.compile(rf"^(?:'s)?(?:[\s\-]+(?:{mods}))*[\s\-]+$", re.I)
    lex.leaders = {str(k): str(v) for k, v in (state.get("leaders") or {}).items()}
    # Capitals of small territories ("Male", "Victoria", "Hamilton") read as ordinary words.
    seats = [c.capital for c in countries.all_countries()
             if c.capital and countries.population(c.iso2) >= 1_000_000]
    seats += list(countries.SEATS) + list(lex.leaders)
    lex.seat_re = compile_alternation(seats)


def _generic(lex: Lexicon, generic: dict[str, Any]) -> None:
    for key, rule in generic["rules"].items():
        lex.rules[key] = GenericRule(key, rule["name"], int(rule["inter"]),
                                     tuple(sorted((rule.get("as") or {}).items())))
        for head in rule["heads"]:
            lex.generic_heads.setdefault(alias_key(head, False), key)
    lex.generic_re = compile_alternation(
        [h for r in generic["rules"].values() for h in r["heads"]], re.I)
    ethnic = generic["ethnic"]
    lex.ethnic_forms = dict(ethnic["forms"])
    lex.militia_heads = frozenset(alias_key(h, False) for h in ethnic["militia_heads"])
    lex.civilian_when_target = frozenset(alias_key(h, False)
                                         for h in ethnic["civilian_when_target"])
    lex.strip_re = _prefix_re(generic["strip_prefixes"])
    patrons = "|".join(sorted(set(generic["patron_suffixes"]), key=len, reverse=True))
    # "US-backed", "Iran backed", "U.S.-supported": a patron, not the actor.
    lex.patron_re = re.compile(rf"(?<!\w)[\w.]+(?:[\s\-]+[\w.]+)?-(?:{patrons})(?!\w)\s*", re.I)
    allies = "|".join(alias_pattern(m) for m in
                      sorted(set(generic["ally_markers"]), key=len, reverse=True))
    lex.ally_re = re.compile(rf",?\s+(?:{allies})\s+", re.I)


def build(extra: list[Path] | None = None) -> Lexicon:
    """Compile the built-in dictionaries plus `extra` YAML files (which take precedence)."""
    lex = Lexicon()
    words: dict[bool, list[str]] = {True: [], False: []}
    ethnic_words: list[str] = []
    for path in extra or []:
        data = _load_yaml(path.read_text(encoding="utf-8"))
        _add_groups(lex, data.get("groups") or [], words)
        _add_ethnic(lex, data.get("ethnic_groups") or [], ethnic_words)
    _add_groups(lex, _data("groups.yaml")["groups"], words)
    generic = _data("generic.yaml")
    _add_ethnic(lex, generic["ethnic"]["groups"], ethnic_words)
    lex.group_re_ci = compile_alternation(words[False], re.I)
    lex.group_re_cs = compile_alternation(words[True])
    lex.ethnic_re = compile_alternation(ethnic_words)
    _state(lex, _data("state.yaml"))
    _generic(lex, generic)
    return lex


@lru_cache(maxsize=4)
def _cached(env_value: str) -> Lexicon:
    return build(user_files(env_value))


def get() -> Lexicon:
    """The lexicon for the current `DATELINE_ACTORS` value (built once per value)."""
    return _cached(os.environ.get(ENV_VAR, ""))


def reload() -> None:
    """Forget compiled dictionaries, e.g. after editing a user YAML file."""
    from .normalize import read  # its cache holds readings made with the old dictionaries

    _cached.cache_clear()
    read.cache_clear()
