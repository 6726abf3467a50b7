"""Wan (`model: "Qubico/wanx"` for Wan 2.1 and 2.2, `"Wan"` for Wan 2.6): typed video requests.

Qubico/wanx: `WanTxt2Video13bInput` (`txt2video-1.3b`), `WanTxt2Video14bInput`
(`txt2video-14b`), `WanImg2Video14bInput` (`img2video-14b`), their LoRA forms
(`txt2video-14b-lora`, `img2video-14b-lora`), `img2video-14b-keyframe`,
`img2video-14b-control-camera`, and Wan 2.2 (`wan22-txt2video-14b`, `wan22-img2video-14b`).
Wan: `Wan26Txt2VideoInput` (`wan26-txt2video`) and `Wan26Img2VideoInput` (`wan26-img2video`).
All answer a `WanTask`. Prices are published for the three base Wan 2.1 task types only
(https://piapi.ai/docs/wanx-api/create-task): $0.12 (1.3b) and $0.28 (14b) per video.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from piapi._core.models import check_allowed
from piapi.families._base import (
    FamilyInput,
    FamilyTask,
    TaskT,
    VideoUrlOutput,
    check_positive,
    require_text,
)

__all__ = [
    "Wan22Img2Video14bInput",
    "Wan22Txt2Video14bInput",
    "Wan26Img2VideoInput",
    "Wan26Txt2VideoInput",
    "WanImg2Video14bControlCameraInput",
    "WanImg2Video14bInput",
    "WanImg2Video14bKeyframeInput",
    "WanImg2Video14bLoraInput",
    "WanTask",
    "WanTxt2Video13bInput",
    "WanTxt2Video14bInput",
    "WanTxt2Video14bLoraInput",
    "WanVideoOutput",
]

WANX_PAGE = "https://piapi.ai/docs/wanx-api/create-task"
WANX_LORA_PAGE = "https://piapi.ai/docs/wanx_lora/tutorial"
CAMERA_PAGE = "https://piapi.ai/docs/wanx-api/camera-control"
WAN26_TXT2VIDEO_PAGE = "https://piapi.ai/docs/wan-api/wan26-text-to-video"
WAN26_IMG2VIDEO_PAGE = "https://piapi.ai/docs/wan-api/wan26-image-to-video"

BASE_ASPECT_RATIOS = ("16:9", "9:16")  # WANX_PAGE, for the three base Wan 2.1 task types
# WANX_PAGE, USD per video (480p, 85 frames, 30 steps).
BASE_PRICE = {
    "txt2video-1.3b": Decimal("0.12"),
    "txt2video-14b": Decimal("0.28"),
    "img2video-14b": Decimal("0.28"),
}


class _WanInput(FamilyInput[TaskT], model="Qubico/wanx"):
    PAGE: ClassVar[str] = WANX_PAGE

    prompt: str | None = None

    def _check(self) -> None:
        require_text("prompt", self.prompt, self.PAGE)


class _WanBaseInput(_WanInput[TaskT]):
    """The three base Wan 2.1 task types: aspect ratios and a price per video published."""

    negative_prompt: str | None = None
    """In the page's example."""
    aspect_ratio: str | None = None
    """16:9 (default) or 9:16."""

    def estimate_cost(self) -> Decimal | None:
        """The page's price per video."""
        return BASE_PRICE[self.TASK_TYPE]

    def _check(self) -> None:
        super()._check()
        if self.aspect_ratio is not None:
            check_allowed("aspect_ratio", self.aspect_ratio, BASE_ASPECT_RATIOS, WANX_PAGE)


class WanTxt2Video13bInput(_WanBaseInput["WanTask"], task_type="txt2video-1.3b"):
    """Input of `txt2video-1.3b` (https://piapi.ai/docs/wanx-api/create-task): $0.12 per
    video. Checked: `prompt` required, `aspect_ratio` 16:9 or 9:16."""


class WanTxt2Video14bInput(_WanBaseInput["WanTask"], task_type="txt2video-14b"):
    """Input of `txt2video-14b`: $0.28 per video. Checked as `txt2video-1.3b`."""


class WanImg2Video14bInput(_WanBaseInput["WanTask"], task_type="img2video-14b"):
    """Input of `img2video-14b`: $0.28 per video. Checked: `prompt` and `image` required,
    `aspect_ratio` 16:9 or 9:16."""

    image: str | None = None
    """The first frame: a URL or base64 (upload a local file first)."""

    def _check(self) -> None:
        super()._check()
        require_text("image", self.image, WANX_PAGE)


class WanTxt2Video14bLoraInput(_WanInput["WanTask"], task_type="txt2video-14b-lora"):
    """Input of `txt2video-14b-lora` (https://piapi.ai/docs/wanx_lora/tutorial). No published
    price."""

    PAGE: ClassVar[str] = WANX_LORA_PAGE

    negative_prompt: str | None = None
    aspect_ratio: str | None = None
    lora_settings: list[dict[str, Any]] | None = None


class WanImg2Video14bLoraInput(_WanInput["WanTask"], task_type="img2video-14b-lora"):
    """Input of `img2video-14b-lora`. No published price."""

    PAGE: ClassVar[str] = WANX_LORA_PAGE

    image: str | None = None
    negative_prompt: str | None = None
    lora_settings: list[dict[str, Any]] | None = None


class WanImg2Video14bKeyframeInput(_WanInput["WanTask"], task_type="img2video-14b-keyframe"):
    """Input of `img2video-14b-keyframe`: from `start_image` to `end_image`. No published
    price."""

    start_image: str | None = None
    end_image: str | None = None


class WanImg2Video14bControlCameraInput(
    _WanInput["WanTask"], task_type="img2video-14b-control-camera"
):
    """Input of `img2video-14b-control-camera` (https://piapi.ai/docs/wanx-api/camera-control).
    No published price."""

    PAGE: ClassVar[str] = CAMERA_PAGE

    image: str | None = None
    negative_prompt: str | None = None
    control_camera_settings: list[dict[str, Any]] | None = None


class Wan22Txt2Video14bInput(_WanInput["WanTask"], task_type="wan22-txt2video-14b"):
    """Input of `wan22-txt2video-14b` (Wan 2.2). No published price."""


class Wan22Img2Video14bInput(_WanInput["WanTask"], task_type="wan22-img2video-14b"):
    """Input of `wan22-img2video-14b` (Wan 2.2). No published price."""

    image: str | None = None


class _Wan26Input(_WanInput[TaskT], model="Wan"):
    """Wan 2.6 (`model: "Wan"`): the names are PiAPI's catalog's; its pages could not be read,
    so only a prompt and positive lengths are checked, and no price is published."""

    duration: int | None = None
    """Seconds."""
    resolution: str | None = None
    audio: bool | None = None
    """Generate sound."""
    prompt_extend: bool | None = None
    """Let Wan rewrite the prompt."""
    seed: int | None = None
    shot_type: str | None = None
    watermark: bool | None = None

    def _check(self) -> None:
        super()._check()
        check_positive("duration", [self.duration])


class Wan26Txt2VideoInput(_Wan26Input["WanTask"], task_type="wan26-txt2video"):
    """Input of `wan26-txt2video` (https://piapi.ai/docs/wan-api/wan26-text-to-video)."""

    PAGE: ClassVar[str] = WAN26_TXT2VIDEO_PAGE

    negative_prompt: str | None = None
    aspect_ratio: str | None = None
    audio_url: str | None = None
    """Your own soundtrack."""


class Wan26Img2VideoInput(_Wan26Input["WanTask"], task_type="wan26-img2video"):
    """Input of `wan26-img2video` (https://piapi.ai/docs/wan-api/wan26-image-to-video)."""

    PAGE: ClassVar[str] = WAN26_IMG2VIDEO_PAGE

    image: str | None = None


WanInput = (
    WanTxt2Video13bInput
    | WanTxt2Video14bInput
    | WanImg2Video14bInput
    | WanTxt2Video14bLoraInput
    | WanImg2Video14bLoraInput
    | WanImg2Video14bKeyframeInput
    | WanImg2Video14bControlCameraInput
    | Wan22Txt2Video14bInput
    | Wan22Img2Video14bInput
    | Wan26Txt2VideoInput
    | Wan26Img2VideoInput
)


class WanVideoOutput(VideoUrlOutput):
    """Output of a completed Wan task: `video_url`, as PiAPI's MCP server reads Qubico/wanx
    (github.com/apinetwork/piapi-mcp-server); other fields (Wan 2.6's are not published) are
    kept, and `task.media_urls` finds them."""


class WanTask(FamilyTask[WanInput, WanVideoOutput]):
    """A `Qubico/wanx` or `Wan` task, typed."""
