"""Both clients end to end over a mock transport; each test runs sync, asyncio and trio."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

import piapi
from _support import API_KEY, SEED_REQUEST, TASK_ID, Api, ok, task_envelope
from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncPiAPIClient,
    BadRequestError,
    ConflictError,
    InternalServerError,
    PiAPIClient,
    PiAPIError,
    RateLimitError,
    Sora2Task,
    Task,
    TaskFailedError,
    TaskStatus,
    WaitTimeoutError,
    WebhookConfig,
)

MakeApi = Callable[..., Api]


def sequence(*steps: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A handler answering each request with the next step (an exception is raised)."""
    remaining: Iterator[httpx.Response | Exception] = iter(steps)

    def handle(request: httpx.Request) -> httpx.Response:
        step = next(remaining)
        if isinstance(step, Exception):
            raise step
        # A fresh copy each time: httpx binds a response's stream to the request it answers.
        return httpx.Response(step.status_code, headers=step.headers, content=step.content)

    return handle


def error(status: int, message: str = "nope", **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"code": status, "data": None, "message": message}, headers=headers
    )


# --- construction and configuration -------------------------------------------------------


@pytest.mark.parametrize("client_class", [PiAPIClient, AsyncPiAPIClient])
def test_missing_key_names_the_environment_variable(client_class: type[Any]) -> None:
    with pytest.raises(PiAPIError, match="PIAPI_API_KEY"):
        client_class()


def test_key_and_base_url_come_from_the_environment(
    make_api: MakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIAPI_API_KEY", "env-key")
    monkeypatch.setenv("PIAPI_BASE_URL", "http://127.0.0.1:9/")
    api = make_api(sequence(ok()), api_key=None)
    api("tasks.get", TASK_ID)
    request = api.requests[0]
    assert request.headers["X-API-Key"] == "env-key"
    assert str(request.url) == f"http://127.0.0.1:9/api/v1/task/{TASK_ID}"


def test_every_request_sends_key_user_agent_and_default_headers(make_api: MakeApi) -> None:
    api = make_api(sequence(ok(), ok(), ok()), default_headers={"X-Trace": "abc"})
    api("tasks.get", TASK_ID)
    api("sora2.create", prompt="a fox")
    api("tasks.cancel", TASK_ID)
    assert [r.method for r in api.requests] == ["GET", "POST", "DELETE"]
    for request in api.requests:
        assert request.headers["X-API-Key"] == API_KEY
        assert request.headers["User-Agent"] == f"piapi-python/{piapi.__version__}"
        assert request.headers["X-Trace"] == "abc"
    assert api.requests[1].headers["Content-Type"] == "application/json"
    assert str(api.requests[1].url) == "https://api.piapi.ai/api/v1/task"


def test_a_given_http_clients_headers_are_sent_but_cannot_replace_the_key() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok()

    given = httpx.Client(
        transport=httpx.MockTransport(handle), headers={"X-Proxy-Auth": "p", "X-API-Key": "old"}
    )
    PiAPIClient(api_key=API_KEY, http_client=given).tasks.get(TASK_ID)
    assert seen[0].headers["X-Proxy-Auth"] == "p"
    assert seen[0].headers.get_list("X-API-Key") == [API_KEY]


def test_repr_hides_the_key(make_api: MakeApi) -> None:
    api = make_api(sequence())
    assert API_KEY not in repr(api.client)
    assert "https://api.piapi.ai" in repr(api.client)
    assert API_KEY not in repr(api.client.with_options(max_retries=0))


def test_with_options_shares_the_pool_and_changes_defaults(make_api: MakeApi) -> None:
    api = make_api(sequence(error(503), ok()))
    strict = api.client.with_options(timeout=5.0, max_retries=0)
    assert strict._sender.http is api.client._sender.http
    assert (strict.timeout, strict.max_retries) == (5.0, 0)
    # The harness passes an http_client built without a timeout: httpx's default applies.
    assert (api.client.timeout, api.client.max_retries) == (httpx.Timeout(5.0), 2)
    with pytest.raises(InternalServerError):
        api.run(strict.tasks.get, TASK_ID)
    assert len(api.requests) == 1  # no retry on the copy
    assert api.requests[0].extensions["timeout"]["read"] == 5.0
    assert api.run(api.client.tasks.get, TASK_ID).task_id == TASK_ID  # the original still works
    unlimited = api.client.with_options(timeout=None)
    assert unlimited.timeout is None
    assert unlimited.max_retries == 2


def test_closing_a_copy_keeps_the_shared_pool_open(make_api: MakeApi) -> None:
    api = make_api(sequence(ok()))
    copy = api.client.with_options(max_retries=1)
    close = copy.close if isinstance(copy, PiAPIClient) else copy.aclose
    api.run(close)
    assert not api.client._sender.http.is_closed
    assert api.run(api.client.tasks.get, TASK_ID).task_id == TASK_ID


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        PiAPIClient(api_key="k", max_retries=-1)
    with pytest.raises(ValueError, match="max_retries"):
        PiAPIClient(api_key="k").with_options(max_retries=-1)


def test_sync_context_manager_closes_its_own_pool_but_not_a_given_one() -> None:
    with PiAPIClient(api_key="k") as client:
        pool = client._sender.http
    assert pool.is_closed
    given = httpx.Client()
    with PiAPIClient(api_key="k", http_client=given):
        pass
    assert not given.is_closed
    given.close()


@pytest.mark.anyio
async def test_async_context_manager_closes_its_own_pool_but_not_a_given_one() -> None:
    async with AsyncPiAPIClient(api_key="k") as client:
        pool = client._sender.http
    assert pool.is_closed
    given = httpx.AsyncClient()
    async with AsyncPiAPIClient(api_key="k", http_client=given):
        pass
    assert not given.is_closed
    await given.aclose()


# --- create, get, cancel ------------------------------------------------------------------


def test_clients_read_the_ca_bundle_once_per_ca_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Reading the whole CA bundle takes ~20 ms: no client after the first should pay it
    # again. httpx honours SSL_CERT_FILE: so do we. (Fresh bundle paths: nothing cached.)
    import ssl

    import certifi

    reads: list[str | None] = []
    load = ssl.SSLContext.load_verify_locations

    def reading(self: ssl.SSLContext, cafile: Any = None, *args: Any, **kwargs: Any) -> None:
        reads.append(str(cafile) if cafile is not None else None)
        load(self, cafile, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", reading)
    bundles = [str(tmp_path / name) for name in ("one.pem", "two.pem")]
    for bundle in bundles:
        Path(bundle).write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", bundles[0])
    with PiAPIClient(api_key=API_KEY), PiAPIClient(api_key=API_KEY):
        AsyncPiAPIClient(api_key=API_KEY)
    assert reads == [bundles[0]]  # read once, for three clients, sync and async
    monkeypatch.setenv("SSL_CERT_FILE", bundles[1])
    with PiAPIClient(api_key=API_KEY):
        AsyncPiAPIClient(api_key=API_KEY)
    assert reads == bundles  # another setting: read once more


def test_sora2_create_sends_the_seed_request(make_api: MakeApi) -> None:
    api = make_api(sequence(ok()))
    hook = SEED_REQUEST["config"]["webhook_config"]
    task = api(
        "sora2.create", prompt=SEED_REQUEST["input"]["prompt"], webhook=WebhookConfig(**hook)
    )
    assert isinstance(task, Sora2Task)
    assert task.status is TaskStatus.PENDING
    assert task.cost_usd == Decimal("0.32")
    assert json.loads(api.requests[0].content) == SEED_REQUEST


def test_generic_create_passes_unchecked_input(make_api: MakeApi) -> None:
    api = make_api(sequence(ok()))
    task = api(
        "tasks.create",
        model="sora2",
        task_type="sora2-video",
        input={"prompt": "x", "duration": 10},
        config=piapi.TaskConfig(service_mode="public"),
    )
    assert type(task) is Sora2Task  # read by its model, like every answer
    assert json.loads(api.requests[0].content) == {
        "model": "sora2",
        "task_type": "sora2-video",
        "input": {"prompt": "x", "duration": 10},
        "config": {"service_mode": "public"},
    }


@pytest.mark.parametrize(
    "arguments",
    [
        {"prompt": ""},
        {"prompt": "x", "duration": 5},
        {"prompt": "x", "aspect_ratio": "4:3"},
        {"prompt": "x", "resolution": "1080p"},
        {"prompt": "x", "task_type": "sora2-pro-video", "resolution": "2k"},
        {"prompt": "x", "task_type": "sora2-pro-video", "image_url": "https://i"},
        {"prompt": "x", "task_type": "veo3"},
    ],
)
def test_invalid_sora2_arguments_send_nothing(make_api: MakeApi, arguments: dict[str, Any]) -> None:
    api = make_api(sequence())
    with pytest.raises(ValueError, match=r"must|only for"):
        api("sora2.create", **arguments)
    with pytest.raises(ValueError, match=r"must|only for"):
        api("sora2.create_and_wait", **arguments)
    assert api.requests == []


def test_invalid_task_ids_send_nothing(make_api: MakeApi) -> None:
    api = make_api(sequence())
    for method in ("tasks.get", "tasks.cancel", "tasks.wait"):
        with pytest.raises(ValueError, match="task_id"):
            api(method, "")
    assert api.requests == []


def test_get_parses_status_variants_and_unknown_fields(make_api: MakeApi) -> None:
    api = make_api(sequence(ok("Completed", surprise=1), ok("queued_upstream")))
    first = api("tasks.get", TASK_ID)
    assert first.status is TaskStatus.COMPLETED
    assert first.model_extra == {"surprise": 1}
    second = api("tasks.get", TASK_ID)
    assert second.status.value == "queued_upstream"
    assert not second.is_terminal


def test_cancel(make_api: MakeApi) -> None:
    api = make_api(
        sequence(
            httpx.Response(200, json={"code": 200, "message": f"task {TASK_ID} canceled"}),
            error(400, "cancel is not supported for sora2"),
        )
    )
    assert api("tasks.cancel", TASK_ID) is None
    assert api.requests[0].method == "DELETE"
    assert api.requests[0].url.path == f"/api/v1/task/{TASK_ID}"
    with pytest.raises(BadRequestError, match="cancel is not supported"):
        api("tasks.cancel", TASK_ID)
    assert len(api.requests) == 2


# --- retries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        error(500),
        error(502),
        error(503, "maintenance"),
        error(408),
        error(409),
        error(429),
        httpx.Response(200, json={"code": 500, "data": None, "message": "inside 200"}),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
@pytest.mark.parametrize("method", ["tasks.get", "tasks.cancel"])
def test_reads_and_cancels_are_retried(
    make_api: MakeApi, failure: httpx.Response | Exception, method: str
) -> None:
    final = ok() if method == "tasks.get" else httpx.Response(200, json={"code": 200})
    api = make_api(sequence(failure, failure, final))
    api(method, TASK_ID)
    assert len(api.requests) == 3
    assert len(api.clock.sleeps) == 2
    assert 0.375 <= api.clock.sleeps[0] <= 0.5
    assert 0.75 <= api.clock.sleeps[1] <= 1.0


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (error(503), InternalServerError),
        (error(429), RateLimitError),
        (error(409), ConflictError),
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
def test_retries_stop_after_max_retries(
    make_api: MakeApi, failure: httpx.Response | Exception, error_class: type[PiAPIError]
) -> None:
    api = make_api(sequence(*[failure] * 4), max_retries=3)
    with pytest.raises(error_class):
        api("tasks.get", TASK_ID)
    assert len(api.requests) == 4
    zero = make_api(sequence(failure), max_retries=0)
    with pytest.raises(error_class):
        zero("tasks.get", TASK_ID)
    assert len(zero.requests) == 1


@pytest.mark.parametrize("status", [503, 429])
def test_a_failing_request_is_retried_max_retries_times_with_the_documented_pauses(
    make_api: MakeApi, status: int
) -> None:
    # docs/errors.md: about 0.5 s, doubling up to 8 s, less up to 25 % jitter; on the
    # client's sleep (here the fake clock's)
    api = make_api(sequence(*[error(status)] * 7), max_retries=6)
    with pytest.raises(APIStatusError) as caught:
        api("tasks.get", TASK_ID)
    assert caught.value.status_code == status
    assert len(api.requests) == 7
    longest = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert len(api.clock.sleeps) == len(longest)
    for pause, most in zip(api.clock.sleeps, longest, strict=True):
        assert 0.75 * most <= pause <= most


FIRST_CALLS = """
import json, sys
import anyio, httpx
from piapi import AsyncPiAPIClient, PiAPIClient

mode = sys.argv[1]
task = {"code": 200, "data": {"task_id": "t", "status": "pending"}, "message": "success"}
answers = [
    httpx.Response(200, json=task),
    httpx.Response(503, json={"code": 503, "message": "busy"}, headers={"Retry-After": "0"}),
    httpx.Response(200, json=task),
]
sent = []
seen = []


def handle(request):
    sent.append(request.url.path)
    return answers[len(sent) - 1]


def look():
    seen.append([len(sent), "tenacity" in sys.modules])


if mode == "sync":
    http = httpx.Client(transport=httpx.MockTransport(handle))
    with PiAPIClient(api_key="k", http_client=http) as client:
        client.tasks.get("t")
        look()
        client.tasks.get("t")
        look()
else:
    async def main():
        http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
        async with AsyncPiAPIClient(api_key="k", http_client=http) as client:
            await client.tasks.get("t")
            look()
            await client.tasks.get("t")
            look()

    anyio.run(main, backend=mode)
print(json.dumps(seen))
"""


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_a_request_that_succeeds_is_sent_once_and_loads_no_retry_machinery(mode: str) -> None:
    # In a fresh interpreter: nothing has loaded tenacity before the first call.
    result = subprocess.run(
        [sys.executable, "-c", FIRST_CALLS, mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    first, retried = json.loads(result.stdout)
    assert first == [1, False]  # one request, no retry machinery
    assert retried == [3, True]  # a 503, then tenacity ran the retry


# Which class each status raises is one table, in test_protocol.py; here: what happens next.
@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
@pytest.mark.parametrize("method", ["tasks.get", "tasks.cancel", "tasks.wait"])
def test_a_permanent_failure_is_never_retried_nor_waited_through(
    make_api: MakeApi, status: int, method: str
) -> None:
    before = [ok("processing")] if method == "tasks.wait" else []  # a wait: fail mid-way
    api = make_api(sequence(*before, error(status, "invalid task")))
    with pytest.raises(APIStatusError, match="invalid task") as caught:
        api(method, TASK_ID)
    assert caught.value.status_code == status
    assert len(api.requests) == len(before) + 1


def test_malformed_answers_are_not_retried_by_a_single_request(make_api: MakeApi) -> None:
    api = make_api(sequence(httpx.Response(200, text="<html>cloudflare</html>")))
    with pytest.raises(APIResponseValidationError) as caught:
        api("tasks.get", TASK_ID)
    assert caught.value.text == "<html>cloudflare</html>"
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    ("headers", "expected_sleep"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after-ms": "1500"}, 1.5), ({"Retry-After": "60"}, 60.0)],
)
def test_retry_after_is_honoured_up_to_sixty_seconds(
    make_api: MakeApi, headers: dict[str, str], expected_sleep: float
) -> None:
    api = make_api(sequence(error(429, **headers), ok()))
    api("tasks.get", TASK_ID)
    assert api.clock.sleeps == [expected_sleep]


@pytest.mark.parametrize("method", ["tasks.get", "sora2.create"])
def test_a_longer_retry_after_raises_at_once_with_the_wait_asked_for(
    make_api: MakeApi, method: str
) -> None:
    api = make_api(sequence(error(429, **{"Retry-After": "120"}), ok()))
    arguments = {"prompt": "a fox"} if method == "sora2.create" else {}
    with pytest.raises(RateLimitError) as caught:
        api(method, *([TASK_ID] if method == "tasks.get" else []), **arguments)
    assert caught.value.retry_after == 120.0
    assert not caught.value.task_may_exist
    assert len(api.requests) == 1
    assert api.clock.sleeps == []


# --- the create rule: never pay twice -----------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (httpx.ReadTimeout("no answer"), APITimeoutError),
        (httpx.WriteTimeout("stalled"), APITimeoutError),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            APIConnectionError,
        ),
        (httpx.ReadError("connection reset"), APIConnectionError),
        (error(500), InternalServerError),
        (error(502), InternalServerError),
        (error(503, "maintenance"), InternalServerError),
        (
            httpx.Response(200, json={"code": 500, "data": None, "message": "db"}),
            InternalServerError,
        ),
        (httpx.Response(200, text="<html>cloudflare</html>"), APIResponseValidationError),
        (
            httpx.Response(200, text='{"code": 200, "data": {"task_id": "4eb'),
            APIResponseValidationError,
        ),
        (httpx.Response(200, json={"code": 200, "data": None}), APIResponseValidationError),
    ],
)
@pytest.mark.parametrize("method", ["sora2.create", "sora2.create_and_wait", "tasks.create"])
def test_a_create_that_may_have_reached_piapi_is_sent_once(
    make_api: MakeApi,
    failure: httpx.Response | Exception,
    error_class: type[PiAPIError],
    method: str,
) -> None:
    api = make_api(sequence(failure, ok()), max_retries=5)
    arguments: dict[str, Any] = {"prompt": "a fox"}
    if method == "tasks.create":
        arguments = {"model": "sora2", "task_type": "sora2-video", "input": {"prompt": "a fox"}}
    with pytest.raises(error_class) as caught:
        api(method, **arguments)
    assert len(api.requests) == 1
    assert api.clock.sleeps == []
    assert caught.value.task_may_exist  # type: ignore[attr-defined]
    message = str(caught.value)
    assert "may exist and be billed" in message
    assert "not sent again" in message
    assert "task history" in message


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("no route"),
        error(429, "busy"),
    ],
)
def test_a_create_that_certainly_created_nothing_is_retried(
    make_api: MakeApi, failure: httpx.Response | Exception
) -> None:
    api = make_api(sequence(failure, failure, ok()))
    task = api("sora2.create", prompt="a fox")
    assert task.task_id == TASK_ID
    assert len(api.requests) == 3
    assert [r.content for r in api.requests] == [api.requests[0].content] * 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_create_client_errors_are_not_retried(make_api: MakeApi, status: int) -> None:
    api = make_api(sequence(error(status, "invalid model")))
    with pytest.raises(piapi.APIStatusError, match="invalid model") as caught:
        api("tasks.create", model="nope", task_type="x", input={})
    assert caught.value.status_code == status
    assert not caught.value.task_may_exist
    assert len(api.requests) == 1


# --- waiting ------------------------------------------------------------------------------


def test_wait_polls_until_completed_and_reports_each_update(make_api: MakeApi) -> None:
    api = make_api(sequence(ok("processing"), ok("processing"), ok("Processing"), ok("completed")))
    seen: list[str] = []
    task = api("tasks.wait", TASK_ID, on_update=lambda t: seen.append(t.status.value))
    assert task.status is TaskStatus.COMPLETED
    assert type(task) is Sora2Task  # a wait by id reads the answer by its model
    assert seen == ["processing", "processing", "processing", "completed"]
    assert api.clock.sleeps == [1.0, 1.5, 2.25]  # first poll immediately


def test_wait_accepts_a_coroutine_callback_on_the_async_client(make_api: MakeApi) -> None:
    api = make_api(sequence(ok("processing"), ok("completed")))
    seen: list[TaskStatus] = []
    if api.mode == "sync":
        callback: Callable[[Task], Any] = lambda t: seen.append(t.status)  # noqa: E731
    else:

        async def callback(task: Task) -> None:
            seen.append(task.status)

    api("tasks.wait", TASK_ID, on_update=callback)
    assert seen == [TaskStatus.PROCESSING, TaskStatus.COMPLETED]


def test_sora2_create_and_wait_returns_a_typed_task(make_api: MakeApi) -> None:
    api = make_api(sequence(ok(), ok("processing"), ok("completed")))
    updates: list[Sora2Task] = []
    task = api("sora2.create_and_wait", prompt="a fox", duration=8, on_update=updates.append)
    assert isinstance(task, Sora2Task)
    assert task.output is not None
    assert task.output.video is not None
    assert task.output.video.endswith(".mp4")
    assert [type(t) for t in updates] == [Sora2Task, Sora2Task]
    assert json.loads(api.requests[0].content)["input"]["duration"] == 8
    assert api.clock.sleeps == [1.0, 1.5]  # the created task counts as the first look


def test_sora2_get_is_typed_and_resumes_a_wait(make_api: MakeApi) -> None:
    api = make_api(sequence(ok("processing"), ok("completed")))
    task = api("sora2.get", TASK_ID)
    assert isinstance(task, Sora2Task)
    done = api("tasks.wait", task)
    assert isinstance(done, Sora2Task)
    assert done.output.video.endswith(".mp4")


def test_wait_given_a_finished_task_sends_nothing(make_api: MakeApi) -> None:
    api = make_api(sequence())
    done = Sora2Task.model_validate(task_envelope("completed")["data"])
    assert api("tasks.wait", done) is done
    assert api.requests == []


def test_wait_keeps_the_class_of_a_given_task(make_api: MakeApi) -> None:
    api = make_api(sequence(ok("completed")))
    pending = Sora2Task.model_validate(task_envelope("pending")["data"])
    assert type(api("tasks.wait", pending)) is Sora2Task


@pytest.mark.parametrize("status", ["failed", "Cancelled"])
def test_wait_raises_for_failed_tasks_unless_asked_not_to(make_api: MakeApi, status: str) -> None:
    api = make_api(sequence(ok("processing"), ok(status), ok(status)))
    with pytest.raises(TaskFailedError) as caught:
        api("tasks.wait", TASK_ID)
    assert TASK_ID in str(caught.value)
    assert caught.value.task.status.is_failure
    returned = api("tasks.wait", TASK_ID, raise_on_failure=False)
    assert returned.status.is_failure


def test_failed_sora2_video_message_has_piapis_reason(make_api: MakeApi) -> None:
    api = make_api(sequence(ok(), ok("failed")))
    with pytest.raises(TaskFailedError, match=f"Task {TASK_ID} ended failed: prompt refused"):
        api("sora2.create_and_wait", prompt="a fox")


def test_wait_times_out_with_the_last_task(make_api: MakeApi) -> None:
    api = make_api(lambda request: ok("processing"))  # a new response per request
    with pytest.raises(WaitTimeoutError) as caught:
        api("tasks.wait", TASK_ID, timeout=30.0)
    error = caught.value
    assert error.task_id == TASK_ID
    assert error.task is not None
    assert error.task.status is TaskStatus.PROCESSING
    assert sum(api.clock.sleeps) == pytest.approx(30.0)
    assert len(api.requests) == len(api.clock.sleeps) + 1


def test_wait_with_a_fixed_interval_and_no_timeout(make_api: MakeApi) -> None:
    api = make_api(sequence(*[ok("processing")] * 400, ok("completed")))
    task = api("tasks.wait", TASK_ID, timeout=None, poll_interval=5.0)
    assert task.status is TaskStatus.COMPLETED
    assert set(api.clock.sleeps) == {5.0}
    assert len(api.requests) == 401


def test_wait_survives_transient_failures(make_api: MakeApi) -> None:
    failures: list[httpx.Response | Exception] = [
        error(503),
        httpx.ReadTimeout("slow"),
        httpx.Response(502, text="<html>bad gateway</html>"),
        httpx.Response(200, text='{"code": 200, "data": {"task_'),
        error(429),
    ]
    steps: list[httpx.Response | Exception] = []
    for failure in failures:
        # Three in a row exhaust a request's own retries; unreadable answers are not
        # retried by the request, and three of them in a row end the wait: two here.
        steps += [failure] * (2 if failure is failures[3] else 3)
        steps.append(ok("processing"))
    api = make_api(sequence(*steps[:-1], ok("completed")))
    task = api("tasks.wait", TASK_ID)
    assert task.status is TaskStatus.COMPLETED


def test_transient_failures_until_the_deadline_end_in_a_timeout(make_api: MakeApi) -> None:
    api = make_api(lambda request: error(503))
    with pytest.raises(WaitTimeoutError) as caught:
        api("tasks.wait", TASK_ID, timeout=20.0)
    assert caught.value.task is None
    assert "did not finish within 20 s" in str(caught.value)


# --- observability and safety -------------------------------------------------------------


def test_debug_log_has_one_line_per_attempt_and_never_the_key(
    make_api: MakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api(sequence(error(503), ok()))
    with caplog.at_level(logging.DEBUG, logger="piapi"):
        api("tasks.get", TASK_ID)
    lines = [r.getMessage() for r in caplog.records if r.name == "piapi"]
    path = f"/api/v1/task/{TASK_ID}"
    assert lines[0].startswith(f"GET {path} -> 503 (attempt 1, ")
    assert lines[1].startswith("retrying in ")
    assert lines[2].startswith(f"GET {path} -> 200 (attempt 2, ")
    assert all(API_KEY not in line for line in caplog.text.splitlines())


def test_debug_log_says_why_a_create_was_not_resent(
    make_api: MakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api(sequence(httpx.ReadTimeout("no answer")))
    with caplog.at_level(logging.DEBUG, logger="piapi"), pytest.raises(APITimeoutError):
        api("sora2.create", prompt="a fox")
    lines = [r.getMessage() for r in caplog.records if r.name == "piapi"]
    assert lines[0].startswith("POST /api/v1/task -> ReadTimeout (attempt 1, ")
    assert lines[1].startswith("not retrying: POST /api/v1/task timed out")
    assert "may exist and be billed" in lines[1]


def test_error_messages_do_not_contain_the_key(make_api: MakeApi) -> None:
    api = make_api(sequence(error(401, "bad key"), httpx.ReadTimeout("t")))
    for method, arguments in (("tasks.get", (TASK_ID,)), ("sora2.create", ())):
        with pytest.raises(PiAPIError) as caught:
            api(method, *arguments, **({"prompt": "x"} if method == "sora2.create" else {}))
        assert API_KEY not in str(caught.value)
        assert API_KEY not in repr(caught.value)


def test_the_sync_client_is_safe_to_share_between_threads() -> None:
    lock = threading.Lock()
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        task_id = request.url.path.rsplit("/", 1)[1]
        with lock:
            seen.append(task_id)
        return httpx.Response(200, json=task_envelope("processing", task_id=task_id))

    client = PiAPIClient(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handle))
    )
    results: dict[str, str] = {}

    def work(worker: int) -> None:
        for n in range(25):
            task_id = f"task-{worker}-{n}"
            results[task_id] = client.tasks.get(task_id).task_id

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200
    assert all(key == value for key, value in results.items())
    assert sorted(seen) == sorted(results)
