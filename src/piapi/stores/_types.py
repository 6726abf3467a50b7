"""What the stores return and raise: reservations, batch claims and items, `StoreError`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from piapi._core.errors import PiAPIError
from piapi.stores._rules import ItemState

__all__ = ["Claim", "ItemRow", "LeaseLostError", "OpenReservation", "StoreError"]


class StoreError(PiAPIError):
    """A store cannot do what was asked: unreachable, not a piapi store, or a row is not in
    the state the call needs. Messages never contain a connection string's password."""


class LeaseLostError(StoreError):
    """This worker's lease ran out (no heartbeat in time): other workers may have taken its
    items over, so it must not claim more. Register again under a new id."""


@dataclass(frozen=True)
class OpenReservation:
    """A reservation neither settled nor released: a create in flight, or one whose process
    died before it could say what happened (it counts until settled or released)."""

    id: int
    name: str
    window_key: str
    amount_usd: Decimal
    note: str
    created_at: float


@dataclass(frozen=True)
class Claim:
    """An item a worker owns. `task_id` None: send its create (the claim is committed);
    set: the task exists (created by a worker that is gone), follow it."""

    batch: str
    position: int
    worker: str
    task_id: str | None
    reservation_id: int | None
    estimate_usd: Decimal | None


@dataclass(frozen=True)
class ItemRow:
    """One batch item as the store has it."""

    batch: str
    position: int
    state: ItemState
    owner: str | None
    task_id: str | None
    result_path: str | None
    result_host: str | None
    sent_at: float | None
    detail: str | None
    estimate_usd: Decimal | None
    reservation_id: int | None
