"""When to retry a request and how long to wait first: pure decisions, shared by both clients.

The rule that matters most: a create is resent only when it certainly did not create a
task, because every Sora 2 video costs money.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from tenacity import RetryCallState, retry_if_exception, stop_after_attempt

from piapi._exceptions import APIConnectionError, APIStatusError
from piapi._protocol import effective_status

logger = logging.getLogger("piapi")

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
_RETRYABLE_STATUSES = frozenset({408, 409, 429})


def should_retry(exc: BaseException, *, is_create: bool) -> bool:
    """Whether a failed attempt may be sent again.

    Reads and cancels are idempotent: retry connection errors, timeouts, 408, 409, 429, 5xx.
    A create is retried only when it never reached PiAPI (connection refused) or on 429.
    """
    if isinstance(exc, APIConnectionError):
        return not exc.task_may_exist
    if not isinstance(exc, APIStatusError):
        return False
    status = effective_status(exc.status_code, exc.code)
    if is_create:
        return status == 429
    return status in _RETRYABLE_STATUSES or status >= 500


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """The server's requested delay from `retry-after-ms` or `Retry-After` (seconds or an
    HTTP date); None when absent, unreadable, or longer than we are willing to wait."""
    delay: float | None = None
    if "retry-after-ms" in headers:
        try:
            delay = float(headers["retry-after-ms"]) / 1000
        except ValueError:
            delay = None
    if delay is None and "retry-after" in headers:
        value = headers["retry-after"]
        try:
            delay = float(value)
        except ValueError:
            try:
                delay = parsedate_to_datetime(value).timestamp() - now
            except (TypeError, ValueError, IndexError):
                delay = None
    if delay is None or not 0 <= delay <= MAX_RETRY_AFTER:
        return None
    return delay


def retry_delay(exc: BaseException | None, attempt: int, *, jitter: float, now: float) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based).

    The server's Retry-After wins; otherwise 0.5 s doubling to 8 s, minus up to 25 % jitter
    (`jitter` in [0, 1)) so that many clients do not retry in step.
    """
    if isinstance(exc, APIStatusError):
        requested = retry_after(exc.response.headers, now)
        if requested is not None:
            return requested
    backoff = min(INITIAL_RETRY_DELAY * 2.0 ** (attempt - 1), MAX_RETRY_DELAY)
    return backoff * (1 - 0.25 * jitter)


def retry_options(*, is_create: bool, max_retries: int) -> dict[str, Any]:
    """Keyword arguments for tenacity's `Retrying` / `AsyncRetrying` applying the rules above."""
    return {
        "stop": stop_after_attempt(max_retries + 1),
        "retry": retry_if_exception(lambda exc: _decide(exc, is_create=is_create)),
        "wait": _wait,
        "reraise": True,
        "before_sleep": _log_retry,
    }


def _decide(exc: BaseException, *, is_create: bool) -> bool:
    retry = should_retry(exc, is_create=is_create)
    if not retry:
        logger.debug("not retrying: %s", exc)
    return retry


def _failure(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None else None


def _wait(state: RetryCallState) -> float:
    return retry_delay(
        _failure(state), state.attempt_number, jitter=random.random(), now=time.time()
    )


def _log_retry(state: RetryCallState) -> None:
    delay = state.next_action.sleep if state.next_action is not None else 0.0
    logger.debug(
        "retrying in %.2f s after attempt %d failed: %s",
        delay,
        state.attempt_number,
        _failure(state),
    )
