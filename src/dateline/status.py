"""New events vs background, and one event per happening within a document.

Runs last: by now every event has its date, place and actors. An event dated well before
publication ("since taking over swathes of territory in 2014", an operation "launched in
August") is background, kept in `Document.background` for audit but not emitted. Sentences that
report the same happening ("completed the recapture of Palmyra" ... "regained control over
Palmyra") are folded into one event that keeps every mention as evidence.
"""

from __future__ import annotations

import hashlib

from .records import Actor, Document, Event

# Sub-event types that say more than the ones they absorb when two mentions are folded.
SPECIFICITY = {
    "Government regains territory": 3,
    "Non-state actor overtakes territory": 3,
    "Armed clash": 1,
}
CONVENTION = 0.3  # evidence confidence of actors coded by convention, not read in the text
TERRITORY = {"Government regains territory", "Non-state actor overtakes territory"}


class StatusStage:
    """Drop background, fold repeated mentions, give events stable ids."""

    name = "status"

    def __init__(self, background_days: int = 30, fold_days: int = 2) -> None:
        self.background_days = background_days
        self.fold_days = fold_days

    def __call__(self, doc: Document) -> Document:
        current: list[Event] = []
        for i, event in enumerate(doc.events):
            reason = self.background_reason(doc, event)
            if reason is None and i and doc.events[i - 1].status == "background" \
                    and not event.roles and _own_place(event) is None:
                reason = "names no actor or place; refers to the background event before it"
            if reason:
                event.status = "background"
                event.notes.append(reason)
                doc.background.append(event)
            else:
                current.append(event)
        doc.events = self.fold([part for event in current for part in split_by_place(event)])
        _assign_ids(doc)
        return doc

    def background_reason(self, doc: Document, event: Event) -> str | None:
        if doc.published is None or event.event_date is None:
            return None
        age = (doc.published - event.event_date).days
        if age > self.background_days:
            return f"dated {event.event_date.isoformat()}, {age} days before publication"
        if age < -1:
            return f"dated {event.event_date.isoformat()}, after publication (a plan, not an event)"
        return None

    def fold(self, events: list[Event]) -> list[Event]:
        kept: list[Event] = []
        for event in events:
            target = next((k for k in kept if self.same_happening(k, event)), None)
            if target is None and kept and _elaborates(kept[-1], event):
                target = kept[-1]
            if target is None:
                kept.append(event)
            else:
                _absorb(target, event)
        return kept

    def same_happening(self, a: Event, b: Event) -> bool:
        """Two mentions in one article describe the same event."""
        if a.event_type != b.event_type:
            # A withdrawal with no place of its own, in a story about a place changing hands,
            # is the other side of that change, not a separate transfer.
            return _withdrawal_of(a, b) or _withdrawal_of(b, a)
        if a.event_type == "Strategic developments" and a.sub_event_type != b.sub_event_type:
            return False
        if not _dates_close(a, b, self.fold_days):
            return False
        if not _actors_compatible(a, b):
            return False
        pa, pb = _own_place(a), _own_place(b)
        if pa is not None and pb is not None:
            return pa == pb
        return True


def split_by_place(event: Event) -> list[Event]:
    """One event per location, as ACLED codes them; a toll given for all of them together is
    divided among them."""
    if not event.other_places:
        return [event]
    places = [event.place, *event.other_places]
    share, rest = divmod(event.fatalities, len(places))
    parts = []
    for i, place in enumerate(places):
        part = event.model_copy(deep=True, update={"other_places": []})
        part.place, part.country = place, place.country if place else event.country
        part.fatalities = share + (rest if i == 0 else 0)
        if i:
            part.evidence["location"] = part.evidence["location"].model_copy(
                update={"start": place.start, "end": place.end, "text": place.name})
            part.notes.append("status: one of several places listed for the event")
        parts.append(part)
    return parts


def _own_place(e: Event) -> int | None:
    """The geonameid of a place the text names for the event (not a country fallback)."""
    if e.place is None or e.place.feature == "country" or e.place.geonameid is None \
            or e.place.role == "context":
        return None
    return e.place.geonameid


def _dates_close(a: Event, b: Event, days: int) -> bool:
    if a.event_date is None or b.event_date is None:
        return True
    return abs((a.event_date - b.event_date).days) <= days


def _generic(name: str | None) -> bool:
    return name is None or name.startswith(("Unidentified", "Civilians", "Protesters", "Rioters"))


def _named(actor: Actor | None) -> str | None:
    """The actor's name when the text names it; None for a convention fallback."""
    if actor is None or (actor.span is not None and actor.span.confidence <= CONVENTION):
        return None
    return actor.name


def _actors_compatible(a: Event, b: Event) -> bool:
    for x, y in ((a.actor1, b.actor1), (a.actor2, b.actor2)):
        nx, ny = _named(x), _named(y)
        if nx != ny and not (_generic(nx) or _generic(ny)):
            return False
    return True


def _elaborates(previous: Event, event: Event) -> bool:
    """ "The blast killed 12." / "25 civilians were killed in Khartoum." after an event: a
    killing with no initiator, or a mention with no actor and no place of its own, tells more
    about the story's events, not of a new one."""
    bare_killing = any(n.startswith("events: violence family") for n in event.notes) \
        and "actor1" not in event.roles
    anonymous = not event.roles and _own_place(event) is None
    return previous.sentence.end <= event.sentence.start and (bare_killing or anonymous)


def _withdrawal_of(a: Event, b: Event) -> bool:
    """The loser's withdrawal from a place someone took: no place of its own, or the same."""
    handover = b.sub_event_type == "Non-violent transfer of territory"
    return a.sub_event_type in TERRITORY and handover and _own_place(b) in (None, _own_place(a))


def _absorb(base: Event, other: Event) -> None:
    """Fold `other` into `base`, keeping the more specific and better-evidenced fields."""
    if other.event_type != base.event_type:  # an elaboration: only fill what is missing
        if base.actor2 is None and other.actor2 is not None and base.event_type != "Protests":
            base.actor2 = other.actor2
        _more_deaths(base, other)
        base.mentions.append(other.sentence)
        return
    if SPECIFICITY.get(other.sub_event_type, 0) > SPECIFICITY.get(base.sub_event_type, 0):
        base.sub_event_type = other.sub_event_type
        base.event_type = other.event_type
        base.evidence["sub_event_type"] = other.evidence.get("sub_event_type", other.trigger)
    for role in ("actor1", "actor2"):
        mine, theirs = getattr(base, role), getattr(other, role)
        if theirs and (mine is None or (_generic(mine.name) and not _generic(theirs.name))):
            setattr(base, role, theirs)
            if role in other.evidence:
                base.evidence[role] = other.evidence[role]
    for role in ("assoc_actor_1", "assoc_actor_2"):
        names = {a.name for a in getattr(base, role)}
        getattr(base, role).extend(a for a in getattr(other, role) if a.name not in names)
    if _own_place(base) is None and _own_place(other) is not None:
        base.place, base.geo_precision = other.place, other.geo_precision
        base.country = other.country or base.country
        for key in ("location", "country"):
            if key in other.evidence:
                base.evidence[key] = other.evidence[key]
    _better_date(base, other)
    _more_deaths(base, other)
    base.mentions.append(other.sentence)
    base.mentions.extend(other.mentions)
    base.confidence = round(min(0.99, max(base.confidence, other.confidence) + 0.03), 3)


def _more_deaths(base: Event, other: Event) -> None:
    """Mentions repeat one toll; the largest single figure is the event's (not the sum)."""
    if other.fatalities > base.fatalities:
        base.fatalities = other.fatalities
        if "fatalities" in other.evidence:
            base.evidence["fatalities"] = other.evidence["fatalities"]


def _better_date(base: Event, other: Event) -> None:
    mine = base.evidence.get("event_date")
    theirs = other.evidence.get("event_date")
    if other.event_date is None or theirs is None:
        return
    if base.event_date is None or mine is None or theirs.confidence > mine.confidence:
        base.event_date, base.time_precision = other.event_date, other.time_precision
        base.evidence["event_date"] = theirs


def _assign_ids(doc: Document) -> None:
    """Stable ids: the same document text always gives the same event ids."""
    digest = hashlib.sha1(f"{doc.id}\0{doc.text}".encode()).hexdigest()[:10]
    for i, event in enumerate(doc.events, start=1):
        event.id = f"{digest}-{i}"
