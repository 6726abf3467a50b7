"""The audio, image and 3D families against PiAPI's catalog and pages.

Every `model::task_type` of these families in PiAPI's catalog (tests/data/
piapi-catalog-2026-07.json, July 2026) has a typed request whose JSON schema lists each
parameter the catalog lists; each example request a PiAPI page shows
(tests/data/published/requests/, with its page) is built from its class and written out
exactly as the page shows it; what is particular to one family (Suno's two output shapes,
the price helpers) follows. The kind of each output is checked for every family, with the
task class that reads it, in test_task_declarations.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _checks import read_back

from piapi import TaskInput, TaskRequest, parse_task
from piapi.families._registry import request_class_for
from piapi.imagetoolkit import segment_price
from piapi.midjourney import MidjourneyImageOutput, MidjourneyTask, MidjourneyTextTask
from piapi.mmaudio import price_for_seconds
from piapi.suno import SunoLyricsTask, SunoMusicOutput, SunoTask
from piapi.trellis import TrellisTask
from piapi.udio import UdioLyricsTask, UdioTask
from piapi.zimage import price_per_image

DATA = Path(__file__).resolve().parents[1] / "data"
CATALOG_FILE = DATA.parent.parent / "scripts" / "data" / "piapi-catalog-2026-07.json"
CATALOG: dict[str, Any] = json.loads(CATALOG_FILE.read_text())["entries"]
MODELS = {
    "suno",
    "music-s",
    "music-u",
    "midjourney",
    "Qubico/tts",
    "Qubico/mmaudio",
    "Qubico/diffrhythm",
    "Qubico/ace-step",
    "Qubico/joycaption",
    "Qubico/qwen-image",
    "Qubico/z-image",
    "Qubico/image-toolkit",
    "Qubico/trellis",
    "Qubico/trellis2",
    "omni-human",
    "Qubico/hug-video",
}
PAIRS = sorted(key for key, entry in CATALOG.items() if entry["model"] in MODELS)
REQUESTS = sorted((DATA / "published" / "requests").glob("*.json"))


def typed(model: str, task_type: str) -> type[TaskInput]:
    request_class = request_class_for(model, task_type)
    assert request_class is not None, f"{model}::{task_type} has no typed request"
    return request_class


def test_the_catalog_has_46_pairs_of_these_models() -> None:
    assert len(PAIRS) == 46


@pytest.mark.parametrize("pair", PAIRS)
def test_every_catalog_parameter_is_in_the_schema(pair: str) -> None:
    entry = CATALOG[pair]
    request_class = typed(entry["model"], entry["taskType"])
    assert (entry["model"], entry["taskType"]) == (request_class.MODEL, request_class.TASK_TYPE)
    schema = request_class.model_json_schema(by_alias=True)
    listed = {param["name"] for param in entry["params"]}
    assert listed <= set(schema["properties"]), listed - set(schema["properties"])


@pytest.mark.parametrize("path", REQUESTS, ids=lambda path: path.stem)
def test_a_page_example_is_built_and_sent_as_the_page_shows_it(path: Path) -> None:
    published: dict[str, Any] = json.loads(path.read_text())
    assert published["page"].startswith("https://")
    shown: dict[str, Any] = published["request"]
    request_class = typed(shown["model"], shown["task_type"])
    if published.get("built", True):
        task_input = request_class(**shown["input"])
    else:  # a blank template: read as PiAPI echoes it, without checks
        task_input = read_back(request_class, shown["input"])
    request = TaskRequest(
        model=request_class.MODEL,
        task_type=request_class.TASK_TYPE,
        input=task_input,
        config=shown.get("config"),
    )
    sent = json.loads(json.dumps(request.to_wire()))
    # sort_keys: the same keys, values and JSON types (7 is not 7.0) as the page
    assert json.dumps(sent, sort_keys=True) == json.dumps(shown, sort_keys=True)


# --- particular to one family --------------------------------------------------------------

CLIP = {
    "id": "41a8",
    "audio_url": "https://cdn1.suno.ai/41a8.mp3",
    "video_url": "https://cdn1.suno.ai/41a8.mp4",
    "image_url": "https://cdn1.suno.ai/image_41a8.png",
    "image_large_url": "https://cdn1.suno.ai/image_large_41a8.png",
    "model_name": "chirp-v3",
    "metadata": {"tags": "Rock Metal", "prompt": "[Verse 1:]"},
}


@pytest.mark.parametrize(
    "output",
    [
        pytest.param({"clips": {"41a8": CLIP, "9f00": {}}}, id="keyed by id, one empty"),
        pytest.param([CLIP, {"id": "9f00"}], id="a list of clips"),
        pytest.param({"clips": [CLIP, {"id": "9f00"}]}, id="clips as a list"),
    ],
)
def test_suno_clips_in_every_shape(output: object) -> None:
    task = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "model": "suno",
            "task_type": "music",
            "output": output,
        }
    )
    assert isinstance(task, SunoTask)
    assert task.output is not None
    assert [clip.id for clip in task.output.clips] == ["41a8", "9f00"]
    assert task.output.clips[0].audio_url == CLIP["audio_url"]
    assert CLIP["audio_url"] in task.media_urls
    assert task.unreadable == {}


def test_suno_no_clips_yet() -> None:
    assert SunoMusicOutput.model_validate({"clips": None}).clips == []


@pytest.mark.parametrize(
    ("model", "task_type", "task_class"),
    [
        ("suno", "generate_music", SunoTask),
        ("music-s", "generate_music_custom", SunoTask),
        ("music-s", "generate_lyrics", SunoLyricsTask),
        ("suno", "lyrics", SunoLyricsTask),
        ("music-u", "generate_music", UdioTask),
        ("music-u", "generate_lyrics", UdioLyricsTask),
        ("midjourney", "imagine", MidjourneyTask),
        ("midjourney", "describe", MidjourneyTextTask),
        ("midjourney", "seed", MidjourneyTextTask),
        ("Qubico/trellis2", "image-to-3d", TrellisTask),
    ],
)
def test_each_task_type_is_read_by_its_task_class(
    model: str, task_type: str, task_class: type
) -> None:
    task = parse_task({"task_id": "t", "status": "pending", "model": model, "task_type": task_type})
    assert type(task) is task_class


def test_udio_lyrics_as_the_page_shows_them() -> None:
    task = parse_task(
        {
            "task_id": "t",
            "status": "pending",  # the page shows the lyrics in a pending answer
            "model": "music-u",
            "task_type": "generate_lyrics",
            "output": {"lyrics_pairs": [{"title": "Winter Wind", "text": "[Verse]\nSnow"}]},
        }
    )
    assert isinstance(task, UdioLyricsTask)
    assert task.output is not None
    assert task.output.lyrics_pairs[0].title == "Winter Wind"


def test_midjourney_grid_and_its_images() -> None:
    output = MidjourneyImageOutput(
        image_url="https://i/grid.png",
        image_urls=["https://i/1.png", "https://i/2.png"],
        temporary_image_urls=None,
    )
    task = MidjourneyTask(task_id="t", status="completed", output=output)
    assert set(task.media_urls) == {"https://i/grid.png", "https://i/1.png", "https://i/2.png"}


@pytest.mark.parametrize(
    ("seconds", "price"),
    [
        (0.4, "0.0005"),
        (1, "0.0005"),
        (10, "0.005"),
        (12.5, "0.00625"),
        (30, "0.015"),
        (90, "0.015"),
    ],
)
def test_mmaudio_price_per_second_of_video(seconds: float, price: str) -> None:
    # https://piapi.ai/docs/mmaudio-api/create-task: "$0.0005/second, rounded up if less than
    # 1 second and up to a maximum of 30 seconds"
    assert price_for_seconds(seconds) == Decimal(price)


@pytest.mark.parametrize(
    ("width", "height", "price"),
    [(500, 500, "0.01"), (1000, 1000, "0.01"), (2000, 1000, "0.02"), (1500, 1000, "0.015")],
)
def test_segment_price_per_million_pixels(width: int, height: int, price: str) -> None:
    # https://piapi.ai/docs/image-editing-api/segment-with-prompt-api: "$0.01 per million
    # pixels, rounded up if less than 1 million"
    assert segment_price(width, height) == Decimal(price)


def test_z_image_one_megapixel_is_1024_by_1024() -> None:
    # The page's own answer charges its 1024 x 1024 example $0.004 (usage.consume 40000).
    assert price_per_image(1024, 1024) == Decimal("0.004")
