"""Trellis and Trellis 2 (`model: "Qubico/trellis"`, `"Qubico/trellis2"`): typed 3D requests.

`TrellisTextTo3DInput` (`text-to-3d`), `TrellisImageTo3DInput` (`image-to-3d`) and
`Trellis2ImageTo3DInput` (Trellis 2 `image-to-3d`) answer a `TrellisTask` whose
`output.model_file` is the 3D model (a GLB). PiAPI's pages show values only in examples:
nothing is checked, and no price is published (published create answers charged $0.04 for
a Trellis text-to-3d task and $0.10 for a Trellis 2 one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from piapi._core.models import WireModel
from piapi.families._base import FamilyInput, FamilyTask, TaskT

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "Trellis2ImageTo3DInput",
    "TrellisImageTo3DInput",
    "TrellisOutput",
    "TrellisTask",
    "TrellisTextTo3DInput",
]

TRELLIS_PAGE = "https://piapi.ai/docs/trellis-api/create-task"
TRELLIS2_PAGE = "https://piapi.ai/docs/trellis2-api/create-task"
# PiAPI's MCP server (github.com/apinetwork/piapi-mcp-server, src/index.ts) reads
# `model_file`, `no_background_image` and `combined_video`; the sibling Qubico/pixal3d
# answers `{"model_file": ".../x.glb"}` (https://piapi.ai/docs/pixal-3d-api/create-task).


class _SamplingInput(FamilyInput[TaskT], model="Qubico/trellis"):
    ss_sampling_steps: int | None = None
    """The page's example: 7."""
    slat_sampling_steps: int | None = None
    """The page's example: 7."""
    ss_guidance_strength: int | float | None = None
    """The page's example: 7.5."""
    slat_guidance_strength: int | float | None = None
    """The page's example: 3."""


class TrellisTextTo3DInput(_SamplingInput["TrellisTask"], task_type="text-to-3d"):
    """Input of Trellis `text-to-3d` (https://piapi.ai/docs/trellis-api/create-task). Price:
    not published."""

    prompt: str | None = None


class TrellisImageTo3DInput(_SamplingInput["TrellisTask"], task_type="image-to-3d"):
    """Input of Trellis `image-to-3d` (https://piapi.ai/docs/trellis-api/create-task). Price:
    not published.

    PiAPI's catalog lists `images` (a list); PiAPI's MCP server sends `image`, and the page's
    echoed input shows both: give either.
    """

    images: list[str] | None = None
    """URLs PiAPI can fetch (upload local files first)."""
    image: str | None = None
    seed: int | None = None


class Trellis2ImageTo3DInput(
    FamilyInput["TrellisTask"], model="Qubico/trellis2", task_type="image-to-3d"
):
    """Input of Trellis 2 `image-to-3d` (https://piapi.ai/docs/trellis2-api/create-task).
    Price: not published."""

    image: str | None = None
    """A URL PiAPI can fetch (upload a local file first)."""
    seed: int | None = None
    """The page's example: 0."""


class TrellisOutput(WireModel):
    """Output of a Trellis task: `model_file`, the 3D model (GLB); `no_background_image`
    and `combined_video` (a turntable render) beside it. No completed answer is published;
    these are the fields PiAPI's MCP server reads."""

    MEDIA_KIND: ClassVar[MediaKind] = "3d"

    model_file: str | None = None
    no_background_image: str | None = None
    combined_video: str | None = None


TrellisInput = TrellisTextTo3DInput | TrellisImageTo3DInput | Trellis2ImageTo3DInput


class TrellisTask(FamilyTask[TrellisInput, TrellisOutput]):
    """A Trellis or Trellis 2 task, typed."""
