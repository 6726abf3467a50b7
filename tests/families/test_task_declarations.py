"""Each family's task class tells pydantic what it tells type checkers.

`FamilyTask[SomeInput, SomeOutput]` is a plain alias at run time (no parametrised pydantic
class is built), so `FamilyTask` gives the class its `output` field and `INPUTS` from those
parameters: both must match them, or a task would read its output as a plain dict while
type checkers promise the model. Each request class names its task class in turn
(`_KlingInput["KlingTask"]`), whose `INPUTS` must list it.
"""

from __future__ import annotations

import types
import typing
from typing import Any, ClassVar

import pytest

from piapi import Task, TaskInput
from piapi._core.results import MediaKind
from piapi.families._base import FamilyInput, FamilyTask, TaskT
from piapi.families._registry import (
    REQUEST_CLASSES,
    TASK_CLASSES,
    request_class_for,
    task_class_for,
)
from piapi.kling import KlingTryOnInput, KlingTryOnOutput, KlingTryOnTask

FAMILY_TASK_CLASSES = sorted(
    {task_class_for(model, task_type) for model, task_type in TASK_CLASSES},
    key=lambda cls: cls.__name__,
)


def _members(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation))
    return {annotation}


def _parameters(task_class: type[Task[Any, Any]]) -> tuple[Any, Any]:
    (base,) = (b for b in task_class.__orig_bases__ if typing.get_origin(b) is FamilyTask)  # type: ignore[attr-defined]
    input_type, output_type = typing.get_args(base)
    return input_type, output_type


def test_every_registered_family_is_checked() -> None:
    names = {cls.__name__ for cls in FAMILY_TASK_CLASSES}
    assert {"Sora2Task", "KlingTask", "VeoTask", "FluxTask"} <= names
    assert all(issubclass(cls, FamilyTask) for cls in FAMILY_TASK_CLASSES)


@pytest.mark.parametrize("task_class", FAMILY_TASK_CLASSES, ids=lambda cls: cls.__name__)
def test_output_field_is_the_output_parameter(task_class: type[Task[Any, Any]]) -> None:
    _, output_type = _parameters(task_class)
    field = task_class.model_fields["output"]
    assert _members(field.annotation) == {output_type, type(None)}
    assert field.default is None


@pytest.mark.parametrize("task_class", FAMILY_TASK_CLASSES, ids=lambda cls: cls.__name__)
def test_inputs_are_the_input_parameter(task_class: type[FamilyTask[Any, Any]]) -> None:
    input_type, _ = _parameters(task_class)
    assert set(task_class.INPUTS) == _members(input_type)


@pytest.mark.parametrize("task_class", FAMILY_TASK_CLASSES, ids=lambda cls: cls.__name__)
def test_a_read_output_is_the_output_model(task_class: type[Task[Any, Any]]) -> None:
    _, output_type = _parameters(task_class)
    task = task_class.model_validate({"task_id": "t", "status": "completed", "output": {}})
    assert type(task.output) is output_type


def test_what_a_task_class_declares_itself_stays() -> None:
    class Narrow(KlingTryOnOutput):
        pass

    class OwnTask(FamilyTask[KlingTryOnInput, KlingTryOnOutput]):
        output: Narrow | None = None
        INPUTS: ClassVar[tuple[type[TaskInput], ...]] = ()
        note: str = ""

    class MyTryOnTask(KlingTryOnTask):  # a subclass inherits what its base read
        pass

    assert OwnTask.model_fields["output"].annotation == Narrow | None
    assert OwnTask.INPUTS == ()
    assert OwnTask.model_validate({"task_id": "t", "status": "pending", "note": "n"}).note == "n"
    assert MyTryOnTask.INPUTS is KlingTryOnTask.INPUTS
    task = MyTryOnTask.model_validate({"task_id": "t", "status": "completed", "output": {}})
    assert type(task.output) is KlingTryOnOutput


def test_subscripting_builds_no_pydantic_class() -> None:
    before = FamilyTask.__subclasses__()
    alias = FamilyTask[int, str]
    assert typing.get_origin(alias) is FamilyTask
    assert typing.get_args(alias) == (int, str)
    assert FamilyTask.__subclasses__() == before


@pytest.mark.parametrize("task_class", FAMILY_TASK_CLASSES, ids=lambda cls: cls.__name__)
def test_a_family_task_is_not_generic(task_class: type[Task[Any, Any]]) -> None:
    # Every type parameter is named, as for a subclass of a parametrised class.
    assert task_class.__pydantic_generic_metadata__["parameters"] == ()
    with pytest.raises(TypeError, match="not a generic class"):
        task_class[int, int]  # type: ignore[misc]


@pytest.mark.parametrize("task_class", FAMILY_TASK_CLASSES, ids=lambda cls: cls.__name__)
def test_each_family_output_declares_the_kind_of_file_it_makes(
    task_class: type[Task[Any, Any]],
) -> None:
    # The convention every family module follows: results are ranked by it (a music
    # model's song before its cover), `task.media_kind` reads it.
    _, output_type = _parameters(task_class)
    kind = getattr(output_type, "MEDIA_KIND", None)
    assert kind in typing.get_args(MediaKind), f"{output_type.__name__}.MEDIA_KIND = {kind!r}"
    assert "MEDIA_KIND" not in output_type.model_fields  # a ClassVar, never sent or read
    assert task_class.model_construct(task_id="t", status="pending").media_kind == kind


# --- the request side: each request class names the task class that answers it ---------


@pytest.mark.parametrize("key", sorted(REQUEST_CLASSES), ids=lambda key: "::".join(key))
def test_the_task_a_request_names_lists_it_among_its_inputs(key: tuple[str, str]) -> None:
    # The request names its task (for `create`'s return type), the task its requests (for
    # `task.input`): the two must agree.
    request_class = request_class_for(*key)
    assert request_class is not None
    task_class = request_class.task_class()
    assert issubclass(task_class, FamilyTask)
    assert request_class in task_class.INPUTS


def test_naming_a_task_builds_no_pydantic_class() -> None:
    before = FamilyInput.__subclasses__()
    alias = FamilyInput["SomeTask"]
    assert typing.get_origin(alias) is FamilyInput
    assert typing.get_args(alias) == ("SomeTask",)
    assert FamilyInput.__subclasses__() == before


def test_a_request_that_names_no_task_is_answered_by_a_plain_task() -> None:
    class Plain(FamilyInput, model="example", task_type="plain"):
        pass

    class MyTryOnInput(KlingTryOnInput):  # a subclass inherits the task its base names
        pass

    assert Plain.task_class() is Task
    assert KlingTryOnInput.task_class() is KlingTryOnTask
    assert MyTryOnInput.task_class() is KlingTryOnTask


# --- the header: a class's `model=` and `task_type=` ----------------------------------------


def test_a_class_keeps_its_header_keywords_as_constants() -> None:
    class _ExampleInput(FamilyInput[TaskT], model="example"):  # a family's base: the model
        pass

    class ExampleInput(_ExampleInput["ExampleTask"], task_type="first"):
        pass

    class OtherModelInput(ExampleInput, model="example-turbo"):  # keeps its task type
        pass

    class ExampleTask(FamilyTask[ExampleInput, KlingTryOnOutput], model="example"):
        pass

    assert (ExampleInput.MODEL, ExampleInput.TASK_TYPE) == ("example", "first")
    assert (OtherModelInput.MODEL, OtherModelInput.TASK_TYPE) == ("example-turbo", "first")
    assert _ExampleInput.MODEL == "example"
    assert ExampleTask.MODEL == "example"
    assert KlingTryOnTask.MODEL == ""  # reads only the task types of its requests


def test_a_misspelt_header_keyword_is_refused() -> None:
    with pytest.raises(TypeError):

        class _Misspelt(FamilyInput, modle="example"):
            pass

    with pytest.raises(TypeError):  # a task class has a model, not a task type

        class _TaskWithATaskType(FamilyTask[Any, Any], task_type="x"):
            pass
