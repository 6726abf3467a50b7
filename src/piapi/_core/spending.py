"""The spending limit: a running total of what a client's creates cost, checked before each.

Pure bookkeeping, no I/O: a create reserves its estimated price before it is sent and is
refused with `SpendLimitError` if that would pass the limit; once PiAPI answers, the
reservation becomes what PiAPI reports (the charge, or the hold). One lock keeps the total
exact across threads and async tasks alike: nothing waits or awaits while it is held.

With a shared store (`spend_store=`), the limit is checked by the store, across every
client using it (`SharedLedger`); the decisions (what to reserve, what to settle, whether
to release) stay here, and the shells call the store (`piapi._async.spending`).
"""

from __future__ import annotations

import enum
import threading
from decimal import Decimal
from typing import Any, Literal, NamedTuple, Protocol

from piapi._core.checks import UsdAmount, usd_amount
from piapi._core.errors import PiAPIError, SpendLimitError
from piapi._core.models import Task, TaskT
from piapi._core.protocol import CreateCost, estimate_cost
from piapi._core.text import format_usd

_ZERO = Decimal(0)

SpendWindow = Literal["none", "day", "month"]
"""The period a shared spending limit applies to, in UTC: all time, each day, each month."""


def reservation_amount(
    *,
    estimate: Decimal | None,
    max_cost_usd: Decimal | None,
    limit_usd: Decimal | None,
    committed_usd: Decimal,
    what: str,
    check_total: bool = True,
) -> Decimal:
    """What to reserve for a create before it is sent, or the `SpendLimitError` refusing it:
    the estimate when the price is known, else the caller's `max_cost_usd`.

    Refused when the estimate is above `max_cost_usd`; under a limit, also when the price is
    unknown and no `max_cost_usd` was given, and when it would take the total
    (`committed_usd`) past the limit, unless `check_total` is false (a shared store checks
    the total instead).
    """
    details: dict[str, Any] = {
        "spent_usd": committed_usd,
        "cost_usd": estimate,
        "limit_usd": limit_usd,
        "max_cost_usd": max_cost_usd,
    }
    if estimate is not None and max_cost_usd is not None and estimate > max_cost_usd:
        raise SpendLimitError(
            f"Not sent: {what} would cost {format_usd(estimate)}, more than "
            f"max_cost_usd={format_usd(max_cost_usd)}",
            **details,
        )
    amount = estimate if estimate is not None else max_cost_usd
    if amount is None:
        if limit_usd is None:
            return _ZERO
        raise SpendLimitError(
            f"Not sent: the price of {what} cannot be estimated, and this client has a "
            f"spending limit of {format_usd(limit_usd)}. Pass max_cost_usd= with the most "
            "this task may cost: it is counted until PiAPI reports the price",
            **details,
        )
    if check_total and limit_usd is not None and committed_usd + amount > limit_usd:
        left = max(limit_usd - committed_usd, _ZERO)
        details["cost_usd"] = amount
        raise SpendLimitError(
            f"Not sent: {what} would cost {format_usd(amount)}, and {format_usd(committed_usd)} "
            f"of the {format_usd(limit_usd)} spending limit is spent or reserved "
            f"({format_usd(left)} left)",
            **details,
        )
    return amount


def settled_amount(task: Task[Any, Any], reserved: Decimal) -> Decimal:
    """What a create's reservation becomes once PiAPI answered with `task`: the charge, else
    the hold it reports; what was reserved while it reports no amount yet (no usage, or 0
    on a task still running)."""
    cost = task.cost_usd
    if cost is None or (cost == 0 and not task.is_terminal):
        return reserved
    return cost


class ReservationState(enum.Enum):
    """Where a create's reservation stands."""

    OPEN = "open"  # the create is being sent
    SETTLED = "settled"  # PiAPI answered: the amount is what it reported
    KEPT = "kept"  # the create may have reached PiAPI without an answer: the estimate stays
    RELEASED = "released"  # the create certainly did not happen: nothing is counted


def closing_state(exc: BaseException | None) -> ReservationState:
    """What an unsettled reservation becomes when its create ended with `exc` (None: no
    error, no answer read). Only an SDK error can say a create never reached PiAPI
    (released); anything else (Ctrl-C, a cancelled task, a crash) may have come after it
    was sent, so the estimate stays (kept): nothing is released on a guess."""
    if isinstance(exc, PiAPIError) and not exc.task_may_exist:
        return ReservationState.RELEASED
    return ReservationState.KEPT


class SharedLedger(Protocol):
    """A budget in a store that many clients share (`spend_store=`): blocking calls, each
    one committed transaction (the async client makes them in a worker thread)."""

    def reserve(self, amount_usd: Decimal, limit_usd: Decimal | None, note: str) -> int:
        """Record a reservation and return its id, or raise `SpendLimitError` when every
        client's settled charges and open reservations plus it would pass `limit_usd`."""
        ...

    def settle(self, reservation_id: int, charged_usd: Decimal) -> None:
        """Replace an open reservation by what PiAPI reported."""
        ...

    def release(self, reservation_id: int) -> None:
        """Drop an open reservation: the create certainly did not reach PiAPI."""
        ...

    def close(self) -> None:
        """Close the store's connection (it opens again when next used)."""
        ...


class SpendLedger:
    """The running total of a client and its `with_options` copies, safe across threads.

    `spent_usd` counts each created task at what PiAPI reported for it, the reservations of
    creates being sent, and those of creates that may have reached PiAPI unanswered.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spent = _ZERO

    @property
    def spent_usd(self) -> Decimal:
        """The total in USD, reservations included."""
        with self._lock:
            return self._spent

    def reserve(
        self, cost: CreateCost, limit_usd: Decimal | None, *, shared: bool = False
    ) -> Reservation:
        """Count a create before it is sent, or raise `SpendLimitError` (nothing counted).
        `shared`: the limit is checked by a shared store, not against this total."""
        estimate = estimate_cost(cost.request)  # outside the lock: it may validate a request
        with self._lock:
            amount = reservation_amount(
                estimate=estimate,
                max_cost_usd=cost.max_cost_usd,
                limit_usd=limit_usd,
                committed_usd=self._spent,
                what=cost.describe(),
                check_total=not shared,
            )
            self._spent += amount
        return Reservation(self, amount)

    def _replace(self, reserved: Decimal, actual: Decimal) -> None:
        with self._lock:
            self._spent += actual - reserved


class Reservation:
    """One create's share of the total: settled by the answer, else kept or released on
    leaving the `with` block, by whether the create may have happened."""

    def __init__(self, ledger: SpendLedger, amount: Decimal) -> None:
        self._ledger = ledger
        self.amount = amount
        self.state = ReservationState.OPEN

    def settle(self, task: TaskT) -> TaskT:
        """Replace the reservation by what PiAPI reports for the new task; returns the task."""
        self._close(ReservationState.SETTLED, settled_amount(task, self.amount))
        return task

    def release(self) -> None:
        """Drop the reservation: its create was certainly not sent."""
        self._close(ReservationState.RELEASED, _ZERO)

    def _close(self, state: ReservationState, actual: Decimal) -> None:
        if self.state is ReservationState.OPEN:
            self.state = state
            self._ledger._replace(self.amount, actual)

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        state = closing_state(exc)  # RELEASED (nothing counted) or KEPT (the estimate stays)
        self._close(state, _ZERO if state is ReservationState.RELEASED else self.amount)


class Spending(NamedTuple):
    """A client's spending limit and the ledger it shares with its `with_options` copies;
    `shared`: the budget of a store every client on it shares, which checks the limit."""

    ledger: SpendLedger
    limit_usd: Decimal | None = None
    shared: SharedLedger | None = None

    @classmethod
    def new(cls, limit_usd: UsdAmount | None, shared: SharedLedger | None = None) -> Spending:
        """A fresh total under `limit_usd` (None: no limit, the total is still kept)."""
        return cls(SpendLedger(), usd_amount("spend_limit_usd", limit_usd), shared)

    def with_limit(self, limit_usd: UsdAmount | None) -> Spending:
        """Another limit on the same running total (and the same shared budget)."""
        return Spending(self.ledger, usd_amount("spend_limit_usd", limit_usd), self.shared)

    def reserve(self, cost: CreateCost) -> Reservation:
        """Count a create in this client's total before it is sent (see
        `SpendLedger.reserve`); with a shared budget, the store then checks the limit."""
        return self.ledger.reserve(cost, self.limit_usd, shared=self.shared is not None)
