"""FramePack (`model: "Qubico/framepack"`): image-to-video from a first and a last frame.

`FramePackImg2VideoInput` (`img2video`) answers a `FramePackTask`. PiAPI's page
(https://piapi.ai/docs/framepack-api/create-task) could not be read: the names are PiAPI's
catalog's, nothing is required, and no price is published (`estimate_cost()` is None).
"""

from __future__ import annotations

from piapi.families._base import FamilyInput, FamilyTask, VideoUrlOutput, check_positive

__all__ = ["FramePackImg2VideoInput", "FramePackTask", "FramePackVideoOutput"]

CREATE_TASK_PAGE = "https://piapi.ai/docs/framepack-api/create-task"


class FramePackImg2VideoInput(
    FamilyInput["FramePackTask"], model="Qubico/framepack", task_type="img2video"
):
    """Input of FramePack `img2video` (https://piapi.ai/docs/framepack-api/create-task).
    No published values or price."""

    prompt: str | None = None
    negative_prompt: str | None = None
    start_image: str | None = None
    """The first frame: a URL PiAPI can fetch (upload a local file first)."""
    end_image: str | None = None
    """The last frame."""
    duration: int | None = None
    """Seconds."""

    def _check(self) -> None:
        check_positive("duration", [self.duration])


class FramePackVideoOutput(VideoUrlOutput):
    """Output of a completed FramePack task: `video_url`, as PiAPI's MCP server reads its
    Qubico video models (github.com/apinetwork/piapi-mcp-server); other fields are kept."""


class FramePackTask(FamilyTask[FramePackImg2VideoInput, FramePackVideoOutput]):
    """A `Qubico/framepack` task, typed."""
