"""Event dates: find date expressions, resolve them against the publication date, pick one.

ACLED codes the day an event happened with a time precision: 1 the day is known, 2 only the week
or a span of days, 3 only the month (we also use 3 for a bare year). Relative expressions resolve
against the publication date ("on Thursday" in a Saturday 4 March 2017 paper is 2 March 2017).

Candidates come from hand-written patterns (weekdays, "yesterday", "last week", "12-13 May", ...)
plus spaCy's DATE/TIME entities. `dateparser` parses the absolute ones ("3rd March 2017",
"Sept. 5"); the relative arithmetic is done here because dateparser gets ACLED's conventions
wrong ("on Saturday" in a Saturday paper is a week back there; "last week" is a day, not a week;
"earlier this week" and "late Tuesday" do not parse) and it is slow on long text, so it only ever
sees short candidate strings. Durations ("for weeks", "48 hours") and ages ("12-year-old") carry
no anchor and never resolve.

Choices, documented:
- a weekday equal to the publication weekday means the publication day itself ("on Saturday"
  in a Saturday paper is usually today's news); "last Saturday" then means a week earlier;
- "last week" is the Monday of the previous week, "earlier this week" the Monday of this week
  (precision 2); "this month" the 1st (precision 3); a year alone is 1 January (precision 3);
- a day range ("12-15 May") is its first day with precision 2, but "the night of 12-13 May"
  is 12 May with precision 1 (a night that crosses midnight is one event).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import yaml
from dateparser.date import DateDataParser
from spacy.tokens import Token

from .records import Document, Event, Span

DATA = Path(__file__).parent / "data" / "dates" / "expressions.yaml"
DAY, WEEK, MONTH = 1, 2, 3
STORY_PARAGRAPHS = 6  # "the first few body paragraphs" searched by story_date
STORY_WINDOW_DAYS = 7  # story_date only trusts the recent past
SPACY_LABELS = {"DATE", "TIME"}

# Evidence confidence by how the date was found (scaled by the expression's own confidence).
CONF_ATTACHED, CONF_NEAREST, CONF_MENTION, CONF_STORY = 1.0, 0.8, 0.7, 0.4
# How sure a resolution is, by precision: a named day beats a vague week or month.
CONF_BY_PRECISION = {DAY: 0.9, WEEK: 0.65, MONTH: 0.5}

Resolution = tuple[dt.date, int]


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _alt(words: list[str]) -> str:
    """Regex alternation, longest first so "last night" wins over "last"; spaces match any run."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _cased(words: list[str]) -> str:
    # Month and weekday names must be capitalised: "May" is a month, "may" a modal verb.
    return _alt([w for word in words for w in (word, word.upper())])


MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_FULL_MONTH = _cased(list(calendar.month_name)[1:])
_ABBR_MONTH = _cased([m for m in calendar.month_abbr if m and m != "May"] + ["Sept"])
_M = rf"(?:(?:{_FULL_MONTH})\b|(?:{_ABBR_MONTH})\b\.?)"
_D = r"(?:[0-3]?\d)(?:st|nd|rd|th)?\b"
_Y = r"(?:1[89]\d\d|20\d\d)\b"
_SEP = r"\s*(?:-|–|—|(?i:to|and|or)\b)\s*"


def _compile_patterns() -> dict[str, re.Pattern[str]]:
    lex = _lexicon()
    preps = _alt(lex["anchor_prepositions"])
    mods = _alt(lex["day_modifiers"])
    parts = _alt(lex["parts_of_day"])
    nums = _alt(list(lex["number_words"]))
    anchor = rf"(?i:\b(?:{preps})(?:\s+|(?<=-)))"  # "in 2014", "since August", "mid-2015"
    night = r"(?i:(?:on\s+|during\s+)?(?:the\s+)?night\s+of\s+(?:the\s+)?)"
    lead = r"(?i:(?:on|between|from|since|until|by|before|after)\s+(?:the\s+)?)"
    return {
        "day_month": re.compile(
            rf"(?P<night>{night})?(?:{lead})?(?:"
            rf"(?P<d1>{_D})(?:{_SEP}(?P<d2>{_D}))?\s+(?i:of\s+)?(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?"
            rf"|(?P<m2>{_M})\s+(?P<d3>{_D})(?:{_SEP}(?P<d4>{_D}))?(?:,?\s+(?P<y2>{_Y}))?)"
        ),
        "month_year": re.compile(rf"(?:(?i:{preps})\s+)?(?P<m>{_M}),?\s+(?P<y>{_Y})"),
        "iso": re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b"),
        "numeric": re.compile(r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b"),
        "bare_month": re.compile(rf"{anchor}(?P<m>{_FULL_MONTH})\b(?!\s*\d)"),
        "bare_year": re.compile(rf"{anchor}(?P<y>{_Y})(?![-–/]\d)(?!\s*(?i:%|per))"),
        "weekday": re.compile(
            rf"(?i:\b(?P<mod>(?:(?:{mods})\s+)*))(?P<wd>{_cased(list(calendar.day_name))})\b(?:'s)?"
            rf"(?i:\s+(?:{parts})\b)?"
        ),
        "relative_day": re.compile(
            rf"(?i:\b(?:(?:late|early|earlier|later)\s+)?(?P<rel>{_alt(list(lex['relative_days']))})"
            rf"(?:\s+(?:{parts}))?\b)"
        ),
        "ago": re.compile(rf"(?i:\b(?P<n>\d+|{nums})\s+(?P<u>day|week|month|year)s?\s+ago\b)"),
        "period": re.compile(
            r"(?i:\b(?:(?:earlier|later|late|early)\s+)?(?P<rel>this|last|past|previous)\s+"
            r"(?P<u>week|weekend|month|year)\b)"
        ),
        "weekend": re.compile(r"(?i:\b(?:at|over|during)\s+the\s+weekend\b)"),
        "recent": re.compile(
            rf"(?i:\b(?:in\s+)?recent\s+days\b|\b(?:the\s+)?(?:past|last)\s+(?P<n>\d+|{nums})"
            r"\s+days\b)"
        ),
    }


PATTERNS = _compile_patterns()


# ---- resolution -------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _parser(published: dt.date | None) -> DateDataParser:
    settings = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True,
                "PREFER_DAY_OF_MONTH": "first"}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time(12))
    return DateDataParser(languages=["en"], settings=settings)


PERIOD_PRECISION = {"day": DAY, "time": DAY, "part_of_day": DAY, "week": WEEK, "month": MONTH,
                    "year": MONTH}


@lru_cache(maxsize=4096)
def _dateparse(text: str, published: dt.date | None) -> Resolution | None:
    """dateparser on a short string; without a publication date only text with a year counts."""
    if published is None and not re.search(_Y, text):
        return None
    data = _parser(published).get_date_data(text)
    if not data or not data.date_obj or data.period not in PERIOD_PRECISION:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        day = day.replace(month=1, day=1)
    return day, PERIOD_PRECISION[data.period]


def _number(word: str) -> int | None:
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else _lexicon()["number_words"].get(word)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _day_month(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    day = m["d1"] or m["d3"]
    month = m["m1"] or m["m2"]
    year = m["y1"] or m["y2"] or ""
    found = _dateparse(f"{re.sub(r'[a-z]+$', '', day)} {month.rstrip('.')} {year}".strip(), pub)
    if found is None:
        return None
    spans_days = bool(m["d2"] or m["d4"]) and not m["night"]
    return found[0], WEEK if spans_days else DAY


def _month_year(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    month = MONTHS.get(m["m"].rstrip(".").lower())
    return (dt.date(int(m["y"]), month, 1), MONTH) if month else None


def _iso(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    try:
        return dt.date(int(m["y"]), int(m["mo"]), int(m["d"])), DAY
    except ValueError:
        return None


def _numeric(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    # 03/04/2017 is 3 April in most of the world and 4 March in the US; dateparser would always
    # pick one order, so both are tried and the one nearest before publication wins.
    a, b, y = (int(x) for x in m[0].split("/"))
    year = y + 2000 if y < 100 else y
    options = []
    for month, day in ((a, b), (b, a)):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not options:
        return None
    if pub is None:
        return options[0], DAY
    past = [d for d in options if d <= pub]
    return (max(past) if past else min(options)), DAY


def _bare_month(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    if pub is None:
        return None
    month = MONTHS[m["m"].lower()]
    # The latest such month not after publication: "in August" in March 2017 is August 2016.
    year = pub.year if month <= pub.month else pub.year - 1
    return dt.date(year, month, 1), MONTH


def _bare_year(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    return dt.date(int(m["y"]), 1, 1), MONTH


def _weekday(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    if pub is None:
        return None
    mods = (m["mod"] or "").lower().split()
    target = WEEKDAYS[m["wd"].lower()]
    if "next" in mods:
        return pub + dt.timedelta(days=(target - pub.weekday()) % 7 or 7), DAY
    back = (pub.weekday() - target) % 7
    if back == 0 and "last" in mods:
        back = 7
    return pub - dt.timedelta(days=back), DAY


def _relative_day(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    if pub is None:
        return None
    back = _lexicon()["relative_days"][re.sub(r"\s+", " ", m["rel"].lower())]
    return pub - dt.timedelta(days=back), DAY


def _ago(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    n = _number(m["n"])
    if pub is None or n is None:
        return None
    unit = m["u"].lower()
    if unit == "day":
        return pub - dt.timedelta(days=n), DAY
    if unit == "week":
        return pub - dt.timedelta(weeks=n), WEEK
    if unit == "month":
        return _first_of_month(pub, n), MONTH
    return _first_of_month(pub, 12 * n), MONTH


def _period(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    if pub is None:
        return None
    rel, unit = m["rel"].lower(), m["u"].lower()
    back = rel in ("last", "previous")
    if unit == "week":
        if rel == "past":
            return pub - dt.timedelta(days=7), WEEK
        return _monday(pub) - dt.timedelta(weeks=int(back)), WEEK
    if unit == "weekend":
        saturday = pub - dt.timedelta(days=(pub.weekday() - 5) % 7)
        return saturday - dt.timedelta(weeks=int(back and pub.weekday() >= 5)), WEEK
    if unit == "month":
        return _first_of_month(pub, int(rel != "this")), MONTH
    return dt.date(pub.year - int(rel != "this"), 1, 1), MONTH


def _weekend(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    if pub is None:
        return None
    return pub - dt.timedelta(days=(pub.weekday() - 5) % 7), WEEK


def _recent(m: re.Match[str], pub: dt.date | None) -> Resolution | None:
    n = _number(m["n"]) if m["n"] else 3
    if pub is None or n is None:
        return None
    return pub - dt.timedelta(days=n), WEEK


HANDLERS: dict[str, Callable[[re.Match[str], dt.date | None], Resolution | None]] = {
    "day_month": _day_month, "month_year": _month_year, "iso": _iso, "numeric": _numeric,
    "bare_month": _bare_month, "bare_year": _bare_year, "weekday": _weekday,
    "relative_day": _relative_day, "ago": _ago, "period": _period, "weekend": _weekend,
    "recent": _recent,
}
_ANCHOR = re.compile(rf"{_M}|{_Y}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}")


def _anchored_context(context: str) -> bool:
    """A bare year or month is a date when nothing or an anchoring preposition precedes it."""
    words = context.lower().split()
    return not words or words[-1] in set(_lexicon()["anchor_prepositions"])


def resolve(expression: str, published: dt.date | None, context: str = "") -> Resolution | None:
    """Resolve one date expression to (date, ACLED time precision), or None.

    `context` is the text just before the expression; it decides whether a bare "2014" or
    "August" is a date ("in 2014") or not ("the 2014 election").
    """
    text = expression.strip().rstrip(".,;:")
    for kind, pattern in PATTERNS.items():
        m = pattern.fullmatch(text)
        if m:
            return HANDLERS[kind](m, published)
    ago = re.match(r"(?i)(.+?\bago)\b\s+\S", text)
    if ago:  # "five years ago this week": the distance back decides, not "this week"
        return resolve(ago.group(1), published, context)
    if _anchored_context(context):
        for kind in ("bare_month", "bare_year"):
            m = PATTERNS[kind].fullmatch(f"in {text}")
            if m:
                return HANDLERS[kind](m, published)
    # Anything else spaCy called a date: only with a month or year in it, else a duration/age;
    # a lone year or month needs an anchoring preposition ("the 2014 election" is no date).
    if not _ANCHOR.search(text) or re.search(r"(?i)\bold\b|\baged?\b|-year\b", text):
        return None
    if re.fullmatch(rf"{_Y}|{_FULL_MONTH}", text):
        return None
    return _dateparse(text, published)


# ---- finding expressions in a document ---------------------------------------------------------

def _date_ents(sdoc: object) -> list[tuple[int, int]]:
    """spaCy's date entities as sorted character ranges, once per document (`Doc.ents` and
    `Span.ents` rebuild their lists on every access)."""
    cached = sdoc.user_data.get("dateline_dates")  # type: ignore[attr-defined]
    if cached is None:
        cached = sorted((e.start_char, e.end_char) for e in sdoc.ents  # type: ignore[attr-defined]
                        if e.label_ in SPACY_LABELS)
        sdoc.user_data["dateline_dates"] = cached  # type: ignore[attr-defined]
    return cached


def _candidates(doc: Document, start: int, end: int) -> list[tuple[int, int, str, re.Match | None]]:
    found = [(m.start(), m.end(), kind, m)
             for kind, pattern in PATTERNS.items()
             for m in pattern.finditer(doc.text, start, end)]
    if doc.nlp is not None:
        first = bisect_left(_date_ents(doc.nlp), (start, -1))
        for s_char, e_char in _date_ents(doc.nlp)[first:]:
            if s_char >= end:
                break
            if e_char <= end:
                found.append((s_char, e_char, "spacy", None))
    # Longest first, then keep what does not overlap: "on the night of 12-13 May" beats "12-13 May"
    # and spaCy's "the night"; on a tie our own pattern (listed first) wins.
    found.sort(key=lambda c: (c[0] - c[1], c[2] == "spacy", c[0]))
    kept: list[tuple[int, int, str, re.Match | None]] = []
    for cand in found:
        if all(cand[1] <= k[0] or k[1] <= cand[0] for k in kept):
            kept.append(cand)
    return sorted(kept)


def date_expressions(doc: Document, start: int, end: int) -> list[tuple[Span, dt.date, int]]:
    """Every resolvable date expression inside [start, end) of doc.text, with its resolution."""
    out = []
    start = max(start, doc.dateline_end)  # "ERBIL, Iraq, Feb 16 (Reuters) -" is the filing date
    for s, e, kind, m in _candidates(doc, start, end):
        if m is not None:
            res = HANDLERS[kind](m, doc.published)
        else:
            res = resolve(doc.text[s:e], doc.published, doc.text[max(0, s - 25):s])
        if res is None:
            continue
        span = Span(start=s, end=e, text=doc.text[s:e], confidence=CONF_BY_PRECISION[res[1]])
        out.append((span, res[0], res[1]))
    return out


def story_date(doc: Document) -> tuple[dt.date, int, Span | None] | None:
    """The day the article's news happened: the commonest recent day named in its first paragraphs.

    Only day-precision dates within STORY_WINDOW_DAYS before publication count, so background
    ("in 2014", "in August") never becomes the story's date. Ties go to the earliest mention.
    """
    if doc.published is None:
        return None
    paragraphs = doc.body[:STORY_PARAGRAPHS] or [Span(start=0, end=min(len(doc.text), 2000),
                                                      text="")]
    days: Counter[dt.date] = Counter()
    first: dict[dt.date, Span] = {}
    for para in paragraphs:
        for span, day, precision in date_expressions(doc, para.start, para.end):
            if precision == DAY and 0 <= (doc.published - day).days <= STORY_WINDOW_DAYS:
                days[day] += 1
                first.setdefault(day, span)
    if not days:
        return None
    day = days.most_common(1)[0][0]
    return day, DAY, first[day]


# ---- choosing an event's date ------------------------------------------------------------------

def _tokens(doc: Document, start: int, end: int) -> list:
    span = doc.nlp.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _clause_verb(token: Token) -> Token:
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _attached(doc: Document, span: Span, trigger: Span) -> bool:
    """True when the parse hangs the date expression on the trigger or the trigger's verb."""
    trig = _tokens(doc, trigger.start, trigger.end)
    expr = _tokens(doc, span.start, span.end)
    if not trig or not expr:
        return False
    trig_ids = {t.i for t in trig}
    verb = _clause_verb(min(trig, key=lambda t: len(list(t.ancestors))))
    expr_ids = {t.i for t in expr}
    node = next((t for t in expr if t.head.i not in expr_ids), expr[0])
    while node.head.i != node.i:  # spaCy makes a new Token object per access: compare indices
        node = node.head
        if node.i in trig_ids or node.i == verb.i:
            return True
        if node.pos_ in ("VERB", "AUX"):
            return False
    return False


def _distance(span: Span, trigger: Span) -> int:
    return max(span.start - trigger.end, trigger.start - span.end, 0)


def _from_sentence(doc: Document, event: Event) -> tuple[Span, dt.date, int] | None:
    found = date_expressions(doc, event.sentence.start, event.sentence.end)
    if not found:
        return None
    attached = doc.nlp is not None and [f for f in found if _attached(doc, f[0], event.trigger)]
    if attached:
        span, day, precision = min(attached, key=lambda f: _distance(f[0], event.trigger))
        return _scaled(span, CONF_ATTACHED), day, precision
    # A date inside a clause that describes a noun ("the base vacated by French forces last
    # month") dates that clause, not the event: prefer the others.
    free = [f for f in found if doc.nlp is None or not _in_noun_clause(doc, f[0])] or found
    span, day, precision = min(free, key=lambda f: _distance(f[0], event.trigger))
    return _scaled(span, CONF_NEAREST), day, precision


def _in_noun_clause(doc: Document, span: Span) -> bool:
    expr = _tokens(doc, span.start, span.end)
    if not expr:
        return False
    node = expr[0]
    for _ in range(8):
        if node.dep_ in ("acl", "relcl"):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _from_mentions(doc: Document, event: Event) -> tuple[Span, dt.date, int] | None:
    found = [f for m in event.mentions for f in date_expressions(doc, m.start, m.end)]
    if not found:
        return None
    span, day, precision = min(found, key=lambda f: (f[2], f[0].start))
    return _scaled(span, CONF_MENTION), day, precision


def _scaled(span: Span, factor: float) -> Span:
    return span.model_copy(update={"confidence": round(span.confidence * factor, 3)})


class DatesStage:
    """Set each event's date, ACLED time precision and the evidence span it was read from."""

    name = "dates"

    def __call__(self, doc: Document) -> Document:
        story: tuple[dt.date, int, Span | None] | None | bool = False  # False: not computed yet
        for event in doc.events:
            pick = _from_sentence(doc, event) or _from_mentions(doc, event)
            if pick:
                self._set(event, *pick)
                continue
            if story is False:
                story = story_date(doc)
            if story:
                day, precision, span = story
                self._set(event, _scaled(span, CONF_STORY) if span else None, day, precision)
                event.notes.append("event_date: no date of its own; the story's date")
            elif doc.published:
                self._set(event, None, doc.published, DAY)
                event.notes.append("event_date: no date in the text; the publication date")
        return doc

    @staticmethod
    def _set(event: Event, span: Span | None, day: dt.date, precision: int) -> None:
        event.event_date, event.time_precision = day, precision
        if span is not None:
            event.evidence["event_date"] = span
