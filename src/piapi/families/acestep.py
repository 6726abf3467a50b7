"""ACE-Step (`model: "Qubico/ace-step"`): typed song requests.

`AceStepTxt2AudioInput` (`txt2audio`), `AceStepAudio2AudioInput` (`audio2audio`),
`AceStepEditInput` (`edit`) and `AceStepExtendInput` (`extend`) answer an `AceStepTask`
whose `output.audio_url` is the song (https://piapi.ai/docs/ace-step-api/get-task).
The parameter tables of PiAPI's ACE-Step pages could not be read: the parameters are
those of PiAPI's catalog, none is checked, and no price is published.
"""

from __future__ import annotations

from piapi.families._base import AudioUrlOutput, FamilyInput, FamilyTask, TaskT

__all__ = [
    "AceStepAudio2AudioInput",
    "AceStepEditInput",
    "AceStepExtendInput",
    "AceStepOutput",
    "AceStepTask",
    "AceStepTxt2AudioInput",
]

DOCS = "https://piapi.ai/docs/ace-step-api"
GET_TASK_PAGE = f"{DOCS}/get-task"  # a completed answer: output.audio_url


class _AceStepInput(FamilyInput[TaskT], model="Qubico/ace-step"):
    style_prompt: str | None = None
    """The style in words, e.g. "guitar and piano"."""
    lyrics: str | None = None
    """PiAPI's example answer sends "[inst]"."""


class AceStepTxt2AudioInput(_AceStepInput["AceStepTask"], task_type="txt2audio"):
    """Input of `txt2audio` (https://piapi.ai/docs/ace-step-api/text-to-audio). Price: not
    published."""

    duration: int | float | None = None
    """10 in PiAPI's example answer."""
    negative_prompt: str | None = None
    style_audio: str | None = None


class AceStepAudio2AudioInput(_AceStepInput["AceStepTask"], task_type="audio2audio"):
    """Input of `audio2audio` (https://piapi.ai/docs/ace-step-api/audio-to-audio). Price: not
    published."""

    negative_prompt: str | None = None
    style_audio: str | None = None
    """The song to start from: a URL PiAPI can fetch."""


class AceStepEditInput(_AceStepInput["AceStepTask"], task_type="edit"):
    """Input of `edit` (https://piapi.ai/docs/ace-step-api/audio-edit). Price: not published."""

    audio: str | None = None
    """The song to edit: a URL PiAPI can fetch."""
    edit_lyrics: str | None = None
    edit_style_prompt: str | None = None


class AceStepExtendInput(_AceStepInput["AceStepTask"], task_type="extend"):
    """Input of `extend` (https://piapi.ai/docs/ace-step-api/audio-extend). Price: not
    published."""

    audio: str | None = None
    """The song to extend: a URL PiAPI can fetch."""
    negative_prompt: str | None = None
    left_extend_duration: int | float | None = None
    right_extend_duration: int | float | None = None


class AceStepOutput(AudioUrlOutput):
    """Output of an ACE-Step task: `audio_url` (https://piapi.ai/docs/ace-step-api/get-task)."""


AceStepInput = (
    AceStepTxt2AudioInput | AceStepAudio2AudioInput | AceStepEditInput | AceStepExtendInput
)


class AceStepTask(FamilyTask[AceStepInput, AceStepOutput]):
    """An ACE-Step task, typed."""
