"""Hunyuan video (`model: "Qubico/hunyuan"`): typed requests for Tencent's video model.

`HunyuanTxt2VideoInput` (`txt2video`), `HunyuanTxt2VideoLoraInput` (`txt2video-lora`),
`HunyuanFastTxt2VideoInput` (`fast-txt2video`), `HunyuanImg2VideoConcatInput`
(`img2video-concat`) and `HunyuanImg2VideoReplaceInput` (`img2video-replace`) answer a
`HunyuanTask`. PiAPI's pages (https://piapi.ai/docs/hunyuan-video/txt2video-api) could not be
read: the names are PiAPI's catalog's, only a prompt is asked for, and no price is published
(`estimate_cost()` is None).
"""

from __future__ import annotations

from typing import Any

from piapi.families._base import FamilyInput, FamilyTask, TaskT, VideoUrlOutput, require_text

__all__ = [
    "HunyuanFastTxt2VideoInput",
    "HunyuanImg2VideoConcatInput",
    "HunyuanImg2VideoReplaceInput",
    "HunyuanTask",
    "HunyuanTxt2VideoInput",
    "HunyuanTxt2VideoLoraInput",
    "HunyuanVideoOutput",
]

PAGE = "https://piapi.ai/docs/hunyuan-video/txt2video-api"


class _HunyuanInput(FamilyInput[TaskT], model="Qubico/hunyuan"):
    prompt: str | None = None

    def _check(self) -> None:
        require_text("prompt", self.prompt, PAGE)


class HunyuanTxt2VideoInput(_HunyuanInput["HunyuanTask"], task_type="txt2video"):
    """Input of Hunyuan `txt2video`. No published price."""

    aspect_ratio: str | None = None
    """PiAPI's MCP server offers "16:9", "1:1", "9:16" (not checked)."""


class HunyuanTxt2VideoLoraInput(_HunyuanInput["HunyuanTask"], task_type="txt2video-lora"):
    """Input of Hunyuan `txt2video-lora`. No published price."""

    lora_settings: list[dict[str, Any]] | None = None


class HunyuanFastTxt2VideoInput(_HunyuanInput["HunyuanTask"], task_type="fast-txt2video"):
    """Input of Hunyuan `fast-txt2video` (faster, less detailed). No published price."""


class _HunyuanImg2VideoInput(_HunyuanInput[TaskT]):
    image: str | None = None
    """The image to animate: a URL PiAPI can fetch (upload a local file first)."""
    aspect_ratio: str | None = None


class HunyuanImg2VideoConcatInput(
    _HunyuanImg2VideoInput["HunyuanTask"], task_type="img2video-concat"
):
    """Input of Hunyuan `img2video-concat` (freer movement from the image). No published
    price."""


class HunyuanImg2VideoReplaceInput(
    _HunyuanImg2VideoInput["HunyuanTask"], task_type="img2video-replace"
):
    """Input of Hunyuan `img2video-replace` (sticks to the image). No published price."""


HunyuanInput = (
    HunyuanTxt2VideoInput
    | HunyuanTxt2VideoLoraInput
    | HunyuanFastTxt2VideoInput
    | HunyuanImg2VideoConcatInput
    | HunyuanImg2VideoReplaceInput
)


class HunyuanVideoOutput(VideoUrlOutput):
    """Output of a completed Hunyuan task: `video_url`, as PiAPI's MCP server reads it
    (github.com/apinetwork/piapi-mcp-server); other fields are kept."""


class HunyuanTask(FamilyTask[HunyuanInput, HunyuanVideoOutput]):
    """A `Qubico/hunyuan` task, typed."""
