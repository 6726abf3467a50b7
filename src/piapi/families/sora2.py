"""Sora 2 (`model: "sora2"`): typed inputs that check values before anything is sent, prices.

The checks run when a caller builds an input; answers from PiAPI are read without them
(and without requiring any input field), so every sora2 task parses, whatever it echoes.
Prices: https://piapi.ai/docs/sora2-api/text-to-video and .../sora2-pro-api/text-to-video.
"""

# No `from __future__ import annotations`: pydantic would compile and evaluate every field's
# annotation as text when each class is made (~0.6 ms of a first use); the few forward
# references are quoted instead.

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args
from urllib.parse import urlsplit

from pydantic import ValidationInfo, model_validator
from typing_extensions import Self

from piapi._core.models import (
    FamilyTask,
    TaskInput,
    WireModel,
    check_allowed,
    from_response,
)

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "Sora2ProVideoInput",
    "Sora2RemoveWatermarkInput",
    "Sora2Task",
    "Sora2VideoInput",
    "Sora2VideoOutput",
    "build_sora2_input",
    "estimate_sora2_cost",
]

MODEL = "sora2"
Sora2TaskType = Literal["sora2-video", "sora2-pro-video"]
AspectRatio = Literal["16:9", "9:16"]
Duration = Literal[4, 8, 12]
Resolution = Literal["720p", "1080p"]
ServiceMode = Literal["", "public", "private"]

PRICE_PER_SECOND_USD: dict[str, Decimal] = {
    "sora2-video": Decimal("0.08"),
    "sora2-pro-video": Decimal("0.24"),
}


class _Sora2InputBase(TaskInput, model=MODEL):
    # Defaults only matter when reading an answer that does not echo the field: a caller
    # who builds an input without a prompt is told it must not be empty.
    prompt: str = ""
    aspect_ratio: str = "16:9"
    duration: int = 4

    @classmethod
    def task_class(cls) -> "type[Sora2Task]":
        """`Sora2Task`: what PiAPI answers for every sora2 task type."""
        return Sora2Task

    def estimate_cost(self) -> Decimal:
        """The price in USD: seconds x the task type's price per second."""
        return PRICE_PER_SECOND_USD[self.TASK_TYPE] * self.duration

    # One validator per model, not one per field: it also runs (and returns at once) on
    # every Sora 2 task read from PiAPI.
    @model_validator(mode="after")
    def _check_values(self, info: ValidationInfo) -> Self:
        if from_response(info):
            return self
        if not self.prompt.strip():
            raise ValueError("prompt must not be empty")
        check_allowed("aspect_ratio", self.aspect_ratio, get_args(AspectRatio))
        check_allowed("duration", self.duration, get_args(Duration))
        self._check_task_type_values()
        return self

    def _check_task_type_values(self) -> None:
        """Checks of one task type's own values, when a caller builds it."""


class Sora2VideoInput(_Sora2InputBase, task_type="sora2-video"):
    """Input of `sora2-video` ($0.08/s): text-to-video, or image-to-video with `image_url`."""

    PRICE_RULE: ClassVar[str] = "$0.08 per second of video"
    PAGE: ClassVar[str] = "https://piapi.ai/docs/sora2-api/text-to-video"
    image_url: str | None = None

    def _check_task_type_values(self) -> None:
        if "resolution" in (self.model_extra or {}):
            raise ValueError(
                'resolution is only for task_type "sora2-pro-video" (720p, 1080p); '
                '"sora2-video" has a fixed resolution'
            )


class Sora2ProVideoInput(_Sora2InputBase, task_type="sora2-pro-video"):
    """Input of `sora2-pro-video` ($0.24/s): text-to-video at `resolution` 720p or 1080p."""

    PRICE_RULE: ClassVar[str] = "$0.24 per second of video (720p or 1080p)"
    PAGE: ClassVar[str] = "https://piapi.ai/docs/sora2-pro-api/text-to-video"
    resolution: str = "720p"

    def _check_task_type_values(self) -> None:
        check_allowed("resolution", self.resolution, get_args(Resolution))
        if (self.model_extra or {}).get("image_url") is not None:
            raise ValueError('image_url (image-to-video) is only for task_type "sora2-video"')


class Sora2RemoveWatermarkInput(TaskInput, model=MODEL, task_type="remove-watermark"):
    """Input of `remove-watermark`: the `video_url` of a Sora 2 video; no prompt.

    PiAPI publishes no price for it, so `estimate_cost()` is None.
    """

    video_url: str = ""

    @classmethod
    def task_class(cls) -> "type[Sora2Task]":
        """`Sora2Task`: what PiAPI answers for every sora2 task type."""
        return Sora2Task

    @model_validator(mode="after")
    def _check_values(self, info: ValidationInfo) -> Self:
        if from_response(info):
            return self  # PiAPI's echo is read as it is
        parts = urlsplit(self.video_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"video_url must be an http(s) URL of the video (got {self.video_url!r})"
            )
        return self


Sora2Input = Sora2VideoInput | Sora2ProVideoInput | Sora2RemoveWatermarkInput


class Sora2VideoOutput(WireModel):
    """Output of a completed Sora 2 task: `video` is an ephemeral URL; download it promptly."""

    MEDIA_KIND: ClassVar["MediaKind"] = "video"

    video: str | None = None


# `model=`: every task of this model is read as a `Sora2Task`, whatever its task type.
class Sora2Task(FamilyTask[Sora2Input, Sora2VideoOutput], model=MODEL):
    """A task of any Sora 2 task type, with typed `input` and `output`.

    `task.result_url` is the video's URL; `task.input` is the input class of its
    `task_type` (`Sora2VideoInput` for a type the SDK does not know).
    """


def _require_known_task_type(task_type: str) -> None:
    if task_type not in PRICE_PER_SECOND_USD:
        choices = ", ".join(PRICE_PER_SECOND_USD)
        raise ValueError(f"task_type must be one of {choices} (got {task_type!r})")


def estimate_sora2_cost(*, duration: int, task_type: str = "sora2-video") -> Decimal:
    """The price in USD of a Sora 2 video before creating it: seconds x price per second."""
    _require_known_task_type(task_type)
    return PRICE_PER_SECOND_USD[task_type] * duration


def build_sora2_input(
    *,
    prompt: str,
    aspect_ratio: str,
    duration: int,
    task_type: str,
    image_url: str | None,
    resolution: str | None,
) -> Sora2VideoInput | Sora2ProVideoInput:
    """Check every value of a `client.sora2` call and build its input; raises, sends nothing."""
    _require_known_task_type(task_type)
    if task_type == "sora2-video":
        extra: dict[str, Any] = {"resolution": resolution} if resolution is not None else {}
        return Sora2VideoInput(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            image_url=image_url,
            **extra,
        )
    extra = {"image_url": image_url} if image_url is not None else {}
    return Sora2ProVideoInput(
        prompt=prompt,
        aspect_ratio=aspect_ratio,
        duration=duration,
        resolution=resolution or "720p",
        **extra,
    )
