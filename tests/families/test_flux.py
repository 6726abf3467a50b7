"""Flux: one request class per model and task type, ranges from PiAPI's text-to-image and
image-to-image pages, no published price."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi.flux import (
    FluxDevAdvancedImg2ImgInput,
    FluxDevAdvancedTxt2ImgInput,
    FluxDevImg2ImgInput,
    FluxDevTxt2ImgInput,
    FluxImageOutput,
    FluxKontextInput,
    FluxSchnellImg2ImgInput,
    FluxSchnellTxt2ImgInput,
    FluxTask,
)

TXT2IMG = "https://piapi.ai/docs/flux-api/text-to-image"
IMG2IMG = "https://piapi.ai/docs/flux-api/image-to-image"
KONTEXT = "https://piapi.ai/docs/flux-api/kontext"
IMG = "https://i/a.png"


@pytest.mark.parametrize(
    ("request_class", "model", "task_type"),
    [
        (FluxDevTxt2ImgInput, "Qubico/flux1-dev", "txt2img"),
        (FluxSchnellTxt2ImgInput, "Qubico/flux1-schnell", "txt2img"),
        (FluxDevAdvancedTxt2ImgInput, "Qubico/flux1-dev-advanced", "txt2img"),
        (FluxDevImg2ImgInput, "Qubico/flux1-dev", "img2img"),
        (FluxSchnellImg2ImgInput, "Qubico/flux1-schnell", "img2img"),
        (FluxDevAdvancedImg2ImgInput, "Qubico/flux1-dev-advanced", "img2img"),
        (FluxKontextInput, "Qubico/flux1-dev-advanced", "kontext"),
    ],
)
def test_model_task_type_and_echo(
    request_class: type[FluxKontextInput], model: str, task_type: str
) -> None:
    assert (model, task_type) == (request_class.MODEL, request_class.TASK_TYPE)
    assert request_class.task_class() is FluxTask
    echo = read_back(request_class, {"width": 0, "height": 0, "steps": 0, "prompt": ""})
    assert type(echo) is request_class  # chosen by model and task type, not by shape
    assert echo.estimate_cost() is None


ACCEPTED: dict[str, Build] = {
    "1024 x 1024": lambda: FluxDevTxt2ImgInput(prompt="x", width=1024, height=1024),
    "2048 x 512": lambda: FluxSchnellTxt2ImgInput(prompt="x", width=2048, height=512),
    "guidance bounds": lambda: FluxDevTxt2ImgInput(prompt="x", guidance_scale=1.5),
    "guidance 5": lambda: FluxDevAdvancedImg2ImgInput(prompt="x", image=IMG, guidance_scale=5),
    "batch of 4": lambda: FluxSchnellTxt2ImgInput(prompt="x", batch_size=4),
    "denoise 1": lambda: FluxDevImg2ImgInput(prompt="x", image=IMG, denoise=1),
    "denoise 0.01": lambda: FluxSchnellImg2ImgInput(prompt="x", image=IMG, denoise=0.01),
    "lora": lambda: FluxDevAdvancedTxt2ImgInput(
        prompt="x", lora_settings=[{"lora_type": "anime", "lora_strength": 1}]
    ),
    "kontext as in the docs": lambda: FluxKontextInput(
        prompt="x", image=IMG, width=1024, height=1024, steps=10, seed=-1
    ),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(build: Build) -> None:
    build()


REFUSED: dict[str, tuple[Build, str, str]] = {
    "no prompt": (lambda: FluxDevTxt2ImgInput(), "prompt is required", TXT2IMG),
    "too many pixels": (
        lambda: FluxDevTxt2ImgInput(prompt="x", width=1025, height=1024),
        "width x height must be at most 1,048,576 pixels (got 1025 x 1024 = 1,049,600)",
        TXT2IMG,
    ),
    "no width": (
        lambda: FluxDevTxt2ImgInput(prompt="x", width=0, height=1024),
        "width must be a positive number",
        "",
    ),
    "guidance": (
        lambda: FluxSchnellTxt2ImgInput(prompt="x", guidance_scale=7.5),
        "guidance_scale must be from 1.5 to 5 (got 7.5)",
        TXT2IMG,
    ),
    "batch of 5": (
        lambda: FluxSchnellTxt2ImgInput(prompt="x", batch_size=5),
        "batch_size must be from 1 to 4 (got 5)",
        TXT2IMG,
    ),
    "img2img without an image": (
        lambda: FluxDevImg2ImgInput(prompt="x"),
        "image is required",
        IMG2IMG,
    ),
    "denoise 0": (
        lambda: FluxDevImg2ImgInput(prompt="x", image=IMG, denoise=0),
        "denoise must be above 0, at most 1 (got 0.0)",
        IMG2IMG,
    ),
    "img2img guidance": (
        lambda: FluxDevAdvancedImg2ImgInput(prompt="x", image=IMG, guidance_scale=1),
        "guidance_scale must be from 1.5 to 5",
        IMG2IMG,
    ),
    "kontext without an image": (
        lambda: FluxKontextInput(prompt="x"),
        "image is required",
        KONTEXT,
    ),
}


@pytest.mark.parametrize(("build", "message", "page"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_naming_the_page(build: Build, message: str, page: str) -> None:
    refused(build, message, page or None)


def test_refused_before_anything_is_sent(make_api: Callable[..., Api]) -> None:
    refused_before_sending(make_api, REFUSED["too many pixels"][0])


def test_the_image_url_not_its_base64() -> None:
    output = FluxImageOutput(image_url="https://i/out.png", image_base64="iVBORw0KGgo=" * 1000)
    assert "iVBOR" not in repr(output)  # a megabyte of base64 stays out of logs
    assert FluxTask(task_id="t", status="completed", output=output).media_urls == [
        "https://i/out.png"
    ]
