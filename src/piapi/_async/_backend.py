"""What the async shells need that token renaming cannot turn into sync code: the pool's
gate, a client's lifetime (cancel scopes that closing cancels), worker threads for the
disk, callbacks that may be coroutines, and the workers of a batch (a task group).

`piapi._sync._backend` has the same names for threads; the shells import one or the other.
Runs on asyncio and trio through anyio, imported only when first needed.
"""

from __future__ import annotations

import inspect
import math
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, aclosing, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from piapi._core.deadline import NO_SCOPE, NoScope
from piapi._core.pools import POOL_TIMEOUT_MESSAGE, ssl_context
from piapi._core.protocol import closed_error

if TYPE_CHECKING:
    import anyio

T = TypeVar("T")


def own_pool(timeout: float | httpx.Timeout | None) -> tuple[httpx.AsyncClient, bool]:
    """The pool a client builds when it is given none, and whether its sockets must keep
    each call's deadline (never: a cancel scope ends the call)."""
    return httpx.AsyncClient(timeout=timeout, verify=ssl_context()), False


async def to_thread(function: Callable[..., T], *args: Any) -> T:
    """Run blocking disk work in a worker thread, so the event loop never waits for it."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(function, *args)


def body_chunks(response: httpx.Response) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
    """`async with body_chunks(response) as chunks:` the body's chunks, closed on the way
    out (a body abandoned midway must not be left to the garbage collector: trio)."""
    return aclosing(cast("AsyncGenerator[bytes, None]", response.aiter_bytes()))


def check_callback(callback: Callable[..., object] | None, name: str = "on_update") -> None:
    """An async client calls plain functions and awaits coroutine functions: both are fine."""


async def call_back(callback: Callable[..., object], *args: Any) -> None:
    """Call a caller's callback, awaiting it if it returns an awaitable."""
    result = callback(*args)
    if inspect.isawaitable(result):
        await result


class Lifetime:
    """Whether a client (and its copies) is closed, and the cancel scopes of the calls in
    progress, which closing cancels."""

    __slots__ = ("_closed", "_scopes")

    def __init__(self, watch_sockets: bool = False) -> None:
        self._closed = False
        self._scopes: set[anyio.CancelScope] = set()

    @property
    def closed(self) -> bool:
        """Whether the client was closed."""
        return self._closed

    def close(self) -> None:
        """Mark the client closed and cancel every call in progress."""
        self._closed = True
        for scope in list(self._scopes):
            scope.cancel()

    def deadline(
        self, seconds: float | None
    ) -> AbstractContextManager[anyio.CancelScope] | NoScope:
        """`scope(seconds)` for a request with a deadline; none without one (a close ends
        such a request by closing the pool), as a cancel scope costs each request."""
        return NO_SCOPE if seconds is None else self.scope(seconds)

    @contextmanager
    def scope(self, seconds: float | None) -> Generator[anyio.CancelScope, None, None]:
        """`with lifetime.scope(seconds) as scope:` a cancel scope ending after `seconds`
        (None: no limit) or when the client closes; `scope.cancelled_caught` says if it did."""
        import anyio

        deadline = math.inf if seconds is None else anyio.current_time() + seconds
        with anyio.CancelScope(deadline=deadline) as scope:
            if self._closed:
                scope.cancel()
            self._scopes.add(scope)
            try:
                yield scope
            finally:
                self._scopes.discard(scope)

    async def sleep(self, seconds: float) -> None:
        """Sleep; a close ends the sleep with `ClientClosedError`."""
        import anyio

        with self.scope(None):
            await anyio.sleep(seconds)
        if self._closed:
            raise closed_error(None, is_create=False)


class _Waiter:
    __slots__ = ("abandoned", "event", "handed")

    def __init__(self, event: anyio.Event) -> None:
        self.event = event
        self.handed = False  # a releasing request gave its slot to this waiter
        self.abandoned = False  # cancelled or timed out: skipped when slots are handed out


class Gate:
    """At most as many requests in flight as the pool has connections, served first come,
    first served; bound to no event loop.

    httpcore rescans its whole queue each time a connection frees up, so 1,000 polls queued
    on a pool of 100 cost time with the square of the queue; waiting here is a counter and
    a FIFO. Only a request that must wait creates an event, in its own loop, so one client
    can be used from one `anyio.run` after another. A slot goes straight from a finishing
    request to the first waiter; a waiter cancelled after being handed one passes it on.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self._waiters: deque[_Waiter] = deque()
        self.waiting = 0
        """Tasks waiting for a slot now."""

    def slot(self, timeout: float | None) -> _Slot:
        """`async with gate.slot(pool_timeout):` holds one slot for the duration of a send."""
        return _Slot(self, timeout)

    async def acquire(self, pool_timeout: float | None) -> None:
        """Take a slot, waiting at most `pool_timeout` seconds (None: as long as it takes)."""
        if self._free > 0:  # the common case costs no checkpoint: the send that follows has one
            self._free -= 1
            return
        import anyio

        waiter = _Waiter(anyio.Event())
        self._waiters.append(waiter)
        self.waiting += 1
        try:
            with anyio.fail_after(pool_timeout):
                await waiter.event.wait()
        except BaseException as exc:
            if waiter.handed:
                self.release()  # handed a slot, then cancelled before using it: pass it on
            else:
                waiter.abandoned = True
            if isinstance(exc, TimeoutError):
                raise httpx.PoolTimeout(POOL_TIMEOUT_MESSAGE.format(self.limit)) from None
            raise
        finally:
            self.waiting -= 1

    def release(self) -> None:
        """Give a slot back: straight to the first live waiter, else to the free count.

        Never suspends, so a request torn down without a chance to await still returns it.
        """
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.abandoned:
                waiter.handed = True
                waiter.event.set()
                return
        self._free += 1

    @property
    def in_use(self) -> int:
        """Slots held now (a slot handed to a waiter that has not resumed yet counts)."""
        return self.limit - self._free


class _Slot:
    __slots__ = ("_gate", "_timeout")

    def __init__(self, gate: Gate, timeout: float | None) -> None:
        self._gate = gate
        self._timeout = timeout

    async def __aenter__(self) -> None:
        await self._gate.acquire(self._timeout)

    async def __aexit__(self, *exc_info: object) -> None:
        self._gate.release()


class Stopped(BaseException):
    """Ends a batch worker's step once the run stops (a BaseException, so that no
    `except Exception` on the way takes it for a failure)."""


class Signal:
    """Wakes the workers that wait for a change of the batch (an item finished, a pause ended)."""

    def __init__(self) -> None:
        import anyio

        self._event = anyio.Event()

    def notify(self) -> None:
        """Wake every worker waiting now."""
        import anyio

        self._event.set()
        self._event = anyio.Event()

    async def wait(self, still_waiting: Callable[[], bool]) -> None:
        """Wait for the next change, unless `still_waiting()` is already false."""
        if still_waiting():
            await self._event.wait()


class Workers:
    """The workers of a batch: tasks of one task group.

    `stop` cancels them (a create in `shielded` finishes and is recorded first); a worker's
    failure stops the others. Cancellation from outside (Ctrl-C) does the same.
    """

    def __init__(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        import anyio

        self._group: anyio.abc.TaskGroup | None = None
        self.sleep = sleep
        """Sleeps that a stop ends (by cancellation, here)."""
        self.lock = anyio.Lock()
        """Held while a caller's callback runs: one at a time."""

    async def run(
        self, count: int, work: Callable[[], Awaitable[None]], on_interrupt: Callable[[], None]
    ) -> None:
        """Run `count` copies of `work` until all return (`on_interrupt` is for threads:
        here a Ctrl-C arrives as cancellation)."""
        import anyio

        async with anyio.create_task_group() as group:
            self._group = group
            for _ in range(count):
                group.start_soon(_call, work)

    def stop(self) -> None:
        """End the workers' waits and sleeps now; creates in `shielded` finish first."""
        if self._group is not None:
            self._group.cancel_scope.cancel()

    def shielded(self) -> anyio.CancelScope:
        """`with workers.shielded():` a create that must be answered and recorded."""
        import anyio

        return anyio.CancelScope(shield=True)


async def _call(work: Callable[[], Awaitable[None]]) -> None:
    await work()
