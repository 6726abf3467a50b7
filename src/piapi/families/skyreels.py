"""SkyReels (`model: "Qubico/skyreels"`): image-to-video.

`SkyReelsImg2VideoInput` (`img2video`) answers a `SkyReelsTask`. PiAPI publishes no price:
`estimate_cost()` is None.
"""

from __future__ import annotations

from piapi._core.models import check_allowed
from piapi.families._base import FamilyInput, FamilyTask, VideoUrlOutput, check_range, require_text

__all__ = ["SkyReelsImg2VideoInput", "SkyReelsTask", "SkyReelsVideoOutput"]

CREATE_TASK_PAGE = "https://piapi.ai/docs/skyreels-api/create-task"
ASPECT_RATIOS = ("16:9", "9:16", "1:1")  # CREATE_TASK_PAGE, default 16:9
GUIDANCE_SCALE = (0.0, 10.0)  # CREATE_TASK_PAGE: above 0, at most 10; default 3.5


class SkyReelsImg2VideoInput(
    FamilyInput["SkyReelsTask"], model="Qubico/skyreels", task_type="img2video"
):
    """Input of SkyReels `img2video` (https://piapi.ai/docs/skyreels-api/create-task).

    Checked: `prompt` and `image` required, `aspect_ratio` (16:9, 9:16, 1:1; default 16:9),
    `guidance_scale` above 0 up to 10 (default 3.5: 1-3 creative, 3-5 balanced, 5-10
    strict). No published price.
    """

    prompt: str | None = None
    negative_prompt: str | None = None
    image: str | None = None
    """The first frame: a URL (or base64) PiAPI can fetch (upload a local file first)."""
    aspect_ratio: str | None = None
    guidance_scale: float | None = None

    def _check(self) -> None:
        require_text("prompt", self.prompt, CREATE_TASK_PAGE)
        require_text("image", self.image, CREATE_TASK_PAGE)
        if self.aspect_ratio is not None:
            check_allowed("aspect_ratio", self.aspect_ratio, ASPECT_RATIOS, CREATE_TASK_PAGE)
        check_range(
            "guidance_scale",
            self.guidance_scale,
            *GUIDANCE_SCALE,
            CREATE_TASK_PAGE,
            low_included=False,
        )


class SkyReelsVideoOutput(VideoUrlOutput):
    """Output of a completed SkyReels task: `video_url`, as PiAPI's MCP server reads it
    (github.com/apinetwork/piapi-mcp-server); other fields are kept."""


class SkyReelsTask(FamilyTask[SkyReelsImg2VideoInput, SkyReelsVideoOutput]):
    """A `Qubico/skyreels` task, typed."""
