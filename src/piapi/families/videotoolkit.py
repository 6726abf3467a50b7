"""Video toolkit (`model: "Qubico/video-toolkit"`): face swap, upscale and background removal.

`VideoFaceSwapInput` (`face-swap`), `VideoUpscaleInput` (`upscale`) and
`VideoBackgroundRemoveInput` (`background-remove`) answer a `VideoToolkitTask`. The parameter
names are PiAPI's catalog's; only the face swap page could be read. No price is published as a
number (face swap: "calculated based on the total number of frames processed"):
`estimate_cost()` is None.
"""

from __future__ import annotations

from typing import Any

from piapi.families._base import FamilyInput, FamilyTask, TaskT, VideoUrlOutput, require_text

__all__ = [
    "VideoBackgroundRemoveInput",
    "VideoFaceSwapInput",
    "VideoToolkitOutput",
    "VideoToolkitTask",
    "VideoUpscaleInput",
]

FACE_SWAP_PAGE = "https://piapi.ai/docs/faceswap-api/video-faceswap"
UPSCALE_PAGE = "https://piapi.ai/docs/tools/video-upscale-api"
BACKGROUND_REMOVE_PAGE = "https://piapi.ai/docs/tools/video-remove-background-api"
MODEL = "Qubico/video-toolkit"


class _VideoToolkitInput(FamilyInput[TaskT], model=MODEL):
    """A request of the video toolkit (`Qubico/video-toolkit`)."""


class VideoFaceSwapInput(_VideoToolkitInput["VideoToolkitTask"], task_type="face-swap"):
    """Input of `face-swap` (https://piapi.ai/docs/faceswap-api/video-faceswap): put the
    face(s) of `swap_image` onto the faces of `target_video` (MP4, at most 600 frames; images
    at most 2048 x 2048).

    Checked: `swap_image` and `target_video` required. Faces are numbered by PiAPI's
    detection, usually left to right: `swap_faces_index` "0 1" with `target_faces_index`
    "1 0" swaps the left face onto the right one. Price: by frames processed, not published as
    a number.
    """

    swap_image: str | None = None
    """The image with the face(s) to use: a URL PiAPI can fetch (upload a local file first)."""
    target_video: str | None = None
    """The MP4 whose faces are replaced."""
    swap_faces_index: str | None = None
    """Which faces of `swap_image`, e.g. "0" or "1,0"."""
    target_faces_index: str | None = None
    """Which faces of `target_video` they replace."""
    config: dict[str, Any] | None = None
    """PiAPI's catalog lists an object `config` inside the input; its fields are not published."""

    def _check(self) -> None:
        require_text("swap_image", self.swap_image, FACE_SWAP_PAGE)
        require_text("target_video", self.target_video, FACE_SWAP_PAGE)


class VideoUpscaleInput(_VideoToolkitInput["VideoToolkitTask"], task_type="upscale"):
    """Input of `upscale` (https://piapi.ai/docs/tools/video-upscale-api): `video` made larger
    by `scale`. No values or price readable on the page."""

    video: str | None = None
    """The video: a URL PiAPI can fetch (upload a local file first)."""
    scale: float | None = None


class VideoBackgroundRemoveInput(
    _VideoToolkitInput["VideoToolkitTask"], task_type="background-remove"
):
    """Input of `background-remove` (https://piapi.ai/docs/tools/video-remove-background-api):
    `video` without its background (`invert_output`: the background instead). No values or
    price readable on the page."""

    video: str | None = None
    invert_output: bool | None = None


VideoToolkitInput = VideoFaceSwapInput | VideoUpscaleInput | VideoBackgroundRemoveInput


class VideoToolkitOutput(VideoUrlOutput):
    """Output of a completed video toolkit task: `video_url`, as PiAPI's MCP server reads
    its Qubico video models (github.com/apinetwork/piapi-mcp-server); PiAPI's pages show no
    completed output. Other fields are kept, and `task.media_urls` finds them."""


class VideoToolkitTask(FamilyTask[VideoToolkitInput, VideoToolkitOutput]):
    """A `Qubico/video-toolkit` task, typed."""
