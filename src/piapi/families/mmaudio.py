"""MMAudio (`model: "Qubico/mmaudio"`): typed video-to-audio requests.

`MmaudioVideo2AudioInput` (`video2audio`): a soundtrack for a video, described by
`prompt`; it answers an `MmaudioTask` whose `output.audio_url` is the audio. PiAPI charges
$0.0005 a second of video, under a second counted as one, at most 30 seconds
(https://piapi.ai/docs/mmaudio-api/create-task): the request does not carry the video's
length, so `estimate_cost()` is None; `price_for_seconds` gives it for a known length.
"""

from __future__ import annotations

from decimal import Decimal

from piapi.families._base import AudioUrlOutput, FamilyInput, FamilyTask, require_text

__all__ = ["MmaudioOutput", "MmaudioTask", "MmaudioVideo2AudioInput", "price_for_seconds"]

CREATE_TASK_PAGE = "https://piapi.ai/docs/mmaudio-api/create-task"
PRICE_PER_SECOND = Decimal("0.0005")  # CREATE_TASK_PAGE: "$0.0005/second"
MAX_SECONDS = 30  # CREATE_TASK_PAGE: "up to a maximum of 30 seconds"


def price_for_seconds(seconds: float) -> Decimal:
    """The price of a video of `seconds`: $0.0005 a second, a part of a second rounded up
    when under one, at most 30 seconds (https://piapi.ai/docs/mmaudio-api/create-task)."""
    counted = Decimal(1) if 0 < seconds < 1 else Decimal(str(max(seconds, 0)))
    return PRICE_PER_SECOND * min(counted, Decimal(MAX_SECONDS))


class MmaudioVideo2AudioInput(
    FamilyInput["MmaudioTask"], model="Qubico/mmaudio", task_type="video2audio"
):
    """Input of `Qubico/mmaudio` `video2audio` (https://piapi.ai/docs/mmaudio-api/create-task).

    Checked: `prompt` given (the page marks it required; its own example sends ""),
    `video` required. Price: $0.0005 a second of video (unknown here: None).
    """

    prompt: str | None = None
    negative_prompt: str | None = None
    video: str | None = None
    """The video: a URL PiAPI can fetch (upload a local file first)."""
    steps: int | None = None
    """Sampling steps (the page's example: 20)."""
    seed: int | None = None
    """The page's schema spells it `seeds`, its example and PiAPI's catalog `seed`."""

    def _check(self) -> None:
        if self.prompt is None:
            raise ValueError(f"prompt is required (it may be empty); see {CREATE_TASK_PAGE}")
        require_text("video", self.video, CREATE_TASK_PAGE)


class MmaudioOutput(AudioUrlOutput):
    """Output of an MMAudio task: `audio_url` (the field PiAPI's MCP server reads; no
    completed answer is published)."""


class MmaudioTask(FamilyTask[MmaudioVideo2AudioInput, MmaudioOutput]):
    """An MMAudio `video2audio` task, typed."""
