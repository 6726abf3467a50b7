"""AI Hug (`model: "Qubico/hug-video"`): typed requests for a video of two people hugging.

`HugVideoInput` (`image_to_video`) answers a `HugTask`
(https://piapi.ai/docs/ai-hug-api/create-task). No price is published.
"""

from __future__ import annotations

from piapi.families._base import FamilyInput, FamilyTask, VideoOutput, require_text

__all__ = ["HugOutput", "HugTask", "HugVideoInput"]

CREATE_TASK_PAGE = "https://piapi.ai/docs/ai-hug-api/create-task"


class HugVideoInput(FamilyInput["HugTask"], model="Qubico/hug-video", task_type="image_to_video"):
    """Input of `Qubico/hug-video` `image_to_video`
    (https://piapi.ai/docs/ai-hug-api/create-task).

    Checked: `image_url` required. Price: not published.
    """

    image_url: str | None = None
    """A picture of the two people: a URL PiAPI can fetch (upload a local file first)."""

    def _check(self) -> None:
        require_text("image_url", self.image_url, CREATE_TASK_PAGE)


class HugOutput(VideoOutput):
    """Output of an AI Hug task. Its shape is not published (the page shows `{}`): every
    field PiAPI sends is kept, and `task.media_urls` finds the video in it."""


class HugTask(FamilyTask[HugVideoInput, HugOutput]):
    """An AI Hug task, typed."""
