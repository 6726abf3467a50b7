"""Fixtures of the MCP server's tests: a fake PiAPI on a fake clock, the server in process."""

from __future__ import annotations

import pytest

from piapi.testing import FakeClock, FakePiAPI


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the MCP SDK's transports; the SDK client itself runs on both


@pytest.fixture
def fake() -> FakePiAPI:
    return FakePiAPI(clock=FakeClock(), queue_delay=1.0, task_duration=10.0)
