"""Seedream 5 (`model: "seedream"`): typed image requests for ByteDance's Seedream 5 Lite.

`Seedream5LiteInput` (`seedream-5-lite`): text-to-image, or editing with up to 10
`image_urls`; it answers a `SeedreamTask`. $0.028 an image at 2K, $0.042 at 3K
(https://piapi.ai/docs/seedream-api/seedream-5-lite).
"""

from __future__ import annotations

from decimal import Decimal

from piapi._core.models import check_allowed
from piapi.families._base import FamilyInput, FamilyTask, ImageOutput

__all__ = ["Seedream5LiteInput", "SeedreamOutput", "SeedreamTask"]

SEEDREAM_5_LITE_PAGE = "https://piapi.ai/docs/seedream-api/seedream-5-lite"

SIZES = ("2K", "3K")  # SEEDREAM_5_LITE_PAGE: "2K (default) or 3K"
DEFAULT_SIZE = "2K"
ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4")
OUTPUT_FORMATS = ("png", "jpeg")  # SEEDREAM_5_LITE_PAGE: "png or jpeg (default: png)"
MAX_IMAGES = 10  # SEEDREAM_5_LITE_PAGE: "image_urls array. Maximum 10 images."
PRICE_PER_IMAGE = {"2K": Decimal("0.028"), "3K": Decimal("0.042")}  # SEEDREAM_5_LITE_PAGE


class Seedream5LiteInput(
    FamilyInput["SeedreamTask"], model="seedream", task_type="seedream-5-lite"
):
    """Input of `seedream` `seedream-5-lite` (https://piapi.ai/docs/seedream-api/seedream-5-lite).

    Checked: `size` (2K, 3K; PiAPI's default 2K), `aspect_ratio` (1:1, 16:9, 9:16, 4:3,
    3:4, 3:2, 2:3, 4:5, 5:4), `output_format` (png, jpeg), at most 10 `image_urls`.
    Price per image: 2K $0.028, 3K $0.042.
    """

    prompt: str | None = None
    image_urls: list[str] | None = None
    """Images to edit or take as references (at most 10): URLs PiAPI can fetch."""
    size: str | None = None
    """2K (PiAPI's default) or 3K (1.5 times the price)."""
    aspect_ratio: str | None = None
    output_format: str | None = None
    """png (PiAPI's default) or jpeg."""

    def estimate_cost(self) -> Decimal | None:
        """$0.028 an image at 2K (also when `size` is left out: PiAPI's default), $0.042 at
        3K; None for another size."""
        return PRICE_PER_IMAGE.get(self.size or DEFAULT_SIZE)

    def _check(self) -> None:
        if self.size is not None:
            check_allowed("size", self.size, SIZES, SEEDREAM_5_LITE_PAGE)
        if self.aspect_ratio is not None:
            check_allowed("aspect_ratio", self.aspect_ratio, ASPECT_RATIOS, SEEDREAM_5_LITE_PAGE)
        if self.output_format is not None:
            check_allowed("output_format", self.output_format, OUTPUT_FORMATS, SEEDREAM_5_LITE_PAGE)
        if self.image_urls is not None and len(self.image_urls) > MAX_IMAGES:
            raise ValueError(
                f"image_urls takes at most {MAX_IMAGES} images (got {len(self.image_urls)}); "
                f"see {SEEDREAM_5_LITE_PAGE}"
            )


class SeedreamOutput(ImageOutput):
    """Output of a Seedream task. Its shape is not published: every field PiAPI sends is
    kept, and `task.media_urls` finds the image in it."""


class SeedreamTask(FamilyTask[Seedream5LiteInput, SeedreamOutput]):
    """A Seedream 5 Lite task, typed."""
