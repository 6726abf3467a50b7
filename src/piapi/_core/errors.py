"""The exception tree: every error the SDK raises is a `PiAPIError`.

Messages never contain the API key or a webhook secret, so they are safe to log. The errors
that carry a task sit a floor up: `NoResultError` beside `Task` (`models`), the others in
`task_errors`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

# Public as `piapi.<name>`: piapi's `_EXPORTS` is the one list of them.

MAY_HAVE_CREATED_TASK = (
    "The create request may have reached PiAPI, so the task may exist and be billed; "
    "it was not sent again. Check your task history in the PiAPI workspace before "
    "creating it again."
)


class PiAPIError(Exception):
    """Base class of every error raised by piapi.

    Errors pickle and unpickle with their fields (a worker process can raise them); the
    pickle leaves out the request and keeps only the status and a few headers of the
    response, and never holds the API key or a webhook secret.

    Attributes:
        task_id: The task the error is about, when known: `tasks.wait(exc.task_id)` or
            `tasks.get(exc.task_id)` picks it up again. The message then names it too.
        task_may_exist: True when a create may have reached PiAPI although no task came
            back: the task may exist and be billed, so it was not sent again. The message
            then says how to check.
    """

    def __init__(
        self, message: str, *, task_id: str | None = None, task_may_exist: bool = False
    ) -> None:
        if task_id and not self._names_task(message, task_id):
            message = f"Task {task_id}: {message}"
        super().__init__(f"{message}. {MAY_HAVE_CREATED_TASK}" if task_may_exist else message)
        self.task_id = task_id
        self.task_may_exist = task_may_exist

    def _about_task(self, task_id: str) -> None:
        """Name `task_id` in this error (raised on behalf of a task it did not know)."""
        if self.task_id is None:
            self.task_id = task_id
            message = str(self.args[0]) if self.args else ""
            if not self._names_task(message, task_id):
                self.args = (f"Task {task_id}: {message}", *self.args[1:])

    def _names_task(self, message: str, task_id: str) -> bool:
        """Whether `message` already names the task (else it is prefixed `Task <id>: `)."""
        return task_id in message

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls __init__(*args), which our signatures do not take.
        state = dict(self.__dict__)
        if "request" in state:
            state["request"] = None  # its headers hold the key, its body a webhook secret
        response = state.get("response")
        if isinstance(response, httpx.Response):  # httpx pickles a response: keep a bare one
            kept = [
                (name, response.headers[name]) for name in _KEPT_HEADERS if name in response.headers
            ]
            state["response"] = httpx.Response(response.status_code, headers=kept)
        if state.get("task") is not None:
            state["task"] = _without_secrets(state["task"])
        return (_rebuild, (type(self), self.args), state)


def _rebuild(cls: type[PiAPIError], args: tuple[Any, ...]) -> PiAPIError:
    error = cls.__new__(cls)
    error.args = args
    return error


_KEPT_HEADERS = ("content-type", "retry-after", "retry-after-ms", "location")
"""What an unpickled error keeps of its response: its status and these headers, no body."""


def _without_secrets(task: Any) -> Any:
    """The task with its echoed webhook secret blanked (pickles leave the process)."""
    config = getattr(task, "config", None)
    webhook = getattr(config, "webhook_config", None)
    if config is None or webhook is None or not getattr(webhook, "secret", ""):
        return task
    blank = webhook.model_copy(update={"secret": ""})
    return task.model_copy(update={"config": config.model_copy(update={"webhook_config": blank})})


class APIConnectionError(PiAPIError):
    """The request could not be completed: connection refused, dropped, or timed out.

    Attributes:
        request: The request that failed (its headers hold the key: do not log them).
        task_may_exist: True when a create may have reached PiAPI before the failure; the
            SDK never resends such a request, because the task may already be billed.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        task_id: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        super().__init__(message, task_id=task_id, task_may_exist=task_may_exist)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connecting, writing, or waiting for the answer), or the
    call's deadline (`wait(timeout=...)`, `download(timeout=...)`) left it no more time."""


class ClientClosedError(APIConnectionError):
    """The client was closed while the call ran, or before it; not retried, not polled
    through. An `APIConnectionError`, so code catching that catches it too."""


class APIStatusError(PiAPIError):
    """PiAPI answered with an error: an HTTP error status, or an error code in its envelope.

    Attributes:
        status_code: The HTTP status (200 when the error came inside the envelope).
        code: The envelope's `code`, when the body had one.
        message: PiAPI's own words, when the body had any (None for an HTML page).
        body: The parsed JSON body, or the raw text when it was not JSON.
        response: The `httpx.Response` (after unpickling: its status and a few headers).
        retry_after: Seconds the server asked to wait before trying again
            (`Retry-After` / `retry-after-ms`), or None.
        task_may_exist: True when a create got a 5xx: the task may exist and be billed.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        code: int | None = None,
        api_message: str | None = None,
        retry_after: float | None = None,
        task_id: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        super().__init__(message, task_id=task_id, task_may_exist=task_may_exist)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.code = code
        self.message = api_message
        self.retry_after = retry_after

    def _names_task(self, message: str, task_id: str) -> bool:
        # One form for every status: PiAPI's own words may name the task ("task X not
        # found") or not ("Unauthorized"), so they never stand for the prefix.
        return message.startswith(f"Task {task_id}: ")


class BadRequestError(APIStatusError):
    """400: PiAPI rejected the request (for example an invalid model or task type)."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this (for example no credit left)."""


class NotFoundError(APIStatusError):
    """404: no such task."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the task's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but its values were refused."""


class RateLimitError(APIStatusError):
    """429: too many requests or too many concurrent tasks.

    Retried after the wait the server asks for (`retry_after`) when that is at most 60 s
    and fits the call's deadline; otherwise raised at once, with `retry_after` set.
    """


class InternalServerError(APIStatusError):
    """5xx: PiAPI, or a proxy in front of it, failed."""


class APIResponseValidationError(PiAPIError):
    """The answer could not be read as a task: an HTML page from a proxy, truncated JSON,
    JSON nested too deep, a body that cannot be decompressed, an answer over 16 MB, no
    `task_id` or `status`, or another task than the one asked for. A wait polls through
    such answers, up to 3 in a row.

    Attributes:
        status_code: The HTTP status of the answer.
        text: The raw body (empty when it could not be read), for diagnosis.
        response: The `httpx.Response` (after unpickling: its status and a few headers).
        task_id: The task polled (a wait), or the id found in an otherwise unreadable answer.
        task_may_exist: True for a create answered with a garbled success: PiAPI probably
            created (and bills) the task, but it could not be read.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        text: str,
        task_id: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        super().__init__(message, task_id=task_id, task_may_exist=task_may_exist)
        self.response = response
        self.status_code = response.status_code
        self.text = text


class WebhookVerificationError(PiAPIError):
    """A webhook request's `x-webhook-secret` header is missing or wrong: do not trust it.

    The message never contains the expected secret nor the value received.
    """


class WebhookParseError(PiAPIError):
    """A webhook body is not PiAPI's `{"timestamp", "data": <task>}` JSON."""


class SpendLimitError(PiAPIError):
    """A create was refused before anything was sent: it would pass the client's spending
    limit (`spend_limit_usd`) or the call's `max_cost_usd`, or its price cannot be
    estimated under a limit. Nothing reached PiAPI, so nothing is billed.

    Attributes:
        spent_usd: What the client (and its `with_options` copies) had spent or reserved.
        cost_usd: What this task would cost; None when its price cannot be estimated.
        limit_usd: The client's spending limit; None when only `max_cost_usd` refused it.
        max_cost_usd: The call's `max_cost_usd`, when it gave one.
    """

    def __init__(
        self,
        message: str,
        *,
        spent_usd: Decimal = Decimal(0),
        cost_usd: Decimal | None = None,
        limit_usd: Decimal | None = None,
        max_cost_usd: Decimal | None = None,
    ) -> None:
        super().__init__(message)
        self.spent_usd = spent_usd
        self.cost_usd = cost_usd
        self.limit_usd = limit_usd
        self.max_cost_usd = max_cost_usd


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The `APIStatusError` subclass for an HTTP status (or an envelope code that is one)."""
    if status >= 500 and status < 600:
        return InternalServerError
    return STATUS_ERRORS.get(status, APIStatusError)
