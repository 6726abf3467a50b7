"""Static typing checks of the public API: mypy --strict and pyright read this file, nobody runs it.

Each `assert_type` fails the type check if a return type regresses (say, to Any).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from typing_extensions import assert_type

import piapi
from piapi import AsyncPiAPIClient, PiAPIClient, Sora2Task, Task, TaskStatus


def sync_usage(client: PiAPIClient) -> None:
    created = client.sora2.create(prompt="a fox", duration=8, aspect_ratio="9:16")
    assert_type(created, Sora2Task)
    assert_type(created.status, TaskStatus)
    assert_type(created.cost_usd, Decimal)
    finished = client.tasks.wait(created, timeout=None, on_update=lambda task: print(task.status))
    assert_type(finished, Sora2Task)
    if finished.output is not None:
        assert_type(finished.output.video, str | None)
    assert_type(client.tasks.wait("id"), Task)
    assert_type(client.sora2.get("id"), Sora2Task)
    assert_type(client.tasks.get("id"), Task)
    assert_type(client.tasks.cancel("id"), None)
    generic = client.tasks.create(model="sora2", task_type="sora2-video", input={"prompt": "x"})
    assert_type(generic.input, dict[str, Any])
    waited = client.sora2.create_and_wait(
        prompt="x", task_type="sora2-pro-video", resolution="1080p"
    )
    assert_type(waited, Sora2Task)
    assert_type(client.sora2.estimate_cost(duration=12), Decimal)
    assert_type(client.with_options(max_retries=0), PiAPIClient)


async def async_usage(client: AsyncPiAPIClient) -> None:
    created = await client.sora2.create(prompt="a fox")
    assert_type(created, Sora2Task)

    async def on_update(task: Sora2Task) -> None:
        print(task.status)

    assert_type(await client.tasks.wait(created, on_update=on_update), Sora2Task)
    assert_type(await client.tasks.get("id"), Task)
    assert_type(await client.sora2.get("id"), Sora2Task)
    assert_type(await client.sora2.create_and_wait(prompt="x", on_update=on_update), Sora2Task)
    assert_type(client.with_options(timeout=5.0), AsyncPiAPIClient)


def errors_have_their_attributes(error: piapi.APIStatusError) -> None:
    assert_type(error.status_code, int)
    assert_type(error.code, int | None)
    assert_type(error.message, str | None)
    assert_type(error.task_may_exist, bool)


def invalid_calls_are_type_errors(client: PiAPIClient) -> None:
    client.sora2.create(prompt="x", duration=5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.sora2.create(prompt="x", aspect_ratio="1:1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def http_client_must_match_the_client(async_http: httpx.AsyncClient) -> None:
    PiAPIClient(http_client=async_http)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
