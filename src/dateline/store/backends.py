"""The two database backends behind `Store`: an embedded DuckDB file and a PostgreSQL server.

Both take SQL with `?` placeholders (DuckDB's own style); for psycopg they become `%s`. Both
return rows as dicts from `query`, and run a block atomically with `transaction()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


class Backend:
    """What `Store` needs from a database."""

    kind = "?"
    con: Any

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def iter_query(self, sql: str, params: Sequence[Any] | None = None, size: int = 2000
                   ) -> Iterator[dict[str, Any]]:
        """Rows one at a time, fetched in batches: an export of millions never sits in memory."""
        raise NotImplementedError
        yield

    def script(self, sql: str) -> None:
        """Run several `;`-separated statements with no parameters (a migration file)."""
        raise NotImplementedError

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert many rows at once: multi-row INSERTs, in parts (PostgreSQL takes at most
        65,535 parameters a statement)."""
        mark = "(" + ", ".join("?" * len(columns)) + ")"
        step = max(1, 60_000 // max(len(columns), 1))
        for start in range(0, len(rows), step):
            part = rows[start:start + step]
            self.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                         + ", ".join([mark] * len(part)), [v for r in part for v in r])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    def lock(self, key: int) -> None:
        """Serialise writers that merge: only PostgreSQL has several at once."""

    def close(self) -> None:
        self.con.close()


class DuckDBBackend(Backend):
    kind = "duckdb"

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(path)
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.con.execute(sql, list(params or []))

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params or []))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def iter_query(self, sql: str, params: Sequence[Any] | None = None, size: int = 2000
                   ) -> Iterator[dict[str, Any]]:
        cur = self.con.cursor()  # its own cursor: the caller may query meanwhile
        try:
            cur.execute(sql, list(params or []))
            names = [d[0] for d in cur.description or []]
            while batch := cur.fetchmany(size):
                yield from (dict(zip(names, row, strict=True)) for row in batch)
        finally:
            cur.close()

    def script(self, sql: str) -> None:
        self.con.execute(sql)

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Through an Arrow table: DuckDB binds each `?` of a multi-row INSERT slowly (270 rows
        of places: ~100 ms, against ~5 ms for an Arrow scan). Values Arrow cannot type (a
        column mixing text and numbers, a lone surrogate) take the generic path, which leaves
        DuckDB to judge them as before."""
        import pyarrow as pa

        if not rows:
            return
        try:
            data = pa.table({f"c{i}": [r[i] for r in rows] for i in range(len(columns))})
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            super().insert_rows(table, columns, rows)
            return
        self.con.register("dateline_rows", data)
        try:
            self.con.execute(f"INSERT INTO {table} ({', '.join(columns)})"
                             " SELECT * FROM dateline_rows")
        finally:
            self.con.unregister("dateline_rows")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:  # nested: the outer transaction commits or rolls back
            yield
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth += 1
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self._depth -= 1


# `?` outside quoted strings and identifiers is a placeholder; psycopg reads every `%` (inside
# literals too) as one, so each is doubled.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


def to_psycopg(sql: str) -> str:
    """DuckDB-style `?` placeholders to psycopg's `%s` (hand-written: psycopg has no qmark
    mode, and a plain replace would also change `?` and `%` inside string literals)."""
    def swap(m: re.Match[str]) -> str:
        tok = m.group(0)
        return "%s" if tok == "?" else tok.replace("%", "%%")
    return _TOKENS.sub(swap, sql)


class PostgresBackend(Backend):
    kind = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.rows import dict_row

        self.con = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.con.execute(to_psycopg(sql), list(params or []))

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        return list(self.con.execute(to_psycopg(sql), list(params or [])).fetchall())

    def iter_query(self, sql: str, params: Sequence[Any] | None = None, size: int = 2000
                   ) -> Iterator[dict[str, Any]]:
        from psycopg.rows import dict_row

        # A named (server-side) cursor streams; it lives in a transaction of its own.
        with self.transaction(), self.con.cursor(name="dateline_stream",
                                                  row_factory=dict_row) as cur:
            cur.itersize = size
            cur.execute(to_psycopg(sql), list(params or []))
            yield from cur

    def script(self, sql: str) -> None:
        self.con.execute(sql)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            yield
            return
        self._depth += 1
        try:
            with self.con.transaction():
                yield
        finally:
            self._depth -= 1

    def lock(self, key: int) -> None:
        # Held until the transaction ends: two writers never merge into the same events at once.
        self.con.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def open_backend(target: str) -> Backend:
    if is_postgres_url(target):
        return PostgresBackend(target)
    return DuckDBBackend(target)
