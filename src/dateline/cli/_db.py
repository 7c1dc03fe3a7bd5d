"""Opening the store for the commands that read it (`explain`, `control`, `export`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .app import err

if TYPE_CHECKING:
    from ..store import Store

DB_HELP = "The store: a DuckDB file, or a postgresql://user@host/db URL"


def open_store(db: str) -> Store:
    """The store, with any records not merged yet merged first; a one-line error for a missing
    file or an unreachable server."""
    import duckdb

    from ..store import Store, is_postgres_url

    if not is_postgres_url(db) and not Path(db).exists():
        raise typer.BadParameter(f"no store at {db!r}; create one with `dateline extract "
                                 f"INPUT --db {db}`", param_hint="--db")
    try:
        store = Store(db)
    except (OSError, duckdb.Error) as exc:
        raise typer.BadParameter(f"cannot open the store {shown(db)!r}: {exc}".splitlines()[0],
                                 param_hint="--db") from None
    pending = store.query("SELECT count(*) AS n FROM events e WHERE NOT EXISTS"
                          " (SELECT 1 FROM merged_members m WHERE m.record_id = e.id)")[0]["n"]
    if pending:
        err.print(f"merging {pending} record(s) stored before merging existed ...")
        store.merge_pending()
    return store


def shown(db: str) -> str:
    """The store as it may be printed: a URL's password masked."""
    return re.sub(r"^(\w+://[^:/@]+:)[^@]*@", r"\1***@", db)
