"""The schema and the transaction helper both backends share: SQL written once, with `?`
parameters; PostgreSQL's cursor gets them as `%s`, and its row locks where SQLite has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

__all__ = ["SCHEMA", "SCHEMA_VERSION", "Cursor", "Dialect", "Tx"]

SCHEMA_VERSION = 1

# {id}: an auto-increment primary key; {real}: a double. Amounts are micro-dollars.
SCHEMA = """
CREATE TABLE IF NOT EXISTS piapi_store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS piapi_budgets (
    name TEXT NOT NULL,
    window_key TEXT NOT NULL,
    committed_micros BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (name, window_key)
);
CREATE TABLE IF NOT EXISTS piapi_ledger (
    id {id},
    budget TEXT NOT NULL,
    window_key TEXT NOT NULL,
    state TEXT NOT NULL,
    reserved_micros BIGINT NOT NULL,
    charged_micros BIGINT,
    note TEXT NOT NULL,
    created_at {real} NOT NULL,
    closed_at {real}
);
CREATE INDEX IF NOT EXISTS piapi_ledger_open ON piapi_ledger (budget, state);
CREATE TABLE IF NOT EXISTS piapi_deliveries (
    key TEXT PRIMARY KEY,
    claimed_at {real} NOT NULL
);
CREATE INDEX IF NOT EXISTS piapi_deliveries_age ON piapi_deliveries (claimed_at);
CREATE TABLE IF NOT EXISTS piapi_batches (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    size BIGINT NOT NULL,
    cap_micros BIGINT,
    created_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS piapi_batch_items (
    batch TEXT NOT NULL,
    position BIGINT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    task_id TEXT,
    result_path TEXT,
    result_host TEXT,
    sent_at {real},
    detail TEXT,
    estimate_micros BIGINT,
    reservation_id BIGINT,
    PRIMARY KEY (batch, position)
);
CREATE INDEX IF NOT EXISTS piapi_batch_items_state ON piapi_batch_items (batch, state, position);
CREATE TABLE IF NOT EXISTS piapi_workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    lease_seconds {real} NOT NULL,
    expires_at {real} NOT NULL
);
"""


class Cursor(Protocol):
    """The part of a DB-API cursor the stores use (sqlite3's and psycopg's alike)."""

    @property
    def rowcount(self) -> int: ...
    @property
    def description(self) -> Any: ...
    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: Any, params: Any, /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Dialect(Protocol):
    """What differs between the backends' SQL."""

    paramstyle_pyformat: bool  # psycopg: `%s` instead of `?`
    skip_locked: str  # appended to a SELECT of rows to change: lock them, skip locked ones
    for_update: str  # appended to a SELECT of one row to change: lock it


class Tx:
    """One open transaction: run SQL written with `?` parameters on either backend."""

    def __init__(self, cursor: Cursor, dialect: Dialect) -> None:
        self._cursor = cursor
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect.paramstyle_pyformat else sql

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Run `sql`; every row it returns."""
        self._cursor.execute(self._sql(sql), params)
        if self._cursor.description is None:
            return []
        return [tuple(row) for row in self._cursor.fetchall()]

    def one(self, sql: str, *params: object) -> tuple[Any, ...] | None:
        """Run `sql`; its first row, None when it returns none."""
        found = self.rows(sql, *params)
        return found[0] if found else None

    def count(self, sql: str, *params: object) -> int:
        """Run `sql`; how many rows it changed."""
        self._cursor.execute(self._sql(sql), params)
        return self._cursor.rowcount

    def many(self, sql: str, params: Iterable[Sequence[object]]) -> None:
        """Run `sql` once per parameter tuple."""
        self._cursor.executemany(self._sql(sql), list(params))
