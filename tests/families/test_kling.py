"""Kling: what a caller may send (and what is refused, naming the page), prices from PiAPI's
Kling 3.0 tables, and reading whatever PiAPI echoes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi import TaskRequest, parse_task
from piapi._core.protocol import estimate_cost
from piapi.kling import (
    KlingOmniVideoInput,
    KlingShot,
    KlingTask,
    KlingVideoInput,
    KlingVideoOutput,
)

KLING_3 = "https://piapi.ai/docs/kling-api/kling-3-api"
KLING_OMNI = "https://piapi.ai/docs/kling-api/kling-3-omni-api"
VIDEO_GENERATION = "https://piapi.ai/docs/kling-api/video-generation"
CREATE_TASK = "https://piapi.ai/docs/kling-api/create-task"
SHOTS = [{"duration": 2, "prompt": "a dog"}, {"duration": 3, "prompt": "a cat"}]


def test_the_docs_example_is_sent_by_default() -> None:
    video = KlingVideoInput(prompt="a dog")
    assert video.to_wire() == {
        "prompt": "a dog",
        "version": "3.0",
        "mode": "std",
        "duration": 5,
        "enable_audio": False,
    }
    omni = KlingOmniVideoInput(prompt="a dog")
    assert omni.to_wire() == {
        "prompt": "a dog",
        "version": "3.0",
        "resolution": "720p",
        "duration": 5,
        "enable_audio": False,
    }


def test_multi_shots_send_no_duration_of_their_own() -> None:
    video = KlingVideoInput(multi_shots=SHOTS, enable_audio=True)
    assert "duration" not in video.to_wire()
    assert video.multi_shots == [
        KlingShot(duration=2, prompt="a dog"),
        KlingShot(duration=3, prompt="a cat"),
    ]
    assert video.seconds == 5


def test_a_default_left_out_on_purpose_is_not_sent() -> None:
    assert "mode" not in KlingVideoInput(prompt="x", mode=None).to_wire()


ACCEPTED: dict[str, Build] = {
    "std": lambda: KlingVideoInput(prompt="x", mode="std"),
    "pro": lambda: KlingVideoInput(prompt="x", mode="pro"),
    "16:9": lambda: KlingVideoInput(prompt="x", aspect_ratio="16:9"),
    "9:16": lambda: KlingVideoInput(prompt="x", aspect_ratio="9:16"),
    "1:1": lambda: KlingVideoInput(prompt="x", aspect_ratio="1:1"),
    "cfg_scale bounds": lambda: KlingVideoInput(prompt="x", cfg_scale=0),
    "cfg_scale 1": lambda: KlingVideoInput(prompt="x", cfg_scale=1.0),
    "image only": lambda: KlingVideoInput(image_url="https://i/a.png"),
    "first and last frame": lambda: KlingVideoInput(
        image_url="https://i/a.png", image_tail_url="https://i/b.png"
    ),
    "2,500 characters": lambda: KlingVideoInput(prompt="x" * 2500, negative_prompt="y" * 2500),
    # not fixed by PiAPI's Kling 3.0 pages: sent as given
    "duration 7": lambda: KlingVideoInput(prompt="x", duration=7),
    "version 2.6": lambda: KlingVideoInput(prompt="x", version="2.6"),
    "omni any aspect ratio": lambda: KlingOmniVideoInput(prompt="x", aspect_ratio="21:9"),
    "omni 4k": lambda: KlingOmniVideoInput(prompt="x", resolution="4k"),
    "omni o1": lambda: KlingOmniVideoInput(prompt="x", version="o1"),
    "unknown field": lambda: KlingVideoInput(prompt="x", camera_control={"type": "simple"}),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(build: Build) -> None:
    build()


REFUSED: dict[str, tuple[Build, str, str | None]] = {
    "mode": (
        lambda: KlingVideoInput(prompt="x", mode="master"),
        "mode must be one of std, pro (got 'master')",
        CREATE_TASK,
    ),
    "aspect ratio": (
        lambda: KlingVideoInput(prompt="x", aspect_ratio="4:3"),
        "aspect_ratio must be one of 16:9, 9:16, 1:1 (got '4:3')",
        VIDEO_GENERATION,
    ),
    "cfg_scale": (
        lambda: KlingVideoInput(prompt="x", cfg_scale=1.5),
        "cfg_scale must be from 0 to 1 (got 1.5)",
        VIDEO_GENERATION,
    ),
    "long prompt": (
        lambda: KlingVideoInput(prompt="x" * 2501),
        "prompt must be at most 2500 characters (got 2501)",
        VIDEO_GENERATION,
    ),
    "long negative prompt": (
        lambda: KlingVideoInput(prompt="x", negative_prompt="y" * 2501),
        "negative_prompt must be at most 2500 characters",
        VIDEO_GENERATION,
    ),
    "last frame alone": (
        lambda: KlingVideoInput(prompt="x", image_tail_url="https://i/b.png"),
        "image_tail_url (the last frame) needs image_url",
        VIDEO_GENERATION,
    ),
    "nothing to make": (
        lambda: KlingVideoInput(prompt="  "),
        "give a prompt, multi_shots or an image_url",
        KLING_3,
    ),
    "omni, nothing to make": (
        lambda: KlingOmniVideoInput(),
        "give a prompt or multi_shots",
        KLING_OMNI,
    ),
    "zero seconds": (
        lambda: KlingVideoInput(prompt="x", duration=0),
        "duration must be a positive number (got 0)",
        None,
    ),
    "a shot without a prompt": (
        lambda: KlingOmniVideoInput(multi_shots=[{"duration": 2, "prompt": ""}]),
        "each of multi_shots needs a prompt",
        KLING_OMNI,
    ),
    "a shot of no length": (
        lambda: KlingVideoInput(multi_shots=[{"duration": 0, "prompt": "a"}]),
        "multi_shots duration must be a positive number",
        None,
    ),
}


@pytest.mark.parametrize(("build", "message", "page"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_naming_the_allowed_values_and_the_page(
    build: Build, message: str, page: str | None
) -> None:
    refused(build, message, page)


@pytest.mark.parametrize("name", ["mode", "aspect ratio", "omni, nothing to make"])
def test_refused_before_anything_is_sent(make_api: Callable[..., Api], name: str) -> None:
    refused_before_sending(make_api, REFUSED[name][0])


PRICES: dict[str, tuple[Build, str | None]] = {
    # https://piapi.ai/docs/kling-api/kling-3-api, Kling 3.0 per second:
    # 720 (std) $0.10, with audio $0.15; 1080 (pro) $0.15, with audio $0.20
    "std 5 s": (lambda: KlingVideoInput(prompt="x"), "0.50"),
    "std 10 s with audio": (
        lambda: KlingVideoInput(prompt="x", duration=10, enable_audio=True),
        "1.50",
    ),
    "pro 5 s": (lambda: KlingVideoInput(prompt="x", mode="pro"), "0.75"),
    "pro 15 s with audio": (
        lambda: KlingVideoInput(prompt="x", mode="pro", duration=15, enable_audio=True),
        "3.00",
    ),
    "shots add up": (
        lambda: KlingVideoInput(multi_shots=SHOTS, duration=10, enable_audio=True),
        "0.75",
    ),
    # the omni table: 720p $0.15, with audio $0.20; 1080p $0.20, with audio $0.30
    "omni 720p 3 s": (lambda: KlingOmniVideoInput(prompt="x", duration=3), "0.45"),
    "omni 720p with audio": (lambda: KlingOmniVideoInput(prompt="x", enable_audio=True), "1.00"),
    "omni 1080p": (lambda: KlingOmniVideoInput(prompt="x", resolution="1080p"), "1.00"),
    "omni 1080p with audio, shots": (
        lambda: KlingOmniVideoInput(multi_shots=SHOTS, resolution="1080p", enable_audio=True),
        "1.50",
    ),
    # no published price
    "another version": (lambda: KlingVideoInput(prompt="x", version="2.6"), None),
    "mode left out": (lambda: KlingVideoInput(prompt="x", mode=None), None),
    "audio left out": (lambda: KlingVideoInput(prompt="x", enable_audio=None), None),
    "duration left out": (lambda: KlingVideoInput(prompt="x", duration=None), None),
    "omni o1": (lambda: KlingOmniVideoInput(prompt="x", version="o1"), None),
    "omni 4k": (lambda: KlingOmniVideoInput(prompt="x", resolution="4k"), None),
}


@pytest.mark.parametrize(("build", "price"), PRICES.values(), ids=PRICES.keys())
def test_estimate_cost(build: Build, price: str | None) -> None:
    assert build().estimate_cost() == (None if price is None else Decimal(price))


@pytest.mark.parametrize(
    ("task_input", "price"),
    [
        (
            {"prompt": "x", "version": "3.0", "mode": "pro", "duration": 5, "enable_audio": False},
            "0.75",
        ),
        ({"prompt": "x", "version": "3.0"}, None),  # PiAPI's own defaults apply: unknown price
        (
            {"prompt": "x", "mode": "turbo", "version": "3.0", "duration": 5, "enable_audio": True},
            None,
        ),
    ],
)
def test_a_plain_request_is_priced_as_sent(task_input: dict[str, Any], price: str | None) -> None:
    request = TaskRequest(model="kling", task_type="video_generation", input=task_input)
    assert estimate_cost(request) == (None if price is None else Decimal(price))


def test_an_echo_is_read_without_checks() -> None:
    echo = read_back(
        KlingVideoInput,
        {"mode": "master", "aspect_ratio": "4:3", "cfg_scale": 7, "duration": 0, "prompt": ""},
    )
    assert isinstance(echo, KlingVideoInput)
    assert (echo.mode, echo.version, echo.enable_audio) == ("master", None, None)  # no defaults
    omni = read_back(KlingOmniVideoInput, {})
    assert omni.to_wire() == {}


def test_both_output_shapes_are_typed_and_ranked() -> None:
    legacy = KlingVideoOutput.model_validate(
        {
            "type": "m2v_txt2video_hq",
            "status": 99,
            "works": [
                {
                    "cover": {"resource": "https://c/cover.png"},
                    "video": {
                        "resource": "https://v/marked.mp4",
                        "resource_without_watermark": "https://v/clean.mp4",
                        "duration": 5100,
                    },
                }
            ],
        }
    )
    assert legacy.works[0].video is not None
    assert legacy.works[0].video.duration == 5100
    task = KlingTask(task_id="t", status="completed", output=legacy)
    assert task.media_urls == ["https://v/clean.mp4", "https://v/marked.mp4"]
    v3 = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "model": "kling",
            "task_type": "video_generation",
            "output": {"video": "https://v/3.mp4", "works": None},
            "input": {"version": "3.0"},
        }
    )
    assert isinstance(v3, KlingTask)
    assert v3.output is not None
    assert (v3.output.video, v3.output.works) == ("https://v/3.mp4", [])
    assert v3.media_urls == ["https://v/3.mp4"]
