"""The stores' pure decisions, by tables: amounts, windows, limits, leases, retention."""

from __future__ import annotations

from decimal import Decimal

import pytest

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

# 2026-05-31 23:59:59 UTC and one second later (a new day and a new month).
LAST_SECOND_OF_MAY = 1_780_271_999.0


@pytest.mark.parametrize(
    ("amount", "micros"),
    [
        ("0", 0),
        ("0.32", 320_000),
        ("20", 20_000_000),
        ("0.0035", 3_500),
        ("0.0000001", 1),  # below a micro-dollar: rounded up, never down
        ("1.0000011", 1_000_002),
    ],
)
def test_amounts_are_whole_micro_dollars_rounded_up(amount: str, micros: int) -> None:
    assert to_micros(Decimal(amount)) == micros


@pytest.mark.parametrize(
    ("micros", "text"), [(0, "0.00"), (320_000, "0.32"), (3_500, "0.0035"), (5_000_000, "5.00")]
)
def test_micro_dollars_read_back_as_usd(micros: int, text: str) -> None:
    assert str(from_micros(micros)) == text


@pytest.mark.parametrize("bad", ["-0.01", "NaN", "Infinity", "9223372036854.775808", "1e999999999"])
def test_negative_or_non_finite_amounts_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        to_micros(Decimal(bad))


@pytest.mark.parametrize(
    ("window", "now", "key"),
    [
        (Window.NONE, LAST_SECOND_OF_MAY, ""),
        (Window.DAY, LAST_SECOND_OF_MAY, "2026-05-31"),
        (Window.DAY, LAST_SECOND_OF_MAY + 1, "2026-06-01"),
        (Window.MONTH, LAST_SECOND_OF_MAY, "2026-05"),
        (Window.MONTH, LAST_SECOND_OF_MAY + 1, "2026-06"),
    ],
)
def test_window_keys_are_utc_days_and_months(window: Window, now: float, key: str) -> None:
    assert window_key(window, now) == key


@pytest.mark.parametrize(
    ("committed", "amount", "limit", "fits"),
    [
        (0, 320_000, None, True),  # no limit
        (640_000, 320_000, 1_000_000, True),  # 0.96 <= 1
        (960_000, 320_000, 1_000_000, False),  # 1.28 > 1
        (680_000, 320_000, 1_000_000, True),  # exactly the limit fits
        (0, 1, 0, False),  # a zero limit refuses any amount
        (0, 0, 0, True),  # ...but a free task
    ],
)
def test_a_reservation_fits_when_the_total_stays_at_or_under_the_limit(
    committed: int, amount: int, limit: int | None, fits: bool
) -> None:
    assert fits_under_limit(committed, amount, limit) is fits


@pytest.mark.parametrize(
    ("expires_at", "now", "alive"),
    [(None, 0.0, False), (100.0, 99.9, True), (100.0, 100.0, False), (100.0, 150.0, False)],
)
def test_a_lease_is_alive_until_it_expires(
    expires_at: float | None, now: float, alive: bool
) -> None:
    assert lease_alive(expires_at, now) is alive


def test_a_lease_runs_for_its_length_and_must_have_one() -> None:
    assert lease_expiry(1000.0, 60.0) == 1060.0
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="lease_seconds"):
            lease_expiry(1000.0, bad)


def test_delivery_keys_are_kept_for_the_retention() -> None:
    assert prune_cutoff(1_000_000.0, 7 * 86400.0) == 1_000_000.0 - 604_800.0


@pytest.mark.parametrize(
    ("state", "after"),
    [
        (ItemState.NEW, None),
        (ItemState.SENDING, ItemState.UNCERTAIN),  # may have been sent: never re-created
        (ItemState.CREATED, ItemState.CREATED),  # another worker follows the task
        (ItemState.SAVED, None),
        (ItemState.FAILED, None),
        (ItemState.UNCERTAIN, None),
    ],
)
def test_what_an_item_becomes_when_its_owner_is_gone(
    state: ItemState, after: ItemState | None
) -> None:
    assert state_when_owner_gone(state) is after
