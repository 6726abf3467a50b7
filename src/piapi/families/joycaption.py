"""JoyCaption (`model: "Qubico/joycaption"`): typed image-captioning requests.

`JoyCaptionBetaOneInput` (`joycaption-beta-one`) answers a `JoyCaptionTask` whose
`output.text` is the caption (https://piapi.ai/docs/joycaption-api/create-task). The page
shows its values only in an example: nothing is checked; no price is published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from piapi._core.models import WireModel
from piapi.families._base import FamilyInput, FamilyTask

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = ["JoyCaptionBetaOneInput", "JoyCaptionOutput", "JoyCaptionTask"]

CREATE_TASK_PAGE = "https://piapi.ai/docs/joycaption-api/create-task"


class JoyCaptionBetaOneInput(
    FamilyInput["JoyCaptionTask"], model="Qubico/joycaption", task_type="joycaption-beta-one"
):
    """Input of `Qubico/joycaption` `joycaption-beta-one`
    (https://piapi.ai/docs/joycaption-api/create-task). Price: not published."""

    image: str | None = None
    """The image to caption: a URL PiAPI can fetch (upload a local file first)."""
    workflow_type: str | None = None
    """The page's example: "joycaption-beta-one"."""
    prompt_style: str | None = None
    """The page's example: "Descriptive"."""
    caption_length: str | None = None
    """The page's example: "any"."""


class JoyCaptionOutput(WireModel):
    """Output of a JoyCaption task: `text`, the caption
    (https://piapi.ai/docs/joycaption-api/create-task)."""

    MEDIA_KIND: ClassVar[MediaKind] = "text"

    text: str | None = None


class JoyCaptionTask(FamilyTask[JoyCaptionBetaOneInput, JoyCaptionOutput]):
    """A JoyCaption task, typed."""
