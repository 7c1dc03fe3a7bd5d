"""Noun phrase -> canonical ACLED actor, by dictionary and head-word rules (no spaCy).

The events stage calls `normalize` and `actor_kind` while it decides sub-event types, so
everything here is string and regex work on the precompiled `lexicon`, memoised per phrase.

Reading order for one phrase:
1. clean it: fold accents, drop determiners, quantities and hedges ("hundreds of",
   "suspected"), patrons ("US-backed"), and what follows an ally marker ("backed by ...");
2. the earliest *specific* mention wins: a dictionary group ("Houthi rebels" -> Ansar Allah)
   or a state head with its country ("Syrian troops", "troops from Moscow", "the army");
3. otherwise a country alone (a metonym: "Moscow", "the Kremlin", "Turkey"), an ethnic
   militia ("Fulani herdsmen"), a generic head ("gunmen", "protesters", "residents"), or an
   unknown organisation read from its proper name ("Coalition for Change (CFC)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import countries
from ..records import SUB_TO_TYPE, Actor
from . import lexicon
from .lexicon import Group, Lexicon, alias_key, fold

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
TERRITORIAL_SUBS = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                              "Non-violent transfer of territory"})
TARGET_ROLES = frozenset({"actor2", "assoc2"})

# Confidence of each way of reading a phrase (how often the reading is right, roughly).
CONF = {"group": 0.9, "group_context": 0.8, "state": 0.85, "state_context": 0.7,
        "metonym": 0.7, "ethnic": 0.75, "generic": 0.6, "proper_name": 0.45}

_ORG_WORD = re.compile(
    r"\b(?:Army|Front|Movement|Forces?|Brigades?|Battalions?|Militias?|Legion|Group|"
    r"Organi[sz]ation|Alliance|Council|Coalition|Resistance|Guards?|Corps|Union|Party|"
    r"Mujahideen|Jihad|Tigers|Defen[cs]e)\b")
_REBEL_WORDS = re.compile(r"\b(?:Liberation|Revolutionary|Front|Army|Movement|Resistance)\b")
# A run of capitalised words, with the small words names carry ("Front for the Liberation").
_CAP_RUN = (r"[A-Z][\w'.-]*(?:\s+(?:(?:of|for|the|and|de|al|el|du|des|la|in|du)\s+)*"
            r"[A-Z0-9][\w'.-]*)+")
_WITH_ACRONYM = re.compile(rf"({_CAP_RUN})\s*\(([A-Z][A-Za-z0-9-]{{1,9}})\)")
_ACRONYM_FIRST = re.compile(rf"([A-Z][A-Z0-9-]{{1,9}})\s*\(({_CAP_RUN})\)")
_NAME_RUN = re.compile(_CAP_RUN)


@dataclass(frozen=True)
class Reading:
    """A phrase read as an actor. `name` is None for a state actor whose country is unknown."""

    name: str | None
    country: str | None
    inter: int
    how: str  # a CONF key
    start: int = 0

    @property
    def confidence(self) -> float:
        return CONF[self.how]


# ---------------------------------------------------------------------------------- helpers
def split_type(event_type: str | None) -> tuple[str | None, str | None]:
    """Accept an event type or a sub-event type; return (event type, sub-event type)."""
    if event_type in SUB_TO_TYPE:
        return SUB_TO_TYPE[event_type], event_type
    return event_type, None


def _is_violent(etype: str | None, sub: str | None) -> bool:
    return etype in VIOLENT_TYPES or sub in TERRITORIAL_SUBS


def clean(text: str, lex: Lexicon | None = None) -> str:
    """The core of an actor phrase: "fighters of the US-backed SDF" -> "SDF"."""
    lex = lex or lexicon.get()
    assert lex.strip_re and lex.patron_re and lex.ally_re
    text = fold(text).replace('"', " ")
    text = lex.ally_re.split(text, maxsplit=1)[0]
    text = lex.patron_re.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:-")
    text = re.sub(r"\b(?:pro|anti)-(\S+)\s*", _drop_pro_country, text)
    previous = None
    while previous != text:  # prefixes stack: "the suspected", "hundreds of"
        previous = text
        text = lex.strip_re.sub("", text).strip()
        text = re.sub(r"^(?:at least |some )?\d[\d,]*\s+", "", text)
    return re.sub(r"'s$", "", text).strip()


def _drop_pro_country(m: re.Match[str]) -> str:
    """ "pro-Russian separatists" are not Russian forces; "anti-Balaka" keeps its name."""
    word = m.group(1)
    if countries.lookup(word) or word.lower() in {"government", "regime", "junta"}:
        return ""
    return m.group(0)


def split_allies(text: str) -> tuple[str, list[str]]:
    """ "Syrian troops backed by Russian jets" -> ("Syrian troops", ["Russian jets"])."""
    lex = lexicon.get()
    assert lex.ally_re
    parts = lex.ally_re.split(fold(text))
    return parts[0], [p for p in parts[1:] if p.strip()]


def _country_label(iso: str | None) -> str | None:
    return countries.name(iso) if iso else None


def _with_country(template: str, iso: str | None) -> str:
    """ "Protesters ({country})" -> "Protesters (Nigeria)", or "Protesters" when unknown."""
    if iso is None:
        return template.replace(" ({country})", "").replace("{country}", "").strip()
    return template.format(country=countries.name(iso))


def state_name(kind: str, iso: str | None, lex: Lexicon | None = None) -> str | None:
    """ "Military Forces of Syria"; None without a country."""
    lex = lex or lexicon.get()
    if iso is None:
        return None
    label = countries.name(iso)
    if iso in lex.the_countries:
        label = f"the {label}"
    return lex.state_forms[kind].format(country=label)


# ------------------------------------------------------------------------ country mentions
@dataclass(frozen=True)
class _Ref:
    start: int
    end: int
    iso: str
    kind: str  # name | demonym | seat


def _country_refs(text: str, lex: Lexicon) -> list[_Ref]:
    refs = [_Ref(s, e, iso, "demonym" if countries.is_demonym(text[s:e]) else "name")
            for s, e, iso in countries.find_all(text)]
    assert lex.seat_re is not None
    for m in lex.seat_re.finditer(text):
        word = m.group(0)
        iso = lex.leaders.get(word) or countries.capital_country(word)
        if iso and not any(r.start < m.end() and m.start() < r.end for r in refs):
            refs.append(_Ref(m.start(), m.end(), iso, "seat"))
    return sorted(refs, key=lambda r: r.start)


# ------------------------------------------------------------------------------- readings
def _pick_group(entries: list[Group], ctx: str | None) -> tuple[Group, bool] | None:
    """Entries sharing an alias: one for this country first, else one valid everywhere."""
    for g in entries:
        if g.contexts and ctx in g.contexts:
            return g, True
    for g in entries:
        if not g.contexts:
            return g, False
    return None


def _group_reading(group: Group, in_context: bool, ctx: str | None, start: int) -> Reading:
    name, country = group.name, group.country
    if group.per_country and ctx:
        by_country = dict(group.by_country)
        name = by_country.get(ctx) or f"{group.name} ({countries.name(ctx)})"
        country = ctx
    how = "group_context" if in_context else "group"
    return Reading(name, country or ctx if group.per_country else country, group.inter, how,
                   start)


def group_hits(text: str, ctx: str | None, lex: Lexicon) -> list[tuple[int, int, Reading]]:
    hits: list[tuple[int, int, Reading]] = []
    for regex, table, cs in ((lex.group_re_cs, lex.groups_cs, True),
                             (lex.group_re_ci, lex.groups_ci, False)):
        if regex is None:
            continue
        for m in regex.finditer(text):
            picked = _pick_group(table.get(alias_key(m.group(0), cs), []), ctx)
            if picked and not any(s < m.end() and m.start() < e for s, e, _ in hits):
                hits.append((m.start(), m.end(), _group_reading(*picked, ctx, m.start())))
    return sorted(hits, key=lambda h: h[0])


def _state_kind(head_kind: str, etype: str | None, sub: str | None) -> str:
    """ "the government" fights as the army, faces protests as the police."""
    if head_kind != "government":
        return head_kind
    if _is_violent(etype, sub):
        return "military"
    if etype in {"Protests", "Riots"}:
        return "police"
    return "government"


def _state_hits(text: str, refs: list[_Ref], blocked: list[tuple[int, int]], ctx: str | None,
                etype: str | None, sub: str | None, lex: Lexicon) -> list[Reading]:
    assert lex.state_head_re and lex.modifier_gap_re
    found: list[tuple[int, int, str, _Ref | None, str]] = []
    for m in lex.state_head_re.finditer(text):
        if any(s <= m.start() < e for s, e in blocked):
            continue
        head = alias_key(m.group(0), False)
        kind = _state_kind(lex.state_heads[head], etype, sub)
        ref = _ref_before(text, m.start(), refs, lex) or _ref_after(text, m.end(), refs)
        found.append((m.start(), m.end(), kind, ref, head))
    found = _share_country(text, found, lex)
    readings = []
    for start, _end, kind, ref, head in found:
        if ref is None and head in lex.needs_country:
            continue
        iso = ref.iso if ref else ctx
        how = "state" if ref else "state_context"
        readings.append(Reading(state_name(kind, iso, lex), iso, 1, how,
                                min(start, ref.start if ref else start)))
    return readings


def _ref_before(text: str, head_start: int, refs: list[_Ref], lex: Lexicon) -> _Ref | None:
    assert lex.modifier_gap_re
    for ref in reversed(refs):
        if ref.end <= head_start and lex.modifier_gap_re.match(text[ref.end:head_start]):
            return ref
    return None


def _ref_after(text: str, head_end: int, refs: list[_Ref]) -> _Ref | None:
    for ref in refs:
        if ref.start >= head_end and re.fullmatch(r"\s+(?:of|from)\s+(?:the\s+)?",
                                                  text[head_end:ref.start]):
            return ref
    return None


def _share_country(text: str, found: list[tuple[int, int, str, _Ref | None, str]],
                   lex: Lexicon) -> list[tuple[int, int, str, _Ref | None, str]]:
    """ "air strikes and ground troops from Moscow": coordinated heads share one country."""
    assert lex.modifier_gap_re
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        start, end, kind, ref, head = out[i]
        nxt = out[i + 1]
        gap = text[end:min(nxt[0], nxt[3].start if nxt[3] else nxt[0])]
        if ref is None and nxt[3] is not None and re.fullmatch(
                r"\s*(?:,|and|or|&)(?:[\s\-]+\w+)*?\s+", gap):
            out[i] = (start, end, kind, nxt[3], head)
    return out


def _metonym(refs: list[_Ref], etype: str | None, sub: str | None, role: str | None,
             lex: Lexicon) -> Reading | None:
    """A country standing for its state: "Moscow", "the Kremlin", "Turkey", "Syrians"."""
    ref = refs[0]
    if ref.kind == "demonym":  # "Syrians drive ISIS out"; "Afghans protest"
        if etype in {"Battles", "Explosions/Remote violence", "Strategic developments"}:
            return Reading(state_name("military", ref.iso, lex), ref.iso, 1, "metonym",
                           ref.start)
        return _generic_reading("civilians", ref.iso, etype, lex, ref.start, role)
    kind = "military" if _is_violent(etype, sub) else "government"
    return Reading(state_name(kind, ref.iso, lex), ref.iso, 1, "metonym", ref.start)


def _generic_reading(key: str, iso: str | None, etype: str | None, lex: Lexicon,
                     start: int = 0, role: str | None = None) -> Reading:
    rule = lex.rules[key]
    # Residents at a protest are protesters; the victims of a riot stay civilians.
    target_of_riot = role in TARGET_ROLES and etype == "Riots"
    other = None if target_of_riot else dict(rule.as_by_type).get(etype or "")
    if other:
        rule = lex.rules[other]
    return Reading(_with_country(rule.name, iso), iso, rule.inter, "generic", start)


def _heads(text: str, lex: Lexicon) -> list[tuple[int, str]]:
    assert lex.generic_re
    return [(m.start(), alias_key(m.group(0), False)) for m in lex.generic_re.finditer(text)]


def _ethnic(text: str, heads: list[tuple[int, str]], ctx: str | None, etype: str | None,
            role: str | None, lex: Lexicon) -> Reading | None:
    assert lex.ethnic_re
    m = lex.ethnic_re.search(text)
    if not m:
        return None
    group = lex.ethnic[alias_key(m.group(0), True)]
    iso = ctx or group.country
    after = [h for s, h in heads if s >= m.end()]
    head = after[0] if after else None
    target = role in TARGET_ROLES and etype == "Violence against civilians"
    militia = head in lex.militia_heads if head else role not in TARGET_ROLES
    if militia and not (target and head in lex.civilian_when_target):
        name = lex.ethnic_forms[group.kind].format(name=group.name, country=_country_label(iso))
        return Reading(name, iso, 4, "ethnic", m.start())
    return _generic_reading(lex.generic_heads.get(head or "", "civilians"), iso, etype, lex,
                            m.start(), role)


def _proper_name(text: str, ctx: str | None) -> Reading | None:
    """An organisation the dictionary lacks, named ACLED-style: "CFC: Coalition for Change".

    Taken only with an acronym in brackets, or when the capitalised name has an organisation
    word ("... Liberation Front"), so that places and people are not read as groups."""
    m = _WITH_ACRONYM.search(text)
    if m:
        full, acronym = m.group(1), m.group(2)
    elif m := _ACRONYM_FIRST.search(text):
        acronym, full = m.group(1), m.group(2)
    else:
        m = next((r for r in _NAME_RUN.finditer(text) if _ORG_WORD.search(r.group(0))), None)
        if m is None:
            return None
        full, acronym = m.group(0), None
    name = f"{acronym}: {full.strip()}" if acronym else full.strip()
    inter = 2 if _REBEL_WORDS.search(full) else 3
    return Reading(name, ctx, inter, "proper_name", m.start())


# --------------------------------------------------------------------------------- public
@lru_cache(maxsize=20000)
def read(text: str, context_country: str | None = None, event_type: str | None = None,
         role: str | None = None) -> Reading | None:
    """Read one actor phrase (memoised). See `normalize` for the arguments."""
    lex = lexicon.get()
    etype, sub = split_type(event_type)
    core = clean(text, lex)
    if not core:
        return None
    ctx = context_country
    groups = group_hits(core, ctx, lex)
    blocked = [(s, e) for s, e, _ in groups]
    refs = [r for r in _country_refs(core, lex)
            if not any(s <= r.start < e for s, e in blocked)]
    specific = [r for _, _, r in groups] + _state_hits(core, refs, blocked, ctx, etype, sub, lex)
    if specific:
        # Earliest mention is the actor; on a tie the dictionary beats a head-word rule.
        return min(specific, key=lambda r: (r.start, r.how not in ("group", "group_context")))
    heads = _heads(core, lex)
    reading = _ethnic(core, heads, ctx, etype, role, lex) or _proper_name(core, ctx)
    if reading:
        return reading
    if heads:
        start, head = heads[0]
        iso = refs[0].iso if refs else ctx
        return _generic_reading(lex.generic_heads[head], iso, etype, lex, start, role)
    if len(refs) == 1 and not re.sub(r"^'s|^s'", "", core[refs[0].end:]).strip():
        # The phrase is only a country word: "Moscow", "the Kremlin", "Turkey", "Syrians".
        return _metonym(refs, etype, sub, role, lex)
    return None


def normalize(text: str, context_country: str | None = None, event_type: str | None = None,
              role: str | None = None) -> Actor | None:
    """The canonical ACLED actor a phrase names, or None.

    `context_country`: ISO2 of the event's country, used by phrases that do not name one
    ("the army", "gunmen") and by per-country names ("Islamic State (Syria)").
    `event_type`: an ACLED event type or sub-event type; it decides "the government"
    (army in fighting, police at protests) and "residents" (protesters at a protest).
    `role`: actor1/actor2/assoc1/assoc2, when known ("Fulani herders" as victims are civilians).
    """
    reading = read(text, context_country, event_type, role)
    if reading is None or reading.name is None:
        return None
    return Actor(name=reading.name, country=reading.country, inter=_inter(reading,
                                                                         context_country))


def _inter(reading: Reading, ctx: str | None) -> int:
    """State forces fighting outside their own country are ACLED's external forces (8)."""
    if reading.inter == 1 and ctx and reading.country and reading.country != ctx:
        return lexicon.get().abroad_inter
    return reading.inter


def actor_kind(text: str) -> int | None:
    """ACLED inter code of a phrase (1 state ... 8 external), None when it names no actor."""
    reading = read(text)
    return reading.inter if reading else None


def normalize_all(text: str, context_country: str | None = None, event_type: str | None = None,
                  role: str | None = None) -> list[tuple[Actor, float]]:
    """Every actor a phrase names, main one first: "Syrian and Russian forces backed by
    Hezbollah" -> Syria's army, Russia's army, Hezbollah (with a confidence each)."""
    main, allies = split_allies(text)
    out: list[tuple[Actor, float]] = []
    for part in [*_coordinated(main, context_country, event_type, role), *allies]:
        reading = read(part, context_country, event_type, role)
        if reading is None or reading.name is None:
            continue
        actor = Actor(name=reading.name, country=reading.country,
                      inter=_inter(reading, context_country))
        if all(actor.name != a.name for a, _ in out):
            out.append((actor, reading.confidence))
    return out


def _coordinated(text: str, ctx: str | None, event_type: str | None,
                 role: str | None) -> list[str]:
    """Split "Syrian troops and Hezbollah fighters" into its actors, but only when every part
    is specific on its own; "Syrian and Russian forces" lends "forces" to "Syrian"."""
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text) if p.strip()]
    if len(parts) < 2:
        return [text]
    last_refs = countries.find_all(parts[-1])
    if last_refs and last_refs[0][0] == 0:
        rest = parts[-1][last_refs[0][1]:]
        parts = [p + rest if countries.lookup(p) else p for p in parts]
    readings = [read(p, ctx, event_type, role) for p in parts]
    if all(r is not None and r.how in ("group", "group_context", "state") for r in readings):
        return parts
    return [text]


