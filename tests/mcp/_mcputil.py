"""Helpers of the MCP server's tests: the server in process over the official MCP client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.types import CallToolResult

from piapi import AsyncPiAPIClient
from piapi.mcp._config import ServerConfig
from piapi.mcp._server import build_server
from piapi.testing import FakeClock, FakePiAPI


def fake_client(fake: FakePiAPI, limit: Any = 5) -> AsyncPiAPIClient:
    """An async client on `fake` whose waits advance the fake clock (instant, exact)."""
    client = AsyncPiAPIClient(
        api_key=fake.api_key or "test", http_client=fake.async_client(), spend_limit_usd=limit
    )
    clock = fake.clock
    assert isinstance(clock, FakeClock)

    async def advance(seconds: float) -> None:
        clock.advance(seconds)

    client._sleep = advance  # pyright: ignore[reportPrivateUsage]
    client._now = clock.monotonic  # pyright: ignore[reportPrivateUsage]
    return client


@asynccontextmanager
async def connected(
    fake: FakePiAPI,
    tmp_path: Path,
    *,
    limit: Any = 5,
    elicitation_callback: Any = None,
    mode: Any = "auto",
    **config: Any,
) -> AsyncIterator[Client]:
    """The official MCP client connected in process to a server on `fake`."""
    client = fake_client(fake, limit)
    settings = ServerConfig(
        spend_limit_usd=client.spend_limit_usd or Decimal(0),
        output_dir=tmp_path / "downloads",
        **config,
    )
    server = build_server(client, settings)
    async with Client(server, elicitation_callback=elicitation_callback, mode=mode) as mcp_client:
        yield mcp_client


def data(result: CallToolResult) -> dict[str, Any]:
    """A successful tool result's structured content (and the same in its text)."""
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    assert json.loads(text(result)) == result.structured_content
    return result.structured_content


def text(result: CallToolResult) -> str:
    """The first text block of a tool result."""
    first = result.content[0]
    assert first.type == "text"
    return first.text


def creates(fake: FakePiAPI) -> int:
    """How many create requests reached the fake (faulted ones included)."""
    return sum(1 for request in fake.requests if request.endpoint == "create")
