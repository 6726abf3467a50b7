"""Waiting for a task: when to poll next, when to give up, what ends a wait. No I/O here.

The sync and async clients drive a `WaitState` and only send and sleep, so they cannot
disagree about which statuses are terminal or which errors are worth waiting through.
"""

from __future__ import annotations

import logging
from typing import Any

from piapi._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    PiAPIError,
    TaskFailedError,
    WaitTimeoutError,
)
from piapi._models import Task
from piapi._retries import should_retry

logger = logging.getLogger("piapi")

FIRST_POLL_DELAY = 1.0
POLL_GROWTH = 1.5
MAX_POLL_DELAY = 10.0
MAX_UNREADABLE_IN_A_ROW = 3
"""Unreadable answers (HTML, truncated JSON, no task) a wait polls through before raising."""


def poll_delay(polls_done: int, poll_interval: float | None = None) -> float:
    """Seconds to wait before the next poll after `polls_done` polls.

    Default: 1 s growing x1.5 to a 10 s cap, so a 90 s video is noticed within ~10 s of
    finishing with about 15 requests; a fixed `poll_interval` replaces the schedule.
    """
    if poll_interval is not None:
        return poll_interval
    if polls_done <= 0:
        return 0.0
    return min(FIRST_POLL_DELAY * POLL_GROWTH ** (polls_done - 1), MAX_POLL_DELAY)


def is_transient(exc: PiAPIError) -> bool:
    """Whether a failed poll is worth polling through (the wait's deadline still applies)."""
    if isinstance(exc, APIConnectionError | APIResponseValidationError):
        return True
    return isinstance(exc, APIStatusError) and should_retry(exc, is_create=False)


class WaitState:
    """The decisions of one wait: feed it each poll's outcome, ask it how long to sleep."""

    def __init__(
        self,
        task: str | Task[Any, Any],
        *,
        timeout: float | None,
        poll_interval: float | None,
        raise_on_failure: bool,
        started_at: float,
    ) -> None:
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must be >= 0 or None (got {timeout})")
        if poll_interval is not None and poll_interval <= 0:
            raise ValueError(f"poll_interval must be > 0 or None (got {poll_interval})")
        self.timeout = timeout
        self.deadline = None if timeout is None else started_at + timeout
        self.poll_interval = poll_interval
        self.raise_on_failure = raise_on_failure
        self.polls = 0
        self.unreadable_in_a_row = 0
        self.last_task: Task[Any, Any] | None = None
        self.finished: Task[Any, Any] | None = None
        """The terminal task once the wait is over."""
        self.task_class: type[Task[Any, Any]] | None
        """The class polls are read as; None: by the answer's model (a `Sora2Task` for Sora 2)."""
        if isinstance(task, Task):
            # A task in hand counts as the first look: poll it again after a delay, and
            # keep its class so that a `Sora2Task` comes back as one.
            self.task_id: str = task.task_id
            self.task_class = type(task)
            self.observe(task)
        else:
            self.task_id = task
            self.task_class = None

    def next_delay(self, now: float) -> float:
        """Seconds to sleep before the next poll; raises `WaitTimeoutError` past the deadline.

        The first poll is immediate, and the last one lands on the deadline itself.
        """
        if self.polls == 0:
            return 0.0
        delay = poll_delay(self.polls, self.poll_interval)
        if self.deadline is None:
            return delay
        remaining = self.deadline - now
        if remaining <= 0:
            raise WaitTimeoutError(self.task_id, self.timeout or 0.0, self.last_task)
        return min(delay, remaining)

    def observe(self, task: Task[Any, Any]) -> bool:
        """Record a polled task; True when the wait is over (raises if it failed and should)."""
        self.polls += 1
        self.unreadable_in_a_row = 0
        self.last_task = task
        if not task.is_terminal:
            return False
        if task.status.is_failure and self.raise_on_failure:
            raise TaskFailedError(task)
        self.finished = task
        return True

    def observe_error(self, exc: PiAPIError) -> None:
        """Record a failed poll; re-raises it unless it is transient.

        Raises:
            APIResponseValidationError: The third unreadable answer in a row, with its raw
                body and the task id, instead of polling silently to the deadline.
        """
        self.polls += 1
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
