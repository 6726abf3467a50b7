"""The error tree: every class pickles with its fields and never carries a secret; an error
about a task names it; `task_id` and `task_may_exist` exist on every class."""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

import piapi
from _support import TASK_ID, Api, task_envelope
from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    BatchJournalError,
    DownloadError,
    NoResultError,
    PiAPIError,
    SpendLimitError,
    Task,
    TaskFailedError,
    WaitTimeoutError,
    WebhookParseError,
    WebhookVerificationError,
)
from piapi._core.errors import (
    STATUS_ERRORS,
    ClientClosedError,
    InternalServerError,
)

MakeApi = Callable[..., Api]
KEY = "sk-MARKER-key"
SECRET = "whsec-MARKER"
REQUEST = httpx.Request(
    "POST",
    "https://api.piapi.ai/api/v1/task",
    headers={"X-API-Key": KEY},
    content=b'{"config": {"webhook_config": {"secret": "' + SECRET.encode() + b'"}}}',
)
RESPONSE = httpx.Response(
    429,
    headers={"Retry-After": "7", "Content-Type": "application/json", "Set-Cookie": "s=1"},
    content=b'{"code": 429}',
    request=REQUEST,
)


def task(status: str = "failed") -> Task:
    data = task_envelope(status)["data"]
    data["config"]["webhook_config"]["secret"] = SECRET
    return Task.model_validate(data)


def every_error() -> list[PiAPIError]:
    status_errors: list[PiAPIError] = [
        error_class(
            "refused",
            response=RESPONSE,
            body={"code": 429},
            code=429,
            api_message="slow down",
            retry_after=7.0,
            task_id="t-1",
        )
        # A list, not a set: every pytest worker must collect the same tests in the same order.
        for error_class in dict.fromkeys(
            [*STATUS_ERRORS.values(), InternalServerError, APIStatusError]
        )
    ]
    return [
        PiAPIError("base", task_id="t-1", task_may_exist=True),
        APIConnectionError("conn", request=REQUEST, task_may_exist=True),
        APITimeoutError("slow", request=REQUEST, task_id="t-1"),
        ClientClosedError("closed", request=REQUEST),
        *status_errors,
        APIResponseValidationError("bad", response=RESPONSE, text="<html>", task_id="t-1"),
        TaskFailedError(task()),
        WaitTimeoutError(TASK_ID, 30.0, task("processing")),
        WaitTimeoutError(TASK_ID, 30.0, None),
        NoResultError("none", task=task("processing")),
        DownloadError("dl", url="https://cdn/x", task=task("completed"), received=5, total=9),
        WebhookVerificationError("no header"),
        WebhookParseError("not JSON"),
        BatchJournalError("the journal records other requests"),
        SpendLimitError(
            "over the limit",
            spent_usd=Decimal("0.96"),
            cost_usd=Decimal("0.32"),
            limit_usd=Decimal("1"),
            max_cost_usd=None,
        ),
    ]


def public_error_classes() -> set[type[PiAPIError]]:
    return {
        value
        for name in piapi.__all__
        if inspect.isclass(value := getattr(piapi, name)) and issubclass(value, PiAPIError)
    }


def test_the_table_below_covers_every_public_error_class() -> None:
    assert public_error_classes() <= {type(error) for error in every_error()}


@pytest.mark.parametrize("error", every_error(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_with_its_fields_and_without_secrets(error: PiAPIError) -> None:
    data = pickle.dumps(error)
    assert KEY.encode() not in data
    assert SECRET.encode() not in data
    copy: Any = pickle.loads(data)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert copy.task_id == error.task_id
    assert copy.task_may_exist == error.task_may_exist
    for name in ("status_code", "code", "message", "body", "retry_after", "text", "url"):
        if hasattr(error, name):
            assert getattr(copy, name) == getattr(error, name), name
    for name in ("received", "total"):
        if hasattr(error, name):
            assert getattr(copy, name) == getattr(error, name)
    if getattr(error, "request", None) is not None:
        assert copy.request is None  # its headers hold the key
    if isinstance(error, APIStatusError | APIResponseValidationError):
        assert copy.response.status_code == error.response.status_code
        assert copy.response.headers["retry-after"] == "7"
        assert "set-cookie" not in copy.response.headers
    original_task = getattr(error, "task", None)
    if original_task is not None:
        assert copy.task.task_id == original_task.task_id
        assert copy.task.status == original_task.status
        assert copy.task.config.webhook_config.secret == ""
        assert original_task.config.webhook_config.secret == SECRET  # the original is kept
    assert pickle.loads(pickle.dumps(copy)).args == error.args


def test_an_error_in_a_worker_process_reaches_the_parent() -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1) as pool:
        future = pool.submit(_raise_not_found)
        with pytest.raises(piapi.NotFoundError) as caught:
            future.result(timeout=60)
    assert caught.value.task_id == "t-9"
    assert caught.value.status_code == 404


def _raise_not_found() -> None:
    response = httpx.Response(404, request=REQUEST)
    raise piapi.NotFoundError("no such task", response=response, body=None, task_id="t-9")


@pytest.mark.parametrize(
    ("message", "task_id", "expected"),
    [
        ("PiAPI error 404: no", "t-1", "Task t-1: PiAPI error 404: no"),
        ("Task t-1 ended failed", "t-1", "Task t-1 ended failed"),  # already named
        ("no task", None, "no task"),
    ],
)
def test_an_error_about_a_task_names_it(message: str, task_id: str | None, expected: str) -> None:
    assert str(PiAPIError(message, task_id=task_id)) == expected


def test_an_error_raised_for_a_task_learns_its_id_once() -> None:
    error = APIConnectionError("the call ended: the client was closed")
    error._about_task("t-2")
    assert error.task_id == "t-2"
    assert str(error) == "Task t-2: the call ended: the client was closed"
    error._about_task("t-3")
    assert error.task_id == "t-2"


def test_task_may_exist_adds_the_billing_warning_once() -> None:
    error = APITimeoutError("POST /api/v1/task timed out", request=REQUEST, task_may_exist=True)
    assert str(error).count("may exist and be billed") == 1


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (400, {"code": 400, "message": "bad task id"}, piapi.BadRequestError),
        (401, {"code": 401, "message": "Unauthorized: invalid api key"}, piapi.AuthenticationError),
        (403, {"code": 403, "message": "no credit"}, piapi.PermissionDeniedError),
        (404, {"code": 404, "message": "task nope not found"}, piapi.NotFoundError),  # names it
        (404, {"code": 404, "message": "nope"}, piapi.NotFoundError),  # PiAPI's words: the id
        (409, {"code": 409, "message": "conflict"}, piapi.ConflictError),
        (422, {"code": 422, "message": "task nope: unprocessable"}, piapi.UnprocessableEntityError),
        (500, "<html>oops</html>", piapi.InternalServerError),
    ],
    ids=lambda value: str(value)[:12],
)
def test_every_status_error_about_a_task_says_so_one_way(
    make_api: MakeApi, status: int, body: object, error_class: type[APIStatusError]
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers={"content-type": "text/html"})
        return httpx.Response(status, json=body)

    api = make_api(handle, max_retries=0)
    with pytest.raises(error_class) as caught:
        api("tasks.get", "nope")
    message = str(caught.value)
    assert message.startswith(f"Task nope: PiAPI error {status}: "), message
    assert message.count("Task nope: ") == 1
    assert caught.value.task_id == "nope"


def test_a_status_error_learning_its_task_later_says_so_the_same_way() -> None:
    response = httpx.Response(404, request=REQUEST)
    error = piapi.NotFoundError("PiAPI error 404: task t-4 not found", response=response, body=None)
    error._about_task("t-4")
    assert str(error) == "Task t-4: PiAPI error 404: task t-4 not found"
    error._about_task("t-4")
    assert str(error).count("Task t-4: ") == 1
