"""The example exchange of docs/mcp.md, run as shown: an agent's tool calls against the fake."""

from __future__ import annotations

from pathlib import Path

import pytest
from _mcputil import connected

from piapi.testing import FakePiAPI

pytestmark = pytest.mark.anyio


async def test_the_documented_exchange(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path, limit="1.00", max_wait=5.0) as client:
        # --8<-- [start:exchange]
        fox = {
            "model": "sora2",
            "task_type": "sora2-video",
            "input": {"prompt": "A red fox in fresh snow", "duration": 4},
        }
        price = await client.call_tool("estimate_cost", fox)
        assert price.structured_content == {
            "model": "sora2",
            "task_type": "sora2-video",
            "estimate_usd": "0.32",
            "known": True,
            "spent_usd": "0",
            "spend_limit_usd": "1",
        }

        created = await client.call_tool("create_task", fox)  # returns at once
        task = created.structured_content or {}
        assert (task["status"], task["estimate_usd"]) == ("pending", "0.32")

        state = await client.call_tool("wait_task", {"task_id": task["task_id"]})
        while not (state.structured_content or {})["finished"]:  # bounded: call it again
            state = await client.call_tool("wait_task", {"task_id": task["task_id"]})
        assert (state.structured_content or {})["status"] == "completed"

        saved = await client.call_tool("download_task", {"task_id": task["task_id"]})
        assert (saved.structured_content or {})["paths"][0].endswith(".mp4")

        too_much = {**fox, "input": {"prompt": "A long fox", "duration": 12}}  # $0.96
        refused = await client.call_tool("create_task", too_much)
        assert refused.is_error  # $0.32 spent + $0.96 > $1.00: nothing sent
        # --8<-- [end:exchange]
        assert "spending limit" in refused.content[0].text  # type: ignore[union-attr]
    assert len(fake.created_tasks) == 1
