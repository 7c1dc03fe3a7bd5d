"""Event mentions: find what happened in each sentence and who did it to whom.

A sentence is matched against the trigger lexicon (`data/lexicons/triggers.yaml`); the strongest
rule gives the sub-event type (or a family settled from the actors); the dependency parse gives
the raw role spans (initiator, target, allies) and the clause's mood (plan, negation, generic
present). The actors stage normalises the role spans; dates, places and fatalities are filled by
their own stages; the status stage drops background and folds repeated mentions.

Rules over a parse are hand-written because no library codes ACLED's taxonomy; the lexicon is
data so users can extend it. The trained sentence classifier (`classify.py`) then has the last
word on typing: it rejects rule events in sentences it reads as no event, retypes an event when
it is confident of another sub-type, codes an event the rules missed, and gives every event its
calibrated confidence. `DATELINE_CLASSIFIER=off` runs the rules alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

import yaml
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from . import actors, classify
from .classify import NONE, Classifier, Prediction
from .nlp import lemma
from .records import SUB_TO_TYPE, Document, Event, Span

LEXICON_DIR = Path(__file__).parent / "data" / "lexicons"

# Participles that make their object an ally, not an event: "troops backed by Russian jets".
SUPPORT_LEMMAS = {"back", "support", "bolster", "aid", "assist", "accompany", "help", "escort",
                  "reinforce", "cover", "equip", "arm", "train", "supply", "sponsor"}
SUPPORT_PREPS = {"alongside", "with the help of", "with the support of", "with help from"}
PROTEST_WORDS = {"protest", "protests", "protesters", "demonstration", "demonstrators", "rally",
                 "march", "marchers", "riot", "riots", "rioters", "mob"}
RECIPROCAL = {"clash", "fight", "battle", "skirmish", "exchange", "trade", "engage"}
ONGOING = {"continue", "begin", "start", "resume", "manage", "keep"}
MODALS = {"will", "would", "shall", "could", "might", "may", "should", "must", "'ll", "wo"}
PLAN_LEMMAS = {"plan", "threaten", "vow", "intend", "pledge", "offer", "aim", "seek", "prepare",
               "warn", "want", "hope", "expect", "fear", "promise", "propose", "consider",
               "try", "attempt", "decide", "agree"}
TERRITORIAL = {"@territory", "Non-violent transfer of territory", "Agreement"}
PRONOUNS = {"they", "he", "she", "it", "we", "them", "who", "which", "i", "you", "their", "his",
            "her", "its", "our", "my", "your", "that", "this", "these", "those"}
CIVILIAN_SITES = re.compile(
    r"school|hospital|clinic|market|church|mosque|temple|home|house|village|camp|bus|"
    r"restaurant|hotel|wedding|funeral|shop|farm|compound|university|college|bar|club|car|"
    r"vehicle|minibus|truck|convoy of civilians", re.I)
WEAPONS = re.compile(r"rocket|missile|shell|mortar|bomb|mine|drone|grenade|bullet|ied|"
                     r"explosive|strike|airstrike|shot|gunfire", re.I)
PLACE_NOUNS = re.compile(
    r"\b(?:town|city|village|villages|district|area|territory|territories|base|hill|airport|"
    r"province|region|positions?|outpost|camp|neighbou?rhoods?|strongholds?|port|oasis|"
    r"crossing|border post|road|highway|enclave|pocket|suburbs?|outskirts|capital)\b",
    re.I,
)


@dataclass
class Rule:
    sub: str
    weight: float
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    folded: re.Pattern[str] | None = None  # `pattern` for `fold`ed text (see `_for_folded`)

    def finditer(self, text: str, folded: str | None) -> Iterator[re.Match[str]]:
        """The pattern's matches in `text`; `folded` is `fold(text)`."""
        return _finditer(self.pattern, self.folded, text, folded)


# Four characters match an ASCII letter only case-insensitively (KELVIN SIGN "k", LONG S "s",
# dotted and dotless I); text with one keeps the case-insensitive path.
_FOLD_UNSAFE = re.compile("[\u0130\u0131\u017f\u212a]")


def fold(text: str) -> str | None:
    """`text` lowercased, where matching a `_for_folded` pattern on it finds exactly what the
    case-insensitive pattern finds in `text`, at the same offsets; None where it would not."""
    low = text.lower()
    return low if len(low) == len(text) and not _FOLD_UNSAFE.search(text) else None


def _finditer(pattern: re.Pattern[str], for_folded: re.Pattern[str] | None, text: str,
              folded: str | None) -> Iterator[re.Match[str]]:
    """`pattern`'s matches in `text`, through its `_for_folded` twin where both exist."""
    if folded is not None and for_folded is not None:
        return for_folded.finditer(folded)
    return pattern.finditer(text)


def _for_folded(pattern: str) -> re.Pattern[str] | None:
    """The pattern without IGNORECASE, for lowercased text: Python's re runs the trigger
    patterns twice as fast so. Only for ASCII patterns with no capital letter (an escape such as
    \\S or \\W would change meaning) and no flag turned off inside."""
    if not pattern.isascii() or any(c.isupper() for c in pattern) or "(?-" in pattern:
        return None
    return re.compile(pattern)


@dataclass
class Lexicon:
    rules: list[Rule]
    protest_cues: dict[str, re.Pattern[str]]
    non_event: dict[str, re.Pattern[str]]
    light_verbs: set[str]
    irrealis: re.Pattern[str]
    negation: re.Pattern[str]
    classifier_cues: re.Pattern[str] | None = None
    classifier_cues_folded: re.Pattern[str] | None = None  # for `fold`ed text
    reporting_verbs: frozenset[str] = frozenset()
    extra_files: list[str] = field(default_factory=list)


def _rx(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.I) if pattern else None


def _rule_from(entry: dict) -> Rule:
    alternatives = "|".join(f"(?:{p})" for p in entry["patterns"])
    sub = entry["sub"]
    if not sub.startswith("@") and sub not in SUB_TO_TYPE:
        raise ValueError(f"trigger lexicon: unknown sub-event type {sub!r}")
    pattern = rf"\b(?:{alternatives})\b"
    return Rule(
        sub=sub,
        weight=float(entry.get("weight", 0.5)),
        pattern=re.compile(pattern, re.I),
        needs=_rx(entry.get("needs")),
        unless=_rx(entry.get("unless")),
        folded=_for_folded(pattern),
    )


def _either(*patterns: str | None) -> str:
    """One pattern matching any of the given ones (the bundled list and users' additions)."""
    return "|".join(f"(?:{p})" for p in patterns if p)


def _extra_lexicon_files(setting: str) -> list[Path]:
    """YAML files named in DATELINE_LEXICONS (os.pathsep-separated files or folders)."""
    paths: list[Path] = []
    for item in filter(None, setting.split(os.pathsep)):
        path = Path(item)
        paths.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
    return paths


def load_lexicon(extra: tuple[str, ...] = ()) -> Lexicon:
    """The bundled trigger lexicon plus any user extensions (their rules are appended)."""
    return _load_lexicon(extra, os.environ.get("DATELINE_LEXICONS", ""))


@lru_cache(maxsize=4)
def _load_lexicon(extra: tuple[str, ...], setting: str) -> Lexicon:
    data = yaml.safe_load((LEXICON_DIR / "triggers.yaml").read_text(encoding="utf-8"))
    files = [*map(Path, extra), *_extra_lexicon_files(setting)]
    rules = [_rule_from(e) for e in data["triggers"]]
    extras = [yaml.safe_load(path.read_text(encoding="utf-8")) or {} for path in files]
    for more in extras:
        rules.extend(_rule_from(e) for e in more.get("triggers", []))
    both = [data, *extras]  # users may add classifier cues and reporting verbs too
    cues = _either(*(d.get("classifier_cues") for d in both))
    return Lexicon(
        rules=rules,
        protest_cues={k: re.compile(v, re.I) for k, v in data["protest_cues"].items()},
        non_event={k: re.compile(v, re.I) for k, v in data["non_event_cues"].items()},
        light_verbs=set(data["light_verbs"]),
        irrealis=re.compile(data["irrealis"], re.I),
        negation=re.compile(data["negation"], re.I),
        classifier_cues=_rx(cues),
        classifier_cues_folded=_for_folded(cues) if cues else None,
        reporting_verbs=frozenset(v for d in both for v in d.get("reporting_verbs", [])),
        extra_files=[str(p) for p in files],
    )


@dataclass
class Match:
    rule: Rule
    start: int  # absolute character offsets into the document text
    end: int


@dataclass
class Roles:
    actor1: list[Token] = field(default_factory=list)
    actor2: list[Token] = field(default_factory=list)
    assoc1: list[Token] = field(default_factory=list)
    assoc2: list[Token] = field(default_factory=list)


class EventsStage:
    """Find event mentions sentence by sentence and attach them to `Document.events`."""

    name = "events"

    def __init__(self, lexicon: Lexicon | None = None,
                 classifier: Classifier | None | bool = True) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._dateline_end = 0  # per document: roles before it are the dateline
        if classifier is True:
            classifier = _default_classifier()
        self.classifier: Classifier | None = classifier or None

    def __call__(self, doc: Document) -> Document:
        if doc.nlp is None:
            raise ValueError("events stage needs the nlp stage first")
        events: list[Event] = []
        self._dateline_end = doc.dateline_end
        coded = [(sent, self.code_clauses(doc, sent))
                 for sent in doc.nlp.sents if self._codable(doc, sent)]
        preds = self._readings(coded)
        for (sent, found), pred in zip(coded, preds, strict=True):
            events.extend(self.code_sentence(doc, sent, found, pred))
        doc.events = events
        return doc

    def _readings(self, coded: list[tuple[SpacySpan, list[Event]]]) -> list[Prediction | None]:
        """The classifier's reading of the sentences where the rules found an event or that
        `worth_reading` passes; None for the rest (the model costs more than the parse)."""
        if self.classifier is None:
            return [None] * len(coded)
        todo = [i for i, (sent, found) in enumerate(coded) if found or self.worth_reading(sent)]
        preds: list[Prediction | None] = [None] * len(coded)
        for i, pred in zip(todo, self.classifier.predict([coded[i][0].text for i in todo]),
                           strict=True):
            preds[i] = pred
        return preds

    def worth_reading(self, sent: SpacySpan) -> bool:
        """Whether a sentence with no rule event may hold one for the classifier to code: a
        word of `classifier_cues` used as a verb or as a verb's argument ("marched", "joined
        the march", "fighters moved in"), other than a verb of saying's. Why the parse and not
        the word alone: in LGL's local news half the sentences the words alone sent the model
        were like "police said", "according to", "the police station", "on March 9"; none of
        the events the classifier coded on dev came from such a sentence."""
        if self.lexicon.classifier_cues is None:
            return True
        return any(_event_word(t, self.lexicon.reporting_verbs)
                   for t in _cue_tokens(sent, self.lexicon))

    # ------------------------------------------------------------------ classifier
    def code_sentence(self, doc: Document, sent: SpacySpan, found: list[Event],
                      pred: Prediction | None) -> list[Event]:
        """The rules' events for a sentence, judged by the classifier's reading of it."""
        if pred is None:
            return found
        if not found:
            event = self._classifier_event(doc, sent, pred)
            return [event] if event is not None else []
        if pred.label == NONE and pred.confidence >= REJECT_AT and found[0].status == "new":
            return []  # a disaster, a crime, a match report: no event, whatever the keywords
        _retype(found[0], pred)
        for event in found:
            event.confidence = round(_probability(event, pred), 3)
        return found

    def _classifier_event(self, doc: Document, sent: SpacySpan, pred: Prediction
                          ) -> Event | None:
        """An event the trigger lexicon missed but the classifier is sure of, anchored on the
        sentence's main verb (roles and mood come from the parse as for a rule event)."""
        if pred.label == NONE or pred.confidence < CREATE_AT:
            return None
        trigger = sent.root
        if trigger.pos_ not in ("VERB", "AUX", "NOUN"):
            return None
        if self.mood(trigger, sent, pred.label) != "new" or _denied(trigger):
            return None
        roles = self.roles(trigger, territorial=pred.label in TERRITORIAL)
        span = Span(start=trigger.idx, end=trigger.idx + len(trigger.text), text=trigger.text,
                    confidence=round(pred.confidence, 3))
        event = Event(
            event_type=SUB_TO_TYPE[pred.label], sub_event_type=pred.label,
            confidence=round(pred.confidence, 3),
            sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
            trigger=span,
            roles=_role_spans(doc, roles),
        )
        event.evidence["sub_event_type"] = event.evidence["event_type"] = _sentence_span(
            sent, pred.confidence)
        event.notes.append(f"classify: {pred.label} ({pred.confidence:.2f}), no trigger rule")
        return event

    @staticmethod
    def _codable(doc: Document, sent: SpacySpan) -> bool:
        if not sent.text.strip() or not doc.in_body(sent.start_char, sent.end_char):
            return False
        # Headlines restate the story in the present tense; the body codes it.
        title = doc.title
        return not (title and title.start <= sent.start_char < max(title.end, title.start + 1))

    # ------------------------------------------------------------------ typing
    def matches(self, sent: SpacySpan) -> list[Match]:
        """Every trigger rule that fires in the sentence, strongest first."""
        text = sent.text
        folded = fold(text)
        found: list[Match] = []
        for rule in self.lexicon.rules:
            # The rule's own words first: most sentences have none, and its conditions cost
            # as much to test.
            hits = list(rule.finditer(text, folded))
            if not hits or (rule.needs and not rule.needs.search(text)) \
                    or (rule.unless and rule.unless.search(text)):
                continue
            found.extend(Match(rule, sent.start_char + m.start(), sent.start_char + m.end())
                         for m in hits)
        found.sort(key=lambda m: (-m.rule.weight, m.start))
        return found

    def _violent_story(self, doc: Document) -> bool:
        return bool(self.lexicon.non_event["armed_actor"].search(doc.text))

    def _is_non_event(self, text: str) -> bool:
        """Disasters, accidents, crime, sport, diplomacy: no event unless an armed or political
        actor is named (a football riot is still a riot)."""
        cues = self.lexicon.non_event
        if cues["armed_actor"].search(text):
            return False
        return any(cues[k].search(text) for k in ("disaster", "accident", "crime", "sport",
                                                  "diplomacy"))

    def code_clauses(self, doc: Document, sent: SpacySpan) -> list[Event]:
        """The sentence's event, and a second one when another clause reports a different
        kind of event by a named actor ("settlers rampaged ..., hours after a gunman shot dead
        two men")."""
        matches = self.matches(sent)
        if not matches or self._is_non_event(sent.text):
            return []
        found: list[tuple[Event, Token | None, set[str]]] = []
        for match in matches:
            trigger = _trigger_token(doc, match)
            if trigger is None or _in_support_phrase(trigger) or _denied(trigger) \
                    or _state_not_event(doc, match):
                continue
            if match.rule.sub == "Other" and not self._violent_story(doc):
                continue  # bodies recovered after a landslide are no ACLED event
            clause = _governing_verb(trigger)
            if found and (match.rule.sub == "@violence"
                          or not self._second_clause(found, match, clause)):
                continue  # "..., killing 12": the toll of the first event, not a second one
            roles = self.roles(trigger, territorial=match.rule.sub in TERRITORIAL)
            if found and (not roles.actor1 or _phrase(roles.actor1[0]) in found[0][2]):
                continue  # a second event needs an initiator of its own
            sub = self._settle(match, trigger, sent, roles)
            if sub is None or (found and SUB_TO_TYPE[sub] == found[0][0].event_type):
                continue
            event = self._event(doc, sent, match, trigger, roles, sub)
            if event is not None:
                found.append((event, clause, {_phrase(t) for t in roles.actor1}))
            if len(found) == 2:
                break
        return [e for e, _, _ in found]

    @staticmethod
    def _second_clause(found: list, match: Match, clause: Token | None) -> bool:
        first, first_clause, _ = found[0]
        if clause is None or first_clause is None or clause == first_clause:
            return False
        overlaps = match.start < first.trigger.end and first.trigger.start < match.end
        return not overlaps

    def _settle(self, match: Match, trigger: Token, sent: SpacySpan, roles: Roles) -> str | None:
        """Turn a rule's family into a sub-event type, or reject the match."""
        sub = match.rule.sub
        if sub == "@territory":
            return _territory(trigger, sent, roles)
        if sub == "@violence":
            return _violence(roles, sent, trigger)
        if sub == "@protest":
            return self._protest(_with_next_sentence(sent))
        armed = (1, 2, 3, 4, 8)
        if sub == "Non-violent transfer of territory" and _kind(roles.actor1) not in armed:
            return None  # only armed forces hand over ground
        if sub in ("Armed clash", "Looting/property destruction"):
            return _crowd_or_armed(sub, roles)
        return sub

    def _protest(self, text: str) -> str:
        cues = self.lexicon.protest_cues
        if cues["violent"].search(text):
            return "Violent demonstration"
        if cues["state_force"].search(text):
            if cues["excessive"].search(text):
                return "Excessive force against protesters"
            if cues["intervention"].search(text):
                return "Protest with intervention"
        return "Peaceful protest"

    # ------------------------------------------------------------------ roles
    def roles(self, trigger: Token, territorial: bool = False) -> Roles:
        """Raw role tokens (heads of noun phrases) around a trigger. For a place changing
        hands, "from X" names the loser; otherwise "from" is only an origin."""
        roles = Roles()
        if trigger.pos_ not in ("VERB", "AUX", "NOUN", "PROPN"):
            # "as part of a deal": the clause's verb carries the roles.
            trigger = _governing_verb(trigger) or trigger
        if trigger.pos_ in ("VERB", "AUX"):
            _verb_roles(trigger, roles, territorial)
        else:
            _noun_roles(trigger, roles, self.lexicon.light_verbs, territorial)
        roles.assoc1.extend(_support_actors(trigger, roles.actor1))
        # A pronoun that does not resolve names no one.
        roles.actor1 = [t for t in map(_resolve_pronoun, roles.actor1) if t.lower_ not in PRONOUNS]
        roles.actor2 = [t for t in map(_resolve_pronoun, roles.actor2) if t.lower_ not in PRONOUNS]
        if not roles.actor1:
            roles.actor1 = _claimant(trigger.sent)
        if not roles.actor1 and not territorial and trigger.lower_ not in PROTEST_WORDS:
            roles.actor1 = _story_claimant(trigger)
        if not roles.actor2 and not territorial:
            roles.actor2 = _victims(trigger.sent)
        for key in ("actor1", "actor2", "assoc1", "assoc2"):  # a dateline is never an actor
            setattr(roles, key, [t for t in getattr(roles, key) if t.idx >= self._dateline_end])
        return roles

    # ------------------------------------------------------------------ mood
    def mood(self, trigger: Token, sent: SpacySpan, sub: str) -> str:
        """new | plan | negated | generic, from the trigger's clause."""
        verb = _governing_verb(trigger)
        chain = [verb, *list(verb.ancestors)[:3]] if verb is not None else []
        for tok in chain:
            kids = list(tok.children)
            if any(k.dep_ == "neg" for k in kids) and tok.i == verb.i:
                return "negated"
            if any(k.dep_ == "aux" and k.lower_ in MODALS for k in kids):
                return "plan"
            if tok.i == verb.i == trigger.i and any(k.tag_ == "TO" for k in kids) \
                    and lemma(tok.head) not in ONGOING:
                return "plan"  # "used by the military to attack Tigray": a purpose
            if any(k.dep_ == "mark" and k.lower_ in ("if", "unless") for k in kids):
                return "plan"
            if tok.i != verb.i and verb.dep_ in ("xcomp", "ccomp") and lemma(tok) in PLAN_LEMMAS:
                return "plan"
        if verb is not None and _generic_present(verb):
            return "generic"
        return "new"

    def _event(self, doc: Document, sent: SpacySpan, match: Match, trigger: Token,
               roles: Roles, sub: str) -> Event | None:
        mood = self.mood(trigger, sent, sub)
        status = "new"
        if mood in ("negated", "generic"):
            return None
        if mood == "plan":
            # An announced deal is itself the event ACLED codes; other plans are not events.
            if SUB_TO_TYPE[sub] != "Strategic developments" or not _deal_context(sent.text):
                return None
            sub, status = "Agreement", "agreement"
        event = Event(
            event_type=SUB_TO_TYPE[sub],
            sub_event_type=sub,
            status=status,
            confidence=_confidence(match.rule.weight, roles),
            sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
            trigger=Span(start=match.start, end=match.end, text=doc.text[match.start:match.end],
                         confidence=match.rule.weight),
            roles=_role_spans(doc, roles),
        )
        if sub in ("Protest with intervention", "Excessive force against protesters") \
                and "actor2" not in event.roles:
            # The force that intervened is the protest's counterpart (often told next).
            force = self._state_force(doc, sent)
            if force is not None:
                event.roles["actor2"] = [force]
        if match.rule.sub.startswith("@"):
            event.notes.append(f"events: {match.rule.sub[1:]} family settled as {sub}")
        event.evidence["sub_event_type"] = event.trigger
        event.evidence["event_type"] = event.trigger
        return event

    def _state_force(self, doc: Document, sent: SpacySpan) -> Span | None:
        following = _next_in_paragraph(sent)
        end = following.end_char if following is not None else sent.end_char
        m = self.lexicon.protest_cues["state_force"].search(doc.text, sent.start_char, end)
        if m is None:
            return None
        return Span(start=m.start(), end=m.end(), text=m.group(), confidence=0.6)


# ---------------------------------------------------------------------- helpers
# Classifier thresholds (calibrated probabilities), chosen on data/gold/dev.jsonl and the
# corpus's calibration split, never on the held-out sets.
REJECT_AT = 0.9   # "none" at least this likely: the rules' events in the sentence are dropped
RETYPE_AT = 0.9   # another sub-type at least this likely: the main event takes it
CREATE_AT = 0.95  # no rule fired but an event type is at least this likely: code it


def _default_classifier() -> Classifier | None:
    if os.environ.get("DATELINE_CLASSIFIER", "on").lower() in ("off", "0", "no", "false"):
        return None
    if not classify.available():
        return None  # a checkout without the trained model still runs, on the rules alone
    return classify.load()


def _retype(event: Event, pred: Prediction) -> None:
    """Give the event the classifier's sub-type when it is confident of another one. An
    announced deal coded from a plan stays an agreement."""
    if pred.label in (NONE, event.sub_event_type) or pred.confidence < RETYPE_AT \
            or event.status == "agreement":
        return
    if pred.label == "Peaceful protest" and event.event_type == "Protests":
        return  # the rules saw the intervention, often told in the next sentence, unread here
    event.notes.append(f"classify: {pred.label} ({pred.confidence:.2f}) over the rule's "
                       f"{event.sub_event_type}")
    event.sub_event_type, event.event_type = pred.label, SUB_TO_TYPE[pred.label]
    event.evidence["sub_event_type"] = event.evidence["event_type"] = _sentence_span(
        event.sentence, pred.confidence)


# Where a noun counts as a verb's argument for `worth_reading` (modifiers such as "compound",
# "amod", "poss" do not: "police station", "a rally organiser", "the army's command").
_ARGUMENT = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "oprd", "conj", "dative"})


def _cue_tokens(sent: SpacySpan, lexicon: Lexicon) -> list[Token]:
    """The tokens a match of `classifier_cues` covers."""
    text, cues = sent.text, lexicon.classifier_cues
    assert cues is not None  # `worth_reading` asks only when there are cues
    found = _finditer(cues, lexicon.classifier_cues_folded, text, fold(text))
    spans = [(sent.start_char + m.start(), sent.start_char + m.end()) for m in found]
    return [t for t in sent if any(start <= t.idx < end for start, end in spans)]


def _event_word(tok: Token, says: frozenset[str]) -> bool:
    if tok.pos_ == "VERB":
        return lemma(tok) not in says
    if tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ == "DATE":
        return False  # adjectives ("sexual health") and months ("March 9") tell no event
    if tok.dep_ == "ROOT":
        return True  # a headline-like fragment: "Vandals striking local businesses."
    return tok.dep_ in _ARGUMENT and _doing(_governor(tok), says)


def _doing(verb: Token, says: frozenset[str]) -> bool:
    return verb.pos_ == "VERB" and lemma(verb) not in says


def _governor(tok: Token) -> Token:
    """The word a noun is an argument of, up through conjunctions ("shops and homes"),
    prepositions ("marched to the square") and noun chains ("signed a Cessation of
    Hostilities Agreement" -> signed)."""
    while tok.dep_ in ("conj", "pobj", "prep") and tok.head is not tok \
            and tok.head.pos_ != "VERB":
        tok = tok.head
    return tok.head


def _role_spans(doc: Document, roles: Roles) -> dict[str, list[Span]]:
    return {k: [_np_span(doc, t, whole=k.startswith("assoc")) for t in getattr(roles, k)]
            for k in ("actor1", "actor2", "assoc1", "assoc2") if getattr(roles, k)}


def _probability(event: Event, pred: Prediction) -> float:
    """The classifier's probability of the event's sub-type; for a protest the rules typed from
    what happened next (an intervention told in the following sentence, which the classifier
    did not read), its probability of being a protest at all."""
    if event.event_type == "Protests" and event.sub_event_type != "Peaceful protest":
        return sum(p for label, p in pred.probs.items() if SUB_TO_TYPE.get(label) == "Protests")
    return pred.probs.get(event.sub_event_type, 0.0)


def _sentence_span(sent: SpacySpan | Span, confidence: float) -> Span:
    text = sent.text
    start = sent.start_char if isinstance(sent, SpacySpan) else sent.start
    return Span(start=start, end=start + len(text), text=text, confidence=round(confidence, 3))


def _next_in_paragraph(sent: SpacySpan) -> SpacySpan | None:
    """The sentence after this one, when the paragraph goes on."""
    doc = sent.doc
    if sent.end >= len(doc) or "\n" in doc[sent.end - 1].whitespace_:
        return None
    return doc[sent.end].sent


def _with_next_sentence(sent: SpacySpan) -> str:
    """The sentence and the one after it in the same paragraph: what happened to a protest
    ("Police fired tear gas to disperse the crowd.") is often told next."""
    following = _next_in_paragraph(sent)
    return sent.text if following is None else f"{sent.text} {following.text}"


def _deal_context(text: str) -> bool:
    return bool(re.search(r"\b(?:deal|agreement|accord|ceasefire|truce|pact|agreed)\b", text, re.I))


def _confidence(weight: float, roles: Roles) -> float:
    found = sum(bool(x) for x in (roles.actor1, roles.actor2))
    return round(min(0.99, weight * (0.7 + 0.15 * found)), 3)


# Verbs whose object is not something that happened here and now: "fled fighting",
# "condemned the attack", "to avoid conflict", "marked the anniversary of the massacre".
NOT_HAPPENING = {"flee", "escape", "avoid", "condemn", "denounce", "prevent", "fear", "deny",
                 "investigate", "mark", "commemorate", "remember", "end", "halt", "stop",
                 "risk", "blame", "protest", "report", "document", "recall", "mourn", "lose"}


def _state_not_event(doc: Document, match: Match) -> bool:
    """ "their destroyed homes": a participle describing a noun is a state, not an event."""
    if match.rule.sub not in ("Looting/property destruction", "Non-violent transfer of territory"):
        return False  # "an improvised explosive device", "a brokered deal" are events' names
    span = doc.nlp.char_span(match.start, match.end, alignment_mode="expand")
    return bool(span) and span[0].dep_ == "amod" and span[0].tag_ == "VBN" \
        and span[0].head.i in range(span.start, span.end)


def _denied(trigger: Token) -> bool:
    """ "without clashes", "no fighting", "fled fighting elsewhere": the words name an event
    that did not happen here."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.children):
        return True
    if trigger.dep_ == "amod" and trigger.tag_ in ("VBN", "JJ"):
        return True  # "their destroyed homes", "the besieged town": a state, not an event
    head = trigger.head
    if trigger.dep_ == "pobj" and head.lower_ in ("without", "despite", "against"):
        return head.lower_ == "without"
    noun_like = trigger.pos_ == "NOUN" or trigger.tag_ == "VBG"  # "fled fighting"
    governor = _governing_verb(trigger.head if trigger.pos_ == "VERB" else trigger)
    return trigger.dep_ in ("dobj", "pobj") and governor is not None and governor.i != trigger.i \
        and lemma(governor) in NOT_HAPPENING and noun_like


KILL_LEMMAS = {"kill", "wound", "injure", "target", "hit", "strike", "murder", "maim"}


def _claimant(sent: SpacySpan) -> list[Token]:
    """Who claimed or is blamed for the attack: "in an attack claimed by the Islamic State",
    "X claimed responsibility", "the attackers, blamed on the CODECO militia", "officials
    blamed X"."""
    for tok in sent:
        if tok.lower_[:5] not in ("claim", "blame", "attri"):
            continue  # no form of the three verbs (a lemma costs more than this test)
        if lemma(tok) == "claim":
            by = _pobj(tok, "by")
            if by:
                return by[:1]
            subj = _children(tok, "nsubj")
            if subj and any(c.lower_ == "responsibility" for c in tok.subtree):
                return subj[:1]
        elif lemma(tok) in ("blame", "attribute"):
            found = _pobj(tok, "on", "to") or _children(tok, "nsubjpass") or [
                o for o in _children(tok, "dobj") if _looks_like_actor(o)]
            found = [t for t in found if _looks_like_actor(t) and _kind([t]) in (1, 2, 3, 4, 8)]
            if found:
                return found[:1]
    return []


def _story_claimant(trigger: Token) -> list[Token]:
    """A claim or attribution elsewhere in the story ("Al-Shabaab claimed responsibility
    through its radio"), for a violent event whose sentence names no perpetrator."""
    doc, here = trigger.doc, trigger.sent
    after, before = [], []
    cursor = here
    while len(after) < 4 and cursor.end < len(doc):  # walk out from the sentence, not the doc
        cursor = doc[cursor.end].sent
        after.append(cursor)
    cursor = here
    while len(before) < 4 and cursor.start > 0:
        cursor = doc[cursor.start - 1].sent
        before.append(cursor)
    for sent in [s for pair in zip_longest(after, before) for s in pair if s is not None]:
        found = _claimant(sent)
        if found:
            return found
    return []


def _victims(sent: SpacySpan) -> list[Token]:
    """Whom the violence hit: the object of "killing ..." / subject of "were killed"."""
    for tok in sent:
        if tok.pos_ != "VERB" or lemma(tok) not in KILL_LEMMAS:
            continue
        found = _children(tok, "nsubjpass") or _children(tok, "dobj")
        found = [t for t in found if _looks_like_actor(t)]
        if found:
            return found[:1]
    return []


def _trigger_token(doc: Document, match: Match) -> Token | None:
    span = doc.nlp.char_span(match.start, match.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    # "recapture" in "completed the recapture": the span's syntactic head is the trigger.
    return span.root


def _governing_verb(tok: Token) -> Token | None:
    current = tok
    for _ in range(6):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _generic_present(verb: Token) -> bool:
    """Present simple with no perfect/progressive auxiliary: "both face assaults" states a
    condition, not a dated event. Reported speech ("police say ...") is handled by looking
    only at the trigger's own clause."""
    if verb.tag_ not in ("VBZ", "VBP"):
        return False
    auxes = {k.lower_ for k in verb.children if k.dep_ in ("aux", "auxpass")}
    return not auxes


def _in_support_phrase(tok: Token) -> bool:
    """True for triggers inside "backed by ...", "bolstered by ..." phrases."""
    for anc in tok.ancestors:
        if anc.dep_ in ("acl", "advcl", "amod", "relcl") and lemma(anc) in SUPPORT_LEMMAS:
            return True
    return False


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for t in tokens:
        out.append(t)
        out.extend(c for c in t.conjuncts if c not in out)
    return out


def _pobj(tok: Token, *preps: str) -> list[Token]:
    found: list[Token] = []
    for prep in tok.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in preps:
            found.extend(_children(prep, "pobj"))
    return found


def _subject(verb: Token) -> list[Token]:
    subj = _children(verb, "nsubj", "csubj")
    if subj:
        return subj
    # "Gunmen stormed the village and killed five": the conjoined verb shares the subject;
    # "X announced they would cede": an xcomp/ccomp inherits from its governor when empty.
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        return _subject(verb.head) if verb.head.pos_ in ("VERB", "AUX") else []
    return []


def _verb_roles(verb: Token, roles: Roles, territorial: bool) -> None:
    passive = _children(verb, "nsubjpass")
    if passive:
        roles.actor2 = passive
        roles.actor1 = _pobj(verb, "by")
    else:
        roles.actor1 = _subject(verb)
        # "recaptured the city of X": for a place changing hands the object is the place.
        objects = [] if territorial else _children(verb, "dobj")
        roles.actor2 = [o for o in objects if _looks_like_actor(o)]
    preps = ["against", "on", "with", "targeting", "upon", "to"] + (["from"] if territorial else [])
    for prep in preps:
        for obj in _pobj(verb, prep):
            if _looks_like_actor(obj) and obj not in roles.actor2:
                roles.actor2.append(obj)
                break
    if not roles.actor2 and territorial:
        roles.actor2 = _from_in_subtree(verb)
    allies = [c for t in roles.actor1 for c in t.conjuncts]
    if allies and not roles.actor2 and lemma(verb) in RECIPROCAL:
        # "The army and the RSF fought": the two sides, not allies.
        roles.actor2, allies = allies[:1], allies[1:]
    roles.assoc1.extend(allies)
    roles.assoc2.extend(c for t in roles.actor2 for c in t.conjuncts)


def _noun_roles(noun: Token, roles: Roles, light_verbs: set[str], territorial: bool) -> None:
    roles.actor1 = _pobj(noun, "by") + _children(noun, "poss")
    for part in _children(noun, "acl", "relcl"):  # "a missile fired by the Houthis"
        roles.actor1 = roles.actor1 or _pobj(part, "by")
    roles.actor2 = [t for t in _pobj(noun, "on", "against", "targeting", "upon")
                    if _looks_like_actor(t)]
    between = _pobj(noun, "between")
    if between and not roles.actor1:
        both = _with_conjuncts(between)
        roles.actor1, roles.actor2 = both[:1], both[1:2]
    if not roles.actor1:
        roles.actor1 = [m for m in _children(noun, "amod", "compound", "nmod")
                        if m.ent_type_ in ("NORP", "GPE", "ORG") and _looks_like_actor(m)]
    head = noun.head
    if not roles.actor1 and noun.dep_ == "dobj" and lemma(head) in light_verbs:
        roles.actor1 = _subject(head)
    if noun.dep_ == "nsubj" and head.pos_ == "VERB":  # "an air strike killed five civilians"
        roles.actor2 = roles.actor2 or [o for o in _children(head, "dobj") if _looks_like_actor(o)]
    if noun.dep_ == "pobj" and head.head.pos_ == "VERB":  # "killed in an air strike"
        victims = _children(head.head, "nsubjpass")
        roles.actor2 = roles.actor2 or [v for v in victims if _looks_like_actor(v)]
    if not roles.actor2 and territorial:
        roles.actor2 = _from_in_subtree(noun)


def _from_in_subtree(tok: Token) -> list[Token]:
    """The side a place was taken from: "the recapture of Palmyra from the Islamic State"."""
    for t in tok.subtree:
        if t.dep_ == "prep" and t.lower_ == "from":
            objs = [o for o in _children(t, "pobj") if _looks_like_actor(o)]
            if objs:
                return objs[:1]
    return []


def _support_actors(trigger: Token, actor1: list[Token]) -> list[Token]:
    """Allies: "troops backed by Russian jets", "Bolstered by air strikes from Moscow, ..."."""
    found: list[Token] = []
    verb = _governing_verb(trigger) or trigger
    anchors = [*actor1, verb, trigger]
    for anchor in anchors:
        for child in anchor.children:
            if child.dep_ in ("acl", "advcl", "amod", "relcl") and lemma(child) in SUPPORT_LEMMAS:
                found.extend(_pobj(child, "by"))
            if child.dep_ == "prep" and child.lower_ == "alongside":
                found.extend(_children(child, "pobj"))
    unique: list[Token] = []
    for t in found:
        if t not in actor1 and t not in unique:
            unique.append(t)
    return unique


def _resolve_pronoun(tok: Token) -> Token:
    """"they" in "X announced they would cede ..." is X: climb to the reporting clause."""
    if tok.lower_ not in PRONOUNS:
        return tok
    verb = tok.head
    for anc in [verb, *verb.ancestors]:
        if anc is verb:
            continue
        for subj in _children(anc, "nsubj"):
            if subj.lower_ not in PRONOUNS:
                return subj
    return tok


def _looks_like_actor(tok: Token) -> bool:
    if PLACE_NOUNS.fullmatch(tok.lower_):  # "cede several villages": a place, not people
        return False
    if CIVILIAN_SITES.fullmatch(lemma(tok).lower()):  # "stormed the Government ... School"
        return False
    if WEAPONS.fullmatch(lemma(tok).lower()) and not any(
            c.dep_ in ("amod", "compound", "poss", "nmod") and c.ent_type_ in ("NORP", "GPE", "ORG")
            for c in tok.children):
        return False  # "rockets fired from Gaza" names no one; "a Turkish drone" does
    if tok.lower_ in PRONOUNS:
        return tok.lower_ in ("they", "them")
    return actors.actor_kind(_phrase(tok)) is not None


def _phrase(tok: Token) -> str:
    tokens = _np_tokens(tok)
    # A Span's text is built from its own tokens; `Doc.text` rebuilds the whole document.
    return tok.doc[tokens[0].i:tokens[-1].i + 1].text


# Dependencies that stay inside an actor's noun phrase.
_NP_DEPS = {"det", "amod", "compound", "nummod", "poss", "case", "nmod", "quantmod", "appos",
            "punct", "npadvmod", "predet", "neg", "cc", "conj", "dep"}


def _np_tokens(tok: Token) -> list[Token]:
    """The contiguous noun phrase around `tok`: modifiers, "of"/"in" complements of names,
    appositions and bracketed acronyms; not relative clauses or other prepositions."""
    keep = {tok}
    stack = [tok]  # an explicit stack: "the son of the son of ..." must not hit the recursion limit
    while stack:
        t = stack.pop()
        for c in t.children:
            inside = c.dep_ in _NP_DEPS
            if c.dep_ == "prep" and c.lower_ == "of":
                inside = True
            if c.dep_ == "prep" and c.lower_ == "in" and t.pos_ == "PROPN":
                inside = True
            if c.dep_ == "pobj" and t.dep_ == "prep":
                inside = True
            if inside and c not in keep:
                keep.add(c)
                stack.append(c)
    ordered = sorted(keep, key=lambda t: t.i)
    # cut at the first gap so the span stays contiguous
    start = ordered.index(tok)
    lo, hi = start, start
    while lo > 0 and ordered[lo - 1].i == ordered[lo].i - 1:
        lo -= 1
    while hi + 1 < len(ordered) and ordered[hi + 1].i == ordered[hi].i + 1:
        hi += 1
    span = ordered[lo:hi + 1]
    while span and span[-1].dep_ in ("punct", "cc") and span[-1].text not in (")",):
        span.pop()
    while span and span[0].i != tok.i and not any(c.isalnum() for c in span[0].text):
        span.pop(0)  # a dateline bullet or dash parsed as a modifier
    return span or [tok]


def _np_span(doc: Document, tok: Token, whole: bool = False) -> Span:
    """The role's text. Allies keep their whole phrase ("air strikes and ground troops from
    Moscow") because the origin may be the only clue to who they are."""
    tokens = sorted(tok.subtree, key=lambda t: t.i) if whole else _np_tokens(tok)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return Span(start=start, end=end, text=doc.text[start:end], confidence=0.7)


def _kind(tokens: list[Token]) -> int | None:
    for t in tokens:
        kind = actors.actor_kind(_phrase(t))
        if kind is not None:
            return kind
    return None


def _territory(trigger: Token, sent: SpacySpan, roles: Roles) -> str | None:
    """A place changed hands: who took it decides the sub-type."""
    window = sent.text[trigger.idx - sent.start_char:]
    has_place = PLACE_NOUNS.search(window) or any(
        e.label_ in ("GPE", "LOC", "FAC", "PERSON") and e.start_char >= trigger.idx
        for e in sent.ents
    )
    if not has_place:
        return None
    kind = _kind(roles.actor1)
    if kind is None:
        return None
    return "Government regains territory" if kind == 1 else "Non-state actor overtakes territory"


def _crowd_or_armed(sub: str, roles: Roles) -> str | None:
    """Clashes and burning by crowds are riots: "clashes between communities" is mob
    violence, students clashing with party activists a violent demonstration."""
    if sub == "Looting/property destruction":
        if not roles.actor1:
            return None  # "their destroyed homes": no one is said to have done it
        crowd = re.search(r"\b(?:mobs?|crowds?|rioters)\b", _phrase(roles.actor1[0]), re.I)
        return "Mob violence" if crowd else sub
    kinds = {_kind(roles.actor1), _kind(roles.actor2)} - {None}
    if _kind(roles.actor1) in (5, 6, 7) and kinds <= {5, 6, 7}:
        return "Violent demonstration" if 6 in kinds else "Mob violence"
    return sub


WEAPON_SUBS = [
    (re.compile(r"\b(?:drones?|warplanes?|jets?|aircraft|helicopters?|air ?strikes?)\b", re.I),
     "Air/drone strike"),
    (re.compile(r"\b(?:rockets?|missiles?|artillery|shells?|mortars?)\b", re.I),
     "Shelling/artillery/missile attack"),
    (re.compile(r"\bgrenades?\b", re.I), "Grenade"),
    (re.compile(r"\b(?:ieds?|roadside bombs?|car bombs?|explosive devices?|landmines?)\b", re.I),
     "Remote explosive/landmine/IED"),
]


def _weapon_sub(trigger: Token) -> str | None:
    """"attacked Kyiv with waves of drones": the weapon decides the sub-event type."""
    for obj in _pobj(trigger, "with", "using"):
        phrase = " ".join(t.text for t in obj.subtree)
        for pattern, sub in WEAPON_SUBS:
            if pattern.search(phrase):
                return sub
    return None


def _violence(roles: Roles, sent: SpacySpan, trigger: Token) -> str | None:
    """Attack on civilians or armed clash, from the target's actor type (or the weapon)."""
    weapon = _weapon_sub(trigger)
    if weapon is not None:
        return weapon
    target = _kind(roles.actor2)
    agent = _kind(roles.actor1)
    if target is None and any(CIVILIAN_SITES.fullmatch(lemma(t).lower())
                              for t in _children(trigger, "dobj") + _pobj(trigger, "on", "at")):
        target = 7  # "stormed a school", "an attack on a market"
    if target in (5, 6, 7) and agent == 5:
        return "Mob violence"  # a crowd attacking people
    if target == 7 and agent in (6, 7):
        return "Attack"  # "men in uniform killed villagers": attackers the text does not name
    if target == 7:
        return "Attack"
    if target in (1, 2, 3, 4, 8):
        return "Armed clash" if agent is None or agent in (1, 2, 3, 4, 8) else None
    if agent in (2, 3, 4) and re.search(r"\b(?:villag\w*|civilians|residents|people|"
                                         r"farmers|worshippers|passengers)\b", sent.text, re.I):
        return "Attack"
    return None
