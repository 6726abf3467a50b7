"""A budget of a store as clients share it (`PiAPIClient(spend_store=...)`): the store is
opened on first use, and every call is one committed transaction.

It is what `piapi._core.spending.SharedLedger` describes; the clients call it from
`piapi._async.spending` (the async client in a worker thread).
"""

from __future__ import annotations

import os
import socket
import threading
from decimal import Decimal

from piapi.stores._base import Store
from piapi.stores._rules import Window
from piapi.stores._url import parse_url, redact

__all__ = ["SharedBudget"]


class SharedBudget:
    """Budget `name` of the store at `url`, limited over `window`; safe across threads.

    Its `repr` and `url` show the URL redacted (no password).
    """

    def __init__(self, url: str | os.PathLike[str], name: str, window: Window | str) -> None:
        parse_url(url)  # a bad URL is refused now, redacted, before anything is sent
        if not name.strip():
            raise ValueError(f"spend_limit_name must be a non-empty string (got {name!r})")
        try:
            self.window = Window(window)
        except ValueError:
            raise ValueError(
                f"spend_window must be 'none', 'day' or 'month' (got {window!r})"
            ) from None
        self._target = url
        self.url = redact(os.fspath(url))
        self.name = name
        self._lock = threading.Lock()
        self._store: Store | None = None

    def __repr__(self) -> str:
        return f"SharedBudget({self.name!r}, window={self.window.value!r}, store={self.url!r})"

    def _opened(self) -> Store:
        with self._lock:
            if self._store is None:
                from piapi.stores import open_store

                self._store = open_store(self._target)
            return self._store

    def reserve(self, amount_usd: Decimal, limit_usd: Decimal | None, note: str) -> int:
        """Reserve `amount_usd` (`SpendLimitError` past `limit_usd`, counting every client's
        open reservations and settled charges); its id. The note says what and who."""
        who = f"{socket.gethostname()} pid {os.getpid()}"
        return self._opened().reserve(
            self.name, amount_usd, limit_usd, self.window, f"{note} ({who})"
        )

    def settle(self, reservation_id: int, charged_usd: Decimal) -> None:
        """Replace the reservation by what PiAPI reported."""
        self._opened().settle(reservation_id, charged_usd)

    def release(self, reservation_id: int) -> None:
        """Drop the reservation: its create certainly did not reach PiAPI."""
        self._opened().release(reservation_id)

    def close(self) -> None:
        """Close the store's connection; the next call opens it again."""
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            store.close()
