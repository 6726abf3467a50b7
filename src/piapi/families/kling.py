"""Kling (`model: "kling"`, `"kling-turbo"`): typed requests for every Kling task type.

Videos, each answering a `KlingTask`: `KlingVideoInput` (`video_generation`, Kling 3.0 by
default, `multi_shots` for per-shot prompts), `KlingOmniVideoInput` (`omni_video_generation`),
`KlingLipSyncInput` (`lip_sync`), `KlingExtendVideoInput` (`extend_video`),
`KlingEffectsInput` (`effects`), `KlingAvatarInput` (`avatar`), `KlingMotionControlInput`
(`motion_control`) and `KlingTurboVideoInput` (`model: "kling-turbo"`). An image:
`KlingTryOnInput` (`ai_try_on`, a `KlingTryOnTask`). Audio: `KlingSoundInput` (`sound`, a
`KlingSoundTask`). Pass them to `client.tasks.create(...)` or `create_and_wait(...)`. Kling
bills by holding credits at creation (`usage.type` "point"): `task.cost_usd` is the hold until
it completes; Kling turbo is billed at creation (`usage.type` "llm").

Two Kling 3.0 price tables are published under the same page (piapi.ai/docs/kling-api/kling-3-api):
$0.10/$0.15/$0.15/$0.20 per second beside the `video_generation` example and
$0.15/$0.20/$0.20/$0.30 beside the omni example. The first is `video_generation`'s (the product
page piapi.ai/kling-3-0 says the same: Standard $0.10/s, with audio $0.15/s), the second
omni's (the omni page's own table, and a published omni answer charged $0.45 for 3 s at 720p).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict, Field

from piapi._core.models import WireModel, _empty_list, check_allowed
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    TaskReference,
    TaskT,
    VideoOutput,
    check_max_length,
    check_positive,
    check_range,
    per_second,
    require_text,
)

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "KlingAvatarInput",
    "KlingEffectsInput",
    "KlingExtendVideoInput",
    "KlingLipSyncInput",
    "KlingMedia",
    "KlingMotionControlInput",
    "KlingOmniVideoInput",
    "KlingShot",
    "KlingSoundInput",
    "KlingSoundOutput",
    "KlingSoundTask",
    "KlingTask",
    "KlingTryOnInput",
    "KlingTryOnOutput",
    "KlingTryOnTask",
    "KlingTurboVideoInput",
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
KLING_TURBO_PAGE = "https://piapi.ai/docs/kling-api/kling-turbo-api"
EFFECTS_PAGE = "https://piapi.ai/docs/kling-api/kling-effects-api"
SOUND_PAGE = "https://piapi.ai/docs/kling-api/kling-sound-api"
TRY_ON_PAGE = "https://piapi.ai/docs/kling-api/virtual-try-on-api"
AVATAR_PAGE = "https://piapi.ai/docs/kling-api/kling-avatar-api"
MOTION_CONTROL_PAGE = "https://piapi.ai/docs/kling-api/kling-motion-control-api"

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

# EFFECTS_PAGE: the 14 effects, and those that need a prompt ("else generation very likely
# fails"); "$0.26 (std mode) / $0.46 (pro mode) for each output video for PAYG".
EFFECTS = (
    "squish",
    "expansion",
    "jellycat_oversea",
    "spinoff",
    "rocket",
    "hearting",
    "fighting",
    "kissing",
    "hugging",
    "figure",
    "vstack",
    "birthday",
    "water",
    "surfing",
)
EFFECTS_NEEDING_A_PROMPT = (
    "rocket",
    "hearting",
    "fighting",
    "kissing",
    "hugging",
    "birthday",
    "water",
)
EFFECT_PRICE = {False: Decimal("0.26"), True: Decimal("0.46")}  # by professional_mode
SOUND_SECONDS = (5, 10)  # SOUND_PAGE, default 10
SOUND_PRICE = Decimal("0.07")  # SOUND_PAGE: "$0.07 for each generation (4 outputs) for PPU"
TRY_ON_PRICE_PER_IMAGE = Decimal("0.07")  # TRY_ON_PAGE: "$0.07 for each output image for PAYG"
# Kling turbo, USD per second by mode: the product page KLING_3_PRODUCT_PAGE lists "Turbo
# Standard $0.13" and "Turbo Pro $0.19" per second. PiAPI's turbo docs example (2025-12,
# 5 s pro) was charged $0.28, less than this table: the estimate is the newer, higher price.
TURBO_PRICE_PER_SECOND = {"std": Decimal("0.13"), "pro": Decimal("0.19")}


class KlingShot(WireModel):
    """One shot of `multi_shots`: its own prompt and length in seconds."""

    duration: int
    prompt: str


class _KlingInput(FamilyInput[TaskT], model="kling"):
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


class KlingVideoInput(_KlingInput["KlingTask"], task_type="video_generation"):
    """Input of Kling `video_generation`: text- or image-to-video, Kling 3.0 unless `version`
    says otherwise (PiAPI's page: https://piapi.ai/docs/kling-api/kling-3-api).

    Sent when left out (the docs' example): `version` "3.0", `mode` "std", `duration` 5,
    `enable_audio` False. Checked: `mode` (std, pro), `aspect_ratio` (16:9, 9:16, 1:1),
    `cfg_scale` (0 to 1), prompts up to 2,500 characters, `image_tail_url` only with
    `image_url`. Price (Kling 3.0, per second): std (720p) $0.10, with audio $0.15; pro
    (1080p) $0.15, with audio $0.20.
    """

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
    camera_control: dict[str, Any] | None = None
    """Text-to-video only (CREATE_TASK_PAGE): `{"type": "simple", "config": {"horizontal",
    "vertical", "pan", "tilt", "roll", "zoom"}}`."""
    motion_brush: dict[str, Any] | None = None
    """Kling's motion brush (PiAPI's catalog; its shape is on the motion brush example page)."""
    elements: list[Any] | None = None
    """Kling elements: reference images (PiAPI's catalog)."""
    images: list[Any] | None = None
    """Reference images (PiAPI's catalog; not described on a page)."""
    resolution: str | None = None
    """PiAPI's catalog lists it; the price follows `mode` (std 720p, pro 1080p)."""

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


class KlingOmniVideoInput(_KlingInput["KlingTask"], task_type="omni_video_generation"):
    """Input of Kling `omni_video_generation` (Kling 3.0 omni; `version` "o1" for Kling o1),
    PiAPI's page: https://piapi.ai/docs/kling-api/kling-3-omni-api.

    Sent when left out (the docs' example): `version` "3.0", `resolution` "720p",
    `duration` 5, `enable_audio` False. Price (Kling 3.0 omni, per second): 720p $0.15, with
    audio $0.20; 1080p $0.20, with audio $0.30.
    """

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
    images: list[Any] | None = None
    """Reference images (PiAPI's catalog; not described on a page)."""
    video: str | None = None
    """A reference video URL (PiAPI's catalog)."""
    keep_original_audio: bool | None = None
    """Keep the reference video's sound (PiAPI's catalog)."""

    def _resolution(self) -> str | None:
        return self.resolution


class _KlingTaskInput(FamilyInput[TaskT], model="kling"):
    """A Kling request other than the two video generations: no price unless stated."""

    PAGE: ClassVar[str] = CREATE_TASK_PAGE


class KlingLipSyncInput(_KlingTaskInput["KlingTask"], task_type="lip_sync"):
    """Input of Kling `lip_sync`: make a Kling video (`origin_task_id`) or a video URL speak
    `tts_text` in the voice `tts_timbre`, or your own recording (`local_dubbing_url`).

    Checked (https://piapi.ai/docs/kling-api/create-task): a video (`origin_task_id` or
    `video_url`) and something to say (`tts_text` or `local_dubbing_url`). Price: not
    published.
    """

    origin_task_id: TaskReference | None = None
    """The task id of the earlier Kling video to lip-sync."""
    video_url: str | None = None
    """A video to lip-sync instead (PiAPI's catalog)."""
    tts_text: str | None = None
    """The text to speak; ignored when `local_dubbing_url` is given."""
    tts_timbre: str | None = None
    """The voice (Kling's TTS voice list)."""
    tts_speed: float | None = None
    """The speed of speech; only with `tts_text`."""
    local_dubbing_url: str | None = None
    """Your audio (mp3, wav, flac, ogg; under 20 MB and 60 s); trimmed to the video's length."""

    def _check(self) -> None:
        if not str(self.origin_task_id or "").strip() and not (self.video_url or "").strip():
            raise ValueError(
                f"give origin_task_id (or video_url): the video to lip-sync; see {self.PAGE}"
            )
        if not (self.tts_text or "").strip() and not (self.local_dubbing_url or "").strip():
            raise ValueError(f"give tts_text or local_dubbing_url: what to say; see {self.PAGE}")


class KlingExtendVideoInput(_KlingTaskInput["KlingTask"], task_type="extend_video"):
    """Input of Kling `extend_video`: continue the video of an earlier Kling task.

    Checked (https://piapi.ai/docs/kling-api/create-task): `origin_task_id` required.
    Price: not published.
    """

    origin_task_id: TaskReference | None = None
    """The task id of the Kling video to extend (required)."""
    prompt: str | None = None

    def _check(self) -> None:
        require_text("origin_task_id", self.origin_task_id, self.PAGE)


class KlingEffectsInput(_KlingTaskInput["KlingTask"], task_type="effects"):
    """Input of Kling `effects`: animate `image_url` with one of Kling's effects.

    Checked (https://piapi.ai/docs/kling-api/kling-effects-api): `effect` one of squish,
    expansion, jellycat_oversea, spinoff, rocket, hearting, fighting, kissing, hugging, figure,
    vstack, birthday, water, surfing; `image_url` required; a `prompt` for rocket, hearting,
    fighting, kissing, hugging, birthday and water. Price per video: $0.26, with
    `professional_mode` $0.46 (its default is False).
    """

    PAGE: ClassVar[str] = EFFECTS_PAGE

    effect: str | None = None
    image_url: str | None = None
    """The image to animate: a URL PiAPI can fetch (upload a local file first)."""
    prompt: str | None = None
    professional_mode: bool | None = None
    """Pro mode: a higher price (default False)."""

    def estimate_cost(self) -> Decimal | None:
        """$0.26 per video, $0.46 with `professional_mode`."""
        return EFFECT_PRICE[bool(self.professional_mode)]

    def _check(self) -> None:
        check_allowed("effect", self.effect, EFFECTS, self.PAGE)
        require_text("image_url", self.image_url, self.PAGE)
        if self.effect in EFFECTS_NEEDING_A_PROMPT and not (self.prompt or "").strip():
            raise ValueError(f"the {self.effect} effect needs a prompt; see {self.PAGE}")


class KlingAvatarInput(_KlingTaskInput["KlingTask"], task_type="avatar"):
    """Input of Kling `avatar`: a talking avatar from `image_url` and an audio
    (https://piapi.ai/docs/kling-api/kling-avatar-api). The page's parameter table was not
    readable: the names are PiAPI's catalog's, nothing but counts is checked. Price: not
    published."""

    PAGE: ClassVar[str] = AVATAR_PAGE

    image_url: str | None = None
    local_dubbing_url: str | None = None
    prompt: str | None = None
    mode: str | None = None
    batch_size: int | None = None

    def _check(self) -> None:
        check_positive("batch_size", [self.batch_size])


class KlingMotionControlInput(_KlingTaskInput["KlingTask"], task_type="motion_control"):
    """Input of Kling `motion_control`: move the character of `image_url` like a reference
    video (`video_url`) or a preset motion (`preset_motion`).

    Checked (https://piapi.ai/docs/kling-api/kling-motion-control-api): `video_url` or
    `preset_motion`. Price: not published.
    """

    PAGE: ClassVar[str] = MOTION_CONTROL_PAGE

    image_url: str | None = None
    """The character image."""
    video_url: str | None = None
    """The motion reference video (in PiAPI's example, not its catalog)."""
    preset_motion: str | None = None
    """A preset motion, e.g. "Heart Gesture Dance" (the page's example)."""
    motion_direction: str | None = None
    """The page's example: "video"."""
    keep_original_sound: bool | None = None
    mode: str | None = None
    """The page's example: "std"."""
    version: str | None = None
    """The page's example: "2.6"."""

    def _check(self) -> None:
        if not (self.video_url or "").strip() and not (self.preset_motion or "").strip():
            raise ValueError(
                f"give video_url or preset_motion: the motion to copy; see {self.PAGE}"
            )


class KlingTurboVideoInput(
    _KlingTaskInput["KlingTask"], model="kling-turbo", task_type="video_generation"
):
    """Input of Kling turbo `video_generation` (`model: "kling-turbo"`, version "2.5-turbo"),
    PiAPI's page: https://piapi.ai/docs/kling-api/kling-turbo-api.

    Checked: a `prompt`, `mode` std or pro. Price per second (https://piapi.ai/kling-3-0):
    std $0.13, pro $0.19; PiAPI's turbo example (5 s pro, 2025-12) was charged $0.28, so this
    estimate may be above the charge.
    """

    PAGE: ClassVar[str] = KLING_TURBO_PAGE

    prompt: str | None = None
    negative_prompt: str | None = None
    duration: int | None = None
    """Seconds; the page's example: 5."""
    aspect_ratio: str | None = None
    mode: str | None = None
    """`std` or `pro`: the price."""
    version: str | None = None
    """The page's example: "2.5-turbo"."""
    start_image_url: str | None = None
    """The first frame (PiAPI's catalog)."""
    end_image_url: str | None = None
    """The last frame (PiAPI's catalog)."""
    image_url: str | None = None
    """The first frame as the page's example names it."""

    def estimate_cost(self) -> Decimal | None:
        """Seconds x the turbo price of `mode`; None when either is unknown."""
        return per_second(TURBO_PRICE_PER_SECOND.get(self.mode or ""), self.duration)

    def _check(self) -> None:
        require_text("prompt", self.prompt, self.PAGE)
        check_positive("duration", [self.duration])
        if self.mode is not None:
            check_allowed("mode", self.mode, MODES, f"{CREATE_TASK_PAGE}, {KLING_3_PRODUCT_PAGE}")


class KlingTryOnInput(_KlingTaskInput["KlingTryOnTask"], task_type="ai_try_on"):
    """Input of Kling `ai_try_on`: dress the person of `model_input` in `dress_input`, or in
    `upper_input` and `lower_input` (https://piapi.ai/docs/kling-api/virtual-try-on-api; the
    names are PiAPI's catalog's, the page's table was not readable).

    Price: $0.07 per output image, so `batch_size` x $0.07 (None when `batch_size` is not
    given: PiAPI's default is not published).
    """

    model_config = ConfigDict(
        validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    PAGE: ClassVar[str] = TRY_ON_PAGE

    person_image: str | None = Field(default=None, alias="model_input")
    """`model_input` on the wire (pydantic keeps `model_` names for itself): the person."""
    dress_input: str | None = None
    upper_input: str | None = None
    lower_input: str | None = None
    batch_size: int | None = None
    """How many images: the price."""

    def estimate_cost(self) -> Decimal | None:
        """`batch_size` x $0.07; None without a `batch_size`."""
        return None if self.batch_size is None else TRY_ON_PRICE_PER_IMAGE * self.batch_size

    def _check(self) -> None:
        check_positive("batch_size", [self.batch_size])


class KlingSoundInput(_KlingTaskInput["KlingSoundTask"], task_type="sound"):
    """Input of Kling `sound`: sound from a `prompt`, or for an earlier Kling video
    (`origin_task_id`).

    Checked (https://piapi.ai/docs/kling-api/kling-sound-api): `duration` 5 or 10 (default
    10). Price: $0.07 per generation (4 outputs).
    """

    PAGE: ClassVar[str] = SOUND_PAGE

    prompt: str | None = None
    duration: int | None = None
    """Seconds: 5 or 10 (default 10)."""
    origin_task_id: TaskReference | None = None
    """An earlier Kling task (its video) to make the sound for."""

    def estimate_cost(self) -> Decimal | None:
        """$0.07 per generation."""
        return SOUND_PRICE

    def _check(self) -> None:
        if self.duration is not None:
            check_allowed("duration", self.duration, SOUND_SECONDS, self.PAGE)


KlingInput = (
    KlingVideoInput
    | KlingOmniVideoInput
    | KlingLipSyncInput
    | KlingExtendVideoInput
    | KlingEffectsInput
    | KlingAvatarInput
    | KlingMotionControlInput
    | KlingTurboVideoInput
)


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


class KlingVideoOutput(VideoOutput):
    """Output of a Kling video task, in either of PiAPI's shapes.

    Kling 3.0 and omni: `video`, the URL of the MP4 (`""` until done). Older versions:
    `works[]`, each with `video.resource_without_watermark` and `video.resource`.
    `task.media_urls` ranks them all: the watermark-free file first.
    """

    video: str | None = None
    video_url: str | None = None
    type: str | None = None
    status: int | None = None
    works: list[KlingWork] = Field(default_factory=_empty_list)


class KlingTryOnOutput(KlingVideoOutput):
    """Output of a Kling `ai_try_on` task: PiAPI documents none; every field is kept, and
    `task.media_urls` finds the images in any of Kling's shapes."""

    MEDIA_KIND: ClassVar[MediaKind] = "image"


class KlingSoundOutput(KlingVideoOutput):
    """Output of a Kling `sound` task (4 audio files per generation): PiAPI documents no
    shape; every field is kept, and `task.media_urls` finds the files."""

    MEDIA_KIND: ClassVar[MediaKind] = "audio"


class KlingTask(FamilyTask[KlingInput, KlingVideoOutput]):
    """A Kling video task (every task type but `ai_try_on` and `sound`), typed.

    `task.input` is the request class of its `task_type` (and model: `kling-turbo`),
    `task.output` a `KlingVideoOutput`; `task.result_url` is the best video.
    """


class KlingTryOnTask(FamilyTask[KlingTryOnInput, KlingTryOnOutput]):
    """A Kling `ai_try_on` task, typed: its results are images."""


class KlingSoundTask(FamilyTask[KlingSoundInput, KlingSoundOutput]):
    """A Kling `sound` task, typed: its results are audio files."""
