"""Benchmark 7: what a shared store costs per reserve and per claim.

The spending ledger's `reserve` + `settle` and a batch's `claim_next` + `record_created`,
each a committed transaction, on SQLite (a file, rollback journal, synced per commit) and
PostgreSQL (a local server on a Unix socket, fsync on), against the in-memory bookkeeping
a single process does today (a dict under a lock). Reported: microseconds per operation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal

from _common import Row, fmt_us, median, say, temp_dir
from piapi.stores import Store, open_store
from piapi.stores._local_postgres import LocalPostgres

TARGET_MS = 10.0  # per operation: small next to a create's round trip to PiAPI (~0.5-2 s)


class MemoryLedger:
    """The baseline: one process's running total and reservations, under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open: dict[int, Decimal] = {}
        self.total = Decimal(0)
        self.next_id = 0
        self.items: list[int] = []

    def reserve(self, amount: Decimal, limit: Decimal) -> int:
        with self.lock:
            if self.total + amount > limit:
                raise RuntimeError("over the limit")
            self.next_id += 1
            self.open[self.next_id] = amount
            self.total += amount
            return self.next_id

    def settle(self, reservation: int, charged: Decimal) -> None:
        with self.lock:
            self.total += charged - self.open.pop(reservation)


def per_op(operation: Callable[[], object], count: int) -> float:
    """Median seconds per call of `operation` over 5 rounds of `count // 5` calls."""
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(max(count // 5, 1)):
            operation()
        rounds.append((time.perf_counter() - started) / max(count // 5, 1))
    return median(rounds)


def ledger_op(store: Store) -> Callable[[], object]:
    def reserve_and_settle() -> None:
        store.settle(store.reserve("bench", "0.32", limit_usd="1000000"), "0.30")

    return reserve_and_settle


def claim_op(store: Store, count: int) -> Callable[[], object]:
    store.open_batch("bench", "fp", [Decimal("0.01")] * (count + 10))
    worker = store.register_worker()

    def claim_and_record() -> None:
        claim = store.claim_next("bench", worker)
        assert claim is not None
        store.record_created(claim, "task")

    return claim_and_record


def run(quick: bool) -> list[Row]:
    count = 50 if quick else 500
    memory = MemoryLedger()
    memory.items = list(range(count * 25))
    baseline_reserve = per_op(
        lambda: memory.settle(memory.reserve(Decimal("0.32"), Decimal(10**6)), Decimal("0.30")),
        count * 20,
    )

    def pop_item() -> None:
        with memory.lock:
            memory.items.pop()

    baseline_claim = per_op(pop_item, count * 20)
    say(
        f"in memory: reserve+settle {baseline_reserve * 1e6:.2f} us, "
        f"claim {baseline_claim * 1e6:.2f} us"
    )
    rows: list[Row] = []
    with temp_dir("piapi-bench-stores") as folder, LocalPostgres(durable=True) as server:
        for name, url in (
            ("SQLite", f"sqlite://{folder}/bench.sqlite"),
            ("PostgreSQL", server.url),
        ):
            with open_store(url) as store:
                reserve = per_op(ledger_op(store), count)
                claim = per_op(claim_op(store, count), count)
            say(f"{name}: reserve+settle {fmt_us(reserve)}, claim+record {fmt_us(claim)}")
            for what, figure, baseline in (
                ("reserve + settle", reserve, baseline_reserve),
                ("claim + record", claim, baseline_claim),
            ):
                rows.append(
                    Row(
                        f"store {name}: {what}",
                        fmt_us(figure),
                        f"memory {baseline * 1e6:.2f} us",
                        figure / baseline,
                        f"< {TARGET_MS:.0f} ms",
                        figure * 1e3 < TARGET_MS,
                    )
                )
    return rows


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
