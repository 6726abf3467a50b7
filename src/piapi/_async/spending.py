"""A create's reservation: counted in the client's own total and, with `spend_store=`, in
a budget shared through a store, whose blocking calls run in a worker thread.

The one place the clients call a spending store; what to reserve, settle or release is
decided by `piapi._core.spending`. The async code is the source of `piapi._sync.spending`.
"""

from __future__ import annotations

import logging
import os

from piapi._async._backend import to_thread
from piapi._core.models import TaskT
from piapi._core.protocol import CreateCost
from piapi._core.spending import (
    Reservation,
    ReservationState,
    SharedLedger,
    Spending,
    SpendWindow,
    closing_state,
    settled_amount,
)

logger = logging.getLogger("piapi")


class CreateReservation:
    """`async with CreateReservation(spending, cost) as reservation:` around a create's
    send; `await reservation.settle(task)` with its answer.

    Entering reserves (or raises `SpendLimitError`, nothing sent); leaving unsettled
    releases the reservation when the create certainly did not reach PiAPI and keeps it
    open otherwise. A shared store that fails after the create was sent never hides the
    task: the reservation stays open in the store (it counts), and a warning names it.
    """

    def __init__(self, spending: Spending, cost: CreateCost) -> None:
        self._spending = spending
        self._cost = cost
        self._local: Reservation | None = None
        self._shared_id: int | None = None

    async def __aenter__(self) -> CreateReservation:
        local = self._spending.reserve(self._cost)
        shared = self._spending.shared
        if shared is not None:
            try:
                self._shared_id = await to_thread(
                    shared.reserve, local.amount, self._spending.limit_usd, self._cost.describe()
                )
            except BaseException:
                local.release()  # nothing was sent
                raise
        self._local = local
        return self

    async def settle(self, task: TaskT) -> TaskT:
        """Replace the reservation by what PiAPI reports for the new task; returns it."""
        assert self._local is not None, "settle() inside `async with` only"
        amount = settled_amount(task, self._local.amount)
        self._local.settle(task)
        shared, reservation_id = self._spending.shared, self._shared_id
        if shared is not None and reservation_id is not None:
            try:
                await to_thread(shared.settle, reservation_id, amount)
            except Exception as exc:
                logger.warning(
                    "Task %s was created, but its reservation %d in %r could not be settled "
                    "(%s): it stays open at its estimate until settled by hand "
                    "(piapi spend settle %d --charged %s)",
                    task.task_id,
                    reservation_id,
                    shared,
                    exc,
                    reservation_id,
                    amount,
                )
        return task

    async def __aexit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        local = self._local
        if local is None or local.state is not ReservationState.OPEN:
            return
        local.__exit__(exc_type, exc, tb)
        shared, reservation_id = self._spending.shared, self._shared_id
        if (
            shared is not None
            and reservation_id is not None
            and closing_state(exc) is ReservationState.RELEASED
        ):
            try:
                await to_thread(shared.release, reservation_id)
            except Exception as store_exc:  # the reservation stays open: it counts
                logger.warning(
                    "The reservation %d in %r could not be released (%s): it stays open "
                    "until released by hand (piapi spend settle %d --release)",
                    reservation_id,
                    shared,
                    store_exc,
                    reservation_id,
                )


def shared_budget(
    store: str | os.PathLike[str] | None, name: str, window: SpendWindow
) -> SharedLedger | None:
    """The budget a client's `spend_store=`, `spend_limit_name=` and `spend_window=` name;
    None without a store. Nothing is opened yet; a bad option raises `ValueError`."""
    if store is None:
        if (name, window) != ("default", "none"):
            raise ValueError("spend_limit_name= and spend_window= need spend_store=")
        return None
    from piapi.stores._budget import SharedBudget  # the stores load only when asked for

    return SharedBudget(store, name, window)


async def close_shared(spending: Spending) -> None:
    """Close the connection of a client's shared spending store, if it has one."""
    if spending.shared is not None:
        await to_thread(spending.shared.close)
