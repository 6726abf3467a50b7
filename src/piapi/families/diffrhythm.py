"""DiffRhythm (`model: "Qubico/diffrhythm"`): typed song requests, with prices.

`DiffRhythmBaseInput` (`txt2audio-base`) and `DiffRhythmFullInput` (`txt2audio-full`): a
song from `lyrics` and a style (`style_prompt` or a `style_audio` to copy); both answer a
`DiffRhythmTask`. $0.02 a generation each (PiAPI's page, https://piapi.ai/docs/diffrhythm-api/create-task,
read through its copy at t0giydsiet.apidog.io; a published create answer charged $0.02).
"""

from __future__ import annotations

from decimal import Decimal

from piapi.families._base import AudioOutput, FamilyInput, FamilyTask, TaskT

__all__ = ["DiffRhythmBaseInput", "DiffRhythmFullInput", "DiffRhythmOutput", "DiffRhythmTask"]

CREATE_TASK_PAGE = "https://piapi.ai/docs/diffrhythm-api/create-task"
# The same page as PiAPI's docs mirror serves it (the piapi.ai copy showed only navigation).
MIRROR_PAGE = "https://t0giydsiet.apidog.io/diffrhythm-api/generate-task"
PRICE = Decimal("0.02")  # MIRROR_PAGE: txt2audio-base and txt2audio-full, $0.02 a generation


class _DiffRhythmInput(FamilyInput[TaskT], model="Qubico/diffrhythm"):
    lyrics: str | None = None
    style_prompt: str | None = None
    """The style in words, e.g. "pop"."""
    style_audio: str | None = None
    """A song whose style to copy: a URL PiAPI can fetch."""

    def estimate_cost(self) -> Decimal | None:
        """$0.02 a generation (https://piapi.ai/docs/diffrhythm-api/create-task)."""
        return PRICE


class DiffRhythmBaseInput(_DiffRhythmInput["DiffRhythmTask"], task_type="txt2audio-base"):
    """Input of `txt2audio-base` (https://piapi.ai/docs/diffrhythm-api/create-task): $0.02.
    The page lists no allowed values; nothing is checked."""


class DiffRhythmFullInput(_DiffRhythmInput["DiffRhythmTask"], task_type="txt2audio-full"):
    """Input of `txt2audio-full` (a full-length song): $0.02. Nothing is checked."""


class DiffRhythmOutput(AudioOutput):
    """Output of a DiffRhythm task. Its shape is not published: every field PiAPI sends is
    kept, and `task.media_urls` finds the audio in it."""


class DiffRhythmTask(FamilyTask[DiffRhythmBaseInput | DiffRhythmFullInput, DiffRhythmOutput]):
    """A DiffRhythm task, typed."""
