"""Pydantic models of PiAPI's wire format: request, envelope, task, meta, usage, error.

They are lenient where PiAPI varies (status case, unknown statuses and fields, Go's zero
time) so that a new field or value on the server never breaks a client in production.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
)
from typing_extensions import TypeVar

__all__ = [
    "ApiResponse",
    "Task",
    "TaskConfig",
    "TaskError",
    "TaskMeta",
    "TaskRequest",
    "TaskStatus",
    "TaskUsage",
    "WebhookConfig",
]

USD_UNITS = Decimal(10_000_000)  # `usage.consume` counts 1/10,000,000 USD
RESPONSE_CONTEXT = {
    "from_response": True
}  # validation context: echo what PiAPI says, judge nothing


class TaskStatus(str, Enum):
    """A task's status, parsed case-insensitively.

    An unknown status keeps its raw text (`TaskStatus("queued").value == "queued"`) and is
    not terminal, so a status PiAPI adds later never crashes parsing or ends a wait early.
    """

    PENDING = "pending"
    PROCESSING = "processing"
    STAGED = "staged"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def _missing_(cls, value: object) -> TaskStatus | None:
        if not isinstance(value, str):
            return None
        lowered = value.strip().lower()
        if lowered == "canceled":
            return cls.CANCELLED
        for member in cls:
            if member.value == lowered:
                return member
        unknown = str.__new__(cls, value)
        unknown._name_ = "UNKNOWN"
        unknown._value_ = value
        return unknown

    @property
    def is_terminal(self) -> bool:
        """True for `completed`, `failed` and `cancelled`: the task will not change again."""
        return self in _TERMINAL

    @property
    def is_failure(self) -> bool:
        """True for `failed` and `cancelled`."""
        return self in _FAILURES


_FAILURES = frozenset({TaskStatus.FAILED, TaskStatus.CANCELLED})
_TERMINAL = _FAILURES | {TaskStatus.COMPLETED}


def _go_zero_time_to_none(value: object) -> object:
    # Go marshals an unset time.Time as year 1; it means "not yet", not a date.
    if value == "" or (isinstance(value, str) and value.startswith("0001-01-01")):
        return None
    return value


def _assume_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


OptionalTime = Annotated[
    datetime | None, BeforeValidator(_go_zero_time_to_none), AfterValidator(_assume_utc)
]


# Default factories as plain functions, not the `dict` / `list` builtins: pydantic inspects
# a factory's signature, and for a builtin that means parsing its text signature, which
# compiles the `tokenize` regexes: ~4 ms of `import piapi` for nothing.
def _empty_dict() -> dict[str, Any]:
    return {}


def _empty_list() -> list[Any]:
    return []


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow")

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict PiAPI expects: unset optional fields are left out, not null."""
        return self.model_dump(mode="json", exclude_none=True)


class WebhookConfig(WireModel):
    """Where PiAPI should POST status changes; `secret` comes back in `x-webhook-secret`."""

    endpoint: str
    secret: str = Field(default="", repr=False)


class TaskConfig(WireModel):
    """Per-task options: `service_mode` ("" / "public" / "private") and the webhook."""

    service_mode: str | None = None
    webhook_config: WebhookConfig | None = None


class TaskRequest(WireModel):
    """The body of `POST /api/v1/task`. `input` is sent as given: no value is judged here."""

    model: str
    task_type: str
    input: dict[str, Any] | SerializeAsAny[BaseModel]
    config: TaskConfig | None = None


class TaskUsage(WireModel):
    """Billing: `consume` is in units of 1/10,000,000 USD and is known from creation on."""

    type: str = ""
    frozen: int = 0
    consume: int = 0


class TaskMeta(WireModel):
    """Timestamps (None until they happen) and usage."""

    created_at: OptionalTime = None
    started_at: OptionalTime = None
    ended_at: OptionalTime = None
    usage: TaskUsage = Field(default_factory=TaskUsage)
    is_using_private_pool: bool = False


class TaskError(WireModel):
    """PiAPI's error object; code 0 and empty strings mean no error."""

    code: int = 0
    raw_message: str = ""
    message: str = ""
    detail: Any = None

    @property
    def is_error(self) -> bool:
        """True when the object describes an actual error."""
        return self.code != 0 or bool(self.message or self.raw_message)


InputT = TypeVar("InputT", default=dict[str, Any])
OutputT = TypeVar("OutputT", default=dict[str, Any])
DataT = TypeVar("DataT")


class Task(WireModel, Generic[InputT, OutputT]):
    """A PiAPI task: what was asked (`input`), where it stands (`status`), what came out.

    `output` is None until the task completes. See `Sora2Task` for typed Sora 2 fields.
    """

    task_id: str
    model: str = ""
    task_type: str = ""
    status: TaskStatus
    config: TaskConfig | None = None
    # Lenient: a task without an `input` echo still parses (as an empty input).
    input: InputT = Field(default_factory=_empty_dict)  # type: ignore[assignment]
    output: OutputT | None = None
    meta: TaskMeta = Field(default_factory=TaskMeta)
    detail: Any = None
    logs: list[Any] = Field(default_factory=_empty_list)
    error: TaskError | None = None

    @property
    def is_terminal(self) -> bool:
        """True once the task is completed, failed or cancelled."""
        return self.status.is_terminal

    @property
    def cost_usd(self) -> Decimal:
        """What PiAPI bills for this task, in USD (from `meta.usage.consume`)."""
        return Decimal(self.meta.usage.consume) / USD_UNITS


class ApiResponse(WireModel, Generic[DataT]):
    """PiAPI's envelope `{code, data, message}`; success is code 200 (or 0 on one docs page)."""

    code: int
    data: DataT | None = None
    message: str = ""

    @property
    def is_success(self) -> bool:
        """True when `code` says success."""
        return self.code in (0, 200)
