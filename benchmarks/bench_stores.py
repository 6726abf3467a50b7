"""Benchmark 7: what a shared store costs per reserve and per claim, and per batch item.

The spending ledger's `reserve` + `settle` and a batch's `claim_next` + `record_created`,
each a committed transaction, on SQLite (a file, rollback journal, synced per commit) and
PostgreSQL (a local server on a Unix socket, fsync on), against the in-memory bookkeeping
a single process does today (a dict under a lock). Reported: microseconds per operation.

Then a whole batch (`run_many`, the fake PiAPI in process on a fake clock, so what is
measured is the SDK and its journal): the time per item with the PostgreSQL store as its
journal (`journal="postgresql://..."`: claims, lease, one transaction per step) against
the single-process SQLite file journal and against no journal, in the same run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

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


BATCH_CONCURRENCY = 8
# A shared batch's item is three store transactions (claimed, created, finished), each held
# to the per-operation target.
TRANSACTIONS_PER_ITEM = 3


def batch_per_item(journal: str | Path | None, count: int, tag: str) -> float:
    """Seconds per item of a `count`-item batch with `journal` (median of 3 runs, each of
    new requests: a store's batch is named by its requests)."""
    from piapi import PiAPIClient, Sora2VideoInput
    from piapi.testing import FakeClock, FakePiAPI

    rounds = []
    for round_ in range(3):
        clock = FakeClock()
        fake = FakePiAPI(clock=clock, queue_delay=5.0, task_duration=90.0)
        requests = [Sora2VideoInput(prompt=f"{tag} {round_} clip {n}") for n in range(count)]
        target = Path(f"{journal}-{round_}") if isinstance(journal, Path) else journal
        with PiAPIClient(api_key="test", http_client=fake.client()) as client:
            client._sleep = clock.sleep
            client._now = clock.monotonic
            started = time.perf_counter()
            items = client.tasks.run_many(requests, journal=target, concurrency=BATCH_CONCURRENCY)
            rounds.append((time.perf_counter() - started) / count)
        assert all(item.state.value == "completed" for item in items)
        assert max(fake.create_counts().values()) == 1
    return median(rounds)


def batch_rows(folder: Path, pg_url: str, quick: bool) -> list[Row]:
    """A batch's time per item through each journal, as ratios to the file journal."""
    count = 40 if quick else 300
    memory = batch_per_item(None, count, "memory")
    file = batch_per_item(folder / "journal.sqlite", count, "file")
    shared = batch_per_item(pg_url, count, "shared")
    say(
        f"batch of {count} x{BATCH_CONCURRENCY}, per item: no journal {fmt_us(memory)}, "
        f"file journal {fmt_us(file)}, PostgreSQL journal {fmt_us(shared)}"
    )
    name = f"batch {count} x{BATCH_CONCURRENCY} per item"
    return [
        Row(
            f"{name}: file journal (1 process)",
            fmt_us(file),
            f"no journal {fmt_us(memory)}",
            file / memory,
            "info",
            None,
            "info",
        ),
        Row(
            f"{name}: PostgreSQL journal (many)",
            fmt_us(shared),
            f"file journal {fmt_us(file)}",
            shared / file,
            f"< {TRANSACTIONS_PER_ITEM * TARGET_MS:.0f} ms more",
            (shared - memory) * 1e3 < TRANSACTIONS_PER_ITEM * TARGET_MS,
        ),
    ]


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
        rows += batch_rows(folder, server.url, quick)
    return rows


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
