"""Seedance 2: modes, lengths, aspect ratios and resolutions from PiAPI's Seedance 2 page,
which references each mode takes, and prices per second by resolution."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi.seedance import Seedance2Input, Seedance2PreviewInput, SeedanceTask

PAGE = "https://piapi.ai/docs/seedance-api/seedance-2"
IMG = "https://i/a.png"


def test_defaults_and_classes() -> None:
    assert Seedance2Input(prompt="x").to_wire() == {
        "prompt": "x",
        "duration": 5,
        "resolution": "720p",
    }
    assert (Seedance2Input.MODEL, Seedance2Input.TASK_TYPE) == ("seedance", "seedance-2")
    assert Seedance2PreviewInput.TASK_TYPE == "seedance-2-preview"
    assert Seedance2PreviewInput.task_class() is SeedanceTask


ACCEPTED: dict[str, Build] = {
    **{
        f"aspect {ratio}": (lambda ratio=ratio: Seedance2Input(prompt="x", aspect_ratio=ratio))
        for ratio in ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")
    },
    **{
        f"{resolution}": (lambda r=resolution: Seedance2Input(prompt="x", resolution=r))
        for resolution in ("480p", "720p", "1080p")
    },
    "4 s": lambda: Seedance2Input(prompt="x", duration=4),
    "15 s": lambda: Seedance2Input(prompt="x", duration=15),
    "text to video": lambda: Seedance2Input(prompt="x", mode="text_to_video"),
    "first frame": lambda: Seedance2Input(mode="first_last_frames", image_urls=[IMG]),
    "first and last": lambda: Seedance2Input(mode="first_last_frames", image_urls=[IMG, IMG]),
    "twelve references": lambda: Seedance2Input(
        prompt="@image1 dances to @audio1",
        mode="omni_reference",
        image_urls=[IMG] * 9,
        video_urls=["https://v/a.mp4"] * 2,
        audio_urls=["https://a/a.mp3"],
    ),
    "mode left to PiAPI": lambda: Seedance2Input(prompt="x", image_urls=[IMG]),
    "preview alike": lambda: Seedance2PreviewInput(prompt="x", duration=15, resolution="1080p"),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(build: Build) -> None:
    build()


REFUSED: dict[str, tuple[Build, str]] = {
    "3 s": (
        lambda: Seedance2Input(prompt="x", duration=3),
        "duration must be from 4 to 15 (got 3)",
    ),
    "16 s": (lambda: Seedance2Input(prompt="x", duration=16), "duration must be from 4 to 15"),
    "aspect": (
        lambda: Seedance2Input(prompt="x", aspect_ratio="2:1"),
        "aspect_ratio must be one of 21:9, 16:9, 4:3, 1:1, 3:4, 9:16 (got '2:1')",
    ),
    "resolution": (
        lambda: Seedance2Input(prompt="x", resolution="4k"),
        "resolution must be one of 480p, 720p, 1080p (got '4k')",
    ),
    "mode": (
        lambda: Seedance2Input(prompt="x", mode="image_to_video"),
        "mode must be one of text_to_video, first_last_frames, omni_reference",
    ),
    "images in text to video": (
        lambda: Seedance2Input(prompt="x", mode="text_to_video", image_urls=[IMG]),
        "text_to_video takes no image_urls, video_urls or audio_urls",
    ),
    "no frame": (
        lambda: Seedance2Input(prompt="x", mode="first_last_frames"),
        "first_last_frames takes 1 or 2 image_urls and no video or audio",
    ),
    "three frames": (
        lambda: Seedance2Input(mode="first_last_frames", image_urls=[IMG] * 3),
        "first_last_frames takes 1 or 2 image_urls",
    ),
    "a video as a frame": (
        lambda: Seedance2Input(
            mode="first_last_frames", image_urls=[IMG], video_urls=["https://v/a.mp4"]
        ),
        "first_last_frames takes 1 or 2 image_urls and no video or audio",
    ),
    "thirteen references": (
        lambda: Seedance2Input(prompt="x", image_urls=[IMG] * 10, audio_urls=["https://a"] * 3),
        "at most 12 references in all (images, videos and audio, got 13)",
    ),
    "nothing to make": (lambda: Seedance2Input(), "give a prompt (or references to animate)"),
    "preview checked alike": (
        lambda: Seedance2PreviewInput(prompt="x", duration=20),
        "duration must be from 4 to 15",
    ),
}


@pytest.mark.parametrize(("build", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_naming_the_page(build: Build, message: str) -> None:
    refused(build, message, PAGE)


def test_refused_before_anything_is_sent(make_api: Callable[..., Api]) -> None:
    refused_before_sending(make_api, REFUSED["resolution"][0])


PRICES: dict[str, tuple[Build, str | None]] = {
    # the Seedance 2 page, seedance-2 per second: 480p $0.10, 720p $0.20, 1080p $0.50
    "480p 4 s": (lambda: Seedance2Input(prompt="x", resolution="480p", duration=4), "0.40"),
    "720p 5 s": (lambda: Seedance2Input(prompt="x"), "1.00"),
    "1080p 15 s": (lambda: Seedance2Input(prompt="x", resolution="1080p", duration=15), "7.50"),
    "images do not change it": (
        lambda: Seedance2Input(prompt="x", image_urls=[IMG], audio_urls=["https://a"]),
        "1.00",
    ),
    # "seedance-2-preview: now equivalent to seedance-2"
    "preview 720p 5 s": (lambda: Seedance2PreviewInput(prompt="x"), "1.00"),
    # input videos add half the rate per second of them: unknown before sending
    "with a video": (
        lambda: Seedance2Input(prompt="x", mode="omni_reference", video_urls=["https://v"]),
        None,
    ),
    "resolution left out": (lambda: Seedance2Input(prompt="x", resolution=None), None),
    "duration left out": (lambda: Seedance2Input(prompt="x", duration=None), None),
}


@pytest.mark.parametrize(("build", "price"), PRICES.values(), ids=PRICES.keys())
def test_estimate_cost(build: Build, price: str | None) -> None:
    assert build().estimate_cost() == (None if price is None else Decimal(price))


def test_an_echo_is_read_without_checks() -> None:
    echo = read_back(Seedance2PreviewInput, {"duration": 99, "aspect_ratio": "2:1", "mode": "?"})
    assert isinstance(echo, Seedance2PreviewInput)
    assert (echo.duration, echo.resolution) == (99, None)
