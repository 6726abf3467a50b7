"""Image toolkit (`model: "Qubico/image-toolkit"`): typed face swap, background removal,
segmentation and upscaling requests.

`FaceSwapInput` (`face-swap`), `MultiFaceSwapInput` (`multi-face-swap`),
`BackgroundRemoveInput` (`background-remove`, $0.001 an image), `SegmentInput`
(`segment`, $0.01 per million pixels of the image) and `UpscaleInput` (`upscale`) answer an
`ImageToolkitTask` whose `output.image_url` (or `image_urls`) is the result.
"""

from __future__ import annotations

from decimal import Decimal

from piapi.families._base import FamilyInput, FamilyTask, ImageOutput, TaskT, require_text

__all__ = [
    "BackgroundRemoveInput",
    "FaceSwapInput",
    "ImageToolkitOutput",
    "ImageToolkitTask",
    "MultiFaceSwapInput",
    "SegmentInput",
    "UpscaleInput",
    "segment_price",
]

FACE_SWAP_PAGE = "https://piapi.ai/docs/faceswap-api/create-task"
MULTI_FACE_SWAP_PAGE = "https://piapi.ai/docs/multi-face-swap/create-task"
REMOVE_BACKGROUND_PAGE = "https://piapi.ai/docs/image-editing-api/remove-background-api"
SEGMENT_PAGE = "https://piapi.ai/docs/image-editing-api/segment-with-prompt-api"
UPSCALE_PAGE = "https://piapi.ai/docs/image-editing-api/super-resolution-api"
# PiAPI's own summary of its pages (github.com/PiAPI-1/piapi-cli, docs/llms.txt) gives the
# background removal price, "Pricing: $0.001/generation"; PiAPI's MCP server
# (github.com/apinetwork/piapi-mcp-server, src/index.ts) reads `image_url` / `image_urls`.
PIAPI_LLMS_TXT = "https://github.com/PiAPI-1/piapi-cli/blob/5ec296c6594ee045d3e219b6c8091283055807fa/docs/llms.txt"

TOOLKIT = "Qubico/image-toolkit"
BACKGROUND_REMOVE_PRICE = Decimal("0.001")  # REMOVE_BACKGROUND_PAGE, per generation
SEGMENT_PRICE_PER_MEGAPIXEL = Decimal("0.01")  # SEGMENT_PAGE: "$0.01 per million pixels"


def segment_price(width: int, height: int) -> Decimal:
    """The price of segmenting a `width` x `height` image: $0.01 per million pixels, "rounded
    up if less than 1 million" (https://piapi.ai/docs/image-editing-api/segment-with-prompt-api)."""
    millions = Decimal(width * height) / 1_000_000
    return SEGMENT_PRICE_PER_MEGAPIXEL * max(millions, Decimal(1))


class _ToolkitInput(FamilyInput[TaskT], model=TOOLKIT):
    """A request of the image toolkit (`Qubico/image-toolkit`)."""


class _OneImageInput(_ToolkitInput[TaskT]):
    """A request on one image: `image` first."""

    image: str | None = None
    """A URL PiAPI can fetch (upload a local file first)."""


class FaceSwapInput(_ToolkitInput["ImageToolkitTask"], task_type="face-swap"):
    """Input of `face-swap`: the face of `swap_image` onto `target_image`
    (https://piapi.ai/docs/faceswap-api/create-task). Nothing is checked; price not
    published."""

    swap_image: str | None = None
    """The face to put in: a URL PiAPI can fetch (upload a local file first)."""
    target_image: str | None = None
    """The image to put it in."""


class MultiFaceSwapInput(_ToolkitInput["ImageToolkitTask"], task_type="multi-face-swap"):
    """Input of `multi-face-swap` (https://piapi.ai/docs/multi-face-swap/create-task):
    parameters as PiAPI's catalog lists them; nothing is checked; price not published."""

    swap_image: str | None = None
    target_image: str | None = None
    input_faces_index: str | None = None
    source_faces_index: str | None = None


class BackgroundRemoveInput(_OneImageInput["ImageToolkitTask"], task_type="background-remove"):
    """Input of `background-remove`
    (https://piapi.ai/docs/image-editing-api/remove-background-api): $0.001 a generation.
    Nothing is checked."""

    rmbg_model: str | None = None

    def estimate_cost(self) -> Decimal | None:
        """$0.001 a generation."""
        return BACKGROUND_REMOVE_PRICE


class SegmentInput(_OneImageInput["ImageToolkitTask"], task_type="segment"):
    """Input of `segment`: cut out what `prompt` names
    (https://piapi.ai/docs/image-editing-api/segment-with-prompt-api).

    Checked: `image`, `prompt`, `negative_prompt` and `segment_factor` required.
    Price: $0.01 per million pixels of the image (its size is not in the request:
    `estimate_cost()` is None; `segment_price(width, height)` gives it).
    """

    prompt: str | None = None
    """What to cut out, comma separated, e.g. "clothes,shoes"."""
    negative_prompt: str | None = None
    """What not to cut out, comma separated."""
    segment_factor: int | None = None
    """Pixels to grow (+) or shrink (-) the edge (the page's example: -15)."""

    def _check(self) -> None:
        require_text("image", self.image, SEGMENT_PAGE)
        require_text("prompt", self.prompt, SEGMENT_PAGE)
        if self.negative_prompt is None:
            raise ValueError(f"negative_prompt is required (it may be empty); see {SEGMENT_PAGE}")
        if self.segment_factor is None:
            raise ValueError(f"segment_factor is required; see {SEGMENT_PAGE}")


class UpscaleInput(_OneImageInput["ImageToolkitTask"], task_type="upscale"):
    """Input of `upscale` (https://piapi.ai/docs/image-editing-api/super-resolution-api):
    nothing is checked (the page's table could not be read); price not published."""

    scale: int | float | None = None
    face_enhance: bool | None = None


class ImageToolkitOutput(ImageOutput):
    """Output of an image toolkit task: `image_url`, or `image_urls` (the fields PiAPI's MCP
    server reads; no completed answer is published)."""

    image_url: str | None = None
    image_urls: list[str] | None = None


ImageToolkitInput = (
    FaceSwapInput | MultiFaceSwapInput | BackgroundRemoveInput | SegmentInput | UpscaleInput
)


class ImageToolkitTask(FamilyTask[ImageToolkitInput, ImageToolkitOutput]):
    """An image toolkit task, typed."""
