"""Sans-I/O core: how to build PiAPI requests and how to read its answers.

Nothing here sends or sleeps, so the sync and the async client share every decision and
the tests can check each one without a network.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast, overload
from urllib.parse import quote, unquote

import httpx
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from piapi._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    PiAPIError,
    status_error_class,
)
from piapi._models import (
    RESPONSE_CONTEXT,
    Task,
    TaskConfig,
    TaskInput,
    TaskRequest,
    TaskT,
    TypedRequest,
    WebhookConfig,
    task_config,
)
from piapi._registry import describe_validation_error, read_task_data, request_class_for
from piapi._version import __version__

DEFAULT_BASE_URL = "https://api.piapi.ai"
API_KEY_ENV = "PIAPI_API_KEY"
BASE_URL_ENV = "PIAPI_BASE_URL"
TASK_PATH = "/api/v1/task"
USER_AGENT = f"piapi-python/{__version__}"

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


def create_plan(
    request: TypedRequest[Any] | TaskRequest | None,
    *,
    webhook: WebhookConfig | None = None,
    service_mode: str | None = None,
    model: str | None = None,
    task_type: str | None = None,
    input: Mapping[str, Any] | BaseModel | None = None,
    config: TaskConfig | Mapping[str, Any] | None = None,
) -> tuple[bytes, type[Task[Any, Any]] | None]:
    """The body of a create, from any form of `tasks.create`, and the class to read the
    answer with (None: by its model). Every mistake is raised here, before sending."""
    keywords = model is not None or task_type is not None or input is not None
    if request is None:
        if model is None or task_type is None or input is None:
            raise ValueError("tasks.create needs a request, or model=, task_type= and input=")
        return create_body(model=model, task_type=task_type, input=input, config=config), None
    if keywords or config is not None:
        raise ValueError(
            "tasks.create takes a request or model=/task_type=/input=/config=, not both"
        )
    if isinstance(request, TaskRequest):
        if webhook is not None or service_mode is not None:
            raise ValueError(
                "a TaskRequest carries its own config: set TaskRequest.config instead of "
                "webhook= or service_mode="
            )
        return request_body(request), None
    if not isinstance(request, TaskInput):
        raise TypeError(
            f"tasks.create takes a typed request (a TaskInput such as Sora2VideoInput) or a "
            f"TaskRequest, not {type(request).__name__}"
        )
    typed = TaskRequest(
        model=request.MODEL,
        task_type=request.TASK_TYPE,
        input=request,
        config=task_config(webhook, service_mode),
    )
    return request_body(typed), request.task_class()


def estimate_cost(request: TaskInput | TaskRequest) -> Decimal | None:
    """The price in USD of a request before creating it; None where no price is known.

    A `TaskRequest` is priced by the typed request of its model and task type, read from
    its `input` without judging allowed values; an input that cannot be read has no price.
    """
    if isinstance(request, TaskInput):
        return request.estimate_cost()
    typed_class = request_class_for(request.model, request.task_type)
    if typed_class is None:
        return None
    fields = request.input.model_dump() if isinstance(request.input, BaseModel) else request.input
    try:
        typed = typed_class.model_validate(fields, context=RESPONSE_CONTEXT)
    except ValidationError:
        return None
    return typed.estimate_cost()


def transport_error(
    exc: httpx.TransportError, request: httpx.Request, *, is_create: bool
) -> APIConnectionError:
    """Map an httpx failure to ours, saying whether a create may have reached PiAPI and,
    for a request about one task (get, cancel), which."""
    task_may_exist = is_create and not isinstance(exc, _NOT_SENT_ERRORS)
    error_class = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    what = "timed out" if error_class is APITimeoutError else "failed"
    path = request.url.path
    message = f"{request.method} {path} {what}: {type(exc).__name__}"
    _, task_path, task_id = path.partition(TASK_PATH + "/")
    return error_class(
        message,
        request=request,
        task_id=unquote(task_id) if task_path and task_id else None,
        task_may_exist=task_may_exist,
    )


@overload
def read_task(
    response: httpx.Response,
    task_class: type[TaskT],
    *,
    is_create: bool = False,
    task_id: str | None = None,
) -> TaskT: ...


@overload
def read_task(
    response: httpx.Response,
    task_class: type[Task[Any, Any]] | None = None,
    *,
    is_create: bool = False,
    task_id: str | None = None,
) -> Task[Any, Any]: ...


def read_task(
    response: httpx.Response,
    task_class: type[Task[Any, Any]] | None = None,
    *,
    is_create: bool = False,
    task_id: str | None = None,
) -> Task[Any, Any]:
    """The task inside a response, or the error the response stands for.

    Read leniently (see `Task`) as `task_class`, else as the class of its model; an answer
    with a readable `task_id` and `status` is always returned.
    """
    data = _read_envelope(response, is_create=is_create, task_id=task_id).get("data")
    if not isinstance(data, dict):
        raise _unreadable(response, "has no task in `data`", is_create=is_create, task_id=task_id)
    fields = cast("dict[str, Any]", data)
    try:
        return read_task_data(fields, task_class)
    except ValidationError as exc:
        found = fields.get("task_id")
        raise _unreadable(
            response,
            f"has no readable task: data.{describe_validation_error(exc)}",
            is_create=is_create,
            task_id=found if isinstance(found, str) and found else task_id,
        ) from None


def read_ack(response: httpx.Response, *, task_id: str | None = None) -> None:
    """Check an answer that carries no data we need (cancel): raise if it is an error."""
    _read_envelope(response, is_create=False, task_id=task_id)


def _read_envelope(
    response: httpx.Response, *, is_create: bool, task_id: str | None
) -> dict[str, Any]:
    """PiAPI's envelope `{code, data, message}` as a dict; raises for an error or non-JSON.

    Read leniently: a missing `code` or `message` is not an error, only a `code` saying so.
    """
    if not response.is_success:
        raise status_error(response, is_create=is_create, task_id=task_id)
    try:
        body: object = from_json(response.content)
    except ValueError:
        raise _unreadable(
            response,
            f"is not JSON ({_describe_text(response)})",
            is_create=is_create,
            task_id=task_id,
        ) from None
    envelope = _as_dict(body)
    if envelope is None:
        raise _unreadable(response, "is not a JSON object", is_create=is_create, task_id=task_id)
    if _code_of(envelope.get("code")) not in (None, 0, 200):
        raise status_error(response, is_create=is_create, task_id=task_id)
    return envelope


def _unreadable(
    response: httpx.Response, problem: str, *, is_create: bool, task_id: str | None
) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"HTTP {response.status_code}: the answer from PiAPI {problem}",
        response=response,
        text=response.text,
        task_id=task_id,
        task_may_exist=is_create,
    )


def status_error(
    response: httpx.Response, *, is_create: bool, task_id: str | None = None
) -> APIStatusError:
    """The `APIStatusError` for an HTTP error status or an error code inside HTTP 200."""
    body = _json_or_none(response)
    envelope = _as_dict(body)
    code: int | None = None
    api_message: str | None = None
    if envelope is not None:
        code = _code_of(envelope.get("code"))
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
        task_id=task_id,
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


def _code_of(value: object) -> int | None:
    """An envelope's `code` as a number (also when sent as text, `"200"`), else None."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
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
