"""Veo 3 and Veo 3.1 (`model: "veo3"`, `"veo3.1"`): typed requests for Google's video models.

Four task types, each text-to-video or, with `image_url`, image-to-video: `veo3-video`,
`veo3-video-fast` (`Veo3VideoInput`, `Veo3FastVideoInput`), `veo3.1-video`,
`veo3.1-video-fast` (`Veo31VideoInput`, `Veo31FastVideoInput`). All answer a `VeoTask`.
`duration` is text such as `"8s"` (an int is turned into that form).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import ValidationInfo, field_validator

from piapi._core.models import from_response
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    TaskT,
    VideoOutput,
    per_second,
    require_text,
)

__all__ = [
    "Veo3FastVideoInput",
    "Veo3VideoInput",
    "Veo31FastVideoInput",
    "Veo31VideoInput",
    "VeoTask",
    "VeoVideoOutput",
]

VEO3_PAGE = "https://piapi.ai/docs/veo3-api/image-to-video"
VEO31_PAGE = "https://piapi.ai/docs/veo31-api/text-to-video"

# USD per second of video, by generate_audio; the same table on both pages.
STANDARD_PRICE = {True: Decimal("0.24"), False: Decimal("0.12")}  # veo3(.1)-video
FAST_PRICE = {True: Decimal("0.09"), False: Decimal("0.06")}  # veo3(.1)-video-fast

_DURATION = re.compile(r"(\d+)s")


class _VeoInput(FamilyInput[TaskT]):
    PRICE_PER_SECOND: ClassVar[dict[bool, Decimal]]
    PAGE: ClassVar[str]
    CALLER_DEFAULTS: ClassVar[Mapping[str, Any]] = {"duration": "8s", "generate_audio": True}

    prompt: str | None = None
    image_url: str | None = None
    """The first frame (image-to-video): a URL PiAPI can fetch (upload a local file first)."""
    negative_prompt: str | None = None
    aspect_ratio: str | None = None
    """The docs show "16:9", and "auto" (from the image) for image-to-video."""
    duration: str | None = None
    """Text such as "8s" (the docs' example); an int `8` is sent as "8s"."""
    resolution: str | None = None
    """The docs show "720p"; it does not change the price."""
    generate_audio: bool | None = None
    """Native audio; it changes the price."""

    @field_validator("duration", mode="before")
    @classmethod
    def _seconds_as_text(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and not from_response(info):
            return f"{value}s"
        return value

    @property
    def seconds(self) -> int | None:
        """`duration` in whole seconds; None when missing or not of the form "8s"."""
        match = _DURATION.fullmatch((self.duration or "").strip())
        return int(match.group(1)) if match else None

    def estimate_cost(self) -> Decimal | None:
        """The price in USD: seconds x the per-second price with or without audio."""
        if self.generate_audio is None:
            return None
        return per_second(self.PRICE_PER_SECOND[self.generate_audio], self.seconds)

    def _check(self) -> None:
        require_text("prompt", self.prompt, self.PAGE)
        if self.duration is not None and (self.seconds or 0) <= 0:
            raise ValueError(
                f'duration must be text such as "8s" (got {self.duration!r}); see {self.PAGE}'
            )


class Veo3VideoInput(_VeoInput["VeoTask"], model="veo3", task_type="veo3-video"):
    """Input of `veo3-video` (Veo 3): $0.24/s with audio, $0.12/s without.

    Sent when left out: `duration` "8s", `generate_audio` True. PiAPI's page:
    https://piapi.ai/docs/veo3-api/image-to-video.
    """

    PRICE_PER_SECOND: ClassVar[dict[bool, Decimal]] = STANDARD_PRICE
    PAGE: ClassVar[str] = VEO3_PAGE


class Veo3FastVideoInput(_VeoInput["VeoTask"], model="veo3", task_type="veo3-video-fast"):
    """Input of `veo3-video-fast` (Veo 3 fast): $0.09/s with audio, $0.06/s without."""

    PRICE_PER_SECOND: ClassVar[dict[bool, Decimal]] = FAST_PRICE
    PAGE: ClassVar[str] = VEO3_PAGE


class _Veo31Input(_VeoInput[TaskT], model="veo3.1"):
    PAGE: ClassVar[str] = VEO31_PAGE

    tail_image_url: str | None = None
    """The last frame (PiAPI's catalog; its rules are not published)."""


class Veo31VideoInput(_Veo31Input["VeoTask"], task_type="veo3.1-video"):
    """Input of `veo3.1-video` (Veo 3.1): $0.24/s with audio, $0.12/s without.

    PiAPI's page: https://piapi.ai/docs/veo31-api/text-to-video.
    """

    PRICE_PER_SECOND: ClassVar[dict[bool, Decimal]] = STANDARD_PRICE

    reference_image_urls: list[str] | None = None
    """Reference images (PiAPI's catalog, `veo3.1-video` only; their rules are not published)."""


class Veo31FastVideoInput(_Veo31Input["VeoTask"], task_type="veo3.1-video-fast"):
    """Input of `veo3.1-video-fast` (Veo 3.1 fast): $0.09/s with audio, $0.06/s without."""

    PRICE_PER_SECOND: ClassVar[dict[bool, Decimal]] = FAST_PRICE


VeoInput = Veo3VideoInput | Veo3FastVideoInput | Veo31VideoInput | Veo31FastVideoInput


class VeoVideoOutput(VideoOutput):
    """Output of a completed Veo task: `video`, the URL of the MP4.

    PiAPI's published example is cut before its output; `video` is what the other video
    models answer. Whatever the shape, `task.media_urls` finds the result.
    """

    video: str | None = None


class VeoTask(FamilyTask[VeoInput, VeoVideoOutput]):
    """A Veo 3 or Veo 3.1 task, typed: `task.input` is the request class of its task type."""
