"""Midjourney (`model: "midjourney"`): typed requests for every Midjourney task type.

`imagine` makes a 2x2 grid; `upscale`, `variation`, `reroll`, `inpaint`, `outpaint`, `pan`
and `seed` act on an earlier task (`origin_task_id`); `blend` mixes images; `describe`
writes prompts for an image. Image tasks answer a `MidjourneyTask` (`image_url`, the grid;
`image_urls`, its four images; `temporary_image_urls`), `describe` and `seed` a
`MidjourneyTextTask`. PiAPI publishes no Midjourney price in its docs and has announced the
end of its Midjourney support (https://piapi.ai/docs/sunsetting-midjourney):
`estimate_cost()` is None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from piapi._core.models import WireModel, check_allowed
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    ImageOutput,
    TaskReference,
    TaskT,
    require_text,
)

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "MidjourneyBlendInput",
    "MidjourneyDescribeInput",
    "MidjourneyImageOutput",
    "MidjourneyImagineInput",
    "MidjourneyInpaintInput",
    "MidjourneyOutpaintInput",
    "MidjourneyPanInput",
    "MidjourneyRerollInput",
    "MidjourneySeedInput",
    "MidjourneyTask",
    "MidjourneyTextOutput",
    "MidjourneyTextTask",
    "MidjourneyUpscaleInput",
    "MidjourneyVariationInput",
]

DOCS = "https://piapi.ai/docs/midjourney-api"
IMAGINE_PAGE = f"{DOCS}/imagine"
UPSCALE_PAGE = f"{DOCS}/upscale"
VARIATION_PAGE = f"{DOCS}/variation"
REROLL_PAGE = f"{DOCS}/reroll"
DESCRIBE_PAGE = f"{DOCS}/describe"
RESULT_PAGE = f"{DOCS}/task-result-explaination"  # the output's keys (PiAPI's spelling)

MIDJOURNEY = "midjourney"
PROCESS_MODES = ("relax", "fast", "turbo")  # IMAGINE_PAGE
# UPSCALE_PAGE: 1-4 for a grid; light, beta for V4, 2x, 4x for V5, subtle, creative for V6
# upscaled tasks.
UPSCALE_INDEXES = ("1", "2", "3", "4", "light", "beta", "2x", "4x", "subtle", "creative")
# VARIATION_PAGE: 1-4 for a grid; high_variation (vary strong), low_variation (vary subtle)
# for upscaled tasks of V5.2 and V6.
VARIATION_INDEXES = ("1", "2", "3", "4", "high_variation", "low_variation")


class _MidjourneyInput(FamilyInput[TaskT], model=MIDJOURNEY):
    """A Midjourney request (each names its task: images, or text for `describe` and `seed`)."""


class _FollowUpInput(_MidjourneyInput[TaskT]):
    """A request on an earlier task (its images, or its seed): `origin_task_id` first."""

    origin_task_id: TaskReference | None = None
    """The earlier Midjourney task's id."""


class MidjourneyImagineInput(_MidjourneyInput["MidjourneyTask"], task_type="imagine"):
    """Input of `imagine`: a 2x2 grid from a prompt (https://piapi.ai/docs/midjourney-api/imagine).

    Checked: `prompt` required, `process_mode` (relax, fast, turbo). `aspect_ratio` is "1:1"
    when left out (PiAPI's default). Price: not published.
    """

    prompt: str | None = None
    aspect_ratio: str | None = None
    process_mode: str | None = None
    """relax, fast or turbo."""
    skip_prompt_check: bool | None = None
    """Skip PiAPI's own prompt check (default False)."""
    bot_id: int | None = None
    """Which Midjourney account runs it (Host-your-account Pro plans only)."""

    def _check(self) -> None:
        require_text("prompt", self.prompt, IMAGINE_PAGE)
        if self.process_mode is not None:
            check_allowed("process_mode", self.process_mode, PROCESS_MODES, IMAGINE_PAGE)


class MidjourneyUpscaleInput(_FollowUpInput["MidjourneyTask"], task_type="upscale"):
    """Input of `upscale`: one image of an earlier task's grid, or an upscaled image upscaled
    again (https://piapi.ai/docs/midjourney-api/upscale).

    Checked: `origin_task_id` required; `index` required, one of 1, 2, 3, 4, light, beta
    (V4), 2x, 4x (V5), subtle, creative (V6). Price: not published.
    """

    index: str | None = None

    def _check(self) -> None:
        require_text("origin_task_id", self.origin_task_id, UPSCALE_PAGE)
        check_allowed("index", self.index, UPSCALE_INDEXES, UPSCALE_PAGE)


class MidjourneyVariationInput(_FollowUpInput["MidjourneyTask"], task_type="variation"):
    """Input of `variation` (https://piapi.ai/docs/midjourney-api/variation).

    Checked: `origin_task_id` and `prompt` required; `index` required, one of 1, 2, 3, 4,
    high_variation, low_variation (the last two for upscaled V5.2/V6 images). Price: not
    published.
    """

    index: str | None = None
    prompt: str | None = None
    aspect_ratio: str | None = None
    skip_prompt_check: bool | None = None

    def _check(self) -> None:
        require_text("origin_task_id", self.origin_task_id, VARIATION_PAGE)
        check_allowed("index", self.index, VARIATION_INDEXES, VARIATION_PAGE)
        require_text("prompt", self.prompt, VARIATION_PAGE)


class MidjourneyRerollInput(_FollowUpInput["MidjourneyTask"], task_type="reroll"):
    """Input of `reroll`: the earlier task again (https://piapi.ai/docs/midjourney-api/reroll).

    Checked: `origin_task_id` required. Price: not published.
    """

    prompt: str | None = None
    aspect_ratio: str | None = None
    skip_prompt_check: bool | None = None

    def _check(self) -> None:
        require_text("origin_task_id", self.origin_task_id, REROLL_PAGE)


class MidjourneyBlendInput(_MidjourneyInput["MidjourneyTask"], task_type="blend"):
    """Input of `blend` (https://piapi.ai/docs/midjourney-api/blend): parameters as PiAPI's
    catalog lists them; the page's table could not be read, nothing is checked. Price: not
    published."""

    image_urls: list[str] | None = None
    """The images to blend: URLs PiAPI can fetch (upload local files first)."""
    dimension: str | None = None
    process_mode: str | None = None
    bot_id: int | None = None


class MidjourneyInpaintInput(_FollowUpInput["MidjourneyTask"], task_type="inpaint"):
    """Input of `inpaint` (https://piapi.ai/docs/midjourney-api/inpaint): parameters as
    PiAPI's catalog lists them; nothing is checked. Price: not published."""

    mask: str | None = None
    prompt: str | None = None
    skip_prompt_check: bool | None = None


class MidjourneyOutpaintInput(_FollowUpInput["MidjourneyTask"], task_type="outpaint"):
    """Input of `outpaint` (https://piapi.ai/docs/midjourney-api/outpaint): parameters as
    PiAPI's catalog lists them; nothing is checked. Price: not published."""

    zoom_ratio: str | None = None
    aspect_ratio: str | None = None
    prompt: str | None = None
    skip_prompt_check: bool | None = None


class MidjourneyPanInput(_FollowUpInput["MidjourneyTask"], task_type="pan"):
    """Input of `pan` (https://piapi.ai/docs/midjourney-api/pan): parameters as PiAPI's
    catalog lists them; nothing is checked. Price: not published."""

    direction: str | None = None
    prompt: str | None = None
    skip_prompt_check: bool | None = None


class MidjourneyDescribeInput(_MidjourneyInput["MidjourneyTextTask"], task_type="describe"):
    """Input of `describe`: prompts for an image (https://piapi.ai/docs/midjourney-api/describe;
    the page shows these in its example only, nothing is checked). Price: not published."""

    image_url: str | None = None
    """The image: a URL PiAPI can fetch (upload a local file first)."""
    process_mode: str | None = None
    bot_id: int | None = None


class MidjourneySeedInput(_FollowUpInput["MidjourneyTextTask"], task_type="seed"):
    """Input of `seed`: the seed of an earlier task (https://piapi.ai/docs/midjourney-api/seed;
    PiAPI's catalog lists `origin_task_id`). Price: not published."""


class MidjourneyImageOutput(ImageOutput):
    """Output of a Midjourney image task (https://piapi.ai/docs/midjourney-api/task-result-explaination).

    `image_url`: the grid (or the image); `image_urls`: the grid's four images;
    `temporary_image_urls`: temporary copies (some plans only); `discord_image_url` and
    `intermediate_image_urls` are previews.
    """

    image_url: str | None = None
    image_urls: list[str] | None = None
    temporary_image_urls: list[str] | None = None
    discord_image_url: str | None = None
    intermediate_image_urls: list[str] | None = None
    task_progress: int | None = None
    seed: str | None = None
    actions: list[Any] | None = None
    error_messages: list[Any] | None = None


class MidjourneyTextOutput(WireModel):
    """Output of `describe` (`description`, https://piapi.ai/docs/midjourney-api/describe) and
    `seed` (`seed`, https://piapi.ai/docs/midjourney-api/task-result-explaination)."""

    MEDIA_KIND: ClassVar[MediaKind] = "text"

    description: str | None = None
    seed: str | None = None


MidjourneyImageInput = (
    MidjourneyImagineInput
    | MidjourneyUpscaleInput
    | MidjourneyVariationInput
    | MidjourneyRerollInput
    | MidjourneyBlendInput
    | MidjourneyInpaintInput
    | MidjourneyOutpaintInput
    | MidjourneyPanInput
)


class MidjourneyTask(FamilyTask[MidjourneyImageInput, MidjourneyImageOutput]):
    """A Midjourney image task, typed: `task.output.image_url` is the grid."""


class MidjourneyTextTask(
    FamilyTask[MidjourneyDescribeInput | MidjourneySeedInput, MidjourneyTextOutput]
):
    """A Midjourney `describe` or `seed` task, typed: text, no file."""
