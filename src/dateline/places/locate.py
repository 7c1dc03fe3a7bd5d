"""Each event's own place, ACLED-style: the most specific toponym of the event's sentence (the
one a preposition like "in"/"near" hangs on, nearest the trigger), else of its other sentences,
else its country at the capital, with geo precision 1 (town), 2 (near a town, a small area)
or 3 (only a region or the country known)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..records import Document, Event, Place, Span
from .gazetteer import FEATURE_RANK, Entry, Gazetteer
from .names import features
from .resolve import role_countries

GOVERNING = {"in", "at", "near", "outside", "into", "from", "of", "around", "inside", "across",
             "to", "towards", "toward", "on", "within", "through", "over"}
PRECISION = {"city": 1, "admin2": 2, "admin1": 3, "country": 3, "region": 3}


@lru_cache(maxsize=1)
def _near_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    feats = features()
    before = "|".join(re.escape(w) for w in sorted(feats["near_before"], key=len, reverse=True))
    after = "|".join(re.escape(w) for w in feats["near_after"])
    settle = "|".join(re.escape(w) for w in feats["settlement_words"])
    return (
        re.compile(rf"\b(?:{before})\s+(?:the\s+)?(?:(?:{settle})\s+of\s+)?$", re.I),
        re.compile(rf"^(?:'s)?\s+(?:{after})\b", re.I),
    )


def is_near(text: str, place: Place) -> bool:
    """"near Homs", "on the outskirts of the town of X", "the Homs countryside"."""
    before, after = _near_res()
    return bool(before.search(text[max(0, place.start - 60):place.start])
                or after.match(text[place.end:place.end + 30]))


def _governed(text: str, place: Place) -> bool:
    """A preposition among the few words before the name ("in the historic city of X")."""
    tail = re.findall(r"[A-Za-z]+", text[max(0, place.start - 40):place.start].lower())[-4:]
    return bool(set(tail) & GOVERNING)


LOCATIVE = {"in", "inside", "across", "throughout", "within", "into", "near", "at"}


def _could_be_where(text: str, place: Place, allies: list[Span]) -> bool:
    """Not where the event happened: the origin of an ally ("ground troops from Moscow"), or a
    country named other than as a location ("a deal brokered by Russia", "conflict with
    Turkey"); a country counts after "in"/"across" or as "Syria's north"."""
    if any(_inside(place, s) for s in allies):
        return False
    if place.feature != "country":
        return True
    before = re.findall(r"[A-Za-z]+", text[max(0, place.start - 30):place.start].lower())[-3:]
    return bool(set(before) & LOCATIVE) or text[place.end:place.end + 2] == "'s"


_LIST_GAP = re.compile(r"\s*(?:,|and|or|as well as|,\s*and)\s*(?:in\s+)?(?:the\s+)?"
                       r"(?:(?:towns?|cities|city|villages?|districts?)\s+of\s+)?", re.I)


def _joined(text: str, left: Place, right: Place) -> bool:
    """Only a list separator between two toponyms: "Yangon and Mandalay", "Gondar, Bahir Dar"."""
    return bool(_LIST_GAP.fullmatch(text[left.end:right.start]))


def _regional(text: str, place: Place) -> bool:
    """ "in southwest Cameroon": a part of the country, so not the dateline city."""
    before = text[max(0, place.start - 25):place.start].lower()
    return bool(re.search(r"(?:north|south|east|west|central)\w*\s+$", before))


_LAUNCH = re.compile(r"\b(?:fired|launched|shot|lobbed|flown)\s+(?:\w+\s+){0,4}from\s+"
                     r"(?:the\s+)?$", re.I)


def _launch_site(text: str, place: Place) -> bool:
    """ "rockets fired from Gaza hit Ashkelon": ACLED codes where the fire lands, so the
    launch site comes after every other place of the sentence."""
    return bool(_LAUNCH.search(text[max(0, place.start - 50):place.start]))


def _inside(place: Place, span: Span) -> bool:
    return span.start <= place.start and place.end <= span.end


class Locator:
    """Sets `place`, `geo_precision`, `country` and location evidence on each event."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer

    def __call__(self, doc: Document, entries: dict[int, Entry],
                 country_votes: Counter) -> None:
        usable = [i for i, p in enumerate(doc.places)  # a continent locates no event
                  if p.role == "mention" and i in entries and p.feature != "region"]
        for event in doc.events:
            self._locate(doc, event, usable, entries, country_votes)

    def _locate(self, doc: Document, event: Event, usable: list[int],
                entries: dict[int, Entry], votes: Counter) -> None:
        allies = [s for key in ("assoc1", "assoc2") for s in event.roles.get(key, [])]
        own = [i for i in usable if _inside(doc.places[i], event.sentence)
               and (doc.places[i].feature != "country" or _regional(doc.text, doc.places[i]))]
        dateline = self._dateline_place(doc, event, entries, bool(own))
        if dateline is not None:
            self._set(doc, event, doc.places[dateline], entries[dateline], True)
            event.notes.append("place: the dateline city (the lead, 'here' or 'the capital')")
            return
        for sentence in [event.sentence, *event.mentions]:
            inside = [i for i in usable if _inside(doc.places[i], sentence)
                      and _could_be_where(doc.text, doc.places[i], allies)]
            if inside:
                best = max(inside, key=lambda i: self._rank(doc, event, doc.places[i]))
                self._set(doc, event, doc.places[best], entries[best], sentence is event.sentence)
                if sentence is event.sentence:
                    self._coordinated(doc, event, best, inside, entries)
                return
        inherited = self._from_context(doc, event, entries)
        if inherited is not None:
            place, why = inherited
            self._set(doc, event, doc.places[place], entries[place], False)
            if event.place is not None:
                event.place.role = "context"  # not named for the event itself
            event.notes.append(f"place: none in the event's sentences; {why}")
            return
        self._country_fallback(doc, event, votes)

    def _coordinated(self, doc: Document, event: Event, best: int, inside: list[int],
                     entries: dict[int, Entry]) -> None:
        """ "in Yangon and Mandalay", "the airports of Gondar and Bahir Dar": towns listed
        together with the event's place are places of the same kind of event (ACLED codes
        one event per location); the status stage splits them."""
        chosen = doc.places[best]
        if chosen.feature != "city":
            return
        listed = sorted({best, *[i for i in inside if doc.places[i].feature == "city"]},
                        key=lambda i: doc.places[i].start)
        pos = listed.index(best)
        group = [best]
        places = [doc.places[i] for i in listed]
        for step in (-1, 1):
            j = pos
            while 0 <= j + step < len(listed) and _joined(
                    doc.text, places[min(j, j + step)], places[max(j, j + step)]):
                j += step
                group.append(listed[j])
        for i in group:
            if i == best or doc.places[i].geonameid == chosen.geonameid:
                continue
            extra = Event(event_type=event.event_type, sub_event_type=event.sub_event_type,
                          sentence=event.sentence, trigger=event.trigger)
            self._set(doc, extra, doc.places[i], entries[i], True)
            if extra.place is not None:
                event.other_places.append(extra.place)

    @staticmethod
    def _dateline_place(doc: Document, event: Event, entries: dict[int, Entry],
                        named: bool) -> int | None:
        """Wire copy reports the lead's event where it was filed unless it names a place:
        "KHARTOUM, April 16 - The army and the RSF fought for control of the capital". Also
        "here", and "the capital" when the dateline city is one."""
        index = next((i for i, p in enumerate(doc.places) if p.role == "dateline"
                      and i in entries and p.feature == "city"), None)
        if index is None:
            return None
        text = event.sentence.text
        if named and not re.search(r"\bhere\b", text):
            return None
        lead = doc.dateline_end and event.sentence.start <= doc.dateline_end + 2
        here = re.search(r"\bhere\b", text)
        capital = entries[index].population > 300_000 and re.search(r"\bthe capital\b", text)
        return index if lead or here or capital else None

    def _from_context(self, doc: Document, event: Event,
                      entries: dict[int, Entry]) -> tuple[int, str] | None:
        """No place in the event's sentences: the story is still where the sentence just
        before it was ("... overran an army base
        there. A suicide bomber drove a car into the gate of the base ...")."""
        window_start = max(0, event.sentence.start - 400)
        before = [i for i, p in enumerate(doc.places)
                  if p.role == "mention" and i in entries and p.feature == "city"
                  and window_start <= p.start < event.sentence.start
                  and doc.in_body(p.start, p.end)]
        if before:
            return before[-1], "the place named just before it"
        return None

    def _rank(self, doc: Document, event: Event, place: Place) -> tuple:
        specific = -FEATURE_RANK[place.feature]
        distance = min(abs(place.start - event.trigger.start), abs(place.end - event.trigger.end))
        return (not _launch_site(doc.text, place), specific, _governed(doc.text, place),
                -distance)

    def _set(self, doc: Document, event: Event, place: Place, entry: Entry,
             own_sentence: bool) -> None:
        precision = PRECISION[place.feature]
        if precision == 1 and is_near(doc.text, place):
            precision = 2
        chosen = place.model_copy()
        if place.feature != "city":  # areas are coded at their capital or largest town
            chosen.latitude, chosen.longitude = entry.seat_lat, entry.seat_lon
        span = Span(start=place.start, end=place.end, text=place.name,
                    confidence=place.confidence * (1.0 if own_sentence else 0.8))
        event.place, event.geo_precision, event.country = chosen, precision, place.country
        event.evidence["location"] = span
        event.evidence["country"] = span
        where = "event sentence" if own_sentence else "another sentence about the event"
        event.notes.append(f"place: {place.name!r} ({place.feature}) in the {where}")

    def _country_fallback(self, doc: Document, event: Event, votes: Counter) -> None:
        iso, span = _event_country(doc, event, votes)
        entry = self.gaz.country(iso) if iso else None
        if entry is None or span is None:
            event.notes.append("place: no toponym and no country evidence")
            return
        event.place = Place(
            name=entry.name, start=span.start, end=span.end, geonameid=entry.geonameid,
            resolved_name=entry.name, latitude=entry.seat_lat, longitude=entry.seat_lon,
            country=iso, feature="country", population=entry.population,
            confidence=span.confidence)
        event.geo_precision, event.country = 3, iso
        event.evidence["location"] = span
        event.evidence["country"] = span
        event.notes.append(f"place: no toponym for the event; country {iso} at its capital")


def _event_country(doc: Document, event: Event, votes: Counter) -> tuple[str | None, Span | None]:
    """The actors' country when it is also the document's main country (or the only clue),
    else the document's main country, with the span that says so."""
    actors = role_countries(event)
    main = votes.most_common(1)[0][0] if votes else None
    pick = next((a for a in actors if a[0] == main), None)
    if pick is None and actors and main is None:
        pick = actors[0]
    if pick is not None:
        iso, span = pick
        return iso, Span(start=span.start, end=span.end, text=span.text, confidence=0.6)
    if main is None:
        return None, None
    evidence = _first_mention(doc, main)
    return main, evidence


def _first_mention(doc: Document, iso: str) -> Span | None:
    from .. import countries

    for start, end, found in countries.find_all(doc.text):
        if found == iso:
            return Span(start=start, end=end, text=doc.text[start:end], confidence=0.5)
    for p in doc.places:
        if p.country == iso:
            return Span(start=p.start, end=p.end, text=p.name, confidence=0.4)
    return None
