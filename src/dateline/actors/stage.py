"""The actors stage: turns the raw role spans the events stage found into ACLED actors."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .. import countries
from ..records import Actor, Document, Event
from . import lexicon
from .lexicon import fold
from .normalize import clean, group_hits, normalize_all, split_type, state_name

ROLE_FIELDS = {"actor1": "actor1", "actor2": "actor2", "assoc1": "assoc_actor_1",
               "assoc2": "assoc_actor_2"}
FALLBACK_CONFIDENCE = 0.3
ANAPHORA_CONFIDENCE = 0.5
_UAG = "armed"
_NON_STATE = (2, 3, 4)


class ActorsStage:
    """Sets `actor1`, `actor2`, the associated actors and their evidence on every event."""

    name = "actors"

    def __init__(self) -> None:
        self.lex = lexicon.get()  # compiled once, here, not per document

    def __call__(self, doc: Document) -> Document:
        dominant = countries.dominant_country(doc.body_text) if doc.events else None
        for event in doc.events:
            # The places stage has run: the event's own country names generic actors
            # ("Civilians (Somalia)"); the text's clues only when no place was found.
            ctx = event.country or context_country(event, dominant)
            code_event(event, ctx, doc.text)
        return doc


# "in Niger", "across northern Nigeria": a country named as the place of the event.
_LOCATIVE = re.compile(
    r"\b(?:in|inside|across|throughout|within|into)\s+(?:the\s+)?"
    r"(?:(?:far\s+)?(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?eastern|north-?western|south-?eastern|south-?western)\s+)?$", re.I)


def context_country(event: Event, dominant: str | None) -> str | None:
    """The event's country: the one its sentence places it in, else the article's.

    A name after "in" ("In Niger, gunmen ...") or with a possessive ("Syria's north") is
    strong evidence; other names ("a deal brokered by Russia") and demonyms are weak, and words
    inside the actor phrases count least: "Israeli forces" says whose forces, not where. The
    article's dominant country weighs in as the usual answer."""
    text = event.sentence.text
    offset = event.sentence.start
    in_roles = [(s.start - offset, s.end - offset) for spans in event.roles.values()
                for s in spans]
    scores: Counter[str] = Counter()
    for start, end, iso in countries.find_all(text):
        if any(a <= start < b for a, b in in_roles):
            scores[iso] += 0.25
        elif countries.is_demonym(text[start:end]):
            scores[iso] += 0.75
        elif _LOCATIVE.search(text[max(0, start - 40):start]) or text[end:end + 2] == "'s":
            scores[iso] += 3.0
        else:
            scores[iso] += 1.0
    if dominant:
        scores[dominant] += 1.5
    return scores.most_common(1)[0][0] if scores else None


_HANDOVER = re.compile(r"\b(?:cede|ceded|ceding|hand(?:ed|ing)? over|handover|withdraw\w*|"
                       r"pull(?:ed)? out|villages?|towns?|territory|positions)\b", re.I)


def code_event(event: Event, ctx: str | None, doc_text: str = "") -> Event:
    """Fill the event's actors from `event.roles`, then apply ACLED's per-type conventions."""
    etype, _ = split_type(event.sub_event_type or event.event_type)
    etype = etype or event.event_type
    sides: dict[str, list[Actor]] = {k: [] for k in ROLE_FIELDS}
    hint = event.sub_event_type
    if hint == "Agreement" and _HANDOVER.search(event.sentence.text):
        # A deal to hand over places is territorial: "the government" there is its forces.
        hint = "Non-violent transfer of territory"
    for role in ROLE_FIELDS:
        for span in event.roles.get(role, []):
            found = normalize_all(span.text, ctx, hint, role)
            if found and _is_anaphor(span.text, found[0][0], ctx):
                found[0] = _antecedent(doc_text, event, ctx) or found[0]
            for i, (actor, conf) in enumerate(found):
                actor.span = span.model_copy(update={"confidence": round(conf *
                                                                         span.confidence, 3)})
                # Allies named inside an actor's phrase join that side's associates.
                target = role if i == 0 else ("assoc1" if role in ("actor1", "assoc1")
                                              else "assoc2")
                sides[target].append(actor)
    actor1, assoc1 = _first(sides["actor1"], sides["assoc1"])
    actor2, assoc2 = _first(sides["actor2"], sides["assoc2"])
    actor1, actor2, assoc1 = _conventions(etype, actor1, actor2, assoc1, event)
    actor1, actor2 = _fallbacks(etype, event.sub_event_type, actor1, actor2, ctx, event)
    actor1, actor2 = _sub_type_fallbacks(actor1, actor2, ctx, event, doc_text)
    if actor2 and actor1 and actor2.name == actor1.name:
        event.notes.append(f"actors: dropped actor2 {actor2.name!r}, same as actor1")
        actor2 = None
    seen = {a.name for a in (actor1, actor2) if a}
    event.actor1, event.actor2 = actor1, actor2
    event.assoc_actor_1 = _unique(assoc1, seen)
    event.assoc_actor_2 = _unique(assoc2, seen | {a.name for a in event.assoc_actor_1})
    _evidence(event)
    return event


def _is_anaphor(text: str, actor: Actor, ctx: str | None) -> bool:
    """ "the militants", "the jihadists": a definite generic armed phrase refers back."""
    rule = lexicon.get().rules[_UAG]
    generic = rule.name.format(country=countries.name(ctx)) if ctx else None
    return actor.name == generic and bool(re.match(r"\s*the\s", text, re.I)) and \
        len(clean(text).split()) == 1


def _antecedent(doc_text: str, event: Event, ctx: str | None) -> tuple[Actor, float] | None:
    """The non-state armed group the article names most up to this sentence: what "the
    militants" means to a reader (ties go to the latest mention)."""
    if not doc_text:
        return None
    counts: Counter[str] = Counter()
    last: dict[str, tuple[int, Actor]] = {}
    for start, end, reading in _story_groups(doc_text, ctx):
        if end > event.sentence.end:
            break
        if reading.inter in _NON_STATE and reading.name:
            counts[reading.name] += 1
            last[reading.name] = (start, Actor(name=reading.name, country=reading.country,
                                               inter=reading.inter))
    if not counts:
        return None
    best = max(counts, key=lambda n: (counts[n], last[n][0]))
    event.notes.append(f"actors: read a generic armed phrase as {best!r}, named earlier")
    return last[best][1], ANAPHORA_CONFIDENCE


@lru_cache(maxsize=8)
def _story_groups(doc_text: str, ctx: str | None) -> list:
    """Every group the story names, in order: read once per document, not once per event.
    (Folding keeps offsets for the Latin script the dictionaries hold.)"""
    return sorted(group_hits(fold(doc_text), ctx, lexicon.get()), key=lambda h: h[0])


def _first(main: list[Actor], assoc: list[Actor]) -> tuple[Actor | None, list[Actor]]:
    """The first actor of a role is the actor; the others fight beside it."""
    if not main:
        return None, assoc
    return main[0], main[1:] + assoc


def _unique(actors: list[Actor], seen: set[str]) -> list[Actor]:
    out: list[Actor] = []
    for actor in actors:
        if actor.name not in seen:
            seen.add(actor.name)
            out.append(actor)
    return out


def _conventions(etype: str | None, actor1: Actor | None, actor2: Actor | None,
                 assoc1: list[Actor], event: Event
                 ) -> tuple[Actor | None, Actor | None, list[Actor]]:
    """ACLED's fixed slots: protesters/rioters are actor 1 of their events, civilians are
    actor 2 of violence against them; a force that intervenes is actor 2."""
    crowd = {"Protests": 6, "Riots": 5}.get(etype or "")
    if crowd and actor1 and actor1.inter != crowd:
        if actor1.inter in (1, 8) and (actor2 is None or actor2.inter == crowd):
            event.notes.append("actors: the intervening force is actor2 at a protest/riot")
            actor1, actor2 = actor2, actor1
        elif actor1.inter in (2, 3, 4):  # a party or group behind the crowd: associated
            event.notes.append(f"actors: {actor1.name!r} associated with the crowd")
            assoc1 = [actor1, *assoc1]
            actor1 = None
    if event.sub_event_type == "Excessive force against protesters" and actor2 \
            and actor2.inter in (1, 8):
        # The force that fired on a peaceful protest initiates the event (ACLED's order).
        event.notes.append("actors: the force is actor1 of excessive force against protesters")
        actor1, actor2 = actor2, actor1
    if etype == "Violence against civilians" and actor1 and actor1.inter == 7 and (
            actor2 is None or actor2.inter != 7):
        event.notes.append("actors: civilians are actor2 of violence against civilians")
        actor1, actor2 = actor2, actor1
    return actor1, actor2, assoc1


def _fallbacks(etype: str | None, sub: str | None, actor1: Actor | None, actor2: Actor | None,
               ctx: str | None, event: Event) -> tuple[Actor | None, Actor | None]:
    """Who ACLED codes when the text names no one."""
    wanted1 = {"Protests": "protesters", "Riots": "rioters", "Violence against civilians": _UAG,
               "Explosions/Remote violence": _UAG}.get(etype or "")
    if actor1 is None and wanted1:
        actor1 = _fallback(wanted1, ctx, event, "actor1")
    if actor2 is None and etype == "Violence against civilians":
        actor2 = _fallback("civilians", ctx, event, "actor2")
    return actor1, actor2


def _sub_type_fallbacks(actor1: Actor | None, actor2: Actor | None, ctx: str | None,
                        event: Event, doc_text: str) -> tuple[Actor | None, Actor | None]:
    """The side ACLED codes when the text leaves it implicit: the protesters a force fired
    on; the state a rebel group took a town from; the group the army took it back from (the
    non-state group the story names most)."""
    sub = event.sub_event_type
    if sub == "Excessive force against protesters":
        if actor2 is None or actor2.inter != 6:
            actor2 = _fallback("protesters", ctx, event, "actor2")
        if actor1 is None or actor1.inter == 6:
            actor1 = _state(ctx, "police", event, "actor1")
    elif sub == "Non-state actor overtakes territory" and actor2 is None:
        actor2 = _state(ctx, "military", event, "actor2")
    elif sub == "Government regains territory" and actor2 is None:
        found = _antecedent(doc_text, event, ctx)
        actor2 = found[0] if found else None
    return actor1, actor2


def _state(ctx: str | None, kind: str, event: Event, role: str) -> Actor | None:
    name = state_name(kind, ctx)
    if name is None:
        return None
    event.notes.append(f"actors: {role} not named; coded {name!r} by convention")
    span = event.sentence.model_copy(update={"confidence": FALLBACK_CONFIDENCE})
    return Actor(name=name, country=ctx, inter=1, span=span)


def _fallback(rule_key: str, ctx: str | None, event: Event, role: str) -> Actor:
    rule = lexicon.get().rules[rule_key]
    name = (rule.name.format(country=countries.name(ctx)) if ctx
            else rule.name.replace(" ({country})", ""))
    span = event.sentence.model_copy(update={"confidence": FALLBACK_CONFIDENCE})
    event.notes.append(f"actors: {role} not named; coded {name!r} by convention")
    return Actor(name=name, country=ctx, inter=rule.inter, span=span)


def _evidence(event: Event) -> None:
    for key, actor in (("actor1", event.actor1), ("actor2", event.actor2)):
        if actor and actor.span:
            event.evidence[key] = actor.span
    for key, actors in (("assoc_actor_1", event.assoc_actor_1),
                        ("assoc_actor_2", event.assoc_actor_2)):
        if actors and actors[0].span:
            event.evidence[key] = actors[0].span
