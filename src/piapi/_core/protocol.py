"""Sans-I/O core: how to build PiAPI requests and how to read its answers.

Nothing here sends or sleeps, so the sync and the async client share every decision and
the tests can check each one without a network.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from decimal import Decimal
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, NamedTuple, TypeVar, cast
from urllib.parse import quote, unquote

import httpx
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from piapi._core.checks import UsdAmount, usd_amount
from piapi._core.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    PiAPIError,
    status_error_class,
)
from piapi._core.models import (
    RESPONSE_CONTEXT,
    Task,
    TaskConfig,
    TaskInput,
    TaskRequest,
    TypedRequest,
    WebhookConfig,
    known_price,
    task_config,
)
from piapi._core.task_errors import TaskFailedError
from piapi._version import __version__

DEFAULT_BASE_URL = "https://api.piapi.ai"
API_KEY_ENV = "PIAPI_API_KEY"
BASE_URL_ENV = "PIAPI_BASE_URL"
TASK_PATH = "/api/v1/task"
USER_AGENT = f"piapi-python/{__version__}"

MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""An API answer larger than this (decompressed) is refused unread: a task is a few KB."""

logger = logging.getLogger("piapi")

ConnectionErrorT = TypeVar("ConnectionErrorT", bound=APIConnectionError)

# Failures in which httpx never put the request on the wire: safe to resend even a create.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BODY_EXCERPT = 200
_REDACTED = "[redacted]"
# A set, not a regex: as fast per id, and nothing to compile at import.
_NOT_IN_A_TASK_ID = frozenset({"/", "\\", "\x7f", *map(chr, range(0x20))})
_PRINTABLE_ASCII = frozenset(chr(code) for code in range(0x21, 0x7F))
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class Secrets(tuple[str, ...]):
    """Values that must never appear in an error (the API key, a create's webhook secret);
    its repr shows none of them (it sits in partials that tracebacks print)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} secret(s)>"


def resolve_api_key(api_key: str | None) -> str:
    """The explicit key, else `PIAPI_API_KEY`, checked before it goes into any header.

    Raises:
        PiAPIError: No key, a blank one, or one with whitespace or characters that are not
            printable ASCII (a pasted newline); the message never contains the key.
    """
    source = "api_key" if api_key is not None else f"the {API_KEY_ENV} environment variable"
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if key is None:
        raise PiAPIError(
            f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable."
        )
    if not isinstance(key, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"api_key must be a string (got {type(key).__name__})")
    if not key.strip():
        raise PiAPIError(f"The API key from {source} is blank: set it to your PiAPI key.")
    if not _PRINTABLE_ASCII.issuperset(key):
        raise PiAPIError(
            f"The API key from {source} contains whitespace or a character that is not "
            "printable ASCII (a stray newline or space when it was copied?); the key is "
            "not shown here."
        )
    return key


def resolve_base_url(base_url: str | None) -> str:
    """The explicit URL, else `PIAPI_BASE_URL`, else PiAPI's own; without a trailing slash.

    Raises:
        ValueError: Not an http(s) URL with a host (checked before anything is sent).
    """
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    url = url.strip().rstrip("/")
    problem = http_url_problem(url)
    if problem is not None:
        raise ValueError(f"base_url {problem}, such as {DEFAULT_BASE_URL} (got {url!r})")
    parsed = httpx.URL(url)
    if parsed.query or parsed.fragment:
        raise ValueError(f"base_url must not have a query or fragment (got {url!r})")
    if parsed.scheme == "http" and not is_loopback(parsed.host):
        logger.warning(
            "base_url %s is plain http to another machine: the API key travels unencrypted",
            url,
        )
    return url


def http_url_problem(url: str) -> str | None:
    """Why `url` is not an http(s) URL with a host and a valid port; None when it is one.
    The one URL check of the base URL, the CLI's `--base-url` and the upload URLs."""
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except (httpx.InvalidURL, ValueError, TypeError):
        return "is not a valid URL"
    if port is not None and not 0 < port < 65536:
        return f"has an invalid port {port}"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "must be an http:// or https:// URL with a host"
    return None


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def request_headers(api_key: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    """Headers sent with every request; the caller's own headers cannot drop the key.

    Raises:
        ValueError: A header name or value that cannot be sent (a control character, a
            non-ASCII letter); the message names the header, never its value.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    for name, value in (extra or {}).items():
        _check_header(name, value)
        if name.lower() != "x-api-key":
            headers[name] = value
    headers["X-API-Key"] = api_key
    return headers


def _check_header(name: object, value: object) -> None:
    if not isinstance(name, str) or not name or not _PRINTABLE_ASCII.issuperset(name):
        raise ValueError(f"default_headers has an invalid header name {str(name)[:40]!r}")
    if not isinstance(value, str):
        raise TypeError(f"default_headers[{name!r}] must be a string")
    if any(not (" " <= char <= "~" or char == "\t") for char in value):
        raise ValueError(
            f"default_headers[{name!r}] contains a control or non-ASCII character "
            "(its value is not shown)"
        )


def check_task_id(task_id: object) -> str:
    """A task id a caller gave, checked before anything is sent: one non-empty path segment.

    Raises:
        TypeError: Not a string.
        ValueError: Empty, blank, `.` or `..`, or with `/`, `\\` or a control character.
    """
    if not isinstance(task_id, str):
        raise TypeError(f"task_id must be a string (got {type(task_id).__name__})")
    if not task_id.strip():
        raise ValueError(f"task_id must be a non-empty string (got {task_id!r})")
    if task_id.strip() in (".", ".."):
        raise ValueError(f"task_id cannot be {task_id!r}: it would name another path")
    if not _NOT_IN_A_TASK_ID.isdisjoint(task_id):
        raise ValueError(
            f"task_id must not contain '/', '\\' or control characters (got {task_id!r})"
        )
    return task_id


def task_url(base_url: str, task_id: str) -> str:
    """The URL of one task; the id is checked and percent-encoded so it stays one segment."""
    return f"{base_url}{TASK_PATH}/{quote(check_task_id(task_id), safe='')}"


def request_body(request: TaskRequest) -> bytes:
    """Serialise a `TaskRequest` as PiAPI expects it."""
    return json.dumps(request.to_wire(), ensure_ascii=False, separators=(",", ":")).encode()


# A NamedTuple, not a frozen dataclass: as immutable, and ~6x cheaper to define at import.
class CreateCost(NamedTuple):
    """What is known of a create's price before it is sent: its request (priced only when
    needed) and the caller's `max_cost_usd`."""

    request: TaskInput | TaskRequest
    max_cost_usd: Decimal | None = None

    def describe(self) -> str:
        """`sora2 sora2-video`: which task, for a refusal's message."""
        if isinstance(self.request, TaskInput):
            return f"{self.request.MODEL} {self.request.TASK_TYPE}"
        return f"{self.request.model} {self.request.task_type}"


class CreatePlan(NamedTuple):
    """A create, ready to send: the body, the class to read the answer with (None: by its
    model), the secrets it carries (a webhook secret), to keep out of any error, and its
    cost: the request its price is estimated from (the caller's, or the keyword form's)
    and the caller's `max_cost_usd`."""

    body: bytes
    task_class: type[Task[Any, Any]] | None
    secrets: Secrets
    cost: CreateCost

    def __repr__(self) -> str:  # the body (and a request's config) holds the webhook secret
        return f"CreatePlan(<{len(self.body)} bytes>, {self.task_class!r}, {self.secrets!r})"


def create_plan(
    request: TypedRequest[Any] | TaskRequest | None,
    webhook: WebhookConfig | None = None,
    service_mode: str | None = None,
    model: str | None = None,
    task_type: str | None = None,
    input: Mapping[str, Any] | BaseModel | None = None,
    config: TaskConfig | Mapping[str, Any] | None = None,
    max_cost_usd: UsdAmount | None = None,
) -> CreatePlan:
    """A create, body and price, from the arguments of any form of `tasks.create`. Every
    mistake is raised here, before sending. Its parameters are in the order of `create`'s,
    which passes them on as they come."""
    keywords = model is not None or task_type is not None or input is not None
    task_class: type[Task[Any, Any]] | None = None
    if request is None:
        if model is None or task_type is None or input is None:
            raise ValueError("tasks.create needs a request, or model=, task_type= and input=")
        if not model or not task_type:
            raise ValueError("model and task_type must be non-empty strings")
        wire = TaskRequest(
            model=model,
            task_type=task_type,
            input=input if isinstance(input, BaseModel) else dict(input),
            config=TaskConfig.model_validate(config) if config is not None else None,
        )
    elif keywords or config is not None:
        raise ValueError(
            "tasks.create takes a request or model=/task_type=/input=/config=, not both"
        )
    elif isinstance(request, TaskRequest):
        wire = _with_config(request, webhook, service_mode)
    elif isinstance(request, TaskInput):
        wire = TaskRequest(
            model=request.MODEL,
            task_type=request.TASK_TYPE,
            input=request,
            config=task_config(webhook, service_mode),
        )
        task_class = request.task_class()
    else:
        raise TypeError(
            f"tasks.create takes a typed request (a TaskInput such as Sora2VideoInput) or a "
            f"TaskRequest, not {type(request).__name__}"
        )
    hook = wire.config.webhook_config if wire.config is not None else None
    secrets = Secrets((hook.secret,) if hook is not None and hook.secret else ())
    priced = wire if request is None else request
    cost = CreateCost(priced, usd_amount("max_cost_usd", max_cost_usd))
    return CreatePlan(request_body(wire), task_class, secrets, cost)


def _with_config(
    request: TaskRequest, webhook: WebhookConfig | None, service_mode: str | None
) -> TaskRequest:
    """A `TaskRequest` with `webhook=` / `service_mode=` added to its config; one that
    already sets the same option is refused rather than silently overridden."""
    given = {"webhook_config": webhook, "service_mode": service_mode}
    update = {name: value for name, value in given.items() if value is not None}
    if not update:
        return request
    config = request.config or TaskConfig()
    for name in update:
        if getattr(config, name) is not None:
            what = "webhook" if name == "webhook_config" else name
            raise ValueError(f"the TaskRequest's config already has a {what}: pass one of them")
    return request.model_copy(update={"config": config.model_copy(update=update)})


def estimate_cost(request: TaskInput | TaskRequest) -> Decimal | None:
    """`request.estimate_cost()`, never below zero: the one estimate (None: unknown)."""
    return known_price(request.estimate_cost())


def transport_error(
    exc: httpx.TransportError, request: httpx.Request, *, is_create: bool
) -> APIConnectionError:
    """Map an httpx failure to ours, saying whether a create may have reached PiAPI and,
    for a request about one task (get, cancel), which."""
    task_may_exist = is_create and not isinstance(exc, _NOT_SENT_ERRORS)
    error_class = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    what = "timed out" if error_class is APITimeoutError else "failed"
    return _request_error(error_class, request, f"{what}: {type(exc).__name__}", task_may_exist)


def _request_error(
    error_class: type[ConnectionErrorT],
    request: httpx.Request | None,
    what: str,
    task_may_exist: bool,
) -> ConnectionErrorT:
    """An `APIConnectionError` (or subclass) about `request`, named by its method and path
    (and its task, for a get or a cancel): the one way these errors are built."""
    where = f"{request.method} {request.url.path}" if request is not None else "The call"
    return error_class(
        f"{where} {what}",
        request=request,
        task_id=task_id_of(request) if request is not None else None,
        task_may_exist=task_may_exist,
    )


def task_id_of(request: httpx.Request) -> str | None:
    """The task a request is about (get, cancel), from its path; None for a create."""
    _, task_path, task_id = request.url.path.partition(TASK_PATH + "/")
    return unquote(task_id) if task_path and task_id else None


class AnswerTooLarge(Exception):
    """An answer grew past `MAX_ANSWER_BYTES` while it was read; internal only."""


class BodyReader:
    """Collects an answer's (decompressed) chunks and refuses one over the size cap."""

    __slots__ = ("_chunks", "limit", "size")

    def __init__(self, limit: int = MAX_ANSWER_BYTES) -> None:
        self.limit = limit
        self.size = 0
        self._chunks: list[bytes] = []

    def add(self, chunk: bytes) -> None:
        """Keep a chunk; raises `AnswerTooLarge` once the body is over the limit."""
        self.size += len(chunk)
        if self.size > self.limit:
            raise AnswerTooLarge(self.size)
        self._chunks.append(chunk)

    def body(self) -> bytes:
        """Every chunk so far, joined."""
        return self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)


def closed_error(request: httpx.Request | None, *, is_create: bool) -> ClientClosedError:
    """The error of a call cut short because its client was closed (`is_create`: a create
    that may have reached PiAPI)."""
    return _request_error(ClientClosedError, request, "ended: the client was closed", is_create)


def deadline_error(request: httpx.Request, *, is_create: bool) -> APITimeoutError:
    """The error of a request stopped by its call's deadline (`is_create` as for
    `closed_error`)."""
    return _request_error(APITimeoutError, request, "timed out: the deadline passed", is_create)


def cut_short_error(
    request: httpx.Request, *, is_create: bool, sent: bool, closed: bool
) -> PiAPIError:
    """The error of an exchange ended from outside: by a close, or by its deadline. A create
    may exist once it was handed to the pool (`sent`), whatever happened after."""
    error = closed_error if closed else deadline_error
    return error(request, is_create=is_create and sent)


def request_failure(
    exc: BaseException,
    request: httpx.Request,
    *,
    is_create: bool,
    response: httpx.Response | None = None,
    closed: bool = False,
) -> PiAPIError | None:
    """The `PiAPIError` for anything that went wrong sending `request` or reading its
    answer, or None for what is not a network failure (the caller's own exceptions).

    The one place where httpx's exceptions (and the errors it lets through: an invalid
    URL, a closed client, an undecodable body) become ours.
    """
    if isinstance(exc, PiAPIError):
        return exc
    if closed:
        return closed_error(request, is_create=is_create)
    if isinstance(exc, AnswerTooLarge | httpx.DecodingError) and response is not None:
        if isinstance(exc, AnswerTooLarge):
            why = f"is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MB; it was not read"
        else:
            encoding = response.headers.get("content-encoding", "?")
            why = f"cannot be decompressed (Content-Encoding {encoding!r})"
        return _unreadable(response, why, is_create=is_create, task_id=task_id_of(request), text="")
    if isinstance(exc, httpx.HTTPStatusError):  # raised by a caller's event hook
        return status_error(exc.response, is_create=is_create, task_id=task_id_of(request))
    if isinstance(exc, httpx.TransportError):
        return transport_error(exc, request, is_create=is_create)
    if isinstance(exc, httpx.HTTPError | httpx.InvalidURL | httpx.StreamError | RuntimeError):
        # An invalid URL, a client closed by its owner, a stream read twice: not sent.
        what = f"could not be sent: {type(exc).__name__}"
        return _request_error(APIConnectionError, request, what, is_create and response is not None)
    return None


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret replaced, for text from a server put into an error."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, _REDACTED)
    return text


def _redact_value(value: object, secrets: Sequence[str]) -> object:
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        mapping = cast("dict[str, object]", value)
        return {redact(k, secrets): _redact_value(v, secrets) for k, v in mapping.items()}
    if isinstance(value, list):
        return [_redact_value(item, secrets) for item in cast("list[object]", value)]
    return value


def requested_delay(headers: Mapping[str, str], now: float) -> float | None:
    """The wait a server asks for in `retry-after-ms` or `Retry-After` (seconds or an HTTP
    date, `now` being the wall clock); None when absent, unreadable or negative."""
    delay: float | None = None
    if "retry-after-ms" in headers:
        with suppress(ValueError):
            delay = float(headers["retry-after-ms"]) / 1000
    if delay is None and "retry-after" in headers:
        value = headers["retry-after"]
        try:
            delay = float(value)
        except ValueError:
            with suppress(TypeError, ValueError, IndexError, OverflowError):
                delay = parsedate_to_datetime(value).timestamp() - now
    if delay is None or delay != delay or delay < 0 or delay == float("inf"):
        return None
    return delay


ClassOfTask = Callable[[Mapping[str, Any]], "type[Task[Any, Any]]"]
"""Which class reads a task's fields: the floor above (`families._registry`) picks by model."""


def read_task_with(
    response: httpx.Response,
    class_of: ClassOfTask,
    *,
    is_create: bool = False,
    task_id: str | None = None,
    secrets: Sequence[str] = (),
) -> Task[Any, Any]:
    """The task inside a response, read leniently as `class_of(its fields)`, or the error
    the response stands for.

    An answer with a readable `task_id` and `status` is always returned. With `task_id`, an
    answer about another task is refused (a confused cache or proxy must not end a wait).

    An error answer around a readable task that failed (PiAPI answers a create it refused
    for lack of credit with `code: 500` and the failed task) is that task: returned, or
    for a create raised as `TaskFailedError` (nothing runs, `task_may_exist` is false).
    """
    try:
        envelope = read_envelope(response, is_create=is_create, task_id=task_id, secrets=secrets)
    except APIStatusError:
        failed = failed_task_in(response, class_of)
        if failed is None or (task_id is not None and failed.task_id != task_id):
            raise
        if is_create:
            raise TaskFailedError(failed) from None
        return failed
    unreadable = partial(_unreadable, response, is_create=is_create, secrets=secrets)
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise unreadable("has no task in `data`", task_id=task_id)
    fields = cast("dict[str, Any]", data)
    try:
        task = read_task_as(fields, class_of(fields))
    except ValidationError as exc:
        found = fields.get("task_id")
        raise unreadable(
            f"has no readable task: data.{describe_validation_error(exc)}",
            task_id=found if isinstance(found, str) and found else task_id,
        ) from None
    if task_id is not None and task.task_id != task_id:
        other = redact(task.task_id, secrets)[:80]
        raise unreadable(f"is about another task ({other!r})", task_id=task_id)
    return task


def failed_task_in(response: httpx.Response, class_of: ClassOfTask) -> Task[Any, Any] | None:
    """The failed or cancelled task inside an error answer, if it holds a readable one."""
    envelope = _as_dict(_json_or_none(response))
    data = _as_dict(envelope.get("data")) if envelope is not None else None
    if data is None:
        return None
    try:
        task = read_task_as(data, class_of(data))
    except ValidationError:
        return None
    return task if task.status.is_failure else None


def read_task_as(data: Mapping[str, Any], task_class: type[Task[Any, Any]]) -> Task[Any, Any]:
    """Read a task object leniently as `task_class`; a typed class that cannot read it gives
    way to the plain `Task`, so an answer with a readable `task_id` and `status` is never lost.

    Raises:
        pydantic.ValidationError: Not a task: no readable `task_id` or `status`.
    """
    try:
        return task_class.model_validate(data, context=RESPONSE_CONTEXT)
    except ValidationError as exc:
        if task_class is Task:
            raise
        # Without the values: a task echoes its webhook secret in its config.
        reason = describe_validation_error(exc)
        logger.debug("read task as Task: %s cannot read it: %s", task_class.__name__, reason)
    return Task.model_validate(data, context=RESPONSE_CONTEXT)


def describe_validation_error(exc: ValidationError) -> str:
    """Where and why a task could not be read, without the values (they may hold secrets)."""
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "data: unreadable"
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "data"
    return f"{where}: {first['msg']}"


def read_envelope(
    response: httpx.Response,
    *,
    is_create: bool = False,
    task_id: str | None = None,
    secrets: Sequence[str] = (),
) -> dict[str, Any]:
    """PiAPI's envelope `{code, data, message}` as a dict; raises for an error or non-JSON.
    Also the check of an answer that carries no data we need (cancel).

    Read leniently: a missing `code` or `message` is not an error, only a `code` saying so.
    """
    if not response.is_success:
        raise status_error(response, is_create=is_create, task_id=task_id, secrets=secrets)
    unreadable = partial(
        _unreadable, response, is_create=is_create, task_id=task_id, secrets=secrets
    )
    body = _json_or_none(response)
    if body is None:
        raise unreadable(f"is not JSON ({_describe_text(response, secrets)})")
    envelope = _as_dict(body)
    if envelope is None:
        raise unreadable("is not a JSON object")
    if _code_of(envelope.get("code")) not in (None, 0, 200):
        raise status_error(response, is_create=is_create, task_id=task_id, secrets=secrets)
    return envelope


def _unreadable(
    response: httpx.Response,
    problem: str,
    *,
    is_create: bool,
    task_id: str | None,
    secrets: Sequence[str] = (),
    text: str | None = None,
) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"HTTP {response.status_code}: the answer from PiAPI {problem}",
        response=response,
        text=redact(_text_of(response) if text is None else text, secrets),
        task_id=task_id,
        task_may_exist=is_create,
    )


def status_error(
    response: httpx.Response,
    *,
    is_create: bool,
    task_id: str | None = None,
    secrets: Sequence[str] = (),
) -> APIStatusError:
    """The `APIStatusError` for an HTTP error status or an error code inside HTTP 200
    (a `Retry-After` given as a date is read against the wall clock)."""
    body = _json_or_none(response)
    envelope = _as_dict(body)
    code: int | None = None
    api_message: str | None = None
    if envelope is not None:
        code = _code_of(envelope.get("code"))
        api_message = _message_of(envelope)
    elif body is None:
        body = _text_of(response)
        if not _looks_like_html(response):
            api_message = _text_of(response).strip()[:_BODY_EXCERPT] or None
    if api_message is not None:
        api_message = redact(api_message, secrets)
    status = effective_status(response.status_code, code)
    detail = api_message or _describe_text(response, secrets)
    if 300 <= response.status_code < 400:
        message = (
            f"PiAPI answered {response.status_code}, a redirect: API calls never follow "
            "redirects, so that the API key is not sent elsewhere. Check base_url"
        )
    elif code not in (None, 0, 200, response.status_code):
        message = f"PiAPI error code {code} (HTTP {response.status_code}): {detail}"
    else:
        message = f"PiAPI error {response.status_code}: {detail}"
    error_class = status_error_class(status)
    return error_class(
        message,
        response=response,
        body=_redact_value(body, secrets),
        code=code,
        api_message=api_message,
        retry_after=requested_delay(response.headers, time.time()),
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


def _content_of(response: httpx.Response) -> bytes:
    """The body, or b"" for a response whose body was never read (a caller's hook raised)."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


def _text_of(response: httpx.Response) -> str:
    content = _content_of(response)
    if not content:
        return ""
    try:
        return response.text
    except (LookupError, ValueError):  # an unknown or lying charset
        return content.decode("utf-8", "replace")


def _json_or_none(response: httpx.Response) -> object:
    """The body as JSON, or None. Depth is bounded (pydantic-core stops at ~200 levels),
    so a hostile answer cannot exhaust the stack."""
    content = _content_of(response)
    if not content:
        return None
    try:
        parsed: object = from_json(content)
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
    return "html" in content_type or _content_of(response).lstrip()[:1] == b"<"


def _describe_text(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    content = _content_of(response)
    if not content:
        return "empty body"
    if _looks_like_html(response):
        return "an HTML page, probably from a proxy in front of PiAPI"
    return f"{len(content)} bytes starting {redact(_text_of(response), secrets)[:60]!r}"
