"""Udio (`model: "music-u"`): typed song and lyrics requests for PiAPI's Udio-based model.

`UdioGenerateMusicInput` (`generate_music`, $0.04 a generation,
https://piapi.ai/docs/music-api/create-task) answers a `UdioTask` (the songs);
`UdioGenerateLyricsInput` (`generate_lyrics`) a `UdioLyricsTask` (text).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from piapi._core.models import WireModel, _empty_list, check_allowed
from piapi.families._base import AudioOutput, FamilyInput, FamilyTask, require_text

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "UdioGenerateLyricsInput",
    "UdioGenerateMusicInput",
    "UdioLyricsOutput",
    "UdioLyricsPair",
    "UdioLyricsTask",
    "UdioMusicOutput",
    "UdioSong",
    "UdioTask",
]

MUSIC_API_PAGE = "https://piapi.ai/docs/music-api/create-task"
EXAMPLES_PAGE = "https://piapi.ai/docs/music-api/music-task-examples"
SONG_EXTEND_PAGE = "https://piapi.ai/docs/song-api/udio-song-extend"
LYRICS_PAGE = "https://piapi.ai/docs/song-api/udio-generate-lyrics"

MUSIC_U = "music-u"
LYRICS_TYPES = ("generate", "user", "instrumental")  # MUSIC_API_PAGE (music-u only)
PRICE = Decimal("0.04")  # MUSIC_API_PAGE: "music-u: $0.04 / generation"


class UdioGenerateMusicInput(FamilyInput["UdioTask"], model=MUSIC_U, task_type="generate_music"):
    """Input of `music-u` `generate_music` (https://piapi.ai/docs/music-api/create-task;
    examples: https://piapi.ai/docs/music-api/music-task-examples).

    Checked: `lyrics_type` required, one of generate, user (your `lyrics`), instrumental.
    Price: $0.04 a generation.
    """

    gpt_description_prompt: str | None = None
    """The song's description (with `lyrics_type` "user", its style, e.g. "jazz, pop")."""
    lyrics_type: str | None = None
    """generate (Udio writes them), user (yours, in `lyrics`) or instrumental."""
    lyrics: str | None = None
    negative_tags: str | None = None
    """Comma separated, e.g. "pop,rock"."""
    seed: int | None = None
    """-1 (the examples) for a random seed."""
    continue_song_id: str | None = None
    """An earlier task's song to extend (https://piapi.ai/docs/song-api/udio-song-extend)."""
    continue_at: float | None = None
    """Where to extend that song, in seconds (PiAPI's catalog only)."""

    def estimate_cost(self) -> Decimal | None:
        """$0.04 a generation (https://piapi.ai/docs/music-api/create-task)."""
        return PRICE

    def _check(self) -> None:
        require_text("lyrics_type", self.lyrics_type, MUSIC_API_PAGE)
        check_allowed("lyrics_type", self.lyrics_type, LYRICS_TYPES, MUSIC_API_PAGE)


class UdioGenerateLyricsInput(
    FamilyInput["UdioLyricsTask"], model=MUSIC_U, task_type="generate_lyrics"
):
    """Input of `music-u` `generate_lyrics` (https://piapi.ai/docs/song-api/udio-generate-lyrics).

    Checked: `prompt` required. Price: not published.
    """

    prompt: str | None = None

    def _check(self) -> None:
        require_text("prompt", self.prompt, LYRICS_PAGE)


class UdioSong(WireModel):
    """One song: `song_path`, the audio; `image_path`, its cover.

    PiAPI's pages show no completed song; these names are those of a completed answer
    recorded by a third party. Every other field PiAPI sends is kept.
    """

    song_path: str | None = None
    image_path: str | None = None
    """The cover."""


class UdioMusicOutput(AudioOutput):
    """Output of a `music-u` song task: `songs` (null until done) and `generation_id` (both
    in a published create answer, github.com/keef75/Nova-ACE, MIT)."""

    generation_id: str | None = None
    songs: list[UdioSong] | None = None


class UdioLyricsPair(WireModel):
    """One lyrics proposal: a `title` and its `text`."""

    title: str | None = None
    text: str | None = None


class UdioLyricsOutput(WireModel):
    """Output of `generate_lyrics`: `lyrics_pairs`
    (https://piapi.ai/docs/song-api/udio-generate-lyrics)."""

    MEDIA_KIND: ClassVar[MediaKind] = "text"

    lyrics_pairs: list[UdioLyricsPair] = Field(default_factory=_empty_list)


class UdioTask(FamilyTask[UdioGenerateMusicInput, UdioMusicOutput]):
    """A `music-u` song task, typed: `task.output.songs`."""


class UdioLyricsTask(FamilyTask[UdioGenerateLyricsInput, UdioLyricsOutput]):
    """A `music-u` lyrics task, typed: `task.output.lyrics_pairs`."""
