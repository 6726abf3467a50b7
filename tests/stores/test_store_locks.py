"""PostgreSQL locks: a process opening the store while workers use it deadlocks with none of
them.

Opening used to run the schema's `CREATE INDEX IF NOT EXISTS` statements, and PostgreSQL
takes a SHARE lock on the table even when the index exists: on the ledger first, then on
the batch items, held to the end of the opening transaction. A worker recording an item
(its row in the batch items updated, then its reservation closed in the ledger) takes them
in the other order, so the two waited for each other until PostgreSQL aborted one ("deadlock
detected" on `UPDATE piapi_ledger`: a worker's store call failed). The test builds that
interleaving with a worker paused just before it closes the reservation, and waits for
states (a thread ended, a backend waiting for a lock), never for a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import sql

from piapi.stores import Claim, Store, StoreError, _postgres, batch_budget, open_store
from piapi.stores._sql import Tx

TIMEOUT = 120.0  # a bound for a state to come under load, never a timing
PRICE = Decimal("0.32")


class PausedBeforeTheLedger(Tx):
    """A transaction that stops before its first change of the ledger until `go_on` is set
    (`paused` tells when it is there)."""

    paused = threading.Event()
    go_on = threading.Event()

    def one(self, sql: str, *params: object) -> tuple[Any, ...] | None:
        if sql.startswith("UPDATE piapi_ledger") and not self.paused.is_set():
            self.paused.set()
            assert self.go_on.wait(TIMEOUT), "the paused transaction was never let go"
        return super().one(sql, *params)


def someone_waits_for_a_lock(url: str) -> bool:
    """Whether a backend of the (per-test) server is waiting for a lock another one holds."""
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0"
        ).fetchone()
    return row is not None and row[0] > 0


def in_thread(action: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            action()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def open_and_close(url: str) -> None:
    with open_store(url):
        pass


RECORDS: dict[str, Callable[[Store, Claim], None]] = {
    "created": lambda store, claim: store.record_created(claim, "task-1", Decimal("0.30")),
    "not-sent": lambda store, claim: store.record_not_sent(claim, "no connection"),
}


@pytest.mark.parametrize("record", RECORDS, ids=list(RECORDS))
def test_opening_the_store_while_a_worker_records_an_item_is_no_deadlock(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, record: str
) -> None:
    with open_store(pg_url) as store:
        store.open_batch("b", "fp", [PRICE])
        claimed = store.claim_next("b", store.register_worker())
        assert claimed is not None
        claim: Claim = claimed
        PausedBeforeTheLedger.paused.clear()
        PausedBeforeTheLedger.go_on.clear()
        monkeypatch.setattr(_postgres, "Tx", PausedBeforeTheLedger)
        errors: list[BaseException] = []
        # The worker: its item's row changed, paused before closing its reservation.
        worker = in_thread(lambda: RECORDS[record](store, claim), errors)
        assert PausedBeforeTheLedger.paused.wait(TIMEOUT), errors
        # Another store (as another process would) opens meanwhile: it ends, or waits.
        opener = in_thread(lambda: open_and_close(pg_url), errors)
        while opener.is_alive() and not someone_waits_for_a_lock(pg_url):
            opener.join(0.02)  # polling for a state, not a timing
        PausedBeforeTheLedger.go_on.set()  # the worker goes on to the ledger
        worker.join(TIMEOUT)
        opener.join(TIMEOUT)
        assert not worker.is_alive()
        assert not opener.is_alive()
        assert not errors, errors  # was: StoreError "deadlock detected" in one of them
        spent = Decimal("0.30") if record == "created" else Decimal(0)
        assert store.spent(batch_budget("b")) == spent


def test_a_store_whose_schema_exists_opens_without_waiting_for_writers(pg_url: str) -> None:
    """Opening takes no lock a writer holds: with every table's rows being changed by an
    open transaction, another store still opens (and reads)."""
    with open_store(pg_url) as store:
        store.open_batch("b", "fp", [PRICE])
        reservation = store.reserve("team", "1")
    with psycopg.connect(pg_url, autocommit=True) as writer:
        writer.execute("BEGIN")
        for table in ("piapi_budgets", "piapi_ledger", "piapi_deliveries", "piapi_batches",
                      "piapi_batch_items", "piapi_workers", "piapi_store_meta"):  # fmt: skip
            writer.execute(
                sql.SQL("LOCK TABLE {} IN ROW EXCLUSIVE MODE").format(sql.Identifier(table))
            )
        errors: list[BaseException] = []
        opener = in_thread(lambda: open_and_close(pg_url), errors)
        while opener.is_alive() and not someone_waits_for_a_lock(pg_url):
            opener.join(0.02)  # polling for a state, not a timing
        waited = opener.is_alive()
        writer.execute("ROLLBACK")
        opener.join(TIMEOUT)
        assert not waited, "opening the store waited for a writer"
        assert not errors, errors
    with open_store(pg_url) as store:
        assert [row.id for row in store.open_reservations("team")] == [reservation]


def test_a_store_missing_a_table_or_index_gets_it_when_opened(pg_url: str) -> None:
    """A schema that is not complete is completed on opening (as it was on every opening)."""
    open_and_close(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("DROP INDEX piapi_batch_items_state")
        connection.execute("DROP TABLE piapi_workers")
    with open_store(pg_url) as store:
        assert store.register_worker("w1") == "w1"
    with psycopg.connect(pg_url, autocommit=True) as connection:
        row = connection.execute("SELECT to_regclass('piapi_batch_items_state')").fetchone()
    assert row is not None
    assert row[0] is not None


def test_a_store_of_another_format_is_still_refused(pg_url: str) -> None:
    open_and_close(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("UPDATE piapi_store_meta SET value = '99'")
    with pytest.raises(StoreError, match="format 99"):
        open_and_close(pg_url)
