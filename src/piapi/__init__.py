"""Typed Python client for PiAPI: create AI generation tasks (Sora 2 video first), wait, download.

from piapi import PiAPIClient

with PiAPIClient() as client:  # reads PIAPI_API_KEY
    task = client.sora2.create_and_wait(prompt="A red fox in fresh snow")
    print(task.result_url, task.cost_usd)
"""

from typing import TYPE_CHECKING

from piapi._version import __version__

if TYPE_CHECKING:
    from piapi._account import AccountInfo, ActiveTaskCounts, ActiveTasks
    from piapi._batch_journal import BatchJournalError
    from piapi._batch_plan import BatchItem, BatchState
    from piapi._client import AsyncPiAPIClient, PiAPIClient
    from piapi._exceptions import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        DownloadError,
        InternalServerError,
        NoResultError,
        NotFoundError,
        PermissionDeniedError,
        PiAPIError,
        RateLimitError,
        SpendLimitError,
        TaskFailedError,
        UnprocessableEntityError,
        WaitTimeoutError,
        WebhookParseError,
        WebhookVerificationError,
    )
    from piapi._models import (
        ApiResponse,
        Task,
        TaskConfig,
        TaskError,
        TaskInput,
        TaskMeta,
        TaskRequest,
        TaskStatus,
        TaskUsage,
        TypedRequest,
        WebhookConfig,
    )
    from piapi._registry import parse_task
    from piapi._sora2 import (
        Sora2ProVideoInput,
        Sora2RemoveWatermarkInput,
        Sora2Task,
        Sora2VideoInput,
        Sora2VideoOutput,
    )

# Where each public name lives. They load on first use, so `import piapi` (and the `piapi`
# command, which must answer Ctrl-C from its very first line) costs next to nothing.
_LAZY: dict[str, str] = {
    "AccountInfo": "piapi._account",
    "ActiveTaskCounts": "piapi._account",
    "ActiveTasks": "piapi._account",
    "BatchItem": "piapi._batch_plan",
    "BatchJournalError": "piapi._batch_journal",
    "BatchState": "piapi._batch_plan",
    "AsyncPiAPIClient": "piapi._client",
    "PiAPIClient": "piapi._client",
    "APIConnectionError": "piapi._exceptions",
    "APIResponseValidationError": "piapi._exceptions",
    "APIStatusError": "piapi._exceptions",
    "APITimeoutError": "piapi._exceptions",
    "AuthenticationError": "piapi._exceptions",
    "BadRequestError": "piapi._exceptions",
    "ConflictError": "piapi._exceptions",
    "DownloadError": "piapi._exceptions",
    "InternalServerError": "piapi._exceptions",
    "NoResultError": "piapi._exceptions",
    "NotFoundError": "piapi._exceptions",
    "PermissionDeniedError": "piapi._exceptions",
    "PiAPIError": "piapi._exceptions",
    "RateLimitError": "piapi._exceptions",
    "SpendLimitError": "piapi._exceptions",
    "TaskFailedError": "piapi._exceptions",
    "UnprocessableEntityError": "piapi._exceptions",
    "WaitTimeoutError": "piapi._exceptions",
    "WebhookParseError": "piapi._exceptions",
    "WebhookVerificationError": "piapi._exceptions",
    "ApiResponse": "piapi._models",
    "Task": "piapi._models",
    "TaskConfig": "piapi._models",
    "TaskError": "piapi._models",
    "TaskInput": "piapi._models",
    "TaskMeta": "piapi._models",
    "TaskRequest": "piapi._models",
    "TaskStatus": "piapi._models",
    "TaskUsage": "piapi._models",
    "TypedRequest": "piapi._models",
    "WebhookConfig": "piapi._models",
    "parse_task": "piapi._registry",
    "Sora2ProVideoInput": "piapi._sora2",
    "Sora2RemoveWatermarkInput": "piapi._sora2",
    "Sora2Task": "piapi._sora2",
    "Sora2VideoInput": "piapi._sora2",
    "Sora2VideoOutput": "piapi._sora2",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'piapi' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AccountInfo",
    "ActiveTaskCounts",
    "ActiveTasks",
    "ApiResponse",
    "AsyncPiAPIClient",
    "AuthenticationError",
    "BadRequestError",
    "BatchItem",
    "BatchJournalError",
    "BatchState",
    "ConflictError",
    "DownloadError",
    "InternalServerError",
    "NoResultError",
    "NotFoundError",
    "PermissionDeniedError",
    "PiAPIClient",
    "PiAPIError",
    "RateLimitError",
    "Sora2ProVideoInput",
    "Sora2RemoveWatermarkInput",
    "Sora2Task",
    "Sora2VideoInput",
    "Sora2VideoOutput",
    "SpendLimitError",
    "Task",
    "TaskConfig",
    "TaskError",
    "TaskFailedError",
    "TaskInput",
    "TaskMeta",
    "TaskRequest",
    "TaskStatus",
    "TaskUsage",
    "TypedRequest",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WebhookConfig",
    "WebhookParseError",
    "WebhookVerificationError",
    "__version__",
    "parse_task",
]
