"""Kling (`model: "kling"`): typed requests for Kling video and Kling omni video, with prices.

`KlingVideoInput` (`video_generation`, Kling 3.0 by default, `multi_shots` for per-shot
prompts) and `KlingOmniVideoInput` (`omni_video_generation`); both answer a `KlingTask`.
Pass them to `client.tasks.create(...)` or `create_and_wait(...)`. Kling bills by holding
credits at creation (`usage.type` "point"): `task.cost_usd` is the hold until it completes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from piapi._core.models import TaskInput, WireModel, _empty_list, check_allowed
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    check_max_length,
    check_positive,
    check_range,
    per_second,
)

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "KlingMedia",
    "KlingOmniVideoInput",
    "KlingShot",
    "KlingTask",
    "KlingVideoInput",
    "KlingVideoOutput",
    "KlingWork",
]

KLING_3_PAGE = "https://piapi.ai/docs/kling-api/kling-3-api"
KLING_OMNI_PAGE = "https://piapi.ai/docs/kling-api/kling-3-omni-api"
# The schema of the `video_generation` task type (written for Kling 1.x, still its schema).
VIDEO_GENERATION_PAGE = "https://piapi.ai/docs/kling-api/video-generation"
CREATE_TASK_PAGE = "https://piapi.ai/docs/kling-api/create-task"
# PiAPI's Kling 3.0 product pages name the tiers: "Standard ... 720p" (kling-3-0) and
# "Pro 1080p" (kling-3-omni): how a `mode` maps to a row of the price table.
KLING_3_PRODUCT_PAGE = "https://piapi.ai/kling-3-0"
KLING_OMNI_PRODUCT_PAGE = "https://piapi.ai/kling-3-omni"

ASPECT_RATIOS = ("16:9", "9:16", "1:1")  # VIDEO_GENERATION_PAGE
MODES = ("std", "pro")  # CREATE_TASK_PAGE ("std", "pro"; pay-as-you-go only)
MAX_PROMPT = 2500  # VIDEO_GENERATION_PAGE, prompt and negative_prompt
RESOLUTION_OF_MODE = {"std": "720p", "pro": "1080p"}  # the two product pages above

# USD per second of video, by (resolution, enable_audio).
VIDEO_PRICE_PER_SECOND: dict[tuple[str, bool], Decimal] = {  # KLING_3_PAGE, Kling 3.0
    ("720p", False): Decimal("0.10"),
    ("720p", True): Decimal("0.15"),
    ("1080p", False): Decimal("0.15"),
    ("1080p", True): Decimal("0.20"),
}
# KLING_3_PAGE (the copy beside the omni request) and KLING_OMNI_PAGE; a published omni
# answer agrees: 3 s at 720p without audio charged $0.45.
OMNI_PRICE_PER_SECOND: dict[tuple[str, bool], Decimal] = {
    ("720p", False): Decimal("0.15"),
    ("720p", True): Decimal("0.20"),
    ("1080p", False): Decimal("0.20"),
    ("1080p", True): Decimal("0.30"),
}
PRICED_VERSION = "3.0"  # the tables are Kling 3.0's; other versions have no published price


class KlingShot(WireModel):
    """One shot of `multi_shots`: its own prompt and length in seconds."""

    duration: int
    prompt: str


class _KlingInput(FamilyInput):
    MODEL: ClassVar[str] = "kling"
    PRICES: ClassVar[dict[tuple[str, bool], Decimal]]
    PAGE: ClassVar[str]
    SUBJECTS: ClassVar[str] = "a prompt or multi_shots"

    prompt: str | None = None
    duration: int | None = None
    """Seconds; ignored by PiAPI when `multi_shots` is given (their lengths add up)."""
    aspect_ratio: str | None = None
    enable_audio: bool | None = None
    """Native audio; it changes the price."""
    multi_shots: list[KlingShot] | None = None
    """Per-shot prompts and lengths; PiAPI then ignores `prompt` and `duration`."""
    version: str | None = None

    @classmethod
    def task_class(cls) -> type[KlingTask]:
        """`KlingTask`: what PiAPI answers for both Kling task types."""
        return KlingTask

    @classmethod
    def _defaults_for(cls, fields: Mapping[str, Any]) -> Mapping[str, Any]:
        if fields.get("multi_shots"):  # the shots' lengths make the duration
            return {k: v for k, v in cls.CALLER_DEFAULTS.items() if k != "duration"}
        return cls.CALLER_DEFAULTS

    @property
    def seconds(self) -> int | None:
        """The video's length: the shots' lengths added up, else `duration`."""
        if self.multi_shots:
            return sum(shot.duration for shot in self.multi_shots)
        return self.duration

    def _resolution(self) -> str | None:
        raise NotImplementedError

    def estimate_cost(self) -> Decimal | None:
        """The price in USD: seconds x the per-second price of Kling 3.0 at this resolution,
        with or without audio; None for another version or an unknown resolution."""
        resolution = self._resolution()
        if self.version != PRICED_VERSION or resolution is None or self.enable_audio is None:
            return None
        return per_second(self.PRICES.get((resolution, self.enable_audio)), self.seconds)

    def _describes_a_video(self) -> bool:
        return bool((self.prompt or "").strip() or self.multi_shots)

    def _check(self) -> None:
        if not self._describes_a_video():
            raise ValueError(f"give {self.SUBJECTS}; see {self.PAGE}")
        check_positive("duration", [self.duration])
        for shot in self.multi_shots or []:
            check_positive("multi_shots duration", [shot.duration])
            if not shot.prompt.strip():
                raise ValueError(f"each of multi_shots needs a prompt; see {self.PAGE}")


class KlingVideoInput(_KlingInput):
    """Input of Kling `video_generation`: text- or image-to-video, Kling 3.0 unless `version`
    says otherwise (PiAPI's page: https://piapi.ai/docs/kling-api/kling-3-api).

    Sent when left out (the docs' example): `version` "3.0", `mode` "std", `duration` 5,
    `enable_audio` False. Checked: `mode` (std, pro), `aspect_ratio` (16:9, 9:16, 1:1),
    `cfg_scale` (0 to 1), prompts up to 2,500 characters, `image_tail_url` only with
    `image_url`. Price (Kling 3.0, per second): std (720p) $0.10, with audio $0.15; pro
    (1080p) $0.15, with audio $0.20.
    """

    TASK_TYPE: ClassVar[str] = "video_generation"
    PRICES: ClassVar[dict[tuple[str, bool], Decimal]] = VIDEO_PRICE_PER_SECOND
    PAGE: ClassVar[str] = KLING_3_PAGE
    SUBJECTS: ClassVar[str] = "a prompt, multi_shots or an image_url"
    CALLER_DEFAULTS: ClassVar[Mapping[str, Any]] = {
        "version": "3.0",
        "mode": "std",
        "duration": 5,
        "enable_audio": False,
    }

    mode: str | None = None
    """`std` (720p) or `pro` (1080p): the quality tier, and the price."""
    prefer_multi_shots: bool | None = None
    negative_prompt: str | None = None
    cfg_scale: float | None = None
    """How closely to follow the prompt, 0 to 1."""
    image_url: str | None = None
    """The first frame (image-to-video): a URL PiAPI can fetch (upload a local file first)."""
    image_tail_url: str | None = None
    """The last frame; needs `image_url`."""

    def _resolution(self) -> str | None:
        return RESOLUTION_OF_MODE.get(self.mode or "")

    def _describes_a_video(self) -> bool:
        return super()._describes_a_video() or bool(self.image_url)  # image-to-video

    def _check(self) -> None:
        super()._check()
        if self.mode is not None:
            check_allowed("mode", self.mode, MODES, CREATE_TASK_PAGE)
        if self.aspect_ratio is not None:
            check_allowed("aspect_ratio", self.aspect_ratio, ASPECT_RATIOS, VIDEO_GENERATION_PAGE)
        check_range("cfg_scale", self.cfg_scale, 0, 1, VIDEO_GENERATION_PAGE)
        check_max_length("prompt", self.prompt, MAX_PROMPT, VIDEO_GENERATION_PAGE)
        check_max_length("negative_prompt", self.negative_prompt, MAX_PROMPT, VIDEO_GENERATION_PAGE)
        if self.image_tail_url and not self.image_url:
            raise ValueError(
                f"image_tail_url (the last frame) needs image_url; see {VIDEO_GENERATION_PAGE}"
            )


class KlingOmniVideoInput(_KlingInput):
    """Input of Kling `omni_video_generation` (Kling 3.0 omni; `version` "o1" for Kling o1),
    PiAPI's page: https://piapi.ai/docs/kling-api/kling-3-omni-api.

    Sent when left out (the docs' example): `version` "3.0", `resolution` "720p",
    `duration` 5, `enable_audio` False. Price (Kling 3.0 omni, per second): 720p $0.15, with
    audio $0.20; 1080p $0.20, with audio $0.30.
    """

    TASK_TYPE: ClassVar[str] = "omni_video_generation"
    PRICES: ClassVar[dict[tuple[str, bool], Decimal]] = OMNI_PRICE_PER_SECOND
    PAGE: ClassVar[str] = KLING_OMNI_PAGE
    CALLER_DEFAULTS: ClassVar[Mapping[str, Any]] = {
        "version": "3.0",
        "resolution": "720p",
        "duration": 5,
        "enable_audio": False,
    }

    resolution: str | None = None
    """`720p` or `1080p` in the docs' price table (other values are sent, unpriced)."""

    def _resolution(self) -> str | None:
        return self.resolution


KlingInput = KlingVideoInput | KlingOmniVideoInput


class KlingMedia(WireModel):
    """A file of a legacy Kling result: `resource` (watermarked) and the clean copy."""

    resource: str | None = None
    resource_without_watermark: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    """Milliseconds."""


class KlingWork(WireModel):
    """One result of a legacy Kling task (versions before 3.0): its video and cover."""

    status: int | None = None
    type: str | None = None
    video: KlingMedia | None = None
    cover: KlingMedia | None = None
    """A preview image, not a result."""


class KlingVideoOutput(WireModel):
    """Output of a Kling video task, in either of PiAPI's shapes.

    Kling 3.0 and omni: `video`, the URL of the MP4 (`""` until done). Older versions:
    `works[]`, each with `video.resource_without_watermark` and `video.resource`.
    `task.media_urls` ranks them all: the watermark-free file first.
    """

    MEDIA_KIND: ClassVar[MediaKind] = "video"

    video: str | None = None
    video_url: str | None = None
    type: str | None = None
    status: int | None = None
    works: list[KlingWork] = Field(default_factory=_empty_list)


class KlingTask(FamilyTask[KlingInput, KlingVideoOutput]):
    """A Kling `video_generation` or `omni_video_generation` task, typed.

    `task.input` is a `KlingVideoInput` or `KlingOmniVideoInput` (by `task_type`),
    `task.output` a `KlingVideoOutput`; `task.result_url` is the best video.
    """

    output: KlingVideoOutput | None = None
    INPUTS: ClassVar[tuple[type[TaskInput], ...]] = (KlingVideoInput, KlingOmniVideoInput)
