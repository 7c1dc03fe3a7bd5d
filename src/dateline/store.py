"""The embedded store: a local DuckDB file, nothing to start.

Documents are keyed by their id and a hash of their text: storing the same document twice
writes nothing the second time, and a changed document replaces its earlier version (events and
places included) in one transaction, so a crash never leaves half a document behind.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

from .records import Document, document_output

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    url VARCHAR, title VARCHAR, published DATE, published_source VARCHAR,
    outlet VARCHAR, agency VARCHAR, dateline VARCHAR,
    text VARCHAR, errors VARCHAR, n_events INTEGER,
    stored_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY,
    document_id VARCHAR NOT NULL,
    event_date DATE, time_precision INTEGER,
    event_type VARCHAR, sub_event_type VARCHAR, status VARCHAR,
    actor1 VARCHAR, actor1_country VARCHAR, inter1 INTEGER, assoc_actor_1 VARCHAR,
    actor2 VARCHAR, actor2_country VARCHAR, inter2 INTEGER, assoc_actor_2 VARCHAR,
    country VARCHAR, admin1 VARCHAR, admin2 VARCHAR, location VARCHAR,
    geonameid BIGINT, latitude DOUBLE, longitude DOUBLE, geo_precision INTEGER,
    fatalities BIGINT, confidence DOUBLE,
    sentence VARCHAR, evidence VARCHAR
);
CREATE TABLE IF NOT EXISTS places (
    document_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    start_char INTEGER, end_char INTEGER, name VARCHAR,
    geonameid BIGINT, resolved_name VARCHAR, latitude DOUBLE, longitude DOUBLE,
    country VARCHAR, admin1 VARCHAR, admin2 VARCHAR, feature VARCHAR, role VARCHAR,
    confidence DOUBLE,
    PRIMARY KEY (document_id, idx)
);
"""

EVENT_COLUMNS = [
    "id", "event_date", "time_precision", "event_type", "sub_event_type", "status",
    "actor1", "actor1_country", "inter1", "assoc_actor_1",
    "actor2", "actor2_country", "inter2", "assoc_actor_2",
    "country", "admin1", "admin2", "location", "geonameid", "latitude", "longitude",
    "geo_precision", "fatalities", "confidence",
]
PLACE_COLUMNS = ["start", "end", "name", "geonameid", "resolved_name", "latitude", "longitude",
                 "country", "admin1", "admin2", "feature", "role", "confidence"]


def content_hash(doc: Document) -> str:
    return hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()


class Store:
    """A DuckDB file holding documents, their events and their places."""

    def __init__(self, path: str | Path = "dateline.duckdb") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(self.path)
        self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, doc: Document) -> bool:
        """True when this exact document (id and text) is already stored."""
        row = self.con.execute("SELECT content_hash FROM documents WHERE id = ?",
                               [doc.id]).fetchone()
        return row is not None and row[0] == content_hash(doc)

    def save(self, doc: Document) -> bool:
        """Store a processed document; returns False when it was already stored unchanged."""
        if self.has(doc):
            return False
        out = document_output(doc)
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, key in (("events", "document_id"), ("places", "document_id"),
                               ("documents", "id")):
                self.con.execute(f"DELETE FROM {table} WHERE {key} = ?", [doc.id])
            self._insert_document(doc, out)
            for event in out["events"]:
                self._insert_event(doc.id, event)
            for i, place in enumerate(out["places"]):
                self._insert_place(doc.id, i, place)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return True

    def _insert_document(self, doc: Document, out: dict[str, Any]) -> None:
        self.con.execute(
            "INSERT INTO documents (id, content_hash, url, title, published, published_source,"
            " outlet, agency, dateline, text, errors, n_events) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [doc.id, content_hash(doc), out["url"], out["title"], out["published"],
             out["published_source"], out["outlet"], out["agency"], out["dateline"], doc.text,
             json.dumps(out["errors"]), len(out["events"])],
        )

    def _insert_event(self, doc_id: str, event: dict[str, Any]) -> None:
        values = [event.get(c) for c in EVENT_COLUMNS]
        for col in ("assoc_actor_1", "assoc_actor_2"):
            values[EVENT_COLUMNS.index(col)] = "; ".join(event.get(col) or [])
        sentence = (event.get("sentence") or {}).get("text")
        cols = ", ".join([*EVENT_COLUMNS, "document_id", "sentence", "evidence"])
        marks = ", ".join("?" * (len(EVENT_COLUMNS) + 3))
        self.con.execute(f"INSERT INTO events ({cols}) VALUES ({marks})",
                         [*values, doc_id, sentence, json.dumps(event.get("evidence"))])

    def _insert_place(self, doc_id: str, idx: int, place: dict[str, Any]) -> None:
        cols = "document_id, idx, start_char, end_char, " + ", ".join(PLACE_COLUMNS[2:])
        marks = ", ".join("?" * (len(PLACE_COLUMNS) + 2))
        self.con.execute(f"INSERT INTO places ({cols}) VALUES ({marks})",
                         [doc_id, idx, *[place.get(c) for c in PLACE_COLUMNS]])

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "events", "places")}
