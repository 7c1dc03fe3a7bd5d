"""The store: a DuckDB file by default (nothing to start), or PostgreSQL for teams.

`Store("dateline.duckdb")` or `Store("postgresql://user@host/db")`. Both run the same numbered
migrations (`store/migrations/NNNN_name.sql`, recorded in `schema_migrations`) and the same
queries; `Store.query(sql, params)` / `Store.execute(sql, params)` take `?` placeholders on both.

Documents are keyed by their id and a hash of their text: storing the same document twice writes
nothing the second time, and a changed document replaces its earlier version in one transaction.
In that same transaction the document's records join the merged events they report (or found
new ones; see `dateline.merge`), so a re-run or a crash never duplicates an event.
`Store.save_many(docs)` stores a batch in one transaction (a statement per table, one commit)
and leaves exactly the store that saving them one by one, in order, leaves.

Schema contract (column names are stable; later migrations only add):

`documents` — one row per stored article.
    id (PK), content_hash (sha256 of text), url, title, published DATE, published_source
    (given|page|text|none), outlet, agency, dateline, text, errors (JSON list), n_events,
    stored_at.
`events` — one row per record: an event as coded from one document (not yet merged).
    id (PK, "<doc digest>-<n>", stable for a document's text), document_id, event_date DATE,
    time_precision (1 day, 2 week, 3 month), event_type, sub_event_type, status, actor1,
    actor1_country (ISO2), inter1 (ACLED 1..8), assoc_actor_1 ("; "-joined), actor2,
    actor2_country, inter2, assoc_actor_2, country (ISO2), admin1, admin2, location, geonameid,
    latitude, longitude, geo_precision (1 town, 2 near, 3 region), fatalities, confidence,
    sentence (the reporting sentence), evidence (JSON: field -> {start, end, text, confidence}).
`places` — toponyms found in each document: (document_id, idx) PK, start_char, end_char, name,
    geonameid, resolved_name, latitude, longitude, country, admin1, admin2, feature, role,
    confidence.
`merged_events` — one row per real event, merged across documents (ACLED's columns).
    id (PK, "ev-<founding record id>", stable), event_date, time_precision, event_type,
    sub_event_type, actor1, actor1_country, assoc_actor_1 ("; "-joined), inter1, actor2,
    actor2_country, assoc_actor_2, inter2, country (ISO2), admin1, admin2, location, geonameid,
    latitude, longitude, geo_precision, fatalities (the lowest credible figure across sources),
    n_sources (distinct documents), n_records, sources ("; "-joined agencies/outlets), confidence,
    notes (the best-evidenced reporting sentence, then merge notes), first_reported /
    last_reported (publication dates of its earliest and latest document), created_at,
    updated_at.
`merged_members` — record_id (PK, an `events.id`), merged_id, document_id, score (0..1: how well
    the record matched the event when it joined; 1.0 for the founding record), reasons (JSON
    object: type/date/place/actors -> why), joined_at.
`schema_migrations` — version (PK), name, applied_at.

Territorial control is not stored: `dateline.control.timeline` reads it from `merged_events`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..records import Document, document_output
from .backends import Backend, is_postgres_url, open_backend
from .migrate import migrate

__all__ = ["Store", "StoreError", "content_hash", "is_postgres_url"]

EVENT_COLUMNS = [
    "id", "event_date", "time_precision", "event_type", "sub_event_type", "status",
    "actor1", "actor1_country", "inter1", "assoc_actor_1",
    "actor2", "actor2_country", "inter2", "assoc_actor_2",
    "country", "admin1", "admin2", "location", "geonameid", "latitude", "longitude",
    "geo_precision", "fatalities", "confidence",
]
DOCUMENT_COLUMNS = ["id", "content_hash", "url", "title", "published", "published_source",
                    "outlet", "agency", "dateline", "text", "errors", "n_events"]
PLACE_COLUMNS = ["start", "end", "name", "geonameid", "resolved_name", "latitude", "longitude",
                 "country", "admin1", "admin2", "feature", "role", "confidence"]
MERGE_LOCK = 0x0DA7E11F  # PostgreSQL advisory lock id held while a document is merged


class StoreError(OSError):
    """The store cannot be opened or reached (an OSError, so callers that catch file errors
    for a bad `--db` also catch an unreachable server)."""


def content_hash(doc: Document) -> str:
    return hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()


class Store:
    """Documents, their records, their places and the merged events they report."""

    def __init__(self, target: str | Path = "dateline.duckdb", merge: bool = True) -> None:
        self.target = str(target)
        self.merge_on_save = merge
        self.db: Backend = _connect(self.target)
        try:
            migrate(self.db)
        except Exception:
            self.db.close()
            raise

    @property
    def kind(self) -> str:
        return self.db.kind

    @property
    def con(self) -> Any:
        """The raw connection (duckdb or psycopg), for what `query` cannot do."""
        return self.db.con

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.db.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        return self.db.query(sql, params)

    def iter_query(self, sql: str, params: Sequence[Any] | None = None
                   ) -> Iterator[dict[str, Any]]:
        """Like `query`, but streams rows (for exports of any size)."""
        return self.db.iter_query(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def has(self, doc: Document) -> bool:
        """True when this exact document (id and text) is already stored."""
        return self._stored_hashes([doc.id]).get(doc.id) == content_hash(doc)

    def _stored_hashes(self, doc_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for i in range(0, len(doc_ids), 500):
            chunk = doc_ids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            found.update((r["id"], r["content_hash"]) for r in self.query(
                f"SELECT id, content_hash FROM documents WHERE id IN ({marks})", chunk))
        return found

    def save(self, doc: Document) -> bool:
        """Store a processed document and merge its records; False when already stored
        unchanged."""
        return self.save_many([doc])[0]

    def save_many(self, docs: Sequence[Document]) -> list[bool]:
        """Store processed documents in one transaction, in order; for each, False when it was
        already stored unchanged.

        The store ends exactly as if each document were saved alone, in the same order: merging
        only sees records that are in `merged_members`, so a document's rows can go in before
        earlier documents are merged; a changed document's old version, which merging does see,
        leaves only after the documents before it are merged (a new `_segments` part)."""
        docs = list(docs)
        if not docs:
            return []
        saved: list[bool] = []
        with self.transaction():
            self.db.lock(MERGE_LOCK)
            known = self._stored_hashes(list(dict.fromkeys(d.id for d in docs)))
            todo: list[tuple[Document, bool]] = []
            for doc in docs:
                digest, old = content_hash(doc), known.get(doc.id)
                saved.append(old != digest)
                if old != digest:
                    todo.append((doc, old is not None))
                    known[doc.id] = digest  # a later copy in this batch compares with this one
            for part in _segments(todo):
                self._save_part(part)
        return saved

    def _save_part(self, part: list[tuple[Document, bool]]) -> None:
        """Documents of which only the first may replace a stored version: remove it, insert
        all (a statement per table: the store's cost is per statement, not per row), merge in
        order."""
        from .. import merge

        first, replaces = part[0]
        # `refresh` reads only merged members, so it may run before the inserts (`save` used
        # to run it after: the same result).
        merge.refresh(self, self._remove(first.id) if replaces else [])
        outs = [(doc, document_output(doc)) for doc, _ in part]
        self.db.insert_rows("documents", DOCUMENT_COLUMNS,
                            [_document_row(doc, out) for doc, out in outs])
        self.db.insert_rows("events", [*EVENT_COLUMNS, "document_id", "sentence", "evidence"],
                            [_event_row(doc.id, e) for doc, out in outs for e in out["events"]])
        self.db.insert_rows("places", ["document_id", "idx", "start_char", "end_char",
                                       *PLACE_COLUMNS[2:]],
                            [(doc.id, i, *[place.get(c) for c in PLACE_COLUMNS])
                             for doc, out in outs for i, place in enumerate(out["places"])])
        if self.merge_on_save:
            # One call for the part's records in document order merges each exactly as a call
            # per document would: records are merged one at a time either way.
            merge.merge_records(self, [e["id"] for _, out in outs for e in out["events"]])

    def _remove(self, doc_id: str) -> list[str]:
        """Delete a stored document and its records; the merged events it was part of."""
        from .. import merge

        touched = merge.detach_document(self, doc_id)
        for table, key in (("events", "document_id"), ("places", "document_id"),
                           ("documents", "id")):
            self.execute(f"DELETE FROM {table} WHERE {key} = ?", [doc_id])
        return touched

    def merge_pending(self) -> int:
        """Merge records not yet in any merged event (a store written before merging existed,
        or saved with `merge=False`); returns how many were merged."""
        from .. import merge

        with self.transaction():
            self.db.lock(MERGE_LOCK)
            ids = [r["id"] for r in self.query(
                "SELECT e.id FROM events e LEFT JOIN documents d ON d.id = e.document_id"
                " WHERE NOT EXISTS (SELECT 1 FROM merged_members m WHERE m.record_id = e.id)"
                " ORDER BY d.published, e.document_id, e.id")]
            merge.merge_records(self, ids)
        return len(ids)

    def counts(self) -> dict[str, int]:
        return {t: self.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]
                for t in ("documents", "events", "places", "merged_events")}


def _segments(todo: list[tuple[Document, bool]]) -> Iterator[list[tuple[Document, bool]]]:
    """Split (document, replaces a stored version) pairs before every replacing document."""
    part: list[tuple[Document, bool]] = []
    for item in todo:
        if item[1] and part:
            yield part
            part = []
        part.append(item)
    if part:
        yield part


def _document_row(doc: Document, out: dict[str, Any]) -> tuple[Any, ...]:
    return (doc.id, content_hash(doc), out["url"], out["title"], out["published"],
            out["published_source"], out["outlet"], out["agency"], out["dateline"], doc.text,
            json.dumps(out["errors"]), len(out["events"]))


def _event_row(doc_id: str, event: dict[str, Any]) -> tuple[Any, ...]:
    values = [event.get(c) for c in EVENT_COLUMNS]
    for col in ("assoc_actor_1", "assoc_actor_2"):
        values[EVENT_COLUMNS.index(col)] = "; ".join(event.get(col) or [])
    sentence = (event.get("sentence") or {}).get("text")
    return (*values, doc_id, sentence, json.dumps(event.get("evidence")))


def _connect(target: str) -> Backend:
    """Open the backend; a server that cannot be reached is a `StoreError`, not a traceback."""
    if not is_postgres_url(target):
        return open_backend(target)
    import psycopg

    try:
        return open_backend(target)
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"cannot connect to PostgreSQL: {first}") from None
