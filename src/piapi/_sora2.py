"""Sora 2 (`model: "sora2"`): typed inputs that check values before anything is sent, prices.

The checks run when a caller builds an input; answers from PiAPI are read without them,
so a task created with a value PiAPI accepts later still parses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from piapi._models import (
    Task,
    TaskConfig,
    TaskRequest,
    WebhookConfig,
    WireModel,
    _empty_dict,
)

__all__ = [
    "Sora2ProVideoInput",
    "Sora2Task",
    "Sora2VideoInput",
    "Sora2VideoOutput",
    "build_sora2_request",
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


def _check_allowed(
    name: str, value: object, allowed: tuple[Any, ...], info: ValidationInfo
) -> None:
    if _from_response(info) or value in allowed:
        return
    choices = ", ".join(str(choice) for choice in allowed)
    raise ValueError(f"{name} must be one of {choices} (got {value!r})")


def _from_response(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("from_response"))


class _Sora2InputBase(WireModel):
    prompt: str
    aspect_ratio: str = "16:9"
    duration: int = 4

    @field_validator("prompt")
    @classmethod
    def _prompt_not_empty(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip() and not _from_response(info):
            raise ValueError("prompt must not be empty")
        return value

    @field_validator("aspect_ratio")
    @classmethod
    def _known_aspect_ratio(cls, value: str, info: ValidationInfo) -> str:
        _check_allowed("aspect_ratio", value, get_args(AspectRatio), info)
        return value

    @field_validator("duration")
    @classmethod
    def _known_duration(cls, value: int, info: ValidationInfo) -> int:
        _check_allowed("duration", value, get_args(Duration), info)
        return value


class Sora2VideoInput(_Sora2InputBase):
    """Input of `sora2-video`: text-to-video, or image-to-video with `image_url`."""

    image_url: str | None = None

    @model_validator(mode="after")
    def _no_resolution(self, info: ValidationInfo) -> Sora2VideoInput:
        extra = self.model_extra or {}
        if "resolution" in extra and not _from_response(info):
            raise ValueError(
                'resolution is only for task_type "sora2-pro-video" (720p, 1080p); '
                '"sora2-video" has a fixed resolution'
            )
        return self


class Sora2ProVideoInput(_Sora2InputBase):
    """Input of `sora2-pro-video`: text-to-video at `resolution` 720p or 1080p."""

    resolution: str = "720p"

    @field_validator("resolution")
    @classmethod
    def _known_resolution(cls, value: str, info: ValidationInfo) -> str:
        _check_allowed("resolution", value, get_args(Resolution), info)
        return value

    @model_validator(mode="after")
    def _no_image(self, info: ValidationInfo) -> Sora2ProVideoInput:
        extra = self.model_extra or {}
        if extra.get("image_url") is not None and not _from_response(info):
            raise ValueError('image_url (image-to-video) is only for task_type "sora2-video"')
        return self


class Sora2VideoOutput(WireModel):
    """Output of a completed Sora 2 task: `video` is an ephemeral URL; download it promptly."""

    video: str | None = None


class Sora2Task(Task[Sora2VideoInput | Sora2ProVideoInput, Sora2VideoOutput]):
    """A Sora 2 task with typed `input` and `output` (`task.output.video`)."""

    input: Sora2VideoInput | Sora2ProVideoInput = Field(default_factory=_empty_dict)  # type: ignore[assignment]

    @field_validator("input", mode="before")
    @classmethod
    def _input_for_task_type(cls, value: object, info: ValidationInfo) -> object:
        # Both input models accept each other's shape (unknown fields are kept), so the
        # task type, not the union, decides which one applies.
        if not isinstance(value, dict):
            return value
        input_class = (
            Sora2ProVideoInput
            if info.data.get("task_type") == "sora2-pro-video"
            else Sora2VideoInput
        )
        return input_class.model_validate(value, context=info.context)


def _require_known_task_type(task_type: str) -> None:
    if task_type not in PRICE_PER_SECOND_USD:
        choices = ", ".join(PRICE_PER_SECOND_USD)
        raise ValueError(f"task_type must be one of {choices} (got {task_type!r})")


def estimate_sora2_cost(*, duration: int, task_type: str = "sora2-video") -> Decimal:
    """The price in USD of a Sora 2 video before creating it: seconds x price per second."""
    _require_known_task_type(task_type)
    return PRICE_PER_SECOND_USD[task_type] * duration


def build_sora2_request(
    *,
    prompt: str,
    aspect_ratio: str,
    duration: int,
    task_type: str,
    image_url: str | None,
    resolution: str | None,
    webhook: WebhookConfig | None,
    service_mode: str | None,
) -> TaskRequest:
    """Check every value and build the create request; raises before anything is sent."""
    _require_known_task_type(task_type)
    video_input: Sora2VideoInput | Sora2ProVideoInput
    if task_type == "sora2-video":
        extra = {"resolution": resolution} if resolution is not None else {}
        video_input = Sora2VideoInput(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            image_url=image_url,
            **extra,
        )
    else:
        extra = {"image_url": image_url} if image_url is not None else {}
        video_input = Sora2ProVideoInput(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            resolution=resolution or "720p",
            **extra,
        )
    config = None
    if webhook is not None or service_mode is not None:
        config = TaskConfig(service_mode=service_mode, webhook_config=webhook)
    return TaskRequest(model=MODEL, task_type=task_type, input=video_input, config=config)
