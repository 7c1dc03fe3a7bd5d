"""Request and response shapes of the API, as they appear in its OpenAPI docs."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator


class EventSummary(BaseModel):
    """A merged event: one real event, however many documents report it."""

    id: str
    event_date: str | None = None
    time_precision: int | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    assoc_actor_1: list[str] = []
    actor2: str | None = None
    assoc_actor_2: list[str] = []
    country: str | None = Field(None, description="ISO 3166 alpha-2")
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    fatalities: int | None = None
    n_sources: int | None = Field(None, description="distinct documents reporting it")
    confidence: float | None = None


class EventPage(BaseModel):
    items: list[EventSummary]
    next_cursor: str | None = Field(
        None, description="pass as `cursor` for the next page; null on the last page")


class Highlight(BaseModel):
    field: str = Field(description="the event field this span is evidence for")
    start: int = Field(description="offset into the sentence text")
    end: int
    text: str | None = None


class Sentence(BaseModel):
    text: str
    start: int | None = Field(None, description="offset of the sentence in the document")
    highlights: list[Highlight]


class Evidence(BaseModel):
    field: str
    text: str | None = None
    start: int = Field(description="offset into the document text")
    end: int
    in_sentence: bool
    confidence: float | None = None


class Source(BaseModel):
    """One document's record of the event, with the sentence that reports it."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="the record id (events table)")
    document_id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    agency: str | None = None
    published: str | None = None
    event_date: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    location: str | None = None
    fatalities: int | None = None
    score: float | None = Field(None, description="how well the record matched when merged")
    reasons: dict | None = None
    sentence: Sentence
    evidence: list[Evidence]


class EventDetail(EventSummary):
    geonameid: int | None = None
    inter1: int | None = None
    inter2: int | None = None
    actor1_country: str | None = None
    actor2_country: str | None = None
    n_records: int | None = None
    source_names: str | None = Field(None, description="agencies and outlets, '; '-joined")
    notes: str | None = None
    first_reported: str | None = None
    last_reported: str | None = None
    sources: list[Source]


class DocumentIn(BaseModel):
    """A document to code: `text` (plain text) or `html` (a web page)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=500,
                           description="default: a hash of the text")
    text: str | None = None
    html: str | None = None
    url: str | None = Field(None, max_length=2000)
    published: dt.date | None = Field(
        None, description="publication date; relative dates resolve against it")

    @model_validator(mode="after")
    def _has_content(self) -> DocumentIn:
        if not (self.text or self.html):
            raise ValueError("a document needs a non-empty 'text' or 'html'")
        return self


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1, max_length=100)


class IngestResult(BaseModel):
    id: str
    stored: bool = Field(description="false when the same text was already stored")
    events: int
    merged_ids: list[str]
    errors: list[str]


class IngestResponse(BaseModel):
    results: list[IngestResult]
