"""A batch journal shared by many processes and machines: the store's batch claims.

The same program runs each item as with the file journal; only where items come from and
where their changes go differ. Items come from `Store.claim_next` one at a time (a new
item is committed as "sending", its price reserved under the batch's cap, before it is
returned; a created task whose worker is gone comes first), and each change is a store
transaction. The worker's lease is renewed by a heartbeat thread every third of the lease;
a worker whose lease ran out claims nothing more. Loaded only for a `postgresql://` journal
(with `piapi.stores` and psycopg).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Sequence
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from piapi._core.models import Task, TaskStatus
from piapi.batch._journal import ClaimGoneError, Row, _unfollowable
from piapi.batch._plan import (
    Identity,
    Phase,
    batch_fingerprint,
    others_at_work,
    poll_seconds,
    shared_batch_name,
    shared_phase,
)
from piapi.stores import Claim, ItemRow, LeaseLostError, Store, StoreError, open_store

DEFAULT_LEASE_SECONDS = 60.0
"""A worker's lease: another worker takes its items over this long after it stopped."""

_LEASE_RAN_OUT = "this worker's lease ran out"


class SharedJournal:
    """A batch's items in a store, worked by any number of processes; this process is one
    worker (registered when opened, retired when closed). Thread-safe, as the store is."""

    def __init__(
        self,
        store: Store,
        batch: str,
        worker: str,
        lease_seconds: float,
        *,
        saving: bool,
    ) -> None:
        self.store = store
        self.batch = batch
        self.worker = worker
        self.poll_seconds = poll_seconds(lease_seconds)
        self._saving = saving
        self._claims: dict[int, Claim] = {}
        # Claimed ("sending" in the store) and its create not sent yet, with the reason of
        # the last try that did not leave: kept while its own program tries again.
        self._unsent: dict[int, str | None] = {}
        self._charges: dict[int, Decimal | None] = {}  # finished, settled when saved
        self.lease_lost = threading.Event()
        self._closing = threading.Event()
        self.rows = self.read_rows()
        self._heartbeat = threading.Thread(
            target=self._beat, name=f"piapi-batch-lease-{worker}", daemon=True
        )
        self._heartbeat.start()

    @classmethod
    def open(
        cls,
        url: str,
        identities: Sequence[Identity],
        estimates: Sequence[Decimal | None],
        *,
        cap_usd: Decimal | None,
        lease_seconds: float,
        saving: bool,
    ) -> SharedJournal:
        """Join (or create) the batch of these requests in the store at `url`.

        Raises:
            StoreError: The store cannot be reached or used (nothing was sent).
        """
        store = open_store(url)
        try:
            fingerprint = batch_fingerprint(identities)
            batch = shared_batch_name(fingerprint)
            store.open_batch(batch, fingerprint, estimates, cap_usd)
            worker = store.register_worker(lease_seconds=lease_seconds)
            return cls(store, batch, worker, lease_seconds, saving=saving)
        except BaseException:
            store.close()
            raise

    # --- the lease ---------------------------------------------------------------------

    def _beat(self) -> None:
        while not self._closing.wait(self.poll_seconds):
            try:
                alive = self.store.heartbeat(self.worker)
            except StoreError:
                continue  # unreachable for now: the lease runs out if it stays so
            if not alive:
                self.lease_lost.set()
                return

    # --- where items come from -----------------------------------------------------------

    def claim(self) -> Claim | None:
        """The next item this worker owns (committed), or None: nothing to claim now, or
        this worker's lease ran out (`lease_lost` is set: it claims nothing more).

        Raises:
            SpendLimitError: The next new item does not fit under the batch's cap.
        """
        if self.lease_lost.is_set():
            return None
        try:
            claim = self.store.claim_next(self.batch, self.worker)
        except LeaseLostError:
            self.lease_lost.set()
            return None
        if claim is not None:
            self._claims[claim.position] = claim
            if claim.task_id is None:
                self._unsent[claim.position] = None
        return claim

    def others_at_work(self) -> bool:
        """Whether another live worker holds an item (it may die and leave it to us)."""
        return others_at_work(self.store.held_items(self.batch), self.worker)

    def read_rows(self) -> list[Row]:
        """Every item as the store has it now."""
        return [self._row(item) for item in self.store.batch_items(self.batch)]

    def _row(self, item: ItemRow) -> Row:
        phase = shared_phase(item.state.value, item.task_id)
        error = item.detail
        if item.state.value == "sending":
            error = f"another worker ({item.owner}) is creating it"
        elif item.state.value == "created" and item.owner not in (None, self.worker):
            error = f"another worker ({item.owner}) follows it"
        paths = item.result_path.split("\n") if item.result_path else None
        if paths and item.result_host not in (None, socket.gethostname()):
            error = f"saved on {item.result_host}"
        return Row(
            position=item.position,
            request_hash="",  # the file journal's, to refuse other requests
            label="",
            phase=phase,
            task_id=item.task_id,
            sent_at=None
            if item.sent_at is None
            else datetime.fromtimestamp(item.sent_at, tz=timezone.utc),
            status=TaskStatus.FAILED.value if phase is Phase.FINISHED else None,
            cost_usd=item.estimate_usd,
            paths=paths,
            error=error,
        )

    # --- settling uncertain items (before a run) ---------------------------------------------

    def retry(self, position: int) -> None:
        """An uncertain item is new again (the user checked: it does not exist)."""
        with contextlib.suppress(StoreError):  # another process settled it first
            self.store.retry_uncertain(self.batch, position)

    # --- the journal ---------------------------------------------------------------------

    def sending(self, position: int, sent_at: datetime, cost_usd: Decimal | None) -> None:
        """The claim already says "sending". A create tried again after one that did not
        leave keeps the claim, if this worker's lease still holds (`ClaimGoneError`: the
        others may have its items, nothing is sent)."""
        retry = self._unsent.pop(position, None) is not None
        if position not in self._claims:
            raise ClaimGoneError(f"item {position} is not this worker's")
        if not retry:
            return
        try:
            alive = not self.lease_lost.is_set() and self.store.heartbeat(self.worker)
        except StoreError as exc:  # cannot tell whether the lease holds: send nothing
            self._unsent[position] = str(exc)  # given back, if it can be, when the program ends
            raise ClaimGoneError(f"creating stopped: {exc}") from None
        if not alive:
            self.lease_lost.set()
            self._unsent[position] = _LEASE_RAN_OUT
            raise ClaimGoneError(f"creating stopped: {_LEASE_RAN_OUT}")

    def uncertain(self, position: int, error: str | None) -> None:
        with contextlib.suppress(StoreError):  # already uncertain: the lease ran out
            self.store.record_uncertain(self._claims[position], error or "no answer")

    def not_created(self, position: int, error: str | None, *, refused: bool = False) -> None:
        """Nothing was created. Refused by PiAPI (a bad request), it is final in the store (a
        corrected request is another batch); else this worker keeps the claim while its
        program may try again (no other worker of this process can take it meanwhile), and
        gives it back when that program ends (`done_with`)."""
        if not refused:
            self._unsent[position] = error or "not sent"
            return
        claim = self._claims.pop(position)
        self._unsent.pop(position, None)
        with contextlib.suppress(StoreError):  # made uncertain (our lease ran out): it stays
            self.store.record_refused(claim, error or "refused by PiAPI")

    def created(self, position: int, task: Task[Any, Any], cost_usd: Decimal | None) -> None:
        self._record_created(self._claims[position], task.task_id, cost_usd)

    def resolved(self, position: int, task_id: str) -> None:
        claim = self._claims.get(position)
        if claim is not None:  # an unreadable answer named it
            self._record_created(claim, task_id)
            return
        # The user found it (`run_many` checked its id first): any worker follows it.
        with contextlib.suppress(StoreError):  # another process settled it first
            self.store.resolve_uncertain(self.batch, position, task_id)

    def _record_created(self, claim: Claim, task_id: str, cost_usd: Decimal | None = None) -> None:
        """The claimed item is this task; one whose id cannot name a task is recorded as
        failed (its cost noted) and `UnfollowableTaskError` raised."""
        self.store.record_created(claim, task_id)
        unfollowable = _unfollowable(task_id)
        if unfollowable is not None:
            self.store.record_failed(claim, str(unfollowable), cost_usd)
            raise unfollowable

    def finished(self, position: int, task: Task[Any, Any], cost_usd: Decimal | None) -> None:
        claim = self._claims[position]
        if task.status.is_failure:
            self.store.record_failed(claim, task.error.message or task.status.value, cost_usd)
        elif self._saving:
            self._charges[position] = cost_usd  # settled once its results are saved
        else:
            self.store.record_result(claim, None, charged_usd=cost_usd)

    def note(self, position: int, error: str | None) -> None:
        """Kept in this run's report only: the store's detail says where the item is."""

    def saved(self, position: int, paths: Sequence[Path]) -> None:
        self.store.record_result(
            self._claims[position],
            "\n".join(str(path.resolve()) for path in paths),
            charged_usd=self._charges.pop(position, None),
        )

    def done_with(self, position: int) -> None:
        """A claimed item whose create was never sent goes back to every worker, its price
        released."""
        claim = self._claims.pop(position, None)
        if position in self._unsent and claim is not None:
            detail = self._unsent.pop(position)
            with contextlib.suppress(StoreError):  # made uncertain (our lease ran out): it stays
                self.store.record_not_sent(claim, detail)

    def close(self) -> None:
        """Retire this worker (its followed tasks go to others) and close the store."""
        self._closing.set()
        self._heartbeat.join()
        try:
            with contextlib.suppress(StoreError):
                self.store.retire_worker(self.worker)
        finally:
            self.store.close()
