"""Typed Python client for PiAPI: create AI generation tasks (Sora 2 video first), wait, download.

from piapi import PiAPIClient

with PiAPIClient() as client:  # reads PIAPI_API_KEY
    task = client.sora2.create_and_wait(prompt="A red fox in fresh snow")
    print(task.result_url, task.cost_usd)
"""

from typing import TYPE_CHECKING

from piapi._version import __version__

if TYPE_CHECKING:
    from piapi._async.client import AsyncPiAPIClient
    from piapi._core.account import AccountInfo, ActiveTaskCounts, ActiveTasks
    from piapi._core.errors import (
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
    from piapi._core.models import (
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
    from piapi._sync.client import PiAPIClient
    from piapi.batch._journal import BatchJournalError
    from piapi.batch._plan import BatchItem, BatchState
    from piapi.families._registry import parse_task
    from piapi.families.sora2 import (
        Sora2ProVideoInput,
        Sora2RemoveWatermarkInput,
        Sora2Task,
        Sora2VideoInput,
        Sora2VideoOutput,
    )

# Where each public name lives. They load on first use, so `import piapi` (and the `piapi`
# command, which must answer Ctrl-C from its very first line) costs next to nothing.
_LAZY: dict[str, str] = {
    "AccountInfo": "piapi._core.account",
    "ActiveTaskCounts": "piapi._core.account",
    "ActiveTasks": "piapi._core.account",
    "BatchItem": "piapi.batch._plan",
    "BatchJournalError": "piapi.batch._journal",
    "BatchState": "piapi.batch._plan",
    "AsyncPiAPIClient": "piapi._async.client",
    "PiAPIClient": "piapi._sync.client",
    "APIConnectionError": "piapi._core.errors",
    "APIResponseValidationError": "piapi._core.errors",
    "APIStatusError": "piapi._core.errors",
    "APITimeoutError": "piapi._core.errors",
    "AuthenticationError": "piapi._core.errors",
    "BadRequestError": "piapi._core.errors",
    "ConflictError": "piapi._core.errors",
    "DownloadError": "piapi._core.errors",
    "InternalServerError": "piapi._core.errors",
    "NoResultError": "piapi._core.errors",
    "NotFoundError": "piapi._core.errors",
    "PermissionDeniedError": "piapi._core.errors",
    "PiAPIError": "piapi._core.errors",
    "RateLimitError": "piapi._core.errors",
    "SpendLimitError": "piapi._core.errors",
    "TaskFailedError": "piapi._core.errors",
    "UnprocessableEntityError": "piapi._core.errors",
    "WaitTimeoutError": "piapi._core.errors",
    "WebhookParseError": "piapi._core.errors",
    "WebhookVerificationError": "piapi._core.errors",
    "ApiResponse": "piapi._core.models",
    "Task": "piapi._core.models",
    "TaskConfig": "piapi._core.models",
    "TaskError": "piapi._core.models",
    "TaskInput": "piapi._core.models",
    "TaskMeta": "piapi._core.models",
    "TaskRequest": "piapi._core.models",
    "TaskStatus": "piapi._core.models",
    "TaskUsage": "piapi._core.models",
    "TypedRequest": "piapi._core.models",
    "WebhookConfig": "piapi._core.models",
    "parse_task": "piapi.families._registry",
    "Sora2ProVideoInput": "piapi.families.sora2",
    "Sora2RemoveWatermarkInput": "piapi.families.sora2",
    "Sora2Task": "piapi.families.sora2",
    "Sora2VideoInput": "piapi.families.sora2",
    "Sora2VideoOutput": "piapi.families.sora2",
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
