"""Hailuo: sub-models and their rules from PiAPI's generate-video page (and v2.3 from its
product page), prices per video."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi.hailuo import HailuoTask, HailuoVideoInput, HailuoVideoOutput

PAGE = "https://piapi.ai/docs/hailuo-api/generate-video"
IMG = "https://i/face.jpg"

ACCEPTED: dict[str, Build] = {
    "t2v-01": lambda: HailuoVideoInput(model="t2v-01", prompt="x"),
    "t2v-01-director": lambda: HailuoVideoInput(model="t2v-01-director", prompt="[Pan left] x"),
    "i2v-01 without a prompt": lambda: HailuoVideoInput(model="i2v-01", image_url=IMG),
    "i2v-01-live": lambda: HailuoVideoInput(model="i2v-01-live", image_url=IMG, prompt="x"),
    "s2v-01": lambda: HailuoVideoInput(model="s2v-01", image_url=IMG, prompt="x"),
    "v2.3": lambda: HailuoVideoInput(model="v2.3", prompt="x"),
    "v2.3-fast from an image": lambda: HailuoVideoInput(model="v2.3-fast", image_url=IMG),
    "2,000 characters": lambda: HailuoVideoInput(model="t2v-01", prompt="x" * 2000),
    "undocumented fields": lambda: HailuoVideoInput(model="v2.3", prompt="x", duration=10),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(build: Build) -> None:
    build()


REFUSED: dict[str, tuple[Build, str]] = {
    "no model": (
        lambda: HailuoVideoInput(prompt="x"),
        "model must be one of t2v-01, t2v-01-director, i2v-01, i2v-01-live, s2v-01, v2.3, "
        "v2.3-fast (got None)",
    ),
    "unknown model": (lambda: HailuoVideoInput(model="t2v-02", prompt="x"), "(got 't2v-02')"),
    "t2v without a prompt": (lambda: HailuoVideoInput(model="t2v-01"), "prompt is required"),
    "s2v without a prompt": (
        lambda: HailuoVideoInput(model="s2v-01", image_url=IMG),
        "prompt is required",
    ),
    "t2v with an image": (
        lambda: HailuoVideoInput(model="t2v-01", prompt="x", image_url=IMG),
        "t2v-01 is text-to-video: it must not be given an image_url",
    ),
    "i2v without an image": (
        lambda: HailuoVideoInput(model="i2v-01-live", prompt="x"),
        "i2v-01-live needs an image_url",
    ),
    "s2v without an image": (
        lambda: HailuoVideoInput(model="s2v-01", prompt="x"),
        "s2v-01 needs an image_url",
    ),
    "long prompt": (
        lambda: HailuoVideoInput(model="t2v-01", prompt="x" * 2001),
        "prompt must be at most 2000 characters (got 2001)",
    ),
}


@pytest.mark.parametrize(("build", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_naming_the_page(build: Build, message: str) -> None:
    refused(build, message, PAGE)


def test_refused_before_anything_is_sent(make_api: Callable[..., Api]) -> None:
    refused_before_sending(make_api, REFUSED["t2v with an image"][0])


@pytest.mark.parametrize(
    ("build", "price"),
    [
        # the generate-video page, per video
        (lambda: HailuoVideoInput(model="t2v-01", prompt="x"), "0.20"),
        (lambda: HailuoVideoInput(model="i2v-01", image_url=IMG), "0.20"),
        (lambda: HailuoVideoInput(model="i2v-01-live", image_url=IMG), "0.20"),
        (lambda: HailuoVideoInput(model="s2v-01", image_url=IMG, prompt="x"), "0.30"),
        # no exact price published
        (lambda: HailuoVideoInput(model="t2v-01-director", prompt="x"), None),
        (lambda: HailuoVideoInput(model="v2.3", prompt="x"), None),
        (lambda: HailuoVideoInput(model="v2.3-fast", prompt="x"), None),
    ],
)
def test_estimate_cost(build: Build, price: str | None) -> None:
    assert build().estimate_cost() == (None if price is None else Decimal(price))


def test_an_echo_is_read_without_checks() -> None:
    echo = read_back(HailuoVideoInput, {"model": "t2v-99", "image_url": IMG})
    assert isinstance(echo, HailuoVideoInput)
    assert echo.model == "t2v-99"


def test_results_before_previews() -> None:
    output = HailuoVideoOutput(
        video_url="https://v/a.mp4", download_url="https://v/b.mp4", cover_url="https://c.jpg"
    )
    task = HailuoTask(task_id="t", status="completed", output=output)
    assert task.media_urls == ["https://v/a.mp4", "https://v/b.mp4"]
