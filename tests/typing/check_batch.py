"""Static typing checks of batches: mypy --strict and pyright read this file, nobody runs it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from typing_extensions import assert_type

from piapi import (
    AsyncPiAPIClient,
    BatchItem,
    BatchState,
    PiAPIClient,
    PiAPIError,
    Sora2VideoInput,
    Task,
    TaskInput,
    TaskRequest,
)


def sync_usage(client: PiAPIClient) -> None:
    requests: list[TaskRequest | TaskInput] = [
        Sora2VideoInput(prompt="a fox"),
        TaskRequest(model="m", task_type="t", input={}),
    ]
    items = client.tasks.run_many(
        requests,
        concurrency=8,
        journal=Path("run.sqlite"),
        download_to="videos",
        timeout=None,
        on_result=lambda item: print(item.state.value),
        max_total_usd=Decimal("12.50"),
        retry_uncertain=[3, 4],
        resolve={2: "task-id"},
    )
    assert_type(items, list[BatchItem])
    item = items[0]
    assert_type(item.state, BatchState)
    assert_type(item.task, Task[Any, Any] | None)
    assert_type(item.task_id, str | None)
    assert_type(item.error, PiAPIError | None)
    assert_type(item.paths, list[Path])
    assert_type(item.sent_at, datetime | None)
    assert_type(item.detail, str)
    client.tasks.run_many(requests, concurrency="4")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.tasks.run_many(requests, journl="x")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


async def async_usage(client: AsyncPiAPIClient) -> None:
    async def report(item: BatchItem) -> None:
        print(item.position)

    items = await client.tasks.run_many(
        [Sora2VideoInput(prompt="a fox"), TaskRequest(model="m", task_type="t", input={})],
        on_result=report,
        retry_uncertain=True,
    )
    assert_type(items, list[BatchItem])
