"""OmniHuman 1.5 (`model: "omni-human"`): typed talking-person video requests.

`OmniHuman15Input` (`omni-human-1.5`): a video of the person in `image_url` speaking
`audio_url`; it answers an `OmniHumanTask`. The parameter table of PiAPI's page
(https://piapi.ai/docs/omni-human-api/omni-human-1-5) could not be read: the parameters are
those of PiAPI's catalog, none is checked, no price is published.
"""

from __future__ import annotations

from piapi.families._base import FamilyInput, FamilyTask, VideoOutput

__all__ = ["OmniHuman15Input", "OmniHumanOutput", "OmniHumanTask"]

OMNI_HUMAN_PAGE = "https://piapi.ai/docs/omni-human-api/omni-human-1-5"


class OmniHuman15Input(
    FamilyInput["OmniHumanTask"], model="omni-human", task_type="omni-human-1.5"
):
    """Input of `omni-human` `omni-human-1.5`
    (https://piapi.ai/docs/omni-human-api/omni-human-1-5). Price: not published."""

    image_url: str | None = None
    """The person: a URL PiAPI can fetch (upload a local file first)."""
    audio_url: str | None = None
    """What they say: a URL PiAPI can fetch."""
    prompt: str | None = None
    fast_mode: bool | None = None
    seed: int | None = None


class OmniHumanOutput(VideoOutput):
    """Output of an OmniHuman task. Its shape is not published: every field PiAPI sends is
    kept, and `task.media_urls` finds the video in it."""


class OmniHumanTask(FamilyTask[OmniHuman15Input, OmniHumanOutput]):
    """An OmniHuman 1.5 task, typed."""
