"""One batch run, shared by the sync and async runners: the items, the journal, the gate,
and each item's program.

An item's program is a generator: it yields the operations a runner performs (create, wait,
save, pause, report) and receives their results, or their `PiAPIError` thrown in. It
records every state change in the journal before the next action, and asks `_batch_plan`
what to do. So the runners hold no logic: one drives programs from threads, the other
from anyio tasks.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from piapi._core.checks import checked_concurrency, checked_seconds, usd_amount
from piapi._core.download import file_stems, numbered_stem
from piapi._core.errors import (
    APIStatusError,
    PiAPIError,
    SpendLimitError,
)
from piapi._core.models import Task, TaskStatus
from piapi._core.protocol import check_task_id, estimate_cost
from piapi._core.task_errors import (
    TaskFailedError,
)
from piapi.batch._journal import ClaimGoneError, ItemJournal, Journal, Row, UnfollowableTaskError
from piapi.batch._plan import (
    MAX_CREATE_TRIES,
    Admission,
    BatchItem,
    BatchRequest,
    BatchState,
    CreateGate,
    CreateOutcome,
    Decision,
    Identity,
    Phase,
    Step,
    backoff,
    classify_create_error,
    gives_up_waiting,
    journal_target,
    next_step,
    request_identity,
    state_detail,
    state_of,
    uncertain_detail,
)
from piapi.families._registry import parse_task

if TYPE_CHECKING:
    from piapi._core.download import StrPath
    from piapi.batch._shared import SharedJournal

DEFAULT_CONCURRENCY = 4
DEFAULT_ITEM_TIMEOUT = 1800.0
STOPPED_BY_USER = "the batch was interrupted"
LEASE_LOST = "this worker's lease ran out (it was not renewed in time): it claims no more items"


class BatchOptions(TypedDict, total=False):
    """The options of `tasks.run_many` (all keyword arguments, all optional).

    Attributes:
        concurrency: At most this many tasks in flight (created and not finished), default
            4; fewer for a while after PiAPI answers 429 or its concurrency limit.
        journal: A file (SQLite) recording every step, so that running the same requests
            with it again resumes (`sqlite:///path` names the same file); one process at a
            time. A `postgresql://` URL instead: a store that any number of processes on
            any number of machines share, each working the same batch (named by the
            requests' fingerprint: the same requests join it) with claims, each item created
            once (see "Running at scale"). None (default) records in memory only.
        download_to: A folder to download every result into (`<task_id>.<ext>`).
        file_names: How the results are named in `download_to`: `"prompt"` for the position
            and a slug of the prompt (`007-red-fox.mp4`), or one name per request (no
            extension, no folder); several results of a task get `-1`, `-2`, ...; None
            (default): the task id.
        timeout: Seconds to wait for each task (default 1800); None waits forever. A task
            not finished by then stays `running` and goes on at PiAPI.
        on_result: Called with each `BatchItem` once its outcome is known, one at a time (a
            coroutine function too, on the async client).
        max_total_usd: Stop creating before the total cost (items created in earlier runs
            of the journal included; each counted at its charge or hold once PiAPI reports
            one, else at its estimate) would pass this many USD. Items of unknown price are
            created one at a time under it, each counted at what PiAPI reports.
        allow_unknown_price: Under `max_total_usd`, keep creating items of unknown price
            after one ended (or was left running or uncertain) without a charge PiAPI
            reports (the total may then pass the cap); default False: they are not started.
        retry_uncertain: Create uncertain items again (they may exist and be billed):
            the positions of those you looked for in your PiAPI task history and did not
            find, or True for every uncertain item, those a crash of the last run left
            behind included (which nobody has looked for yet).
        resolve: `{position: task_id}`: uncertain items you found in your PiAPI task
            history; the batch follows those tasks instead.
        lease_seconds: With a `postgresql://` journal: this process's lease (None: 60 s):
            renewed every third of it; once it runs out (the process died or hung), other
            workers follow the tasks it created, and a create it was sending is uncertain.
    """

    concurrency: int
    journal: StrPath | None
    download_to: StrPath | None
    file_names: Sequence[str] | Literal["prompt"] | None
    timeout: float | None
    on_result: Callable[[BatchItem], object] | None
    max_total_usd: Decimal | float | None
    allow_unknown_price: bool
    retry_uncertain: bool | Iterable[int]
    resolve: Mapping[int, str] | None
    lease_seconds: float | None


# --- what a program asks its runner to do ----------------------------------------------


@dataclass(frozen=True)
class Create:
    """Send the create; the reply is the new task."""

    request: BatchRequest


@dataclass(frozen=True)
class Wait:
    """`tasks.wait(task, timeout=..., raise_on_failure=False)`; the reply is the ended task."""

    task: Task[Any, Any] | str
    timeout: float | None


@dataclass(frozen=True)
class Save:
    """`download_all(task, folder)`, named `name` (None: by the task id); the reply is the
    list of paths."""

    task: Task[Any, Any]
    folder: Path
    name: str | None = None


@dataclass(frozen=True)
class Pause:
    """Sleep on the client's clock."""

    seconds: float


@dataclass(frozen=True)
class AwaitChange:
    """Wait until the run's `generation` is no longer `generation` (something changed)."""

    generation: int


@dataclass(frozen=True)
class Report:
    """Hand the item to `on_result`."""

    item: BatchItem


Op = Create | Wait | Save | Pause | AwaitChange | Report
Program = Generator[Op, Any, None]


# --- what the run knows of each item ---------------------------------------------------


@dataclass(eq=False)
class _Item:
    position: int
    request: BatchRequest
    identity: Identity
    estimate: Decimal | None
    phase: Phase = Phase.NEW
    task: Task[Any, Any] | None = None
    task_id: str | None = None
    status: TaskStatus | None = None
    sent_at: datetime | None = None
    cost_usd: Decimal | None = None
    paths: list[Path] = field(default_factory=list[Path])
    error: PiAPIError | None = None
    error_text: str | None = None  # from this run (str(error)) or the journal
    stopped: str | None = None  # why it was not created
    result: BatchItem | None = None
    counted_usd: Decimal = Decimal(0)  # what the cost cap counts for it now
    # Of unknown price, it exists or may exist and its cost is not reported yet: what the
    # gate's `settle` answered, cleared by `ended` (one of the gate's `unpriced_unsettled`).
    unsettled: bool = False
    fresh: bool = False  # `task` was fetched in this run: its result URLs are usable
    holding: bool = False  # its task takes one of the gate's slots (released once it ends)

    def fail(self, error: PiAPIError) -> None:
        self.error, self.error_text = error, str(error)


@dataclass(frozen=True)
class BatchProgress:
    """Where a run stands: items by state (`creating`: creates awaiting an answer), the
    cost PiAPI reported so far and the estimate of what exists or may exist."""

    total: int
    counts: Mapping[BatchState, int]
    creating: int
    downloading: int
    """Completed at PiAPI, results being saved (not counted as `NOT_DOWNLOADED`)."""
    cost_usd: Decimal
    committed_usd: Decimal


@dataclass(frozen=True)
class BatchPreview:
    """What a run would do, read from the journal before anything is sent."""

    total: int
    counts: Mapping[BatchState, int]
    to_create: int
    """Items this run would create (not created yet; uncertain ones with `retry_uncertain`)."""
    estimate_usd: Decimal
    """Their estimated cost (items of unknown price count 0)."""
    unpriced: int
    """How many of them have no known price."""
    committed_usd: Decimal
    """The estimated cost of what earlier runs created (or may have created)."""
    uncertain: list[BatchItem]
    """Items a create of which may have reached PiAPI, not sent again by this run."""


class BatchRun:
    """The requests, their journal and the shared decisions of one run of a batch.

    Everything is checked and the journal opened (or refused) when it is built, before
    anything is sent. Close it to close the journal.
    """

    def __init__(
        self,
        requests: Iterable[BatchRequest],
        *,
        now: Callable[[], float] = time.monotonic,
        concurrency: int = DEFAULT_CONCURRENCY,
        journal: StrPath | None = None,
        download_to: StrPath | None = None,
        file_names: Sequence[str] | Literal["prompt"] | None = None,
        timeout: float | None = DEFAULT_ITEM_TIMEOUT,
        max_total_usd: Decimal | float | None = None,
        allow_unknown_price: bool = False,
        retry_uncertain: bool | Iterable[int] = False,
        resolve: Mapping[int, str] | None = None,
        on_result: Callable[[BatchItem], object] | None = None,
        lease_seconds: float | None = None,
    ) -> None:
        given = list(requests)
        identities = [request_identity(request) for request in given]
        self.concurrency = checked_concurrency(concurrency)
        self.timeout = checked_seconds("timeout", timeout)
        max_cost = usd_amount("max_total_usd", max_total_usd)
        self.folder = Path(download_to).expanduser() if download_to is not None else None
        self.file_names = _file_names(file_names, identities)
        retry = _checked_positions(
            "retry_uncertain",
            () if isinstance(retry_uncertain, bool) else retry_uncertain,
            len(given),
        )
        settle = _checked_resolve(resolve or {}, len(given))
        # The positions this run creates again if they are uncertain.
        self._retry = frozenset(range(len(given)) if retry_uncertain is True else retry)
        self.now = now
        self.on_result = on_result
        self.items = [
            _Item(position, request, identity, estimate_cost(request))
            for position, (request, identity) in enumerate(zip(given, identities, strict=True))
        ]
        self.shared: SharedJournal | None = None
        self.journal: ItemJournal = self._open_journal(journal, identities, max_cost, lease_seconds)
        try:
            for row in self.journal.rows:
                self._load(self.items[row.position], row)
            self._resolve(settle)
            self._check_retry(retry, settle)
            if self.shared is not None:  # claimed by any worker once new again
                for item in self.items:
                    if item.phase is Phase.UNCERTAIN and item.position in self._retry:
                        self.shared.retry(item.position)
                        item.phase, item.error_text = Phase.NEW, None
        except BaseException:
            self.journal.close()
            raise
        for item in self.items:
            item.unsettled = (
                item.phase is Phase.CREATED and item.estimate is None and item.cost_usd is None
            )
        self.gate = CreateGate(
            self.concurrency,
            # A shared batch's cap is one total in the store, kept by its claims.
            max_total_usd=max_cost if self.shared is None else None,
            # What earlier runs created or may have created, as the cap counts it.
            committed_usd=sum(
                (item.counted_usd for item in self.items if item.phase is not Phase.NEW), Decimal(0)
            ),
            unpriced_unsettled=sum(item.unsettled for item in self.items),
            # One that ended, or is left uncertain, without a charge PiAPI reported.
            unpriced_unknown=any(
                item.estimate is None
                and item.cost_usd is None
                and item.phase in (Phase.UNCERTAIN, Phase.FINISHED, Phase.SAVED)
                and item.position not in self._retry
                for item in self.items
            ),
            allow_unknown_price=allow_unknown_price,
        )
        self._lock = threading.Lock()
        self.generation = 0
        self.stopping = False
        self.on_change: Callable[[], None] = lambda: None
        """Set by the runner: wakes programs waiting for a change."""
        # Items whose task exists first: they hold PiAPI's slots, and waiting on them frees
        # those slots for the creates that follow.
        first = [item.position for item in self.items if item.task_id is not None]
        rest = [item.position for item in self.items if item.task_id is None]
        self._queue = deque(first + rest)
        self.claims_stopped: str | None = None
        """Why this worker of a shared batch claims no more items, once it does not."""

    # --- opening ---------------------------------------------------------------------

    def _open_journal(
        self,
        journal: StrPath | None,
        identities: list[Identity],
        max_cost: Decimal | None,
        lease_seconds: float | None,
    ) -> ItemJournal:
        kind, target = journal_target(journal)
        if kind == "file":
            if lease_seconds is not None:
                raise ValueError(
                    "lease_seconds applies to a journal shared by many processes "
                    "(journal='postgresql://...'), not to a journal file"
                )
            return Journal.open(target, identities)
        from piapi.batch._shared import DEFAULT_LEASE_SECONDS, SharedJournal

        lease = checked_seconds("lease_seconds", lease_seconds)
        self.shared = SharedJournal.open(
            target,
            identities,
            [item.estimate for item in self.items],
            cap_usd=max_cost,
            lease_seconds=lease if lease is not None else DEFAULT_LEASE_SECONDS,
            saving=self.folder is not None,
        )
        return self.shared

    def _load(self, item: _Item, row: Row) -> None:
        item.phase, item.task_id, item.sent_at = row.phase, row.task_id, row.sent_at
        item.cost_usd, item.error_text = row.cost_usd, row.error
        # A reported charge, $0 included, replaces the estimate.
        item.counted_usd = row.cost_usd if row.cost_usd is not None else item.estimate or Decimal(0)
        item.status = TaskStatus(row.status) if row.status else None
        item.paths = [Path(path) for path in row.paths or []]
        if row.task is not None:
            try:
                item.task = parse_task({**row.task, "input": item.identity.input})
            except ValueError:
                item.task = None  # the id is enough: the next look fetches the task
        if item.task is not None and item.phase is Phase.FINISHED and item.task.status.is_failure:
            item.fail(TaskFailedError(item.task))
        if item.phase is Phase.SENDING:
            # The run that sent it ended before recording PiAPI's answer (a shared journal
            # says so itself, once the worker that sent it is gone: its rows are never
            # "sending", see `shared_phase`).
            item.phase = Phase.UNCERTAIN
            item.error_text = "the run that sent it stopped before PiAPI's answer was recorded"
            self.journal.uncertain(item.position, item.error_text)

    def _resolve(self, settle: Mapping[int, str]) -> None:
        for position, task_id in settle.items():
            item = self.items[position]
            if item.task_id is not None:
                if item.task_id != task_id:
                    raise ValueError(
                        f"resolve: item {position} is already task {item.task_id}, not {task_id}"
                    )
                continue
            if item.phase is not Phase.UNCERTAIN:
                raise _not_uncertain("resolve", item, "be given a task id")
            self.journal.resolved(position, task_id)
            item.phase, item.task_id = Phase.CREATED, task_id
            item.task = item.error_text = None

    def _check_retry(self, retry: list[int], settle: Mapping[int, str]) -> None:
        """Refuse `retry_uncertain` positions of items that are not uncertain."""
        for position in retry:
            item = self.items[position]
            if item.phase is not Phase.UNCERTAIN and position not in settle:
                raise _not_uncertain("retry_uncertain", item, "be created again")

    def close(self) -> None:
        """Close the journal."""
        self.journal.close()

    # --- what the runners call -------------------------------------------------------

    @property
    def workers(self) -> int:
        """How many programs run at once."""
        return max(1, min(self.concurrency, len(self.items)))

    def stop(self, reason: str = STOPPED_BY_USER) -> None:
        """Create nothing more and start no item; what was created stays in the journal."""
        with self._changing():
            self.stopping = True
            self.gate.stop(reason)

    def results(self) -> list[BatchItem]:
        """Every item, in request order (of a shared batch: those other workers did, or
        left, as the store has them now)."""
        if self.shared is not None:
            for row in self.shared.read_rows():
                item = self.items[row.position]
                # What a program of this process reported stands, unless it created nothing.
                if item.result is None or item.result.state is BatchState.NOT_CREATED:
                    self._load(item, row)
                    item.error, item.result = None, None
                    if item.phase is Phase.NEW:
                        item.stopped = self.claims_stopped or item.stopped
        return [item.result or self._result(item) for item in self.items]

    def progress(self) -> BatchProgress:
        """Counts by state now, and the cost so far."""
        with self._lock:
            phases = [(item.phase, item.status, item.error) for item in self.items]
            committed = self.gate.committed_usd
        counts = Counter(state_of(phase, status, saving=self.saving) for phase, status, _ in phases)
        creating = sum(phase is Phase.SENDING for phase, _, _ in phases)
        downloading = sum(
            self.saving and phase is Phase.FINISHED and status is TaskStatus.COMPLETED
            for phase, status, error in phases
            if error is None
        )
        counts[BatchState.UNCERTAIN] -= creating
        counts[BatchState.NOT_DOWNLOADED] -= downloading
        cost = sum(
            (item.task.cost_usd or Decimal(0) for item in self.items if item.task is not None),
            Decimal(0),
        )
        return BatchProgress(len(self.items), counts, creating, downloading, cost, committed)

    def preview(self) -> BatchPreview:
        """What running would do: counts by state, what is left to create and its cost."""
        to_create = [
            item
            for item in self.items
            if item.phase is Phase.NEW
            or (item.phase is Phase.UNCERTAIN and item.position in self._retry)
        ]
        return BatchPreview(
            total=len(self.items),
            counts=Counter(state_of(i.phase, i.status, saving=self.saving) for i in self.items),
            to_create=len(to_create),
            estimate_usd=sum((i.estimate or Decimal(0) for i in to_create), Decimal(0)),
            unpriced=sum(1 for item in to_create if item.estimate is None),
            committed_usd=self.gate.committed_usd,
            uncertain=[
                self._result(item)
                for item in self.items
                if item.phase is Phase.UNCERTAIN and item.position not in self._retry
            ],
        )

    @property
    def saving(self) -> bool:
        """Whether results are downloaded."""
        return self.folder is not None

    # --- a worker: items one after another ---------------------------------------------

    def worker(self) -> Program:
        """One worker's programs, item after item, until none is left for it: from the
        run's queue, or claimed one at a time from a shared journal."""
        while True:
            if self.shared is None:
                with self._lock:
                    position = self._queue.popleft() if self._queue and not self.stopping else None
            else:
                position = yield from self._claim(self.shared)
            if position is None:
                return
            yield from self.program(position)

    def _claim(self, shared: SharedJournal) -> Generator[Op, Any, int | None]:
        """The next item this worker owns in the store (None: no more for this worker).

        It claims only when a create could go now (no item waits claimed for a slot); with
        nothing to claim while other workers hold items, it looks again every third of the
        lease: one of them may die and leave its tasks to follow."""
        while True:
            with self._lock:
                self.claims_stopped = self.claims_stopped or self.gate.refusing()
                if self.stopping or self.claims_stopped is not None:
                    return None
            decision = yield from self._admitted(self.gate.ready)
            if decision.admission is not Admission.GO:
                return None
            capped: str | None = None
            try:
                claim = shared.claim()
            except SpendLimitError as exc:  # the next new item does not fit under the cap
                claim, capped = None, f"creating stopped: {exc}"
            if shared.lease_lost.is_set():  # others may have its items: claim nothing more
                with self._lock:
                    self.claims_stopped = LEASE_LOST
                return None
            if claim is not None:
                self._claimed(claim.position, claim.task_id)
                return claim.position
            if not shared.others_at_work():
                if capped is not None:
                    with self._lock:
                        self.claims_stopped = capped
                return None
            yield Pause(shared.poll_seconds)

    def _claimed(self, position: int, task_id: str | None) -> None:
        """The item is this worker's: new (its claim says "sending"), or a created task to
        follow whose worker is gone."""
        item = self.items[position]
        item.task, item.status, item.paths, item.error, item.error_text = None, None, [], None, None
        item.result, item.stopped, item.cost_usd = None, None, None
        item.task_id, item.phase = task_id, Phase.NEW if task_id is None else Phase.CREATED
        item.counted_usd = item.estimate or Decimal(0)

    # --- an item's program -------------------------------------------------------------

    def program(self, position: int) -> Program:
        """The steps of one item, from its journaled phase to its outcome."""
        item = self.items[position]
        try:
            while True:
                step = next_step(
                    item.phase,
                    item.status,
                    saving=self.saving,
                    files_present=all(path.exists() for path in item.paths),
                    fresh=item.fresh,
                    retry_uncertain=item.position in self._retry,
                )
                if step is Step.DONE:
                    break
                if step is Step.SAVE:
                    yield from self._save(item)
                    break
                # Each returns False when the item goes no further in this run.
                moved = yield from (self._create(item) if step is Step.CREATE else self._wait(item))
                if not moved:
                    break
        finally:
            self._release(item)
            self.journal.done_with(position)
        item.result = self._result(item)
        yield Report(item.result)

    def _create(self, item: _Item) -> Generator[Op, Any, bool]:
        """Create the item once admitted; True when its task exists (or is adopted)."""
        tries = 0
        while True:
            decision = yield from self._admitted(lambda now: self.gate.admit(item.estimate, now))
            if decision.admission is not Admission.GO:  # creating stopped, or this item skipped
                stop = decision.admission is Admission.STOP
                item.stopped = f"creating stopped: {decision.reason}" if stop else decision.reason
                return False
            sent_at = datetime.now(timezone.utc)
            try:
                self.journal.sending(item.position, sent_at, item.estimate)
            except ClaimGoneError as exc:  # a shared item another worker took: its business
                with self._lock:
                    item.unsettled = self.gate.settle(item.estimate, CreateOutcome.REFUSED)
                item.stopped = str(exc)
                return False
            item.phase, item.sent_at = Phase.SENDING, sent_at
            item.error = item.error_text = None
            try:
                task = yield Create(item.request)
            except TaskFailedError as exc:  # PiAPI answered with the task, failed at once
                if self._created(item, exc.task):  # else recorded failed: unfollowable id
                    self._finished(item, exc.task)
                    item.fail(exc)
                return True  # its slot is released as a finished task's
            except PiAPIError as exc:
                tries += 1
                outcome = classify_create_error(exc)
                self._create_failed(item, exc, outcome)
                later = outcome in (CreateOutcome.THROTTLED, CreateOutcome.NOT_SENT)
                if later and tries < MAX_CREATE_TRIES:
                    continue
                return outcome is CreateOutcome.ADOPT
            self._created(item, task)
            return True

    def _admitted(self, decide: Callable[[float], Decision]) -> Generator[Op, Any, Decision]:
        """The gate's answer (`decide(now)`, under the lock) once it is neither "sleep" nor
        "wait": pausing, or waiting for a change, until then."""
        while True:
            with self._lock:
                decision = decide(self.now())
                generation = self.generation
            if decision.admission is Admission.SLEEP:
                yield Pause(decision.seconds)
            elif decision.admission is Admission.WAIT:
                yield AwaitChange(generation)
            else:
                return decision

    def _created(self, item: _Item, task: Task[Any, Any]) -> bool:
        """Record the new task; False when its id cannot name a task (recorded as failed,
        never followed: it ends here)."""
        cost = item.estimate if item.estimate is not None else task.cost_usd
        item.holding = True  # the create's slot is now the task's
        try:
            self.journal.created(item.position, task, cost)
            item.phase, item.task, item.task_id = Phase.CREATED, task, task.task_id
            item.status, item.fresh = task.status, True
        except UnfollowableTaskError as exc:  # recorded as failed: nothing to follow
            item.phase, item.status = Phase.FINISHED, TaskStatus.FAILED
            item.fail(exc)
        item.cost_usd = cost
        item.counted_usd = cost or Decimal(0)
        with self._changing():
            item.unsettled = self.gate.settle(item.estimate, None, reported_usd=task.cost_usd)
            if item.phase is Phase.FINISHED:  # never followed: it ends here
                self.gate.ended(item.counted_usd, task.cost_usd, item.unsettled)
                item.unsettled = False
        return item.phase is Phase.CREATED

    def _create_failed(self, item: _Item, exc: PiAPIError, outcome: CreateOutcome) -> None:
        if outcome is CreateOutcome.UNCERTAIN:
            self.journal.uncertain(item.position, str(exc))
            item.phase = Phase.UNCERTAIN
        elif outcome is CreateOutcome.ADOPT:
            item.holding = True  # the create's slot is now the task's
            task_id = exc.task_id or ""
            try:
                self.journal.resolved(item.position, task_id)
                item.phase, item.task_id = Phase.CREATED, task_id
            except UnfollowableTaskError as unfollowable:  # recorded as failed
                item.phase, item.status, exc = Phase.FINISHED, TaskStatus.FAILED, unfollowable
        else:
            refused = outcome is CreateOutcome.REFUSED
            self.journal.not_created(item.position, str(exc), refused=refused)
            item.phase, item.sent_at = Phase.NEW, None
        item.fail(exc)
        waited = exc.retry_after if isinstance(exc, APIStatusError) else None
        with self._changing():
            item.unsettled = self.gate.settle(
                item.estimate,
                outcome,
                now=self.now(),
                jitter=random.random(),
                retry_after=waited,
                reason=f"PiAPI refused a create: {exc}",
            )

    def _wait(self, item: _Item) -> Generator[Op, Any, bool]:
        """Wait until the task ends; True once it has (recorded), False if given up."""
        if item.phase is Phase.CREATED and not item.holding:  # followed again: takes a slot
            with self._lock:
                self.gate.hold()
            item.holding = True
        started = self.now()
        waits = 0
        while True:
            remaining = None if self.timeout is None else self.timeout - (self.now() - started)
            if remaining is not None and remaining <= 0:
                break  # after trouble and a pause: the last trouble stands
            # A task in hand from this run keeps its class; otherwise the first look is a
            # fetch (a finished task's result URLs must be fresh).
            target: Task[Any, Any] | str = (
                item.task if item.fresh and item.task is not None else item.task_id or ""
            )
            try:
                task = yield Wait(target, remaining)
            except PiAPIError as exc:
                waits += 1
                item.fail(exc)
                if gives_up_waiting(exc, waits):
                    break
                yield Pause(backoff(waits, jitter=random.random()))
                continue
            self._finished(item, task)
            if task.status.is_failure:
                item.fail(TaskFailedError(task))
            self._release(item)
            return True
        self.journal.note(item.position, item.error_text)  # given up: why
        return False

    def _finished(self, item: _Item, task: Task[Any, Any]) -> None:
        """The item's task ended (waited for, or failed at once): what PiAPI charged counts
        as soon as it is known, and the end is recorded."""
        item.task, item.status = task, task.status
        item.error, item.error_text = None, None
        if item.estimate is None and task.cost_usd is not None:
            item.cost_usd = task.cost_usd
        with self._changing():
            self.gate.ended(item.counted_usd, task.cost_usd, item.unsettled)
            item.counted_usd = task.cost_usd if task.cost_usd is not None else item.counted_usd
            item.unsettled = False
        self.journal.finished(item.position, task, item.cost_usd)
        item.phase, item.fresh = Phase.FINISHED, True

    def _save(self, item: _Item) -> Generator[Op, Any, None]:
        assert item.task is not None
        assert self.folder is not None
        try:
            name = self.file_names[item.position] if self.file_names else None
            paths = yield Save(item.task, self.folder, name)
        except PiAPIError as exc:
            item.fail(exc)
            self.journal.note(item.position, str(exc))
            return
        self.journal.saved(item.position, paths)
        item.phase, item.paths = Phase.SAVED, list(paths)

    def _release(self, item: _Item) -> None:
        """The item lets go of what it holds of the gate (it ended, or is no longer
        followed): its task's slot, and, of unknown price with no charge known (uncertain,
        given up, unfollowable, interrupted), its unsettled cost, as ended with no charge:
        else the next item of unknown price would wait for it forever."""
        if item.holding or item.unsettled:
            with self._changing():
                if item.unsettled:
                    self.gate.ended(item.counted_usd, None, unsettled=True)
                    item.unsettled = False
                if item.holding:
                    item.holding = False
                    self.gate.release()

    @contextlib.contextmanager
    def _changing(self) -> Generator[None]:
        """Hold the lock for a change, then wake the programs waiting for one."""
        with self._lock:
            yield
            self.generation += 1
        self.on_change()

    # --- reporting -------------------------------------------------------------------

    def _result(self, item: _Item) -> BatchItem:
        state = state_of(item.phase, item.status, saving=self.saving)
        reason = item.error_text
        if state is BatchState.NOT_CREATED and item.stopped is not None:
            reason = item.stopped
        elif state is BatchState.NOT_CREATED and reason is None and self.stopping:
            reason = f"creating stopped: {self.gate.stopped or STOPPED_BY_USER}"
        detail = (
            uncertain_detail(item.position, item.identity.label, item.sent_at, reason)
            if state is BatchState.UNCERTAIN
            else state_detail(state, reason)
        )
        return BatchItem(
            position=item.position,
            request=item.request,
            state=state,
            task=item.task,
            error=item.error,
            paths=list(item.paths),
            sent_at=item.sent_at,
            detail=detail,
        )


def _file_names(names: object, identities: list[Identity]) -> list[str] | None:
    """`file_names` checked: one plain, unique name per request, or None (the task id)."""
    if names is None:
        return None
    if names == "prompt":
        width = len(str(max(len(identities) - 1, 0)))
        return [numbered_stem(n, width, who.prompt) for n, who in enumerate(identities)]
    return file_stems(names, len(identities))


def _not_uncertain(option: str, item: _Item, can: str) -> ValueError:
    """The error for an `option` naming an item that is not uncertain."""
    state = state_of(item.phase, item.status, saving=False)
    return ValueError(
        f"{option}: item {item.position} is {state.value}, not uncertain: only an uncertain "
        f"item can {can}"
    )


def _checked_positions(option: str, positions: Iterable[Any], count: int) -> list[int]:
    checked: list[int] = []
    for position in positions:
        if not isinstance(position, int) or isinstance(position, bool):
            raise ValueError(f"{option}: positions are item indexes (got {position!r})")
        if not 0 <= position < count:
            raise ValueError(f"{option}: there is no item {position} (0 to {count - 1})")
        checked.append(position)
    return checked


def _checked_resolve(resolve: Mapping[Any, Any], count: int) -> dict[int, str]:
    checked: dict[int, str] = {}
    _checked_positions("resolve", resolve, count)
    for position, task_id in resolve.items():
        if not isinstance(task_id, str) or not task_id.strip():
            raise ValueError(f"resolve: item {position} needs a task id (got {task_id!r})")
        try:  # before it is journaled: a bad id would stop every later run
            checked[position] = check_task_id(task_id.strip())
        except ValueError as exc:
            raise ValueError(f"resolve: item {position}: {exc}") from None
    return checked
