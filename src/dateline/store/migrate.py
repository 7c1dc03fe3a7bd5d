"""Numbered SQL migrations, applied in order and recorded in `schema_migrations`.

Files are `migrations/NNNN_name.sql`; the same file runs on DuckDB and PostgreSQL, so it keeps
to SQL both accept (VARCHAR, INTEGER, BIGINT, DOUBLE PRECISION, DATE, TIMESTAMP, plain indexes).
A migration and its record are written in one transaction: a failed one leaves no trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from .backends import Backend

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
MIGRATION_LOCK = 0x0DA7E11E  # advisory lock id: one PostgreSQL client migrates at a time


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    found = []
    for entry in resources.files("dateline.store").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {sorted(versions)}")
    return sorted(found, key=lambda m: m.version)


def applied(db: Backend) -> set[int]:
    db.script("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
              " name VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp)")
    return {r["version"] for r in db.query("SELECT version FROM schema_migrations")}


def migrate(db: Backend) -> list[Migration]:
    """Apply every migration not yet recorded; returns those applied now."""
    with db.transaction():
        db.lock(MIGRATION_LOCK)
        done = applied(db)
    todo = [m for m in available() if m.version not in done]
    for mig in todo:
        with db.transaction():
            db.lock(MIGRATION_LOCK)
            if mig.version in applied(db):  # another client got there first
                continue
            db.script(mig.sql)
            db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                       [mig.version, mig.name])
    return todo
