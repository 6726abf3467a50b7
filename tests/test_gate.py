"""The gate: never more API requests in flight than the pool has connections, no deadlock.

A counting transport (httpx's own, with a pool of `limit` connections it never opens)
holds every send until the test releases it, so the number in flight is visible.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from _support import API_KEY, TASK_ID, task_envelope
from piapi import APITimeoutError, AsyncPiAPIClient, PiAPIClient, Task, TaskStatus
from piapi._async._backend import Gate as AsyncGate
from piapi._core.pools import DEFAULT_POOL_LIMIT, gate_of, pool_limit
from piapi._sync._backend import Gate
from piapi.testing import FakePiAPIServer

BOUND = 20.0  # seconds: generous, only reached if something is stuck
URL = "https://api.piapi.ai"


class Counter:
    """Concurrent sends seen by a transport: now and at most."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.sent = 0
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.sent += 1
            self.peak = max(self.peak, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


def answer() -> httpx.Response:
    return httpx.Response(200, json=task_envelope("processing"))


class HoldingTransport(httpx.HTTPTransport):
    """Sync: counts sends and holds each one until `release` is set."""

    def __init__(self, limit: int) -> None:
        super().__init__(limits=httpx.Limits(max_connections=limit))
        self.count = Counter()
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count.enter()
        try:
            assert self.release.wait(BOUND), "the test never released the transport"
        finally:
            self.count.leave()
        return answer()


class AsyncHoldingTransport(httpx.AsyncHTTPTransport):
    """Async: counts sends and holds each one until `release` (made in the running loop)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limits=httpx.Limits(max_connections=limit))
        self.count = Counter()
        self.release: anyio.Event | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count.enter()
        try:
            while self.release is None:  # noqa: ASYNC110 - the test makes it in its own loop
                await anyio.sleep(0.001)
            await self.release.wait()
        finally:
            self.count.leave()
        return answer()


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, "state not reached"
        time.sleep(0.001)


async def async_wait_until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(BOUND):
        while not condition():  # noqa: ASYNC110 - a state of the gate, not an event
            await anyio.sleep(0.001)


def sync_client(limit: int, **options: Any) -> tuple[PiAPIClient, HoldingTransport]:
    transport = HoldingTransport(limit)
    client = PiAPIClient(api_key=API_KEY, http_client=httpx.Client(transport=transport), **options)
    return client, transport


def async_client(limit: int, **options: Any) -> tuple[AsyncPiAPIClient, AsyncHoldingTransport]:
    transport = AsyncHoldingTransport(limit)
    http = httpx.AsyncClient(transport=transport)
    return AsyncPiAPIClient(api_key=API_KEY, http_client=http, **options), transport


def run_sync_burst(clients: list[PiAPIClient], transport: HoldingTransport, limit: int) -> None:
    """10 gets from threads over `clients`; check the bound while they are all queued."""
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda c=c: results.append(c.tasks.get(TASK_ID)))
        for index in range(10)
        for c in [clients[index % len(clients)]]
    ]
    for thread in threads:
        thread.start()
    gate = clients[0]._sender.gate
    wait_until(lambda: transport.count.in_flight == limit and gate.waiting == 10 - limit)
    assert transport.count.peak == limit
    transport.release.set()
    for thread in threads:
        thread.join(BOUND)
    assert len(results) == 10
    assert transport.count.peak == limit
    assert gate.in_use == 0


async def run_async_burst(
    clients: list[AsyncPiAPIClient], transport: AsyncHoldingTransport, limit: int
) -> None:
    transport.release = anyio.Event()
    results: list[object] = []

    async def get(client: AsyncPiAPIClient) -> None:
        results.append(await client.tasks.get(TASK_ID))

    gate = clients[0]._sender.gate
    async with anyio.create_task_group() as group:
        for index in range(10):
            group.start_soon(get, clients[index % len(clients)])
        await async_wait_until(
            lambda: transport.count.in_flight == limit and gate.waiting == 10 - limit
        )
        assert transport.count.peak == limit
        transport.release.set()
    assert len(results) == 10
    assert transport.count.peak == limit
    assert gate.in_use == 0
    transport.release = None


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_no_more_requests_in_flight_than_the_pool_has_connections(mode: str) -> None:
    if mode == "sync":
        client, transport = sync_client(3)
        assert client._sender.gate.limit == 3
        run_sync_burst([client], transport, 3)
    else:
        aclient, atransport = async_client(3)
        assert aclient._sender.gate.limit == 3
        anyio.run(run_async_burst, [aclient], atransport, 3, backend=mode)


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_with_options_copies_share_the_gate_and_its_bound(mode: str) -> None:
    if mode == "sync":
        client, transport = sync_client(2)
        copy = client.with_options(timeout=5.0, max_retries=0)
        assert copy._sender.gate is client._sender.gate
        run_sync_burst([client, copy], transport, 2)
        copy.close()  # a copy does not close the shared pool, nor break the gate
        run_sync_burst([client], rearmed(transport), 2)
    else:
        aclient, atransport = async_client(2)
        acopy = aclient.with_options(timeout=5.0)
        assert acopy._sender.gate is aclient._sender.gate
        anyio.run(run_async_burst, [aclient, acopy], atransport, 2, backend=mode)


def rearmed(transport: HoldingTransport) -> HoldingTransport:
    """The same transport, ready to hold another burst."""
    transport.release.clear()
    transport.count.peak = 0
    return transport


def test_two_clients_on_one_http_client_share_its_gate() -> None:
    http = httpx.Client(transport=HoldingTransport(4))
    first = PiAPIClient(api_key=API_KEY, http_client=http)
    second = PiAPIClient(api_key=API_KEY, http_client=http)
    assert first._sender.gate is second._sender.gate is gate_of(http, URL, Gate)
    assert first._sender.gate.limit == 4


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_cancelled_waiter_gives_up_its_place_and_leaks_nothing(backend: str) -> None:
    client, transport = async_client(1)
    gate = client._sender.gate

    async def main() -> None:
        transport.release = anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(client.tasks.get, TASK_ID)  # holds the only slot
            await async_wait_until(lambda: transport.count.in_flight == 1)
            with anyio.CancelScope() as waiting:
                group.start_soon(cancel_when_queued, waiting)
                await client.tasks.get(TASK_ID)  # queued at the gate, then cancelled
            assert waiting.cancelled_caught
            assert gate.waiting == 0
            transport.release.set()
        assert gate.in_use == 0
        # The slot is whole again: a new request gets it at once.
        await client.tasks.get(TASK_ID)
        assert transport.count.peak == 1
        assert transport.count.sent == 2  # the cancelled request never reached the transport

    async def cancel_when_queued(scope: anyio.CancelScope) -> None:
        await async_wait_until(lambda: gate.waiting == 1)
        scope.cancel()

    anyio.run(main, backend=backend)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("first", ["cancel", "release"])
def test_a_waiter_cancelled_as_it_is_handed_a_slot_passes_it_on(backend: str, first: str) -> None:
    """Cancel B and hand it A's slot in one step, in either order: C gets the slot."""
    gate = AsyncGate(1)
    order: list[str] = []

    async def main() -> None:
        await gate.acquire(None)  # "A" holds the only slot
        scope_b = anyio.CancelScope()

        async def waiter_b() -> None:
            with scope_b:
                async with gate.slot(None):
                    await anyio.lowlevel.checkpoint()  # a send would be the first checkpoint
                    order.append("B used a slot")
            order.append("B cancelled")

        async def waiter_c() -> None:
            async with gate.slot(None):
                order.append("C got a slot")

        async with anyio.create_task_group() as group:
            group.start_soon(waiter_b)
            await async_wait_until(lambda: gate.waiting == 1)
            group.start_soon(waiter_c)
            await async_wait_until(lambda: gate.waiting == 2)
            # No checkpoint between the two: B cannot run in between.
            if first == "cancel":
                scope_b.cancel()
                gate.release()  # hands the slot to B, which is already cancelled
            else:
                gate.release()
                scope_b.cancel()
        assert order == ["B cancelled", "C got a slot"]
        assert gate.in_use == 0
        assert gate.waiting == 0

    anyio.run(main, backend=backend)


def test_a_sync_request_that_waits_past_the_pool_timeout_fails_as_not_sent() -> None:
    client, transport = sync_client(1, max_retries=0, timeout=httpx.Timeout(5.0, pool=0.05))
    holder = threading.Thread(target=client.tasks.get, args=(TASK_ID,))
    holder.start()
    wait_until(lambda: transport.count.in_flight == 1)
    with pytest.raises(APITimeoutError) as caught:
        client.tasks.get(TASK_ID)
    assert not caught.value.task_may_exist  # waiting for the pool sends nothing
    assert client._sender.gate.waiting == 0
    transport.release.set()
    holder.join(BOUND)
    assert client.tasks.get(TASK_ID).task_id == TASK_ID  # the slot came back
    assert transport.count.peak == 1
    assert client._sender.gate.in_use == 0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_an_async_request_that_waits_past_the_pool_timeout_fails_as_not_sent(
    backend: str,
) -> None:
    client, transport = async_client(1, max_retries=0, timeout=httpx.Timeout(5.0, pool=0.05))

    async def main() -> None:
        transport.release = anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(client.tasks.get, TASK_ID)
            await async_wait_until(lambda: transport.count.in_flight == 1)
            with pytest.raises(APITimeoutError) as caught:
                await client.tasks.get(TASK_ID)
            assert not caught.value.task_may_exist
            assert client._sender.gate.waiting == 0
            transport.release.set()
        assert client._sender.gate.in_use == 0

    anyio.run(main, backend=backend)


def test_one_client_serves_one_event_loop_after_another() -> None:
    """The gate binds to no loop: bursts on asyncio, trio, asyncio again, one cancelled."""
    client, transport = async_client(2)

    async def cancelled_burst() -> None:
        transport.release = anyio.Event()
        with anyio.move_on_after(BOUND) as scope:
            async with anyio.create_task_group() as group:
                for _ in range(6):
                    group.start_soon(client.tasks.get, TASK_ID)
                await async_wait_until(lambda: client._sender.gate.waiting == 4)
                scope.cancel()  # 2 sends in flight and 4 waiters torn down at once
        transport.release = None

    for backend in ["asyncio", "trio", "asyncio"]:
        anyio.run(run_async_burst, [client], transport, 2, backend=backend)
        anyio.run(cancelled_burst, backend=backend)
        assert client._sender.gate.in_use == 0
        assert client._sender.gate.waiting == 0
        transport.count.peak = 0
    anyio.run(run_async_burst, [client], transport, 2, backend="trio")


# --- real sockets: a caller's own pool, shared with the caller's own requests ---------------


def poll_to_completion(server: FakePiAPIServer, http: httpx.Client, count: int) -> list[str]:
    # httpcore's sync pool can also close a connection under a GET already sent: on Linux
    # that GET then hangs until its read timeout (encode/httpcore#1110). With the client's
    # 60 s default that is the whole BOUND, and the wait ended "processing" in 2 of 20 runs
    # under load. A short timeout ends such a GET and the wait polls again; a deadlock would
    # still fail every poll until BOUND.
    client = PiAPIClient(api_key="test", base_url=server.url, http_client=http, timeout=3.0)
    assert client._sender.gate.limit == 2
    statuses: list[str] = []
    # The creates go first, through a pool of their own: httpcore's sync pool can close a
    # connection it handed to a queued request (encode/httpcore#1110), and a create cut
    # that way is never sent again (it may exist), so it would fail the count for a reason
    # that is not this test's. Waits resend their GETs; the caller's own requests retry.
    with PiAPIClient(api_key="test", base_url=server.url) as creator:
        tasks = [creator.sora2.create(prompt=f"gate {index}") for index in range(count)]

    def one(task: Task[Any, Any]) -> None:
        done = client.tasks.wait(task, poll_interval=0.01, timeout=BOUND)
        statuses.append(done.status.value)

    def caller_get() -> httpx.Response:
        url = f"{server.url}/api/v1/task/nope"
        try:
            return http.get(url)
        except httpx.TransportError:  # the same pool race: the caller tries again
            return http.get(url)

    def caller_own_requests() -> None:  # the caller uses the same pool directly meanwhile
        for _ in range(20):
            assert caller_get().status_code in (401, 404)

    threads = [threading.Thread(target=one, args=(task,)) for task in tasks]
    threads.append(threading.Thread(target=caller_own_requests))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BOUND * 2)
    assert not any(thread.is_alive() for thread in threads), "deadlocked"
    return statuses


def test_a_callers_small_pool_shared_with_its_own_requests_never_deadlocks_sync(
    piapi_server: FakePiAPIServer,
) -> None:
    # httpx's 5 s default timeout is about speed, not deadlocks: a busy machine can pass it.
    with httpx.Client(limits=httpx.Limits(max_connections=2), timeout=BOUND) as http:
        statuses = poll_to_completion(piapi_server, http, 12)
    assert statuses == [TaskStatus.COMPLETED.value] * 12


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_callers_small_pool_shared_with_its_own_requests_never_deadlocks_async(
    piapi_server: FakePiAPIServer, backend: str
) -> None:
    async def main() -> list[str]:
        statuses: list[str] = []
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=2), timeout=BOUND) as http:
            client = AsyncPiAPIClient(api_key="test", base_url=piapi_server.url, http_client=http)
            assert client._sender.gate.limit == 2

            async def one(index: int) -> None:
                task = await client.sora2.create(prompt=f"gate {index}")
                done = await client.tasks.wait(task, poll_interval=0.01, timeout=BOUND)
                statuses.append(done.status.value)

            async def caller_own_requests() -> None:
                for _ in range(20):
                    response = await http.get(f"{piapi_server.url}/api/v1/task/nope")
                    assert response.status_code in (401, 404)

            with anyio.fail_after(BOUND * 2):
                async with anyio.create_task_group() as group:
                    for index in range(12):
                        group.start_soon(one, index)
                    group.start_soon(caller_own_requests)
        return statuses

    assert anyio.run(main, backend=backend) == [TaskStatus.COMPLETED.value] * 12


# --- sizing ------------------------------------------------------------------------------


def _proxied(limit: int) -> httpx.Client:
    return httpx.Client(proxy="http://127.0.0.1:9", limits=httpx.Limits(max_connections=limit))


def _mounted(limit: int) -> httpx.Client:
    pool = httpx.HTTPTransport(limits=httpx.Limits(max_connections=limit))
    return httpx.Client(mounts={URL: pool})


SIZES: list[tuple[str, Callable[[], httpx.Client | httpx.AsyncClient], int]] = [
    ("httpx default", httpx.Client, 100),
    ("async default", httpx.AsyncClient, 100),
    ("limits", lambda: httpx.Client(limits=httpx.Limits(max_connections=7)), 7),
    ("async limits", lambda: httpx.AsyncClient(limits=httpx.Limits(max_connections=3)), 3),
    ("unlimited", lambda: httpx.Client(limits=httpx.Limits(max_connections=None)), sys.maxsize),
    ("proxy", lambda: _proxied(5), 5),
    ("mount for the API", lambda: _mounted(9), 9),
    ("mock transport", lambda: httpx.Client(transport=httpx.MockTransport(answer_any)), 100),
    ("caller's wrapper", lambda: httpx.Client(transport=Wrapper()), DEFAULT_POOL_LIMIT),
]


def answer_any(request: httpx.Request) -> httpx.Response:
    return answer()


class Wrapper(httpx.BaseTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return answer()


@pytest.mark.parametrize(
    ("make", "expected"), [(m, e) for _, m, e in SIZES], ids=[s[0] for s in SIZES]
)
def test_gate_size_is_read_from_the_pool(
    make: Callable[[], httpx.Client | httpx.AsyncClient], expected: int
) -> None:
    http = make()
    assert pool_limit(http, URL) == expected


def test_own_pool_gives_the_default_size() -> None:
    with PiAPIClient(api_key=API_KEY) as client:
        assert client._sender.gate.limit == DEFAULT_POOL_LIMIT == 100


def test_waiting_at_the_gate_is_not_bound_to_an_event_loop() -> None:
    # A gate made outside any loop is used on asyncio then trio, with waiters each time.
    gate = AsyncGate(1)

    async def contended() -> None:
        await gate.acquire(None)
        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(use_once)
            await async_wait_until(lambda: gate.waiting == 3)
            gate.release()
        assert gate.in_use == 0

    async def use_once() -> None:
        async with gate.slot(None):
            await anyio.lowlevel.checkpoint()

    for backend in ["asyncio", "trio", "asyncio", "trio"]:
        anyio.run(contended, backend=backend)
