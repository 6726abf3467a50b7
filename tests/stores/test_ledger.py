"""The shared spending ledger, on SQLite and PostgreSQL: reservations, limits, windows, and
processes racing for the same budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _children import Child, release, run_together
from _store_clock import FakeClock

from piapi import SpendLimitError
from piapi.stores import Store, StoreError, open_store

DAY = 86400.0


def test_reserve_counts_until_settled_or_released(store: Store) -> None:
    first = store.reserve("team", "0.32", limit_usd=1, note="fox")
    second = store.reserve("team", Decimal("0.32"), limit_usd=1)
    assert store.spent("team") == Decimal("0.64")
    assert [(r.id, r.amount_usd, r.note) for r in store.open_reservations("team")] == [
        (first, Decimal("0.32"), "fox"),
        (second, Decimal("0.32"), ""),
    ]
    store.settle(first, "0.30")
    store.release(second)
    assert store.spent("team") == Decimal("0.30")
    assert store.open_reservations("team") == []


def test_a_reservation_past_the_limit_is_refused_and_nothing_is_counted(store: Store) -> None:
    for _ in range(3):
        store.reserve("team", "0.32", limit_usd=1)
    with pytest.raises(SpendLimitError, match=r"\$0.32 more on budget 'team'") as refused:
        store.reserve("team", "0.32", limit_usd=1)
    assert refused.value.spent_usd == Decimal("0.96")
    assert refused.value.limit_usd == Decimal("1.00")
    assert store.spent("team") == Decimal("0.96")
    assert len(store.open_reservations("team")) == 3
    store.reserve("team", "0.04", limit_usd=1)  # exactly the limit still fits


def test_settled_charges_count_by_what_was_charged(store: Store) -> None:
    reservation = store.reserve("team", "0.90", limit_usd=1)
    store.settle(reservation, "0.10")  # PiAPI charged less than the estimate
    store.reserve("team", "0.90", limit_usd=1)
    with pytest.raises(SpendLimitError):
        store.reserve("team", "0.01", limit_usd=1)


def test_budgets_are_separate_and_a_budget_without_limit_still_counts(store: Store) -> None:
    store.reserve("a", "5")
    store.reserve("b", "0.50", limit_usd="0.50")
    assert (store.spent("a"), store.spent("b"), store.spent("c")) == (
        Decimal("5.00"),
        Decimal("0.50"),
        Decimal("0.00"),
    )


def test_a_daily_window_starts_again_each_utc_day(store: Store, clock: FakeClock) -> None:
    store.reserve("team", "1", limit_usd=1, window="day")
    with pytest.raises(SpendLimitError):
        store.reserve("team", "1", limit_usd=1, window="day")
    clock.now += DAY
    store.reserve("team", "1", limit_usd=1, window="day")
    assert store.spent("team", "day") == Decimal("1.00")
    assert len(store.open_reservations("team")) == 2  # both days' reservations are open


def test_a_reservation_settled_in_a_later_window_counts_in_its_own(
    store: Store, clock: FakeClock
) -> None:
    reservation = store.reserve("team", "0.50", limit_usd=1, window="month")
    clock.now += 40 * DAY
    store.settle(reservation, "0.80")
    assert store.spent("team", "month") == Decimal("0.00")
    clock.now -= 40 * DAY
    assert store.spent("team", "month") == Decimal("0.80")


def test_settle_and_release_are_idempotent_but_never_change_a_closed_one(store: Store) -> None:
    settled = store.reserve("team", "0.32")
    store.settle(settled, "0.30")
    store.settle(settled, "0.30")
    with pytest.raises(StoreError, match="already settled"):
        store.settle(settled, "0.31")
    with pytest.raises(StoreError, match="already settled"):
        store.release(settled)
    released = store.reserve("team", "0.32")
    store.release(released)
    store.release(released)
    with pytest.raises(StoreError, match="does not exist"):
        store.settle(10_000, "1")
    assert store.spent("team") == Decimal("0.30")


@pytest.mark.parametrize("bad", ["-1", "NaN", "abc", "1e999999999", 1.5, True, None])
def test_bad_amounts_are_refused_before_anything_is_written(store: Store, bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        store.reserve("team", bad)  # type: ignore[arg-type]
    assert store.open_reservations("team") == []


def test_eight_processes_racing_under_one_dollar_get_exactly_three(store_url: str) -> None:
    results = run_together([["reserve", store_url, "team", "0.32", "1"] for _ in range(8)])
    granted = [result for result in results if result is not None]
    assert len(granted) == 3
    with open_store(store_url) as store:
        assert store.spent("team") == Decimal("0.96")
        assert sorted(r.id for r in store.open_reservations("team")) == sorted(granted)


def test_a_process_killed_mid_create_keeps_its_reservation(store_url: str) -> None:
    with open_store(store_url) as store:
        store.open_batch("b", "fp", [Decimal("0.32")])
    child = Child("hold", store_url, "b")
    try:
        assert release([child]) == [0]
    finally:
        child.kill()
    with open_store(store_url) as store:
        [kept] = store.open_reservations("team")
        assert (kept.amount_usd, kept.note) == (Decimal("0.32"), "create in flight")
        assert store.spent("team") == Decimal("0.32")
        store.settle(kept.id, "0.32")
        assert store.open_reservations("team") == []
