"""Read a plain-text news story: headline, dateline, agency, outlet, date, paragraphs.

The text is never changed: everything found is a `Span` into it, so later stages' offsets stay
valid. Written by hand because the libraries that clean news (trafilatura, justext, newspaper)
work on HTML; on plain text there is no markup left for them to use, only wire conventions
(datelines, credit lines) and web furniture that survived copy-paste.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import dateparser

from ..records import Span
from . import lexicon

# Lines of a block longer than this are paragraphs on their own, not a hard-wrapped paragraph.
WRAP_MAX = 100
TITLE_MAX_WORDS = 25
TITLE_MAX_CHARS = 200
CREDIT_MAX_WORDS = 8
# Words a credit line may hold besides agency names ("Reuters and agencies").
CREDIT_FILLER = frozenset({"agencies", "agency", "wires", "wireservices", "newswires", "staff",
                           "newsagencies", "agenciesandstaff", "staffandagencies"})
DATEPARSER_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                       "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"}

_UP = "A-ZÀ-ÖØ-Þ"
_CAPS_WORD = rf"[{_UP}][{_UP}.'’\-]*"
_TITLE_WORD = rf"[{_UP}][a-zß-öø-ÿ.'’\-]+"
_PLACE = (rf"(?P<caps>{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,3}})(?![a-zß-öø-ÿ])"
          rf"|(?P<titled>{_TITLE_WORD}(?:[ ](?:{_TITLE_WORD}|de|del|el|al|es|da|do)){{0,3}})")
_REGION = (rf"[{_UP}][\w.'’\-]*"  # "Kenya", "Democratic Republic of Congo"
           rf"(?:[ ](?:(?:of|and|the|de|du|la|del|da|do)[ ])?[{_UP}][\w.'’\-]*){{0,4}}")
_DL_DATE = (rf"{lexicon.MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
            rf"|\d{{1,2}}\s+{lexicon.MONTH}(?:,?\s+\d{{4}})?")
# "BEIRUT •", "KABUL (Reuters) -", "MOGADISHU, March 3 (AFP) -", "NAIROBI, Kenya (AP) —",
# "Lagos, Nigeria —", "DAMASCUS:". Validated further in `_find_dateline`.
DATELINE_RE = re.compile(
    rf"(?:{_PLACE})"
    rf"(?:,\s*(?P<region>{_REGION}))?"
    rf"(?:,\s*(?P<date>{_DL_DATE}))?"
    r"\s*(?:\((?P<agency>[^()\n]{1,40})\))?"
    r"\s*(?P<sep>[•·●▪–—:|]|-{1,2})?(?<=[)•·●▪–—:|\-])(?=\s)"
)
_FULL_DATE_RE = re.compile(lexicon.DATE, re.IGNORECASE)
_COPYRIGHT_YEAR_RE = re.compile(r"(?:©|\(c\)|copyright)\s*(\d{4})\b", re.IGNORECASE)


@dataclass
class Cleaned:
    """What the cleaner read from a story; every span points into the text it was given."""

    title: Span | None = None
    dateline: Span | None = None
    agency: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    body: list[Span] = field(default_factory=list)
    boilerplate: list[Span] = field(default_factory=list)


@dataclass
class _Line:
    start: int
    end: int
    text: str
    drop: str | None = None  # why the line is not article text: a rule name or "credit"
    agency: str | None = None
    joins_previous: bool = False  # continues a hard-wrapped paragraph


def clean(text: str, find_title: bool = True) -> Cleaned:
    """Split `text` into headline, article paragraphs and furniture, and read its metadata."""
    blocks = _blocks(text)
    lines = [line for block in blocks for line in block]
    for line in lines:
        _classify(line)
    out = Cleaned()
    title_line = _find_title(blocks) if find_title else None
    if title_line is not None:
        conf = 0.9 if len(blocks) > 1 else 0.6
        out.title = Span(start=title_line.start, end=title_line.end, text=title_line.text,
                         confidence=conf)
    out.body = _paragraphs(text, lines, skip=title_line)
    out.boilerplate = [Span(start=ln.start, end=ln.end, text=ln.text) for ln in lines if ln.drop]
    dropped = [ln.text for ln in lines if ln.drop]
    out.agency = next((ln.agency for ln in lines if ln.agency), None)
    dl_date = None
    if out.body:
        # A byline ("By our correspondent") may stand before the datelined paragraph.
        byline = re.match(r"By\s", out.body[0].text) and len(out.body[0].text) < 80
        lead = out.body[1] if byline and len(out.body) > 1 else out.body[0]
        out.dateline, dl_agency, dl_date = _find_dateline(text, lead)
        out.agency = dl_agency or out.agency
    out.outlet, outlet_agency = _find_outlet(dropped)
    out.agency = out.agency or outlet_agency
    out.published = _find_published(dropped) or _dateline_date(dl_date, dropped)
    return out


def _blocks(text: str) -> list[list[_Line]]:
    """Non-blank lines (offsets of their stripped content), grouped into blank-line blocks.

    A text without blank lines is one paragraph a line, so each line becomes its own block.
    """
    blocks: list[list[_Line]] = [[]]
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + len(raw) - len(raw.lstrip())
            blocks[-1].append(_Line(start, start + len(stripped), stripped))
        elif blocks[-1]:
            blocks.append([])
        pos += len(raw) + 1
    blocks = [b for b in blocks if b]
    if len(blocks) <= 1:
        return [[line] for b in blocks for line in b]
    for block in blocks:
        _mark_wrapped(block)
    return blocks


def _mark_wrapped(block: list[_Line]) -> None:
    """Mark lines that continue a hard-wrapped paragraph, so they are never split or dropped."""
    if len(block) < 2 or max(len(ln.text) for ln in block[:-1]) > WRAP_MAX:
        return
    for prev, line in pairwise(block):
        ends_sentence = prev.text[-1] in ".!?:\"”’)'"
        line.joins_previous = not ends_sentence or line.text[0].islower()


def _classify(line: _Line) -> None:
    if line.joins_previous:
        return
    agency, is_credit = _credit(line.text)
    if is_credit:
        line.drop, line.agency = "credit", agency
        return
    words = len(line.text.split())
    for rule in lexicon.boilerplate_rules():
        if words <= rule.max_words and rule.pattern.search(line.text):
            line.drop = rule.name
            return


def _credit(text: str) -> tuple[str | None, bool]:
    """A line holding nothing but agency names ("AGENCE FRANCE PRESSE", "- AFP", "Reuters/AP")."""
    if len(text.split()) > CREDIT_MAX_WORDS:
        return None, False
    core = re.sub(r"^[\s\-–—•|(\[]+|[\s\-–—•|)\].]+$", "", text)
    core = re.sub(r"^(?:sources?|via|with|from|credit)\s*:?\s+", "", core, flags=re.IGNORECASE)
    parts = [p for p in re.split(r"\s*(?:[,/&;+]|\band\b)\s*", core) if p]
    if not parts:
        return None, False
    agencies = [lexicon.agency_of(p) for p in parts]
    pairs = zip(parts, agencies, strict=True)
    known = all(a or lexicon.norm_name(p) in CREDIT_FILLER for p, a in pairs)
    return next((a for a in agencies if a), None), known


def _find_title(blocks: list[list[_Line]]) -> _Line | None:
    """The headline: a first short line without a final period, with more text after it."""
    if len(blocks) < 2 or len(blocks[0]) != 1:
        return None
    line = blocks[0][0]
    if line.drop or len(line.text) > TITLE_MAX_CHARS or len(line.text.split()) > TITLE_MAX_WORDS:
        return None
    if line.text.endswith((".", ",", ";", ":")) and not line.text.endswith("..."):
        return None
    if any(not ln.drop for b in blocks[1:] for ln in b) and not _dateline_match(line.text):
        return line
    return None


def _paragraphs(text: str, lines: list[_Line], skip: _Line | None) -> list[Span]:
    """Kept lines as paragraphs; hard-wrapped lines are joined into the paragraph they continue."""
    spans: list[Span] = []
    previous_kept = False
    for line in lines:
        kept = not line.drop and line is not skip
        if kept and line.joins_previous and previous_kept:
            last = spans[-1]
            spans[-1] = Span(start=last.start, end=line.end, text=text[last.start:line.end])
        elif kept:
            spans.append(Span(start=line.start, end=line.end, text=line.text))
        previous_kept = kept
    return spans


def _dateline_match(paragraph: str) -> re.Match[str] | None:
    m = DATELINE_RE.match(paragraph)
    if m is None or m.end() >= len(paragraph):
        return None
    place, sep, agency = m.group("caps") or m.group("titled"), m.group("sep"), m.group("agency")
    if not (sep or agency):
        return None
    if m.group("caps"):
        words = {place.upper(), place.split()[0].upper()}
        if len(re.sub(r"\W", "", place)) < 2 or words & lexicon.not_places():
            return None
    elif not (m.group("region") or m.group("date") or agency):
        # "Officials —" opens sentences too; a title-case place needs a second clue.
        return None
    if agency and not sep and not _agency_in(agency):
        return None
    return m


def _agency_in(parenthesised: str) -> str | None:
    parts = re.split(r"\s*[/,&]\s*|\s+and\s+", parenthesised.strip())
    return next((a for a in map(lexicon.agency_of, parts) if a), None)


def _find_dateline(text: str, first: Span) -> tuple[Span | None, str | None, str | None]:
    """The filing place at the start of the first paragraph, its agency, and its date string."""
    m = _dateline_match(first.text)
    if m is None:
        return None, None, None
    group = "caps" if m.group("caps") else "titled"
    start, end = first.start + m.start(group), first.start + m.end(group)
    conf = 0.95 if m.group("agency") else 0.9 if group == "caps" else 0.75
    span = Span(start=start, end=end, text=text[start:end], confidence=conf)
    agency = _agency_in(m.group("agency")) if m.group("agency") else None
    return span, agency, m.group("date")


def _find_outlet(dropped: list[str]) -> tuple[str | None, str | None]:
    """(outlet, agency): the publication named by a furniture line; agencies go to `agency`."""
    for pattern in lexicon.outlet_patterns():
        for line in dropped:
            m = pattern.search(line)
            if m is None:
                continue
            name = m.group("outlet").rstrip(".'’-")
            agency = lexicon.agency_of(name)
            return (None, agency) if agency else (name, None)
    return None, None


@lru_cache(maxsize=4096)
def parse_date(snippet: str) -> dt.date | None:
    """A calendar date from a short snippet (dateparser is slow on long text: never pass it one).

    Cached: dateparser takes milliseconds even on a snippet, and a batch repeats its dates.
    """
    parsed = dateparser.parse(snippet, languages=["en"], settings=DATEPARSER_SETTINGS)
    return parsed.date() if parsed else None


def _find_published(dropped: list[str]) -> dt.date | None:
    # Only furniture lines are read, so a date in an article sentence is never taken.
    for _name, pattern in lexicon.published_rules():
        for line in dropped:
            m = pattern.search(line)
            if m and (day := parse_date(m.group("date"))):
                return day
    return None


def _dateline_date(date_text: str | None, dropped: list[str]) -> dt.date | None:
    """The dateline's date; when it has no year, the copyright line's year, else nothing."""
    if not date_text:
        return None
    if _FULL_DATE_RE.fullmatch(date_text.strip()):
        return parse_date(date_text)
    for line in dropped:
        m = _COPYRIGHT_YEAR_RE.search(line)
        if m:
            return parse_date(f"{date_text} {m.group(1)}")
    return None
