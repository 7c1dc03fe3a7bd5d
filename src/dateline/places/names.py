"""Name keys for gazetteer look-ups: one normal form, and a looser "skeleton" for Arabic names.

Hand-written because no installed library folds the spelling variation of romanised Arabic
("Raqqa", "Raqa", "Ar-Raqqah") into one key; the rules are generic, never per place.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʿ": "'", "ʾ": "'", "´": "'"})
_DASHES = re.compile(r"[-‐‑–—_/]+")
_ABBREV = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}
_ABBREV_RE = re.compile(r"\b(st|ste|ft|mt|pt)\.?(?=\s)")
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .,()-]+$")


@lru_cache(maxsize=1)
def features() -> dict:
    """The tunables in data/places/features.yaml."""
    text = resources.files("dateline").joinpath("data/places/features.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Cached: the recogniser looks up the same few thousand names (and their loose keys) in
# every article, and each fold costs a Unicode normalisation and several regexes.
@lru_cache(maxsize=20_000)
def norm(name: str) -> str:
    """Lower-case, accent-free, one space between words; "St." == "Saint", "-" == " "."""
    key = strip_accents(name).translate(_QUOTES).lower()
    key = _DASHES.sub(" ", key)
    key = _ABBREV_RE.sub(lambda m: _ABBREV[m.group(1)], key + " ")
    return " ".join(key.replace(".", "").split())


def is_latin(name: str) -> bool:
    """Latin-script and written like a name (capitalised), so not "tdmr" or "ba er mi la"."""
    return bool(_LATIN.match(name)) and name[:1].isupper()


@lru_cache(maxsize=1)
def _article_re() -> re.Pattern[str]:
    articles = "|".join(features()["arabic_articles"])
    return re.compile(rf"(?:^|(?<= ))(?:{articles}) (?=\w)")


@lru_cache(maxsize=20_000)
def skeleton(name: str) -> str:
    """A loose key under which spellings of one Arabic name meet: no article, no apostrophes,
    no doubled letters, no final -h, "ou" -> "u", "ee" -> "i"."""
    key = norm(name).replace("'", "")
    key = _article_re().sub("", key)
    key = key.replace("ou", "u").replace("ee", "i").replace("oo", "u")
    key = re.sub(r"(\w)\1+", r"\1", key)
    key = re.sub(r"(?<=[aeiou])h\b", "", key)
    return " ".join(key.split())


def somali(name: str) -> str:
    """Somali official spelling to its common English one: "x" is the Arabic h, long vowels are
    doubled and "dh" is often plain "d" in English copy (Xarardheere = Harardhere)."""
    key = norm(name).replace("x", "h").replace("dh", "d")
    return re.sub(r"([aeiou])\1", r"\1", key)


def loose_keys(name: str) -> set[str]:
    """Every loose key of a name: the Arabic skeleton, also of its Somali-folded spelling."""
    return {k for k in (skeleton(name), skeleton(somali(name))) if k}
