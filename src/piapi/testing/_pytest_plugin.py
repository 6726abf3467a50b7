"""Pytest fixtures for code that uses piapi, loaded automatically once piapi-sdk is installed.

- `piapi_fake`: a fresh `FakePiAPI` on a `FakeClock` (queue 1 s, processing 10 s, key "test").
- `piapi_client` / `piapi_async_client`: SDK clients wired to `piapi_fake` in process (no
  sockets) whose sleeps advance the fake clock, so `wait()` finishes instantly in real time.
- `piapi_server`: a running `FakePiAPIServer` on 127.0.0.1 in real time with fast tasks
  (pending 0.05 s, processing 0.2 s); give `piapi_server.url` to the SDK as `base_url`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from piapi.testing._clock import FakeClock
from piapi.testing._fake import FakePiAPI
from piapi.testing._server import FakePiAPIServer

if TYPE_CHECKING:
    from piapi import AsyncPiAPIClient, PiAPIClient

__all__ = ["piapi_async_client", "piapi_client", "piapi_fake", "piapi_server"]


@pytest.fixture
def piapi_fake() -> FakePiAPI:
    """A fresh in-memory PiAPI on a `FakeClock`: drive it with `piapi_fake.clock.advance(s)`."""
    return FakePiAPI(clock=FakeClock())


@pytest.fixture
def piapi_client(piapi_fake: FakePiAPI) -> Iterator[PiAPIClient]:
    """A `piapi.PiAPIClient` talking to `piapi_fake` in process; its sleeps advance the clock."""
    from piapi import PiAPIClient

    http = piapi_fake.client()
    client = PiAPIClient(api_key=piapi_fake.api_key or "test", http_client=http)
    clock = piapi_fake.clock
    if isinstance(clock, FakeClock):
        # The SDK reads time only through these two hooks; fake time makes waits instant.
        client._sleep = clock.sleep  # pyright: ignore[reportPrivateUsage]
        client._now = clock.monotonic  # pyright: ignore[reportPrivateUsage]
    try:
        yield client
    finally:
        client.close()
        http.close()


@pytest.fixture
def piapi_async_client(piapi_fake: FakePiAPI) -> AsyncPiAPIClient:
    """A `piapi.AsyncPiAPIClient` talking to `piapi_fake` in process (asyncio or trio).

    Its in-process transport holds no sockets, so the fixture needs no async teardown.
    """
    from piapi import AsyncPiAPIClient

    client = AsyncPiAPIClient(
        api_key=piapi_fake.api_key or "test", http_client=piapi_fake.async_client()
    )
    clock = piapi_fake.clock
    if isinstance(clock, FakeClock):

        async def fake_sleep(seconds: float) -> None:
            clock.advance(seconds)

        client._sleep = fake_sleep  # pyright: ignore[reportPrivateUsage]
        client._now = clock.monotonic  # pyright: ignore[reportPrivateUsage]
    return client


@pytest.fixture
def piapi_server() -> Iterator[FakePiAPIServer]:
    """A `FakePiAPIServer` on a free loopback port, real time, tasks done in ~0.25 s."""
    with FakePiAPIServer(FakePiAPI(queue_delay=0.05, task_duration=0.2)) as server:
        yield server
