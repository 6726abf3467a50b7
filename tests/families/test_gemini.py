"""Nano Banana / Gemini images: only the prompt is checked (PiAPI's pages could not be
read), no price is published, and every image is a result."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _checks import read_back, refused, refused_before_sending

from _support import Api
from piapi import parse_task
from piapi.gemini import (
    Gemini25FlashImageInput,
    GeminiImageOutput,
    GeminiTask,
    NanoBanana2Input,
    NanoBananaProInput,
)

CLASSES = {
    Gemini25FlashImageInput: ("gemini-2.5-flash-image", "gemini-25-flash-image"),
    NanoBananaProInput: ("nano-banana-pro", "nano-banana-pro"),
    NanoBanana2Input: ("nano-banana-2", "nano-banana-2"),
}


@pytest.mark.parametrize("request_class", CLASSES)
def test_each_task_type(request_class: type[NanoBananaProInput]) -> None:
    task_type, page = CLASSES[request_class]
    assert ("gemini", task_type) == (request_class.MODEL, request_class.TASK_TYPE)
    assert request_class.task_class() is GeminiTask
    anything = request_class(
        prompt="x", image_urls=["https://i/a.png"] * 14, aspect_ratio="7:3", resolution="8K"
    )
    assert anything.estimate_cost() is None
    refused(
        lambda: request_class(prompt=""),
        "prompt is required",
        f"https://piapi.ai/docs/gemini-api/{page}",
    )
    read_back(request_class, {"prompt": ""})


def test_refused_before_anything_is_sent(make_api: Callable[..., Api]) -> None:
    refused_before_sending(make_api, lambda: NanoBananaProInput(image_urls=["https://i/a.png"]))


def test_every_image_once() -> None:
    output = GeminiImageOutput(
        image_urls=["https://i/1.png", "https://i/2.png"], image_url="https://i/1.png"
    )
    task = GeminiTask(task_id="t", status="success", output=output)  # Gemini's word for done
    assert task.media_urls == ["https://i/1.png", "https://i/2.png"]
    read = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "model": "gemini",
            "task_type": "nano-banana-2",
            "output": {"image_urls": None},
        }
    )
    assert isinstance(read, GeminiTask)
    assert read.output is not None
    assert read.output.image_urls == []
