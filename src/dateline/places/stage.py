"""`PlacesStage`: recognise toponyms, resolve them, give them roles, locate the events."""

from __future__ import annotations

from ..nlp import load as load_nlp
from ..records import Document, Place
from .gazetteer import Entry, Gazetteer, load_gazetteer
from .locate import Locator
from .recognize import Mention, Recognizer
from .resolve import Choice, Resolver, document_countries
from .roles import role_of

# Mentions found only through the gazetteer (not the parser, a cue word or the country list).
WEAK = {"phrase", "other", "repeat"}


class PlacesStage:
    """Fills `doc.places` and each event's place, precision and country."""

    name = "places"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self.recognize = Recognizer(self.gazetteer)
        self.resolve = Resolver()
        self.locate = Locator(self.gazetteer)

    def __call__(self, doc: Document) -> Document:
        if doc.nlp is None:  # run alone (tests, benchmarks): parse here
            doc.nlp = load_nlp()(doc.text)
        rec = self.recognize(doc.nlp, doc.dateline)
        choices = self.resolve(doc.text, rec, doc.events)
        doc.places, entries = [], {}
        for mention, choice in zip(rec.mentions, choices, strict=True):
            if choice.entry is None and mention.candidates and mention.how in WEAK:
                continue  # a weak gazetteer match whose every sense the context rejects
            role = mention.how if mention.how in ("dateline", "demonym") else role_of(
                doc.nlp, mention.start, mention.end, doc.dateline, self.gazetteer)
            if choice.entry is not None:
                entries[len(doc.places)] = choice.entry
            doc.places.append(_place(mention, choice, role))
        votes = document_countries(doc.text, rec, doc.events)
        for p in doc.places:
            if p.country and p.role == "mention":
                votes[p.country] += 0.5 * p.confidence
        self.locate(doc, entries, votes)
        return doc


def _place(m: Mention, c: Choice, role: str) -> Place:
    place = Place(name=m.text, start=m.start, end=m.end, role=role,
                  confidence=round(c.confidence, 3))
    e: Entry | None = c.entry
    if e is None:
        return place
    place.geonameid, place.resolved_name = e.geonameid, e.name
    place.latitude, place.longitude = e.latitude, e.longitude
    place.country, place.admin1, place.admin2 = e.country or None, e.admin1, e.admin2
    place.feature, place.population = e.feature, e.population
    return place
