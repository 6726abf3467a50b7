"""Pure decisions (which failures are retried, how long to wait, how a wait proceeds), and
tenacity running the retry decisions as the clients hand them to it."""

from __future__ import annotations

import math
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import httpx
import pytest
from tenacity import Retrying

from _support import FakeTime, task_envelope
from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    PiAPIClient,
    PiAPIError,
    Task,
    TaskFailedError,
    WaitTimeoutError,
)
from piapi._core.deadline import NO_DEADLINE, Deadline
from piapi._core.errors import (
    ClientClosedError,
    status_error_class,
)
from piapi._core.polling import PollPlanner, WaitState, is_transient, poll_delay
from piapi._core.protocol import requested_delay
from piapi._core.retries import (
    ServerPause,
    backoff,
    request_honours,
    retry_decision,
    server_pause,
    should_retry,
)
from piapi._core.retrying import retry_options
from piapi.testing import FakePiAPI, Fault

REQUEST = httpx.Request("POST", "https://api.piapi.ai/api/v1/task")


def status_error(
    status: int, headers: dict[str, str] | None = None, code: int | None = None
) -> Any:
    http_status = 200 if code is not None else status
    response = httpx.Response(http_status, headers=headers or {}, request=REQUEST)
    return status_error_class(status)(
        "e", response=response, body=None, code=code if code is not None else status
    )


NOT_SENT = APIConnectionError("refused", request=REQUEST)
MAYBE_SENT = APITimeoutError("read timeout", request=REQUEST, task_may_exist=True)
VALIDATION = APIResponseValidationError(
    "bad", response=httpx.Response(200, request=REQUEST), text="<html>"
)


@pytest.mark.parametrize(
    ("error", "retry_read", "retry_create"),
    [
        (NOT_SENT, True, True),
        (APITimeoutError("connect timeout", request=REQUEST), True, True),
        (MAYBE_SENT, None, False),  # only a create can carry task_may_exist
        (status_error(408), True, False),
        (status_error(409), True, False),
        (status_error(429), True, True),
        (status_error(500), True, False),
        (status_error(502), True, False),
        (status_error(503), True, False),
        (status_error(400), False, False),
        (status_error(401), False, False),
        (status_error(403), False, False),
        (status_error(404), False, False),
        (status_error(422), False, False),
        (status_error(503, code=503), True, False),  # error envelope inside HTTP 200
        (status_error(429, code=429), True, True),
        (VALIDATION, False, False),
        (ValueError("not ours"), False, False),
    ],
)
def test_retry_decisions(error: BaseException, retry_read: bool | None, retry_create: bool) -> None:
    if retry_read is not None:
        assert should_retry(error, is_create=False) is retry_read
    assert should_retry(error, is_create=True) is retry_create


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "9"}, 9.0),
        ({"retry-after": formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"retry-after": "60"}, 60.0),
        ({"retry-after": "61"}, 61.0),
        ({"retry-after": formatdate(NOW + 3600, usegmt=True)}, 3600.0),
        ({"retry-after": "-5"}, None),
        ({"retry-after": "soon"}, None),
    ],
)
def test_retry_after_is_parsed_once_uncapped(
    headers: dict[str, str], expected: float | None
) -> None:
    assert requested_delay(httpx.Headers(headers), NOW) == expected


@pytest.mark.parametrize(
    ("retry_after", "honoured"),
    [(None, True), (0.0, True), (7.0, True), (60.0, True), (60.5, False), (3600.0, False)],
)
def test_a_single_request_honours_at_most_60_s(retry_after: float | None, honoured: bool) -> None:
    assert request_honours(retry_after) is honoured


@pytest.mark.parametrize(
    ("retry_after", "time_left", "pause"),
    [
        (3.0, None, ServerPause(3.0, deadline_first=False)),
        (3600.0, None, ServerPause(3600.0, deadline_first=False)),  # no deadline: as asked
        (3600.0, 25.0, ServerPause(25.0, deadline_first=True)),
        (25.0, 25.0, ServerPause(25.0, deadline_first=False)),
        (90.0, 120.0, ServerPause(90.0, deadline_first=False)),  # over 60 s, yet within
    ],
)
def test_a_wait_or_batch_sleeps_the_retry_after_cut_to_its_deadline(
    retry_after: float, time_left: float | None, pause: ServerPause
) -> None:
    assert server_pause(retry_after, time_left) == pause


def rate_limited(seconds: float | None) -> Any:
    error = status_error(429)
    error.retry_after = seconds
    return error


@pytest.mark.parametrize(
    ("error", "attempt", "max_retries", "time_left", "expected", "why"),
    [
        (rate_limited(7.0), 1, 2, None, 7.0, "the server's wish wins over the backoff"),
        (rate_limited(60.0), 1, 2, None, 60.0, "up to 60 s is honoured"),
        (rate_limited(61.0), 1, 2, None, None, "longer: raised at once, with retry_after"),
        (rate_limited(600.0), 1, 2, None, None, "far longer: raised at once"),
        (rate_limited(7.0), 1, 2, 5.0, None, "the pause would outlive the deadline"),
        (rate_limited(4.0), 1, 2, 5.0, 4.0, "the pause ends before the deadline"),
        (NOT_SENT, 1, 2, None, 0.5, "backoff"),
        (NOT_SENT, 1, 2, 0.4, None, "backoff longer than the time left"),
        (NOT_SENT, 1, 2, 0.0, None, "no time left"),
        (NOT_SENT, 3, 2, None, None, "retries used up"),
        (NOT_SENT, 1, 0, None, None, "retries off"),
        (status_error(404), 1, 2, None, None, "never retried"),
        (ClientClosedError("closed"), 1, 2, None, None, "a closed client is not retried"),
    ],
)
def test_retry_decision(
    error: PiAPIError,
    attempt: int,
    max_retries: int,
    time_left: float | None,
    expected: float | None,
    why: str,
) -> None:
    decided = retry_decision(
        error,
        attempt,
        is_create=False,
        max_retries=max_retries,
        time_left=time_left,
        jitter=0.0,
    )
    assert decided == expected, why


@pytest.mark.parametrize(
    ("attempt", "max_retries", "delay", "time_left", "over"),
    [
        (1, 2, 0.5, None, False),
        (2, 2, 1.0, None, False),
        (3, 2, 2.0, None, True),  # retries used up
        (1, 0, 0.5, None, True),  # retries off
        (1, 2, 0.5, 0.6, False),
        (1, 2, 0.5, 0.5, True),  # the pause would end just as the deadline passes
        (1, 2, 7.0, 5.0, True),
    ],
)
def test_retries_over(
    attempt: int, max_retries: int, delay: float, time_left: float | None, over: bool
) -> None:
    decided = retry_decision(
        rate_limited(delay),  # a pause of `delay`, asked for by the server
        attempt,
        is_create=False,
        max_retries=max_retries,
        time_left=time_left,
        jitter=0.0,
    )
    assert decided == (None if over else delay)


def failing(*failures: BaseException) -> Callable[[], Any]:
    remaining = iter(failures)

    def attempt() -> Any:
        raise next(remaining)

    return attempt


def test_tenacity_retries_as_decided_and_never_sleeps_past_the_deadline() -> None:
    clock = FakeTime()
    options = retry_options(
        is_create=False,
        max_retries=5,
        deadline=Deadline.after(1.0, clock.monotonic()),
        now=clock.monotonic,
        sleep=clock.sleep,
    )
    with pytest.raises(APIConnectionError):  # the last failure itself, not tenacity's
        Retrying(**options)(failing(NOT_SENT, NOT_SENT, NOT_SENT))
    (slept,) = clock.sleeps  # the second pause (>= 0.75 s) would outlive the 0.5 s left
    assert 0.375 <= slept <= 0.5


SLOW_DOWN = (rate_limited(7.0), rate_limited(3.0), rate_limited(1.0))


@pytest.mark.parametrize(
    ("failures", "sleeps", "raised"),
    [
        (SLOW_DOWN, [7.0, 3.0], SLOW_DOWN[2]),  # Retry-After honoured, then retries used up
        ((rate_limited(61.0),), [], None),  # a longer pause asked for: raised at once
        ((status_error(404),), [], None),  # never retried
        ((MAYBE_SENT,), [], None),  # a create that may exist is never resent
    ],
)
def test_tenacity_follows_the_retry_rules(
    failures: tuple[PiAPIError, ...], sleeps: list[float], raised: PiAPIError | None
) -> None:
    clock = FakeTime()
    options = retry_options(
        is_create=True, max_retries=2, deadline=NO_DEADLINE, now=clock.monotonic, sleep=clock.sleep
    )
    with pytest.raises(PiAPIError) as caught:
        Retrying(**options)(failing(*failures))
    assert caught.value is (raised or failures[0])
    assert clock.sleeps == sleeps


def test_a_create_is_retried_after_a_429_only_within_the_cap() -> None:
    for seconds, expected in ((3.0, 3.0), (61.0, None)):
        decided = retry_decision(
            rate_limited(seconds), 1, is_create=True, max_retries=2, time_left=None, jitter=0
        )
        assert decided == expected


@pytest.mark.parametrize(
    ("attempt", "longest"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (20, 8.0)]
)
def test_backoff_doubles_to_a_cap_with_jitter(attempt: int, longest: float) -> None:
    assert backoff(attempt, jitter=0.0) == longest
    assert backoff(attempt, jitter=0.999) == pytest.approx(longest * 0.75, 0.01)


def test_default_poll_schedule() -> None:
    delays = [poll_delay(n) for n in range(10)]
    assert delays[:6] == [0.0, 1.0, 1.5, 2.25, 3.375, 5.0625]
    assert delays[7:] == [10.0, 10.0, 10.0]
    assert PollPlanner(None, 2.0, now=0.0).delay(0.0, 5) == 2.0  # a fixed interval replaces it


@pytest.mark.parametrize(("duration", "max_requests"), [(30, 8), (90, 15), (300, 36)])
def test_schedule_finds_a_video_within_ten_seconds_with_few_requests(
    duration: float, max_requests: int
) -> None:
    now, polls = 0.0, 0
    while True:
        now += poll_delay(polls)
        polls += 1
        if now >= duration:
            break
    assert now - duration <= 10.0
    assert polls <= max_requests


def pending() -> Task:
    return Task.model_validate(task_envelope("processing")["data"])


def finished(status: str) -> Task:
    return Task.model_validate(task_envelope(status)["data"])


def test_wait_state_polls_first_immediately_then_by_schedule() -> None:
    state = WaitState("t", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    assert state.next_delay(0) == 0.0
    state.observe(pending())
    assert state.finished is None
    assert state.next_delay(0) == 1.0
    state.observe_error(NOT_SENT)
    assert state.next_delay(1) == 1.5
    assert state.polls == 2


def test_wait_state_lands_the_last_poll_on_the_deadline_then_times_out() -> None:
    state = WaitState("t", timeout=5.0, poll_interval=4.0, raise_on_failure=True, started_at=100)
    assert state.next_delay(100) == 0.0
    last = pending()
    state.observe(last)
    assert state.next_delay(103.0) == 2.0  # 4 s wanted, 2 s left
    state.observe(last)
    with pytest.raises(WaitTimeoutError) as caught:
        state.next_delay(105.0)
    error = caught.value
    assert error.task_id == "t"
    assert error.task is last
    assert "within 5 s" in str(error)
    assert "tasks.wait('t')" in str(error)


def test_wait_state_timeout_zero_still_polls_once() -> None:
    state = WaitState("t", timeout=0, poll_interval=None, raise_on_failure=True, started_at=0)
    assert state.next_delay(0) == 0.0
    state.observe(pending())
    with pytest.raises(WaitTimeoutError):
        state.next_delay(0)


@pytest.mark.parametrize("status", ["failed", "cancelled"])
def test_wait_state_failed_tasks(status: str) -> None:
    raising = WaitState("t", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    with pytest.raises(TaskFailedError) as caught:
        raising.observe(finished(status))
    assert caught.value.task.status.value == status
    returning = WaitState(
        "t", timeout=None, poll_interval=None, raise_on_failure=False, started_at=0
    )
    returning.observe(finished(status))
    assert returning.finished is not None
    assert returning.finished.status.value == status


def test_wait_state_completed() -> None:
    state = WaitState("t", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    done = finished("completed")
    state.observe(done)
    assert state.finished is done
    unknown = WaitState("t", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    unknown.observe(finished("queued_somewhere"))
    assert unknown.finished is None


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (NOT_SENT, True),
        (APITimeoutError("t", request=REQUEST), True),
        (VALIDATION, True),
        (status_error(500), True),
        (status_error(429), True),
        (status_error(409), True),
        (status_error(401), False),
        (status_error(403), False),
        (status_error(404), False),
        (status_error(400), False),
        (status_error(422), False),
    ],
)
def test_which_poll_failures_a_wait_survives(error: PiAPIError, transient: bool) -> None:
    assert is_transient(error) is transient
    state = WaitState("t", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    if transient:
        state.observe_error(error)
    else:
        with pytest.raises(type(error)):
            state.observe_error(error)


def test_wait_state_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="timeout"):
        WaitState("t", timeout=-1, poll_interval=None, raise_on_failure=True, started_at=0)
    with pytest.raises(ValueError, match="poll_interval"):
        WaitState("t", timeout=None, poll_interval=0, raise_on_failure=True, started_at=0)


def test_task_failed_error_message() -> None:
    error = TaskFailedError(finished("failed"))
    assert error.task.task_id in str(error)
    assert "ended failed: prompt refused" in str(error)


def test_a_wait_honours_the_pause_a_failed_poll_asked_for_within_its_deadline() -> None:
    state = WaitState("t", timeout=30.0, poll_interval=1.0, raise_on_failure=True, started_at=0)
    assert state.next_delay(0) == 0.0
    state.observe_error(rate_limited(7.0))
    assert state.next_delay(0) == 7.0  # not 1 s: the server asked for 7
    state.observe(pending())
    assert state.next_delay(7) == 1.0  # once only
    state.observe_error(rate_limited(120.0))
    assert state.next_delay(8) == 22.0  # cut at the deadline


def test_a_wait_told_to_come_back_in_an_hour_ends_at_its_deadline_naming_it(
    piapi_fake: FakePiAPI, piapi_client: PiAPIClient
) -> None:
    task = piapi_client.sora2.create(prompt="A fox", duration=4)
    piapi_fake.faults.add(Fault.rate_limited(3600), endpoint="get")
    started = piapi_fake.clock.monotonic()
    with pytest.raises(WaitTimeoutError) as caught:
        piapi_client.tasks.wait(task, timeout=30)
    assert 30 <= piapi_fake.clock.monotonic() - started <= 30.5
    assert caught.value.retry_after == 3600
    assert "asked to wait 3600 s before polling again (Retry-After)" in str(caught.value)


def test_a_waits_requests_may_run_a_little_past_its_deadline() -> None:
    from piapi._core.polling import FINAL_POLL_GRACE

    state = WaitState("t", timeout=10.0, poll_interval=None, raise_on_failure=True, started_at=5)
    assert state.deadline.at == 15.0
    assert state.io_deadline.at == 15.0 + FINAL_POLL_GRACE <= 15.5
    forever = WaitState("t", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    assert forever.io_deadline.at is None


def test_a_wait_inside_create_and_wait_keeps_the_calls_deadline() -> None:
    from piapi._core.deadline import Deadline

    state = WaitState(
        "t",
        timeout=10.0,
        poll_interval=None,
        raise_on_failure=True,
        started_at=8.0,
        deadline=Deadline(10.0),  # the create took 8 of the 10 s
    )
    state.observe(pending())
    assert state.next_delay(8.0) == 1.0
    with pytest.raises(WaitTimeoutError, match="within 10 s"):
        state.next_delay(10.0)


@pytest.mark.parametrize(
    ("timeout", "poll_interval"),
    [(math.nan, None), (math.inf, None), (-1, None), (None, math.nan), (None, 0), (None, math.inf)],
)
def test_a_wait_refuses_nan_and_infinite_times(timeout: Any, poll_interval: Any) -> None:
    with pytest.raises(ValueError, match=r"timeout|poll_interval"):
        WaitState(
            "t", timeout=timeout, poll_interval=poll_interval, raise_on_failure=True, started_at=0
        )


@pytest.mark.parametrize("task_id", ["", ".", "..", "a/b"])
def test_a_wait_refuses_a_bad_task_id(task_id: str) -> None:
    with pytest.raises(ValueError, match="task_id"):
        WaitState(task_id, timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)


def test_a_closed_client_ends_a_wait_naming_the_task() -> None:
    state = WaitState("t-7", timeout=None, poll_interval=None, raise_on_failure=True, started_at=0)
    closed = ClientClosedError("The call ended: the client was closed")
    assert not is_transient(closed)
    with pytest.raises(ClientClosedError) as caught:
        state.observe_error(closed)
    assert caught.value.task_id == "t-7"
    assert str(caught.value).startswith("Task t-7: ")


def test_the_sync_client_refuses_coroutine_callbacks() -> None:
    from piapi._sync._backend import call_back, check_callback

    async def coroutine_function(task: Task) -> None:
        pass

    class AsyncCallable:
        async def __call__(self, task: Task) -> None:
            pass

    check_callback(None)
    check_callback(print)
    for callback in (coroutine_function, AsyncCallable()):
        with pytest.raises(TypeError, match="coroutine"):
            check_callback(callback)
    coroutine = coroutine_function(pending())
    with pytest.raises(TypeError, match="awaitable"):
        call_back(lambda: coroutine)  # closed: no "never awaited" warning
    call_back(lambda: None)
