"""Sans-I/O answers to a careless caller and a hostile server, by table: the key, the base
URL, default headers, every failure mapped to one error tree, the size cap, redaction."""

from __future__ import annotations

import gzip
import logging
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from _support import TASK_ID, task_envelope
from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    PiAPIError,
    RateLimitError,
    Sora2VideoInput,
    Task,
    TaskRequest,
    WebhookConfig,
)
from piapi._core.errors import ClientClosedError
from piapi._core.protocol import (
    MAX_ANSWER_BYTES,
    AnswerTooLarge,
    BodyReader,
    Secrets,
    create_plan,
    is_loopback,
    redact,
    request_failure,
    request_headers,
    requested_delay,
    resolve_api_key,
    resolve_base_url,
    status_error,
)
from piapi.families._registry import read_task

KEY = "sk-MARKER-0123"
GET = httpx.Request("GET", f"https://api.piapi.ai/api/v1/task/{TASK_ID}")
POST = httpx.Request("POST", "https://api.piapi.ai/api/v1/task")


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("", "blank"),
        (" \t ", "blank"),
        ("sk-MARKER\n", "whitespace"),
        ("sk MARKER", "whitespace"),
        ("sk-MARKER-\u00e9", "not printable ASCII"),
        ("sk-MARKER-\x00", "not printable ASCII"),
    ],
)
def test_a_malformed_key_is_refused_without_showing_it(key: str, words: str) -> None:
    with pytest.raises(PiAPIError, match=words) as caught:
        resolve_api_key(key)
    assert "MARKER" not in str(caught.value)
    assert "api_key" in str(caught.value)


def test_a_blank_key_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIAPI_API_KEY", " ")
    with pytest.raises(PiAPIError, match="PIAPI_API_KEY environment variable is blank"):
        resolve_api_key(None)


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.piapi.ai/", "https://api.piapi.ai"),
        (" https://proxy.example/piapi/ ", "https://proxy.example/piapi"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_valid_base_urls(base_url: str, expected: str) -> None:
    assert resolve_base_url(base_url) == expected


@pytest.mark.parametrize(
    "base_url",
    [
        "api.piapi.ai",
        "//api.piapi.ai",
        "ftp://api.piapi.ai",
        "https://",
        "https://h:99999",
        "https://h:0",
        "https://h/?x=1",
        "https://h/#x",
        "https://h/a\nb",
    ],
)
def test_invalid_base_urls(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        resolve_base_url(base_url)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("10.0.0.1", False),
        ("api.piapi.ai", False),
        ("localhost.evil.example", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_plain_http_off_this_machine_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="piapi"):
        resolve_base_url("http://localhost:1")
        resolve_base_url("https://api.piapi.ai")
        assert caplog.records == []
        resolve_base_url("http://api.piapi.ai")
    assert "unencrypted" in caplog.records[0].getMessage()


def test_default_headers_cannot_drop_the_key_in_any_case() -> None:
    headers = request_headers("k", {"x-api-key": "other", "X-API-KEY": "x", "X-Trace": "1"})
    assert httpx.Headers(headers).get_list("x-api-key") == ["k"]
    assert headers["X-Trace"] == "1"


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"X-A": "MARKER\r\nInjected: 1"}, ValueError),
        ({"X-A": "caf\u00e9-MARKER"}, ValueError),
        ({"Bad Name": "v"}, ValueError),
        ({"X-A": 5}, TypeError),
    ],
)
def test_default_headers_that_cannot_be_sent_are_refused_without_their_value(
    extra: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        request_headers("k", extra)
    assert "MARKER" not in str(caught.value)


@pytest.mark.parametrize(
    ("exc", "is_create", "error_class", "may_exist"),
    [
        (httpx.ConnectError("refused"), True, APIConnectionError, False),
        (httpx.ReadTimeout("slow"), True, APITimeoutError, True),
        (httpx.ReadTimeout("slow"), False, APITimeoutError, False),
        (httpx.RemoteProtocolError("garbage"), True, APIConnectionError, True),
        (httpx.UnsupportedProtocol("ftp"), False, APIConnectionError, False),
        (httpx.InvalidURL("bad"), True, APIConnectionError, False),
        (RuntimeError("Cannot send a request, as the client has been closed."), True,
         APIConnectionError, False),
        (httpx.StreamConsumed(), False, APIConnectionError, False),
    ],
)  # fmt: skip
def test_every_send_failure_is_one_of_ours(
    exc: Exception, is_create: bool, error_class: type[PiAPIError], may_exist: bool
) -> None:
    request = POST if is_create else GET
    error = request_failure(exc, request, is_create=is_create)
    assert type(error) is error_class
    assert error.task_may_exist is may_exist
    assert error.task_id == (None if is_create else TASK_ID)


def test_failures_after_the_answer_arrived() -> None:
    answer = httpx.Response(200, headers={"content-encoding": "gzip"}, request=POST)
    decoding = request_failure(
        httpx.DecodingError("bad gzip"), POST, is_create=True, response=answer
    )
    assert isinstance(decoding, APIResponseValidationError)
    assert decoding.task_may_exist
    assert "cannot be decompressed" in str(decoding)
    too_large = request_failure(AnswerTooLarge(), GET, is_create=False, response=answer)
    assert isinstance(too_large, APIResponseValidationError)
    assert "larger than 16 MB" in str(too_large)
    assert too_large.task_id == TASK_ID


def test_a_closed_client_and_the_callers_own_exceptions() -> None:
    closed = request_failure(httpx.ReadError("x"), POST, is_create=True, closed=True)
    assert isinstance(closed, ClientClosedError)
    assert closed.task_may_exist
    assert request_failure(KeyError("not ours"), GET, is_create=False) is None
    ours = PiAPIError("already ours")
    assert request_failure(ours, GET, is_create=False) is ours


def test_a_status_error_raised_by_a_callers_hook_keeps_its_class() -> None:
    answer = httpx.Response(429, request=GET)
    hook = httpx.HTTPStatusError("429", request=GET, response=answer)
    error = request_failure(hook, GET, is_create=False)
    assert isinstance(error, RateLimitError)


def test_the_body_reader_refuses_an_answer_over_the_cap() -> None:
    reader = BodyReader(limit=10)
    reader.add(b"12345")
    reader.add(b"67890")
    assert reader.body() == b"1234567890"
    with pytest.raises(AnswerTooLarge):
        reader.add(b"!")
    assert BodyReader().limit == MAX_ANSWER_BYTES == 16 * 1024 * 1024
    assert len(gzip.compress(b"0" * MAX_ANSWER_BYTES)) < 100_000  # why decompressed is counted


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": "-5"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": formatdate(NOW + 3600, usegmt=True)}, 3600.0),
        ({"retry-after": "Thu, 99 Foo 2100 99:99:99 GMT"}, None),
    ],
)
def test_the_wait_a_server_asks_for_is_read_whole(
    headers: dict[str, str], expected: float | None
) -> None:
    assert requested_delay(httpx.Headers(headers), NOW) == expected


def test_a_status_error_carries_the_wait_asked_for() -> None:
    answer = httpx.Response(429, headers={"Retry-After": "120"}, json={"code": 429}, request=POST)
    error = status_error(answer, is_create=True)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 120.0


def test_a_redirect_is_a_status_error_that_says_why() -> None:
    answer = httpx.Response(307, headers={"Location": "https://elsewhere/x"}, request=GET)
    error = status_error(answer, is_create=False)
    assert type(error) is APIStatusError
    assert "never follow redirects" in str(error)


def test_server_text_in_errors_is_redacted() -> None:
    secrets = Secrets((KEY, "whsec-1"))
    assert repr(secrets) == "<2 secret(s)>"
    assert redact(f"key {KEY} and whsec-1", secrets) == "key [redacted] and [redacted]"
    body = {"code": 400, "message": f"bad key {KEY}", "data": {"echo": ["whsec-1"]}}
    answer = httpx.Response(400, json=body, request=POST)
    with pytest.raises(BadRequestError) as caught:
        read_task(answer, Task, is_create=True, secrets=secrets)
    error = caught.value
    assert KEY not in str(error)
    assert error.message == "bad key [redacted]"
    assert error.body == {
        "code": 400,
        "message": "bad key [redacted]",
        "data": {"echo": ["[redacted]"]},
    }
    garbled = httpx.Response(200, text=f"<html>{KEY}</html>", request=POST)
    with pytest.raises(APIResponseValidationError) as unreadable:
        read_task(garbled, Task, is_create=True, secrets=secrets)
    assert unreadable.value.text == "<html>[redacted]</html>"


def test_an_answer_about_another_task_is_unreadable() -> None:
    answer = httpx.Response(200, json=task_envelope("completed", task_id="other"), request=GET)
    with pytest.raises(APIResponseValidationError, match="another task") as caught:
        read_task(answer, Task, task_id=TASK_ID)
    assert caught.value.task_id == TASK_ID
    assert read_task(answer, Task).task_id == "other"  # a create has nothing to compare with


def test_deep_json_is_unreadable_not_a_recursion_error() -> None:
    deep = b'{"code": 200, "data": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        read_task(httpx.Response(200, content=deep, request=GET), Task)
    with pytest.raises(APIStatusError):
        read_task(httpx.Response(500, content=deep, request=GET), Task)


@pytest.mark.parametrize(
    "request_",
    [
        Sora2VideoInput(prompt="x"),
        TaskRequest(
            model="m",
            task_type="t",
            input={},
            config={"webhook_config": {"endpoint": "https://h", "secret": "whsec-1"}},
        ),
    ],
)
def test_a_create_plan_knows_the_secret_it_carries(request_: Any) -> None:
    webhook = WebhookConfig(endpoint="https://h", secret="whsec-1")
    is_typed = isinstance(request_, Sora2VideoInput)
    plan = create_plan(request_, webhook=webhook if is_typed else None)
    assert plan.secrets == ("whsec-1",)
    assert b"whsec-1" in plan.body
    assert "whsec-1" not in repr(plan)
    assert create_plan(Sora2VideoInput(prompt="x")).secrets == ()
