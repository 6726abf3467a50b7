"""`TaskReference`: a follow-up task's `origin_task_id` takes a `Task` or its id, sends the id."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from piapi import Task, parse_task
from piapi.families._base import FamilyInput, TaskReference


class UpscaleInput(FamilyInput, model="example", task_type="upscale"):
    """A small follow-up request, as a family declares one (Midjourney's upscale)."""

    origin_task_id: TaskReference | None = None
    index: str | None = None

    def _check(self) -> None:
        if not self.origin_task_id:
            raise ValueError("origin_task_id is required: the task to upscale")


def earlier_task() -> Task[Any, Any]:
    return parse_task({"task_id": "4eba5893-0000", "status": "completed", "model": "example"})


def test_a_task_is_sent_as_its_id() -> None:
    request = UpscaleInput(origin_task_id=earlier_task(), index="1")
    assert request.origin_task_id == "4eba5893-0000"
    assert request.to_wire() == {"origin_task_id": "4eba5893-0000", "index": "1"}


def test_an_id_is_sent_as_given() -> None:
    assert UpscaleInput(origin_task_id="abc").to_wire() == {"origin_task_id": "abc"}


def test_the_echo_of_an_answer_reads_as_the_id() -> None:
    echoed = UpscaleInput.model_validate({"origin_task_id": "abc"}, context={"from_response": 1})
    assert echoed.origin_task_id == "abc"


def test_anything_else_is_refused_before_sending() -> None:
    with pytest.raises(ValidationError, match="valid string"):
        UpscaleInput(origin_task_id=42)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="origin_task_id is required"):
        UpscaleInput()


def test_its_schema_is_a_string() -> None:
    schema = UpscaleInput.model_json_schema()["properties"]["origin_task_id"]
    assert {"type": "string"} in schema["anyOf"]


@pytest.mark.parametrize(
    ("module", "name", "fields"),
    [
        ("piapi.midjourney", "MidjourneyUpscaleInput", {"index": "1"}),
        ("piapi.midjourney", "MidjourneyRerollInput", {}),
        ("piapi.kling", "KlingExtendVideoInput", {}),
        ("piapi.kling", "KlingLipSyncInput", {"tts_text": "hello", "tts_timbre": "x"}),
    ],
)
def test_the_families_follow_ups_take_the_earlier_task_itself(
    module: str, name: str, fields: dict[str, Any]
) -> None:
    request_class = getattr(__import__(module, fromlist=[name]), name)
    task = earlier_task()
    by_task = request_class(origin_task_id=task, **fields)
    by_id = request_class(origin_task_id=task.task_id, **fields)
    assert by_task.origin_task_id == task.task_id
    assert by_task.to_wire() == by_id.to_wire()
