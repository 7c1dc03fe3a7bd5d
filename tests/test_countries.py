"""The country table: names, variants, demonyms, capitals and mentions in running text."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from dateline import countries


def test_table_covers_every_country_with_a_demonym() -> None:
    rows = countries.all_countries()
    assert len(rows) >= 245
    assert all(c.demonyms for c in rows)
    path = resources.files("dateline") / "data" / "countries.csv"
    with path.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["iso2", "name", "variants", "demonyms", "capital"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Syria", "SY"), ("syrian arab republic", "SY"), ("Syrians", "SY"),
        ("US", "US"), ("U.S.", "US"), ("United States of America", "US"), ("Americans", "US"),
        ("UK", "GB"), ("Britain", "GB"), ("Britons", "GB"),
        ("DRC", "CD"), ("DR Congo", "CD"), ("Congo-Kinshasa", "CD"), ("Congolese", "CD"),
        ("Republic of Congo", "CG"), ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"),
        ("Burma", "MM"), ("the Netherlands", "NL"), ("Filipino", "PH"), ("Philippine", "PH"),
        ("Palestinians", "PS"), ("Somali", "SO"), ("Afghans", "AF"), ("Nigerian", "NG"),
        ("Nigerien", "NE"), ("South Sudanese", "SS"), ("Sudanese", "SD"), ("Turkiye", "TR"),
    ],
)
def test_lookup(text: str, iso: str) -> None:
    assert countries.lookup(text) == iso


def test_lookup_rejects_non_countries() -> None:
    assert countries.lookup("Kurdish") is None  # an ethnicity, not a country
    assert countries.lookup("us") is None  # acronyms only in capitals
    assert countries.lookup("Palmyra") is None


def test_acled_names_demonyms_capitals() -> None:
    assert countries.name("CD") == "Democratic Republic of Congo"
    assert countries.name("PS") == "Palestine"
    assert countries.name("US") == "United States"
    assert countries.name("RU") == "Russia"
    assert countries.demonym("SY") == "Syrian"
    assert countries.demonym("GB") == "British"
    assert countries.capital("TR") == "Ankara"


@pytest.mark.parametrize(
    ("text", "iso"),
    [("Moscow", "RU"), ("the Kremlin", "RU"), ("Ankara", "TR"), ("Washington", "US"),
     ("the Pentagon", "US"), ("Kyiv", "UA"), ("Kiev", "UA"), ("Damascus", "SY")],
)
def test_capital_country(text: str, iso: str) -> None:
    assert countries.capital_country(text) == iso


def test_find_all_word_bounded_longest_and_capitalised() -> None:
    text = ("Papua New Guinea and Guinea-Bissau; pro-Russian fighters; Niger not Nigeria; "
            "a turkey dinner; South Sudanese troops; the U.S.-led force")
    found = [(text[s:e], iso) for s, e, iso in countries.find_all(text)]
    assert found == [
        ("Papua New Guinea", "PG"), ("Guinea-Bissau", "GW"), ("Russian", "RU"),
        ("Niger", "NE"), ("Nigeria", "NG"), ("South Sudanese", "SS"), ("U.S.", "US"),
    ]


def test_name_trie_matches_like_a_longest_first_alternation() -> None:
    # The trie regex must find what a plain alternation of every name, longest first, finds:
    # the same spans, with spaces/hyphens and either apostrophe, in any case.
    table = countries._table()
    words = sorted({w for c in table.countries.values() for w in [c.name, *c.variants,
                    *c.demonyms] if not countries._is_acronym(w)}, key=len, reverse=True)
    flat = "|".join(r"[\s\-]+".join(re.escape(p) for p in re.split(r"[\s\-]+", w))
                    .replace("'", "['’]") for w in words)
    plain = re.compile(rf"(?<![\w])(?:{flat})(?![\w])", re.I)
    forms = [f(w) for w in words for f in (str, str.upper, str.lower,
             lambda w: w.replace(" ", " - "), lambda w: w.replace("'", "’") + "s")]
    text = " and ".join(forms) + " Guinea-Bissauan, Papua New Guineans, South Sudanes"
    assert table.regex_ci is not None
    assert [m.span() for m in table.regex_ci.finditer(text)] == \
        [m.span() for m in plain.finditer(text)]


def test_find_all_skips_places_that_only_contain_a_country_word() -> None:
    text = "Migrants from Latin America reached New Jersey across the Indian Ocean, said AFP."
    assert countries.find_all(text) == []


def test_dominant_country() -> None:
    text = ("Syrian troops backed by Russian jets retook the town. Syria's army said the "
            "militants withdrew. Russia's defence ministry and Turkey commented.")
    assert countries.dominant_country(text) == "SY"
    assert countries.dominant_country("No country here.") is None
