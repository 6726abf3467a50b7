"""Hailuo (`model: "hailuo"`): typed requests for MiniMax's video model, with prices.

`HailuoVideoInput` (`video_generation`) answers a `HailuoTask`. The sub-model in
`input.model` decides the kind: `t2v-*` text-to-video, `i2v-*` image-to-video, `s2v-01`
a subject (a face) kept from an image. Hailuo holds credits at creation and charges only a
task that completes (`usage.type` "point").
"""

from __future__ import annotations

from decimal import Decimal

from piapi._core.models import check_allowed
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    VideoOutput,
    check_max_length,
    require_text,
)

__all__ = ["HailuoTask", "HailuoVideoInput", "HailuoVideoOutput"]

GENERATE_VIDEO_PAGE = "https://piapi.ai/docs/hailuo-api/generate-video"
PRODUCT_PAGE = "https://piapi.ai/hailuo"  # and PiAPI's CLI, whose default is "v2.3"

TEXT_TO_VIDEO = ("t2v-01", "t2v-01-director")  # GENERATE_VIDEO_PAGE
IMAGE_TO_VIDEO = ("i2v-01", "i2v-01-live")  # GENERATE_VIDEO_PAGE
SUBJECT_TO_VIDEO = ("s2v-01",)  # GENERATE_VIDEO_PAGE
LATEST = ("v2.3", "v2.3-fast")  # PRODUCT_PAGE
SUB_MODELS = (*TEXT_TO_VIDEO, *IMAGE_TO_VIDEO, *SUBJECT_TO_VIDEO, *LATEST)
MAX_PROMPT = 2000  # GENERATE_VIDEO_PAGE
# USD per video (GENERATE_VIDEO_PAGE); v2.3 and t2v-01-director have no exact price there.
PRICE: dict[str, Decimal] = {
    "t2v-01": Decimal("0.20"),
    "i2v-01": Decimal("0.20"),
    "i2v-01-live": Decimal("0.20"),
    "s2v-01": Decimal("0.30"),
}


class HailuoVideoInput(FamilyInput["HailuoTask"], model="hailuo", task_type="video_generation"):
    """Input of Hailuo `video_generation` (https://piapi.ai/docs/hailuo-api/generate-video).

    Checked: `model` (t2v-01, t2v-01-director, i2v-01, i2v-01-live, s2v-01, and v2.3,
    v2.3-fast from https://piapi.ai/hailuo), `prompt` up to 2,000 characters and required
    but for image-to-video, `image_url` required for i2v and s2v and refused for t2v.
    Price per video: t2v-01, i2v-01, i2v-01-live $0.20; s2v-01 $0.30; others unpublished.
    """

    model: str | None = None
    """The Hailuo sub-model (required): see the class docs for the choices."""
    prompt: str | None = None
    expand_prompt: bool | None = None
    """Let Hailuo rewrite the prompt."""
    image_url: str | None = None
    """JPG or PNG, up to 10 MB, 300-4096 px a side: a URL PiAPI can fetch
    (upload a local file first). A subject image (s2v-01) must show a face."""
    duration: int | None = None
    """Seconds (PiAPI's catalog; the allowed values are not published)."""
    resolution: int | None = None
    """A number such as 768 or 1080 (PiAPI's catalog; the allowed values are not published)."""

    def estimate_cost(self) -> Decimal | None:
        """The price in USD of one video of this sub-model; None where none is published."""
        return PRICE.get(self.model or "")

    def _check(self) -> None:
        check_allowed("model", self.model, SUB_MODELS, f"{GENERATE_VIDEO_PAGE}, {PRODUCT_PAGE}")
        check_max_length("prompt", self.prompt, MAX_PROMPT, GENERATE_VIDEO_PAGE)
        if self.model in TEXT_TO_VIDEO + SUBJECT_TO_VIDEO:
            require_text("prompt", self.prompt, GENERATE_VIDEO_PAGE)
        if self.model in IMAGE_TO_VIDEO + SUBJECT_TO_VIDEO and not self.image_url:
            raise ValueError(f"{self.model} needs an image_url; see {GENERATE_VIDEO_PAGE}")
        if self.model in TEXT_TO_VIDEO and self.image_url:
            raise ValueError(
                f"{self.model} is text-to-video: it must not be given an image_url "
                f"(use an i2v model); see {GENERATE_VIDEO_PAGE}"
            )


class HailuoVideoOutput(VideoOutput):
    """Output of a Hailuo task: `video_url` and `download_url` are results (`""` until
    done), `cover_url` a preview."""

    video_url: str | None = None
    download_url: str | None = None
    cover_url: str | None = None
    percent: int | None = None
    status: int | None = None
    width: int | None = None
    height: int | None = None
    desc: str | None = None
    message: str | None = None
    model_id: str | None = None
    prompt_img_url: str | None = None
    user_origin_prompt: bool | None = None


class HailuoTask(FamilyTask[HailuoVideoInput, HailuoVideoOutput]):
    """A Hailuo `video_generation` task, typed."""
