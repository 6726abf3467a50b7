"""Pydantic models of PiAPI's wire format: request, envelope, task, meta, usage, error.

A task read from PiAPI is read leniently (see `Task`): only `task_id` and `status` are
essential, so a new field, a null or a value of another type never loses a task. A request
a caller builds (`TaskInput`) is checked strictly, before anything is sent.
"""

# No `from __future__ import annotations`: pydantic would compile and evaluate every field's
# annotation as text when each class is made (~0.6 ms of a first use); the few forward
# references are quoted instead.

import importlib
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from functools import cache
from types import GenericAlias
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Protocol, cast, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ModelWrapValidatorHandler,
    SkipValidation,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema
from typing_extensions import Self, TypeVar

from piapi._core.errors import PiAPIError

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

# Public as `piapi.<name>`: piapi's `_EXPORTS` lists which (FamilyTask serves the families).

USD_UNITS = Decimal(10_000_000)  # `usage.consume` and `usage.frozen` count 1/10,000,000 USD
USD_USAGE_TYPES = frozenset({"llm", "point", "quota"})
"""The `usage.type`s whose amounts PiAPI documents in 1/10,000,000 USD (a usage without a
type too); another type (Midjourney's `"mj"`, `""`) counts in a unit PiAPI does not publish."""
RESPONSE_CONTEXT = {
    "from_response": True
}  # validation context: read what PiAPI says leniently, judge nothing
_MAX_REPAIRS = 5  # rounds of dropping unreadable values before an answer counts as unreadable


def from_response(info: ValidationInfo) -> bool:
    """Whether a validator is reading an answer from PiAPI (lenient) or a caller's value."""
    return bool(info.context and info.context.get("from_response"))


def check_allowed(name: str, value: object, allowed: tuple[Any, ...], source: str = "") -> None:
    """Refuse a value a caller chose outside `allowed`, naming the allowed ones and the page
    that lists them (call it only for values a caller builds, never for answers from PiAPI)."""
    if value not in allowed:
        choices = ", ".join(str(choice) for choice in allowed)
        where = f"; see {source}" if source else ""
        raise ValueError(f"{name} must be one of {choices} (got {value!r}){where}")


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
    def _missing_(cls, value: object) -> "TaskStatus | None":
        if not isinstance(value, str):
            return None
        lowered = value.strip().lower()
        lowered = _SYNONYMS.get(lowered, lowered)
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


# Other words PiAPI's pages use for the six statuses (compared lower-case).
_SYNONYMS: dict[str, str] = {
    "canceled": "cancelled",  # the US spelling
    "success": "completed",  # Gemini's page
    "starting": "pending",  # Gemini's page: accepted, not generating yet
    "retry": "processing",  # Gemini's page: still running, on another attempt
}
_FAILURES = frozenset({TaskStatus.FAILED, TaskStatus.CANCELLED})
_TERMINAL = _FAILURES | {TaskStatus.COMPLETED}


def _read_time(value: object, handler: ValidatorFunctionWrapHandler) -> datetime | None:
    # Go marshals an unset time.Time as year 1; it means "not yet", not a date. A time
    # without a zone is UTC. One validator, not two: it runs three times per task read.
    if isinstance(value, str) and (not value or value.startswith("0001-01-01")):
        return None
    parsed: datetime | None = handler(value)
    if parsed is not None and parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed


OptionalTime = Annotated[datetime | None, WrapValidator(_read_time)]


# Default factories as plain functions, not the `dict` / `list` builtins: pydantic inspects
# a factory's signature, and for a builtin that means parsing its text signature, which
# compiles the `tokenize` regexes: ~4 ms of `import piapi` for nothing.
def _empty_dict() -> dict[str, Any]:
    return {}


def _empty_list() -> list[Any]:
    return []


def _empty_error() -> "TaskError":
    return TaskError.model_construct()


def _error_or_empty(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    # `"error": null` is an empty error, not an unreadable one.
    return _empty_error() if value is None else handler(value)


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are kept, never rejected.

    Each class builds its validator on first use, not when defined: a class used only
    inside another (`TaskMeta` in a task) is read by that class's validator and never
    builds its own, and `import piapi` pays for none of them.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict PiAPI expects: unset optional fields are left out, not null."""
        return self.model_dump(mode="json", exclude_none=True)


# Notes the SDK keeps beside a model's fields (what could not be read, whether the task
# failed) live in pydantic's slot for private values, set only when there is something to
# note, so reading an ordinary answer pays nothing for them.
def _note(model: BaseModel, key: str, value: object) -> None:
    notes = dict(model.__pydantic_private__ or {})
    notes[key] = value
    object.__setattr__(model, "__pydantic_private__", notes)


def _noted(model: BaseModel, key: str) -> Any:
    return (model.__pydantic_private__ or {}).get(key)


# Validation errors of the models that carry a webhook secret leave the input values out:
# pydantic would otherwise print the secret in the error.
_SECRET_SAFE = ConfigDict(extra="allow", hide_input_in_errors=True)


class WebhookConfig(WireModel):
    """Where PiAPI should POST status changes; `secret` comes back in `x-webhook-secret`.

    The secret never shows: not in the repr, nor in a validation error.
    """

    model_config = _SECRET_SAFE

    endpoint: str
    secret: str = Field(default="", repr=False)


class TaskConfig(WireModel):
    """Per-task options: `service_mode` ("" / "public" / "private") and the webhook."""

    model_config = _SECRET_SAFE

    service_mode: str | None = None
    webhook_config: WebhookConfig | None = None


def task_config(webhook: WebhookConfig | None, service_mode: str | None) -> TaskConfig | None:
    """The `config` of a create request; None (left out) when neither is given."""
    if webhook is None and service_mode is None:
        return None
    return TaskConfig(service_mode=service_mode, webhook_config=webhook)


class _AsItsOwnClass:
    """Annotation: write a model out with the fields of its own class, not the declared one.

    What pydantic's `SerializeAsAny` does, without importing the module that holds it: that
    module defines dataclasses, ~1 ms of a first use that needs none of them.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        target = cast("dict[str, Any]", schema)
        while target["type"] == "definitions":
            target = target["schema"]
        target["serialization"] = core_schema.simple_ser_schema("any")
        return schema


FAMILY_REGISTRY = "piapi.families._registry"
"""The module that knows each (model, task_type)'s typed request: a floor above this one,
so it is loaded by name when a plain request is priced, never imported from here."""


def known_price(usd: Decimal | None) -> Decimal | None:
    """An estimate as it is counted: a finite amount above 0, else None (unknown). Every
    PiAPI task costs something, so a nonsense input (a duration of -12 or 0) is neither a
    credit nor free."""
    return usd if usd is not None and usd.is_finite() and usd > 0 else None


class TaskRequest(WireModel):
    """The body of `POST /api/v1/task`. `input` is sent as given: no value is judged here."""

    model_config = ConfigDict(hide_input_in_errors=True)

    model: str
    task_type: str
    input: dict[str, Any] | Annotated[BaseModel, _AsItsOwnClass()]
    config: TaskConfig | None = None

    def estimate_cost(self) -> Decimal | None:
        """The price in USD before creating it, by the typed request of its model and task
        type read from `input` without judging values; None where none can be made."""
        registry = importlib.import_module(FAMILY_REGISTRY)
        typed_class: type[TaskInput] | None = registry.request_class_for(self.model, self.task_type)
        if typed_class is None:
            return None
        fields = self.input.model_dump() if isinstance(self.input, BaseModel) else self.input
        try:
            typed = typed_class.model_validate(fields, context=RESPONSE_CONTEXT)
        except ValidationError:
            return None
        return known_price(typed.estimate_cost())


UsageUnits = Annotated[int, Field(ge=0, lt=10**18)]
"""An amount of usage units as PiAPI reports it, bounded: a negative or absurd amount
(`10**4000`) is unreadable, never a price that opens a spending limit or breaks arithmetic."""


class TaskUsage(WireModel):
    """Billing, in units of 1/10,000,000 USD. Two types (see `Task.cost_usd`):

    - `"llm"` (Sora 2, Seedance, Gemini, Flux): the price is known at creation; `consume`
      is filled from the start and `frozen` is 0.
    - `"point"` (Kling, Luma, Hailuo): `frozen` is the amount held at creation; `consume`
      stays 0 until the task completes, then is the charge.
    """

    type: str = ""
    frozen: UsageUnits = 0
    consume: UsageUnits = 0

    @property
    def is_reported(self) -> bool:
        """Whether PiAPI sent an amount at all (a missing or empty `usage` is not 0)."""
        return not self.model_fields_set.isdisjoint(("frozen", "consume"))

    @property
    def is_in_usd_units(self) -> bool:
        """Whether the amounts count 1/10,000,000 USD: a type PiAPI documents so (`llm`,
        `point`, `quota`) or no type at all; Midjourney's `"mj"` counts something else."""
        return "type" not in self.model_fields_set or self.type.strip().lower() in USD_USAGE_TYPES

    def usd(self, amount: int) -> Decimal | None:
        """`amount` (this usage's `frozen` or `consume`) in USD; 0 is 0 in any unit, and
        an amount in a unit PiAPI does not publish is None (unknown), never a guess."""
        if amount == 0:
            return Decimal(0)
        return Decimal(amount) / USD_UNITS if self.is_in_usd_units else None


class TaskMeta(WireModel):
    """Timestamps (None until they happen, timezone-aware) and usage."""

    created_at: OptionalTime = None
    started_at: OptionalTime = None
    ended_at: OptionalTime = None
    usage: TaskUsage = Field(default_factory=TaskUsage)
    is_using_private_pool: bool = False


class TaskError(WireModel):
    """PiAPI's error object; code 0 and empty strings mean no error.

    A code without a message on a task that did not fail is not an error (a published
    Flux answer carries code 1100 on success).
    """

    code: int = 0
    raw_message: str = ""
    message: str = ""
    detail: Any = None

    @property
    def is_error(self) -> bool:
        """True when the object carries a message, or belongs to a task that failed."""
        if self.message.strip() or self.raw_message.strip():
            return True
        return self.code != 0 and bool(_noted(self, "task_failed"))


InputT = TypeVar("InputT", default=dict[str, Any])
OutputT = TypeVar("OutputT", default=dict[str, Any])
# String bounds: `Task[Any, Any]` evaluated here would build a pydantic class at import.
TaskT = TypeVar("TaskT", bound="Task[Any, Any]")
TaskT_co = TypeVar("TaskT_co", bound="Task[Any, Any]", covariant=True)


class Task(WireModel, Generic[InputT, OutputT]):
    """A PiAPI task: what was asked (`input`), where it stands (`status`), what came out.

    `output` is None until the task completes; `media_urls` and `result_url` find the
    result files in it for every model. See `Sora2Task` for typed Sora 2 fields.

    Read from PiAPI (a response, a webhook, `parse_task`), only `task_id` and `status` are
    essential: any other field that cannot be read as its type (a null list, a time that
    is not a time, an object where a string belongs) takes its default, and the raw value
    stays in `unreadable`; a number where text belongs is kept as text.
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
    # Every task carries one, usually empty: an answer without `error` (Midjourney's
    # results, Suno's webhooks) or with `"error": null` reads as an empty TaskError.
    error: Annotated[TaskError, WrapValidator(_error_or_empty)] = Field(
        default_factory=_empty_error
    )

    @model_validator(mode="wrap")
    @classmethod
    def _read_leniently(
        cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo
    ) -> Self:
        try:
            task = handler(data)
        except ValidationError as exc:
            if not (from_response(info) and isinstance(data, Mapping)):
                raise
            task = cls._repaired(cast("Mapping[str, Any]", data), exc, handler)
        if task.status in _FAILURES:
            _note(task.error, "task_failed", True)
        if isinstance(task.output, BaseModel) and isinstance(data, Mapping):
            # A typed output lists its fields in its class's order; results and previews
            # are searched in the order PiAPI sent them.
            raw = cast("Mapping[str, Any]", data).get("output")
            _note(task, "output_as_sent", (task.output, raw))
        return task

    @classmethod
    def _repaired(
        cls,
        data: Mapping[str, Any],
        error: ValidationError,
        handler: ModelWrapValidatorHandler[Self],
    ) -> Self:
        # Imported here: only an odd answer needs the repair rules.
        from piapi._core.lenient import repair

        fields = dict(data)
        unreadable: dict[str, Any] = {}
        for _ in range(_MAX_REPAIRS):
            fixed = repair(fields, error.errors(include_url=False))
            if fixed is None:
                break
            fields = fixed.data
            unreadable.update(fixed.unreadable)
            try:
                task = handler(fields)
            except ValidationError as exc:
                error = exc
                continue
            if unreadable:
                _note(task, "unreadable", unreadable)
            return task
        raise error

    @property
    def unreadable(self) -> Mapping[str, Any]:
        """Values PiAPI sent that could not be read as their field's type, by dotted path
        (`{"meta.created_at": "string"}`); those fields hold their defaults."""
        return _noted(self, "unreadable") or {}

    @property
    def is_terminal(self) -> bool:
        """True once the task is completed, failed or cancelled."""
        return self.status.is_terminal

    @property
    def cost_usd(self) -> Decimal | None:
        """What this task costs, in USD; None when PiAPI sent no usage, or counts it in a
        unit it does not publish (Midjourney's `usage.type` `"mj"`): unknown, not free.

        The charge (`usage.consume`) when there is one; while a task runs with only a hold
        (`usage.frozen`, point-billed models) the hold; otherwise 0 (a task that ended
        without a charge).
        """
        usage = self.meta.usage
        if not usage.is_reported:
            return None
        if usage.consume > 0:
            return usage.usd(usage.consume)
        if usage.frozen > 0 and not self.is_terminal:
            return usage.usd(usage.frozen)
        return Decimal(0)

    @property
    def held_usd(self) -> Decimal | None:
        """The amount PiAPI held at creation (`usage.frozen`), in USD; None without usage
        or in an unpublished unit."""
        usage = self.meta.usage
        return usage.usd(usage.frozen) if usage.is_reported else None

    @property
    def media_kind(self) -> "MediaKind | None":
        """What the task was asked to make: its output class's `MEDIA_KIND`, else guessed
        from its task type and model (`"music"`: audio); None when neither says."""
        from piapi._core.results import kind_of_task  # on first use: `import piapi` stays light

        return _declared_kind(type(self)) or kind_of_task(self.model, self.task_type)

    @property
    def media_urls(self) -> list[str]:
        """The URLs of the task's result files (videos, audio, images, 3D models), best
        first; `[]` until the task is completed.

        Files of the kind the task makes first (`media_kind`: the song of a music task
        before its video, never its cover), watermark-free before watermarked, no
        previews (`preview_urls`), no duplicates. Found in any output: an object, a list
        (Suno's clips), objects of objects, and an output the task's class could not read
        (kept in `unreadable`).
        """
        if self.status is not TaskStatus.COMPLETED:
            return []
        from piapi._core.results import result_urls

        return result_urls(self._output_data(), self.media_kind)

    @property
    def preview_urls(self) -> list[str]:
        """The URLs of the previews in the output (thumbnails, covers, last frames, the
        images of a video, music or 3D task), whatever the status; never results."""
        from piapi._core.results import preview_urls

        return preview_urls(self._output_data(), self.media_kind)

    def _output_data(self) -> list[Any]:
        """The output as PiAPI sent it, else the output and what of it could not be read as
        the output's type."""
        as_sent = _noted(self, "output_as_sent")
        if as_sent is not None and as_sent[0] is self.output:  # not replaced since
            return [as_sent[1]]
        unreadable = self.unreadable
        found = [value for path, value in unreadable.items() if path.split(".")[0] == "output"]
        return [self.output, *found] if found else [self.output]

    @property
    def result_url(self) -> str:
        """The best result URL (`media_urls[0]`) of a completed task; ephemeral, download it.

        Raises:
            NoResultError: The task is not completed, or its output has no result URL.
        """
        urls = self.media_urls
        if urls:
            return urls[0]
        if self.status is not TaskStatus.COMPLETED:
            raise NoResultError(
                f"Task {self.task_id} is {self.status.value}, not completed: it has no "
                "result yet. Wait for it first (client.tasks.wait).",
                task=self,
            )
        raise NoResultError(
            f"Task {self.task_id} is completed but its output has no result URL.", task=self
        )


@cache
def _declared_kind(task_class: type) -> "MediaKind | None":
    """The `MEDIA_KIND` of the output class a task class declares (None for `Task`)."""
    fields: Mapping[str, Any] = getattr(task_class, "model_fields", {})
    field = fields.get("output")
    for candidate in (field.annotation, *get_args(field.annotation)) if field else ():
        kind = getattr(candidate, "MEDIA_KIND", None)
        if isinstance(kind, str):
            return cast("MediaKind", kind)
    return None


class NoResultError(PiAPIError):
    """A task has no result URL: it is not completed, or its output holds no file URL.

    Raised by `Task.result_url`; `task_id` names the task (wait for it, then ask again).

    Attributes:
        task: The task that has no result.
    """

    def __init__(self, message: str, *, task: "Task[Any, Any]") -> None:
        super().__init__(message, task_id=task.task_id)
        self.task = task


class TaskInput(WireModel):
    """Base of every typed request: the `input` of one model's task type.

    Validated strictly when a caller builds it (a clear message names the allowed values),
    never when PiAPI echoes it back. Pass it to `client.tasks.create(request)`: the class
    says which `model` and `task_type` to send and which task class comes back.

    A request class says what it is in its header, as class keywords: `class
    Sora2VideoInput(TaskInput, model="sora2", task_type="sora2-video")`. A keyword left out
    is inherited, so a family's base may give the `model` and each request its `task_type`.
    """

    MODEL: ClassVar[str]
    """The `model` PiAPI expects, e.g. `"sora2"` (the class keyword `model=`)."""
    TASK_TYPE: ClassVar[str]
    """The `task_type` PiAPI expects, e.g. `"sora2-video"` (the class keyword `task_type=`)."""

    def __init_subclass__(cls, *, model: str = "", task_type: str = "", **kwargs: Any) -> None:
        """`MODEL` / `TASK_TYPE` from the class keywords; one left out is inherited."""
        super().__init_subclass__(**kwargs)
        if model:
            cls.MODEL = model
        if task_type:
            cls.TASK_TYPE = task_type

    @classmethod
    def task_class(cls) -> "type[Task[Any, Any]]":
        """The class of the task PiAPI answers with (a subclass narrows it)."""
        return Task

    def estimate_cost(self) -> Decimal | None:
        """The price in USD before creating the task; None where PiAPI publishes none."""
        return None


def _input_class(
    inputs: tuple[type[TaskInput], ...], model: object, task_type: object
) -> type[TaskInput]:
    model_key = model.strip().lower() if isinstance(model, str) else ""
    same_type = [cls for cls in inputs if task_type == cls.TASK_TYPE]
    exact = [cls for cls in same_type if cls.MODEL.lower() == model_key]
    return (exact or same_type or list(inputs))[0]


class FamilyTask(Task[InputT, OutputT], Generic[InputT, OutputT]):
    """A task of one model family: `input` is read as the request class of its task type.

    A family's task class names its types once, as parameters (`class
    KlingTask(FamilyTask[KlingInput, KlingVideoOutput])`): type checkers read them, and
    pydantic gets its `output` field (`KlingVideoOutput | None = None`) and `INPUTS` (the
    members of `KlingInput`) from them. At run time `FamilyTask[...]` is a plain alias, not
    a parametrised pydantic class (~2 ms each). A task class that reads every task of its
    model names the model in its header too: `class Sora2Task(FamilyTask[...], model="sora2")`.
    """

    INPUTS: ClassVar[tuple[type[TaskInput], ...]] = ()
    """The family's request classes, in the order of its input parameter (unless the class
    sets them); the first reads a task type the SDK does not know."""
    MODEL: ClassVar[str] = ""
    """The class keyword `model=`. Set: every task of this model is read as this class,
    whatever its task type; unset: only the task types of its requests (the index is
    generated from these declarations)."""

    def __init_subclass__(cls, *, model: str = "", **kwargs: Any) -> None:
        """`MODEL` from the class keyword, `output` and `INPUTS` from `FamilyTask[In, Out]`."""
        # `type.__new__` runs this before pydantic collects the fields from the class's
        # annotations: declaring `output` here is declaring it in the class body.
        super().__init_subclass__(**kwargs)
        if model:
            cls.MODEL = model
        for base in cls.__dict__.get("__orig_bases__", ()):
            if getattr(base, "__origin__", None) is FamilyTask:
                inputs, output = get_args(base)
                if "output" not in cls.__annotations__:
                    cls.__annotations__["output"] = output | None
                    cls.output = None
                if "INPUTS" not in cls.__dict__:
                    cls.INPUTS = get_args(inputs) or (inputs,)

    if not TYPE_CHECKING:
        # The input models accept each other's shape (unknown fields are kept), so the
        # model and task type, not a union, decide which one applies; the field skips
        # pydantic's own validation, which would run the chosen model's checks a second
        # time, and is written out as the input model it holds.
        input: SkipValidation[Any] = Field(default_factory=_empty_dict, validate_default=True)

        def __class_getitem__(cls, params: object) -> object:
            if not cls.__pydantic_generic_metadata__["parameters"]:
                return super().__class_getitem__(params)  # a family's task: not generic
            return GenericAlias(cls, params)

        @classmethod
        def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
            super().__pydantic_init_subclass__(**kwargs)
            # `class KlingTask(FamilyTask[In, Out])` leaves no type parameter open (typing
            # says so in `__parameters__`): like a subclass of a parametrised class, it is
            # not generic, so `KlingTask[...]` is refused as before.
            if not cls.__parameters__:
                cls.__pydantic_generic_metadata__ = {"origin": None, "args": (), "parameters": ()}

    @field_validator("input", mode="before")
    @classmethod
    def _input_of_task_type(cls, value: object, info: ValidationInfo) -> object:
        if not cls.INPUTS or isinstance(value, cls.INPUTS):
            return value
        if not isinstance(value, dict):
            raise ValueError("input must be an object")  # read leniently: dropped to {}
        chosen = _input_class(cls.INPUTS, info.data.get("model"), info.data.get("task_type"))
        # A task's input is what PiAPI echoes, even in a task built by hand: never judged.
        context: dict[str, Any] = {**(info.context or {}), **RESPONSE_CONTEXT}
        return chosen.model_validate(value, context=context)


class TypedRequest(Protocol[TaskT_co]):
    """What `client.tasks.create(request)` needs of a typed request (every `TaskInput`).

    The type checker reads the task class from `task_class()`, so
    `create(Sora2VideoInput(...))` is a `Sora2Task`.
    """

    MODEL: ClassVar[str]
    TASK_TYPE: ClassVar[str]

    @classmethod
    def task_class(cls) -> type[TaskT_co]:
        """The class of the task PiAPI answers with."""
        ...

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready `input`."""
        ...

    def estimate_cost(self) -> Decimal | None:
        """The price in USD before creating it; None where none is known."""
        ...
