"""The SQLite store: one file, for the processes of one machine (stdlib `sqlite3`).

A rollback journal (not WAL) with `synchronous=FULL`: every commit is in the named file on
disk when it returns, so the file alone (copied, backed up) holds everything committed.
Writers take the lock at `BEGIN IMMEDIATE` and wait for each other up to `busy_timeout`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Generator
from pathlib import Path

from piapi.stores._base import Clock, Store
from piapi.stores._sql import SCHEMA, SCHEMA_VERSION, Tx
from piapi.stores._types import StoreError

__all__ = ["SQLiteStore"]


class SQLiteStore(Store):
    """A store in one SQLite file (`sqlite:///path`); `:memory:` for one process only."""

    paramstyle_pyformat = False
    skip_locked = ""  # the write lock taken at BEGIN IMMEDIATE already excludes others
    for_update = ""

    def __init__(
        self,
        url: str,
        path: str,
        *,
        clock: Clock,
        delivery_retention: float,
        busy_timeout: float = 60.0,
    ) -> None:
        super().__init__(url, clock=clock, delivery_retention=delivery_retention)
        where = path if path == ":memory:" else str(Path(path).expanduser())
        try:
            if where != ":memory:":
                Path(where).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                where, isolation_level=None, check_same_thread=False, timeout=busy_timeout
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the store {self.url}: {exc}") from None
        try:
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.execute("PRAGMA synchronous=FULL")
            with self._tx() as tx:
                _create_schema(tx)
        except BaseException:
            self._db.close()
            raise

    @contextlib.contextmanager
    def _begin(self, write: bool) -> Generator[Tx, None, None]:
        cursor = self._db.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Tx(cursor, self)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"The store {self.url} failed: {exc}") from None
        finally:
            cursor.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _create_schema(tx: Tx) -> None:
    """Create the tables (once), or check that the file holds this version's."""
    for statement in SCHEMA.format(id="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL").split(";"):
        if statement.strip():
            tx.count(statement)
    check_version(tx)


def check_version(tx: Tx) -> None:
    """Record the schema version in a new store; refuse a store written by another one."""
    tx.count(
        "INSERT INTO piapi_store_meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT DO NOTHING",
        str(SCHEMA_VERSION),
    )
    row = tx.one("SELECT value FROM piapi_store_meta WHERE key = 'schema_version'")
    if row is None or row[0] != str(SCHEMA_VERSION):
        found = None if row is None else row[0]
        raise StoreError(f"This store has format {found}; this piapi uses format {SCHEMA_VERSION}")
