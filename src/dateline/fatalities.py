"""Fatalities: how many people an event killed, read from the sentences that report it.

ACLED's rules (shared/ACLED_NOTES.md): reported deaths only, injuries never; the most
conservative credible figure ("at least 12" -> 12, "between 10 and 15" -> 10, "dozens" -> 12,
an unspecified plural -> 3); a figure repeated across sentences is counted once (the largest
single figure), while clearly different groups in one phrase add up ("killing five soldiers
and three civilians" -> 8). Choice, documented: "up to 20" is coded 20 (the only figure given)
with lower confidence.

Written by hand over spaCy tokens: number-word libraries (word2number, text2num) turn
"twenty-five" into 25 but know nothing of "dozens" = 12, "at least", ages ("a 12-year-old
boy"), injuries, or which predicate a figure belongs to, and no library ties a figure to a
death word. POS tags tell a plural noun ("killing civilians" -> 3) from a verb. The words are
data in `data/fatalities/*.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .records import Document, Event, Span

DATA = Path(__file__).parent / "data" / "fatalities"
NEXT_SENTENCE_CONF = 0.8  # a figure read from the following sentence is a little less sure

CONF_NUMBER, CONF_UPPER, CONF_VAGUE, CONF_SINGLE = 0.9, 0.6, 0.6, 0.7
CONF_DEFINITE, CONF_PLURAL, CONF_ZERO, CONF_NONE = 0.5, 0.4, 0.8, 0.5
MAX_CREDIBLE = 100_000  # a larger figure for one event is a misreading ("99999999999 killed")

NP_POS = {"NOUN", "PROPN", "ADJ", "DET", "NUM", "ADV", "PART", "ADP", "CCONJ", "AUX"}
NP_WORDS = {",", "-", "–", "them", "whom", "those", "all", "'s", "who"}
NP_STOP = {"by", ";", ":", ".", "that", "which", "after", "as", "while", "when", "than"}
BE_GET = {"was", "were", "been", "being", "be", "is", "are", "got", "get", "gets", "getting"}
NOT_OBJECT = {"yesterday", "today", "overnight", "tonight", "last", "this", "earlier", "later",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "in", "on", "at", "near", "when", "during", "after", "while"}
TOLL_GAP_POS = {"DET", "ADJ", "ADP", "NOUN", "PROPN"}
SELF = {"himself": 1, "herself": 1, "themselves": 0}  # "killing himself and 12 others" -> 13
NUMERIC = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")


class Phrases:
    """A set of word sequences, matched at or ending at a token position."""

    def __init__(self, phrases: list[str]) -> None:
        self.items = {tuple(str(p).lower().split()) for p in phrases}
        self.longest = max((len(p) for p in self.items), default=0)

    def at(self, words: list[str], k: int) -> int:
        """Length of the longest phrase starting at k (0 if none)."""
        for n in range(min(self.longest, len(words) - k), 0, -1):
            if tuple(words[k:k + n]) in self.items:
                return n
        return 0

    def ending(self, words: list[str], j: int) -> int:
        """Length of the longest phrase ending at j inclusive (0 if none)."""
        for n in range(min(self.longest, j + 1), 0, -1):
            if tuple(words[j - n + 1:j + 1]) in self.items:
                return n
        return 0


@dataclass
class Lexicon:
    units: dict[str, int]
    scales: dict[str, int]
    vague: dict[str, int]
    vague_phrases: Phrases
    lower: Phrases
    upper: Phrases
    not_people: set[str]
    not_after: set[str]
    death: Phrases
    death_nouns: Phrases
    kill: Phrases
    nouns_of: Phrases
    toll: Phrases
    toll_links: Phrases
    injury: Phrases
    subset: Phrases
    not_victims: set[str]
    zero: list[re.Pattern[str]]
    continuation: Phrases


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    nums = yaml.safe_load((DATA / "numbers.yaml").read_text(encoding="utf-8"))
    deaths = yaml.safe_load((DATA / "deaths.yaml").read_text(encoding="utf-8"))
    return Lexicon(
        units={**nums["units"], **nums["tens"]},
        scales=nums["scales"],
        vague=nums["vague"],
        vague_phrases=Phrases(list(nums["vague"])),
        lower=Phrases(nums["lower_bound"]),
        upper=Phrases(nums["upper_bound"]),
        not_people={str(w).lower() for w in nums["not_people"]},
        not_after={str(w).lower() for w in nums["not_after"]},
        death=Phrases(deaths["death_predicates"]),
        death_nouns=Phrases(deaths["death_nouns"]),
        kill=Phrases(deaths["kill_verbs"]),
        nouns_of=Phrases(deaths["death_nouns_of"]),
        toll=Phrases(deaths["toll_words"]),
        toll_links=Phrases(deaths["toll_links"]),
        injury=Phrases(deaths["injury_words"] + deaths["other_outcomes"]),
        subset=Phrases(deaths["subset_markers"]),
        not_victims={str(w).lower() for w in deaths["not_victims"]},
        zero=[re.compile(p, re.I) for p in deaths["zero_patterns"]],
        continuation=Phrases(deaths["continuation_starts"]),
    )


@dataclass
class Tokens:
    """The parts of spaCy tokens the rules read, with offsets into the caller's text."""

    w: list[str] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, tokens, base: int = 0) -> Tokens:  # noqa: ANN001 - any iterable of spaCy tokens
        out = cls()
        for t in tokens:
            if t.is_space:
                continue
            out.w.append(t.lower_)
            out.pos.append(t.pos_)
            out.tag.append(t.tag_)
            out.start.append(t.idx - base)
            out.end.append(t.idx + len(t) - base)
        return out

    def __len__(self) -> int:
        return len(self.w)


@dataclass
class Figure:
    value: int
    start: int  # token index of the phrase ("at least 12 people": "at")
    end: int  # token index after the figure itself
    kind: str  # number | vague | single | definite | plural
    conf: float
    tie: int | None = None  # token index of the death word or verb it belongs to
    extra: int = 0  # a suicide attacker counted with the victims


# ---- reading figures ---------------------------------------------------------------------------

def _word_number(t: Tokens, j: int, lex: Lexicon) -> tuple[int, int] | None:
    """'twenty - five', 'one hundred and twenty', 'two thousand' -> (value, end)."""
    total = current = 0
    k, seen = j, False
    while k < len(t):
        w = t.w[k]
        nxt = t.w[k + 1] if k + 1 < len(t) else ""
        if w in lex.units:
            current += lex.units[w]
        elif w == "hundred" and seen:
            current *= 100
        elif w in lex.scales and seen:
            total, current = total + current * lex.scales[w], 0
        elif w in ("-", "and") and seen and nxt in lex.units:
            pass
        else:
            break
        seen = True
        k += 1
    return (total + current, k) if seen else None


def _singular_follows(t: Tokens, k: int) -> bool:
    """After 'a'/'an': does a singular noun head the phrase? ('a 12-year-old boy' yes)."""
    head = None
    while k < len(t) and (t.pos[k] in ("ADJ", "NUM", "NOUN", "PROPN") or t.w[k] in ("-", "–")):
        if t.pos[k] in ("NOUN", "PROPN"):
            head = k
        k += 1
    return head is not None and t.tag[head] in ("NN", "NNP")


def _number_at(t: Tokens, j: int, lex: Lexicon) -> tuple[int, int, str] | None:
    if j >= len(t):
        return None
    n = lex.vague_phrases.at(t.w, j)
    if n:
        return lex.vague[" ".join(t.w[j:j + n])], j + n, "vague"
    w = t.w[j]
    if NUMERIC.fullmatch(w):
        if re.fullmatch(r"(?:19|20)\d\d", w):  # a year, not a count
            return None
        value, k = float(w.replace(",", "")), j + 1
        if k < len(t) and t.w[k] in lex.scales:
            value, k = value * lex.scales[t.w[k]], k + 1
        return int(value), k, "number"
    words = _word_number(t, j, lex)
    if words:
        return words[0], words[1], "number"
    if w in ("a", "an", "another") and _singular_follows(t, j + 1):
        return 1, j + 1, "single"
    return None


def _is_count(t: Tokens, k: int, lex: Lexicon) -> bool:
    """False when the words after a figure make it an age, a duration or a unit."""
    if k >= len(t):
        return True
    if t.w[k] in lex.not_people:
        return False
    return not (t.w[k] in ("-", "–") and k + 1 < len(t) and t.w[k + 1] in lex.not_people)


def _is_age(t: Tokens, i: int, k: int) -> bool:
    """'Hailey, 6, and Caleb, 4': a bare number between commas after a name is an age."""
    after_name = i >= 2 and t.w[i - 1] == "," and t.pos[i - 2] == "PROPN"
    return after_name and (k >= len(t) or t.w[k] in (",", "and", ")", "."))


def _quantity(t: Tokens, i: int, lex: Lexicon) -> Figure | None:
    if i > 0 and (t.w[i - 1] in lex.not_after or t.w[i - 1] == "no"):  # "aged 25", "no one"
        return None
    for with_modifier in (True, False):  # "some 200" and "some people" both parse
        j, conf = i, CONF_NUMBER
        if with_modifier:
            n = lex.lower.at(t.w, j)
            m = 0 if n else lex.upper.at(t.w, j)
            if not n + m:
                continue
            j, conf = j + n + m, (CONF_UPPER if m else CONF_NUMBER)
        between = t.w[j] == "between" if j < len(t) else False
        got = _number_at(t, j + between, lex)
        if got is None:
            continue
        value, k, kind = got
        # A range keeps its lower end: "10-15", "10 to 15", "between 10 and 15".
        if k + 1 < len(t) and (t.w[k] in ("-", "–", "to", "or") or (between and t.w[k] == "and")):
            other = _number_at(t, k + 1, lex)
            if other and other[2] == "number":
                value, k = min(value, other[0]), other[1]
        if not _is_count(t, k, lex) or (kind == "number" and _is_age(t, i, k)):
            return None
        conf = {"vague": min(conf, CONF_VAGUE), "single": CONF_SINGLE}.get(kind, conf)
        return Figure(value, i, k, kind, conf)
    return None


def _figures(t: Tokens, lex: Lexicon) -> list[Figure]:
    out: list[Figure] = []
    i = 0
    while i < len(t):
        fig = _quantity(t, i, lex)
        if fig is None:
            i += 1
            continue
        out.append(fig)
        i = fig.end
        # "3 of the 40 passengers": the 40 is the whole, not more dead.
        if t.w[i:i + 1] == ["of"]:
            j = i + 1 + (t.w[i + 1:i + 2] in (["the"], ["those"], ["these"]))
            whole = _quantity(t, j, lex) if j < len(t) else None
            i = whole.end if whole and whole.kind == "number" else i
    return out


# ---- tying a figure to a death -----------------------------------------------------------------

def _kill_at(t: Tokens, k: int, lex: Lexicon) -> int:
    """Length of a killing verb phrase at k; nouns ("the killing of", "murders") do not count."""
    n = lex.kill.at(t.w, k)
    return n if n and t.pos[k] == "VERB" else 0


def _kill_ending(t: Tokens, j: int, lex: Lexicon) -> bool:
    n = lex.kill.ending(t.w, j)
    return bool(n) and t.pos[j - n + 1] == "VERB"


def _object_starts(t: Tokens, k: int, lex: Lexicon) -> bool:
    """Does an object follow the verb at k? ('killed 12' yes: active; 'killed in' no)."""
    if k >= len(t) or t.w[k] in NOT_OBJECT:
        return False
    if lex.lower.at(t.w, k) or lex.upper.at(t.w, k):
        return True
    return t.pos[k] in ("DET", "NUM", "PROPN", "NOUN", "PRON", "ADJ")


def _np_token(t: Tokens, k: int) -> bool:
    if t.w[k] in NP_STOP:
        return False
    hyphenated = (k > 0 and t.w[k - 1] == "-") or (k + 1 < len(t) and t.w[k + 1] == "-")
    # "19 suspected cartel gunmen": a participle before the noun belongs to the phrase
    premodifier = t.tag[k] == "VBN" and k + 1 < len(t) and t.pos[k + 1] in (
        "NOUN", "ADJ", "PROPN") and not lexicon().injury.at(t.w, k)
    return t.pos[k] in NP_POS or t.w[k] in NP_WORDS or hyphenated or premodifier


def _forward(t: Tokens, fig: Figure, lex: Lexicon) -> tuple[str, int]:
    """Walk the figure's noun phrase to its predicate: ('death'|'injury'|'', token index)."""
    passive = False
    k = fig.end
    limit = fig.end + 10
    while k < min(len(t), limit):
        n = _kill_at(t, k, lex)
        if n:
            if passive or not _object_starts(t, k + n, lex):
                return "death", k
            return "", k  # active: the figure names the killers ("12 gunmen killed 3")
        if lex.death.at(t.w, k) or (lex.death_nouns.at(t.w, k) and _own_noun(t, fig.end, k)):
            return "death", k
        premodifier = k + 1 < len(t) and t.pos[k + 1] in ("NOUN", "PROPN")
        if lex.injury.at(t.w, k) and not premodifier:  # "60 displaced people" is no outcome
            return "injury", k
        if t.w[k] == "," and lex.subset.at(t.w, k + 1):
            # "20 people, including the deputy governor, were killed": skip the aside
            close = next((j for j in range(k + 2, min(len(t), k + 16)) if t.w[j] == ","), None)
            if close is not None:
                limit += close + 1 - k
                k = close + 1
                continue
        if t.w[k] in ("and", ",") and k + 1 < len(t) and t.pos[k + 1] == "VERB":
            return "", k  # a new predicate: "killed 7 and wounded 30"
        if t.w[k] in BE_GET:
            passive = True
        elif not _np_token(t, k):
            return "", k
        k += 1
    return "", k


def _own_noun(t: Tokens, start: int, k: int) -> bool:
    """Is the noun at k the head of the figure's own phrase? ('20 civilian deaths', '40 lives')"""
    return all(t.pos[i] in ("ADJ", "NOUN") or t.w[i] in ("more", "other", "-")
               for i in range(start, k))


def _backward(t: Tokens, fig: Figure, lex: Lexicon) -> int | None:
    """An active death verb, 'the lives of' or 'death toll rose to' just before the figure."""
    j = fig.start - 1
    while j >= 0 and t.pos[j] == "ADV" and fig.start - j <= 2:
        j -= 1
    if j >= 1 and t.w[j] == "and" and t.w[j - 1] in SELF:  # "killing himself and 12 others"
        fig.extra = SELF[t.w[j - 1]]
        j -= 2
    if j < 0:
        return None
    if _kill_ending(t, j, lex):
        return j
    if t.w[j] == "of" and j > 0 and lex.nouns_of.ending(t.w, j - 1):
        return j - 1
    if fig.kind not in ("number", "vague"):
        return None  # a toll is a figure: "the toll from the attack" is not one death
    k = j
    while k >= 0 and j - k < 8:
        if lex.toll.ending(t.w, k) and t.w[k + 1] not in ("free", "road", "roads", "booth"):
            return k
        # "the toll from the attack stands at 52": link verbs and a short noun phrase between
        if not (lex.toll_links.ending(t.w, k) or t.pos[k] in TOLL_GAP_POS):
            return None
        k -= 1
    return None


def _is_subset(t: Tokens, fig: Figure, lex: Lexicon) -> bool:
    """'including 5 children', '12 of them children': part of a figure already counted."""
    before = fig.start - 1
    if before >= 0 and lex.subset.ending(t.w, before):
        return True
    return t.w[fig.end:fig.end + 2] in (["of", "them"], ["of", "whom"])


def _coordinated(t: Tokens, prev: Figure, fig: Figure) -> bool:
    """Only noun-phrase words and 'and'/',' between two figures: 'five soldiers and three'."""
    between = range(prev.end, fig.start)
    # A comma alone joins numbers in a list ("20 people, 12 civilians and 8 officers") but not
    # an appositive ("50 soldiers, a figure the government disputed").
    joiners = ("and", ",") if fig.kind == "number" else ("and",)
    joined = any(t.w[k] in joiners for k in between)
    return joined and all(
        t.pos[k] in ("NOUN", "PROPN", "ADJ", "DET") or t.w[k] in ("and", ",", "-")
        or _np_token(t, k) for k in between
    )


def _not_victims(t: Tokens, fig: Figure, lex: Lexicon) -> bool:
    """Does the figure's phrase head a thing, not people? ('a search warrant', 'the deal')"""
    k = fig.end - 1 if fig.kind in ("plural", "definite") else fig.end
    while k < len(t) and k < fig.end + 4 and t.pos[k] in ("ADJ", "NOUN", "PROPN", "PUNCT"):
        if t.w[k] in lex.not_victims:
            return True
        k += 1
    return False


def _tie_all(t: Tokens, figs: list[Figure], lex: Lexicon) -> list[Figure]:
    tied: list[Figure] = []
    for fig in figs:
        if _is_subset(t, fig, lex) or _not_victims(t, fig, lex):
            continue
        kind, k = _forward(t, fig, lex)
        if kind == "death":
            fig.tie = k
        elif kind != "injury":
            fig.tie = _backward(t, fig, lex)
            if fig.tie is None and tied and _coordinated(t, tied[-1], fig):
                fig.tie = tied[-1].tie
        if fig.tie is not None:
            tied.append(fig)
    return tied


def _pseudo_figures(t: Tokens, lex: Lexicon) -> list[Figure]:
    """Figures with no number: 'killing civilians' -> 3, 'the driver was killed' -> 1."""
    out = []
    for k in range(len(t)):
        if t.w[k] in ("him", "her") and k > 0 and _kill_ending(t, k - 1, lex):
            out.append(Figure(1, k, k + 1, "definite", CONF_DEFINITE))
        # Common nouns only: a plural proper noun ("Winters") is a name, not a group of victims.
        head = t.pos[k] == "NOUN" and (k + 1 >= len(t) or t.pos[k + 1] not in ("NOUN", "PROPN"))
        if not head or lex.death_nouns.at(t.w, k) or lex.injury.at(t.w, k):
            continue
        start = k
        while start > 0 and t.pos[start - 1] in ("ADJ", "NOUN", "PROPN", "DET", "PRON") \
                and t.w[start - 1] not in ("them", "who"):
            start -= 1
        if t.tag[k] == "NNS":
            out.append(Figure(3, start, k + 1, "plural", CONF_PLURAL))
        elif start < k and t.w[start] in ("the", "his", "her", "their", "its"):
            out.append(Figure(1, start, k + 1, "definite", CONF_DEFINITE))
    return out


def _tie_pseudo(t: Tokens, fig: Figure, lex: Lexicon) -> int | None:
    """A number-less phrase counts only right next to its predicate: 'killing civilians',
    'the driver was killed', 'protesters died' (not 'the wife of X, who died')."""
    if fig.start > 0 and _kill_ending(t, fig.start - 1, lex):
        return fig.start - 1
    passive = False
    for k in range(fig.end, min(len(t), fig.end + 4)):
        n = _kill_at(t, k, lex)
        if n and (passive or not _object_starts(t, k + n, lex)):
            return k
        if lex.death.at(t.w, k):
            return k
        if t.w[k] in BE_GET:
            passive = True
        elif t.pos[k] not in ("AUX", "ADV"):
            return None
    return None


def _group_value(group: list[Figure]) -> int:
    values = [f.value + f.extra for f in group]
    # "killing 20 people, 12 civilians and 8 soldiers": a total then its parts, not 40.
    if len(values) > 2 and values[0] == sum(values[1:]):
        return values[0]
    return sum(values)


def _best(tied: list[Figure]) -> tuple[int, Figure, Figure, float] | None:
    """Largest figure: coordinated figures on the same death add up; others do not."""
    groups: dict[int, list[Figure]] = {}
    for fig in tied:
        groups.setdefault(fig.tie, []).append(fig)
    if not groups:
        return None
    # The most conservative credible figure: a firm count beats a larger "up to" bound.
    group = max(groups.values(), key=lambda g: (min(f.conf for f in g) > CONF_UPPER,
                                                 _group_value(g)))
    return _group_value(group), group[0], group[-1], min(f.conf for f in group)


def count_tokens(t: Tokens, text: str) -> tuple[int, tuple[int, int] | None, float]:
    """`count_deaths` over already-tokenised text (offsets in `t` point into `text`)."""
    lex = lexicon()
    best = _best(_tie_all(t, _figures(t, lex), lex))
    if best is None:
        pseudo = _pseudo_figures(t, lex)
        for fig in pseudo:
            fig.tie = None if _not_victims(t, fig, lex) else _tie_pseudo(t, fig, lex)
        best = max((_best([f]) for f in pseudo if f.tie is not None), key=lambda b: b[0],
                   default=None)
    if best is not None and best[0] > 0:
        value, first, last, conf = best
        return value, (t.start[first.start], t.end[last.end - 1]), conf
    for pattern in lex.zero:
        m = pattern.search(text)
        if m:
            return 0, (m.start(), m.end()), CONF_ZERO
    return 0, None, CONF_NONE


def count_deaths(text: str) -> tuple[int, tuple[int, int] | None, float]:
    """Deaths reported in a sentence: (count, (start, end) of the number phrase, confidence)."""
    from .nlp import load  # spaCy only when called on raw text

    return count_tokens(Tokens.of(load()(text)), text)


# ---- the stage ---------------------------------------------------------------------------------

def _sentence_tokens(doc: Document, start: int, end: int) -> Tokens:
    if doc.nlp is None:
        from .nlp import load

        return Tokens.of(load()(doc.text[start:end]))
    span = doc.nlp.char_span(start, end, alignment_mode="expand")
    return Tokens.of([t for t in span if t.idx < end] if span is not None else [], base=start)


def _next_sentence(doc: Document, event: Event) -> Span | None:
    """The sentence after the event's when it goes on about the same event ('The blast ...')."""
    if doc.nlp is None:
        return None
    last = doc.nlp.char_span(event.sentence.start, event.sentence.end, alignment_mode="expand")
    if last is None or last.end >= len(doc.nlp):
        return None
    sent = doc.nlp[last.end].sent  # the next sentence, found without scanning the document
    words = [t.lower_ for t in sent if not t.is_space and not t.is_punct][:4]
    if not lexicon().continuation.at(words, 0):
        return None
    other = [e for e in doc.events if e.sentence.start == sent.start_char]
    if any(e.sub_event_type != event.sub_event_type for e in other):
        return None  # it reports an event of its own
    return Span(start=sent.start_char, end=sent.end_char, text=sent.text,
                confidence=NEXT_SENTENCE_CONF)


class FatalitiesStage:
    """Set each event's fatalities and the span of the figure it was read from."""

    name = "fatalities"

    def __call__(self, doc: Document) -> Document:
        for event in doc.events:
            sentences = [event.sentence, *event.mentions]
            following = _next_sentence(doc, event)
            if following is not None:
                sentences.append(following)
            found: list[tuple[int, Span]] = []
            for sent in sentences:
                text = doc.text[sent.start:sent.end]
                count, where, conf = count_tokens(_sentence_tokens(doc, sent.start, sent.end), text)
                if where is not None and count > MAX_CREDIBLE:
                    event.notes.append(f"fatalities: {count:,} is no credible toll; ignored")
                elif where is not None:
                    s, e = sent.start + where[0], sent.start + where[1]
                    conf *= sent.confidence if sent is following else 1.0
                    found.append((count, Span(start=s, end=e, text=doc.text[s:e],
                                              confidence=round(conf, 3))))
            if found:
                # The same toll repeated across sentences counts once: the largest figure.
                count, span = max(found, key=lambda f: (f[0], f[1].confidence))
                event.fatalities = count
                event.evidence["fatalities"] = span
            elif "fatalities" not in event.evidence:
                # No death reported: ACLED codes 0; the evidence is the silent sentence.
                event.evidence["fatalities"] = event.sentence.model_copy(
                    update={"confidence": CONF_NONE})
        return doc
