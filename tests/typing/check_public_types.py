"""Static typing checks of the public API: mypy --strict and pyright read this file, nobody runs it.

Each `assert_type` fails the type check if a return type regresses (say, to Any).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from typing_extensions import assert_type

import piapi
from piapi import (
    AsyncPiAPIClient,
    PiAPIClient,
    Sora2ProVideoInput,
    Sora2RemoveWatermarkInput,
    Sora2Task,
    Sora2VideoInput,
    Task,
    TaskInput,
    TaskRequest,
    TaskStatus,
)


def sync_usage(client: PiAPIClient) -> None:
    created = client.sora2.create(prompt="a fox", duration=8, aspect_ratio="9:16")
    assert_type(created, Sora2Task)
    assert_type(created.status, TaskStatus)
    assert_type(created.cost_usd, Decimal | None)
    assert_type(created.held_usd, Decimal | None)
    finished = client.tasks.wait(created, timeout=None, on_update=lambda task: print(task.status))
    assert_type(finished, Sora2Task)
    assert_type(finished.result_url, str)  # no None check: raises NoResultError instead
    assert_type(finished.media_urls, list[str])
    assert_type(finished.unreadable, Mapping[str, Any])
    if finished.output is not None:
        assert_type(finished.output.video, str | None)
    # Read by the answer's model (a Sora2Task for Sora 2): typed loosely, not as dicts.
    assert_type(client.tasks.wait("id"), Task[Any, Any])
    assert_type(client.sora2.get("id"), Sora2Task)
    assert_type(client.tasks.get("id"), Task[Any, Any])
    assert_type(client.tasks.cancel("id"), None)
    assert_type(piapi.parse_task(b"{}"), Task[Any, Any])
    generic = client.tasks.create(model="sora2", task_type="sora2-video", input={"prompt": "x"})
    assert_type(generic, Task[Any, Any])
    waited = client.sora2.create_and_wait(
        prompt="x", task_type="sora2-pro-video", resolution="1080p"
    )
    assert_type(waited, Sora2Task)
    assert_type(client.sora2.estimate_cost(duration=12), Decimal)
    assert_type(client.with_options(max_retries=0), PiAPIClient)


def typed_requests(client: PiAPIClient, hook: piapi.WebhookConfig) -> None:
    video = Sora2VideoInput(prompt="a fox", duration=8)
    assert_type(client.tasks.create(video), Sora2Task)
    assert_type(client.tasks.create(video, webhook=hook, service_mode="public"), Sora2Task)
    assert_type(client.tasks.create(Sora2ProVideoInput(prompt="x")), Sora2Task)
    assert_type(client.tasks.create(Sora2RemoveWatermarkInput(video_url="https://v")), Sora2Task)
    plain = TaskRequest(model="kling", task_type="video_generation", input={"prompt": "x"})
    assert_type(client.tasks.create(plain), Task[Any, Any])
    assert_type(client.tasks.create_and_wait(video, download_to="out/"), Sora2Task)
    assert_type(client.tasks.create_and_wait(plain, timeout=60), Task[Any, Any])
    assert_type(client.tasks.estimate_cost(video), Decimal | None)
    assert_type(client.tasks.estimate_cost(plain), Decimal | None)
    assert_type(video.estimate_cost(), Decimal)
    assert_type(Sora2VideoInput.task_class(), type[Sora2Task])
    assert_type(TaskInput.task_class(), type[Task[Any, Any]])
    assert_type(client.download_all(client.tasks.get("id"), "out"), list[Path])
    assert_type(client.download("https://cdn/v.mp4", "out", timeout=30.0), Path)
    assert_type(client.tasks.create(plain, webhook=hook), Task[Any, Any])


async def async_typed_requests(client: AsyncPiAPIClient) -> None:
    video = Sora2VideoInput(prompt="a fox")
    assert_type(await client.tasks.create(video), Sora2Task)
    assert_type(await client.tasks.create_and_wait(video), Sora2Task)
    assert_type(client.tasks.estimate_cost(video), Decimal | None)
    assert_type(await client.download_all(await client.tasks.get("id"), "out"), list[Path])
    assert_type(await client.download("https://cdn/v.mp4", "out", timeout=30.0), Path)


async def async_usage(client: AsyncPiAPIClient) -> None:
    created = await client.sora2.create(prompt="a fox")
    assert_type(created, Sora2Task)

    async def on_update(task: Sora2Task) -> None:
        print(task.status)

    assert_type(await client.tasks.wait(created, on_update=on_update), Sora2Task)
    assert_type(await client.tasks.get("id"), Task[Any, Any])
    assert_type(await client.sora2.get("id"), Sora2Task)
    assert_type(await client.sora2.create_and_wait(prompt="x", on_update=on_update), Sora2Task)
    assert_type(client.with_options(timeout=5.0), AsyncPiAPIClient)


def errors_have_their_attributes(error: piapi.APIStatusError) -> None:
    assert_type(error.status_code, int)
    assert_type(error.code, int | None)
    assert_type(error.message, str | None)
    assert_type(error.task_may_exist, bool)
    assert_type(error.task_id, str | None)


def every_error_names_its_task(error: piapi.PiAPIError, timeout: piapi.WaitTimeoutError) -> None:
    assert_type(error.task_id, str | None)
    assert_type(error.task_may_exist, bool)
    assert_type(timeout.task_id, str)


def invalid_calls_are_type_errors(client: PiAPIClient) -> None:
    client.sora2.create(prompt="x", duration=5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.sora2.create(prompt="x", aspect_ratio="1:1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def http_client_must_match_the_client(async_http: httpx.AsyncClient) -> None:
    PiAPIClient(http_client=async_http)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def account_uploads_and_spending(client: PiAPIClient, frame: Path) -> None:
    info = client.account.info()
    assert_type(info, piapi.AccountInfo)
    assert_type(info.balance_usd, Decimal | None)
    assert_type(client.account.active_tasks().total, int)
    assert_type(client.files.upload(frame), str)
    assert_type(client.files.upload(b"...", file_name="frame.png"), str)
    with frame.open("rb") as file:
        assert_type(client.files.upload(file), str)
    assert_type(client.spent_usd, Decimal)
    assert_type(client.spend_limit_usd, Decimal | None)
    limited = PiAPIClient(spend_limit_usd="5.00", upload_url="https://files.example/up")
    assert_type(limited.with_options(spend_limit_usd=Decimal(2)), PiAPIClient)
    plain = TaskRequest(model="kling", task_type="motion_control", input={})
    assert_type(client.tasks.create(plain, max_cost_usd=1), Task[Any, Any])
    video = Sora2VideoInput(prompt="a fox")
    assert_type(client.tasks.create(video, max_cost_usd="0.50"), Sora2Task)
    assert_type(client.tasks.create_and_wait(video, max_cost_usd=0.5), Sora2Task)
    keyword = client.tasks.create(model="x", task_type="y", input={}, max_cost_usd=Decimal(1))
    assert_type(keyword, Task[Any, Any])


async def async_account_uploads_and_spending(client: AsyncPiAPIClient) -> None:
    assert_type(await client.account.info(), piapi.AccountInfo)
    assert_type(await client.account.active_tasks(), piapi.ActiveTasks)
    assert_type(await client.files.upload("frame.png"), str)
    assert_type(client.spent_usd, Decimal)


def spend_limit_error_attributes(error: piapi.SpendLimitError) -> None:
    assert_type(error.spent_usd, Decimal)
    assert_type(error.cost_usd, Decimal | None)
    assert_type(error.limit_usd, Decimal | None)
    base: piapi.PiAPIError = error
    assert_type(base.task_may_exist, bool)
