"""Nano Banana / Gemini images (`model: "gemini"`): typed requests for Google's image models.

`Gemini25FlashImageInput` (`gemini-2.5-flash-image`), `NanoBananaProInput`
(`nano-banana-pro`) and `NanoBanana2Input` (`nano-banana-2`): text-to-image, or image
editing with `image_urls`. All answer a `GeminiTask` whose `output.image_urls` are the
images. Only `prompt` is checked: the parameter lists of PiAPI's Gemini pages could not be
read, so no other value is refused, and no price is known (`estimate_cost()` is None). The
parameters are PiAPI's catalog's (`num_images` on gemini-2.5-flash-image, `safety_level` on
nano-banana-pro).
"""

from __future__ import annotations

from pydantic import Field

from piapi._core.models import _empty_list
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    ImageOutput,
    TaskT,
    check_positive,
    require_text,
)

__all__ = [
    "Gemini25FlashImageInput",
    "GeminiImageOutput",
    "GeminiTask",
    "NanoBanana2Input",
    "NanoBananaProInput",
]

GEMINI_PAGES = {  # PiAPI's pages, as its CLI's catalog names them
    "gemini-2.5-flash-image": "https://piapi.ai/docs/gemini-api/gemini-25-flash-image",
    "nano-banana-pro": "https://piapi.ai/docs/gemini-api/nano-banana-pro",
    "nano-banana-2": "https://piapi.ai/docs/gemini-api/nano-banana-2",
}


class _GeminiInput(FamilyInput[TaskT], model="gemini"):
    prompt: str | None = None
    image_urls: list[str] | None = None
    """Images to edit or take as references: URLs PiAPI can fetch (upload a local file first)."""
    aspect_ratio: str | None = None
    """Such as "1:1" or "16:9" (not checked)."""
    resolution: str | None = None
    """Such as "1K", "2K", "4K" (not checked)."""
    output_format: str | None = None
    """Such as "png" or "jpeg" (not checked)."""

    def _check(self) -> None:
        require_text("prompt", self.prompt, GEMINI_PAGES[self.TASK_TYPE])


class Gemini25FlashImageInput(_GeminiInput["GeminiTask"], task_type="gemini-2.5-flash-image"):
    """Input of `gemini-2.5-flash-image` (the first Nano Banana). No published price."""

    num_images: int | None = None
    """How many images (PiAPI's catalog; the limit is not published)."""

    def _check(self) -> None:
        super()._check()
        check_positive("num_images", [self.num_images])


class NanoBananaProInput(_GeminiInput["GeminiTask"], task_type="nano-banana-pro"):
    """Input of `nano-banana-pro` (Gemini 3 Pro image). No published price."""

    safety_level: str | None = None
    """PiAPI's catalog lists it; its values are not published."""


class NanoBanana2Input(_GeminiInput["GeminiTask"], task_type="nano-banana-2"):
    """Input of `nano-banana-2`. No published price."""


GeminiInput = Gemini25FlashImageInput | NanoBananaProInput | NanoBanana2Input


class GeminiImageOutput(ImageOutput):
    """Output of a completed Gemini image task: `image_urls`, every image made."""

    image_urls: list[str] = Field(default_factory=_empty_list)
    image_url: str | None = None
    """Seen beside `image_urls` in some answers; `task.media_urls` lists each image once."""


class GeminiTask(FamilyTask[GeminiInput, GeminiImageOutput]):
    """A Gemini (Nano Banana) image task, typed."""
