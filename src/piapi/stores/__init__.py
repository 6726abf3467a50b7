"""Stores shared by processes and machines: a spending ledger, webhook de-duplication, and
batch items claimed by many workers; SQLite (one machine) or PostgreSQL (many).

```python
from piapi.stores import open_store

with open_store("postgresql://piapi@db/piapi") as store:  # or "sqlite:///var/lib/piapi.sqlite"
    reservation = store.reserve("team-a", "0.32", limit_usd=20, window="day")
    ...
    store.settle(reservation, "0.32")
```

Nothing here is loaded by `import piapi`; `sqlite3` and `psycopg` load when a store opens.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

from piapi.stores._base import DELIVERY_RETENTION_SECONDS, Store, batch_budget, system_clock
from piapi.stores._rules import ItemState, Window
from piapi.stores._types import Claim, ItemRow, LeaseLostError, OpenReservation, StoreError
from piapi.stores._url import default_sqlite_path, parse_url, redact

__all__ = [
    "DELIVERY_RETENTION_SECONDS",
    "STORE_URL_ENV",
    "Claim",
    "ItemRow",
    "ItemState",
    "LeaseLostError",
    "OpenReservation",
    "Store",
    "StoreError",
    "Window",
    "batch_budget",
    "default_sqlite_path",
    "open_store",
    "redact",
]

STORE_URL_ENV = "PIAPI_STORE_URL"
"""The environment variable `open_store()` reads when given no URL."""


def open_store(
    url: str | os.PathLike[str] | None = None,
    *,
    clock: Callable[[], float] | None = None,
    delivery_retention: timedelta = timedelta(seconds=DELIVERY_RETENTION_SECONDS),
) -> Store:
    """Open (creating its tables if needed) the store at `url`.

    `sqlite:///path/to/file.sqlite` (or a plain path), `postgresql://...` / `postgres://...`;
    None: `$PIAPI_STORE_URL`, else SQLite at `default_sqlite_path()`. `clock` (unix seconds)
    is for tests. Raises `StoreError` (password redacted) when it cannot be opened.
    """
    if url is None:
        url = os.environ.get(STORE_URL_ENV) or default_sqlite_path()
    parsed = parse_url(url)
    text = os.fspath(url)
    tick, retention = clock or system_clock, delivery_retention.total_seconds()
    if parsed.backend == "sqlite":
        from piapi.stores._sqlite import SQLiteStore

        return SQLiteStore(text, parsed.target, clock=tick, delivery_retention=retention)
    try:
        from piapi.stores._postgres import PostgresStore
    except ImportError:
        raise StoreError(
            'A PostgreSQL store needs psycopg: pip install "piapi-sdk[postgres]"'
        ) from None
    return PostgresStore(text, clock=tick, delivery_retention=retention)
