"""Reading tasks as PiAPI really answers: the repair rules, results, costs, statuses, routing.

Pure decisions are tested by tables; the published answers themselves are in
test_published.py.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from _support import TASK_ID, task_envelope
from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    DownloadError,
    InternalServerError,
    NoResultError,
    PiAPIError,
    Sora2ProVideoInput,
    Sora2RemoveWatermarkInput,
    Sora2Task,
    Sora2VideoInput,
    Sora2VideoOutput,
    Task,
    TaskError,
    TaskFailedError,
    TaskInput,
    TaskRequest,
    TaskStatus,
    WaitTimeoutError,
    parse_task,
)
from piapi._core.errors import (
    status_error_class,
)
from piapi._core.lenient import data_path, repair
from piapi._core.models import RESPONSE_CONTEXT
from piapi._core.polling import WaitState
from piapi._core.protocol import estimate_cost, transport_error
from piapi._core.results import result_urls
from piapi.families._registry import (
    REQUEST_CLASSES,
    TASK_CLASSES,
    request_class_for,
    task_class_for,
)
from piapi.flux import FluxTask
from piapi.kling import KlingMotionControlInput, KlingSoundTask, KlingTask, KlingVideoInput

V = "https://cdn.example/v.mp4"
W = "https://cdn.example/v_watermarked.mp4"
I1, I2, I3, I4 = (f"https://cdn.example/{n}.png" for n in range(1, 5))
THUMB = "https://cdn.example/thumb.jpg"


def read(data: dict[str, Any], task_class: type[Task[Any, Any]] = Task) -> Any:
    return task_class.model_validate(data, context=RESPONSE_CONTEXT)


def task_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = task_envelope("completed")["data"]
    data.update(changes)
    return data


# --- the repair rules (pure) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("logs",), ("logs",)),
        (("meta", "created_at"), ("meta", "created_at")),
        (("input", "Sora2VideoInput", "duration"), ("input", "duration")),  # a union member
        (("config", "webhook_config", "endpoint"), ("config", "webhook_config")),  # missing
        (("works", 1, "video"), ("works", 1, "video")),
        (("works", 7), ("works",)),  # no such item
        (("task_id",), ()),  # missing at the top
    ],
)
def test_data_path_keeps_only_what_is_in_the_data(
    loc: tuple[str | int, ...], path: tuple[str | int, ...]
) -> None:
    data = {
        "logs": None,
        "meta": {"created_at": "string"},
        "input": {"duration": "x"},
        "config": {"webhook_config": {"secret": "s"}},
        "works": [{}, {"video": 5}],
    }
    assert data_path(data, loc) == path


def error(loc: tuple[str | int, ...], kind: str = "list_type") -> dict[str, Any]:
    return {"loc": loc, "type": kind}


@pytest.mark.parametrize(
    ("data", "errors", "fixed", "unreadable"),
    [
        ({"task_id": "t", "logs": None}, [error(("logs",))], {"task_id": "t"}, {}),
        (
            {"meta": {"created_at": "string", "usage": {}}},
            [error(("meta", "created_at"), "datetime_from_date_parsing")],
            {"meta": {"usage": {}}},
            {"meta.created_at": "string"},
        ),
        ({"model": 5}, [error(("model",), "string_type")], {"model": "5"}, {}),
        ({"model": 2.5}, [error(("model",), "string_type")], {"model": "2.5"}, {}),
        ({"model": True}, [error(("model",), "string_type")], {}, {"model": True}),
        (
            {"config": {"webhook_config": {"secret": "s"}}},
            [error(("config", "webhook_config", "endpoint"), "missing")],
            {"config": {}},
            {"config.webhook_config": {"secret": "s"}},
        ),
        (
            {"works": ["a", "b", "c"]},
            [error(("works", 0)), error(("works", 2))],
            {"works": ["b"]},
            {"works.0": "a", "works.2": "c"},
        ),
        (
            {"meta": {"usage": {"consume": "x"}}},
            [error(("meta",)), error(("meta", "usage", "consume"))],
            {},
            {"meta": {"usage": {"consume": "x"}}},
        ),
    ],
)
def test_repair_drops_or_converts_each_failing_value(
    data: dict[str, Any],
    errors: list[dict[str, Any]],
    fixed: dict[str, Any],
    unreadable: dict[str, Any],
) -> None:
    original = json.loads(json.dumps(data))
    result = repair(data, errors)
    assert result is not None
    assert result.data == fixed
    assert result.unreadable == unreadable
    assert data == original  # the caller's data is left as it was


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"status": 5}, [error(("status",), "enum")]),
        ({"status": "x"}, [error(("task_id",), "missing")]),
        ({"task_id": None}, [error(("task_id",), "string_type")]),
        ({"a": 1}, []),
    ],
)
def test_repair_gives_up_on_essential_fields_and_on_nothing_to_do(
    data: dict[str, Any], errors: list[dict[str, Any]]
) -> None:
    assert repair(data, errors) is None


# --- lenient reading, strict building ---------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"logs": None}, lambda t: t.logs == []),
        ({"meta": None}, lambda t: t.meta.created_at is None and t.cost_usd is None),
        ({"output": {}}, lambda t: t.output == {} and t.media_urls == []),
        ({"input": '{"prompt": "x"}'}, lambda t: t.input == {}),
        ({"model": 5}, lambda t: t.model == "5"),
        ({"error": {"code": "1100", "message": None}}, lambda t: t.error.code == 1100),
        (
            {"config": {"webhook_config": {"secret": "s"}}},
            lambda t: t.config.webhook_config is None,
        ),
        (
            {"detail": {"anything": [1]}, "brand_new": 1},
            lambda t: t.model_extra == {"brand_new": 1},
        ),
    ],
)
def test_odd_fields_take_their_defaults(changes: dict[str, Any], check: Any) -> None:
    task = read(task_data(**changes))
    assert task.task_id == TASK_ID
    assert task.status is TaskStatus.COMPLETED
    assert check(task)


def test_unreadable_values_stay_reachable_by_path() -> None:
    data = task_data(input="not an object")
    data["meta"]["created_at"] = "string"
    data["meta"]["usage"]["consume"] = "lots"
    task = read(data)
    assert task.meta.created_at is None
    assert task.meta.usage.consume == 0
    assert dict(task.unreadable) == {
        "input": "not an object",
        "meta.created_at": "string",
        "meta.usage.consume": "lots",
    }
    assert read(task_data()).unreadable == {}


def test_numbers_sent_as_text_are_read_as_numbers() -> None:
    data = task_data()
    data["meta"]["usage"] = {"type": "llm", "frozen": "0", "consume": "3200000"}
    task = read(data)
    assert task.cost_usd == Decimal("0.32")
    assert task.unreadable == {}


@pytest.mark.parametrize(
    "data",
    [
        {"status": "completed"},
        {"task_id": "t"},
        {"task_id": "t", "status": None},
        {"task_id": "t", "status": 5},
        {"task_id": ["t"], "status": "completed"},
    ],
)
def test_without_a_readable_task_id_and_status_there_is_no_task(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        read(data)


def test_leniency_is_for_answers_only() -> None:
    # Outside the response context (a caller's own data) a wrong type is still an error.
    with pytest.raises(ValidationError, match="logs"):
        Task.model_validate(task_data(logs=None))


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("success", TaskStatus.COMPLETED),
        ("Success", TaskStatus.COMPLETED),
        ("starting", TaskStatus.PENDING),
        ("retry", TaskStatus.PROCESSING),
        ("RETRY", TaskStatus.PROCESSING),
        ("canceled", TaskStatus.CANCELLED),
    ],
)
def test_documented_status_synonyms(raw: str, status: TaskStatus) -> None:
    assert TaskStatus(raw) is status
    assert read(task_data(status=raw)).status is status


def test_starting_and_retry_are_not_terminal_and_an_empty_status_is_kept() -> None:
    assert not TaskStatus("starting").is_terminal
    assert not TaskStatus("retry").is_terminal
    empty = TaskStatus("")
    assert (empty.value, empty.name, empty.is_terminal) == ("", "UNKNOWN", False)


# --- costs ---------------------------------------------------------------------------------


def with_usage(status: str, usage: dict[str, Any] | None, *, meta: bool = True) -> Task:
    data = task_data(status=status)
    if not meta:
        data["meta"] = {}
    elif usage is None:
        del data["meta"]["usage"]
    else:
        data["meta"]["usage"] = usage
    return read(data)


@pytest.mark.parametrize(
    ("status", "usage", "cost", "held"),
    [
        ("pending", {"type": "llm", "frozen": 0, "consume": 3_200_000}, "0.32", "0"),
        ("completed", {"type": "llm", "frozen": 0, "consume": 3_200_000}, "0.32", "0"),
        ("pending", {"type": "point", "frozen": 10_000_000, "consume": 0}, "1", "1"),
        ("processing", {"type": "point", "frozen": 2_000_000, "consume": 0}, "0.2", "0.2"),
        ("completed", {"type": "point", "frozen": 4_500_000, "consume": 4_500_000}, "0.45", "0.45"),
        ("failed", {"type": "point", "frozen": 2_000_000, "consume": 0}, "0", "0.2"),
        ("pending", {"type": "point", "frozen": 0, "consume": 0}, "0", "0"),
        ("pending", {"type": "quota", "consume": 20_000}, "0.002", "0"),
        ("completed", {"type": "point", "frozen": 0, "consume": 2_500_000}, "0.25", "0"),
        ("pending", {}, None, None),
        ("pending", {"type": "llm"}, None, None),
        ("pending", None, None, None),
    ],
)
def test_cost_is_the_charge_else_the_hold_while_running(
    status: str, usage: dict[str, Any] | None, cost: str | None, held: str | None
) -> None:
    task = with_usage(status, usage)
    assert task.cost_usd == (None if cost is None else Decimal(cost))
    assert task.held_usd == (None if held is None else Decimal(held))


def test_a_task_without_meta_has_no_cost() -> None:
    task = with_usage("completed", None, meta=False)
    assert (task.cost_usd, task.held_usd) == (None, None)


# --- errors inside a task --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "is_error"),
    [
        ("completed", {"code": 0, "message": "", "raw_message": ""}, False),
        ("completed", {"code": 1100, "message": ""}, False),  # Flux's published answer
        ("completed", {"code": 0, "message": "string"}, True),
        ("completed", {"code": 0, "raw_message": "upstream said no"}, True),
        ("failed", {"code": 10000, "message": ""}, True),
        ("failed", {"code": 0, "message": ""}, False),
        ("failed", {"code": 10000, "message": "prompt refused"}, True),
    ],
)
def test_an_error_is_a_message_or_a_code_on_a_failed_task(
    status: str, error: dict[str, Any], is_error: bool
) -> None:
    task = read(task_data(status=status, error=error))
    assert task.error is not None
    assert task.error.is_error is is_error


def test_an_error_object_alone_is_an_error_only_with_a_message() -> None:
    assert not TaskError(code=1100).is_error
    assert TaskError(message="boom").is_error


# --- results (pure) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "urls"),
    [
        (None, []),
        ({}, []),
        ({"video": ""}, []),  # Kling 3.0 and Seedance until done
        ({"video": V}, [V]),  # Sora 2, Kling 3.0, Kling turbo, Seedance
        (
            {  # Luma: the raw file, then the watermarked one; previews are not results
                "prompt": "Fly fishing",
                "video": {"url": W, "width": 1},
                "video_raw": {"url": V, "width": 1},
                "thumbnail": {"url": THUMB},
                "last_frame": {"url": I1},
            },
            [V, W],
        ),
        ({"video": {"url": V}, "video_raw": {"url": V}}, [V]),  # no duplicates
        (
            {"video": None, "video_raw": None, "thumbnail": None, "last_frame": None},
            [],
        ),
        (
            {  # Kling motion control
                "video_url": V,
                "works": [
                    {
                        "cover": {"resource": THUMB, "resource_without_watermark": ""},
                        "video": {"resource": W, "resource_without_watermark": V},
                    }
                ],
            },
            [V, W],
        ),
        (
            {  # legacy Kling
                "type": "m2v_txt2video_hq",
                "status": 99,
                "works": [{"cover": {"resource": THUMB}, "video": {"resource": W}}],
            },
            [W],
        ),
        ({"type": "", "status": 0, "works": None}, []),
        (  # Hailuo
            {"video_url": V, "download_url": W, "cover_url": THUMB, "prompt_img_url": I1},
            [V, W],
        ),
        ({"image_url": I1, "image_base64": "iVBORw0KGgo="}, [I1]),  # Flux
        ({"image_urls": [I1, I2, I3, I4]}, [I1, I2, I3, I4]),  # Gemini / Nano Banana
        (  # Midjourney: temporary copies last
            {"image_url": I1, "image_urls": [I2, I3], "temporary_image_urls": [I4, I2]},
            [I1, I2, I3, I4],
        ),
        ({"model_file": "https://cdn.example/m.glb"}, ["https://cdn.example/m.glb"]),
        ({"audio_url": " https://cdn.example/a.mp3 "}, ["https://cdn.example/a.mp3"]),
        ({"video": "ftp://cdn.example/v.mp4", "note": "see https"}, []),
        ({"videos": [{"watermarked_url": W}, {"url": V}]}, [V, W]),
        (Sora2VideoOutput(video=V), [V]),
        (Sora2VideoOutput(), []),
    ],
)
def test_result_urls_of_every_output_shape(output: object, urls: list[str]) -> None:
    assert result_urls(output) == urls


def test_media_urls_are_empty_until_the_task_is_completed() -> None:
    task = read(task_data(status="processing", output={"image_urls": [I1]}))
    assert task.media_urls == []
    with pytest.raises(NoResultError, match="is processing, not completed") as caught:
        _ = task.result_url
    assert caught.value.task_id == TASK_ID
    assert caught.value.task is task


def test_result_url_is_the_best_result() -> None:
    task = read(task_data(output={"video": {"url": W}, "video_raw": {"url": V}}))
    assert task.media_urls == [V, W]
    assert task.result_url == V


def test_a_completed_task_without_a_result_url_says_so() -> None:
    task = read(task_data(output={"description": "a cat on a mat"}))
    with pytest.raises(NoResultError, match="completed but its output has no result URL"):
        _ = task.result_url


# --- Sora 2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task_type", "input_class"),
    [
        ("sora2-video", Sora2VideoInput),
        ("sora2-pro-video", Sora2ProVideoInput),
        ("remove-watermark", Sora2RemoveWatermarkInput),
        ("sora3-video", Sora2VideoInput),
    ],
)
def test_every_sora2_task_parses_with_its_input_class(
    task_type: str, input_class: type[TaskInput]
) -> None:
    task = parse_task(task_data(task_type=task_type, input={"video_url": V}))
    assert type(task) is Sora2Task
    assert type(task.input) is input_class
    assert task.result_url.endswith(".mp4")


def test_sora2_inputs_are_optional_when_read() -> None:
    task = parse_task(task_data(input={}))
    assert isinstance(task.input, Sora2VideoInput)
    assert (task.input.prompt, task.input.duration) == ("", 4)
    no_input = parse_task({"task_id": "t", "status": "pending", "model": "sora2"})
    assert isinstance(no_input.input, Sora2VideoInput)
    odd = parse_task(task_data(input="nope"))
    assert isinstance(odd.input, Sora2VideoInput)
    assert odd.unreadable == {"input": "nope"}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Sora2VideoInput(), "prompt must not be empty"),
        (lambda: Sora2ProVideoInput(prompt="x", resolution="4k"), "resolution must be one of"),
        (lambda: Sora2RemoveWatermarkInput(), "video_url must be an http"),
        (lambda: Sora2RemoveWatermarkInput(video_url="file:///v.mp4"), "video_url must be"),
    ],
)
def test_sora2_inputs_are_strict_when_built(build: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_typed_requests_know_their_model_task_type_and_answer() -> None:
    assert (Sora2VideoInput.MODEL, Sora2VideoInput.TASK_TYPE) == ("sora2", "sora2-video")
    assert Sora2ProVideoInput.TASK_TYPE == "sora2-pro-video"
    assert Sora2RemoveWatermarkInput.TASK_TYPE == "remove-watermark"
    for input_class in (Sora2VideoInput, Sora2ProVideoInput, Sora2RemoveWatermarkInput):
        assert input_class.task_class() is Sora2Task
    assert TaskInput.task_class() is Task


@pytest.mark.parametrize(
    ("request_", "price"),
    [
        (Sora2VideoInput(prompt="x", duration=8), "0.64"),
        (Sora2ProVideoInput(prompt="x", duration=12), "2.88"),
        (Sora2RemoveWatermarkInput(video_url=V), None),
        (TaskRequest(model="sora2", task_type="sora2-video", input={"duration": 12}), "0.96"),
        (TaskRequest(model="sora2", task_type="sora2-video", input={"duration": 10}), "0.80"),
        (
            TaskRequest(
                model="sora2", task_type="sora2-pro-video", input=Sora2VideoInput(prompt="x")
            ),
            "0.96",
        ),
        (TaskRequest(model="sora2", task_type="sora2-video", input={"duration": "x"}), None),
        (TaskRequest(model="sora2", task_type="sora2-video", input={"duration": -12}), None),
        (TaskRequest(model="sora2", task_type="sora2-video", input={"duration": 4.5}), None),
        (TaskRequest(model="kling", task_type="video_generation", input={}), None),
        (TaskRequest(model="sora2", task_type="remove-watermark", input={}), None),
    ],
)
def test_estimate_cost_of_any_request(request_: TaskInput | TaskRequest, price: str | None) -> None:
    expected = None if price is None else Decimal(price)
    assert estimate_cost(request_) == expected
    assert request_.estimate_cost() == expected  # the one estimate: the request's own


# --- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "task_type", "task_class"),
    [
        ("sora2", "sora2-video", Sora2Task),
        ("sora2", "remove-watermark", Sora2Task),
        (" SORA2 ", "anything", Sora2Task),
        ("kling", "video_generation", KlingTask),
        ("kling", "motion_control", KlingTask),
        ("kling", "sound", KlingSoundTask),
        ("kling", "a-task-type-of-tomorrow", Task),
        ("Qubico/FLUX1-dev", "txt2img", FluxTask),
        ("", "", Task),
        (None, None, Task),
        (5, ["x"], Task),
    ],
)
def test_task_class_by_model(model: object, task_type: object, task_class: type[Task]) -> None:
    assert task_class_for(model, task_type) is task_class


def test_request_classes_by_model_and_task_type() -> None:
    assert request_class_for("sora2", "sora2-pro-video") is Sora2ProVideoInput
    assert request_class_for("sora2", "remove-watermark") is Sora2RemoveWatermarkInput
    assert request_class_for("kling", "video_generation") is KlingVideoInput
    assert request_class_for("kling", "motion_control") is KlingMotionControlInput
    assert request_class_for("kling", "a-task-type-of-tomorrow") is None
    for (model, task_type), target in REQUEST_CLASSES.items():
        loaded = request_class_for(model, task_type)
        assert loaded is not None
        # keys are lower case (lookups ignore case): Flux's models are "Qubico/flux1-..."
        assert (model, task_type) == (loaded.MODEL.lower(), loaded.TASK_TYPE), target
        assert task_class_for(loaded.MODEL, loaded.TASK_TYPE) is loaded.task_class(), target


def test_the_generated_index_holds_every_typed_request_the_families_declare() -> None:
    import importlib
    import pkgutil

    import piapi.families

    declared = set()
    for module in pkgutil.iter_modules(piapi.families.__path__):
        if module.name.startswith("_"):
            continue
        family = importlib.import_module(f"piapi.families.{module.name}")
        for name in family.__all__:
            value = getattr(family, name)
            if isinstance(value, type) and issubclass(value, TaskInput):
                declared.add((value.MODEL.lower(), value.TASK_TYPE))
    assert declared == set(REQUEST_CLASSES)


def test_a_family_module_is_imported_only_when_its_answer_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "piapi_test_family.py").write_text(
        "from piapi import Task\n\nclass FamilyTask(Task):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "piapi_test_family", raising=False)
    monkeypatch.setitem(TASK_CLASSES, ("family", "*"), "piapi_test_family:FamilyTask")
    assert type(parse_task({"task_id": "t", "status": "pending", "model": "other"})) is Task
    assert "piapi_test_family" not in sys.modules
    task = parse_task({"task_id": "t", "status": "pending", "model": "family"})
    assert type(task).__name__ == "FamilyTask"
    assert "piapi_test_family" in sys.modules


@pytest.mark.parametrize(
    "wrap",
    [
        lambda data: data,
        lambda data: json.dumps(data),
        lambda data: json.dumps(data).encode(),
        lambda data: {"code": 200, "data": data, "message": "success"},
        lambda data: json.dumps({"timestamp": 1761705183, "data": data}),
    ],
    ids=["dict", "text", "bytes", "answer", "webhook body"],
)
def test_parse_task_takes_a_task_an_answer_or_a_webhook_body(wrap: Any) -> None:
    task = parse_task(wrap(task_data()))
    assert type(task) is Sora2Task
    assert task.task_id == TASK_ID


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("<html>", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        ({"code": 200, "data": None}, "task_id"),
        (
            {"task_id": "t", "status": None, "config": {"webhook_config": {"secret": "s3cr3t"}}},
            "status",
        ),
    ],
)
def test_parse_task_refuses_what_is_not_a_task_without_echoing_values(
    data: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_task(data)
    assert "s3cr3t" not in str(caught.value)


def test_a_typed_class_that_cannot_read_an_answer_gives_way_to_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Refusing(Task):
        @classmethod
        def model_validate(cls, *args: Any, **kwargs: Any) -> Any:
            raise ValidationError.from_exception_data("Refusing", [])

    monkeypatch.setitem(TASK_CLASSES, ("refusing", "*"), "x:Refusing")
    monkeypatch.setattr("piapi.families._registry._load", lambda target: Refusing)
    task = parse_task({"task_id": "t", "status": "completed", "model": "refusing"})
    assert type(task) is Task
    assert task.status is TaskStatus.COMPLETED


# --- waiting through unreadable answers (pure) -----------------------------------------------

REQUEST = httpx.Request("GET", f"https://api.piapi.ai/api/v1/task/{TASK_ID}")


def unreadable(text: str) -> APIResponseValidationError:
    response = httpx.Response(200, text=text, request=REQUEST)
    return APIResponseValidationError("unreadable", response=response, text=text)


def refused(status: int) -> APIStatusError:
    response = httpx.Response(status, request=REQUEST)
    return status_error_class(status)("refused", response=response, body=None)


PROCESSING = Task.model_validate({"task_id": TASK_ID, "status": "processing"})


@pytest.mark.parametrize(
    ("outcomes", "raises_at"),
    [
        (["bad", "bad", "bad"], 3),
        (["bad", "bad", "task", "bad", "bad", "task"], None),
        (["bad", "bad", 503, "bad", "bad", "bad"], 6),
        (["bad", 503, "bad", 503, "bad"], None),
        (["task", "bad", "bad", "bad"], 4),
    ],
)
def test_a_wait_gives_up_on_the_third_unreadable_answer_in_a_row(
    outcomes: list[str | int], raises_at: int | None
) -> None:
    state = WaitState(
        TASK_ID, timeout=None, poll_interval=None, raise_on_failure=True, started_at=0.0
    )
    for number, outcome in enumerate(outcomes, start=1):
        if outcome == "task":
            state.observe(PROCESSING)
            continue
        failure = unreadable(f"<html>{number}</html>") if outcome == "bad" else refused(503)
        if number != raises_at:
            state.observe_error(failure)
            continue
        with pytest.raises(APIResponseValidationError) as caught:
            state.observe_error(failure)
        assert caught.value.task_id == TASK_ID
        assert caught.value.text == f"<html>{number}</html>"
        assert caught.value.__cause__ is failure
        return
    assert raises_at is None


# --- every error names its task -------------------------------------------------------------


def test_every_error_has_task_id_and_task_may_exist() -> None:
    task = Task.model_validate({"task_id": "t-1", "status": "failed"})
    response = httpx.Response(500, request=REQUEST)
    errors: list[tuple[PiAPIError, str | None, bool]] = [
        (PiAPIError("plain"), None, False),
        (PiAPIError("lost", task_id="t-9", task_may_exist=True), "t-9", True),
        (APIConnectionError("dropped", request=REQUEST, task_may_exist=True), None, True),
        (InternalServerError("5xx", response=response, body=None, task_id="t-2"), "t-2", False),
        (unreadable("<html>"), None, False),
        (TaskFailedError(task), "t-1", False),
        (WaitTimeoutError("t-3", 1.0, None), "t-3", False),
        (NoResultError("none", task=task), "t-1", False),
        (DownloadError("cut", task=task), "t-1", False),
        (DownloadError("cut", url="https://x"), None, False),
    ]
    for error, task_id, may_exist in errors:
        assert (error.task_id, error.task_may_exist) == (task_id, may_exist), repr(error)
        assert ("may exist and be billed" in str(error)) is may_exist


@pytest.mark.parametrize(
    ("method", "url", "task_id"),
    [
        ("GET", f"https://api.piapi.ai/api/v1/task/{TASK_ID}", TASK_ID),
        ("DELETE", "https://api.piapi.ai/api/v1/task/a%2Fb", "a/b"),
        ("POST", "https://api.piapi.ai/api/v1/task", None),
        ("GET", "https://cdn.example/api/v1/task", None),
    ],
)
def test_a_failed_request_about_one_task_names_it(
    method: str, url: str, task_id: str | None
) -> None:
    error = transport_error(httpx.ReadTimeout("t"), httpx.Request(method, url), is_create=False)
    assert error.task_id == task_id
