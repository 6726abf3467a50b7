"""Waiting for a task: when to poll next, when to give up, what ends a wait. No I/O here.

The sync and async clients drive a `WaitState` and only send and sleep, so they cannot
disagree about which statuses are terminal or which errors are worth waiting through.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any

from piapi._core.checks import checked_seconds
from piapi._core.deadline import Deadline
from piapi._core.errors import (
    APIResponseValidationError,
    APIStatusError,
    PiAPIError,
)
from piapi._core.expectations import Expectation, Expectations, TaskKey, task_key
from piapi._core.models import Task, TaskStatus
from piapi._core.protocol import check_task_id
from piapi._core.retries import backoff, server_pause, should_retry
from piapi._core.task_errors import (
    TaskFailedError,
    WaitTimeoutError,
)

logger = logging.getLogger("piapi")

FIRST_POLL_DELAY = 1.0
POLL_GROWTH = 1.5
MAX_POLL_DELAY = 10.0
MAX_UNREADABLE_IN_A_ROW = 3
"""Unreadable answers (HTML, truncated JSON, no task) a wait polls through before raising."""
FINAL_POLL_GRACE = 0.5
"""The last poll of a wait lands on its deadline and may take this long to answer, so a
task finishing just in time is seen; a wait ends at most this long after its deadline."""


def check_wait_options(timeout: object, poll_interval: object) -> tuple[float | None, float | None]:
    """A wait's `timeout` (>= 0 or None) and `poll_interval` (> 0 or None), checked before
    anything is sent (for `create_and_wait`, before the create)."""
    return (
        checked_seconds("timeout", timeout, allow_zero=True),
        checked_seconds("poll_interval", poll_interval),
    )


def poll_delay(polls_done: int) -> float:
    """Seconds to wait before the next poll after `polls_done` polls.

    Default: 1 s growing x1.5 to a 10 s cap, so a 90 s video is noticed within ~10 s of
    finishing with about 15 requests; a fixed `poll_interval` replaces the schedule
    (`PollPlanner.delay`).
    """
    if polls_done <= 0:
        return 0.0
    return backoff(polls_done, first=FIRST_POLL_DELAY, growth=POLL_GROWTH, cap=MAX_POLL_DELAY)


SPARSE_RATIO = 1.6
"""Before the expected window each poll comes at most 1.6x the task's age: a task done
earlier than expected (a failure, a wrong guess) is noticed at most 60 % of its age late."""
FIRST_SPARSE_AGE = 15.0
"""No poll of a task with an expectation before it is 15 s old, unless its window starts sooner."""
DENSE_POLLS = 8
"""Polls spread evenly over the expected window (spacing 1 s to `MAX_POLL_DELAY`)."""
MIN_POLL_DELAY = 1.0


def expected_poll_delay(age: float, expected: Expectation) -> float:
    """Seconds to the next poll of a task `age` seconds old that should finish in `expected`.

    Sparse while it cannot be done yet: polls at `expected.low / 1.6**k` (none before 15 s).
    Dense in the window [low, high]: `DENSE_POLLS` evenly spaced polls. Past the window the
    gap grows with the overrun, back to today's 10 s cap, so a task that runs longer than
    expected is noticed as promptly as with `poll_delay`.
    """
    low, high = expected.low, expected.high
    spacing = min(max((high - low) / DENSE_POLLS, MIN_POLL_DELAY), MAX_POLL_DELAY)
    reach = age + MIN_POLL_DELAY / 2  # a grid point nearer than this was just polled
    if reach < low:
        target = low
        while target / SPARSE_RATIO > reach and target / SPARSE_RATIO >= FIRST_SPARSE_AGE:
            target /= SPARSE_RATIO
    elif reach < high:
        target = low + spacing * (math.floor((reach - low) / spacing) + 1)
    else:
        target = age + min(spacing + max(age - high, 0.0), MAX_POLL_DELAY)
    return max(target - age, MIN_POLL_DELAY)


MAX_CLOCK_SKEW = 60.0
"""A task created up to this far in our clock's future counts as created now."""
MAX_TASK_AGE = 86_400.0
"""A task older than this (or from further in the future) cannot be placed in time."""


class PollPlanner:
    """Places a task in its expected run time and picks each delay; holds no I/O.

    It reads PiAPI's `created_at` / `started_at` against our wall clock (read once, then
    followed on the monotonic clock). Without an expectation for the task, or when its
    timestamps cannot be placed, it falls back to `poll_delay`; `poll_interval` overrides all.
    """

    def __init__(
        self, expectations: Expectations | None, poll_interval: float | None, now: float
    ) -> None:
        self.expectations = expectations
        self.poll_interval = poll_interval
        self._wall_offset = expectations.wall_clock() - now if expectations is not None else 0.0
        self._polled_at = now
        self.key: TaskKey | None = None
        self.created: float | None = None
        """When the task was created, on the monotonic clock; None until placed."""
        self.started: float | None = None

    def expectation(self) -> Expectation | None:
        """When the task should be done, in seconds after its creation (None: unknown)."""
        if self.expectations is None or self.key is None or self.created is None:
            return None
        if self.started is not None:
            processing = self.expectations.expect_processing(self.key)
            if processing is not None:
                return processing.shifted(self.started - self.created)
        return self.expectations.expect(self.key)

    def delay(self, now: float, polls_done: int) -> float:
        """Seconds to sleep before the next poll."""
        if self.poll_interval is not None:
            return self.poll_interval
        expected = self.expectation()
        if expected is None or self.created is None:
            delay = poll_delay(polls_done)
        else:
            delay = expected_poll_delay(now - self.created, expected)
        self._polled_at = now + delay
        return delay

    def observe(self, task: Task[Any, Any]) -> None:
        """Read where the task stands; learn its run time once it has completed."""
        if self.expectations is None:
            return
        self.key = task_key(task)
        meta = task.meta
        if self.created is None:
            self.created = self._placed(getattr(meta, "created_at", None))
        if self.started is None and self.created is not None:
            started = self._placed(getattr(meta, "started_at", None))
            self.started = None if started is None else max(started, self.created)
        if task.status is TaskStatus.COMPLETED:
            self.expectations.record(task)

    def _placed(self, moment: object) -> float | None:
        """A PiAPI timestamp on our monotonic clock, if it is plausible."""
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            return None
        at = moment.timestamp() - self._wall_offset
        age = self._polled_at - at
        if not -MAX_CLOCK_SKEW <= age <= MAX_TASK_AGE:
            return None
        return min(at, self._polled_at)


def is_transient(exc: PiAPIError) -> bool:
    """Whether a failed poll is worth polling through (the wait's deadline still applies):
    an unreadable answer, or what a single GET is retried on (never a closed client)."""
    return isinstance(exc, APIResponseValidationError) or should_retry(exc, is_create=False)


class WaitState:
    """The decisions of one wait: feed it each poll's outcome, ask it how long to sleep.

    `deadline` (default: `timeout` after `started_at`) ends the wait: sleeps stop at it,
    the last poll lands on it, and each poll's request may take until `io_deadline`.
    """

    def __init__(
        self,
        task: str | Task[Any, Any],
        *,
        timeout: float | None,
        poll_interval: float | None,
        raise_on_failure: bool,
        started_at: float,
        expectations: Expectations | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        timeout, poll_interval = check_wait_options(timeout, poll_interval)
        self.timeout = timeout
        self.deadline = Deadline.after(timeout, started_at) if deadline is None else deadline
        self.io_deadline = self.deadline.extended(FINAL_POLL_GRACE)
        """Until when a poll's request may run: the deadline plus `FINAL_POLL_GRACE`."""
        self.not_before: float | None = None
        """A pause the server asked for (`Retry-After` of a failed poll), in seconds."""
        self.outlasting_retry_after: float | None = None
        """A Retry-After longer than the time left: named by the `WaitTimeoutError`."""
        self.raise_on_failure = raise_on_failure
        self.polls = 0
        self.unreadable_in_a_row = 0
        self.last_task: Task[Any, Any] | None = None
        self.finished: Task[Any, Any] | None = None
        """The terminal task once the wait is over."""
        self.planner = PollPlanner(expectations, poll_interval, started_at)
        self.task_class: type[Task[Any, Any]] | None
        """The class polls are read as; None: by the answer's model (a `Sora2Task` for Sora 2)."""
        if isinstance(task, Task):
            # A task in hand counts as the first look: poll it again after a delay, and
            # keep its class so that a `Sora2Task` comes back as one.
            self.task_id: str = task.task_id
            self.task_class = type(task)
            self.observe(task)
        else:
            self.task_id = check_task_id(task)
            self.task_class = None

    def next_delay(self, now: float) -> float:
        """Seconds to sleep before the next poll; raises `WaitTimeoutError` past the deadline.

        The first poll is immediate, and the last one lands on the deadline itself.
        """
        if self.polls == 0:
            return 0.0
        delay = self.planner.delay(now, self.polls)
        remaining = self.deadline.remaining(now)
        if remaining is not None and remaining <= 0:
            raise WaitTimeoutError(
                self.task_id,
                self.timeout or 0.0,
                self.last_task,
                retry_after=self.outlasting_retry_after,
            )
        if self.not_before is not None:
            pause = server_pause(self.not_before, remaining)
            self.outlasting_retry_after = self.not_before if pause.deadline_first else None
            delay = max(delay, pause.seconds)
            self.not_before = None
        return delay if remaining is None else min(delay, remaining)

    def observe(self, task: Task[Any, Any]) -> None:
        """Record a polled task; a terminal one ends the wait (`finished`), or raises if it
        failed and should."""
        self.polls += 1
        self.unreadable_in_a_row = 0
        self.last_task = task
        self.planner.observe(task)
        if task.is_terminal:
            if task.status.is_failure and self.raise_on_failure:
                raise TaskFailedError(task)
            self.finished = task

    def observe_error(self, exc: PiAPIError) -> None:
        """Record a failed poll; re-raises it, naming the task, unless it is transient.

        A `Retry-After` in the error pushes the next poll back (within the deadline).

        Raises:
            APIResponseValidationError: The third unreadable answer in a row, with its raw
                body and the task id, instead of polling silently to the deadline.
        """
        self.polls += 1
        exc._about_task(self.task_id)
        if isinstance(exc, APIStatusError) and exc.retry_after is not None:
            self.not_before = exc.retry_after
        if isinstance(exc, APIResponseValidationError):
            self.unreadable_in_a_row += 1
            if self.unreadable_in_a_row >= MAX_UNREADABLE_IN_A_ROW:
                raise APIResponseValidationError(
                    f"Task {self.task_id}: {self.unreadable_in_a_row} answers in a row could "
                    f"not be read; the last: {exc}. The task goes on at PiAPI: call "
                    f"tasks.wait({self.task_id!r}) to keep waiting.",
                    response=exc.response,
                    text=exc.text,
                    task_id=self.task_id,
                ) from exc
        else:
            self.unreadable_in_a_row = 0
        if not is_transient(exc):
            raise exc
        logger.debug("poll of task %s failed, will poll again: %s", self.task_id, exc)
