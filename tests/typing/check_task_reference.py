"""Static typing checks of `TaskReference` and the catalog lookup: mypy --strict and pyright
read this file, nobody runs it."""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

import piapi
from piapi import ModelEntry, Task, TaskInput
from piapi.families._base import FamilyInput, TaskReference


class VariationInput(FamilyInput, model="example", task_type="variation"):
    origin_task_id: TaskReference | None = None


def follow_up(task: Task[Any, Any]) -> None:
    VariationInput(origin_task_id=task)  # the task itself
    VariationInput(origin_task_id=task.task_id)  # or its id
    VariationInput()


def lookup() -> None:
    assert_type(piapi.request_class("kling", "video_generation"), type[TaskInput] | None)
    entries = piapi.models()
    assert_type(entries, list[ModelEntry])
    assert_type(entries[0].price, str)
    assert_type(entries[0].request_class(), type[TaskInput] | None)
