"""Typed records passed between pipeline stages.

Every stage takes a `Document` and returns it with more filled in; no stage reaches into
another's internals. All character offsets (`start`, `end`) point into `Document.text`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EVENT_TYPES: dict[str, list[str]] = {
    "Battles": [
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ],
    "Explosions/Remote violence": [
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ],
    "Violence against civilians": [
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ],
    "Protests": [
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": [
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ],
}
SUB_TO_TYPE: dict[str, str] = {s: t for t, subs in EVENT_TYPES.items() for s in subs}


class Span(BaseModel):
    """A piece of `Document.text` with how sure we are that it says what we use it for."""

    start: int
    end: int
    text: str
    confidence: float = 1.0


class Place(BaseModel):
    """A toponym in the text, resolved (where possible) to a GeoNames entry."""

    name: str  # surface form as written
    start: int
    end: int
    geonameid: int | None = None
    resolved_name: str | None = None  # the gazetteer's name, e.g. "Tadmur"
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None  # ISO 3166 alpha-2
    admin1: str | None = None
    admin2: str | None = None
    feature: str = "city"  # city | admin1 | admin2 | country | region
    population: int = 0
    role: str = "mention"  # mention | dateline | source | organisation | context (an event's
    # place taken from the sentences around it, not named for the event itself) | demonym
    confidence: float = 0.5


class Actor(BaseModel):
    """A canonical, ACLED-style actor with the text it was read from."""

    name: str  # e.g. "Military Forces of Syria (2000-)"
    country: str | None = None  # ISO 3166 alpha-2
    inter: int | None = None  # ACLED actor type 1..8
    span: Span | None = None


class Event(BaseModel):
    """One coded event. `roles` holds raw spans from the events stage; the actors stage turns
    them into `actor1`, `actor2` and the associated actors."""

    id: str = ""
    event_type: str
    sub_event_type: str
    status: str = "new"  # new | background | plan | claim | agreement
    confidence: float = 0.5
    sentence: Span  # the sentence that reports the event
    trigger: Span  # the words that say what happened
    mentions: list[Span] = Field(default_factory=list)  # other sentences about the same event
    roles: dict[str, list[Span]] = Field(default_factory=dict)  # actor1|actor2|assoc1|assoc2
    actor1: Actor | None = None
    actor2: Actor | None = None
    assoc_actor_1: list[Actor] = Field(default_factory=list)
    assoc_actor_2: list[Actor] = Field(default_factory=list)
    event_date: dt.date | None = None
    time_precision: int | None = None  # 1 day, 2 week, 3 month (4: older/unknown)
    place: Place | None = None
    # Other towns the sentence lists with `place` ("in Yangon and Mandalay"): ACLED codes one
    # event per location, so the status stage splits the event over them.
    other_places: list[Place] = Field(default_factory=list)
    geo_precision: int | None = None  # 1 town, 2 near town / small area, 3 region
    country: str | None = None
    fatalities: int = 0
    evidence: dict[str, Span] = Field(default_factory=dict)  # output field -> source span
    notes: list[str] = Field(default_factory=list)  # why the engine decided as it did


class Document(BaseModel):
    """An article and everything the pipeline has found in it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str
    text: str  # the text all offsets refer to (plain-text input as given; HTML: the body)
    url: str | None = None
    source_path: str | None = None
    title: Span | None = None
    published: dt.date | None = None
    published_source: str = "none"  # given | page | text | none
    outlet: str | None = None
    agency: str | None = None
    dateline: Span | None = None  # the place the story was filed from, e.g. "BEIRUT"
    body: list[Span] = Field(default_factory=list)  # article paragraphs; excludes boilerplate
    boilerplate: list[Span] = Field(default_factory=list)  # dropped lines, kept for audit
    html: str | None = None
    nlp: Any = None  # spaCy Doc over `text`; not serialised
    places: list[Place] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    background: list[Event] = Field(default_factory=list)  # found but not new: kept for audit
    errors: list[str] = Field(default_factory=list)

    def in_body(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps an article paragraph (all text if no body found)."""
        if not self.body:
            return True
        return any(s.start < end and start < s.end for s in self.body)

    @property
    def dateline_end(self) -> int:
        """Offset where the dateline ("ERBIL, Iraq, Feb 16 (Reuters) -", "BEIRUT •") ends and
        the story begins; 0 without a dateline. Its words name the filing place and date, not
        an actor or the event's date."""
        if self.dateline is None or self.dateline.start < 0:
            return 0
        m = _DATELINE_END.match(self.text, self.dateline.end)
        return m.end() if m else self.dateline.end

    @property
    def body_text(self) -> str:
        """The article as a reader sees it: paragraphs joined by blank lines."""
        if not self.body:
            return self.text
        return "\n\n".join(s.text for s in self.body)


_DATELINE_END = re.compile(r"[^\n]{0,60}?(?:\s[-\u2013\u2014\u2022:]|\s?[\u2013\u2014\u2022])\s")


def _span_out(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": span.text,
            "confidence": round(span.confidence, 3)}


def _actor_name(actor: Actor | None) -> str | None:
    return actor.name if actor else None


def event_output(event: Event) -> dict[str, Any]:
    """The event as GOLD_FORMAT.md's engine output: gold keys, single values, plus evidence."""
    place = event.place
    out: dict[str, Any] = {
        "id": event.id,
        "event_date": event.event_date.isoformat() if event.event_date else None,
        "time_precision": event.time_precision,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "status": event.status,
        "actor1": _actor_name(event.actor1),
        "actor1_country": event.actor1.country if event.actor1 else None,
        "inter1": event.actor1.inter if event.actor1 else None,
        "assoc_actor_1": [a.name for a in event.assoc_actor_1],
        "actor2": _actor_name(event.actor2),
        "actor2_country": event.actor2.country if event.actor2 else None,
        "inter2": event.actor2.inter if event.actor2 else None,
        "assoc_actor_2": [a.name for a in event.assoc_actor_2],
        "country": event.country,
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "location": (place.resolved_name or place.name) if place else None,
        "geonameid": place.geonameid if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": event.geo_precision,
        "fatalities": event.fatalities,
        "confidence": round(event.confidence, 3),
        "sentence": _span_out(event.sentence),
        "evidence": {k: _span_out(v) for k, v in event.evidence.items()},
    }
    return out


def place_output(place: Place) -> dict[str, Any]:
    return {
        "start": place.start,
        "end": place.end,
        "name": place.name,
        "geonameid": place.geonameid,
        "resolved_name": place.resolved_name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "country": place.country,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "feature": place.feature,
        "role": place.role,
        "confidence": round(place.confidence, 3),
    }


def document_output(doc: Document) -> dict[str, Any]:
    """One JSONL line of `dateline extract` output."""
    return {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title.text if doc.title else None,
        "published": doc.published.isoformat() if doc.published else None,
        "published_source": doc.published_source,
        "outlet": doc.outlet,
        "agency": doc.agency,
        "dateline": doc.dateline.text if doc.dateline else None,
        "article_text": doc.body_text,
        "events": [event_output(e) for e in doc.events],
        "background": [
            {"sub_event_type": e.sub_event_type, "status": e.status, "notes": e.notes,
             "event_date": e.event_date.isoformat() if e.event_date else None,
             "sentence": _span_out(e.sentence)}
            for e in doc.background
        ],
        "places": [place_output(p) for p in doc.places],
        "errors": doc.errors,
    }
