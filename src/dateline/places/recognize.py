"""Toponym recognition: which spans of a text name places.

Candidates come from spaCy's entities (GPE, LOC, FAC), from country names and demonyms
(`dateline.countries`; "Syrian" stands for Syria), from AP-style state abbreviations ("Ky.",
"W.Va."), from datelines left in the body ("SALINA, Kan. (AP) —") and from gazetteer matches of
capitalised token n-grams, which catch what the small English model misses or mislabels ("the
city of Palmyra" tagged PERSON). Gazetteer-only matches need more evidence (a large population,
an area name, a cue like "the village of", "in X", "X, S.C."), because capitalised words that
are also some village's name are everywhere in news text; streets, titled people and words that
are never places alone are dropped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.attrs import IDX, IS_ALPHA, LENGTH
from spacy.tokens import Doc as SpacyDoc
from spacy.tokens import Span as SpacySpan

from .. import countries
from ..records import Span
from .gazetteer import Entry, Gazetteer
from .names import features

PLACE_LABELS = {"GPE", "LOC", "FAC"}
OTHER_LABELS = {"PERSON", "ORG", "NORP"}  # the small model's usual mistakes for places
MIN_POP_PHRASE = 50_000  # a bare capitalised gazetteer match must be at least this big
MIN_POP_OTHER = 100_000  # ... and so must a place spaCy labelled PERSON/ORG/NORP
MAX_NGRAM = 4
MIN_POP_GOVERNED = 1_000  # ... unless "in"/"from"/"near" X, where a town this size will do
VOUCHING_PREPS = {"in", "from", "near", "outside"}
_HYPHENATED = re.compile(r"-\w")
_AFTER_COMMA = re.compile(r",\s*([A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)")
GENERIC_SETTLEMENT = {"city", "township", "twp", "twp.", "village", "town", "borough"}
NATURAL = {"river", "lake", "sea", "ocean", "gulf", "creek", "bay", "island", "islands",
           "mountains", "mountain", "desert", "peninsula"}
# "MANSFIELD -- ", "COLUMBUS, Ohio (AP) — ", "SALINA, Kan. Strong winds", "BEIRUT: ": capitals
# at the start of a line, a sentence or after the byline's year, then a dash (or a state).
_INLINE_DATELINE = re.compile(
    r"(?:^|(?<=[.!?:]\s)|(?<=[.!?:][\"”'’]\s)|(?<=\n)|(?<=\d{4}\s))"
    r"([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,2})"
    r"(?:(?:,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)?\s*(?:\((?:AP|Reuters|AFP|UPI)\))?"
    r"\s*(?:—|–|-{1,3}|\x97|:)|,\s*[A-Z][a-z]*\.(?:[A-Z][a-z]*\.)?(?=\s[A-Z]))")
CONNECTORS = {"of", "de", "del", "la", "le", "upon", "on", "du", "des", "al", "el", "da", "do"}


@dataclass
class Mention:
    """A span that names a place, with the gazetteer entries it may mean."""

    start: int
    end: int
    text: str
    how: str  # dateline | abbrev | country | demonym | ner | other | phrase | repeat
    candidates: list[tuple[Entry, bool]] = field(default_factory=list)
    hint: str | None = None  # admin1 | admin2 | settlement: what a cue word says it is
    label: str | None = None  # the spaCy entity label it was read from
    container: int | None = None  # index of the ", Y" mention right after it ("Paris, Texas")
    vouched: bool = False  # a weak match that its context confirms ("in Greer", "Greer, S.C.")


@dataclass
class Recognition:
    mentions: list[Mention]
    demonyms: list[tuple[int, int, str]]  # (start, end, iso2): also mentions, how="demonym"


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    path = resources.files("dateline").joinpath("data/places/stopwords.txt")
    lines = path.read_text("utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def abbreviations() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """AP-style ("Ky.") and postal ("KY") admin1 abbreviations -> (country, admin1)."""
    path = resources.files("dateline").joinpath("data/places/admin1_abbreviations.csv")
    table: dict[str, tuple[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for abbr in row["abbreviations"].split("|"):
                table[abbr] = (row["country"], row["admin1"])
    words = sorted(table, key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s?") for w in words)
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])"), table


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in taken)


class Recognizer:
    """Finds place mentions in a parsed document."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        feats = features()
        self.admin1_words = set(feats["admin1_words"])
        self.admin2_words = set(feats["admin2_words"])
        self.settlement_words = set(feats["settlement_words"])
        self.street_words = set(feats["street_words"])
        self.person_titles = set(feats["person_titles"])
        self.never_alone = set(feats["never_alone"])

    def __call__(self, sdoc: SpacyDoc, dateline: Span | None = None) -> Recognition:
        text = _doc_text(sdoc)
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []

        def add(m: Mention) -> None:
            found.append(m)
            taken.append((m.start, m.end))

        self.person_words = {t.text for e in sdoc.ents if e.label_ == "PERSON" and len(e) > 1
                             for t in e}
        if dateline is not None:
            self._dateline(text, dateline, add)
        else:
            self._inline_datelines(text, add)
        self._abbreviations(text, taken, add)
        demonyms = self._countries(sdoc, taken, add)
        self._entities(sdoc, taken, add)
        self._phrases(sdoc, taken, add)
        self._repeats(sdoc, found, taken, add)
        found.sort(key=lambda m: m.start)
        _link_containers(text, found)
        return Recognition(found, demonyms)

    # ------------------------------------------------------------------ sources

    def _dateline(self, text: str, dateline: Span, add) -> None:
        # "BEIRUT" / "WASHINGTON, D.C." / "Tripoli, Libya (Reuters)": the first name part.
        part = re.match(r"\s*([^,(•—–-]+)", text[dateline.start:dateline.end])
        if not part:
            return
        name = part.group(1).strip()
        start = dateline.start + text[dateline.start:dateline.end].find(name)
        cands = self.gaz.lookup(name.title(), loose=True) or self.gaz.lookup(name, loose=True)
        add(Mention(start, start + len(name), text[start:start + len(name)], "dateline", cands))

    def _inline_datelines(self, text: str, add) -> None:
        """Datelines left in the text ("MANSFIELD — The council ...") when ingest found none:
        capitals at the start of a line or sentence, then a dash."""
        for m in _INLINE_DATELINE.finditer(text):
            name = m.group(1)
            cands = self.gaz.lookup(name.title(), loose=True)
            if cands:
                add(Mention(m.start(1), m.end(1), name, "dateline", cands))

    def _abbreviations(self, text: str, taken, add) -> None:
        regex, table = abbreviations()
        for m in regex.finditer(text):
            word = m.group(0)
            dotted = "." in word
            after_comma = text[max(0, m.start() - 2):m.start()] == ", "
            # Postal codes ("GA") only right after "City, "; dotted forms also alone ("W.Va.").
            if not (after_comma or (dotted and word.count(".") > 1)):
                continue
            if _overlaps(m.start(), m.end(), taken):
                continue
            key = table.get(word) or table.get(re.sub(r"\s", "", word))
            if key is None:
                continue
            entry = self.gaz.admin1(*key)
            if entry is not None:
                add(Mention(m.start(), m.end(), word, "abbrev", [(entry, True)], hint="admin1"))

    def _countries(self, sdoc: SpacyDoc, taken, add) -> list[tuple[int, int, str]]:
        text = _doc_text(sdoc)
        demonyms = []
        persons = _person_spans(sdoc)
        for start, end, iso in countries.find_all(text):
            word = text[start:end]
            if _overlaps(start, end, taken):
                continue
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e in persons):
                continue  # a first or last name: "Chad Walker", "Michael Jordan"
            entry = self.gaz.country(iso)
            if countries.is_demonym(word):
                # "Syrian forces", "the Russians": the country, listed as a place (gazetteers
                # like LGL count them) but never where an event happened (role "demonym").
                demonyms.append((start, end, iso))
                if entry is not None:
                    add(Mention(start, end, word, "demonym", [(entry, True)]))
                continue
            cands = [(entry, False)] if entry else []
            # Other places share country names ("Georgia", "Lebanon, Pa."): rank them all.
            cands += [(e, alt) for e, alt in self.gaz.lookup(word)
                      if e.feature != "country" and not alt]
            add(Mention(start, end, word, "country", cands))
        return demonyms

    def _entities(self, sdoc: SpacyDoc, taken, add) -> None:
        for ent in sdoc.ents:
            if ent.label_ not in PLACE_LABELS | OTHER_LABELS:
                continue
            for span in _parts(ent):
                span = _trim(span)
                if span is None or _overlaps(span.start_char, span.end_char, taken):
                    continue
                whole = span.start == ent.start and span.end == ent.end
                m = self._entity_mention(span, ent.label_, whole)
                if m is not None:
                    add(m)

    def _not_a_place(self, span: SpacySpan) -> bool:
        """A street ("Darby Street"), a person ("coach Ripley", "Mrs. Lincoln", the surname of
        a person named in full elsewhere) or a word that is never a place alone ("Western")."""
        doc = span.doc
        if len(span) == 1 and span.text.lower() in self.never_alone:
            return True
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.text[:1].isupper() and nxt.lower_.rstrip(".") in \
                self.street_words:
            return True
        prev = doc[span.start - 1] if span.start > 0 else None
        if prev is not None and prev.lower_.rstrip(".") in self.person_titles:
            return True
        return len(span) == 1 and span.text in self.person_words and not _governed(span)

    def _entity_mention(self, span: SpacySpan, label: str, whole: bool) -> Mention | None:
        if self._not_a_place(span):
            return None
        cue = self._cue(span)
        span, hint, cands = self._with_admin_word(span, cue)
        if label in PLACE_LABELS:
            if not span.text[:1].isupper():
                return None
            if not cands:
                span, cands = self._without_generic(span)
            if not cands and not _unresolved_ok(span, label):
                return None
            return Mention(span.start_char, span.end_char, span.text, "ner", cands, hint, label)
        # PERSON/ORG/NORP: only an exact, strong gazetteer match, or one a cue word vouches for.
        if span.text.lower() in stopwords() or not cands or span.text[:1].islower():
            return None
        if span.text in self.person_words:
            return None
        strong = whole and any(e.population >= MIN_POP_OTHER for e, alt in cands if not alt)
        vouched = whole and self._vouched(span, cands)
        if hint or strong or vouched:
            return Mention(span.start_char, span.end_char, span.text, "other", cands, hint, label,
                           vouched=vouched)
        return None

    def _vouched(self, span: SpacySpan, cands: list[tuple[Entry, bool]]) -> bool:
        """Context that makes a weak gazetteer match a place: "Greer, South Carolina" / "Greer,
        S.C." (a town of that name in that state), or "in Greer" / "from Greer" (a town of
        that exact name with at least MIN_POP_GOVERNED people)."""
        towns = [e for e, alt in cands if not alt and e.feature == "city"]
        if not towns or _HYPHENATED.match(_doc_text(span.doc), span.end_char):
            return False  # "Ye" of "Ye-U township" is not the town Ye
        within = self._container_area(span)
        if within is not None:
            cc, admin1 = within
            return any(e.country == cc and admin1 in (None, e.admin1) for e in towns)
        prev = span.doc[span.start - 1] if span.start > 0 else None
        return (prev is not None and prev.lower_ in VOUCHING_PREPS
                and any(e.population >= MIN_POP_GOVERNED for e in towns))

    def _container_area(self, span: SpacySpan) -> tuple[str, str | None] | None:
        """(country, admin1 or None) named right after ", ": "Salina, Kan." -> (US, Kansas)."""
        text = _doc_text(span.doc)
        m = _AFTER_COMMA.match(text, span.end_char)
        if m is None:
            return None
        _, table = abbreviations()
        for words in (m.group(1), m.group(1).split()[0]):
            if words in table:
                return table[words]
            for e, _ in self.gaz.lookup(words):
                if e.feature == "admin1":
                    return e.country, e.admin1
                if e.feature == "country":
                    return e.country, None
        return None

    def _phrases(self, sdoc: SpacyDoc, taken, add) -> None:
        stop = stopwords()
        person_words = self.person_words
        # Whether an n-gram is name-like is tested on per-token flags: building spaCy spans
        # for every n-gram of every sentence is costly.
        word, connector = _name_words(sdoc)
        for sent in sdoc.sents:
            i = sent.start
            while i < sent.end:
                step = 1
                if not word[i]:
                    i += 1
                    continue
                for n in range(min(MAX_NGRAM, sent.end - i), 0, -1):
                    if not _name_like(word, connector, i, n):
                        continue
                    span = sdoc[i:i + n]
                    if _overlaps(span.start_char, span.end_char, taken):
                        continue
                    if span.text.lower() in stop or _in_person(span):
                        continue
                    if n == 1 and span.text in person_words:
                        continue  # a surname ("Lincoln", "Moore") used for a person here
                    if n == 1 and span[0].is_stop:
                        continue
                    m = self._phrase_mention(span, _starts_sentence(sdoc, sent.start, i))
                    if m is not None:
                        add(m)
                        step = n
                        break
                i += step

    def _phrase_mention(self, span: SpacySpan, sentence_start: bool) -> Mention | None:
        # The loose (Arabic spelling) key only for big places: "Raqa" but no stray villages.
        cands = self.gaz.lookup(span.text) or [
            (e, alt) for e, alt in self.gaz.lookup(span.text, loose=True)
            if e.population >= MIN_POP_PHRASE]
        if not cands or self._not_a_place(span):
            return None
        cue = self._cue(span)
        span, hint, cands = self._with_admin_word(span, cue, cands)
        big = any(e.population >= MIN_POP_PHRASE * (10 if alt else 1) for e, alt in cands)
        area = any(e.feature != "city" for e, alt in cands if not alt)
        vouched = self._vouched(span, cands)
        known = any(e.population >= MIN_POP_OTHER for e, alt in cands if not alt)
        if sentence_start and not (hint or vouched or area or known):
            return None  # a sentence-initial capital says little, unless a big or area name
        if hint or big or area or vouched:
            return Mention(span.start_char, span.end_char, span.text, "phrase", cands, hint,
                           vouched=vouched)
        return None

    def _repeats(self, sdoc: SpacyDoc, found: list[Mention], taken, add) -> None:
        """One sense per discourse: a name accepted once is a place wherever else it appears
        as a whole name (spaCy tags "Palmyra" GPE in one sentence and PERSON in the next)."""
        names = {m.text: m for m in found if m.candidates and m.how != "abbrev"
                 and (m.how != "phrase" or m.hint or m.vouched)}
        if not names:
            return
        regex = re.compile(r"(?<![\w])(?:" + "|".join(
            re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w])")
        for hit in regex.finditer(_doc_text(sdoc)):
            start, end = hit.span()
            if _overlaps(start, end, taken):
                continue
            span = sdoc.char_span(start, end)
            if span is None or _in_person(span, exact_ok=True):
                continue
            src = names[hit.group(0)]
            if hit.group(0) in self.person_words or self._not_a_place(span):
                continue
            if _sentence_start(span) and src.how not in ("ner", "country", "dateline"):
                continue
            add(Mention(start, end, hit.group(0), "repeat", list(src.candidates), src.hint))

    def _without_generic(self, span: SpacySpan) -> tuple[SpacySpan, list]:
        """"Fargo City" / "Oakport Township": resolve the name without the generic word."""
        if len(span) > 1 and span[-1].lower_ in GENERIC_SETTLEMENT:
            cands = [(e, a) for e, a in self.gaz.lookup(span[:-1].text) if e.feature == "city"]
            if cands:
                return span, cands
        return span, []

    # ------------------------------------------------------------------ cues

    def _cue(self, span: SpacySpan) -> str | None:
        """"the city of X" -> settlement; "the province of X" -> admin1."""
        doc = span.doc
        if span.start >= 2 and doc[span.start - 1].lower_ == "of":
            word = doc[span.start - 2].lower_
            if word in self.admin1_words:
                return "admin1"
            if word in self.admin2_words:
                return "admin2"
            if word in self.settlement_words:
                return "settlement"
        return None

    def _with_admin_word(self, span: SpacySpan, cue: str | None,
                         cands: list[tuple[Entry, bool]] | None = None):
        """Extend "Homs" to "Homs province" / "Laurel" to "Laurel County" when the longer
        name is in the gazetteer; read "province of Homs" as the admin1 area."""
        doc = span.doc
        if span.end < len(doc) and _admin_word_ok(doc, span.end):
            word = doc[span.end].lower_
            kind = "admin1" if word in self.admin1_words else (
                "admin2" if word in self.admin2_words else None)
            if kind:
                longer = doc[span.start:span.end + 1]
                hits = [(e, a) for e, a in self.gaz.lookup(longer.text) if e.feature == kind]
                if hits:
                    return longer, kind, hits
        if cands is None:
            cands = self.gaz.lookup(span.text, loose=True)
        if cue in ("admin1", "admin2"):
            areas = [(e, a) for e, a in cands if e.feature == cue]
            return span, cue, areas or cands
        return span, cue, cands


def _admin_word_ok(doc: SpacyDoc, i: int) -> bool:
    """"Homs province", "Laurel County", but not "Minnesota State (University)" or
    "Minnesota Department (of Health)": capitalised State/Department start org names."""
    tok = doc[i]
    if tok.text[:1].islower():
        return True
    if tok.lower_ in ("state", "department", "region"):
        return False
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return nxt is None or not (nxt.lower_ == "of" or nxt.text[:1].isupper())


def _unresolved_ok(span: SpacySpan, label: str) -> bool:
    """Keep a place spaCy found but the gazetteer lacks only when its last word says it is one
    ("Oakport Township", "Kanawha River"); streets, buildings and odd tags are dropped."""
    if any(ch.isdigit() for ch in span.text):
        return False
    last = span[-1].lower_
    if label == "GPE":
        return last in GENERIC_SETTLEMENT or last in NATURAL or last in {"county", "parish"}
    if label == "LOC":
        return last in NATURAL
    return False


def _parts(ent: SpacySpan) -> list[SpacySpan]:
    """"Alexandria, Va." -> ["Alexandria", "Va."]: split an entity at commas."""
    parts, start = [], ent.start
    for tok in ent:
        if tok.text == ",":
            if tok.i > start:
                parts.append(ent.doc[start:tok.i])
            start = tok.i + 1
    if start < ent.end:
        parts.append(ent.doc[start:ent.end])
    return parts


def _trim(span: SpacySpan) -> SpacySpan | None:
    """Drop a leading "the" and a trailing possessive or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct
                           or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in ("'s", "’s", "'") or doc[end - 1].is_punct
                           or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


def _name_words(sdoc: SpacyDoc) -> tuple[list[bool], list[bool]]:
    """Per token: may it be a word of a name (capitalised, no digits, not all caps), and may it
    join the words of one inside it ("of", "de")."""
    word, connector = [], []
    doc_text = _doc_text(sdoc)
    # Offsets from one array rather than a spaCy Token per word (a third of the cost).
    for start, length, alpha in sdoc.to_array([IDX, LENGTH, IS_ALPHA]).tolist():
        text = doc_text[start:start + length]
        word.append(text[:1].isupper() and (alpha or text in (".", "-", "'"))
                    and not (alpha and text.isupper() and length > 1))
        connector.append(text.lower() in CONNECTORS)
    return word, connector


def _name_like(word: list[bool], connector: list[bool], i: int, n: int) -> bool:
    """Tokens i .. i+n-1 are a name: every word capitalised, inner connectors aside."""
    last = i + n - 1
    return word[i] and word[last] and all(word[j] or connector[j] for j in range(i + 1, last))


LOCATIVE_PREPS = {"in", "at", "near", "from", "to", "of", "into", "outside", "around"}


def _governed(span: SpacySpan) -> bool:
    """Right after a locative preposition ("in Lincoln"): a place even if a person shares it."""
    prev = span.doc[span.start - 1] if span.start > 0 else None
    return prev is not None and prev.lower_ in LOCATIVE_PREPS


def _sentence_start(span: SpacySpan) -> bool:
    """First word of its sentence, quotes and brackets before it aside."""
    return _starts_sentence(span.doc, span.sent.start, span.start)


def _starts_sentence(doc: SpacyDoc, sent_start: int, i: int) -> bool:
    return all(t.is_punct or t.is_space for t in doc[sent_start:i])


def _in_person(span: SpacySpan, exact_ok: bool = False) -> bool:
    """Inside a person's name ("George Washington"); an exact PERSON span may be allowed."""
    for start, end in _person_spans(span.doc):
        if start > span.start_char:
            break
        if span.end_char <= end:
            exact = start == span.start_char and end == span.end_char
            return not (exact and exact_ok)
    return False


def _doc_text(doc: SpacyDoc) -> str:
    """The document's text, computed once per document (spaCy's `Doc.text` joins every
    token's text on each access)."""
    cached = doc.user_data.get("dateline_text")
    if cached is None:
        cached = doc.user_data["dateline_text"] = doc.text
    return cached


def _person_spans(doc: SpacyDoc) -> list[tuple[int, int]]:
    """The document's PERSON entities, sorted, computed once per document (spaCy's `ents`
    rebuilds its list on every access)."""
    cached = doc.user_data.get("dateline_persons")
    if cached is None:
        cached = sorted((e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON")
        doc.user_data["dateline_persons"] = cached
    return cached


def _link_containers(text: str, mentions: list[Mention]) -> None:
    """"Paris, Texas": a mention followed by ", " and another one is inside that one."""
    for i in range(len(mentions) - 1):
        gap = text[mentions[i].end:mentions[i + 1].start]
        if gap.strip() == "," and len(gap) <= 3:
            mentions[i].container = i + 1
