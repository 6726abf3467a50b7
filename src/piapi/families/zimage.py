"""Z-Image (`model: "Qubico/z-image"`): typed text-to-image requests, with prices.

`ZImageTxt2ImgInput` (`txt2img`) answers a `ZImageTask`. The price of each image follows
its size (https://piapi.ai/docs/z-image-api/text-to-image): up to 0.5 MP $0.002, up to
1 MP $0.004, up to 1.5 MP $0.006, above $0.008.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from piapi.families._base import FamilyInput, FamilyTask, ImageOutput, check_positive

__all__ = ["ZImageOutput", "ZImageTask", "ZImageTxt2ImgInput", "price_per_image"]

TXT2IMG_PAGE = "https://piapi.ai/docs/z-image-api/text-to-image"
# A megapixel as PiAPI counts it: the page's own answer charges its 1024 x 1024 example
# $0.004 ("0.5MP < pixels <= 1MP"), so 1 MP is 1024 x 1024 pixels.
MEGAPIXEL = 1024 * 1024
# TXT2IMG_PAGE, USD per image by output pixels: (at most this many megapixels, price).
PRICE_BY_SIZE: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("0.5"), Decimal("0.002")),
    (Decimal("1"), Decimal("0.004")),
    (Decimal("1.5"), Decimal("0.006")),
)
PRICE_ABOVE = Decimal("0.008")  # TXT2IMG_PAGE: "1.5MP < pixels"


def price_per_image(width: int, height: int) -> Decimal:
    """The price of one image of `width` x `height` (https://piapi.ai/docs/z-image-api/text-to-image)."""
    megapixels = Decimal(width * height) / MEGAPIXEL
    for limit, price in PRICE_BY_SIZE:
        if megapixels <= limit:
            return price
    return PRICE_ABOVE


class ZImageTxt2ImgInput(FamilyInput["ZImageTask"], model="Qubico/z-image", task_type="txt2img"):
    """Input of `Qubico/z-image` `txt2img` (https://piapi.ai/docs/z-image-api/text-to-image).

    Sent when left out (the page's example): `width` 1024, `height` 1024, `batch_size` 1.
    Checked: positive sizes and batch. Price: per image by its size (see the module), times
    `batch_size`.
    """

    CALLER_DEFAULTS: ClassVar[Mapping[str, Any]] = {"width": 1024, "height": 1024, "batch_size": 1}

    prompt: str | None = None
    negative_prompt: str | None = None
    width: int | None = None
    height: int | None = None
    batch_size: int | None = None
    """Images made (each priced)."""
    seed: int | None = None
    """-1 (the page's example) for a random seed."""
    flow_shift: int | float | None = None
    """The page's example: 3.0."""

    def estimate_cost(self) -> Decimal | None:
        """The price per image of this size times `batch_size`; None when one is unset (or not
        positive)."""
        width, height, batch = self.width, self.height, self.batch_size
        if width is None or height is None or batch is None or min(width, height, batch) <= 0:
            return None
        return price_per_image(width, height) * batch

    def _check(self) -> None:
        check_positive("width", [self.width])
        check_positive("height", [self.height])
        check_positive("batch_size", [self.batch_size])


class ZImageOutput(ImageOutput):
    """Output of a Z-Image task. Its shape is not published: every field PiAPI sends is
    kept, and `task.media_urls` finds the images in it."""


class ZImageTask(FamilyTask[ZImageTxt2ImgInput, ZImageOutput]):
    """A Z-Image `txt2img` task, typed."""
