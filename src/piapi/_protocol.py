"""Sans-I/O core: how to build PiAPI requests and how to read its answers.

Nothing here sends or sleeps, so the sync and the async client share every decision and
the tests can check each one without a network.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from piapi._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    PiAPIError,
    status_error_class,
)
from piapi._models import RESPONSE_CONTEXT, ApiResponse, Task, TaskConfig, TaskRequest
from piapi._version import __version__

DEFAULT_BASE_URL = "https://api.piapi.ai"
API_KEY_ENV = "PIAPI_API_KEY"
BASE_URL_ENV = "PIAPI_BASE_URL"
TASK_PATH = "/api/v1/task"
USER_AGENT = f"piapi-python/{__version__}"

# A string bound: `Task[Any, Any]` evaluated here would build a pydantic class at import.
TaskT = TypeVar("TaskT", bound="Task[Any, Any]")

# Failures in which httpx never put the request on the wire: safe to resend even a create.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BODY_EXCERPT = 200


def resolve_api_key(api_key: str | None) -> str:
    """The explicit key, else `PIAPI_API_KEY`; a clear error names the variable if neither."""
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if not key:
        raise PiAPIError(
            f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable."
        )
    return key


def resolve_base_url(base_url: str | None) -> str:
    """The explicit URL, else `PIAPI_BASE_URL`, else PiAPI's own; without a trailing slash."""
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return url.rstrip("/")


def request_headers(api_key: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    """Headers sent with every request; the caller's own headers cannot drop the key."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    headers.update(extra or {})
    headers["X-API-Key"] = api_key
    return headers


def task_url(base_url: str, task_id: str) -> str:
    """The URL of one task; the id is checked and quoted so it cannot change the path."""
    if not task_id or not task_id.strip():
        raise ValueError(f"task_id must be a non-empty string (got {task_id!r})")
    return f"{base_url}{TASK_PATH}/{quote(task_id, safe='')}"


def create_body(
    *,
    model: str,
    task_type: str,
    input: Mapping[str, Any] | BaseModel,
    config: TaskConfig | Mapping[str, Any] | None,
) -> bytes:
    """The JSON body of a create request; unset optional fields are left out."""
    if not model or not task_type:
        raise ValueError("model and task_type must be non-empty strings")
    task_input = input if isinstance(input, BaseModel) else dict(input)
    task_config = TaskConfig.model_validate(config) if config is not None else None
    request = TaskRequest(model=model, task_type=task_type, input=task_input, config=task_config)
    return request_body(request)


def request_body(request: TaskRequest) -> bytes:
    """Serialise a `TaskRequest` as PiAPI expects it."""
    return json.dumps(request.to_wire(), ensure_ascii=False, separators=(",", ":")).encode()


def transport_error(
    exc: httpx.TransportError, request: httpx.Request, *, is_create: bool
) -> APIConnectionError:
    """Map an httpx failure to ours, saying whether a create may have reached PiAPI."""
    task_may_exist = is_create and not isinstance(exc, _NOT_SENT_ERRORS)
    error_class = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    what = "timed out" if error_class is APITimeoutError else "failed"
    message = f"{request.method} {request.url.path} {what}: {type(exc).__name__}"
    return error_class(message, request=request, task_may_exist=task_may_exist)


def read_task(
    response: httpx.Response, task_class: type[TaskT], *, is_create: bool = False
) -> TaskT:
    """The task inside a response, or the error the response stands for."""
    envelope = _read_envelope(response, _envelope_class(task_class), is_create=is_create)
    if envelope.data is None:
        raise APIResponseValidationError(
            f"HTTP {response.status_code}: the answer has no task in `data`",
            response=response,
            text=response.text,
            task_may_exist=is_create,
        )
    return envelope.data


def read_ack(response: httpx.Response) -> None:
    """Check an answer that carries no data we need (cancel): raise if it is an error."""
    _read_envelope(response, ApiResponse[Any], is_create=False)


_ENVELOPE_CLASSES: dict[type[Any], type[ApiResponse[Any]]] = {}


def _envelope_class(task_class: type[TaskT]) -> type[ApiResponse[TaskT]]:
    envelope = _ENVELOPE_CLASSES.get(task_class)
    if envelope is None:
        envelope = _ENVELOPE_CLASSES[task_class] = ApiResponse[task_class]  # type: ignore[valid-type]
    return envelope


def _read_envelope(
    response: httpx.Response, envelope_class: type[ApiResponse[TaskT]], *, is_create: bool
) -> ApiResponse[TaskT]:
    if not response.is_success:
        raise status_error(response, is_create=is_create)
    try:
        envelope = envelope_class.model_validate_json(response.content, context=RESPONSE_CONTEXT)
    except ValidationError as exc:
        raise _shape_error(response, exc, is_create=is_create) from None
    if not envelope.is_success:
        raise status_error(response, is_create=is_create)
    return envelope


def _shape_error(response: httpx.Response, exc: ValidationError, *, is_create: bool) -> PiAPIError:
    """Explain a body that did not validate: not JSON, an error envelope, or a wrong shape."""
    body = _json_or_none(response)
    envelope = _as_dict(body)
    if envelope is not None and _int_or_none(envelope.get("code")) not in (None, 0, 200):
        return status_error(response, is_create=is_create)
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    if body is None:
        problem = f"is not JSON ({_describe_text(response)})"
    else:
        problem = f"is not the expected shape: {where}: {first['msg']}"
    return APIResponseValidationError(
        f"HTTP {response.status_code}: the answer from PiAPI {problem}",
        response=response,
        text=response.text,
        task_may_exist=is_create,
    )


def status_error(response: httpx.Response, *, is_create: bool) -> APIStatusError:
    """The `APIStatusError` for an HTTP error status or an error code inside HTTP 200."""
    body = _json_or_none(response)
    envelope = _as_dict(body)
    code: int | None = None
    api_message: str | None = None
    if envelope is not None:
        code = _int_or_none(envelope.get("code"))
        api_message = _message_of(envelope)
    elif body is None:
        body = response.text
        if not _looks_like_html(response):
            api_message = response.text.strip()[:_BODY_EXCERPT] or None
    status = effective_status(response.status_code, code)
    detail = api_message or _describe_text(response)
    if code not in (None, 0, 200, response.status_code):
        message = f"PiAPI error code {code} (HTTP {response.status_code}): {detail}"
    else:
        message = f"PiAPI error {response.status_code}: {detail}"
    error_class = status_error_class(status)
    return error_class(
        message,
        response=response,
        body=body,
        code=code,
        api_message=api_message,
        task_may_exist=is_create and status >= 500,
    )


def effective_status(http_status: int, envelope_code: int | None) -> int:
    """The status an error stands for: the HTTP one, or the envelope's inside an HTTP 2xx."""
    if http_status < 400 and envelope_code is not None and 100 <= envelope_code <= 599:
        return envelope_code
    return http_status


def _message_of(body: dict[str, Any]) -> str | None:
    """PiAPI's words in an error body: `message`, or an `error` / `data.error` object's."""
    data = _as_dict(body.get("data")) or {}
    for candidate in (
        body.get("message"),
        body.get("error"),
        body.get("detail"),
        data.get("error"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
        nested = _as_dict(candidate)
        if nested is not None:
            text = nested.get("message") or nested.get("raw_message")
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


def _json_or_none(response: httpx.Response) -> object:
    try:
        parsed: object = json.loads(response.content)
    except ValueError:
        return None
    return parsed


def _as_dict(value: object) -> dict[str, Any] | None:
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _looks_like_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return "html" in content_type or response.content.lstrip()[:1] == b"<"


def _describe_text(response: httpx.Response) -> str:
    if not response.content:
        return "empty body"
    if _looks_like_html(response):
        return "an HTML page, probably from a proxy in front of PiAPI"
    return f"{len(response.content)} bytes starting {response.text[:60]!r}"
