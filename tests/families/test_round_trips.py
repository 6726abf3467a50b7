"""Every family end to end against the fake, on sync, asyncio and trio: a typed request is
sent as written, the answer comes back as the family's typed task (create, wait, get and a
webhook alike), its results are in typed fields and `media_urls`, and where PiAPI publishes
a price the fake's charge (its own table) equals the request's `estimate_cost()`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from _support import Api, fake_handler
from piapi import Task, TaskInput, webhooks
from piapi.flux import FluxKontextInput, FluxSchnellTxt2ImgInput, FluxTask
from piapi.gemini import GeminiTask, NanoBanana2Input, NanoBananaProInput
from piapi.hailuo import HailuoTask, HailuoVideoInput
from piapi.kling import KlingOmniVideoInput, KlingTask, KlingVideoInput
from piapi.luma import LumaTask, LumaVideoInput
from piapi.seedance import Seedance2Input, Seedance2PreviewInput, SeedanceTask
from piapi.testing import FakeClock, FakePiAPI
from piapi.veo import Veo3FastVideoInput, Veo31VideoInput, VeoTask

MakeApi = Callable[..., Api]
IMAGE = "https://example.com/frame.png"


@dataclass(frozen=True)
class Case:
    request: TaskInput
    task_class: type[Task]
    result: Callable[[Any], str]  # the typed output field holding the best result
    price: str | None  # what estimate_cost() says, from the cited page (None: unpublished)
    charged: str  # what the fake charges


CASES = {
    "kling image-to-video": Case(
        KlingVideoInput(prompt="A paper boat", image_url=IMAGE),
        KlingTask,
        lambda task: task.output.video,
        "0.50",  # std (720p), 5 s, no audio: $0.10/s
        "0.5",
    ),
    "kling multi-shot pro with audio": Case(
        KlingVideoInput(
            multi_shots=[{"duration": 2, "prompt": "a dog"}, {"duration": 3, "prompt": "a cat"}],
            mode="pro",
            enable_audio=True,
        ),
        KlingTask,
        lambda task: task.output.video,
        "1.00",  # pro (1080p) with audio, 2 + 3 s: $0.20/s
        "1",
    ),
    "kling omni": Case(
        KlingOmniVideoInput(prompt="x", resolution="1080p", duration=3, enable_audio=True),
        KlingTask,
        lambda task: task.output.video,
        "0.90",  # 1080p with audio: $0.30/s
        "0.9",
    ),
    "veo 3.1 without audio": Case(
        Veo31VideoInput(prompt="x", generate_audio=False),
        VeoTask,
        lambda task: task.output.video,
        "0.96",  # "8s" at $0.12/s
        "0.96",
    ),
    "veo 3 fast from an image": Case(
        Veo3FastVideoInput(prompt="x", image_url=IMAGE, duration=4),
        VeoTask,
        lambda task: task.output.video,
        "0.36",  # "4s" with audio at $0.09/s
        "0.36",
    ),
    "seedance 2 at 1080p": Case(
        Seedance2Input(prompt="x", duration=10, resolution="1080p"),
        SeedanceTask,
        lambda task: task.output.video,
        "5.00",
        "5",
    ),
    "seedance 2 preview": Case(
        Seedance2PreviewInput(prompt="x", image_urls=[IMAGE], mode="first_last_frames"),
        SeedanceTask,
        lambda task: task.output.video,
        "1.00",  # 720p (sent by default), 5 s
        "1",
    ),
    "hailuo image-to-video": Case(
        HailuoVideoInput(model="i2v-01", image_url=IMAGE, prompt="x"),
        HailuoTask,
        lambda task: task.output.video_url,
        "0.20",
        "0.2",
    ),
    "luma with a first frame": Case(
        LumaVideoInput(prompt="x", key_frames={"frame0": {"type": "image", "url": IMAGE}}),
        LumaTask,
        lambda task: task.output.video_raw.url,  # the copy without a watermark
        None,
        "0.2",
    ),
    "nano banana pro": Case(
        NanoBananaProInput(prompt="x", image_urls=[IMAGE]),
        GeminiTask,
        lambda task: task.output.image_urls[0],
        None,
        "0.03",
    ),
    "nano banana 2, four images": Case(
        NanoBanana2Input(prompt="x", num_images=4),  # an undocumented field, sent as given
        GeminiTask,
        lambda task: task.output.image_urls[0],
        None,
        "0.03",
    ),
    "flux schnell": Case(
        FluxSchnellTxt2ImgInput(prompt="x", width=1024, height=1024),
        FluxTask,
        lambda task: task.output.image_url,
        None,
        "0.02",
    ),
    "flux kontext": Case(
        FluxKontextInput(prompt="x", image=IMAGE),
        FluxTask,
        lambda task: task.output.image_url,
        None,
        "0.02",
    ),
}


@pytest.fixture
def fake() -> FakePiAPI:
    # Each create or poll moves the fake's clock on, so tasks finish after a few polls.
    return FakePiAPI(
        api_key=None, clock=FakeClock(), queue_delay=1, task_duration=4, poll_advance=2
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_create_and_wait_gives_the_typed_task(
    make_api: MakeApi, fake: FakePiAPI, case: Case
) -> None:
    api = make_api(fake_handler(fake), base_url="https://api.piapi.ai")
    request = case.request
    created = api("tasks.create", request)
    assert type(created) is case.task_class
    assert json.loads(api.requests[0].content) == {
        "model": request.MODEL,
        "task_type": request.TASK_TYPE,
        "input": request.to_wire(),
    }
    assert created.input == request  # the echo, read as the same request class

    done = api("tasks.wait", created, poll_interval=1)
    assert type(done) is case.task_class
    assert done.media_urls[0] == case.result(done) == done.result_url
    assert done.cost_usd == Decimal(case.charged)
    assert api("tasks.estimate_cost", request) == request.estimate_cost()
    if case.price is not None:
        assert request.estimate_cost() == Decimal(case.price) == done.cost_usd

    fetched = api("tasks.get", done.task_id)  # routed by the answer's model, not by a request
    assert type(fetched) is case.task_class
    assert fetched.media_urls == done.media_urls


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_create_and_wait_in_one_call(make_api: MakeApi, fake: FakePiAPI, case: Case) -> None:
    api = make_api(fake_handler(fake), base_url="https://api.piapi.ai")
    done = api("tasks.create_and_wait", case.request, poll_interval=1)
    assert type(done) is case.task_class
    assert done.result_url == case.result(done)
    assert [r.endpoint for r in fake.requests][:1] == ["create"]
    assert len(fake.created_tasks) == 1


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_webhook_of_each_family_is_typed(fake: FakePiAPI, case: Case) -> None:
    request = case.request
    with fake.client(headers={"X-API-Key": "k"}) as http:
        answer = http.post(
            "/api/v1/task",
            json={
                "model": request.MODEL,
                "task_type": request.TASK_TYPE,
                "input": request.to_wire(),
            },
        )
    task_id = answer.json()["data"]["task_id"]
    assert isinstance(fake.clock, FakeClock)
    fake.clock.advance(60)
    body = json.dumps({"timestamp": 1767749959, "data": fake.get_task(task_id)}).encode()
    event = webhooks.parse(body, {"x-webhook-secret": "s"}, secret="s")
    assert type(event.task) is case.task_class
    assert event.task.result_url == case.result(event.task)
