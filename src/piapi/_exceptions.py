"""The exception tree: every error the SDK raises is a `PiAPIError`.

Messages never contain the API key or a webhook secret, so they are safe to log.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from piapi._models import Task

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DownloadError",
    "InternalServerError",
    "NoResultError",
    "NotFoundError",
    "PermissionDeniedError",
    "PiAPIError",
    "RateLimitError",
    "SpendLimitError",
    "TaskFailedError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WebhookParseError",
    "WebhookVerificationError",
]

MAY_HAVE_CREATED_TASK = (
    "The create request may have reached PiAPI, so the task may exist and be billed; "
    "it was not sent again. Check your task history in the PiAPI workspace before "
    "creating it again."
)


class PiAPIError(Exception):
    """Base class of every error raised by piapi.

    Attributes:
        task_id: The task the error is about, when known: `tasks.wait(exc.task_id)` or
            `tasks.get(exc.task_id)` picks it up again.
        task_may_exist: True when a create may have reached PiAPI although no task came
            back: the task may exist and be billed, so it was not sent again. The message
            then says how to check.
    """

    def __init__(
        self, message: str, *, task_id: str | None = None, task_may_exist: bool = False
    ) -> None:
        super().__init__(f"{message}. {MAY_HAVE_CREATED_TASK}" if task_may_exist else message)
        self.task_id = task_id
        self.task_may_exist = task_may_exist


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
    """The request timed out (connecting, writing, or waiting for the answer)."""


class APIStatusError(PiAPIError):
    """PiAPI answered with an error: an HTTP error status, or an error code in its envelope.

    Attributes:
        status_code: The HTTP status (200 when the error came inside the envelope).
        code: The envelope's `code`, when the body had one.
        message: PiAPI's own words, when the body had any (None for an HTML page).
        body: The parsed JSON body, or the raw text when it was not JSON.
        response: The `httpx.Response`.
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
        task_id: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        super().__init__(message, task_id=task_id, task_may_exist=task_may_exist)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.code = code
        self.message = api_message


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
    """429: too many requests or too many concurrent tasks."""


class InternalServerError(APIStatusError):
    """5xx: PiAPI, or a proxy in front of it, failed."""


class APIResponseValidationError(PiAPIError):
    """The answer could not be read as a task: an HTML page from a proxy, truncated JSON,
    no `task_id` or `status`. A wait polls through such answers, up to 3 in a row.

    Attributes:
        status_code: The HTTP status of the answer.
        text: The raw body, for diagnosis.
        response: The `httpx.Response`.
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


class TaskFailedError(PiAPIError):
    """A waited-for task ended `failed` or `cancelled`.

    Attributes:
        task: The final task; `task.error` holds PiAPI's reason.
    """

    def __init__(self, task: Task[Any, Any]) -> None:
        reason = task.error.message if task.error and task.error.message else "no reason given"
        super().__init__(
            f"Task {task.task_id} ended {task.status.value}: {reason}", task_id=task.task_id
        )
        self.task = task


class WaitTimeoutError(PiAPIError, TimeoutError):
    """The wait's deadline passed before the task finished; the task goes on at PiAPI.

    Attributes:
        task_id: The task waited for: `tasks.wait(task_id)` resumes.
        task: The last task seen, or None if no poll succeeded.
    """

    task_id: str

    def __init__(self, task_id: str, timeout: float, task: Task[Any, Any] | None) -> None:
        last = f"; last status {task.status.value}" if task is not None else ""
        super().__init__(
            f"Task {task_id} did not finish within {timeout:g} s{last}. It goes on at PiAPI: "
            f"call tasks.wait({task_id!r}) to keep waiting.",
            task_id=task_id,
        )
        self.task = task


class NoResultError(PiAPIError):
    """A task has no result URL: it is not completed, or its output holds no file URL.

    Raised by `Task.result_url`; `task_id` names the task (wait for it, then ask again).

    Attributes:
        task: The task that has no result.
    """

    def __init__(self, message: str, *, task: Task[Any, Any]) -> None:
        super().__init__(message, task_id=task.task_id)
        self.task = task


class DownloadError(PiAPIError):
    """A result file could not be downloaded; nothing was left at the destination.

    Attributes:
        task: The task whose result it was (None for a bare URL): retry with
            `client.download(exc.task, ...)` while the ephemeral URL lasts.
        url: The URL that failed.
        received: Bytes received before the failure.
        total: The announced size, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        task: Task[Any, Any] | None = None,
        received: int = 0,
        total: int | None = None,
    ) -> None:
        super().__init__(message, task_id=task.task_id if task is not None else None)
        self.url = url
        self.task = task
        self.received = received
        self.total = total


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
