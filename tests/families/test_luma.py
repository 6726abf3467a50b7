"""Luma: a prompt and image key frames are checked (PiAPI's create-task page); nothing
else is refused and no price is published."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi.luma import LumaKeyFrames, LumaTask, LumaVideoInput, LumaVideoOutput

PAGE = "https://piapi.ai/docs/dream-machine/create-task"
IMG = "https://i/a.png"

ACCEPTED: dict[str, Build] = {
    "text": lambda: LumaVideoInput(prompt="x"),
    "first frame": lambda: LumaVideoInput(prompt="x", key_frames={"frame0": {"url": IMG}}),
    "last frame": lambda: LumaVideoInput(
        prompt="x",
        key_frames=LumaKeyFrames.model_validate({"frame1": {"type": "image", "url": IMG}}),
    ),
    # shown only in examples: sent as given
    "examples": lambda: LumaVideoInput(
        prompt="x", model_name="ray-v9", duration=9, aspect_ratio="4:3", loop=True
    ),
    "the other example's fields": lambda: LumaVideoInput(
        prompt="x", model="ray-v2", start_image=IMG
    ),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(build: Build) -> None:
    assert build().estimate_cost() is None  # no published price


REFUSED: dict[str, tuple[Build, str]] = {
    "no prompt": (lambda: LumaVideoInput(), "prompt is required"),
    "a generation as a frame": (
        lambda: LumaVideoInput(
            prompt="x", key_frames={"frame0": {"type": "generation", "url": IMG}}
        ),
        "key_frames.frame0.type must be image (got 'generation')",
    ),
    "a frame without a URL": (
        lambda: LumaVideoInput(prompt="x", key_frames={"frame1": {"type": "image"}}),
        "key_frames.frame1.url is required",
    ),
}


@pytest.mark.parametrize(("build", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_naming_the_page(build: Build, message: str) -> None:
    refused(build, message, PAGE)


def test_refused_before_anything_is_sent(make_api: Callable[..., Api]) -> None:
    refused_before_sending(make_api, REFUSED["no prompt"][0])


def test_an_echo_is_read_without_checks() -> None:
    echo = read_back(LumaVideoInput, {"key_frames": {"frame0": {"type": "generation", "id": "g"}}})
    assert isinstance(echo, LumaVideoInput)
    assert echo.key_frames is not None
    assert echo.key_frames.frame0 is not None
    assert echo.key_frames.frame0.type == "generation"


def test_the_clean_copy_first_previews_left_out() -> None:
    output = LumaVideoOutput.model_validate(
        {
            "video": {"url": "https://v/marked.mp4", "width": 1, "height": 1},
            "video_raw": {"url": "https://v/raw.mp4"},
            "thumbnail": {"url": "https://t.jpg"},
            "last_frame": {"url": "https://l.jpg"},
            "prompt": "https://not-a-result.example",
        }
    )
    task = LumaTask(task_id="t", status="completed", output=output)
    assert task.media_urls == ["https://v/raw.mp4", "https://v/marked.mp4"]
