"""Seedance 2 (`model: "seedance"`): typed requests for ByteDance's video model, with prices.

`Seedance2Input` (`seedance-2`) and `Seedance2PreviewInput` (`seedance-2-preview`, which
PiAPI now runs as `seedance-2`); both answer a `SeedanceTask`. Three modes: text-to-video,
first and last frames (`image_urls`), and omni reference (images, videos and audio named
in the prompt as `@image1`, `@video1`, `@audio1`). Billed at creation (`usage.type` "llm").
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from piapi._core.models import check_allowed
from piapi.families._base import FamilyInput, FamilyTask, VideoOutput, check_range, per_second

__all__ = [
    "Seedance2Input",
    "Seedance2PreviewInput",
    "SeedanceTask",
    "SeedanceVideoOutput",
]

SEEDANCE_2_PAGE = "https://piapi.ai/docs/seedance-api/seedance-2"

MODES = ("text_to_video", "first_last_frames", "omni_reference")  # SEEDANCE_2_PAGE
ASPECT_RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")  # SEEDANCE_2_PAGE
MIN_SECONDS, MAX_SECONDS = 4, 15  # SEEDANCE_2_PAGE: "user-controlled (4-15s)"
MAX_REFERENCES = 12  # SEEDANCE_2_PAGE: images, videos and audio share 12 in omni_reference
MAX_FRAMES = 2  # SEEDANCE_2_PAGE: first_last_frames takes 1-2 images
# USD per second of video, by resolution (SEEDANCE_2_PAGE, seedance-2 rows). With input
# videos PiAPI adds half the rate per second of them, which a request cannot know.
PRICE_PER_SECOND: dict[str, Decimal] = {
    "480p": Decimal("0.10"),
    "720p": Decimal("0.20"),
    "1080p": Decimal("0.50"),
}


class Seedance2Input(FamilyInput, model="seedance", task_type="seedance-2"):
    """Input of `seedance-2`: text-to-video, first and last frames, or omni reference.

    Sent when left out: `duration` 5, `resolution` "720p" (PiAPI's page advises setting it).
    Checked (https://piapi.ai/docs/seedance-api/seedance-2): `mode`, `duration` 4 to 15,
    `aspect_ratio` (21:9, 16:9, 4:3, 1:1, 3:4, 9:16), `resolution` (480p, 720p, 1080p), and
    which references each mode takes. Price per second: 480p $0.10, 720p $0.20, 1080p $0.50.
    """

    PAGE: ClassVar[str] = SEEDANCE_2_PAGE
    CALLER_DEFAULTS: ClassVar[Mapping[str, Any]] = {"duration": 5, "resolution": "720p"}

    prompt: str | None = None
    """What happens; refer to references as `@image1`, `@video1`, `@audio1`."""
    mode: str | None = None
    """`text_to_video`, `first_last_frames` or `omni_reference`; PiAPI infers it when left out."""
    duration: int | None = None
    """Seconds, 4 to 15."""
    aspect_ratio: str | None = None
    """Ignored in `first_last_frames` (the image decides)."""
    resolution: str | None = None
    """`480p`, `720p` or `1080p`: it sets the price."""
    image_urls: list[str] | None = None
    """First (and last) frame, or references: URLs PiAPI can fetch (upload a local file first)."""
    video_urls: list[str] | None = None
    """Reference videos (mp4, mov), `omni_reference` only."""
    audio_urls: list[str] | None = None
    """Soundtrack references (mp3, wav, up to 15 s each), `omni_reference` only."""

    # Named by this method, not as `FamilyInput["SeedanceTask"]`: `Seedance2PreviewInput`
    # subclasses this request, and pyright would misread its fields (see `FamilyInput`).
    @classmethod
    def task_class(cls) -> type[SeedanceTask]:
        """`SeedanceTask`: what PiAPI answers for Seedance 2 task types."""
        return SeedanceTask

    def estimate_cost(self) -> Decimal | None:
        """The price in USD: seconds x the per-second price of the resolution; None with
        input videos (their length adds to the price) or an unknown resolution."""
        if self.video_urls:
            return None
        return per_second(PRICE_PER_SECOND.get(self.resolution or ""), self.duration)

    def _check(self) -> None:
        images, videos, audios = (
            len(urls or []) for urls in (self.image_urls, self.video_urls, self.audio_urls)
        )
        if not (self.prompt or "").strip() and not images + videos:
            raise ValueError(f"give a prompt (or references to animate); see {self.PAGE}")
        if self.mode is not None:
            check_allowed("mode", self.mode, MODES, self.PAGE)
        check_range("duration", self.duration, MIN_SECONDS, MAX_SECONDS, self.PAGE)
        if self.aspect_ratio is not None:
            check_allowed("aspect_ratio", self.aspect_ratio, ASPECT_RATIOS, self.PAGE)
        if self.resolution is not None:
            check_allowed("resolution", self.resolution, tuple(PRICE_PER_SECOND), self.PAGE)
        if self.mode == "text_to_video" and images + videos + audios:
            raise ValueError(
                f"text_to_video takes no image_urls, video_urls or audio_urls; see {self.PAGE}"
            )
        if self.mode == "first_last_frames" and (not 1 <= images <= MAX_FRAMES or videos + audios):
            raise ValueError(
                f"first_last_frames takes 1 or 2 image_urls and no video or audio; see {self.PAGE}"
            )
        if images + videos + audios > MAX_REFERENCES:
            raise ValueError(
                f"at most {MAX_REFERENCES} references in all (images, videos and audio, "
                f"got {images + videos + audios}); see {self.PAGE}"
            )


class Seedance2PreviewInput(Seedance2Input, task_type="seedance-2-preview"):
    """Input of `seedance-2-preview`: PiAPI's Seedance 2 page lists it as deprecated, "now
    equivalent to seedance-2", so it takes the same values at the same prices."""


SeedanceInput = Seedance2Input | Seedance2PreviewInput


class SeedanceVideoOutput(VideoOutput):
    """Output of a completed Seedance task: `video`, the URL of the MP4."""

    video: str | None = None


class SeedanceTask(FamilyTask[SeedanceInput, SeedanceVideoOutput]):
    """A `seedance-2` or `seedance-2-preview` task, typed."""
