"""Table-test helpers shared by the families' tests (importable: pytest puts this folder on
sys.path)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from _support import Api
from piapi import TaskInput, parse_task

Build = Callable[[], TaskInput]


def refused(build: Build, message: str, page: str | None) -> ValidationError:
    """Building raises a ValidationError saying `message` (and naming `page`, if given)."""
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        build()
    if page is not None:
        assert page in str(caught.value)
    return caught.value


def refused_before_sending(make_api: Callable[..., Api], build: Build) -> None:
    """Through the client (sync, asyncio, trio): the mistake raises and no request is made."""

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"sent {request.url}")

    api = make_api(never)
    with pytest.raises(ValidationError):
        api("tasks.create", build())
    with pytest.raises(ValidationError):
        api("tasks.create_and_wait", build())
    assert api.requests == []


def read_back(request_class: type[TaskInput], echo: dict[str, Any]) -> TaskInput:
    """What PiAPI echoes is read as the request class without a single check."""
    task = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "model": request_class.MODEL,
            "task_type": request_class.TASK_TYPE,
            "input": echo,
        }
    )
    assert type(task.input) is request_class
    assert task.unreadable == {}
    return task.input
