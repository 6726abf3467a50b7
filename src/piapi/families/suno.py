"""Suno (`model: "suno"`) and PiAPI's Suno-based `music-s`: typed song and lyrics requests.

One class per model and task type, e.g. `SunoGenerateMusicInput` (`suno`, `generate_music`)
and `MusicSGenerateMusicCustomInput` (`music-s`, `generate_music_custom`). Songs answer a
`SunoTask` whose output holds the clips (audio, video, cover); lyrics answer a
`SunoLyricsTask`. PiAPI marks its `suno` endpoints "service stopped"
(https://piapi.ai/docs/sunsetting-suno); `music-s` is still priced, $0.04 a generation
(https://piapi.ai/docs/music-api/create-task).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import ConfigDict, Field, model_validator

from piapi._core.models import WireModel, _empty_list, check_allowed
from piapi.families._base import (
    AudioOutput,
    FamilyInput,
    FamilyTask,
    TaskReference,
    TaskT,
    require_text,
)

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "MusicSConcatMusicInput",
    "MusicSGenerateLyricsInput",
    "MusicSGenerateMusicCustomInput",
    "MusicSGenerateMusicInput",
    "MusicSUploadAudioInput",
    "SunoClip",
    "SunoConcatMusicInput",
    "SunoGenerateLyricsInput",
    "SunoGenerateMusicCustomInput",
    "SunoGenerateMusicInput",
    "SunoLyricsInput",
    "SunoLyricsOutput",
    "SunoLyricsPair",
    "SunoLyricsTask",
    "SunoMusicInput",
    "SunoMusicOutput",
    "SunoTask",
    "SunoUploadAudioInput",
]

GENERATE_MUSIC_PAGE = "https://piapi.ai/docs/suno-api/generate-music"
MUSIC_PAGE = "https://piapi.ai/docs/suno-api/music"  # "Music (service stopped)"
LYRICS_PAGE = "https://piapi.ai/docs/suno-api/lyrics"  # "Lyrics (service stopped)"
SUNSET_PAGE = "https://piapi.ai/docs/sunsetting-suno"
FULL_SONG_PAGE = "https://piapi.ai/docs/legacy/suno-api/generate-full-song"  # concat_music
GET_MUSIC_PAGE = "https://piapi.ai/docs/legacy/suno-api/get-music"  # clips keyed by id
WEBHOOK_PAGE = "https://piapi.ai/docs/25346021e0"  # a completed `music` task: a list of clips
MUSIC_API_PAGE = "https://piapi.ai/docs/music-api/create-task"  # music-s (and music-u) prices
# The [Udio] lyrics page, whose example request is a `music-s` one; `prompt` is required there.
LYRICS_API_PAGE = "https://piapi.ai/docs/song-api/udio-generate-lyrics"

SUNO, MUSIC_S = "suno", "music-s"
# GENERATE_MUSIC_PAGE: "utilizes either Suno's chirp-v3-0, chirp-v3-5 and chirp-v4 model".
SUNO_VERSIONS = ("chirp-v3-0", "chirp-v3-5", "chirp-v4")
MUSIC_S_PRICE = Decimal("0.04")  # MUSIC_API_PAGE: "music-s: $0.04 / generation"


class _SongInput(FamilyInput[TaskT]):
    # `model_version` is PiAPI's name: on the wire as written, so it is no alias (an alias
    # would be written out under the Python name by `TaskRequest.to_wire()`); pydantic
    # before 2.10 would warn of its `model_` prefix without this.
    model_config = ConfigDict(protected_namespaces=())


class _CustomSongInput(_SongInput[TaskT]):
    """The "Custom" mode of `suno` and `music-s` (`generate_music_custom`): the same fields."""

    prompt: str | None = None
    """The lyrics."""
    title: str | None = None
    tags: str | None = None
    """The kind of music, comma separated, e.g. "pop,rock"."""
    negative_tags: str | None = None
    make_instrumental: bool | None = None
    model_version: str | None = None
    continue_clip_id: str | None = None
    """The id of an earlier task's clip to continue from."""
    continue_at: float | None = None
    """Where to continue the clip, in seconds (0: from the start)."""


# --- suno ---------------------------------------------------------------------------------


class SunoGenerateMusicInput(_SongInput["SunoTask"], model=SUNO, task_type="generate_music"):
    """Input of `suno` `generate_music`: a song from a description (the "Description" mode),
    https://piapi.ai/docs/suno-api/generate-music.

    Checked: `model_version` (chirp-v3-0, chirp-v3-5, chirp-v4, as that page names them).
    Price: not published (PiAPI's `suno` service is stopped).
    """

    gpt_description_prompt: str | None = None
    """A plain description of the song."""
    make_instrumental: bool | None = None
    model_version: str | None = None

    def _check(self) -> None:
        if self.model_version is not None:
            check_allowed("model_version", self.model_version, SUNO_VERSIONS, GENERATE_MUSIC_PAGE)


class SunoGenerateMusicCustomInput(
    _CustomSongInput["SunoTask"], model=SUNO, task_type="generate_music_custom"
):
    """Input of `suno` `generate_music_custom`: your lyrics, title and tags, or a clip to
    continue (https://piapi.ai/docs/suno-api/generate-music).

    Checked: `model_version` (chirp-v3-0, chirp-v3-5, chirp-v4). Price: not published.
    """

    def _check(self) -> None:
        if self.model_version is not None:
            check_allowed("model_version", self.model_version, SUNO_VERSIONS, GENERATE_MUSIC_PAGE)


class SunoConcatMusicInput(_SongInput["SunoTask"], model=SUNO, task_type="concat_music"):
    """Input of `suno` `concat_music`: the whole song of an extended clip.

    Checked: `clip_id` required (https://piapi.ai/docs/legacy/suno-api/generate-full-song:
    the latest extended clip). Price: not published.
    """

    clip_id: str | None = None
    """The id of the last clip of an extension (an earlier task's clip)."""

    def _check(self) -> None:
        require_text("clip_id", self.clip_id, FULL_SONG_PAGE)


class SunoUploadAudioInput(_SongInput["SunoTask"], model=SUNO, task_type="upload_audio"):
    """Input of `suno` `upload_audio`. No PiAPI page describes it (PiAPI's catalog lists
    `audio_url`); price not published."""

    audio_url: str | None = None


class SunoMusicInput(_SongInput["SunoTask"], model=SUNO, task_type="music"):
    """Input of `suno` `music` (https://piapi.ai/docs/suno-api/music, "service stopped").

    Parameters as PiAPI's catalog lists them; none is described on a page, none checked.
    A published completed `music` task (https://piapi.ai/docs/25346021e0) answers a list of
    clips. Price: not published.
    """

    prompt: str | None = None
    gpt_description_prompt: str | None = None
    make_instrumental: bool | None = None
    mv: str | None = None
    """The Suno model version (the published answer shows "chirp-crow")."""
    title: str | None = None
    tags: str | None = None
    task_id: TaskReference | None = None
    """An earlier task (or its id; not described by PiAPI)."""


class SunoGenerateLyricsInput(
    FamilyInput["SunoLyricsTask"], model=SUNO, task_type="generate_lyrics"
):
    """Input of `suno` `generate_lyrics`. No PiAPI page describes it (PiAPI's catalog lists
    `prompt` and `model_version`); price not published."""

    model_config = ConfigDict(protected_namespaces=())

    prompt: str | None = None
    model_version: str | None = None


class SunoLyricsInput(FamilyInput["SunoLyricsTask"], model=SUNO, task_type="lyrics"):
    """Input of `suno` `lyrics` (https://piapi.ai/docs/suno-api/lyrics, "service stopped").
    Price: not published."""

    prompt: str | None = None


# --- music-s ------------------------------------------------------------------------------


class _MusicSSongInput(_SongInput[TaskT], model=MUSIC_S):
    def estimate_cost(self) -> Decimal | None:
        """$0.04 a generation (https://piapi.ai/docs/music-api/create-task)."""
        return MUSIC_S_PRICE


class MusicSGenerateMusicInput(_MusicSSongInput["SunoTask"], task_type="generate_music"):
    """Input of `music-s` `generate_music`: a song from a description
    (https://piapi.ai/docs/music-api/create-task). Price: $0.04 a generation.

    PiAPI's page lists no allowed values; nothing is checked.
    """

    gpt_description_prompt: str | None = None
    make_instrumental: bool | None = None
    """Music only, no vocals."""


class MusicSGenerateMusicCustomInput(
    _MusicSSongInput["SunoTask"], _CustomSongInput["SunoTask"], task_type="generate_music_custom"
):
    """Input of `music-s` `generate_music_custom`: your lyrics, title and tags
    (https://piapi.ai/docs/music-api/create-task). Price: $0.04 a generation.

    PiAPI's page lists no allowed values or lengths; nothing is checked.
    """


class MusicSConcatMusicInput(_SongInput["SunoTask"], model=MUSIC_S, task_type="concat_music"):
    """Input of `music-s` `concat_music` (PiAPI's catalog lists `clip_id`; no page describes
    it). Price: not published."""

    clip_id: str | None = None
    """An earlier task's clip."""


class MusicSUploadAudioInput(_SongInput["SunoTask"], model=MUSIC_S, task_type="upload_audio"):
    """Input of `music-s` `upload_audio` (PiAPI's catalog lists `audio_url`; no page
    describes it). Price: not published."""

    audio_url: str | None = None


class MusicSGenerateLyricsInput(
    FamilyInput["SunoLyricsTask"], model=MUSIC_S, task_type="generate_lyrics"
):
    """Input of `music-s` `generate_lyrics`
    (https://piapi.ai/docs/song-api/udio-generate-lyrics, whose example is this request).

    Checked: `prompt` required. Price: not published.
    """

    prompt: str | None = None

    def _check(self) -> None:
        require_text("prompt", self.prompt, LYRICS_API_PAGE)


# --- output -------------------------------------------------------------------------------


class SunoClip(WireModel):
    """One clip of a song: `audio_url` (MP3) and `video_url` (MP4) are results,
    `image_url` / `image_large_url` its cover (https://piapi.ai/docs/legacy/suno-api/get-music)."""

    model_config = ConfigDict(protected_namespaces=())

    id: str | None = None
    audio_url: str | None = None
    video_url: str | None = None
    image_large_url: str | None = None
    """The cover, larger (listed first, as PiAPI does)."""
    image_url: str | None = None
    """The cover."""
    is_video_pending: bool | None = None
    major_model_version: str | None = None
    model_name: str | None = None
    metadata: dict[str, Any] | None = None
    """`tags` and `prompt` (the lyrics), as Suno sends them."""


def _clip_list(clips: object) -> object:
    """Clips keyed by id (`{"<id>": {...}}`) as a list, each with its id."""
    if clips is None:
        return []
    if isinstance(clips, Mapping):
        keyed = cast("Mapping[str, object]", clips)
        return [
            {"id": key, **cast("dict[str, Any]", clip)} if isinstance(clip, dict) else clip
            for key, clip in keyed.items()
        ]
    return clips


class SunoMusicOutput(AudioOutput):
    """Output of a Suno song task: `clips`, each a `SunoClip`.

    PiAPI answers clips in two shapes, both read here as a list: keyed by id under
    `clips` (https://piapi.ai/docs/legacy/suno-api/get-music; one of them may be `{}`), or
    `output` itself a list of clips (the completed webhook at https://piapi.ai/docs/25346021e0).
    """

    clips: list[SunoClip] = Field(default_factory=_empty_list)

    @model_validator(mode="before")
    @classmethod
    def _clips_in_either_shape(cls, data: object) -> object:
        if isinstance(data, list):
            return {"clips": _clip_list(cast("list[object]", data))}
        if not isinstance(data, dict):
            return data
        fields = cast("dict[str, Any]", data)
        if "clips" in fields:
            return {**fields, "clips": _clip_list(fields["clips"])}
        return fields


class SunoLyricsPair(WireModel):
    """One lyrics proposal: a `title` and its `text`."""

    title: str | None = None
    text: str | None = None


class SunoLyricsOutput(WireModel):
    """Output of a lyrics task: `lyrics_pairs` (the shape of PiAPI's lyrics page,
    https://piapi.ai/docs/song-api/udio-generate-lyrics; not published for `suno` itself)."""

    MEDIA_KIND: ClassVar[MediaKind] = "text"

    lyrics_pairs: list[SunoLyricsPair] = Field(default_factory=_empty_list)


SunoSongInput = (
    SunoGenerateMusicInput
    | SunoGenerateMusicCustomInput
    | SunoConcatMusicInput
    | SunoUploadAudioInput
    | SunoMusicInput
    | MusicSGenerateMusicInput
    | MusicSGenerateMusicCustomInput
    | MusicSConcatMusicInput
    | MusicSUploadAudioInput
)
SunoLyricsRequest = SunoGenerateLyricsInput | SunoLyricsInput | MusicSGenerateLyricsInput


class SunoTask(FamilyTask[SunoSongInput, SunoMusicOutput]):
    """A `suno` or `music-s` song task, typed: `task.output.clips` are the clips."""


class SunoLyricsTask(FamilyTask[SunoLyricsRequest, SunoLyricsOutput]):
    """A `suno` or `music-s` lyrics task, typed: `task.output.lyrics_pairs`."""
