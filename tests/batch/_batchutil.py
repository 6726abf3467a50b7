"""`Runner`: `client.tasks.run_many` on the sync client, or the async one on asyncio or trio,
against a fake PiAPI in process whose clock the clients' sleeps advance (no real waiting)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import anyio
import anyio.lowlevel

from piapi import AsyncPiAPIClient, BatchItem, PiAPIClient, Sora2VideoInput
from piapi.testing import FakeClock, FakePiAPI


def clips(count: int, **fields: Any) -> list[Sora2VideoInput]:
    """`count` Sora 2 requests with the prompts "clip 0", "clip 1", ..."""
    return [Sora2VideoInput(prompt=f"clip {n}", **fields) for n in range(count)]


class Runner:
    """The same `run_many` call on one of the three clients: "sync", "asyncio" or "trio"."""

    def __init__(
        self, mode: str, fake: FakePiAPI, *, server_url: str | None = None, **options: Any
    ) -> None:
        self.mode = mode
        self.fake = fake
        self.server_url = server_url
        self.options = {"api_key": "test", **options}
        self.client = self._client()

    def _client(self) -> PiAPIClient | AsyncPiAPIClient:
        """A client on the fake in process, or over sockets when `server_url` is given."""
        clock = self.fake.clock
        assert isinstance(clock, FakeClock)
        client: PiAPIClient | AsyncPiAPIClient
        if self.mode == "sync":
            http = None if self.server_url else self.fake.client()
            client = PiAPIClient(http_client=http, base_url=self.server_url, **self.options)
            client._sleep = clock.sleep
        else:

            async def advance(seconds: float) -> None:
                clock.advance(seconds)
                await anyio.lowlevel.checkpoint()

            http_async = None if self.server_url else self.fake.async_client()
            client = AsyncPiAPIClient(
                http_client=http_async, base_url=self.server_url, **self.options
            )
            client._sleep = advance
        client._now = clock.monotonic
        return client

    def run_many(self, requests: Iterable[Any], **options: Any) -> list[BatchItem]:
        """`client.tasks.run_many(requests, **options)`, on this runner's client."""
        if isinstance(self.client, PiAPIClient):
            return self.client.tasks.run_many(requests, **options)
        if not self.server_url:
            in_process = self.client

            async def call_in_process() -> list[BatchItem]:
                return await in_process.tasks.run_many(requests, **options)

            return anyio.run(call_in_process, backend=self.mode)
        # Over sockets, a client per event loop: its connections belong to the loop.
        client = self._client()

        async def call() -> list[BatchItem]:
            assert isinstance(client, AsyncPiAPIClient)
            async with client:
                return await client.tasks.run_many(requests, **options)

        return anyio.run(call, backend=self.mode)

    def run_async(self, function: Callable[[AsyncPiAPIClient], Any]) -> Any:
        """Run `function(client)` on this runner's backend (async modes only)."""
        assert isinstance(self.client, AsyncPiAPIClient)
        client = self.client

        async def call() -> Any:
            return await function(client)

        return anyio.run(call, backend=self.mode)

    def close(self) -> None:
        if isinstance(self.client, PiAPIClient):
            self.client.close()
            self.client._sender.http.close()
        elif not self.server_url:
            anyio.run(self.client._sender.http.aclose, backend=self.mode)


@contextlib.contextmanager
def running(mode: str, fake: FakePiAPI) -> Iterator[Runner]:
    """A `Runner` on `fake`, closed on leaving (the `runner` fixtures)."""
    runner = Runner(mode, fake)
    try:
        yield runner
    finally:
        runner.close()


def fake_on_a_fake_clock() -> FakePiAPI:
    """The batch tests' fake: tasks queue 1 s and run 10 s of a clock the sleeps advance."""
    return FakePiAPI(clock=FakeClock(), queue_delay=1.0, task_duration=10.0)
