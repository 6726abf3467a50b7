"""What every model family's module shares: checked inputs, checks, prices and outputs.

A family module (`piapi.families.kling`, `piapi.families.veo`, ...) only declares: its inputs
subclass `FamilyInput`, each saying what it is in its header (`class
FramePackImg2VideoInput(FamilyInput["FramePackTask"], model="Qubico/framepack",
task_type="img2video")`; a family's base may give the `model=` and its requests each a
`task_type=`), with checks in `_check` (run when a caller builds one, never when PiAPI echoes
it); its outputs `ImageOutput`, `VideoOutput` or `AudioOutput` (the kind of media they hold;
`VideoUrlOutput` / `AudioUrlOutput` when the result is one `video_url` / `audio_url`), its
task subclasses `FamilyTask` (which reads `input` as the request class of its task
type; it lives beside `Task` in `_models`, so Sora 2 loads nothing of this module). The
checks here raise `ValueError` naming the allowed values and the page they come from, so
pydantic reports them as a `ValidationError` before anything is sent.

What `piapi.models()`, `piapi models` and docs/models.md show of a request is read from its
declarations (`scripts/gen_families.py`): `PRICE_RULE` (the price as one line of text, else
the docstring's "Price ..." sentence) and `PAGE` (its PiAPI page, else the docstring's first
URL) as class constants, and its parameters from its JSON schema: state allowed values and
ranges there too (`Literal`, `Field(ge=..., le=..., max_length=...)`, or
`Field(json_schema_extra={"enum": [...]})` for a value checked only in `_check`).

A field naming an earlier task (`origin_task_id` of an upscale, a variation, an extension)
is a `TaskReference`: callers pass the `Task` they have or its id, and PiAPI gets the id.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import GenericAlias
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeAlias, cast, get_args

from pydantic import BeforeValidator, ValidationInfo, model_validator
from typing_extensions import Self, TypeVar

from piapi._core.models import FamilyTask, Task, TaskInput, WireModel, from_response

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "AudioOutput",
    "AudioUrlOutput",
    "FamilyInput",
    "FamilyTask",
    "ImageOutput",
    "TaskReference",
    "TaskT",
    "VideoOutput",
    "VideoUrlOutput",
    "check_max_length",
    "check_positive",
    "check_range",
    "per_second",
    "require_text",
]


def _task_id_of(value: object) -> object:
    """A `Task`'s id; anything else as given (a string is the id, others are refused)."""
    return value.task_id if isinstance(value, Task) else value


# An earlier task, given as its id or as the `Task` itself: a field typed
# `origin_task_id: TaskReference | None = None` takes `task` or `task.task_id` (type checkers
# accept both), holds the id (a `str` at run time) and sends it; its JSON schema is a string.
if TYPE_CHECKING:
    TaskReference: TypeAlias = "str | Task[Any, Any]"
else:
    TaskReference = Annotated[str, BeforeValidator(_task_id_of)]


TaskT = TypeVar("TaskT", bound="Task[Any, Any]", default="Task[Any, Any]")
"""The task class PiAPI answers a request with (`Task` for a class that names none)."""


class FamilyInput(TaskInput, Generic[TaskT]):
    """Base of a family's typed requests: caller defaults and checks, skipped for answers.

    Each request class names the task class PiAPI answers it with: `class
    KlingVideoInput(_KlingInput["KlingTask"], task_type="video_generation")`, its family's bases
    staying generic (`class _KlingInput(FamilyInput[TaskT], model="kling")`). Type checkers read
    it (`create(request)` is a `KlingTask`), and so does `task_class()`. Only the request
    classes name it, not a base they share: the task class names them in turn (its input union),
    and pyright, entering that circle at a shared base, would read its subclasses' fields wrong.
    """

    _TASK: ClassVar[str] = ""
    """The task class the request class names, as `"module:Class"`."""

    CALLER_DEFAULTS: ClassVar[Mapping[str, Any]] = {}
    """Values sent when a caller leaves them out (the docs' example values, so that the
    price is known); never filled in when reading what PiAPI echoes."""

    if not TYPE_CHECKING:
        # At run time `_KlingInput["KlingTask"]` is a plain alias (subclassing it subclasses
        # `_KlingInput`), not a parametrised pydantic class; the name is kept for `task_class`.
        def __class_getitem__(cls, task: object) -> object:
            return GenericAlias(cls, task)

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            for base in cls.__dict__.get("__orig_bases__", ()):
                named = get_args(base)
                if named and isinstance(named[0], str):
                    cls._TASK = f"{cls.__module__}:{named[0]}"

    @classmethod
    def task_class(cls) -> type[TaskT]:
        """The task class the request class names (`Task` if it names none)."""
        module, _, name = cls._TASK.partition(":")
        if not name:
            return cast("type[TaskT]", super().task_class())
        return cast("type[TaskT]", getattr(sys.modules[module], name))

    @model_validator(mode="before")
    @classmethod
    def _fill_caller_defaults(cls, data: object, info: ValidationInfo) -> object:
        if not isinstance(data, dict):
            return data
        fields = cast("dict[str, Any]", data)
        if not cls.CALLER_DEFAULTS or from_response(info):
            return fields
        return {**cls._defaults_for(fields), **fields}

    @classmethod
    def _defaults_for(cls, fields: Mapping[str, Any]) -> Mapping[str, Any]:
        """The defaults to fill in for what a caller gave (a family may leave some out)."""
        return cls.CALLER_DEFAULTS

    # One validator per model, not one per field: it runs (and returns at once) on every
    # task of the family read from PiAPI.
    @model_validator(mode="after")
    def _check_caller_values(self, info: ValidationInfo) -> Self:
        if not from_response(info):
            self._check()
        return self

    def _check(self) -> None:
        """Raise `ValueError` for a value the docs do not allow (only when a caller builds)."""


# --- outputs shared by several families ----------------------------------------------------
# A family still names its own output class (`WanVideoOutput`, public, with a docstring
# saying where its shape comes from) and derives it from one of these. Every field PiAPI
# sends is kept, declared or not, and `task.media_urls` finds the results in them.


class ImageOutput(WireModel):
    """Output of a task that makes images: the fields the family declares, and every other
    field PiAPI sends, kept as sent."""

    MEDIA_KIND: ClassVar[MediaKind] = "image"


class VideoOutput(WireModel):
    """Output of a task that makes a video: the fields the family declares, and every other
    field PiAPI sends, kept as sent."""

    MEDIA_KIND: ClassVar[MediaKind] = "video"


class AudioOutput(WireModel):
    """Output of a task that makes audio: the fields the family declares, and every other
    field PiAPI sends, kept as sent."""

    MEDIA_KIND: ClassVar[MediaKind] = "audio"


class VideoUrlOutput(VideoOutput):
    """A video at `video_url`, as PiAPI's MCP server reads its Qubico video models
    (github.com/apinetwork/piapi-mcp-server)."""

    video_url: str | None = None


class AudioUrlOutput(AudioOutput):
    """Audio at `audio_url` (the field PiAPI's MCP server reads for its audio models)."""

    audio_url: str | None = None


def require_text(name: str, value: object, source: str = "") -> None:
    """Refuse a missing or blank text the docs mark as required (a `TaskReference` holds
    its id as text by then)."""
    if not isinstance(value, str) or not value.strip():
        where = f"; see {source}" if source else ""
        raise ValueError(f"{name} is required and must not be empty{where}")


def check_range(
    name: str,
    value: float | None,
    low: float,
    high: float,
    source: str,
    *,
    low_included: bool = True,
) -> None:
    """Refuse a number outside the range the docs give (None: not given, nothing to check)."""
    if value is None:
        return
    above_low = value >= low if low_included else value > low
    if not (above_low and value <= high):
        span = f"from {low:g} to {high:g}" if low_included else f"above {low:g}, at most {high:g}"
        raise ValueError(f"{name} must be {span} (got {value!r}); see {source}")


def check_max_length(name: str, value: str | None, limit: int, source: str) -> None:
    """Refuse a text longer than the docs allow."""
    if value is not None and len(value) > limit:
        raise ValueError(
            f"{name} must be at most {limit} characters (got {len(value)}); see {source}"
        )


def check_positive(name: str, values: Iterable[int | None]) -> None:
    """Refuse a length in seconds (or a count) that is zero or negative."""
    for value in values:
        if value is not None and value <= 0:
            raise ValueError(f"{name} must be a positive number (got {value!r})")


def per_second(rate: Decimal | None, seconds: int | None) -> Decimal | None:
    """A per-second price for `seconds`; None when either is unknown."""
    if rate is None or seconds is None:
        return None
    return rate * seconds
