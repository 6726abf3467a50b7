"""The wire models: exact round trips of the seed, leniency where PiAPI varies, Sora 2 checks."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Generic, TypeVar

import pytest
from pydantic import ValidationError

from _support import SEED_REQUEST, SEED_RESPONSE_TEXT, TASK_ID, seed_envelope, task_envelope
from piapi import (
    Sora2ProVideoInput,
    Sora2Task,
    Sora2VideoInput,
    Task,
    TaskRequest,
    TaskStatus,
    WebhookConfig,
    parse_task,
)
from piapi._core.models import RESPONSE_CONTEXT, WireModel, task_config
from piapi._core.protocol import request_body
from piapi.families.sora2 import build_sora2_input, estimate_sora2_cost

DataT = TypeVar("DataT")


class Envelope(WireModel, Generic[DataT]):
    """PiAPI's envelope `{code, data, message}`, read strictly (the clients read it leniently)."""

    code: int
    data: DataT | None = None
    message: str = ""


def parse(envelope: dict[str, Any], task_class: type[Task[Any, Any]] = Sora2Task) -> Any:
    return Envelope[task_class].model_validate_json(  # type: ignore[valid-type]
        json.dumps(envelope), context=RESPONSE_CONTEXT
    )


def sora2_request(**overrides: Any) -> TaskRequest:
    arguments: dict[str, Any] = {
        "prompt": "a fox",
        "aspect_ratio": "16:9",
        "duration": 4,
        "task_type": "sora2-video",
        "image_url": None,
        "resolution": None,
        "webhook": None,
        "service_mode": None,
    }
    arguments.update(overrides)
    config = task_config(arguments.pop("webhook"), arguments.pop("service_mode"))
    video_input = build_sora2_input(**arguments)
    return TaskRequest(
        model="sora2", task_type=arguments["task_type"], input=video_input, config=config
    )


def test_sora2_request_serialises_to_the_seed_exactly() -> None:
    hook = SEED_REQUEST["config"]["webhook_config"]
    request = sora2_request(prompt=SEED_REQUEST["input"]["prompt"], webhook=WebhookConfig(**hook))
    assert json.loads(request_body(request)) == SEED_REQUEST


def test_generic_request_round_trips_the_seed() -> None:
    request = TaskRequest.model_validate(SEED_REQUEST)
    assert request.to_wire() == SEED_REQUEST


def test_seed_response_parses_without_loss() -> None:
    original = json.loads(SEED_RESPONSE_TEXT)
    envelope = parse(original)
    task = envelope.data
    assert isinstance(task, Sora2Task)
    assert envelope.code == 200
    assert envelope.message == "success"
    assert task.task_id == TASK_ID
    assert task.status is TaskStatus.PENDING
    assert isinstance(task.input, Sora2VideoInput)
    assert task.input.prompt == original["data"]["input"]["prompt"]
    assert task.output is None
    assert task.config is not None
    assert task.config.service_mode == ""
    assert task.config.webhook_config is not None
    assert (
        task.config.webhook_config.endpoint
        == original["data"]["config"]["webhook_config"]["endpoint"]
    )
    assert task.meta.created_at == datetime(2025, 10, 29, 2, 33, 3, 282375, tzinfo=timezone.utc)
    assert task.meta.started_at is None  # Go's zero time
    assert task.meta.ended_at is None
    assert task.meta.usage.type == "llm"
    assert task.meta.usage.consume == 3_200_000
    assert task.meta.is_using_private_pool is False
    assert task.error is not None
    assert not task.error.is_error
    assert task.cost_usd == Decimal("0.32")
    # Every field survives a dump: the same keys at every level, and equal values
    # except the times (nanoseconds truncated to microseconds, zero time -> None).
    dumped = envelope.model_dump(mode="json", exclude_unset=True)
    assert _keys(dumped) == _keys(original)
    times = {"created_at", "started_at", "ended_at"}
    assert _without(dumped, times) == _without(original, times)
    assert parse(dumped) == envelope


def test_completed_task_parses_typed_output() -> None:
    task = parse(task_envelope("completed")).data
    assert task.status is TaskStatus.COMPLETED
    assert task.is_terminal
    assert task.output.video == f"https://img.theapi.app/ephemeral/{TASK_ID}.mp4"
    assert task.meta.ended_at == datetime(2025, 10, 29, 2, 34, 35, 123456, tzinfo=timezone.utc)
    assert task.meta.started_at.tzinfo is not None


def test_pro_task_input_is_parsed_by_task_type() -> None:
    envelope = task_envelope(task_type="sora2-pro-video")
    envelope["data"]["input"]["resolution"] = "1080p"
    task = parse(envelope).data
    assert isinstance(task.input, Sora2ProVideoInput)
    assert task.input.resolution == "1080p"


def test_unknown_fields_are_kept_at_every_level() -> None:
    envelope = task_envelope("completed", brand_new={"x": 1})
    envelope["request_id"] = "r-1"
    envelope["data"]["meta"]["queue_position"] = 3
    envelope["data"]["meta"]["usage"]["discount"] = 5
    envelope["data"]["error"]["hint"] = "h"
    envelope["data"]["output"]["thumbnail"] = "https://t"
    envelope["data"]["input"]["seed"] = 42
    parsed = parse(envelope)
    task = parsed.data
    assert parsed.model_extra == {"request_id": "r-1"}
    assert task.model_extra == {"brand_new": {"x": 1}}
    assert task.meta.model_extra == {"queue_position": 3}
    assert task.meta.usage.model_extra == {"discount": 5}
    assert task.error.model_extra == {"hint": "h"}
    assert task.output.model_extra == {"thumbnail": "https://t"}
    assert task.input.model_extra == {"seed": 42}
    assert parsed.model_dump(mode="json")["data"]["output"]["thumbnail"] == "https://t"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pending", TaskStatus.PENDING),
        ("Pending", TaskStatus.PENDING),
        ("PROCESSING", TaskStatus.PROCESSING),
        ("Staged", TaskStatus.STAGED),
        ("Completed", TaskStatus.COMPLETED),
        (" failed ", TaskStatus.FAILED),
        ("Cancelled", TaskStatus.CANCELLED),
        ("canceled", TaskStatus.CANCELLED),
    ],
)
def test_status_is_case_insensitive(raw: str, expected: TaskStatus) -> None:
    assert parse(task_envelope(raw)).data.status is expected


def test_unknown_status_keeps_its_text_and_is_not_terminal() -> None:
    task = parse(task_envelope("Queued_Upstream")).data
    assert task.status.value == "Queued_Upstream"
    assert str(task.status) == "Queued_Upstream"
    assert task.status.name == "UNKNOWN"
    assert not task.is_terminal
    assert not task.status.is_failure


@pytest.mark.parametrize(
    ("status", "terminal", "failure"),
    [
        (TaskStatus.PENDING, False, False),
        (TaskStatus.PROCESSING, False, False),
        (TaskStatus.STAGED, False, False),
        (TaskStatus.COMPLETED, True, False),
        (TaskStatus.FAILED, True, True),
        (TaskStatus.CANCELLED, True, True),
    ],
)
def test_terminal_statuses(status: TaskStatus, terminal: bool, failure: bool) -> None:
    assert status.is_terminal is terminal
    assert status.is_failure is failure


@pytest.mark.parametrize("zero", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000000Z", ""])
def test_go_zero_time_reads_as_none(zero: str) -> None:
    envelope = seed_envelope()
    envelope["data"]["meta"]["created_at"] = zero
    assert parse(envelope).data.meta.created_at is None


def test_naive_and_offset_times_become_aware() -> None:
    envelope = seed_envelope()
    envelope["data"]["meta"]["created_at"] = "2025-10-29T02:33:03"
    envelope["data"]["meta"]["started_at"] = "2025-10-29T04:33:03+02:00"
    meta = parse(envelope).data.meta
    assert meta.created_at == datetime(2025, 10, 29, 2, 33, 3, tzinfo=timezone.utc)
    assert meta.started_at == meta.created_at


def test_generic_task_keeps_input_and_output_as_dicts() -> None:
    task = parse(task_envelope("completed"), Task).data
    assert type(task) is Task
    assert task.input["duration"] == 4
    assert task.output == {"video": f"https://img.theapi.app/ephemeral/{TASK_ID}.mp4"}


def test_responses_echo_values_a_caller_could_not_send() -> None:
    # A task created through the generic call with values Sora 2 checks would refuse
    # must still parse when it comes back.
    envelope = task_envelope(task_type="sora2-pro-video")
    envelope["data"]["input"].update(prompt="", duration=10, aspect_ratio="1:1", resolution="4k")
    envelope["data"]["input"]["image_url"] = "https://img"
    task = parse(envelope).data
    assert task.input.duration == 10
    assert task.input.resolution == "4k"


def test_task_without_usage_has_no_cost() -> None:
    task = Task.model_validate({"task_id": "t", "status": "pending"})
    assert task.cost_usd is None  # not reported is not free
    assert task.held_usd is None
    assert task.input == {}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"prompt": ""}, "prompt must not be empty"),
        ({"prompt": "   "}, "prompt must not be empty"),
        ({"duration": 5}, "duration must be one of 4, 8, 12"),
        ({"aspect_ratio": "1:1"}, "aspect_ratio must be one of 16:9, 9:16"),
        (
            {"task_type": "sora2-pro-video", "resolution": "4k"},
            "resolution must be one of 720p, 1080p",
        ),
        ({"resolution": "1080p"}, 'resolution is only for task_type "sora2-pro-video"'),
        ({"task_type": "sora2-pro-video", "image_url": "https://i"}, "image_url"),
        ({"task_type": "sora3-video"}, "task_type must be one of sora2-video, sora2-pro-video"),
    ],
)
def test_invalid_sora2_arguments_name_the_allowed_values(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):  # pydantic's ValidationError is one
        sora2_request(**overrides)


def test_direct_input_models_check_values_too() -> None:
    with pytest.raises(ValidationError, match="duration must be one of 4, 8, 12"):
        Sora2VideoInput(prompt="x", duration=6)
    with pytest.raises(ValidationError, match="resolution must be one of 720p, 1080p"):
        Sora2ProVideoInput(prompt="x", resolution="480p")


def test_pro_request_defaults_to_720p_and_carries_config() -> None:
    request = sora2_request(
        task_type="sora2-pro-video",
        duration=12,
        aspect_ratio="9:16",
        service_mode="private",
        webhook=WebhookConfig(endpoint="https://hook", secret="s3cret"),
    )
    assert request.to_wire() == {
        "model": "sora2",
        "task_type": "sora2-pro-video",
        "input": {"prompt": "a fox", "aspect_ratio": "9:16", "duration": 12, "resolution": "720p"},
        "config": {
            "service_mode": "private",
            "webhook_config": {"endpoint": "https://hook", "secret": "s3cret"},
        },
    }


def test_image_to_video_request() -> None:
    request = sora2_request(image_url="https://img/first.png", duration=8)
    assert request.to_wire()["input"] == {
        "prompt": "a fox",
        "aspect_ratio": "16:9",
        "duration": 8,
        "image_url": "https://img/first.png",
    }


@pytest.mark.parametrize(
    ("task_type", "duration", "price"),
    [
        ("sora2-video", 4, "0.32"),
        ("sora2-video", 8, "0.64"),
        ("sora2-video", 12, "0.96"),
        ("sora2-pro-video", 4, "0.96"),
        ("sora2-pro-video", 12, "2.88"),
    ],
)
def test_price_estimate(task_type: str, duration: int, price: str) -> None:
    assert estimate_sora2_cost(duration=duration, task_type=task_type) == Decimal(price)


def test_webhook_secret_is_not_in_reprs() -> None:
    config = WebhookConfig(endpoint="https://hook", secret="s3cret-value")
    request = sora2_request(webhook=config)
    assert "s3cret-value" not in repr(config)
    assert "s3cret-value" not in repr(request)
    assert "s3cret-value" not in str(request)


def _keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _keys(item) for key, item in value.items()}
    return None


def _without(value: Any, names: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: _without(item, names) for key, item in value.items() if key not in names}
    return value


@pytest.mark.parametrize("units", [10**4000, "1e999999", -3_200_000])
def test_usage_of_absurd_or_negative_size_is_unreadable_never_a_price(units: object) -> None:
    # Before: 10**4000 units read as a price of 1E+3993 USD; a negative charge would open
    # a spending limit.
    task = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "meta": {"usage": {"type": "llm", "consume": units}},
        }
    )
    assert task.cost_usd is None
    assert "meta.usage.consume" in task.unreadable
