"""Which class reads a task, and which typed request a plain one stands for.

The two tables are `_index.py`, generated from the family modules' declarations
(`scripts/gen_families.py`): classes named as `"module:Class"` strings and imported on first
use, so a family's module loads only when one of its answers (or requests) arrives.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError
from pydantic_core import from_json

from piapi._core.models import Task
from piapi._core.protocol import describe_validation_error, read_task_as, read_task_with
from piapi.families._index import REQUEST_CLASSES, TASK_CLASSES

if TYPE_CHECKING:
    import httpx

    from piapi._core.models import TaskInput

__all__ = [
    "REQUEST_CLASSES",
    "TASK_CLASSES",
    "describe_validation_error",
    "parse_task",
    "read_task",
    "read_task_data",
    "request_class_for",
    "task_class_for",
]

ANY_TASK_TYPE = "*"
"""The task type of a `TASK_CLASSES` key whose class reads every task of its model."""


@cache
def _load(target: str) -> type[Any]:
    module, _, name = target.partition(":")
    loaded: type[Any] = getattr(importlib.import_module(module), name)
    return loaded


def _key(value: object) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def task_class_for(model: object, task_type: object) -> type[Task[Any, Any]]:
    """The class that reads a task of this model and task type (`Task` if none is known)."""
    model_key = _key(model)
    target = TASK_CLASSES.get((model_key, _key(task_type))) or TASK_CLASSES.get(
        (model_key, ANY_TASK_TYPE)
    )
    return Task if target is None else _load(target)


def request_class_for(model: object, task_type: object) -> type[TaskInput] | None:
    """The typed request of this model and task type, if the SDK has one."""
    target = REQUEST_CLASSES.get((_key(model), _key(task_type)))
    return None if target is None else _load(target)


def read_task_data(
    data: Mapping[str, Any], task_class: type[Task[Any, Any]] | None = None
) -> Task[Any, Any]:
    """Read a task object leniently: as `task_class`, else as its model's class (a plain
    `Task` when that class cannot read it).

    Raises:
        pydantic.ValidationError: Not a task: no readable `task_id` or `status`.
    """
    return read_task_as(data, task_class or _class_of(data))


def _class_of(data: Mapping[str, Any]) -> type[Task[Any, Any]]:
    return task_class_for(data.get("model"), data.get("task_type"))


def read_task(
    response: httpx.Response,
    task_class: type[Task[Any, Any]] | None = None,
    *,
    is_create: bool = False,
    task_id: str | None = None,
    secrets: Sequence[str] = (),
) -> Task[Any, Any]:
    """The task inside a response as `task_class`, else as the class of its model (a
    `Sora2Task` for Sora 2), or the error the response stands for (`read_task_with`)."""

    def class_of(data: Mapping[str, Any]) -> type[Task[Any, Any]]:
        return task_class or _class_of(data)

    return read_task_with(response, class_of, is_create=is_create, task_id=task_id, secrets=secrets)


def parse_task(data: Mapping[str, Any] | str | bytes) -> Task[Any, Any]:
    """Read a task PiAPI sent, typed when the SDK knows its model (a `Sora2Task` for Sora 2).

    The same reading as `tasks.get`, `tasks.wait` and `webhooks.parse`: lenient, so any
    field but `task_id` and `status` may be missing, null or odd.

    Args:
        data: The task object (`data` of an answer) as a dict, JSON text or bytes; a whole
            answer `{"code", "data", "message"}` or webhook body `{"timestamp", "data"}`
            is unwrapped.

    Returns:
        The task: an instance of the model's class, or `Task`.

    Raises:
        ValueError: Not JSON, or not a task (no readable `task_id` or `status`).
    """
    fields: object = data
    if isinstance(data, str | bytes):
        try:
            fields = from_json(data)  # depth-bounded, unlike json.loads
        except ValueError:
            raise ValueError(
                "Not a PiAPI task: the text is not JSON (or nested too deep)."
            ) from None
    if not isinstance(fields, Mapping):
        raise ValueError("Not a PiAPI task: expected a JSON object.")
    task_data = cast("Mapping[str, Any]", fields)
    inner = task_data.get("data")
    if "task_id" not in task_data and isinstance(inner, Mapping):
        task_data = cast("Mapping[str, Any]", inner)
    try:
        return read_task_data(task_data)
    except ValidationError as exc:
        raise ValueError(f"Not a PiAPI task: {describe_validation_error(exc)}.") from None
