"""Veo 3 and 3.1: `duration` as text ("8s"), prices by task type and audio from PiAPI's two
pages, nothing refused that the pages only show in examples."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi.veo import (
    Veo3FastVideoInput,
    Veo3VideoInput,
    Veo31FastVideoInput,
    Veo31VideoInput,
    VeoTask,
)

VEO3 = "https://piapi.ai/docs/veo3-api/image-to-video"
VEO31 = "https://piapi.ai/docs/veo31-api/text-to-video"
ALL = (Veo3VideoInput, Veo3FastVideoInput, Veo31VideoInput, Veo31FastVideoInput)


@pytest.mark.parametrize(
    ("request_class", "model", "task_type"),
    [
        (Veo3VideoInput, "veo3", "veo3-video"),
        (Veo3FastVideoInput, "veo3", "veo3-video-fast"),
        (Veo31VideoInput, "veo3.1", "veo3.1-video"),
        (Veo31FastVideoInput, "veo3.1", "veo3.1-video-fast"),
    ],
)
def test_model_and_task_type(
    request_class: type[Veo3VideoInput], model: str, task_type: str
) -> None:
    assert (model, task_type) == (request_class.MODEL, request_class.TASK_TYPE)
    assert request_class.task_class() is VeoTask


def test_duration_is_sent_as_text() -> None:
    assert Veo31VideoInput(prompt="x").to_wire() == {
        "prompt": "x",
        "duration": "8s",
        "generate_audio": True,
    }
    assert Veo31VideoInput(prompt="x", duration=4).duration == "4s"  # an int, made text
    assert Veo31VideoInput(prompt="x", duration="6s").seconds == 6


ACCEPTED: dict[str, Build] = {
    # the pages show these only in examples: any value is sent as given
    "auto aspect ratio": lambda: Veo3FastVideoInput(
        prompt="x", image_url="https://i/a.png", aspect_ratio="auto"
    ),
    "21:9": lambda: Veo31VideoInput(prompt="x", aspect_ratio="21:9"),
    "1080p": lambda: Veo31VideoInput(prompt="x", resolution="1080p"),
    "10s": lambda: Veo3VideoInput(prompt="x", duration="10s"),
    "negative prompt": lambda: Veo31FastVideoInput(prompt="x", negative_prompt="static"),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(build: Build) -> None:
    build()


REFUSED: dict[str, tuple[Build, str, str]] = {
    "no prompt": (lambda: Veo31VideoInput(), "prompt is required", VEO31),
    "blank prompt": (lambda: Veo3VideoInput(prompt=" "), "prompt is required", VEO3),
    "duration without its s": (
        lambda: Veo31VideoInput(prompt="x", duration="8"),
        "duration must be text such as \"8s\" (got '8')",
        VEO31,
    ),
    "duration in words": (
        lambda: Veo3FastVideoInput(prompt="x", duration="eight seconds"),
        'duration must be text such as "8s"',
        VEO3,
    ),
    "no seconds": (
        lambda: Veo3VideoInput(prompt="x", duration=0),
        "such as \"8s\" (got '0s')",
        VEO3,
    ),
}


@pytest.mark.parametrize(("build", "message", "page"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_naming_the_page(build: Build, message: str, page: str) -> None:
    refused(build, message, page)


def test_refused_before_anything_is_sent(make_api: Callable[..., Api]) -> None:
    refused_before_sending(make_api, REFUSED["duration without its s"][0])


PRICES: dict[str, tuple[Build, str | None]] = {
    # both pages: veo3(.1)-video $0.24/s with audio, $0.12/s without;
    # the -fast task types $0.09/s with audio, $0.06/s without
    "veo3 8s": (lambda: Veo3VideoInput(prompt="x"), "1.92"),
    "veo3 8s silent": (lambda: Veo3VideoInput(prompt="x", generate_audio=False), "0.96"),
    "veo3 fast 8s": (lambda: Veo3FastVideoInput(prompt="x"), "0.72"),
    "veo3 fast 4s silent": (
        lambda: Veo3FastVideoInput(prompt="x", duration="4s", generate_audio=False),
        "0.24",
    ),
    "veo3.1 8s": (lambda: Veo31VideoInput(prompt="x"), "1.92"),
    "veo3.1 6s silent": (
        lambda: Veo31VideoInput(prompt="x", duration=6, generate_audio=False),
        "0.72",
    ),
    "veo3.1 fast 8s": (lambda: Veo31FastVideoInput(prompt="x"), "0.72"),
    "veo3.1 fast 8s silent": (
        lambda: Veo31FastVideoInput(prompt="x", generate_audio=False),
        "0.48",
    ),
    "audio left out": (lambda: Veo31VideoInput(prompt="x", generate_audio=None), None),
    "duration left out": (lambda: Veo31VideoInput(prompt="x", duration=None), None),
}


@pytest.mark.parametrize(("build", "price"), PRICES.values(), ids=PRICES.keys())
def test_estimate_cost(build: Build, price: str | None) -> None:
    assert build().estimate_cost() == (None if price is None else Decimal(price))


@pytest.mark.parametrize("request_class", ALL)
def test_an_echo_is_read_without_checks(request_class: type[Veo3VideoInput]) -> None:
    echo = read_back(request_class, {"duration": "eight", "prompt": ""})
    assert isinstance(echo, request_class)
    assert (echo.duration, echo.generate_audio, echo.estimate_cost()) == ("eight", None, None)


def test_an_echoed_number_of_seconds_is_kept_as_text() -> None:
    echo = read_back(Veo3VideoInput, {"duration": "8s"})
    assert echo.to_wire() == {"duration": "8s"}
