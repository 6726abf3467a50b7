"""`client.tasks` for any model, on sync, asyncio and trio: a finished task is never lost,
unreadable answers end a wait after 3 in a row, typed requests, results of every model."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from _support import TASK_ID, Api, fake_handler, ok, task_envelope
from piapi import (
    APIResponseValidationError,
    DownloadError,
    InternalServerError,
    Sora2RemoveWatermarkInput,
    Sora2Task,
    Sora2VideoInput,
    SpendLimitError,
    Task,
    TaskFailedError,
    TaskRequest,
    TaskStatus,
    WaitTimeoutError,
    WebhookConfig,
)
from piapi.flux import FluxTask
from piapi.gemini import GeminiTask
from piapi.hailuo import HailuoTask
from piapi.kling import KlingTask
from piapi.luma import LumaTask
from piapi.midjourney import MidjourneyTask
from piapi.seedance import SeedanceTask
from piapi.testing import FakeClock, FakePiAPI
from piapi.veo import VeoTask

MakeApi = Callable[..., Api]
HTML = "<!DOCTYPE html><html><body>502 Bad gateway</body></html>"


def sequence(*steps: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    remaining: Iterator[httpx.Response] = iter(steps)

    def handle(request: httpx.Request) -> httpx.Response:
        step = next(remaining)
        return httpx.Response(step.status_code, headers=step.headers, content=step.content)

    return handle


def drifted(status_: str, **drift: Any) -> httpx.Response:
    envelope = task_envelope(status_)
    data = envelope["data"]
    for key, value in drift.items():
        if key == "created_at":
            data["meta"]["created_at"] = value
        else:
            data[key] = value
    return httpx.Response(200, json=envelope)


# --- a finished task is never lost --------------------------------------------------------


DRIFTS: dict[str, dict[str, Any]] = {
    "logs null": {"logs": None},
    "meta null": {"meta": None},
    "unparseable time": {"created_at": "string"},
    "unknown field": {"surprise": {"nested": [1]}},
    "input a string": {"input": "{}"},
    "all at once": {"logs": None, "meta": None, "surprise": 1, "config": "?", "error": []},
}


@pytest.mark.parametrize("drift", DRIFTS.values(), ids=DRIFTS.keys())
def test_wait_returns_a_completed_task_on_the_first_poll_that_sees_it(
    make_api: MakeApi, drift: dict[str, Any]
) -> None:
    api = make_api(sequence(drifted("processing", **drift), drifted("completed", **drift)))
    task = api("tasks.wait", TASK_ID)
    assert task.status is TaskStatus.COMPLETED
    assert task.result_url == f"https://img.theapi.app/ephemeral/{TASK_ID}.mp4"
    assert type(task) is Sora2Task
    assert len(api.requests) == 2  # no poll after the one that saw it completed


@pytest.mark.parametrize("drift", DRIFTS.values(), ids=DRIFTS.keys())
def test_a_failed_task_with_odd_fields_raises_with_the_task(
    make_api: MakeApi, drift: dict[str, Any]
) -> None:
    api = make_api(sequence(drifted("failed", **{k: v for k, v in drift.items() if k != "error"})))
    with pytest.raises(TaskFailedError) as caught:
        api("tasks.wait", TASK_ID)
    assert caught.value.task_id == TASK_ID
    assert caught.value.task.status is TaskStatus.FAILED


def test_a_typed_task_waited_on_keeps_its_class_through_drift(make_api: MakeApi) -> None:
    pending = Sora2Task.model_validate(task_envelope("pending")["data"])
    api = make_api(sequence(drifted("Completed", logs=None, meta=None)))
    done = api("tasks.wait", pending)
    assert type(done) is Sora2Task
    assert done.cost_usd is None  # meta: null carries no usage


# --- unreadable answers --------------------------------------------------------------------

UNREADABLE = [
    httpx.Response(200, text=HTML, headers={"content-type": "text/html"}),
    httpx.Response(200, text='{"code": 200, "data": {"task_id": "4eb'),
    httpx.Response(200, json={"code": 200, "data": {"status": "completed"}}),
    httpx.Response(200, json={"code": 200, "data": None, "message": "success"}),
]


@pytest.mark.parametrize("last", range(len(UNREADABLE)))
def test_three_unreadable_answers_in_a_row_end_the_wait_with_body_and_task_id(
    make_api: MakeApi, last: int
) -> None:
    steps = [ok("processing"), UNREADABLE[(last + 1) % 4], UNREADABLE[(last + 2) % 4]]
    api = make_api(sequence(*steps, UNREADABLE[last], ok("completed")))
    with pytest.raises(APIResponseValidationError) as caught:
        api("tasks.wait", TASK_ID)
    error = caught.value
    assert error.task_id == TASK_ID
    assert error.text == UNREADABLE[last].text
    assert "3 answers in a row could not be read" in str(error)
    assert f"tasks.wait('{TASK_ID}')" in str(error)
    assert not error.task_may_exist
    assert len(api.requests) == 4
    assert api.clock.sleeps == [1.0, 1.5, 2.25]


def test_unreadable_answers_not_in_a_row_are_polled_through(make_api: MakeApi) -> None:
    api = make_api(
        sequence(
            UNREADABLE[0],
            UNREADABLE[1],
            ok("processing"),  # a readable answer starts the count again
            UNREADABLE[2],
            httpx.Response(503, json={"code": 503, "message": "maintenance"}),
            httpx.Response(503, json={"code": 503, "message": "maintenance"}),
            httpx.Response(503, json={"code": 503, "message": "maintenance"}),
            UNREADABLE[3],  # a failed poll in between breaks the row too
            UNREADABLE[0],
            ok("completed"),
        )
    )
    assert api("tasks.wait", TASK_ID).status is TaskStatus.COMPLETED


def test_unreadable_answers_until_the_deadline_still_time_out(make_api: MakeApi) -> None:
    flip = iter(range(1000))

    def handle(request: httpx.Request) -> httpx.Response:
        if next(flip) % 2:
            return httpx.Response(200, text=HTML)
        return ok("processing")

    api = make_api(handle)
    with pytest.raises(WaitTimeoutError):
        api("tasks.wait", TASK_ID, timeout=30)


def test_errors_of_a_get_name_the_task(make_api: MakeApi) -> None:
    api = make_api(
        sequence(httpx.Response(200, text=HTML), *[httpx.Response(500, text="")] * 3),
        max_retries=2,
    )
    with pytest.raises(APIResponseValidationError) as unreadable:
        api("tasks.get", TASK_ID)
    assert unreadable.value.task_id == TASK_ID
    with pytest.raises(InternalServerError) as refused:
        api("tasks.get", TASK_ID)
    assert refused.value.task_id == TASK_ID


# --- creates that got an answer ------------------------------------------------------------


def test_a_create_with_a_readable_odd_answer_returns_the_task(make_api: MakeApi) -> None:
    api = make_api(sequence(drifted("pending", logs=None, meta={}, output={"video": ""})))
    task = api("sora2.create", prompt="a fox")
    assert type(task) is Sora2Task
    assert (task.task_id, task.cost_usd, task.media_urls) == (TASK_ID, None, [])


def test_a_create_answer_with_an_id_but_no_status_names_the_task_that_may_exist(
    make_api: MakeApi,
) -> None:
    api = make_api(sequence(drifted("pending", status=None)))
    with pytest.raises(APIResponseValidationError) as caught:
        api("tasks.create", model="kling", task_type="video_generation", input={})
    assert caught.value.task_may_exist
    assert caught.value.task_id == TASK_ID
    assert "may exist and be billed" in str(caught.value)
    assert len(api.requests) == 1


# --- typed requests --------------------------------------------------------------------------


def test_create_a_typed_request(make_api: MakeApi) -> None:
    api = make_api(sequence(ok(), ok()))
    video = Sora2VideoInput(prompt="a fox", duration=8, image_url="https://i/first.png")
    task = api("tasks.create", video)
    assert type(task) is Sora2Task
    assert json.loads(api.requests[0].content) == {
        "model": "sora2",
        "task_type": "sora2-video",
        "input": {
            "prompt": "a fox",
            "aspect_ratio": "16:9",
            "duration": 8,
            "image_url": "https://i/first.png",
        },
    }
    hook = WebhookConfig(endpoint="https://hook", secret="s")
    api("tasks.create", Sora2RemoveWatermarkInput(video_url="https://v/a.mp4"), webhook=hook)
    assert json.loads(api.requests[1].content) == {
        "model": "sora2",
        "task_type": "remove-watermark",
        "input": {"video_url": "https://v/a.mp4"},
        "config": {"webhook_config": {"endpoint": "https://hook", "secret": "s"}},
    }


def test_a_task_request_takes_a_webhook_and_a_service_mode(make_api: MakeApi) -> None:
    api = make_api(sequence(ok()))
    request = TaskRequest(model="kling", task_type="video_generation", input={"prompt": "x"})
    hook = WebhookConfig(endpoint="https://hook", secret="s")
    api("tasks.create", request, webhook=hook, service_mode="public")
    assert json.loads(api.requests[0].content)["config"] == {
        "service_mode": "public",
        "webhook_config": {"endpoint": "https://hook", "secret": "s"},
    }


def test_create_and_wait_takes_the_keyword_form(make_api: MakeApi) -> None:
    api = make_api(sequence(ok(), ok("completed")))
    task = api(
        "tasks.create_and_wait",
        model="kling",
        task_type="video_generation",
        input={"prompt": "x"},
        config={"service_mode": "public"},
    )
    assert task.status is TaskStatus.COMPLETED
    assert json.loads(api.requests[0].content) == {
        "model": "kling",
        "task_type": "video_generation",
        "input": {"prompt": "x"},
        "config": {"service_mode": "public"},
    }


@pytest.mark.parametrize("method", ["sora2.create", "sora2.create_and_wait"])
def test_sora2_takes_the_per_task_cap_of_tasks_create(make_api: MakeApi, method: str) -> None:
    api = make_api(sequence())
    with pytest.raises(SpendLimitError, match=r"max_cost_usd"):
        api(method, prompt="a fox", duration=12, max_cost_usd="0.50")  # $0.96
    assert api.requests == []


def test_create_a_task_request_as_given(make_api: MakeApi) -> None:
    api = make_api(sequence(ok()))
    request = TaskRequest(
        model="kling", task_type="video_generation", input={"prompt": "x", "version": "3.0"}
    )
    api("tasks.create", request)
    assert json.loads(api.requests[0].content) == request.to_wire()


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((), {}, ValueError),
        ((), {"model": "kling", "task_type": "x"}, ValueError),
        ((Sora2VideoInput(prompt="x"),), {"model": "sora2"}, ValueError),
        ((Sora2VideoInput(prompt="x"),), {"config": {"service_mode": "public"}}, ValueError),
        (
            (TaskRequest(model="m", task_type="t", input={}, config={"service_mode": "private"}),),
            {"service_mode": "public"},
            ValueError,
        ),
        (
            (
                TaskRequest(
                    model="m",
                    task_type="t",
                    input={},
                    config={"webhook_config": {"endpoint": "https://a", "secret": "s"}},
                ),
            ),
            {"webhook": WebhookConfig(endpoint="https://b", secret="t")},
            ValueError,
        ),
        (({"model": "sora2"},), {}, TypeError),
    ],
)
def test_create_refuses_a_mix_of_forms_before_sending(
    make_api: MakeApi, args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception]
) -> None:
    api = make_api(sequence())
    with pytest.raises(error):
        api("tasks.create", *args, **kwargs)
    assert api.requests == []


def test_estimate_cost_on_both_clients(make_api: MakeApi) -> None:
    api = make_api(sequence())
    assert api("tasks.estimate_cost", Sora2VideoInput(prompt="x", duration=12)) == Decimal("0.96")
    plain = TaskRequest(model="sora2", task_type="sora2-pro-video", input={"duration": 8})
    assert api("tasks.estimate_cost", plain) == Decimal("1.92")
    assert api("tasks.estimate_cost", Sora2RemoveWatermarkInput(video_url="https://v")) is None
    assert api.requests == []


# --- every model against the fake: results and downloads ------------------------------------


@pytest.fixture
def fake() -> FakePiAPI:
    # Each create or poll moves the fake's clock on, so tasks finish after a few polls.
    return FakePiAPI(
        api_key=None, clock=FakeClock(), queue_delay=1, task_duration=4, poll_advance=2
    )


# The plain form reads each answer as its family's typed task where the SDK has one.
MODELS = [
    ("kling", "video_generation", {"prompt": "x", "version": "3.0"}, 1, ".mp4", "0.5", KlingTask),
    ("luma", "video_generation", {"prompt": "x"}, 2, ".mp4", "0.2", LumaTask),
    ("hailuo", "video_generation", {"prompt": "x"}, 2, ".mp4", "0.2", HailuoTask),
    ("kling", "motion_control", {"image_url": "https://i"}, 2, ".mp4", "0.5", KlingTask),
    ("gemini", "nano-banana-pro", {"prompt": "x", "num_images": 4}, 4, ".png", "0.03", GeminiTask),
    ("Qubico/flux1-dev", "txt2img", {"prompt": "x"}, 1, ".png", "0.02", FluxTask),
    ("midjourney", "imagine", {"prompt": "x"}, 5, ".png", "0.08", MidjourneyTask),
    ("seedance", "seedance-2", {"prompt": "x", "duration": 5}, 1, ".mp4", "0.5", SeedanceTask),
    ("veo3.1", "veo3.1-video-fast", {"prompt": "x"}, 1, ".mp4", "0.72", VeoTask),
]


@pytest.mark.parametrize(
    ("model", "task_type", "task_input", "results", "suffix", "cost", "task_class"),
    MODELS,
    ids=[f"{m}/{t}" for m, t, *_ in MODELS],
)
def test_create_and_wait_downloads_every_result_of_any_model(
    make_api: MakeApi,
    fake: FakePiAPI,
    tmp_path: Path,
    model: str,
    task_type: str,
    task_input: dict[str, Any],
    results: int,
    suffix: str,
    cost: str,
    task_class: type[Task],
) -> None:
    api = make_api(fake_handler(fake), base_url="https://api.piapi.ai")
    request = TaskRequest(model=model, task_type=task_type, input=task_input)
    (tmp_path / "all").mkdir()  # an existing directory: every result goes in it
    done = api("tasks.create_and_wait", request, download_to=tmp_path / "all", poll_interval=1)
    assert type(done) is task_class
    assert len(done.media_urls) == results
    assert done.cost_usd == Decimal(cost)
    saved = sorted((tmp_path / "all").iterdir())
    assert len(saved) == results
    assert all(path.suffix == suffix for path in saved)
    for path, url in zip(sorted(saved), _names_in_order(done, suffix), strict=True):
        assert path.name == url
    assert (tmp_path / "all" / _names_in_order(done, suffix)[0]).read_bytes() == fake.media(
        done.media_urls[0]
    ).read()
    best = api("download", done, f"{tmp_path}/best/")
    assert best == tmp_path / "best" / f"{done.task_id}{suffix}"
    assert best.read_bytes() == fake.media(done.result_url).read()


def _names_in_order(task: Task, suffix: str) -> list[str]:
    if len(task.media_urls) == 1:
        return [f"{task.task_id}{suffix}"]
    return [f"{task.task_id}-{n}{suffix}" for n in range(1, len(task.media_urls) + 1)]


def test_create_and_wait_to_a_file_saves_the_best_result(
    make_api: MakeApi, fake: FakePiAPI, tmp_path: Path
) -> None:
    api = make_api(fake_handler(fake), base_url="https://api.piapi.ai")
    video = Sora2VideoInput(prompt="a fox")
    done = api("tasks.create_and_wait", video, download_to=tmp_path / "fox.mp4", poll_interval=1)
    assert type(done) is Sora2Task
    assert (tmp_path / "fox.mp4").read_bytes() == fake.media(done.result_url).read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fox.mp4"]


def test_download_all_refuses_a_task_without_results_before_any_request(
    make_api: MakeApi, tmp_path: Path
) -> None:
    api = make_api(sequence())
    running = Task.model_validate({"task_id": "t", "status": "processing"})
    with pytest.raises(DownloadError, match="processing, not completed") as caught:
        api("download_all", running, tmp_path)
    assert caught.value.task_id == "t"
    empty = Task.model_validate({"task_id": "t", "status": "completed", "output": {}})
    with pytest.raises(DownloadError, match="no result URL"):
        api("download_all", empty, tmp_path)
    assert api.requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("call", ["tasks.create", "tasks.create_and_wait"])
def test_a_create_refused_with_a_failed_task_raises_it_with_the_reason(
    make_api: MakeApi, call: str
) -> None:
    # PiAPI answers a create it cannot bill with code 500 around the failed task: the task
    # is the truth (its id, the reason), not "may exist and be billed".
    fake = FakePiAPI(api_key=None, balance_usd=0.1, refuse_unpaid=True)
    api = make_api(fake_handler(fake))
    with pytest.raises(TaskFailedError) as caught:
        api(call, model="kling", task_type="video_generation", input={"prompt": "a boat"})
    error = caught.value
    (made,) = fake.created_tasks
    assert error.task_id == made.task_id == error.task.task_id
    assert error.task.status is TaskStatus.FAILED
    assert error.task_may_exist is False
    assert "failed to pre-process task runtime (failed to freeze account point quota" in str(error)
    assert error.task.cost_usd == 0
    assert len(api.requests) == 1  # never resent, never polled
    # Asked later, the same task reads as failed: a wait ends at once with the reason.
    assert api("tasks.get", made.task_id).status is TaskStatus.FAILED
    with pytest.raises(TaskFailedError, match="account credit not enough"):
        api("tasks.wait", made.task_id)
