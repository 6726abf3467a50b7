"""What a task makes and where its results are: the pure rules of `_core/results.py`,
by tables (the answers PiAPI published are read in test_published.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from piapi import parse_task
from piapi._core.models import TaskUsage
from piapi._core.results import (
    MediaKind,
    kind_of_task,
    kind_of_url,
    preview_urls,
    result_urls,
)

SONG, SONG2 = "https://cdn.example/s.mp3", "https://cdn.example/s2.mp3"
VIDEO = "https://cdn.example/v.mp4"
COVER, COVER_LARGE = "https://cdn.example/c.jpeg", "https://cdn.example/c_large.jpeg"
GLB, RENDER = "https://cdn.example/m.glb", "https://cdn.example/render.mp4"


@pytest.mark.parametrize(
    ("url", "keys", "kind"),
    [
        (SONG, (), "audio"),
        ("https://cdn.example/a.WAV?token=1", (), "audio"),
        (VIDEO, ("image_url",), "video"),  # the extension wins over the key
        (COVER, (), "image"),
        (GLB, (), "3d"),
        ("https://xxx", ("songs", "song_path"), "audio"),  # no extension: the nearest key
        ("https://xxx", ("video_raw", "url"), "video"),
        ("https://xxx", ("model_file",), "3d"),
        ("https://xxx", ("works", "resource"), None),
        ("https://cdn.example/file", (), None),
    ],
)
def test_kind_of_a_url(url: str, keys: tuple[str, ...], kind: MediaKind | None) -> None:
    assert kind_of_url(url, keys) == kind


@pytest.mark.parametrize(
    ("model", "task_type", "kind"),
    [
        ("suno", "music", "audio"),
        ("music-u", "generate_music", "audio"),
        ("Qubico/ace-step", "txt2audio", "audio"),
        ("Qubico/tts", "zero-shot", "audio"),
        ("Qubico/hug-video", "image_to_video", "video"),
        ("Qubico/video-toolkit", "background-remove", "video"),
        ("Qubico/trellis", "image-to-3d", "3d"),
        ("midjourney", "imagine", "image"),
        ("Qubico/flux1-dev", "txt2img", "image"),
        ("midjourney", "describe", "text"),
        ("faceswap", "", "image"),
        ("x", "y", None),
        (None, 5, None),
    ],
)
def test_kind_of_an_untyped_task(model: Any, task_type: Any, kind: MediaKind | None) -> None:
    assert kind_of_task(model, task_type) == kind


SUNO_CLIP = {
    "audio_url": SONG,
    "image_large_url": COVER_LARGE,
    "image_url": COVER,
    "video_url": VIDEO,
}


@pytest.mark.parametrize(
    ("output", "kind", "results", "previews"),
    [
        # a list of clips (Suno v5): songs, then their videos; covers are previews
        ([SUNO_CLIP], "audio", [SONG, VIDEO], [COVER_LARGE, COVER]),
        ([SUNO_CLIP], None, [SONG, VIDEO], [COVER_LARGE, COVER]),  # audio: the rarest kind
        # clips keyed by id, one of them empty, nested under `clips`
        ({"clips": {"a": {}, "b": SUNO_CLIP}}, "audio", [SONG, VIDEO], [COVER_LARGE, COVER]),
        # Udio: the cover listed first is not the result
        (
            {"songs": [{"image_path": COVER, "song_path": SONG}, {"song_path": SONG2}]},
            "audio",
            [SONG, SONG2],
            [COVER],
        ),
        # a video model: a frame image is a preview, not a result
        ({"image": COVER, "video": VIDEO}, "video", [VIDEO], [COVER]),
        # an image model keeps its images; a video of it ranks after them
        ({"video": VIDEO, "image_url": COVER}, "image", [COVER, VIDEO], []),
        # 3D: the model file; its renders are previews
        (
            {"no_background_image": COVER, "combined_video": RENDER, "model_file": GLB},
            "3d",
            [GLB],
            [COVER, RENDER],
        ),
        # nested deeper, in order
        ({"a": [[{"b": {"audio": SONG}}], {"c": SONG2}]}, None, [SONG, SONG2], []),
        # a preview key stays a preview whatever its kind
        ({"thumbnail_url": VIDEO, "video_url": VIDEO + "?2"}, "video", [VIDEO + "?2"], [VIDEO]),
        # placeholders: a URL without a file name is read, of no known kind
        (
            {"video_url": "https://xxx", "cover_url": "https://xxx"},
            "video",
            ["https://xxx"],
            ["https://xxx"],
        ),
        ([], "audio", [], []),
        ([None, "", 5, {"audio_url": ""}], "audio", [], []),
    ],
)
def test_results_by_the_kind_a_task_makes_and_previews_apart(
    output: object, kind: MediaKind | None, results: list[str], previews: list[str]
) -> None:
    assert result_urls(output, kind) == results
    assert preview_urls(output, kind) == previews


@pytest.mark.parametrize(
    ("usage", "status", "cost", "held"),
    [
        ({"type": "llm", "frozen": 0, "consume": 3_200_000}, "completed", "0.32", "0"),
        ({"type": "point", "frozen": 2_000_000, "consume": 0}, "pending", "0.2", "0.2"),
        ({"type": "quota", "frozen": 0, "consume": 20_000}, "pending", "0.002", "0"),
        ({"type": "Point", "frozen": 1, "consume": 1}, "completed", "1E-7", "1E-7"),
        ({"frozen": 0, "consume": 3_200_000}, "completed", "0.32", "0"),  # no type: USD units
        # Midjourney's own counts: unknown in USD, never a tiny number
        ({"type": "mj", "frozen": 14, "consume": 8}, "completed", None, None),
        ({"type": "mj", "frozen": 14, "consume": 0}, "processing", None, None),
        ({"type": "mj", "frozen": 0, "consume": 0}, "completed", "0", "0"),  # 0 in any unit
        ({"type": "", "frozen": 500_000, "consume": 0}, "failed", "0", None),  # Udio's refusal
        ({"type": "string", "frozen": 0, "consume": 0}, "Completed", "0", "0"),
        ({}, "completed", None, None),  # not reported
    ],
)
def test_cost_in_usd_only_in_a_unit_piapi_publishes(
    usage: dict[str, Any], status: str, cost: str | None, held: str | None
) -> None:
    task = parse_task({"task_id": "t", "status": status, "meta": {"usage": usage}})
    assert task.cost_usd == (None if cost is None else Decimal(cost))
    assert task.held_usd == (None if held is None else Decimal(held))
    assert TaskUsage.model_validate(usage).is_in_usd_units is (
        usage.get("type", "llm").lower() in ("llm", "point", "quota")
    )


@pytest.mark.parametrize(
    "fields",
    [{}, {"error": None}, {"error": {}}, {"error": "oops"}],
    ids=["missing", "null", "empty", "unreadable"],
)
def test_every_task_carries_an_error_object(fields: dict[str, Any]) -> None:
    for status in ("completed", "failed"):
        task = parse_task({"task_id": "t", "status": status, **fields})
        assert task.error.is_error is False
        assert task.error.message == ""
    assert parse_task({"task_id": "t", "status": "completed", **fields}).error.code == 0
