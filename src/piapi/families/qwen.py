"""Qwen Image (`model: "Qubico/qwen-image"`): typed image requests.

`QwenTxt2ImgInput` (`txt2img`) and `QwenImageEditInput` (`image-edit`, Qwen image edit
2509) answer a `QwenTask`. The parameter tables of PiAPI's pages
(https://piapi.ai/docs/qwen-image-api/text-to-image, .../image-edit) could not be read: the
parameters are those of PiAPI's catalog, none is checked, no price is published.
"""

from __future__ import annotations

from piapi.families._base import FamilyInput, FamilyTask, ImageOutput, TaskT

__all__ = ["QwenImageEditInput", "QwenImageOutput", "QwenTask", "QwenTxt2ImgInput"]

TXT2IMG_PAGE = "https://piapi.ai/docs/qwen-image-api/text-to-image"
IMAGE_EDIT_PAGE = "https://piapi.ai/docs/qwen-image-api/image-edit"


class _QwenInput(FamilyInput[TaskT], model="Qubico/qwen-image"):
    prompt: str | None = None
    steps: int | None = None
    seed: int | None = None
    flow_shift: int | float | None = None


class QwenTxt2ImgInput(_QwenInput["QwenTask"], task_type="txt2img"):
    """Input of `txt2img` (https://piapi.ai/docs/qwen-image-api/text-to-image). Price: not
    published."""

    width: int | None = None
    height: int | None = None


class QwenImageEditInput(_QwenInput["QwenTask"], task_type="image-edit"):
    """Input of `image-edit` (https://piapi.ai/docs/qwen-image-api/image-edit). Price: not
    published."""

    image1: str | None = None
    """The image to edit: a URL PiAPI can fetch (upload a local file first)."""
    image2: str | None = None
    """A second image."""
    negative_prompt: str | None = None


class QwenImageOutput(ImageOutput):
    """Output of a Qwen Image task. Its shape is not published: every field PiAPI sends is
    kept, and `task.media_urls` finds the image in it."""


class QwenTask(FamilyTask[QwenTxt2ImgInput | QwenImageEditInput, QwenImageOutput]):
    """A Qwen Image task, typed."""
