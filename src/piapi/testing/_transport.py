"""`FakeTransport`: an httpx sync+async transport that answers from a `FakePiAPI`, no sockets.

Fault effects become the exceptions httpx's real transports raise, so the SDK's
retry logic meets the same errors it would meet on the network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Protocol

import anyio
import httpx

from piapi.testing._clock import Clock, FakeClock
from piapi.testing._response import BodyCut, FakeResponse, sent_body

__all__ = ["Answerer", "FakeTransport"]


class Answerer(Protocol):
    """What a transport needs of the fake (a `FakePiAPI`): its answers and its clock."""

    @property
    def clock(self) -> Clock: ...

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> FakeResponse: ...


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that may stop after `cut_at` bytes, like a dropped download."""

    def __init__(self, response: FakeResponse) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from sent_body(self._response)
        except BodyCut:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body"
            ) from None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Route httpx requests for any host to `fake.handle`; usable by Client and AsyncClient."""

    def __init__(self, fake: Answerer) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response, delay = self._answer(request, request.read())
        if delay:
            self.fake.clock.sleep(delay)
        return self._finish(request, response)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer an `httpx.AsyncClient` request from the fake."""
        response, delay = self._answer(request, await request.aread())
        if delay:
            if isinstance(self.fake.clock, FakeClock):
                self.fake.clock.advance(delay)
            else:
                await anyio.sleep(delay)
        return self._finish(request, response)

    def _answer(self, request: httpx.Request, body: bytes) -> tuple[FakeResponse, float]:
        """The fake's answer, and how long to wait for it: its delay, cut at the read
        timeout (`_finish` then raises the timeout)."""
        response = self.fake.handle(request.method, str(request.url), request.headers, body)
        if response.drop == "before":
            raise httpx.ConnectError("[fake] connection refused", request=request)
        timeout = _read_timeout(request)
        return response, response.delay if timeout is None else min(response.delay, timeout)

    def _finish(self, request: httpx.Request, response: FakeResponse) -> httpx.Response:
        timeout = _read_timeout(request)
        if response.delay and timeout is not None and response.delay > timeout:
            raise httpx.ReadTimeout("[fake] read timed out", request=request)
        if response.drop == "after":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        whole = response.chunks is None and response.cut_at is None
        return httpx.Response(
            response.status,
            headers=response.headers,
            content=response.body if whole else None,
            stream=None if whole else _Body(response),
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )


def _read_timeout(request: httpx.Request) -> float | None:
    timeouts: Any = request.extensions.get("timeout") or {}
    value: Any = timeouts.get("read")
    return float(value) if isinstance(value, (int, float)) else None
