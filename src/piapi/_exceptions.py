"""The exception tree: every error the SDK raises is a `PiAPIError`.

Messages never contain the API key or a webhook secret, so they are safe to log.
"""

from __future__ import annotations

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
    "NotFoundError",
    "PermissionDeniedError",
    "PiAPIError",
    "RateLimitError",
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
    """Base class of every error raised by piapi."""


class APIConnectionError(PiAPIError):
    """The request could not be completed: connection refused, dropped, or timed out.

    `task_may_exist` is True when a create request may have reached PiAPI before the
    failure; the SDK never resends such a request, because it may already be billed.
    """

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, task_may_exist: bool = False
    ) -> None:
        if task_may_exist:
            message = f"{message}. {MAY_HAVE_CREATED_TASK}"
        super().__init__(message)
        self.request = request
        self.task_may_exist = task_may_exist


class APITimeoutError(APIConnectionError):
    """The request timed out (connecting, writing, or waiting for the answer)."""


class APIStatusError(PiAPIError):
    """PiAPI answered with an error: an HTTP error status, or an error code in its envelope.

    `code` is the envelope's `code` when there is one, and `message` PiAPI's own message.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        code: int | None = None,
        api_message: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        if task_may_exist:
            message = f"{message}. {MAY_HAVE_CREATED_TASK}"
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.code = code
        self.message = api_message
        self.task_may_exist = task_may_exist


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
    """The answer was not JSON or not the expected shape (an HTML page from a proxy, truncated
    JSON, wrong types). `status_code` and the raw `text` are kept for diagnosis."""

    def __init__(self, message: str, *, response: httpx.Response, text: str) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.text = text


class TaskFailedError(PiAPIError):
    """A waited-for task ended `failed` or `cancelled`; `.task` is the final task."""

    def __init__(self, task: Task[Any, Any]) -> None:
        reason = task.error.message if task.error and task.error.message else "no reason given"
        super().__init__(f"Task {task.task_id} ended {task.status.value}: {reason}")
        self.task = task


class WaitTimeoutError(PiAPIError, TimeoutError):
    """The wait's deadline passed before the task finished; the task goes on at PiAPI.

    `.task` is the last task seen (None if no poll succeeded); wait again to resume.
    """

    def __init__(self, task_id: str, timeout: float, task: Task[Any, Any] | None) -> None:
        last = f"; last status {task.status.value}" if task is not None else ""
        super().__init__(
            f"Task {task_id} did not finish within {timeout:g} s{last}. It goes on at PiAPI: "
            f"call tasks.wait({task_id!r}) to keep waiting."
        )
        self.task_id = task_id
        self.task = task


class DownloadError(PiAPIError):
    """A video could not be downloaded; nothing was left at the destination.

    `task` is the task whose video it was (None for a bare URL), so the download can be
    tried again with `client.download(exc.task, ...)` while the ephemeral URL lasts.
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
        super().__init__(message)
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
