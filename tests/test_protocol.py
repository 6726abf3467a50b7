"""Sans-I/O request building and response reading: every error class, every malformed body."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import piapi
from _support import API_KEY, TASK_ID, seed_envelope, task_envelope
from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PiAPIError,
    RateLimitError,
    Sora2Task,
    Task,
    UnprocessableEntityError,
)
from piapi._core.protocol import (
    create_plan,
    read_envelope,
    request_headers,
    resolve_api_key,
    resolve_base_url,
    task_url,
    transport_error,
)
from piapi.families._registry import read_task

REQUEST = httpx.Request(
    "GET", f"https://api.piapi.ai/api/v1/task/{TASK_ID}", headers={"X-API-Key": API_KEY}
)


def response(
    status: int, body: Any = None, *, text: str | None = None, **headers: str
) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=REQUEST)
    return httpx.Response(status, json=body, headers=headers, request=REQUEST)


HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad gateway</title></head><body>cloudflare</body></html>"
)


def test_api_key_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_api_key("explicit") == "explicit"
    monkeypatch.setenv("PIAPI_API_KEY", "from-env")
    assert resolve_api_key(None) == "from-env"


def test_missing_api_key_names_the_variable() -> None:
    with pytest.raises(PiAPIError, match="PIAPI_API_KEY"):
        resolve_api_key(None)


def test_base_url_from_argument_environment_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_base_url(None) == "https://api.piapi.ai"
    monkeypatch.setenv("PIAPI_BASE_URL", "http://127.0.0.1:8000/")
    assert resolve_base_url(None) == "http://127.0.0.1:8000"
    assert resolve_base_url("https://proxy.example/piapi/") == "https://proxy.example/piapi"


def test_headers_carry_key_and_user_agent_and_cannot_lose_the_key() -> None:
    headers = request_headers("k", {"X-API-Key": "other", "X-Trace": "1"})
    assert headers["X-API-Key"] == "k"
    assert headers["User-Agent"] == f"piapi-python/{piapi.__version__}"
    assert headers["X-Trace"] == "1"


def test_task_url_quotes_the_id() -> None:
    assert task_url("https://h", "a..b?c#d e%2F") == "https://h/api/v1/task/a..b%3Fc%23d%20e%252F"
    for bad in ("", "   ", ".", "..", " .. ", "a/b", "..\\x", "a\nb", "a\x00b", "a\x7fb"):
        with pytest.raises(ValueError, match="task_id"):
            task_url("https://h", bad)


def test_keyword_create_sends_input_unchecked() -> None:
    plan = create_plan(
        None,
        model="sora2",
        task_type="sora2-video",
        input={"prompt": "x", "duration": 10, "new_option": True},
        config={"service_mode": "public"},
    )
    assert json.loads(plan.body) == {
        "model": "sora2",
        "task_type": "sora2-video",
        "input": {"prompt": "x", "duration": 10, "new_option": True},
        "config": {"service_mode": "public"},
    }
    with pytest.raises(ValueError, match="model and task_type"):
        create_plan(None, model="", task_type="t", input={})


def test_a_task_request_takes_webhook_and_service_mode_it_does_not_set_itself() -> None:
    hook = piapi.WebhookConfig(endpoint="https://hooks.example/piapi", secret="s3cret")
    bare = piapi.TaskRequest(model="kling", task_type="video_generation", input={})
    assert json.loads(create_plan(bare).body).get("config") is None
    plan = create_plan(bare, webhook=hook, service_mode="private")
    config = json.loads(plan.body)["config"]
    assert config == {"service_mode": "private", "webhook_config": hook.to_wire()}
    assert plan.secrets == ("s3cret",)
    assert json.loads(create_plan(bare, service_mode="public").body)["config"] == {
        "service_mode": "public"
    }
    full = bare.model_copy(
        update={"config": piapi.TaskConfig(service_mode="public", webhook_config=hook)}
    )
    with pytest.raises(ValueError, match="already has a webhook"):
        create_plan(full, webhook=hook, service_mode="private")
    with pytest.raises(ValueError, match="already has a service_mode"):
        create_plan(full, service_mode="private")


@pytest.mark.parametrize("success_code", [200, 0])
def test_read_task_accepts_both_success_codes(success_code: int) -> None:
    envelope = task_envelope("processing")
    envelope["code"] = success_code
    task = read_task(response(200, envelope), Sora2Task)
    assert isinstance(task, Sora2Task)
    assert task.task_id == TASK_ID


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_http_error_statuses_map_to_classes(status: int, error_class: type[APIStatusError]) -> None:
    body = {"code": status, "data": None, "message": "invalid model"}
    with pytest.raises(error_class) as caught:
        read_task(response(status, body), Task)
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.code == status
    assert error.message == "invalid model"
    assert error.body == body
    assert error.response.status_code == status
    assert "invalid model" in str(error)
    assert not error.task_may_exist


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (500, InternalServerError),
        (404, NotFoundError),
        (429, RateLimitError),
        (10001, APIStatusError),
    ],
)
def test_error_envelope_inside_http_200(code: int, error_class: type[APIStatusError]) -> None:
    body = {"code": code, "data": None, "message": "upstream exploded"}
    with pytest.raises(error_class) as caught:
        read_task(response(200, body), Task)
    assert type(caught.value) is error_class
    assert caught.value.status_code == 200
    assert caught.value.code == code
    assert str(caught.value) == f"PiAPI error code {code} (HTTP 200): upstream exploded"


def test_error_envelope_with_malformed_data_is_still_the_api_error() -> None:
    body = {"code": 400, "data": {"task_id": 5}, "message": "invalid task type"}
    with pytest.raises(BadRequestError, match="invalid task type"):
        read_task(response(200, body), Task)


def test_error_message_found_in_nested_error_objects() -> None:
    body = {"code": 500, "data": {"error": {"message": "model overloaded"}}, "message": ""}
    with pytest.raises(InternalServerError, match="model overloaded") as caught:
        read_task(response(500, body), Task)
    assert caught.value.message == "model overloaded"


def test_html_error_page_from_a_proxy() -> None:
    with pytest.raises(InternalServerError) as caught:
        read_task(response(502, text=HTML_PAGE, **{"content-type": "text/html"}), Task)
    error = caught.value
    assert "HTML page" in str(error)
    assert error.message is None
    assert error.code is None
    assert error.body == HTML_PAGE


def test_plain_text_error_body() -> None:
    with pytest.raises(RateLimitError, match="slow down") as caught:
        read_task(response(429, text="slow down"), Task)
    assert caught.value.message == "slow down"


def test_empty_error_body() -> None:
    with pytest.raises(InternalServerError, match="empty body"):
        read_task(response(503, text=""), Task)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (HTML_PAGE, "is not JSON (an HTML page"),
        ('{"code": 200, "data": {"task_id": "x", "sta', "is not JSON"),
        ("OK", "is not JSON"),
        ("", "is not JSON (empty body)"),
        ('{"code": 200, "data": {"task_id": "x", "status": 5}}', "data.status"),
        ('{"code": 200, "data": {"status": "pending"}}', "data.task_id"),
        ('{"code": "ok", "data": null}', "has no task in `data`"),
        ('{"code": 200, "data": "task"}', "has no task in `data`"),
        ("[1, 2]", "is not a JSON object"),
    ],
)
def test_malformed_success_bodies(text: str, problem: str) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        read_task(response(200, text=text), Task)
    error = caught.value
    assert problem in str(error)
    assert error.status_code == 200
    assert error.text == text


@pytest.mark.parametrize("text", [HTML_PAGE, '{"code": 200, "data": {"task_id"', "[]"])
def test_garbled_success_to_a_create_says_the_task_may_exist(text: str) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        read_task(response(200, text=text), Task, is_create=True)
    assert caught.value.task_may_exist
    assert "may exist and be billed" in str(caught.value)
    with pytest.raises(APIResponseValidationError) as read:
        read_task(response(200, text=text), Task)
    assert not read.value.task_may_exist


def test_success_without_data_is_a_validation_error() -> None:
    with pytest.raises(APIResponseValidationError, match="no task"):
        read_task(response(200, {"code": 200, "data": None, "message": "success"}), Task)


def test_read_envelope_accepts_cancel_answers_and_raises_errors() -> None:
    read_envelope(response(200, {"code": 200, "message": "task x canceled"}))
    read_envelope(response(200, {"code": 200, "data": None, "message": "success"}))
    with pytest.raises(BadRequestError, match="not supported"):
        read_envelope(response(200, {"code": 400, "data": None, "message": "cancel not supported"}))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_create_5xx_says_the_task_may_exist(status: int) -> None:
    with pytest.raises(InternalServerError) as caught:
        read_task(response(status, {"code": status, "message": "boom"}), Task, is_create=True)
    assert caught.value.task_may_exist
    assert "may exist and be billed" in str(caught.value)
    assert "not sent again" in str(caught.value)


def test_create_4xx_does_not_claim_a_task_may_exist() -> None:
    with pytest.raises(BadRequestError) as caught:
        read_task(response(400, {"code": 400, "message": "invalid model"}), Task, is_create=True)
    assert not caught.value.task_may_exist


@pytest.mark.parametrize(
    ("exc", "error_class", "may_exist_on_create"),
    [
        (httpx.ConnectError("refused"), APIConnectionError, False),
        (httpx.ConnectTimeout("slow connect"), APITimeoutError, False),
        (httpx.PoolTimeout("pool"), APITimeoutError, False),
        (httpx.ReadTimeout("slow read"), APITimeoutError, True),
        (httpx.WriteTimeout("slow write"), APITimeoutError, True),
        (httpx.ReadError("reset"), APIConnectionError, True),
        (httpx.WriteError("broken pipe"), APIConnectionError, True),
        (httpx.RemoteProtocolError("Server disconnected"), APIConnectionError, True),
    ],
)
def test_transport_errors(
    exc: httpx.TransportError, error_class: type[APIConnectionError], may_exist_on_create: bool
) -> None:
    for is_create in (False, True):
        error = transport_error(exc, REQUEST, is_create=is_create)
        assert type(error) is error_class
        assert error.request is REQUEST
        assert error.task_may_exist is (is_create and may_exist_on_create)
        assert ("may exist and be billed" in str(error)) is error.task_may_exist


def test_no_error_message_or_repr_contains_the_key() -> None:
    errors: list[Exception] = [transport_error(httpx.ReadTimeout("t"), REQUEST, is_create=True)]
    for status in (400, 401, 500):
        try:
            read_task(response(status, {"code": status, "message": "m"}), Task, is_create=True)
        except PiAPIError as exc:
            errors.append(exc)
    try:
        read_task(response(200, text="<html>"), Task)
    except PiAPIError as exc:
        errors.append(exc)
    assert len(errors) == 5
    for error in errors:
        assert API_KEY not in str(error)
        assert API_KEY not in repr(error)


def test_seed_envelope_fixture_is_the_real_seed() -> None:
    # Guards the fixture itself: other tests rely on it being PiAPI's documented answer.
    assert seed_envelope()["data"]["meta"]["usage"]["consume"] == 3_200_000
