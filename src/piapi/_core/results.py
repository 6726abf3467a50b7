"""Where a task's result files are in its output, for every model: pure, over plain data.

Each PiAPI model shapes its output its own way (`video`, `video_raw.url`, `works[]`,
`image_urls`, ...). `result_urls` walks any output and ranks the URLs it finds: files
without a watermark first, then the others, then temporary or watermarked copies; previews
(thumbnails, covers, last frames, prompt images) are not results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, cast

__all__ = ["result_urls"]

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


def result_urls(output: object) -> list[str]:
    """The URLs of the result files in a task's output, best first, without duplicates.

    Args:
        output: The task's `output`: a dict of any shape, or a typed output model (read as
            its JSON form).

    Returns:
        http(s) URLs, best first; `[]` when the output holds none.
    """
    dump = getattr(output, "model_dump", None)
    data: object = dump(mode="json") if callable(dump) else output
    ranked = sorted(_candidates(data, ()), key=lambda item: item[0])  # stable: keeps order
    return _unique([url for _, url in ranked])


def _candidates(node: object, keys: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    if isinstance(node, str):
        url = node.strip()
        if url.lower().startswith(_URL_PREFIXES):
            yield _tier(keys), url
    elif isinstance(node, Mapping):
        for key, value in cast("Mapping[object, Any]", node).items():
            name = str(key).lower()
            if not any(word in name for word in PREVIEW_WORDS):
                yield from _candidates(value, (*keys, name))
    elif isinstance(node, list | tuple):
        for item in cast("list[Any]", node):
            yield from _candidates(item, keys)


def _tier(keys: tuple[str, ...]) -> int:
    words = {word for key in keys for word in _WORD.findall(key)}
    if any(phrase in key for key in keys for phrase in CLEAN_PHRASES) or words & CLEAN_WORDS:
        return 0
    if any(phrase in key for key in keys for phrase in LESSER_PHRASES) or words & LESSER_WORDS:
        return 2
    return 1


def _unique(urls: list[object]) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        if isinstance(url, str) and url.strip().lower().startswith(_URL_PREFIXES):
            seen.setdefault(url.strip(), None)
    return list(seen)
