"""What a batch does next for each item, decided from what its journal says: no I/O here.

Every decision of `tasks.run_many` lives here, so the sync and async runners only create,
wait, download and record: which step an item needs, what a failed create means for the
money (uncertain is never resent on its own), when to create (cost limit, how many in flight
after a 429 or PiAPI's concurrency limit, backoff) and what to tell the user. Clocks and
randomness come in as arguments.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast

from piapi._core.checks import checked_concurrency, usd_amount
from piapi._core.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    PermissionDeniedError,
    PiAPIError,
    RateLimitError,
    SpendLimitError,
)
from piapi._core.models import Task, TaskInput, TaskRequest, TaskStatus
from piapi._core.polling import is_transient
from piapi._core.retries import backoff as growing_backoff
from piapi._core.retries import server_pause
from piapi._core.store_url import parse_url
from piapi._core.task_errors import (
    WaitTimeoutError,
)
from piapi._core.text import format_usd

BatchRequest = TaskRequest | TaskInput
"""What a batch item asks for: a `TaskRequest`, or a typed request (`Sora2VideoInput`, ...)."""

MAX_CREATE_TRIES = 8
"""Creates of one item refused for now (429, concurrency limit, connection refused) before
the item is left not created."""
MAX_WAITS_IN_A_ROW = 5
"""Waits of one item that end in trouble (unreadable answers, network) before giving up."""
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
LABEL_PROMPT_CHARS = 80


class Phase(str, enum.Enum):
    """Where an item stands in the journal; each change is one transaction."""

    NEW = "new"
    """Nothing sent, or PiAPI certainly created nothing."""
    SENDING = "sending"
    """Written before a create is sent; without an answer recorded, the task may exist."""
    UNCERTAIN = "uncertain"
    """The create may have reached PiAPI but no task id came back: never resent on its own."""
    CREATED = "created"
    """The task exists (its id is recorded) and is not known to be finished."""
    FINISHED = "finished"
    """The task ended (completed, failed or cancelled); results not saved (yet)."""
    SAVED = "saved"
    """The task completed and its results were downloaded (paths recorded)."""


class BatchState(str, enum.Enum):
    """What became of one item of a batch."""

    COMPLETED = "completed"
    """The task completed; its results are downloaded when `download_to` was given."""
    FAILED = "failed"
    """The task failed or was cancelled at PiAPI (`item.error` says why)."""
    UNCERTAIN = "uncertain"
    """A create may have reached PiAPI (and may be billed) but no task id came back; it is
    not sent again until you settle it (`item.detail` says what to check)."""
    RUNNING = "running"
    """The task exists at PiAPI and had not finished when the batch stopped following it
    (timeout, interruption); running the batch again with its journal resumes it."""
    NOT_DOWNLOADED = "not_downloaded"
    """The task completed but its results could not be saved; running again retries."""
    NOT_CREATED = "not_created"
    """No task was created: not reached, stopped (cost limit, Ctrl-C) or refused."""


@dataclass
class BatchItem:
    """One request of a batch and what became of it; `run_many` returns one per request.

    Attributes:
        position: The request's index in the list given to `run_many`.
        request: The request, as given.
        state: What became of it (a `BatchState`).
        task: The task as last seen, once its id is known (else None).
        error: What went wrong in this run (a `PiAPIError`), else None.
        paths: The downloaded result files.
        sent_at: When a create of it was last sent (UTC), if ever.
        detail: One or two sentences: why it is in this state and what to do about it.
    """

    position: int
    request: BatchRequest
    state: BatchState
    task: Task[Any, Any] | None = None
    error: PiAPIError | None = None
    paths: list[Path] = field(default_factory=list[Path])
    sent_at: datetime | None = None
    detail: str = ""

    @property
    def task_id(self) -> str | None:
        """The task's id, once known."""
        return self.task.task_id if self.task is not None else None


@dataclass(frozen=True)
class Identity:
    """What the journal records to recognise a request: its content hash and a label."""

    digest: str
    label: str
    prompt: str | None
    input: Mapping[str, Any]
    """The request's `input` as sent."""


def request_identity(request: object) -> Identity:
    """The identity of a request: a hash of its model, task type, input and config (keys
    sorted, so dict order does not matter), and a label naming it for people.

    Raises:
        TypeError: `request` is neither a `TaskRequest` nor a typed request.
    """
    if isinstance(request, TaskInput):
        wire: dict[str, Any] = {
            "model": request.MODEL,
            "task_type": request.TASK_TYPE,
            "input": request.to_wire(),
        }
    elif isinstance(request, TaskRequest):
        wire = request.to_wire()
    else:
        raise TypeError(
            "run_many takes TaskRequest or typed requests (a TaskInput such as "
            f"Sora2VideoInput), not {type(request).__name__}"
        )
    canonical = json.dumps(wire, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    task_input = cast("dict[str, Any]", wire.get("input") or {})
    prompt: object = task_input.get("prompt")
    prompt_text = prompt if isinstance(prompt, str) else None
    label = f"{wire.get('model')}/{wire.get('task_type')}"
    if prompt_text:
        short = prompt_text if len(prompt_text) <= LABEL_PROMPT_CHARS else prompt_text[:77] + "..."
        label += f" {short!r}"
    return Identity(digest, label, prompt_text, task_input)


# --- what an item needs next -------------------------------------------------------------


class Step(enum.Enum):
    """The next thing a runner does for an item."""

    CREATE = "create"
    WAIT = "wait"
    """Wait for the task (a task already finished comes back after one look, with fresh
    result URLs: they are ephemeral)."""
    SAVE = "save"
    DONE = "done"


def next_step(
    phase: Phase,
    status: TaskStatus | None,
    *,
    saving: bool,
    files_present: bool,
    fresh: bool,
    retry_uncertain: bool,
) -> Step:
    """The next step of an item in `phase`.

    Args:
        phase: Its phase in the journal.
        status: Its task's last known status (None before one is known).
        saving: Whether results are downloaded (`download_to` given).
        files_present: Whether every file recorded as saved still exists.
        fresh: Whether the task in hand was fetched in this run (its URLs are usable).
        retry_uncertain: Whether uncertain items are created again.
    """
    if phase is Phase.NEW:
        return Step.CREATE
    if phase in (Phase.SENDING, Phase.UNCERTAIN):
        return Step.CREATE if retry_uncertain else Step.DONE
    if phase is Phase.CREATED:
        return Step.WAIT
    if not saving or status is not TaskStatus.COMPLETED or (phase is Phase.SAVED and files_present):
        return Step.DONE
    return Step.SAVE if fresh else Step.WAIT


def state_of(phase: Phase, status: TaskStatus | None, *, saving: bool) -> BatchState:
    """What an item in `phase` reports."""
    if phase is Phase.NEW:
        return BatchState.NOT_CREATED
    if phase in (Phase.SENDING, Phase.UNCERTAIN):
        return BatchState.UNCERTAIN
    if phase is Phase.CREATED:
        return BatchState.RUNNING
    if phase is Phase.SAVED:
        return BatchState.COMPLETED
    if status is not None and status.is_failure:
        return BatchState.FAILED
    return BatchState.NOT_DOWNLOADED if saving else BatchState.COMPLETED


# --- what a failure means -------------------------------------------------------------


class CreateOutcome(enum.Enum):
    """What a failed create means for the item and for the batch."""

    UNCERTAIN = "uncertain"
    """It may have reached PiAPI and be billed: recorded as uncertain, never resent."""
    ADOPT = "adopt"
    """It may have reached PiAPI and the unreadable answer named the task: follow that id."""
    THROTTLED = "throttled"
    """429 or PiAPI's concurrency limit: nothing was created; fewer in flight, try later."""
    NOT_SENT = "not_sent"
    """It never reached PiAPI (connection refused): nothing was created; try later."""
    STOP_CREATING = "stop_creating"
    """The client's spending limit is reached, or PiAPI refused the key or the credit: no
    more creates."""
    REFUSED = "refused"
    """PiAPI refused this request (400, ...): nothing was created; the others go on."""


def is_concurrency_limit(exc: PiAPIError) -> bool:
    """Whether PiAPI refused a create for too many requests or too many running tasks.

    PiAPI documents no code for its per-account concurrency limit, so any refusal that
    speaks of concurrent tasks counts, as does every 429.
    """
    if isinstance(exc, RateLimitError):
        return True
    return isinstance(exc, APIStatusError) and "concurren" in str(exc).lower()


def classify_create_error(exc: PiAPIError) -> CreateOutcome:
    """What a failed create means; the money comes first (`task_may_exist` is uncertain)."""
    if exc.task_may_exist:
        return CreateOutcome.ADOPT if exc.task_id else CreateOutcome.UNCERTAIN
    if isinstance(exc, SpendLimitError) and exc.cost_usd is None:
        return CreateOutcome.REFUSED  # no price to hold against the client's limit: this one
    # The client's spending limit is reached, or the key or credit refused: no other create
    # would succeed.
    if isinstance(exc, SpendLimitError | AuthenticationError | PermissionDeniedError):
        return CreateOutcome.STOP_CREATING
    if is_concurrency_limit(exc):
        return CreateOutcome.THROTTLED
    if isinstance(exc, APIConnectionError):
        return CreateOutcome.NOT_SENT
    return CreateOutcome.REFUSED


def gives_up_waiting(exc: PiAPIError, waits_in_a_row: int) -> bool:
    """Whether to give up on a task after a wait raised `exc` (the `waits_in_a_row`-th in a
    row): the timeout passed, polls are refused for good, or trouble lasted
    `MAX_WAITS_IN_A_ROW` waits (it stays running at PiAPI). Else (unreadable answers, the
    network, PiAPI busy) the task goes on: wait again shortly."""
    if isinstance(exc, WaitTimeoutError) or waits_in_a_row >= MAX_WAITS_IN_A_ROW:
        return True
    return not is_transient(exc)


def backoff(strikes: int, *, jitter: float, retry_after: float | None = None) -> float:
    """Seconds before trying again after `strikes` refusals in a row: the server's
    Retry-After when it sent one (a batch creates with no deadline), else 1 s doubling to 60 s."""
    if retry_after is not None:
        return server_pause(retry_after, time_left=None).seconds
    return growing_backoff(max(strikes, 1), jitter=jitter, first=FIRST_BACKOFF, cap=MAX_BACKOFF)


# --- when to create -------------------------------------------------------------------


class Admission(enum.Enum):
    """The gate's answer to "may this item be created now?"."""

    GO = "go"
    """Send it (the slot and the cost are reserved)."""
    SLEEP = "sleep"
    """Not before `seconds` from now (backoff after a refusal)."""
    WAIT = "wait"
    """Not until something changes (a task finishes, a create is answered)."""
    STOP = "stop"
    """Creating has stopped (`reason` says why); the item is not created."""
    SKIP = "skip"
    """This item is not created (`reason` says why); others may be."""


@dataclass(frozen=True)
class Decision:
    """An `Admission` with its delay or reason."""

    admission: Admission
    seconds: float = 0.0
    reason: str = ""


UNKNOWN_PRICE_REFUSED = (
    "not started: price unknown (an item of unknown price ended, or was left running or "
    "uncertain, without a charge PiAPI reports, so the cost cap could not be kept; allow "
    "such items with allow_unknown_price=True, or --allow-unknown-price)"
)


class CreateGate:
    """The shared decisions of one run about creating: how many tasks may be in flight,
    the cost limit, backoff after refusals, and whether creating has stopped.

    "In flight" counts the creates awaiting an answer and the created tasks the run follows
    that have not finished: at most `concurrency`, fewer after PiAPI says "too many" (then
    one more each time as many tasks as are allowed have finished). Not thread-safe: the
    runner calls it under its lock.
    """

    def __init__(
        self,
        concurrency: int,
        *,
        max_total_usd: Decimal | None = None,
        committed_usd: Decimal = Decimal(0),
        unpriced_unsettled: int = 0,
        unpriced_unknown: bool = False,
        allow_unknown_price: bool = False,
    ) -> None:
        self.concurrency = self.allowed = checked_concurrency(concurrency)
        self.max_total_usd = usd_amount("max_total_usd", max_total_usd)
        self.committed_usd = committed_usd
        """What every item that exists or may exist costs, as far as it is known (its
        charge, else its hold, else its estimate), this run or before."""
        self.in_flight = 0
        self.unpriced_unsettled = unpriced_unsettled
        """Items of unknown price created (or being created) whose cost is not known yet."""
        self.allow_unknown_price = allow_unknown_price
        self.unknown_refused: str | None = None
        """Why items of unknown price are no longer created under the cap, once they are not."""
        if unpriced_unknown:  # an earlier run's item of unknown price whose cost stays unknown
            self._cost_unknown()
        self.strikes = 0
        self.not_before = 0.0
        self.finished_since_change = 0
        self.stopped: str | None = None
        """Why creating stopped, once it has."""

    def ready(self, now: float) -> Decision:
        """Whether a create could be admitted now, reserving nothing: a worker of a shared
        journal asks before it claims an item, so that no item waits claimed ("sending" in
        the store) for a slot or a backoff."""
        if self.stopped is not None:
            return Decision(Admission.STOP, reason=self.stopped)
        if now < self.not_before:
            return Decision(Admission.SLEEP, seconds=self.not_before - now)
        if self.in_flight >= self.allowed:
            return Decision(Admission.WAIT)
        return Decision(Admission.GO)

    def refusing(self) -> str | None:
        """Why a worker of a shared batch claims nothing more, if it does not: PiAPI
        refused `MAX_CREATE_TRIES` creates in a row for now (an item given back is claimed
        again by any worker, so the tries of one item cannot bound them)."""
        if self.strikes < MAX_CREATE_TRIES:
            return None
        return (
            f"PiAPI refused {self.strikes} creates in a row for now (429, its concurrency "
            "limit, or connection refused): run again later"
        )

    def admit(self, estimate: Decimal | None, now: float) -> Decision:
        """May an item whose price is `estimate` (None: unknown) be created now?

        A GO reserves a slot and the estimate: report the answer with `settle`.
        """
        ready = self.ready(now)
        if ready.admission is not Admission.GO:
            return ready
        limit = self.max_total_usd
        if limit is not None:
            if estimate is None:
                if self.unknown_refused is not None:
                    return Decision(Admission.SKIP, reason=self.unknown_refused)
                # An unknown price is known once PiAPI reports a charge or a hold: one such
                # item unsettled at a time, so the total passes the limit by at most one.
                if self.unpriced_unsettled:
                    return Decision(Admission.WAIT)
                if self.committed_usd >= limit:
                    return self._stop(
                        f"the cost limit of {format_usd(limit)} is reached "
                        f"({format_usd(self.committed_usd)} created or possibly created)"
                    )
            elif self.committed_usd + estimate > limit:
                return self._stop(
                    f"creating it ({format_usd(estimate)}) would bring the estimated total "
                    f"to {format_usd(self.committed_usd + estimate)}, past the cost limit of "
                    f"{format_usd(limit)}"
                )
        if estimate is None:
            self.unpriced_unsettled += 1
        else:
            self.committed_usd += estimate
        self.in_flight += 1
        return Decision(Admission.GO)

    def settle(
        self,
        estimate: Decimal | None,
        outcome: CreateOutcome | None,
        *,
        reported_usd: Decimal | None = None,
        now: float = 0.0,
        jitter: float = 0.0,
        retry_after: float | None = None,
        reason: str = "",
    ) -> bool:
        """Record a create's answer: None for created, else how it failed.

        `reported_usd` is the charge or hold PiAPI reported for the new task, which counts
        for an item whose price was not known; without one, such an item stays unsettled
        until its task ends, or the run lets go of it (`ended`, exactly once).

        Returns:
            Whether the item stays unsettled: of unknown price, it exists or may exist
            (created, adopted or uncertain), and PiAPI reported no charge.
        """
        exists = outcome in (None, CreateOutcome.ADOPT, CreateOutcome.UNCERTAIN)
        unsettled = estimate is None and exists and reported_usd is None
        if estimate is None and not unsettled:
            self.unpriced_unsettled -= 1
        if estimate is None and exists:
            self.committed_usd += reported_usd or Decimal(0)
        elif estimate is not None and not exists:
            self.committed_usd -= estimate
        if outcome in (None, CreateOutcome.ADOPT):
            self.strikes = 0
            return unsettled  # the slot is now the task's, released by `release`
        self.in_flight -= 1
        if outcome in (CreateOutcome.THROTTLED, CreateOutcome.NOT_SENT):
            self.strikes += 1
            if outcome is CreateOutcome.THROTTLED:
                self.allowed = max(1, min(self.allowed, self.in_flight))
                self.finished_since_change = 0
            delay = backoff(self.strikes, jitter=jitter, retry_after=retry_after)
            self.not_before = max(self.not_before, now + delay)
        elif outcome is CreateOutcome.STOP_CREATING:
            self.stopped = reason or "PiAPI refused to create more tasks"
        return unsettled

    def ended(self, counted_usd: Decimal, charge_usd: Decimal | None, unsettled: bool) -> None:
        """A task ended: its charge replaces what was counted for it (`counted_usd`). An
        item of unknown price that ends with no readable charge leaves the cap unkeepable:
        no more such items are created under it (unless `allow_unknown_price`). So does one
        the run lets go of with its cost unknown (uncertain, given up, not followable):
        reported as ended with no charge, so that no other item waits for it forever."""
        if charge_usd is not None:
            self.committed_usd += charge_usd - counted_usd
        if not unsettled:
            return
        self.unpriced_unsettled -= 1
        if charge_usd is None:
            self._cost_unknown()

    def _cost_unknown(self) -> None:
        """An item of unknown price exists, or may, at a cost never to be known: the cap
        cannot be kept, so no more such items are created under it (unless allowed)."""
        if self.max_total_usd is not None and not self.allow_unknown_price:
            self.unknown_refused = UNKNOWN_PRICE_REFUSED

    def hold(self) -> None:
        """A task created in an earlier run is followed again: it takes a slot."""
        self.in_flight += 1

    def release(self) -> None:
        """A followed task finished, or the run stopped following it: its slot frees."""
        self.in_flight -= 1
        if self.allowed < self.concurrency:
            self.finished_since_change += 1
            if self.finished_since_change >= self.allowed:
                self.allowed += 1
                self.finished_since_change = 0

    def stop(self, reason: str) -> None:
        """Create nothing more (an interruption); what is in flight goes on."""
        if self.stopped is None:
            self.stopped = reason

    def _stop(self, reason: str) -> Decision:
        self.stopped = reason
        return Decision(Admission.STOP, reason=reason)


# --- a journal shared by many workers (a store) ------------------------------------------

MIN_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 10.0


def journal_target(journal: object) -> tuple[Literal["file", "shared"], Any]:
    """Which journal `journal` names: ("shared", url) for a PostgreSQL URL (many processes
    and machines through a store), else ("file", path) for the SQLite file journal of one
    process: a plain path, or `sqlite:///path` (that path), or None (in memory).

    Raises:
        ValueError: A URL of another scheme (shown without its password).
    """
    if not isinstance(journal, str) or "://" not in journal:
        return "file", journal
    url = parse_url(journal)
    return ("shared" if url.backend == "postgresql" else "file"), url.target


def poll_seconds(lease_seconds: float) -> float:
    """How often a worker with nothing to claim looks again (and renews its lease): a third
    of the lease, so a lease is renewed about three times before it runs out."""
    return min(max(lease_seconds / 3, MIN_POLL_SECONDS), MAX_POLL_SECONDS)


def others_at_work(items: Sequence[tuple[str, str | None]], me: str) -> bool:
    """Whether another worker holds an item of the batch (`(state, owner)` pairs from the
    store): then a worker with nothing to claim waits, since that worker may die and leave
    its created tasks to follow. Its own items are its programs' business."""
    return any(
        state in ("sending", "created") and owner is not None and owner != me
        for state, owner in items
    )


def batch_fingerprint(identities: Sequence[Identity]) -> str:
    """The requests' fingerprint (their hashes, in order); the store's batch is named by it,
    so every process given the same requests joins the same batch, and no typo in a name
    can split one batch in two (each creating every task)."""
    return hashlib.sha256("\n".join(who.digest for who in identities).encode()).hexdigest()


def shared_batch_name(fingerprint: str) -> str:
    """The store's name of the batch of these requests."""
    return f"batch-{fingerprint[:24]}"


def shared_phase(state: str, task_id: str | None) -> Phase:
    """The phase a run reports for an item in the store's `state`.

    An item another worker is sending counts as created (it is that worker's, and it runs);
    a failed item without a task was refused by PiAPI (nothing created)."""
    if state == "sending":
        return Phase.CREATED
    if state == "failed":
        return Phase.FINISHED if task_id is not None else Phase.NEW
    return Phase(state)


# --- what to tell the user ------------------------------------------------------------


def uncertain_advice(
    label: str, sent_at: datetime | None, *, found: str, missing: str, reason: str | None = None
) -> str:
    """What to check for an uncertain item and the two ways to settle it, `found` and
    `missing` saying how (the API's `resolve=` or the CLI's `--resolve`): one text for both."""
    when = sent_at.strftime("%Y-%m-%d %H:%M:%S UTC") if sent_at is not None else "an unknown time"
    why = f" ({reason})" if reason else ""
    return (
        f"{label} was sent at {when} and may have reached PiAPI{why}, so the task may exist "
        "and be billed; it was not sent again. Look for it in your PiAPI task history: if "
        f"it is there, pass {found}; if not, pass {missing} to create it."
    )


def uncertain_detail(
    position: int, label: str, sent_at: datetime | None, reason: str | None = None
) -> str:
    """`uncertain_advice` for `item.detail`, settled with `run_many`'s own options."""
    return "A create of " + uncertain_advice(
        label,
        sent_at,
        found=f"resolve={{{position}: TASK_ID}}",
        missing=f"retry_uncertain=[{position}]",
        reason=reason,
    )


def state_detail(state: BatchState, error: str | None) -> str:
    """A sentence for an item that is not uncertain."""
    if state is BatchState.COMPLETED:
        return "Completed."
    reason = f": {error.rstrip('.')}" if error else ""
    texts = {
        BatchState.FAILED: f"The task ended at PiAPI without a result{reason}.",
        BatchState.RUNNING: (
            f"The task goes on at PiAPI{reason}. Run the batch again with the same journal "
            "to keep waiting."
        ),
        BatchState.NOT_DOWNLOADED: (
            f"The task completed but its results were not saved{reason}. Run the batch "
            "again with the same journal to download them."
        ),
        BatchState.NOT_CREATED: f"Not created{reason}.",
    }
    return texts[state]
