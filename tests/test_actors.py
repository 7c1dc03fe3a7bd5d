"""The actors stage: phrases to canonical ACLED actors, per-type conventions and fallbacks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from importlib import resources

import pytest
import yaml

from dateline import countries
from dateline.actors import (
    ENV_VAR,
    ActorsStage,
    actor_kind,
    lexicon,
    normalize,
    normalize_all,
    read,
    reload,
    split_allies,
)
from dateline.records import Document, Event, Span


def _name(text: str, ctx: str | None = None, etype: str | None = None,
          role: str | None = None) -> str | None:
    actor = normalize(text, ctx, etype, role)
    return actor.name if actor else None


# ------------------------------------------------------------------ state forces
@pytest.mark.parametrize(
    ("phrase", "ctx", "etype", "expected"),
    [
        ("Syrian troops", "SY", "Battles", "Military Forces of Syria"),
        ("Russian jets", "SY", "Battles", "Military Forces of Russia"),
        ("air strikes and ground troops from Moscow", "SY", "Battles", "Military Forces of Russia"),
        ("Syrian government forces", "SY", "Battles", "Military Forces of Syria"),
        ("Syria's army", "SY", "Battles", "Military Forces of Syria"),
        ("the armed forces of Ukraine", "UA", "Battles", "Military Forces of Ukraine"),
        ("Israeli forces", "PS", "Battles", "Military Forces of Israel"),
        ("a US drone", "SO", "Explosions/Remote violence", "Military Forces of the United States"),
        ("Turkish warplanes", "IQ", "Air/drone strike", "Military Forces of Turkey"),
        ("the army", "ML", "Battles", "Military Forces of Mali"),
        ("government forces", "SD", "Battles", "Military Forces of Sudan"),
        ("regime forces", "SY", "Battles", "Military Forces of Syria"),
        ("security forces", "NG", "Battles", "Military Forces of Nigeria"),
        ("the military", "MM", "Battles", "Military Forces of Myanmar"),
        ("police", "KE", "Protests", "Police Forces of Kenya"),
        ("riot police", "KE", "Protests", "Police Forces of Kenya"),
        ("security officers", "EG", "Arrests", "Police Forces of Egypt"),
        ("the government", "SY", "Non-violent transfer of territory", "Military Forces of Syria"),
        ("the government", "SY", "Battles", "Military Forces of Syria"),
        ("the government", "SY", "Agreement", "Government of Syria"),
        ("Moscow", "SY", "Battles", "Military Forces of Russia"),
        ("the Kremlin", "SY", "Battles", "Military Forces of Russia"),
        ("Ankara", "SY", "Battles", "Military Forces of Turkey"),
        ("Washington", "IR", "Agreement", "Government of the United States"),
        ("Assad's forces", "SY", "Battles", "Military Forces of Syria"),
        ("the US-led coalition", "SY", "Air/drone strike", "Military Forces of the United States"),
        ("the Saudi-led coalition", "YE", "Air/drone strike", "Military Forces of Saudi Arabia"),
    ],
)
def test_state_forces(phrase: str, ctx: str, etype: str, expected: str) -> None:
    assert _name(phrase, ctx, etype) == expected


def test_state_forces_abroad_are_external() -> None:
    russian = normalize("Russian jets", "SY", "Battles")
    syrian = normalize("Syrian troops", "SY", "Battles")
    assert russian and russian.country == "RU" and russian.inter == 8
    assert syrian and syrian.country == "SY" and syrian.inter == 1


def test_state_head_without_any_country_is_not_named() -> None:
    assert normalize("the army") is None  # no country to name it by
    assert actor_kind("the army") == 1  # but it is state forces


# ----------------------------------------------------------------- named groups
@pytest.mark.parametrize(
    ("phrase", "ctx", "expected"),
    [
        ("the Islamic State in Iraq and Syria (ISIS)", "SY", "Islamic State (Syria)"),
        ("ISIL militants", "IQ", "Islamic State (Iraq)"),
        ("Daesh", "IQ", "Islamic State (Iraq)"),
        ("IS fighters", "SY", "Islamic State (Syria)"),
        ("Islamic State-linked militants", "SY", "Islamic State (Syria)"),
        ("Islamic State West Africa Province", "NG", "Islamic State West Africa Province"),
        ("ISWAP fighters", "NG", "Islamic State West Africa Province"),
        ("fighters of the US-backed Syrian Democratic Forces (SDF)", "SY",
         "SDF: Syrian Democratic Forces"),
        ("suspected Boko Haram militants", "NG",
         "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"),
        ("al-Shabaab fighters", "KE", "Al Shabaab"),
        ("Al Shabab", "SO", "Al Shabaab"),
        ("the Taliban", "AF", "Taliban"),
        ("the Taliban", "PK", "TTP: Tehreek-i-Taliban Pakistan"),
        ("Houthi rebels", "YE", "Ansar Allah"),
        ("the RSF", "SD", "Rapid Support Forces"),
        ("Sudanese Armed Forces", "SD", "Military Forces of Sudan"),
        ("JNIM", "ML", "JNIM: Group for Support of Islam and Muslims"),
        ("M23 rebels", "CD", "M23: March 23 Movement"),
        ("Hezbollah fighters", "LB", "Hezbollah"),
        ("Wagner mercenaries", "ML", "Wagner Group"),
        ("Kurdish fighters", "SY", "SDF: Syrian Democratic Forces"),
        ("Kurdish militants", "TR", "PKK: Kurdistan Workers Party"),
        ("ADF rebels", "CD", "ADF: Allied Democratic Forces"),
        ("ADF", "CM", "Ambazonian Separatists"),
        ("UN peacekeepers", "CD",
         "MONUSCO: United Nations Organization Stabilization Mission in the Democratic "
         "Republic of Congo"),
        ("Séléka fighters", "CF", "Ex-Seleka Militia"),
        ("Kata'ib Hezbollah", "IQ", "Kataib Hezbollah"),
    ],
)
def test_dictionary_aliases(phrase: str, ctx: str, expected: str) -> None:
    assert _name(phrase, ctx, "Battles") == expected


def test_acronym_aliases_need_their_capitals() -> None:
    assert _name("LeT", "IN") == "LeT: Lashkar-e-Taiba"
    assert normalize("let", "IN") is None
    assert normalize("is", "SY") is None


def test_unknown_organisation_is_named_acled_style() -> None:
    actor = normalize("the Coalition for Change (CFC)", "CF", "Battles")
    assert actor and actor.name == "CFC: Coalition for Change" and actor.inter == 3
    assert _name("fighters of the Burundian Liberation Front", "BI") == \
        "Burundian Liberation Front"
    assert normalize("the Syrian Observatory for Human Rights", "SY") is None


# ------------------------------------------------------------------- generic actors
@pytest.mark.parametrize(
    ("phrase", "ctx", "etype", "role", "expected"),
    [
        ("gunmen", "NG", "Violence against civilians", "actor1",
         "Unidentified Armed Group (Nigeria)"),
        ("unidentified assailants", "NG", "Attack", None, "Unidentified Armed Group (Nigeria)"),
        ("a group of armed men", "BF", "Attack", None, "Unidentified Armed Group (Burkina Faso)"),
        ("militants", "PK", "Battles", None, "Unidentified Armed Group (Pakistan)"),
        ("rebels", "CF", "Battles", None, "Unidentified Armed Group (Central African Republic)"),
        ("hundreds of protesters", "KE", "Protests", None, "Protesters (Kenya)"),
        ("demonstrators", "CD", "Peaceful protest", None,
         "Protesters (Democratic Republic of Congo)"),
        ("teachers", "NG", "Protests", None, "Protesters (Nigeria)"),
        ("Nigerian protesters", "GH", "Protests", None, "Protesters (Nigeria)"),
        ("a mob", "IN", "Mob violence", None, "Rioters (India)"),
        ("youths", "KE", "Riots", "actor1", "Rioters (Kenya)"),
        ("residents", "SO", "Violence against civilians", "actor2", "Civilians (Somalia)"),
        ("residents", "IN", "Mob violence", "actor2", "Civilians (India)"),
        ("villagers", "ML", "Attack", "actor2", "Civilians (Mali)"),
        ("aid workers", "SS", "Abduction/forced disappearance", "actor2",
         "Civilians (South Sudan)"),
        ("Afghan civilians", None, "Attack", "actor2", "Civilians (Afghanistan)"),
        ("vigilantes", "NG", "Battles", None, "Vigilante Militia (Nigeria)"),
        ("Fulani herdsmen", "NG", "Attack", "actor1", "Fulani Ethnic Militia (Nigeria)"),
        ("Fulani herders", "NG", "Attack", "actor2", "Civilians (Nigeria)"),
        ("Dogon militiamen", "ML", "Attack", "actor1", "Dogon Ethnic Militia (Mali)"),
        ("Marehan clan militia", "SO", "Battles", None, "Marehan Clan Militia (Somalia)"),
        ("pro-Russian separatists", "UA", "Battles", None, "Unidentified Armed Group (Ukraine)"),
        ("Syrians", "SY", "Battles", None, "Military Forces of Syria"),
    ],
)
def test_generic_actors(phrase: str, ctx: str | None, etype: str, role: str | None,
                        expected: str) -> None:
    assert _name(phrase, ctx, etype, role) == expected


@pytest.mark.parametrize(
    ("phrase", "inter"),
    [("Syrian troops", 1), ("police", 1), ("Boko Haram", 2), ("Hezbollah", 3),
     ("Fulani militia", 4), ("a mob", 5), ("protesters", 6), ("residents", 7),
     ("gunmen", 3), ("Wagner Group", 8), ("UNMISS", 8), ("the table", None), ("Palmyra", None)],
)
def test_actor_kind(phrase: str, inter: int | None) -> None:
    assert actor_kind(phrase) == inter


def test_split_allies_and_coordination() -> None:
    assert split_allies("Syrian troops backed by Russian jets") == (
        "Syrian troops", ["Russian jets"])
    got = [a.name for a, _ in normalize_all("Syrian and Russian forces", "SY", "Battles")]
    assert got == ["Military Forces of Syria", "Military Forces of Russia"]
    got = [a.name for a, _ in normalize_all("Syrian troops and Hezbollah fighters backed by "
                                            "Iranian advisers", "SY", "Battles")]
    assert got == ["Military Forces of Syria", "Hezbollah", "Military Forces of Iran"]
    # Not every part is specific: one actor, not "the army of Syria" and Russia's.
    got = [a.name for a, _ in normalize_all("air strikes and ground troops from Moscow", "SY",
                                            "Battles")]
    assert got == ["Military Forces of Russia"]


def test_normalize_is_fast() -> None:
    phrases = ["Syrian troops", "suspected Boko Haram militants", "unidentified gunmen",
               "hundreds of protesters", "the Islamic State in Iraq and Syria (ISIS)"]
    read.cache_clear()
    started = time.perf_counter()
    for i in range(200):
        for p in phrases:
            normalize(f"{p} {i}", "NG", "Battles")  # defeat the memo
    assert (time.perf_counter() - started) / 1000 < 0.005


# --------------------------------------------------------------------- the stage
def _event(text: str, sentence: str, sub: str, etype: str, **roles: str) -> Event:
    start = text.index(sentence)
    sent = Span(start=start, end=start + len(sentence), text=sentence)
    spans = {}
    for role, phrase in roles.items():
        s = text.index(phrase, start)
        spans[role] = [Span(start=s, end=s + len(phrase), text=phrase, confidence=0.8)]
    return Event(event_type=etype, sub_event_type=sub, sentence=sent, trigger=sent,
                 roles=spans)


def _doc(text: str, *events: Event) -> Document:
    return Document(id="t", text=text, events=list(events),
                    body=[Span(start=0, end=len(text), text=text)])


def test_stage_codes_roles_allies_and_evidence() -> None:
    text = ("Syrian troops backed by Russian jets retook Palmyra from the Islamic State in "
            "Iraq and Syria (ISIS), the Syrian army said.")
    event = _event(text, text, "Government regains territory", "Battles",
                   actor1="Syrian troops backed by Russian jets",
                   actor2="the Islamic State in Iraq and Syria (ISIS)")
    doc = ActorsStage()(_doc(text, event))
    ev = doc.events[0]
    assert ev.actor1 and ev.actor1.name == "Military Forces of Syria"
    assert ev.actor1.country == "SY" and ev.actor1.inter == 1
    assert [a.name for a in ev.assoc_actor_1] == ["Military Forces of Russia"]
    assert ev.actor2 and ev.actor2.name == "Islamic State (Syria)"
    evidence = ev.evidence["actor1"]
    assert text[evidence.start:evidence.end] == "Syrian troops backed by Russian jets"
    assert 0.5 < evidence.confidence <= 0.8  # dictionary/state hit, scaled by the span's own


def test_stage_context_country_from_the_sentence() -> None:
    text = ("Fighting in Mali continued. In Niger, gunmen killed five villagers near the "
            "border with Mali. Mali's army said Mali was calm. Mali, Mali.")
    sentence = "In Niger, gunmen killed five villagers near the border with Mali."
    event = _event(text, sentence, "Attack", "Violence against civilians",
                   actor1="gunmen", actor2="villagers")
    ev = ActorsStage()(_doc(text, event)).events[0]
    assert countries.dominant_country(text) == "ML"
    assert ev.actor1 and ev.actor1.name == "Unidentified Armed Group (Niger)"
    assert ev.actor2 and ev.actor2.name == "Civilians (Niger)"


def test_stage_context_ignores_brokers_and_actor_nationalities() -> None:
    text = ("Clashes shook Somalia again. Somali officials said Somalia's army held the town. "
            "Rebels agreed to hand the villages to the government in a deal brokered by "
            "Kenya to avoid a conflict with Ethiopia.")
    sentence = ("Rebels agreed to hand the villages to the government in a deal brokered by "
                "Kenya to avoid a conflict with Ethiopia.")
    event = _event(text, sentence, "Non-violent transfer of territory",
                   "Strategic developments", actor1="Rebels", actor2="the government")
    ev = ActorsStage()(_doc(text, event)).events[0]
    assert ev.actor2 and ev.actor2.name == "Military Forces of Somalia"
    assert ev.actor1 and ev.actor1.name == "Unidentified Armed Group (Somalia)"


@pytest.mark.parametrize(
    ("etype", "sub", "actor1", "actor2"),
    [
        ("Protests", "Peaceful protest", "Protesters (Kenya)", None),
        ("Riots", "Violent demonstration", "Rioters (Kenya)", None),
        ("Violence against civilians", "Attack", "Unidentified Armed Group (Kenya)",
         "Civilians (Kenya)"),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED",
         "Unidentified Armed Group (Kenya)", None),
        ("Battles", "Armed clash", None, None),
    ],
)
def test_stage_fallbacks_by_event_type(etype: str, sub: str, actor1: str | None,
                                       actor2: str | None) -> None:
    text = "Something happened in Nairobi, Kenya on Monday."
    event = _event(text, text, sub, etype)
    ev = ActorsStage()(_doc(text, event)).events[0]
    assert (ev.actor1.name if ev.actor1 else None) == actor1
    assert (ev.actor2.name if ev.actor2 else None) == actor2
    if actor1:
        assert ev.evidence["actor1"].confidence < 0.5  # a convention, not read from the text
        assert ev.actor1 and ev.actor1.country == "KE"


def test_stage_protest_conventions_put_the_police_second() -> None:
    text = "In Kenya, police fired tear gas at hundreds of protesters in Nairobi."
    event = _event(text, text, "Protest with intervention", "Protests",
                   actor1="police", actor2="hundreds of protesters")
    ev = ActorsStage()(_doc(text, event)).events[0]
    assert ev.actor1 and ev.actor1.name == "Protesters (Kenya)"
    assert ev.actor2 and ev.actor2.name == "Police Forces of Kenya"


def test_stage_drops_duplicate_roles() -> None:
    text = "Syrian troops and the Syrian army clashed with Syrian forces in Syria."
    event = _event(text, text, "Armed clash", "Battles", actor1="Syrian troops",
                   assoc1="the Syrian army", actor2="Syrian forces")
    ev = ActorsStage()(_doc(text, event)).events[0]
    assert ev.actor1 and ev.actor1.name == "Military Forces of Syria"
    assert ev.actor2 is None and ev.assoc_actor_1 == []
    assert any("dropped" in n for n in ev.notes)


# ------------------------------------------------------------------------ the data
def test_group_dictionary_is_wide_and_valid() -> None:
    path = resources.files("dateline") / "data" / "actors" / "groups.yaml"
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    assert len({g["name"] for g in groups}) >= 150
    known = {c.iso2 for c in countries.all_countries()}
    for g in groups:
        assert g["inter"] in {1, 2, 3, 4, 8}, g["name"]
        assert not g["country"] or g["country"] in known, g["name"]
        assert all(c in known for c in g.get("contexts", [])), g["name"]


@pytest.fixture
def user_actors(tmp_path, monkeypatch) -> Iterator[None]:
    extra = tmp_path / "my_actors"
    extra.mkdir()
    (extra / "local.yaml").write_text(
        "groups:\n"
        "  - {name: 'XYZ: Example Liberation Front', country: NG, inter: 2,\n"
        "     aliases: [Example Front fighters, XYZ]}\n"
        "  - {name: Renamed Shabaab, country: SO, inter: 2, aliases: [al-Shabaab]}\n",
        encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(extra))
    reload()
    read.cache_clear()
    yield
    monkeypatch.delenv(ENV_VAR)
    reload()
    read.cache_clear()


def test_users_add_actors_with_a_yaml_file(user_actors: None) -> None:
    actor = normalize("suspected XYZ militants", "NG", "Battles")
    assert actor and actor.name == "XYZ: Example Liberation Front"
    assert actor.inter == 2 and actor.country == "NG"
    assert _name("Example Liberation Front", "NG") == "XYZ: Example Liberation Front"
    assert _name("al-Shabaab fighters", "SO") == "Renamed Shabaab"  # user entries win
    assert lexicon.user_files()  # the folder was read


def test_without_user_files_the_builtin_dictionary_applies() -> None:
    assert _name("al-Shabaab fighters", "SO") == "Al Shabaab"
    assert normalize("suspected XYZ militants", "NG", "Battles").name == \
        "Unidentified Armed Group (Nigeria)"
