"""Typed Python client for PiAPI: create AI generation tasks (Sora 2 video first), wait, download.

from piapi import PiAPIClient

with PiAPIClient() as client:  # reads PIAPI_API_KEY
    task = client.sora2.create_and_wait(prompt="A red fox in fresh snow")
    print(task.result_url, task.cost_usd)
"""

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
from piapi._version import __version__

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ApiResponse",
    "AsyncPiAPIClient",
    "AuthenticationError",
    "BadRequestError",
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
