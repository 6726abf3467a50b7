"""The store, written once: a shared spending ledger, webhook de-duplication and batch claims.

Each method is one transaction on the backend's connection (SQLite or PostgreSQL), so what
it changes is committed, for every process using the store, when it returns.

On PostgreSQL, transactions wait for each other's row locks, and two that take two locks in
opposite orders deadlock (PostgreSQL aborts one: a store call fails). Every method takes its
locks in one order: a worker's row, a batch's row, batch item rows, the ledger row of a
reservation being closed, a budget row. Claims lock items with `FOR UPDATE SKIP LOCKED`
(never waiting for them); a reservation locks its budget row, then inserts its ledger row,
which no other transaction sees before the commit (nothing can hold it). No method locks a
table: the schema's statements, which do, run only on a store that lacks a table or index
(`_postgres._schema_complete`), not on every opening.
"""

from __future__ import annotations

import abc
import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Generator, Sequence
from decimal import Decimal
from typing import Any, cast

from piapi._core.checks import UsdAmount, usd_amount
from piapi._core.errors import SpendLimitError
from piapi._core.text import format_usd
from piapi.stores._rules import (
    ItemState,
    Window,
    fits_under_limit,
    from_micros,
    lease_alive,
    lease_expiry,
    prune_cutoff,
    state_when_owner_gone,
    to_micros,
    window_key,
)
from piapi.stores._sql import Tx
from piapi.stores._types import Claim, ItemRow, LeaseLostError, OpenReservation, StoreError
from piapi.stores._url import redact

__all__ = ["DELIVERY_RETENTION_SECONDS", "Store"]

DELIVERY_RETENTION_SECONDS = 7 * 24 * 3600.0
"""Webhook delivery keys are kept 7 days: PiAPI's redeliveries come within minutes."""
_PRUNE_EVERY = 256  # claims between two prunes of old delivery keys, per store object
_ITEM_COLUMNS = (
    "batch, position, state, owner, task_id, result_path, result_host, sent_at, detail, "
    "estimate_micros, reservation_id"
)

Clock = Callable[[], float]


def _micros(name: str, value: object) -> int:
    """A caller's amount in USD as the whole micro-dollars a store keeps, checked by the SDK's
    one rule (`usd_amount`), a float refused: a shared ledger keeps exact amounts only."""
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, int or str amount in USD (got {value!r})")
    amount = usd_amount(name, cast("UsdAmount | None", value))
    if amount is None:
        raise TypeError(f"{name} must be a Decimal, int or str amount in USD (got None)")
    return to_micros(amount)


def _money(micros: int | None) -> Decimal | None:
    return None if micros is None else from_micros(int(micros))


def batch_budget(batch: str) -> str:
    """The ledger budget that holds a batch's shared cost total."""
    return f"batch:{batch}"


class Store(abc.ABC):
    """A shared store; open one with `piapi.stores.open_store(url)`.

    Thread-safe (one transaction at a time per store object); every process and machine
    that opens the same URL shares its budgets, delivery keys and batches.
    """

    def __init__(self, url: str, *, clock: Clock, delivery_retention: float) -> None:
        self.url = redact(url)
        self._clock = clock
        self._retention = delivery_retention
        self._lock = threading.Lock()
        self._claims = 0

    # The backend's part.

    @abc.abstractmethod
    def _begin(self, write: bool) -> contextlib.AbstractContextManager[Tx]:
        """A transaction that commits on leaving, rolls back on an exception; `write`: one
        that changes rows (SQLite takes its write lock at once)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection."""

    @contextlib.contextmanager
    def _tx(self, write: bool = True) -> Generator[Tx, None, None]:
        with self._lock, self._begin(write) as tx:
            yield tx

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # The spending ledger.

    def reserve(
        self,
        name: str,
        amount_usd: Decimal | int | str,
        limit_usd: Decimal | int | str | None = None,
        window: Window | str = Window.NONE,
        note: str = "",
    ) -> int:
        """Reserve `amount_usd` on budget `name` and return the reservation's id, or raise
        `SpendLimitError` (nothing reserved) when settled charges and open reservations in
        the current `window` plus it would pass `limit_usd`. Atomic across processes."""
        amount = _micros("amount_usd", amount_usd)
        limit = None if limit_usd is None else _micros("limit_usd", limit_usd)
        now = self._clock()
        key = window_key(Window(window), now)
        with self._tx() as tx:
            return self._reserve_in(tx, name, key, amount, limit, note, now)

    def _reserve_in(
        self, tx: Tx, name: str, key: str, amount: int, limit: int | None, note: str, now: float
    ) -> int:
        tx.count(
            "INSERT INTO piapi_budgets (name, window_key) VALUES (?, ?) ON CONFLICT DO NOTHING",
            name,
            key,
        )
        row = tx.one(
            "SELECT committed_micros FROM piapi_budgets WHERE name = ? AND window_key = ?"
            + tx.dialect.for_update,
            name,
            key,
        )
        committed = int(row[0]) if row else 0
        if not fits_under_limit(committed, amount, limit):
            raise _refusal(name, committed, amount, limit)
        tx.count(
            "UPDATE piapi_budgets SET committed_micros = committed_micros + ? "
            "WHERE name = ? AND window_key = ?",
            amount,
            name,
            key,
        )
        created = tx.one(
            "INSERT INTO piapi_ledger (budget, window_key, state, reserved_micros, note, "
            "created_at) VALUES (?, ?, 'open', ?, ?, ?) RETURNING id",
            name,
            key,
            amount,
            note,
            now,
        )
        assert created is not None
        return int(created[0])

    def settle(self, reservation_id: int, charged_usd: Decimal | int | str) -> None:
        """Replace an open reservation by what was charged (settling twice with the same
        amount is a no-op; anything else on a closed reservation raises `StoreError`)."""
        charged = _micros("charged_usd", charged_usd)
        with self._tx() as tx:
            self._close_reservation(tx, reservation_id, charged)

    def release(self, reservation_id: int) -> None:
        """Drop an open reservation: the create certainly did not happen (twice: a no-op)."""
        with self._tx() as tx:
            self._close_reservation(tx, reservation_id, None)

    def _close_reservation(self, tx: Tx, reservation_id: int, charged: int | None) -> None:
        # The ledger row, then its budget row: the order of every transaction (see the top).
        state = "released" if charged is None else "settled"
        row = tx.one(
            "UPDATE piapi_ledger SET state = ?, charged_micros = ?, closed_at = ? "
            "WHERE id = ? AND state = 'open' RETURNING budget, window_key, reserved_micros",
            state,
            charged,
            self._clock(),
            reservation_id,
        )
        if row is None:
            found = tx.one(
                "SELECT state, charged_micros FROM piapi_ledger WHERE id = ?", reservation_id
            )
            if found is not None and (found[0], found[1]) == (state, charged):
                return
            what = "does not exist" if found is None else f"is already {found[0]}"
            raise StoreError(f"Reservation {reservation_id} {what}: it cannot be {state}")
        budget, key, reserved = row
        tx.count(
            "UPDATE piapi_budgets SET committed_micros = committed_micros + ? "
            "WHERE name = ? AND window_key = ?",
            (charged or 0) - int(reserved),
            budget,
            key,
        )

    def spent(self, name: str, window: Window | str = Window.NONE) -> Decimal:
        """Budget `name`'s total in the current window: settled charges and open reservations."""
        key = window_key(Window(window), self._clock())
        with self._tx(write=False) as tx:
            row = tx.one(
                "SELECT committed_micros FROM piapi_budgets WHERE name = ? AND window_key = ?",
                name,
                key,
            )
        return from_micros(int(row[0]) if row else 0)

    def open_reservations(self, name: str) -> list[OpenReservation]:
        """Budget `name`'s reservations neither settled nor released, oldest first."""
        with self._tx(write=False) as tx:
            rows = tx.rows(
                "SELECT id, budget, window_key, reserved_micros, note, created_at "
                "FROM piapi_ledger WHERE budget = ? AND state = 'open' ORDER BY id",
                name,
            )
        return [
            OpenReservation(int(i), n, k, from_micros(int(m)), note, float(at))
            for i, n, k, m, note, at in rows
        ]

    # Webhook de-duplication.

    def claim_delivery(self, key: str) -> bool:
        """True exactly once per `key` across every process using this store: act on the
        delivery only then. Keys are forgotten after the retention (7 days by default)."""
        now = self._clock()
        with self._tx() as tx:
            self._claims += 1
            if self._claims % _PRUNE_EVERY == 1:
                self._prune(tx, now)
            return (
                tx.count(
                    "INSERT INTO piapi_deliveries (key, claimed_at) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                    key,
                    now,
                )
                == 1
            )

    def prune_deliveries(self) -> int:
        """Forget delivery keys older than the retention; how many were forgotten."""
        with self._tx() as tx:
            return self._prune(tx, self._clock())

    def _prune(self, tx: Tx, now: float) -> int:
        cutoff = prune_cutoff(now, self._retention)
        return tx.count("DELETE FROM piapi_deliveries WHERE claimed_at < ?", cutoff)

    # Batch items claimed by many workers.

    def open_batch(
        self,
        batch: str,
        fingerprint: str,
        estimates: Sequence[Decimal | None],
        cap_usd: Decimal | int | str | None = None,
    ) -> None:
        """Create batch `batch` (one item per estimate, in order), or join it if it exists
        with the same `fingerprint` and size (else `StoreError`); `cap_usd` replaces its cap."""
        cap = None if cap_usd is None else _micros("cap_usd", cap_usd)
        with self._tx() as tx:
            created = tx.count(
                "INSERT INTO piapi_batches (id, fingerprint, size, cap_micros, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                batch,
                fingerprint,
                len(estimates),
                cap,
                self._clock(),
            )
            if created:
                tx.many(
                    "INSERT INTO piapi_batch_items (batch, position, state, estimate_micros) "
                    "VALUES (?, ?, 'new', ?)",
                    [
                        (batch, position, None if cost is None else to_micros(cost))
                        for position, cost in enumerate(estimates)
                    ],
                )
                return
            row = tx.one(
                "SELECT fingerprint, size FROM piapi_batches WHERE id = ?" + tx.dialect.for_update,
                batch,
            )
            assert row is not None
            if (row[0], int(row[1])) != (fingerprint, len(estimates)):
                raise StoreError(
                    f"Batch {batch!r} exists with other requests ({int(row[1])} of them, "
                    f"fingerprint {str(row[0])[:12]}): choose another batch name"
                )
            tx.count("UPDATE piapi_batches SET cap_micros = ? WHERE id = ?", cap, batch)

    def register_worker(self, worker_id: str | None = None, *, lease_seconds: float = 60.0) -> str:
        """Start (or renew) a worker's lease and return its id; its items are taken over
        by others once `lease_seconds` pass without a `heartbeat`."""
        worker = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        expires = lease_expiry(self._clock(), lease_seconds)
        with self._tx() as tx:
            tx.count(
                "INSERT INTO piapi_workers (id, host, pid, lease_seconds, expires_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at",
                worker,
                socket.gethostname(),
                os.getpid(),
                lease_seconds,
                expires,
            )
        return worker

    def heartbeat(self, worker: str) -> bool:
        """Renew `worker`'s lease; False (not renewed) when it already ran out."""
        now = self._clock()
        with self._tx() as tx:
            row = tx.one(
                "SELECT lease_seconds, expires_at FROM piapi_workers WHERE id = ?"
                + tx.dialect.for_update,
                worker,
            )
            if row is None or not lease_alive(float(row[1]), now):
                return False
            tx.count(
                "UPDATE piapi_workers SET expires_at = ? WHERE id = ?",
                lease_expiry(now, float(row[0])),
                worker,
            )
            return True

    def retire_worker(self, worker: str) -> None:
        """End `worker`'s lease now: its created tasks go to others, a create it may have
        been sending becomes uncertain."""
        with self._tx() as tx:
            tx.count("DELETE FROM piapi_workers WHERE id = ?", worker)
            self._reap(tx, None, self._clock())

    def claim_next(self, batch: str, worker: str) -> Claim | None:
        """The next item for `worker`, committed as its own before this returns (None: no
        item left to claim). A created task whose worker is gone comes first (follow it);
        else the first new item, "sending" and its price reserved under the batch's cap
        (`SpendLimitError` when it does not fit: nothing claimed)."""
        now = self._clock()
        with self._tx() as tx:
            row = tx.one("SELECT expires_at FROM piapi_workers WHERE id = ?", worker)
            if row is None or not lease_alive(float(row[0]), now):
                raise LeaseLostError(f"Worker {worker}'s lease ran out: register again")
            self._reap(tx, batch, now)
            return self._take_orphan(tx, batch, worker) or self._take_new(tx, batch, worker, now)

    def _reap(self, tx: Tx, batch: str | None, now: float) -> None:
        """Items whose owner's lease ran out: uncertain if sending, ownerless if created."""
        rows = tx.rows(
            "SELECT batch, position, state FROM piapi_batch_items i "
            f"WHERE {'' if batch is None else 'batch = ? AND '}state IN ('sending', 'created') "
            "AND owner IS NOT NULL AND NOT EXISTS (SELECT 1 FROM piapi_workers w "
            "WHERE w.id = i.owner AND w.expires_at > ?)" + tx.dialect.skip_locked,
            *([] if batch is None else [batch]),
            now,
        )
        for item_batch, position, state in rows:
            after = state_when_owner_gone(ItemState(state))
            if after is ItemState.UNCERTAIN:
                detail = "its worker stopped while sending the create: look for it at PiAPI"
            else:
                detail = None
            tx.count(
                "UPDATE piapi_batch_items SET state = ?, owner = NULL, "
                "detail = COALESCE(?, detail) WHERE batch = ? AND position = ?",
                (after or ItemState(state)).value,
                detail,
                item_batch,
                position,
            )

    def _take_orphan(self, tx: Tx, batch: str, worker: str) -> Claim | None:
        row = tx.one(
            "SELECT position, task_id, reservation_id, estimate_micros FROM piapi_batch_items "
            "WHERE batch = ? AND state = 'created' AND owner IS NULL ORDER BY position LIMIT 1"
            + tx.dialect.skip_locked,
            batch,
        )
        if row is None:
            return None
        position, task_id, reservation, estimate = row
        tx.count(
            "UPDATE piapi_batch_items SET owner = ? WHERE batch = ? AND position = ?",
            worker,
            batch,
            position,
        )
        return Claim(batch, int(position), worker, task_id, _id(reservation), _money(estimate))

    def _take_new(self, tx: Tx, batch: str, worker: str, now: float) -> Claim | None:
        row = tx.one(
            "SELECT position, estimate_micros FROM piapi_batch_items WHERE batch = ? "
            "AND state = 'new' ORDER BY position LIMIT 1" + tx.dialect.skip_locked,
            batch,
        )
        if row is None:
            return None
        position, estimate = row
        cap_row = tx.one("SELECT cap_micros FROM piapi_batches WHERE id = ?", batch)
        cap = None if cap_row is None or cap_row[0] is None else int(cap_row[0])
        if estimate is None and cap is not None:
            raise SpendLimitError(
                f"Not sent: item {position} of batch {batch!r} has no estimated price, and "
                f"the batch has a cost cap of {format_usd(from_micros(cap))}",
                limit_usd=from_micros(cap),
            )
        reservation = self._reserve_in(
            tx, batch_budget(batch), "", int(estimate or 0), cap, f"item {position}", now
        )
        tx.count(
            "UPDATE piapi_batch_items SET state = 'sending', owner = ?, sent_at = ?, "
            "reservation_id = ?, detail = NULL WHERE batch = ? AND position = ?",
            worker,
            now,
            reservation,
            batch,
            position,
        )
        return Claim(batch, int(position), worker, None, reservation, _money(estimate))

    def _move(
        self,
        tx: Tx,
        batch: str,
        position: int,
        allowed: tuple[ItemState, ...],
        sets: str,
        *params: object,
    ) -> tuple[Any, ...]:
        """Change one item that is in one of `allowed` states; its reservation id and state."""
        marks = ", ".join("?" for _ in allowed)
        row = tx.one(
            f"UPDATE piapi_batch_items SET {sets} WHERE batch = ? AND position = ? "
            f"AND state IN ({marks}) RETURNING reservation_id",
            *params,
            batch,
            position,
            *(state.value for state in allowed),
        )
        if row is None:
            found = tx.one(
                "SELECT state FROM piapi_batch_items WHERE batch = ? AND position = ?",
                batch,
                position,
            )
            where = "does not exist" if found is None else f"is {found[0]}"
            names = " or ".join(state.value for state in allowed)
            raise StoreError(f"Item {position} of batch {batch!r} {where}, not {names}")
        return row

    def _move_settling(
        self,
        claim: Claim,
        allowed: tuple[ItemState, ...],
        charged_usd: Decimal | None,
        sets: str,
        *params: object,
    ) -> None:
        """`_move` the claimed item; a reported charge closes its still-open reservation at
        that amount (a later report of the same task finds it closed)."""
        with self._tx() as tx:
            (reservation,) = self._move(tx, claim.batch, claim.position, allowed, sets, *params)
            if reservation is None or charged_usd is None:
                return
            open_row = tx.one(
                "SELECT 1 FROM piapi_ledger WHERE id = ? AND state = 'open'", int(str(reservation))
            )
            if open_row is not None:
                charged = _micros("charged_usd", charged_usd)
                self._close_reservation(tx, int(str(reservation)), charged)

    def record_created(
        self, claim: Claim, task_id: str, charged_usd: Decimal | None = None
    ) -> None:
        """The create answered with `task_id` (from "sending", or "uncertain" once the
        answer came late); `charged_usd` settles the item's reservation."""
        self._move_settling(
            claim,
            (ItemState.SENDING, ItemState.UNCERTAIN),
            charged_usd,
            "state = 'created', task_id = ?, owner = ?, detail = NULL",
            task_id,
            claim.worker,
        )

    def record_not_sent(self, claim: Claim, detail: str | None = None) -> None:
        """The create certainly never reached PiAPI: the item is new again, its
        reservation released."""
        self._unsent(claim, "state = 'new', owner = NULL, sent_at = NULL, detail = ?", detail)

    def _unsent(self, claim: Claim, sets: str, detail: str | None) -> None:
        """A "sending" item whose create was certainly not sent: `sets` it, releasing its
        reservation."""
        with self._tx() as tx:
            (reservation,) = self._move(
                tx, claim.batch, claim.position, (ItemState.SENDING,), sets, detail
            )
            if reservation is not None:
                self._close_reservation(tx, int(reservation), None)

    def record_uncertain(self, claim: Claim, detail: str) -> None:
        """The create may have reached PiAPI without an answer: never re-sent on a guess;
        its reservation stays open until someone settles it."""
        with self._tx() as tx:
            self._move(
                tx,
                claim.batch,
                claim.position,
                (ItemState.SENDING,),
                "state = 'uncertain', owner = NULL, detail = ?",
                detail,
            )

    def record_refused(self, claim: Claim, detail: str) -> None:
        """PiAPI refused the create (a bad request): nothing was created, its reservation is
        released, and the item is final (`failed`, no task): a corrected request is another
        batch."""
        self._unsent(claim, "state = 'failed', owner = NULL, detail = ?", detail)

    def record_result(
        self,
        claim: Claim,
        path: str | None,
        host: str | None = None,
        charged_usd: Decimal | None = None,
    ) -> None:
        """The task's result is saved at `path` on `host` (default: this machine); `path`
        None: the task completed and nothing was to be saved."""
        self._move_settling(
            claim,
            (ItemState.CREATED, ItemState.SAVED),
            charged_usd,
            "state = 'saved', result_path = ?, result_host = ?, detail = NULL",
            path,
            host or socket.gethostname(),
        )

    def record_failed(self, claim: Claim, detail: str, charged_usd: Decimal | None = None) -> None:
        """The task failed at PiAPI: final, not created again."""
        self._move_settling(
            claim, (ItemState.CREATED,), charged_usd, "state = 'failed', detail = ?", detail
        )

    def resolve_uncertain(self, batch: str, position: int, task_id: str) -> None:
        """Someone found an uncertain item's task at PiAPI: a worker will follow it."""
        with self._tx() as tx:
            self._move(
                tx,
                batch,
                position,
                (ItemState.UNCERTAIN,),
                "state = 'created', task_id = ?, owner = NULL, detail = NULL",
                task_id,
            )

    def retry_uncertain(self, batch: str, position: int) -> None:
        """Someone checked that an uncertain item's task does not exist: new again, its
        reservation released."""
        with self._tx() as tx:
            (reservation,) = self._move(
                tx,
                batch,
                position,
                (ItemState.UNCERTAIN,),
                "state = 'new', owner = NULL, sent_at = NULL, detail = NULL",
            )
            if reservation is not None:
                with contextlib.suppress(StoreError):  # settled or released meanwhile
                    self._close_reservation(tx, int(reservation), None)

    def held_items(self, batch: str) -> list[tuple[str, str]]:
        """`(state, owner)` of every item of `batch` a worker holds (sending or created):
        few rows however large the batch (at most each worker's items in flight)."""
        with self._tx(write=False) as tx:
            rows = tx.rows(
                "SELECT state, owner FROM piapi_batch_items WHERE batch = ? "
                "AND state IN ('sending', 'created') AND owner IS NOT NULL",
                batch,
            )
        return [(str(state), str(owner)) for state, owner in rows]

    def batch_items(self, batch: str) -> list[ItemRow]:
        """Every item of `batch`, in order."""
        with self._tx(write=False) as tx:
            rows = tx.rows(
                f"SELECT {_ITEM_COLUMNS} FROM piapi_batch_items WHERE batch = ? ORDER BY position",
                batch,
            )
        return [
            ItemRow(
                b,
                int(p),
                ItemState(s),
                o,
                t,
                rp,
                rh,
                None if at is None else float(at),
                d,
                _money(e),
                _id(r),
            )
            for b, p, s, o, t, rp, rh, at, d, e, r in rows
        ]


def _id(value: object) -> int | None:
    return None if value is None else int(str(value))


def _refusal(name: str, committed: int, amount: int, limit: int | None) -> SpendLimitError:
    spent, cost = from_micros(committed), from_micros(amount)
    cap = from_micros(limit or 0)
    return SpendLimitError(
        f"Not sent: {format_usd(cost)} more on budget {name!r} would pass its limit of "
        f"{format_usd(cap)} ({format_usd(spent)} spent or reserved)",
        spent_usd=spent,
        cost_usd=cost,
        limit_usd=cap,
    )


def system_clock() -> float:
    """Unix seconds: the default clock of a store."""
    return time.time()
