"""Flux (`model: "Qubico/flux1-dev"`, `-schnell`, `-dev-advanced`): typed image requests.

Text-to-image (`txt2img`) and image-to-image (`img2img`) on each of the three models,
`txt2img-sr` on schnell and dev-advanced, and on `Qubico/flux1-dev-advanced`: `kontext` (edit
an image by instruction), `img2img-sr`, `txt2img-lora`, `img2img-lora`, `fill-inpaint`,
`fill-outpaint`, `redux-variation` and `controlnet-lora`: one class per model and task type,
e.g. `FluxSchnellTxt2ImgInput`. All answer a `FluxTask`, whose `output.image_url` is the
image. PiAPI publishes no Flux price ("price = batch_size x one generation", without the price
of one): `estimate_cost()` is None.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    ImageOutput,
    TaskT,
    check_positive,
    check_range,
    require_text,
)

__all__ = [
    "FluxControlnetLoraInput",
    "FluxDevAdvancedImg2ImgInput",
    "FluxDevAdvancedTxt2ImgInput",
    "FluxDevAdvancedTxt2ImgSrInput",
    "FluxDevImg2ImgInput",
    "FluxDevTxt2ImgInput",
    "FluxFillInpaintInput",
    "FluxFillOutpaintInput",
    "FluxImageOutput",
    "FluxImg2ImgLoraInput",
    "FluxImg2ImgSrInput",
    "FluxKontextInput",
    "FluxReduxVariationInput",
    "FluxSchnellImg2ImgInput",
    "FluxSchnellTxt2ImgInput",
    "FluxSchnellTxt2ImgSrInput",
    "FluxTask",
    "FluxTxt2ImgLoraInput",
]

TXT2IMG_PAGE = "https://piapi.ai/docs/flux-api/text-to-image"
IMG2IMG_PAGE = "https://piapi.ai/docs/flux-api/image-to-image"
KONTEXT_PAGE = "https://piapi.ai/docs/flux-api/kontext"
LORA_PAGE = "https://piapi.ai/docs/flux-with-lora-and-controlnet"
FILL_PAGE = "https://piapi.ai/docs/flux-redux-fill-variation-inpaint-outpaint"

DEV, SCHNELL, DEV_ADVANCED = "Qubico/flux1-dev", "Qubico/flux1-schnell", "Qubico/flux1-dev-advanced"
MAX_PIXELS = 1_048_576  # TXT2IMG_PAGE: "width*height cannot exceed 1048576"
GUIDANCE_SCALE = (1.5, 5.0)  # TXT2IMG_PAGE, IMG2IMG_PAGE
BATCH_SIZE = (1, 4)  # TXT2IMG_PAGE, IMG2IMG_PAGE ("only works for schnell")


class _FluxInput(FamilyInput[TaskT]):
    PAGE: ClassVar[str]

    prompt: str | None = None

    def _check(self) -> None:
        require_text("prompt", self.prompt, self.PAGE)


class _FluxGenerateInput(_FluxInput[TaskT]):
    guidance_scale: float | None = None
    """1.5 to 5: higher follows the prompt more closely, at some cost in realism."""
    batch_size: int | None = None
    """1 to 4 images (schnell only); the price is that many generations."""
    lora_settings: list[dict[str, Any]] | None = None
    control_net_settings: list[dict[str, Any]] | None = None
    steps: int | None = None
    """Denoising steps (PiAPI's catalog)."""

    def _check(self) -> None:
        super()._check()
        check_positive("steps", [self.steps])
        check_range("guidance_scale", self.guidance_scale, *GUIDANCE_SCALE, self.PAGE)
        check_range("batch_size", self.batch_size, *BATCH_SIZE, self.PAGE)


class _FluxTxt2ImgInput(_FluxGenerateInput[TaskT], task_type="txt2img"):
    """Input of Flux `txt2img` (https://piapi.ai/docs/flux-api/text-to-image).

    Checked: `prompt` required, `width` x `height` at most 1,048,576 pixels,
    `guidance_scale` 1.5 to 5, `batch_size` 1 to 4. No published price.
    """

    PAGE: ClassVar[str] = TXT2IMG_PAGE

    width: int | None = None
    height: int | None = None

    def _check(self) -> None:
        super()._check()
        check_positive("width", [self.width])
        check_positive("height", [self.height])
        if self.width is not None and self.height is not None:
            pixels = self.width * self.height
            if pixels > MAX_PIXELS:
                raise ValueError(
                    f"width x height must be at most {MAX_PIXELS:,} pixels "
                    f"(got {self.width} x {self.height} = {pixels:,}); see {TXT2IMG_PAGE}"
                )


class _FluxImg2ImgInput(_FluxGenerateInput[TaskT], task_type="img2img"):
    """Input of Flux `img2img` (https://piapi.ai/docs/flux-api/image-to-image).

    Checked: `prompt` and `image` required, `denoise` above 0 up to 1, `guidance_scale`
    1.5 to 5, `batch_size` 1 to 4. No published price.
    """

    PAGE: ClassVar[str] = IMG2IMG_PAGE

    image: str | None = None
    """The image to start from: a URL PiAPI can fetch (upload a local file first)."""
    negative_prompt: str | None = None
    denoise: float | None = None
    """How far to move from the image: above 0 up to 1 (PiAPI's default 0.7)."""

    def _check(self) -> None:
        super()._check()
        require_text("image", self.image, IMG2IMG_PAGE)
        check_range("denoise", self.denoise, 0, 1, IMG2IMG_PAGE, low_included=False)


class FluxDevTxt2ImgInput(_FluxTxt2ImgInput["FluxTask"], model=DEV):
    """`txt2img` on `Qubico/flux1-dev`."""


class FluxSchnellTxt2ImgInput(_FluxTxt2ImgInput["FluxTask"], model=SCHNELL):
    """`txt2img` on `Qubico/flux1-schnell` (the fast model; `batch_size` works here)."""


class FluxDevAdvancedTxt2ImgInput(_FluxTxt2ImgInput["FluxTask"], model=DEV_ADVANCED):
    """`txt2img` on `Qubico/flux1-dev-advanced`."""


class FluxDevImg2ImgInput(_FluxImg2ImgInput["FluxTask"], model=DEV):
    """`img2img` on `Qubico/flux1-dev`."""


class FluxSchnellImg2ImgInput(_FluxImg2ImgInput["FluxTask"], model=SCHNELL):
    """`img2img` on `Qubico/flux1-schnell`."""


class FluxDevAdvancedImg2ImgInput(_FluxImg2ImgInput["FluxTask"], model=DEV_ADVANCED):
    """`img2img` on `Qubico/flux1-dev-advanced`."""


class FluxKontextInput(_FluxInput["FluxTask"], model=DEV_ADVANCED, task_type="kontext"):
    """Input of Flux `kontext` on `Qubico/flux1-dev-advanced`: edit `image` as the prompt
    says (https://piapi.ai/docs/flux-api/kontext). Checked: `prompt` and `image`
    required. No published price."""

    PAGE: ClassVar[str] = KONTEXT_PAGE

    image: str | None = None
    """The image to edit: a URL PiAPI can fetch (upload a local file first)."""
    width: int | None = None
    height: int | None = None
    steps: int | None = None
    seed: int | None = None
    """-1 (the docs' example) for a random seed."""

    def _check(self) -> None:
        super()._check()
        require_text("image", self.image, KONTEXT_PAGE)


class _FluxToolInput(_FluxInput[TaskT], model=DEV_ADVANCED):
    """A `Qubico/flux1-dev-advanced` task type beyond txt2img/img2img: `prompt` required (the
    text-to-image page's schema lists these task types), the other names PiAPI's catalog's."""

    PAGE: ClassVar[str] = LORA_PAGE

    def _check(self) -> None:
        super()._check()
        for name in ("steps", "width", "height"):
            value: object = getattr(self, name, None)
            check_positive(name, [value if isinstance(value, int) else None])


class _FluxSrInput(_FluxToolInput[TaskT]):
    """Super-resolution task types: the image made (or given) is upscaled by `scale`."""

    steps: int | None = None
    scale: float | None = None
    """The upscaling factor (PiAPI's catalog; its range is not published)."""


class _FluxTxt2ImgSrInput(_FluxSrInput[TaskT], task_type="txt2img-sr"):
    """Input of Flux `txt2img-sr`: text-to-image, then super-resolution. No published price."""

    PAGE: ClassVar[str] = TXT2IMG_PAGE

    width: int | None = None
    height: int | None = None


class FluxSchnellTxt2ImgSrInput(_FluxTxt2ImgSrInput["FluxTask"], model=SCHNELL):
    """`txt2img-sr` on `Qubico/flux1-schnell`."""


class FluxDevAdvancedTxt2ImgSrInput(_FluxTxt2ImgSrInput["FluxTask"]):
    """`txt2img-sr` on `Qubico/flux1-dev-advanced`."""


class FluxImg2ImgSrInput(_FluxSrInput["FluxTask"], task_type="img2img-sr"):
    """Input of Flux `img2img-sr` on `Qubico/flux1-dev-advanced`: image-to-image, then
    super-resolution. No published price."""

    image: str | None = None
    """The image to start from: a URL PiAPI can fetch (upload a local file first)."""


class FluxTxt2ImgLoraInput(_FluxToolInput["FluxTask"], task_type="txt2img-lora"):
    """Input of Flux `txt2img-lora` on `Qubico/flux1-dev-advanced`
    (https://piapi.ai/docs/flux-with-lora-and-controlnet). No published price."""

    negative_prompt: str | None = None
    steps: int | None = None
    lora_settings: list[dict[str, Any]] | None = None
    """LoRAs, e.g. `[{"lora_type": "...", "lora_strength": 1}]` (the page lists the types)."""


class FluxImg2ImgLoraInput(_FluxToolInput["FluxTask"], task_type="img2img-lora"):
    """Input of Flux `img2img-lora` on `Qubico/flux1-dev-advanced`. Checked: `denoise` above 0
    up to 1 (https://piapi.ai/docs/flux-api/text-to-image). No published price."""

    image: str | None = None
    denoise: float | None = None
    """How far to move from the image: above 0 up to 1 (PiAPI's default 0.7)."""
    width: int | None = None
    height: int | None = None
    lora_settings: list[dict[str, Any]] | None = None

    def _check(self) -> None:
        super()._check()
        check_range("denoise", self.denoise, 0, 1, TXT2IMG_PAGE, low_included=False)


class FluxFillInpaintInput(_FluxToolInput["FluxTask"], task_type="fill-inpaint"):
    """Input of Flux `fill-inpaint` on `Qubico/flux1-dev-advanced`: repaint the masked part
    of `image` (https://piapi.ai/docs/flux-redux-fill-variation-inpaint-outpaint). No
    published price."""

    PAGE: ClassVar[str] = FILL_PAGE

    image: str | None = None
    steps: int | None = None


class FluxFillOutpaintInput(_FluxToolInput["FluxTask"], task_type="fill-outpaint"):
    """Input of Flux `fill-outpaint` on `Qubico/flux1-dev-advanced`: extend `image` by
    `custom_settings` (PiAPI's MCP server sends `[{"setting_type": "outpaint",
    "outpaint_left": ..., "outpaint_right": ..., "outpaint_top": ..., "outpaint_bottom": ...}]`).
    No published price."""

    PAGE: ClassVar[str] = FILL_PAGE

    image: str | None = None
    custom_settings: list[dict[str, Any]] | None = None


class FluxReduxVariationInput(_FluxToolInput["FluxTask"], task_type="redux-variation"):
    """Input of Flux `redux-variation` on `Qubico/flux1-dev-advanced`: a variation of `image`.
    No published price."""

    PAGE: ClassVar[str] = FILL_PAGE

    image: str | None = None
    width: int | None = None
    height: int | None = None
    steps: int | None = None


class FluxControlnetLoraInput(_FluxToolInput["FluxTask"], task_type="controlnet-lora"):
    """Input of Flux `controlnet-lora` on `Qubico/flux1-dev-advanced`
    (https://piapi.ai/docs/flux-with-lora-and-controlnet). No published price."""

    width: int | None = None
    height: int | None = None
    steps: int | None = None
    lora_settings: list[dict[str, Any]] | None = None
    control_net_settings: list[dict[str, Any]] | None = None
    """E.g. `[{"control_type": "depth", "control_image": url}]`."""
    return_preprocessed_image: bool | None = None


FluxInput = (
    FluxDevTxt2ImgInput
    | FluxSchnellTxt2ImgInput
    | FluxDevAdvancedTxt2ImgInput
    | FluxDevImg2ImgInput
    | FluxSchnellImg2ImgInput
    | FluxDevAdvancedImg2ImgInput
    | FluxKontextInput
    | FluxSchnellTxt2ImgSrInput
    | FluxDevAdvancedTxt2ImgSrInput
    | FluxImg2ImgSrInput
    | FluxTxt2ImgLoraInput
    | FluxImg2ImgLoraInput
    | FluxFillInpaintInput
    | FluxFillOutpaintInput
    | FluxReduxVariationInput
    | FluxControlnetLoraInput
)


class FluxImageOutput(ImageOutput):
    """Output of a completed Flux task: `image_url`, the image (`image_base64` is empty
    when a URL is given)."""

    image_url: str | None = None
    image_base64: str | None = Field(default=None, repr=False)


class FluxTask(FamilyTask[FluxInput, FluxImageOutput]):
    """A Flux task of any of its models and task types, typed."""
