"""tenacity runs the retries of both clients; the pure decisions of `_retries` steer it.

`retry_options` builds tenacity's `retry`, `wait`, `sleep` and `before_sleep` for one call
(`retry` asks `_retries.retry_decision`, which also stops: tenacity's own stop never does),
so `PiAPIClient` and `AsyncPiAPIClient` hand the same options to `Retrying` and
`AsyncRetrying` and write no retry rule of their own. Imported on a first failure only.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from tenacity import RetryCallState

from piapi._core.deadline import Deadline
from piapi._core.retries import retry_decision

logger = logging.getLogger("piapi")

Sleep = Callable[[float], None] | Callable[[float], Awaitable[None]]


def retry_options(
    *,
    is_create: bool,
    max_retries: int,
    deadline: Deadline,
    now: Callable[[], float],
    sleep: Sleep,
) -> dict[str, Any]:
    """Keyword arguments for `tenacity.Retrying` (sync `sleep`) or `AsyncRetrying` (async
    `sleep`) that retry one call as `_retries` decides, within `deadline` on clock `now`."""
    plan = _RetryPlan(is_create, max_retries, deadline, now)
    return {
        "retry": plan.retry,
        "wait": plan.wait,
        "sleep": sleep,
        "before_sleep": plan.before_sleep,
        "reraise": True,
    }


def _failure(state: RetryCallState) -> BaseException | None:
    """The exception of the attempt tenacity asks about; None for a result."""
    outcome = state.outcome
    return outcome.exception() if outcome is not None else None


class _RetryPlan:
    """The decisions for one call's retries, as tenacity asks for them after a failure:
    `retry` first (whether, and how long to pause), then `wait` (that pause)."""

    __slots__ = ("_deadline", "_delay", "_is_create", "_max_retries", "_now")

    def __init__(
        self, is_create: bool, max_retries: int, deadline: Deadline, now: Callable[[], float]
    ) -> None:
        self._is_create = is_create
        self._max_retries = max_retries
        self._deadline = deadline
        self._now = now
        self._delay = 0.0

    def retry(self, state: RetryCallState) -> bool:
        exc = _failure(state)
        if exc is None:
            return False  # a result: returned as it is
        delay = retry_decision(
            exc,
            state.attempt_number,
            is_create=self._is_create,
            max_retries=self._max_retries,
            time_left=self._deadline.remaining(self._now()),
            jitter=random.random(),
        )
        if delay is None:
            logger.debug("not retrying: %s", exc)
            return False
        self._delay = delay
        return True

    def wait(self, state: RetryCallState) -> float:
        # Capped again: the deadline may have come closer since `retry` looked.
        return self._deadline.cap(self._delay, self._now()) or 0.0

    def before_sleep(self, state: RetryCallState) -> None:
        action = state.next_action
        logger.debug(
            "retrying in %.2f s after attempt %d failed: %s",
            action.sleep if action is not None else 0.0,
            state.attempt_number,
            _failure(state),
        )
