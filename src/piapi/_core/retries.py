"""When to retry a request and how long to wait first: pure decisions, shared by both clients.

The rule that matters most: a create is resent only when it certainly did not create a
task, because every Sora 2 video costs money. The second: no retry outlives the call's
deadline, and a server asking for a longer pause than we will wait gets its error raised.
"""

from __future__ import annotations

from typing import NamedTuple

from piapi._core.errors import APIConnectionError, APIStatusError, ClientClosedError
from piapi._core.protocol import effective_status

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
"""A server asking for a longer pause than this gets its error raised (with `retry_after`)."""
_RETRYABLE_STATUSES = frozenset({408, 409, 429})


def should_retry(exc: BaseException, *, is_create: bool) -> bool:
    """Whether a failed attempt may be sent again.

    Reads and cancels are idempotent: retry connection errors, timeouts, 408, 409, 429, 5xx.
    A create is retried only when it never reached PiAPI (connection refused) or on 429.
    A closed client is never retried.
    """
    if isinstance(exc, ClientClosedError):
        return False
    if isinstance(exc, APIConnectionError):
        return not exc.task_may_exist
    if not isinstance(exc, APIStatusError):
        return False
    status = effective_status(exc.status_code, exc.code)
    if is_create:
        return status == 429
    return status in _RETRYABLE_STATUSES or status >= 500


# --- the Retry-After rule: parsed once (`protocol.requested_delay`, into `exc.retry_after`),
# judged here for a single request, a wait and a batch alike.


def request_honours(retry_after: float | None) -> bool:
    """Whether a single request waits out the server's Retry-After (none, or at most 60 s)
    and tries again; a longer one is raised at once, `exc.retry_after` saying how long."""
    return retry_after is None or retry_after <= MAX_RETRY_AFTER


class ServerPause(NamedTuple):
    """A wait's or a batch's pause for a Retry-After: `seconds` to sleep, and whether its
    deadline comes first (then it ends with its timeout error, naming the Retry-After)."""

    seconds: float
    deadline_first: bool


def server_pause(retry_after: float, time_left: float | None) -> ServerPause:
    """A wait or a batch sleeps min(Retry-After, `time_left`), whatever its length (None:
    no deadline): a poll or a create sent sooner would only be refused again."""
    if time_left is None or retry_after <= time_left:
        return ServerPause(retry_after, deadline_first=False)
    return ServerPause(time_left, deadline_first=True)


def backoff(
    attempt: int,
    *,
    jitter: float = 0.0,
    first: float = INITIAL_RETRY_DELAY,
    cap: float = MAX_RETRY_DELAY,
    growth: float = 2.0,
) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) when the server asked for
    nothing: `first` growing x`growth` to `cap`, minus up to 25 % `jitter` (in [0, 1)) so
    that many clients do not retry in step. The one schedule of retries, batches and polls."""
    delay = min(first * growth ** (attempt - 1), cap)
    return delay * (1 - 0.25 * jitter)


def retry_decision(
    exc: BaseException,
    attempt: int,
    *,
    is_create: bool,
    max_retries: int,
    time_left: float | None,
    jitter: float,
) -> float | None:
    """Seconds to wait before sending failed attempt `attempt` (1-based) again, or None to
    raise `exc` now, as the retry engine (`_retrying`) applies it.

    The pause is the server's Retry-After when it sent one, else `backoff`. None when
    `should_retry` says no, when the server asked for a pause over `MAX_RETRY_AFTER`
    (`exc.retry_after` tells the caller how long), when retries are used up, or when the
    pause would not end before the deadline (`time_left`, None: no deadline).
    """
    requested = exc.retry_after if isinstance(exc, APIStatusError) else None
    if not should_retry(exc, is_create=is_create) or not request_honours(requested):
        return None
    delay = requested if requested is not None else backoff(attempt, jitter=jitter)
    if attempt > max_retries or (time_left is not None and delay >= time_left):
        return None
    return delay
