"""The fake answers each audio, image and 3D family (testing/_catalog.py `AUDIO_IMAGE_3D`)
in its published shape: read as the family's task class, its files served with the type
of the family's output (`MEDIA_KIND`), and charged what the typed request estimates where
PiAPI publishes a price."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from _fakeutil import KEY

from piapi import Task, TaskStatus, parse_task
from piapi.families._registry import request_class_for, task_class_for
from piapi.testing import FakeClock, FakePiAPI
from piapi.testing._catalog import AUDIO_IMAGE_3D

IMG = "https://i/a.png"
AUDIO = "https://a/a.mp3"
# A valid input of each pair (the typed request accepts it).
INPUTS: dict[tuple[str, str], dict[str, Any]] = {
    ("suno", "generate_music"): {"gpt_description_prompt": "x", "model_version": "chirp-v4"},
    ("suno", "generate_music_custom"): {"prompt": "x"},
    ("suno", "concat_music"): {"clip_id": "c"},
    ("suno", "upload_audio"): {"audio_url": AUDIO},
    ("suno", "music"): {"prompt": "x", "mv": "chirp-crow"},
    ("suno", "generate_lyrics"): {"prompt": "x"},
    ("suno", "lyrics"): {"prompt": "x"},
    ("music-s", "generate_music"): {"gpt_description_prompt": "x"},
    ("music-s", "generate_music_custom"): {"prompt": "x"},
    ("music-s", "concat_music"): {"clip_id": "c"},
    ("music-s", "upload_audio"): {"audio_url": AUDIO},
    ("music-s", "generate_lyrics"): {"prompt": "x"},
    ("music-u", "generate_music"): {"lyrics_type": "generate", "seed": -1},
    ("music-u", "generate_lyrics"): {"prompt": "x"},
    ("midjourney", "upscale"): {"origin_task_id": "t", "index": "1"},
    ("midjourney", "variation"): {"origin_task_id": "t", "index": "1", "prompt": "x"},
    ("midjourney", "reroll"): {"origin_task_id": "t"},
    ("midjourney", "blend"): {"image_urls": [IMG, IMG]},
    ("midjourney", "inpaint"): {"origin_task_id": "t", "mask": "m", "prompt": "x"},
    ("midjourney", "outpaint"): {"origin_task_id": "t", "zoom_ratio": "2"},
    ("midjourney", "pan"): {"origin_task_id": "t", "direction": "up"},
    ("midjourney", "describe"): {"image_url": IMG},
    ("midjourney", "seed"): {"origin_task_id": "t"},
    ("Qubico/tts", "zero-shot"): {"gen_text": "x" * 400, "ref_audio": AUDIO},
    ("Qubico/mmaudio", "video2audio"): {"prompt": "", "video": "https://v/a.mp4"},
    ("Qubico/diffrhythm", "txt2audio-base"): {"style_prompt": "pop"},
    ("Qubico/diffrhythm", "txt2audio-full"): {"style_prompt": "pop"},
    ("Qubico/ace-step", "txt2audio"): {"duration": 10, "style_prompt": "piano"},
    ("Qubico/ace-step", "audio2audio"): {"style_audio": AUDIO},
    ("Qubico/ace-step", "edit"): {"audio": AUDIO},
    ("Qubico/ace-step", "extend"): {"audio": AUDIO, "right_extend_duration": 10},
    ("Qubico/joycaption", "joycaption-beta-one"): {"image": IMG},
    ("Qubico/qwen-image", "txt2img"): {"prompt": "x"},
    ("Qubico/qwen-image", "image-edit"): {"prompt": "x", "image1": IMG},
    ("Qubico/z-image", "txt2img"): {"prompt": "x", "width": 1024, "height": 1536, "batch_size": 2},
    ("Qubico/image-toolkit", "face-swap"): {"swap_image": IMG, "target_image": IMG},
    ("Qubico/image-toolkit", "multi-face-swap"): {"swap_image": IMG, "target_image": IMG},
    ("Qubico/image-toolkit", "background-remove"): {"image": IMG},
    ("Qubico/image-toolkit", "segment"): {
        "image": IMG,
        "prompt": "x",
        "negative_prompt": "",
        "segment_factor": -15,
    },
    ("Qubico/image-toolkit", "upscale"): {"image": IMG, "scale": 2},
    ("Qubico/trellis", "text-to-3d"): {"prompt": "a bear"},
    ("Qubico/trellis", "image-to-3d"): {"images": [IMG]},
    ("Qubico/trellis2", "image-to-3d"): {"image": IMG, "seed": 0},
    ("omni-human", "omni-human-1.5"): {"image_url": IMG, "audio_url": AUDIO},
    ("Qubico/hug-video", "image_to_video"): {"image_url": IMG},
    ("seedream", "seedream-5-lite"): {"prompt": "x", "size": "3K"},
}
CONTENT_TYPE = {
    "audio": "audio/mpeg",
    "image": "image/png",
    "video": "video/mp4",
    "3d": "model/gltf-binary",
}


def test_every_pair_has_an_input() -> None:
    assert set(INPUTS) == set(AUDIO_IMAGE_3D)


@pytest.mark.parametrize(
    ("model", "task_type"), sorted(INPUTS), ids=[f"{m}/{t}" for m, t in sorted(INPUTS)]
)
def test_the_fake_answers_each_family_as_published(
    fake: FakePiAPI, clock: FakeClock, model: str, task_type: str
) -> None:
    request_class = request_class_for(model, task_type)
    assert request_class is not None
    typed_input = request_class(**INPUTS[(model, task_type)])  # a valid request
    body = {"model": model, "task_type": task_type, "input": typed_input.to_wire()}
    with fake.client(headers=KEY) as client:
        answer = client.post("/api/v1/task", json=body)
        assert answer.status_code == 200, answer.text
        clock.advance(60)
        data = client.get(f"/api/v1/task/{answer.json()['data']['task_id']}").json()["data"]
        task: Task[Any, Any] = parse_task(data)
        served: list[httpx.Response] = [client.get(url) for url in task.media_urls]
    assert type(task) is task_class_for(model, task_type)
    assert task.status is TaskStatus.COMPLETED
    assert task.unreadable == {}
    assert type(task.output).__name__.endswith("Output")
    kind: str = type(task.output).MEDIA_KIND
    if kind == "text":
        assert served == []
    else:
        assert {response.status_code for response in served} == {200}
        assert CONTENT_TYPE[kind] in {response.headers["content-type"] for response in served}
    price = typed_input.estimate_cost()
    if price is not None:  # the fake's price, written apart from the SDK's, agrees
        assert task.cost_usd == price
    else:
        assert task.cost_usd is not None
        assert task.cost_usd > Decimal(0)
