"""The gate: at most as many API requests in flight as the connection pool has connections.

httpcore rescans its whole queue of waiting requests each time a connection frees up, so
1,000 polls queued on a pool of 100 cost time with the square of the queue. Waiting here
instead is a counter and a FIFO of events. One gate per httpx client, shared by every
PiAPI client (and `with_options` copy) that uses that pool.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from types import TracebackType
from typing import TYPE_CHECKING, overload

import httpx

if TYPE_CHECKING:
    import anyio

__all__ = ["DEFAULT_POOL_LIMIT", "AsyncGate", "SyncGate", "gate_for", "pool_limit"]

DEFAULT_POOL_LIMIT = 100
"""The gate's size when the pool's own limit cannot be read: httpx's default pool size."""


def pool_limit(http: httpx.Client | httpx.AsyncClient, url: str) -> int:
    """How many connections the pool that serves `url` may open (`limits.max_connections`).

    Read from httpx's own transport (or the proxy mounted for `url`); a transport of any
    other kind (a mock, a caller's wrapper) does not say, so `DEFAULT_POOL_LIMIT` applies.
    An unlimited pool (`max_connections=None`) gives an effectively unlimited gate.
    """
    try:
        transport: object = http._transport_for_url(httpx.URL(url))
    except Exception:  # a private httpx method: if it changes, fall back to the default
        return DEFAULT_POOL_LIMIT
    limit = getattr(getattr(transport, "_pool", None), "_max_connections", None)
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        return limit
    return DEFAULT_POOL_LIMIT


class SyncGate:
    """A counting gate for threads; waiting longer than the pool timeout raises `PoolTimeout`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self.waiting = 0
        """Threads waiting for a slot now."""
        self._changed = threading.Condition(threading.Lock())

    def slot(self, timeout: float | None) -> _SyncSlot:
        """`with gate.slot(pool_timeout):` holds one slot for the duration of a send."""
        return _SyncSlot(self, timeout)

    def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (None: as long as it takes)."""
        with self._changed:
            if self._free <= 0:
                self.waiting += 1
                try:
                    if not self._changed.wait_for(lambda: self._free > 0, timeout):
                        raise httpx.PoolTimeout(_TIMEOUT_MESSAGE.format(self.limit))
                finally:
                    self.waiting -= 1
            self._free -= 1

    def release(self) -> None:
        """Give a slot back and wake one waiting thread."""
        with self._changed:
            self._free += 1
            self._changed.notify()

    @property
    def in_use(self) -> int:
        """Slots held now."""
        return self.limit - self._free


class _SyncSlot:
    __slots__ = ("_gate", "_timeout")

    def __init__(self, gate: SyncGate, timeout: float | None) -> None:
        self._gate = gate
        self._timeout = timeout

    def __enter__(self) -> None:
        self._gate.acquire(self._timeout)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._gate.release()


class _Waiter:
    __slots__ = ("abandoned", "event", "handed")

    def __init__(self, event: anyio.Event) -> None:
        self.event = event
        self.handed = False  # a releasing request gave its slot to this waiter
        self.abandoned = False  # cancelled or timed out: skipped when slots are handed out


class AsyncGate:
    """A FIFO counting gate for asyncio and trio, bound to no event loop.

    Its state is plain counters; only a request that must wait creates an event, in its own
    loop, so one client can be used from one `anyio.run` after another. A slot goes straight
    from a finishing request to the first waiter; a waiter cancelled after being handed one
    passes it on, so cancellation never leaks a slot.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self._waiters: deque[_Waiter] = deque()
        self.waiting = 0
        """Tasks waiting for a slot now."""

    def slot(self, timeout: float | None) -> _AsyncSlot:
        """`async with gate.slot(pool_timeout):` holds one slot for the duration of a send."""
        return _AsyncSlot(self, timeout)

    async def acquire(self, pool_timeout: float | None) -> None:
        """Take a slot, waiting at most `pool_timeout` seconds (None: as long as it takes)."""
        if self._free > 0:  # the common case costs no checkpoint: the send that follows has one
            self._free -= 1
            return
        await self._wait(pool_timeout)

    async def _wait(self, pool_timeout: float | None) -> None:
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
                raise httpx.PoolTimeout(_TIMEOUT_MESSAGE.format(self.limit)) from None
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


class _AsyncSlot:
    __slots__ = ("_gate", "_timeout")

    def __init__(self, gate: AsyncGate, timeout: float | None) -> None:
        self._gate = gate
        self._timeout = timeout

    async def __aenter__(self) -> None:
        await self._gate.acquire(self._timeout)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._gate.release()


_TIMEOUT_MESSAGE = "no connection of the pool ({} connections) was free within the pool timeout"
_gates: weakref.WeakKeyDictionary[httpx.Client | httpx.AsyncClient, SyncGate | AsyncGate] = (
    weakref.WeakKeyDictionary()
)
_gates_lock = threading.Lock()


@overload
def gate_for(http: httpx.Client, url: str) -> SyncGate: ...
@overload
def gate_for(http: httpx.AsyncClient, url: str) -> AsyncGate: ...
def gate_for(http: httpx.Client | httpx.AsyncClient, url: str) -> SyncGate | AsyncGate:
    """The gate of `http`'s pool, made on first use and sized by `pool_limit`."""
    with _gates_lock:
        gate = _gates.get(http)
        if gate is None:
            limit = pool_limit(http, url)
            gate = AsyncGate(limit) if isinstance(http, httpx.AsyncClient) else SyncGate(limit)
            _gates[http] = gate
        return gate
