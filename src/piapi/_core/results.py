"""Where a task's result files are in its output, for every model: pure, over plain data.

Each PiAPI model shapes its output its own way (`video`, `video_raw.url`, `works[]`,
`image_urls`, a list of Suno clips, Udio `songs[].song_path`, ...). `result_urls` walks any
output (an object, a list, an object of objects, nested to any depth, in order) and ranks
the URLs it finds:

1. by what the task was asked to make (its `MediaKind`: audio for a music model, video
   for a video model, ...): files of that kind first, files of an unknown kind next,
   files of another kind last;
2. then files without a watermark first, then the others, then temporary or watermarked
   copies;
3. then in the order PiAPI lists them.

Previews are not results (`preview_urls`): a key naming a thumbnail, cover, last frame,
prompt image, ..., and the images of a task asked for video, audio or a 3D model (its
covers and thumbnails; a 3D model's rendered video too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, cast

MediaKind = Literal["video", "audio", "image", "3d", "text"]
"""What a task makes. Each family's output class declares it (`MEDIA_KIND: ClassVar[MediaKind]`)."""

# A key containing one of these names a preview or an input, never a result.
PREVIEW_WORDS = (
    "thumbnail",
    "cover",
    "last_frame",
    "first_frame",
    "poster",
    "preview",
    "prompt",
    "reference",
    "mask",
)
# Tier 0, the clean file: a key containing one of these phrases (Kling
# `resource_without_watermark`) or the word "raw" (Luma `video_raw`).
CLEAN_PHRASES = ("without_watermark", "no_watermark", "nowatermark", "unwatermarked")
CLEAN_WORDS = frozenset({"raw", "clean", "original"})
# Tier 2, lesser copies: watermarked, or temporary (Midjourney `temporary_image_urls`).
LESSER_PHRASES = ("watermark",)
LESSER_WORDS = frozenset({"temporary", "temp", "watermarked"})
_WORD = re.compile(r"[a-z0-9]+")

_URL_PREFIXES = ("http://", "https://")

# A file's kind by its extension (the surest sign), else by the words of its keys.
EXTENSION_KINDS: dict[str, MediaKind] = {
    **dict.fromkeys(("mp4", "mov", "webm", "m4v", "mkv", "avi"), "video"),
    **dict.fromkeys(("mp3", "wav", "m4a", "aac", "flac", "ogg", "opus"), "audio"),
    **dict.fromkeys(("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff", "avif"), "image"),
    **dict.fromkeys(("glb", "gltf", "obj", "fbx", "usdz", "ply", "stl"), "3d"),
}
KEY_KINDS: tuple[tuple[MediaKind, frozenset[str]], ...] = (
    ("3d", frozenset({"3d", "glb", "mesh", "model_file"})),
    ("audio", frozenset({"audio", "song", "music", "sound", "voice", "speech", "mp3", "wav"})),
    ("video", frozenset({"video", "videos", "mp4"})),
    ("image", frozenset({"image", "images", "img", "picture", "photo", "png", "jpg", "jpeg"})),
)
# What a task of an untyped model was asked to make, by the words of its task type, then
# of its model (first match wins: "image_to_video" is a video, "txt2audio" audio).
TASK_KINDS: tuple[tuple[MediaKind, tuple[str, ...]], ...] = (
    ("3d", ("3d", "trellis", "mesh")),
    ("audio", ("music", "song", "audio", "sound", "tts", "speech", "voice", "udio", "suno")),
    ("video", ("video", "motion", "lipsync", "lip_sync", "avatar", "hug")),
    ("image", ("img", "image", "imagine", "upscale", "variation", "photo", "faceswap")),
    ("text", ("llm", "caption", "describe", "lyrics", "chat")),
)
# Without a declared or named kind, the rarest kind found is what was made: a cover image
# or a thumbnail comes with audio or video, never the other way round.
_CONTENT_ORDER: tuple[MediaKind, ...] = ("3d", "audio", "video", "image")
# The kinds that are previews (covers, thumbnails, renders) of a task making another kind.
PREVIEW_KINDS: dict[MediaKind, frozenset[MediaKind]] = {
    "video": frozenset({"image"}),
    "audio": frozenset({"image"}),
    "3d": frozenset({"image", "video"}),
}


class _Found:
    __slots__ = ("keys", "kind", "preview", "url")

    def __init__(self, url: str, keys: tuple[str, ...], preview: bool) -> None:
        self.url = url
        self.keys = keys
        self.preview = preview  # under a key that names a preview
        self.kind: MediaKind | None = kind_of_url(url, keys)


def result_urls(output: object, kind: MediaKind | None = None) -> list[str]:
    """The URLs of the result files in a task's output, best first, without duplicates.

    Args:
        output: The task's `output`: a dict, a list or a typed output model (read as its
            JSON form), of any shape and depth.
        kind: What the task was asked to make; None: the rarest kind found (3D, audio,
            video, image, in that order).

    Returns:
        http(s) URLs, best first; `[]` when the output holds none.
    """
    found = list(_walk(_plain(output), (), previews=False))
    wanted = kind or _kind_by_content(item.kind for item in found)
    lesser = _previews_of(wanted)
    results = [item for item in found if item.kind not in lesser]
    ranked = sorted(results, key=lambda item: (_kind_rank(item.kind, wanted), _tier(item.keys)))
    return _unique(item.url for item in ranked)


def preview_urls(output: object, kind: MediaKind | None = None) -> list[str]:
    """The URLs of the previews in a task's output (thumbnails, covers, last frames, the
    images of a video, music or 3D task), in order, without duplicates."""
    found = list(_walk(_plain(output), (), previews=True))
    wanted = kind or _kind_by_content(item.kind for item in found if not item.preview)
    lesser = _previews_of(wanted)
    return _unique(item.url for item in found if item.preview or item.kind in lesser)


def kind_of_url(url: str, keys: tuple[str, ...] = ()) -> MediaKind | None:
    """A file's kind by the extension of its URL's path, else by the words of the keys it
    sits under (nearest first); None when neither says."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    name = path.rsplit("/", 1)[-1]
    if "." in name:
        by_extension = EXTENSION_KINDS.get(name.rsplit(".", 1)[1].lower())
        if by_extension is not None:
            return by_extension
    for key in reversed(keys):
        words = set(_WORD.findall(key)) | {key}
        for kind, names in KEY_KINDS:
            if words & names:
                return kind
    return None


def kind_of_task(model: object, task_type: object) -> MediaKind | None:
    """What a task of an untyped model was asked to make, by the words of its task type,
    then of its model; None when they do not say."""
    for text in (task_type, model):
        name = text.lower() if isinstance(text, str) else ""
        for kind, words in TASK_KINDS:
            if any(word in name for word in words):
                return kind
    return None


def _plain(output: object) -> object:
    if isinstance(output, list):
        return [_plain(item) for item in cast("list[object]", output)]
    dump = getattr(output, "model_dump", None)
    return dump(mode="json") if callable(dump) else output


def _walk(node: object, keys: tuple[str, ...], *, previews: bool) -> Iterator[_Found]:
    """Every URL in `node`, in order; those under a preview key only when `previews`."""
    if isinstance(node, str):
        url = node.strip()
        if url.lower().startswith(_URL_PREFIXES):
            is_preview = any(word in key for key in keys for word in PREVIEW_WORDS)
            if previews or not is_preview:
                yield _Found(url, keys, is_preview)
    elif isinstance(node, Mapping):
        for key, value in cast("Mapping[object, Any]", node).items():
            yield from _walk(value, (*keys, str(key).lower()), previews=previews)
    elif isinstance(node, list | tuple):
        for item in cast("list[Any]", node):
            yield from _walk(item, keys, previews=previews)


def _previews_of(wanted: MediaKind | None) -> frozenset[MediaKind]:
    none: frozenset[MediaKind] = frozenset()
    return PREVIEW_KINDS.get(wanted, none) if wanted is not None else none


def _kind_by_content(kinds: Iterable[MediaKind | None]) -> MediaKind | None:
    present = set(kinds)
    return next((kind for kind in _CONTENT_ORDER if kind in present), None)


def _kind_rank(kind: MediaKind | None, wanted: MediaKind | None) -> int:
    if kind is None or wanted is None:
        return 1
    return 0 if kind == wanted else 2


def _tier(keys: tuple[str, ...]) -> int:
    words = {word for key in keys for word in _WORD.findall(key)}
    if any(phrase in key for key in keys for phrase in CLEAN_PHRASES) or words & CLEAN_WORDS:
        return 0
    if any(phrase in key for key in keys for phrase in LESSER_PHRASES) or words & LESSER_WORDS:
        return 2
    return 1


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))
