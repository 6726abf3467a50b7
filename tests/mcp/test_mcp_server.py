"""The MCP server through the official MCP client, in process, against the fake PiAPI.

States, not timings: the fake runs on a fake clock that the server's waits advance.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _mcputil import connected, creates, data, text
from mcp import Client
from mcp.types import ElicitRequestParams, ElicitResult

from piapi.mcp._config import ServerConfig
from piapi.mcp._server import build_server, open_client
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer, Fault

pytestmark = pytest.mark.anyio

SORA = {"model": "sora2", "task_type": "sora2-video"}
FOX = {**SORA, "input": {"prompt": "A red fox in fresh snow", "duration": 4}}  # $0.32
TOOLS = {
    "list_models",
    "estimate_cost",
    "create_task",
    "get_task",
    "wait_task",
    "list_tasks",
    "cancel_task",
    "download_task",
    "upload_file",
    "account_info",
}


async def test_tools_listed_with_their_schemas(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    create = tools["create_task"].input_schema
    assert set(create["required"]) == {"model", "task_type", "input"}
    assert create["properties"]["input"]["type"] == "object"
    assert {"confirm", "max_cost_usd"} <= set(create["properties"])
    assert "timeout_s" in tools["wait_task"].input_schema["properties"]
    assert tools["get_task"].input_schema["required"] == ["task_id"]
    for tool in tools.values():
        assert tool.description
        assert "ctx" not in tool.input_schema.get("properties", {})
    assert "COSTS MONEY" in (tools["create_task"].description or "")
    assert "$5.00" in (tools["create_task"].description or "")
    assert tools["get_task"].annotations is not None
    assert tools["get_task"].annotations.read_only_hint is True


async def test_list_models_gives_prices_and_parameters(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path) as client:
        models = data(await client.call_tool("list_models", {}))["models"]
    by_key = {(m["model"], m["task_type"]): m for m in models}
    sora = by_key[("sora2", "sora2-video")]
    assert "prompt" in sora["parameters"]["properties"]
    assert "per second" in sora["price"]
    assert sora["price_with_defaults_usd"] == "0.32"  # 4 s at $0.08
    assert by_key[("luma", "video_generation")]["price"].startswith("not published")
    assert fake.requests == []  # free: nothing asked of PiAPI


async def test_estimate_cost(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path) as client:
        known = data(await client.call_tool("estimate_cost", FOX))
        unknown = data(
            await client.call_tool(
                "estimate_cost",
                {"model": "luma", "task_type": "video_generation", "input": {"prompt": "x"}},
            )
        )
    assert (known["estimate_usd"], known["known"]) == ("0.32", True)
    assert (unknown["estimate_usd"], unknown["known"]) == (None, False)
    assert fake.requests == []


async def test_create_returns_while_the_task_is_pending(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path) as client:
        created = data(await client.call_tool("create_task", FOX))
        listed = data(await client.call_tool("list_tasks", {}))
    task_id = created["task_id"]
    assert created["status"] == "pending"
    assert created["estimate_usd"] == "0.32"
    assert "wait_task" in created["next"]
    assert fake.tasks[task_id].to_json()["status"] == "pending"  # the fake's task still is
    assert listed["tasks"][0]["task_id"] == task_id
    assert listed["tasks"][0]["model"] == "sora2"
    assert listed["spent_usd"] == "0.32"


async def test_wait_is_bounded_resumable_and_reports_progress(
    fake: FakePiAPI, tmp_path: Path
) -> None:
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    async with connected(fake, tmp_path, max_wait=5.0) as client:
        task_id = data(await client.call_tool("create_task", FOX))["task_id"]
        first = data(
            await client.call_tool(
                "wait_task", {"task_id": task_id, "timeout_s": 3600}, progress_callback=on_progress
            )
        )
        assert first["finished"] is False  # bounded by --max-wait: not an error
        assert "wait_task again" in first["next"]
        calls = 1
        state = first
        while not state["finished"]:
            assert calls < 10
            state = data(
                await client.call_tool(
                    "wait_task", {"task_id": task_id}, progress_callback=on_progress
                )
            )
            calls += 1
        got = data(await client.call_tool("get_task", {"task_id": task_id}))
        listed = data(await client.call_tool("list_tasks", {}))
    assert state["status"] == "completed"
    assert state["result_urls"]
    assert got["status"] == "completed"
    assert listed["tasks"][0]["status"] == "completed"
    messages = [message for _, _, message in progress]
    assert "status: processing" in messages
    assert "status: completed" in messages


async def test_wait_with_no_time_reads_the_state(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path) as client:
        task_id = data(await client.call_tool("create_task", FOX))["task_id"]
        state = data(await client.call_tool("wait_task", {"task_id": task_id, "timeout_s": 0}))
    assert state["status"] == "pending"
    assert state["finished"] is False


async def test_spending_limit_refuses_and_sends_nothing(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path, limit="0.50") as client:
        data(await client.call_tool("create_task", FOX))
        refused = await client.call_tool("create_task", FOX)
        listed = data(await client.call_tool("list_tasks", {}))
    assert refused.is_error
    assert "Not sent" in text(refused)
    assert "spending limit" in text(refused)
    assert creates(fake) == 1
    assert len(fake.created_tasks) == 1
    assert listed["spent_usd"] == "0.32"
    assert listed["spend_limit_usd"] == "0.5"


async def test_servers_on_one_store_share_one_limit(tmp_path: Path) -> None:
    config = ServerConfig(
        spend_limit_usd=Decimal("0.50"),
        spend_store=f"sqlite:///{tmp_path}/store.sqlite",
        spend_limit_name="agents",
        output_dir=tmp_path / "downloads",
    )
    assert "store.sqlite" not in repr(config)
    with FakePiAPIServer(FakePiAPI(clock=FakeClock())) as fake_server:
        url = fake_server.url
        async with (
            open_client(config, api_key="test", base_url=url) as first,
            open_client(config, api_key="test", base_url=url) as second,
            Client(build_server(first, config)) as one,
            Client(build_server(second, config)) as other,
        ):
            data(await one.call_tool("create_task", FOX))
            refused = await other.call_tool("create_task", FOX)  # its own total is $0
        assert refused.is_error
        assert "Not sent" in text(refused)
        assert "budget 'agents'" in text(refused)
        assert len(fake_server.fake.created_tasks) == 1


async def test_unknown_price_refused_unless_allowed(fake: FakePiAPI, tmp_path: Path) -> None:
    luma = {"model": "luma", "task_type": "video_generation", "input": {"prompt": "a cat"}}
    async with connected(fake, tmp_path) as client:
        refused = await client.call_tool("create_task", luma)
    assert refused.is_error
    assert "--allow-unknown-price" in text(refused)
    async with connected(fake, tmp_path, allow_unknown_price=True) as client:
        needs_max = await client.call_tool("create_task", luma)
        created = data(await client.call_tool("create_task", {**luma, "max_cost_usd": 1}))
        too_dear = await client.call_tool("create_task", {**luma, "max_cost_usd": 5.5})
    assert needs_max.is_error
    assert "max_cost_usd" in text(needs_max)
    assert created["status"] == "pending"
    assert too_dear.is_error  # over the $5 limit
    assert creates(fake) == 1


async def test_confirm_flow(fake: FakePiAPI, tmp_path: Path) -> None:
    dear = {**SORA, "input": {"prompt": "A long fox", "duration": 12}}  # $0.96
    async with connected(fake, tmp_path, confirm_above_usd=Decimal("0.50")) as client:
        cheap = data(await client.call_tool("create_task", FOX))
        asked = data(await client.call_tool("create_task", dear))
        assert creates(fake) == 1  # asking sent nothing
        confirmed = data(await client.call_tool("create_task", {**dear, "confirm": True}))
    assert cheap["status"] == "pending"
    assert asked["status"] == "confirmation_required"
    assert asked["created"] is False
    assert asked["estimate_usd"] == "0.96"
    assert "confirm: true" in asked["message"]
    assert confirmed["status"] == "pending"
    assert creates(fake) == 2


@pytest.mark.parametrize(("action", "created"), [("accept", True), ("decline", False)])
async def test_confirm_by_elicitation(
    fake: FakePiAPI, tmp_path: Path, action: str, created: bool
) -> None:
    asked: list[str] = []

    async def answer(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        content = {"confirm": True} if action == "accept" else None
        return ElicitResult(action=action, content=content)  # type: ignore[arg-type]

    dear = {**SORA, "input": {"prompt": "A long fox", "duration": 12}}
    async with connected(
        fake,
        tmp_path,
        confirm_above_usd=Decimal("0.50"),
        elicitation_callback=answer,
        mode="legacy",  # the handshake-era protocol: the server asks mid-call
    ) as client:
        result = data(await client.call_tool("create_task", dear))
    assert asked
    assert "$0.96" in asked[0]
    assert (result["status"] == "pending") is created
    assert creates(fake) == int(created)


async def test_a_lost_create_answer_is_never_resent(fake: FakePiAPI, tmp_path: Path) -> None:
    fake.faults.add(Fault.drop_after(), endpoint="create", times=1)
    async with connected(fake, tmp_path) as client:
        lost = await client.call_tool("create_task", FOX)
        assert creates(fake) == 1
        listed = data(await client.call_tool("list_tasks", {}))
        again = data(await client.call_tool("create_task", FOX))
        assert creates(fake) == 1  # the same request asks first
        resent = data(await client.call_tool("create_task", {**FOX, "confirm": True}))
    assert lost.is_error
    message = text(lost)
    assert "may exist" in message
    assert "NOT resent" in message
    assert "list_tasks" in message
    assert len(fake.created_tasks) == 2  # the lost one did exist; the second only on confirm
    assert listed["lost_creates"][0]["model"] == "sora2"
    assert listed["spent_usd"] == "0.32"  # the estimate stays counted
    assert again["status"] == "confirmation_required"
    assert "may exist" in again["message"]
    assert resent["status"] == "pending"


async def test_bad_input_is_a_clear_tool_error_and_costs_nothing(
    fake: FakePiAPI, tmp_path: Path
) -> None:
    bad = {**SORA, "input": {"prompt": "A fox", "duration": 5}}
    async with connected(fake, tmp_path) as client:
        created = await client.call_tool("create_task", bad)
        estimated = await client.call_tool("estimate_cost", bad)
        listed = data(await client.call_tool("list_tasks", {}))
    for result in (created, estimated):
        assert result.is_error
        assert "duration must be one of 4, 8, 12" in text(result)
        assert "nothing was sent" in text(result)
    assert fake.requests == []
    assert listed["spent_usd"] == "0"


async def test_download_task_writes_the_file(fake: FakePiAPI, tmp_path: Path) -> None:
    async with connected(fake, tmp_path) as client:
        task_id = data(await client.call_tool("create_task", FOX))["task_id"]
        early = await client.call_tool("download_task", {"task_id": task_id})
        fake.complete(task_id)
        result = await client.call_tool("download_task", {"task_id": task_id})
    assert early.is_error
    assert "not completed" in text(early)
    paths = [Path(path) for path in data(result)["paths"]]
    assert len(paths) == 1
    assert paths[0].parent == tmp_path / "downloads"
    assert paths[0].suffix == ".mp4"
    assert paths[0].stat().st_size > 0
    assert [block.type for block in result.content] == ["text", "resource_link"]


async def test_small_images_come_inline(fake: FakePiAPI, tmp_path: Path) -> None:
    image = {"model": "gemini", "task_type": "nano-banana-pro", "input": {"prompt": "a cat"}}
    async with connected(fake, tmp_path, allow_unknown_price=True) as client:
        task_id = data(await client.call_tool("create_task", {**image, "max_cost_usd": 0.5}))[
            "task_id"
        ]
        fake.complete(task_id)
        result = await client.call_tool("download_task", {"task_id": task_id})
    assert not result.is_error, text(result)
    kinds = [block.type for block in result.content]
    assert kinds[0] == "text"
    assert "image" in kinds


async def test_cancel_and_account_and_upload(fake: FakePiAPI, tmp_path: Path) -> None:
    frame = tmp_path / "frame.png"
    frame.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    kling = {"model": "kling", "task_type": "video_generation", "input": {"prompt": "boat"}}
    async with connected(fake, tmp_path) as client:
        task_id = data(await client.call_tool("create_task", kling))["task_id"]
        cancelled = data(await client.call_tool("cancel_task", {"task_id": task_id}))
        account = data(await client.call_tool("account_info", {}))
        uploaded = data(await client.call_tool("upload_file", {"path": str(frame)}))
        relative = await client.call_tool("upload_file", {"path": "frame.png"})
        missing = await client.call_tool("get_task", {"task_id": "no-such-task"})
    assert cancelled["status"] == "cancelled"
    assert account["server_spent_usd"] is not None
    assert account["server_spend_limit_usd"] == "5"
    assert uploaded["url"].startswith("http")
    assert relative.is_error
    assert "absolute path" in text(relative)
    assert missing.is_error
