"""The stores' decisions as pure functions: amounts, budget windows, limits, leases, retention.

Every backend asks these instead of deciding in SQL alone, so each rule is written once
and tested by tables, without a database.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import ROUND_CEILING, Decimal

__all__ = [
    "ItemState",
    "Window",
    "fits_under_limit",
    "from_micros",
    "lease_alive",
    "lease_expiry",
    "prune_cutoff",
    "state_when_owner_gone",
    "to_micros",
    "window_key",
]

MICROS = Decimal(1_000_000)
MAX_USD = Decimal("9223372036854.775807")
"""The most a store can keep: 2**63 - 1 micro-dollars, its 64-bit integer columns' limit."""


class Window(str, enum.Enum):
    """The period a budget's limit applies to, in UTC: all time, each day, each month."""

    NONE = "none"
    DAY = "day"
    MONTH = "month"


class ItemState(str, enum.Enum):
    """Where a batch item stands in a shared store (see `Store.claim_next`)."""

    NEW = "new"  # not sent: any worker may claim it
    SENDING = "sending"  # claimed; its owner may be sending the create right now
    CREATED = "created"  # the task exists (task_id known)
    SAVED = "saved"  # its result is saved (result path and host known)
    FAILED = "failed"  # final: the task failed, or the create was refused for good
    UNCERTAIN = "uncertain"  # the create may have reached PiAPI; never re-sent on a guess


def to_micros(amount: Decimal) -> int:
    """An amount in USD as whole micro-dollars, rounded up: a limit never counts too little."""
    if not amount.is_finite() or not 0 <= amount <= MAX_USD:
        raise ValueError(f"an amount must be finite, 0 to {MAX_USD} (got {amount})")
    return int((amount * MICROS).to_integral_value(rounding=ROUND_CEILING))


def from_micros(micros: int) -> Decimal:
    """Micro-dollars back to USD, without trailing zeros beyond cents (`320000` -> `0.32`)."""
    amount = Decimal(micros) / MICROS
    return (
        amount.quantize(Decimal("0.01")) if amount == amount.quantize(Decimal("0.01")) else amount
    )


def window_key(window: Window, now: float) -> str:
    """Which period `now` (unix seconds) falls in: "" for no window, `2026-05-20`, `2026-05`."""
    if window is Window.NONE:
        return ""
    moment = datetime.fromtimestamp(now, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d" if window is Window.DAY else "%Y-%m")


def fits_under_limit(committed_micros: int, amount_micros: int, limit_micros: int | None) -> bool:
    """Whether a reservation of `amount` fits: settled charges and open reservations plus
    it stay at or under the limit (no limit: always)."""
    return limit_micros is None or committed_micros + amount_micros <= limit_micros


def lease_expiry(now: float, lease_seconds: float) -> float:
    """When a worker's lease, renewed at `now`, runs out."""
    if not lease_seconds > 0:
        raise ValueError(f"lease_seconds must be more than 0 (got {lease_seconds})")
    return now + lease_seconds


def lease_alive(expires_at: float | None, now: float) -> bool:
    """Whether a worker still holds its lease: it has one, and it has not run out."""
    return expires_at is not None and now < expires_at


def prune_cutoff(now: float, retention_seconds: float) -> float:
    """Delivery keys claimed before this moment may be forgotten."""
    return now - retention_seconds


def state_when_owner_gone(state: ItemState) -> ItemState | None:
    """What an item becomes once its owner's lease ran out; None: it needs no new owner.

    A create its owner may have sent is `uncertain` (never re-sent on a guess); a created
    task is handed to another worker to follow; a new or finished item stays as it is.
    """
    if state is ItemState.SENDING:
        return ItemState.UNCERTAIN
    if state is ItemState.CREATED:
        return ItemState.CREATED
    return None
