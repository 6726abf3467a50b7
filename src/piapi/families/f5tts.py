"""F5-TTS (`model: "Qubico/tts"`): typed zero-shot text-to-speech requests.

`F5TtsZeroShotInput` (`zero-shot`): speak `gen_text` in the voice of `ref_audio`; it
answers an `F5TtsTask` whose `output.audio_url` is the speech. $0.025 per 1,000
characters (https://piapi.ai/docs/tts-api/f5-tts).
"""

from __future__ import annotations

from decimal import Decimal

from piapi.families._base import (
    AudioUrlOutput,
    FamilyInput,
    FamilyTask,
    check_max_length,
    require_text,
)

__all__ = ["F5TtsOutput", "F5TtsTask", "F5TtsZeroShotInput"]

F5_TTS_PAGE = "https://piapi.ai/docs/tts-api/f5-tts"
# PiAPI's MCP server (github.com/apinetwork/piapi-mcp-server, src/index.ts) reads the speech
# from `output.audio_url`.
MCP_SERVER = "https://github.com/apinetwork/piapi-mcp-server"

MAX_TEXT = 10_000  # F5_TTS_PAGE: gen_text "<= 10000 characters"
PRICE_PER_1000_CHARACTERS = Decimal("0.025")  # F5_TTS_PAGE: "$0.025 per 1000 characters"


class F5TtsZeroShotInput(FamilyInput["F5TtsTask"], model="Qubico/tts", task_type="zero-shot"):
    """Input of `Qubico/tts` `zero-shot` (https://piapi.ai/docs/tts-api/f5-tts).

    Checked: `gen_text` required, at most 10,000 characters; `ref_audio` required.
    Price: $0.025 per 1,000 characters of `gen_text` (pro rata: the page states no rounding).
    """

    gen_text: str | None = None
    """The text to speak."""
    ref_audio: str | None = None
    """The voice to copy: a URL PiAPI can fetch, or base64 audio data."""
    ref_text: str | None = None
    """What `ref_audio` says (optional)."""
    custom_split_words: str | None = None
    remove_silence: bool | None = None
    speed: float | None = None

    def estimate_cost(self) -> Decimal | None:
        """$0.025 per 1,000 characters of `gen_text`; None without a text."""
        if self.gen_text is None:
            return None
        return PRICE_PER_1000_CHARACTERS * len(self.gen_text) / 1000

    def _check(self) -> None:
        require_text("gen_text", self.gen_text, F5_TTS_PAGE)
        check_max_length("gen_text", self.gen_text, MAX_TEXT, F5_TTS_PAGE)
        require_text("ref_audio", self.ref_audio, F5_TTS_PAGE)


class F5TtsOutput(AudioUrlOutput):
    """Output of an F5-TTS task: `audio_url`, the speech (the field PiAPI's MCP server reads;
    no completed answer is published)."""


class F5TtsTask(FamilyTask[F5TtsZeroShotInput, F5TtsOutput]):
    """An F5-TTS `zero-shot` task, typed."""
