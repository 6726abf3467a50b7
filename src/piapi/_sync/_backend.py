"""What the sync shells need that token renaming cannot make from the async ones: the
pool's gate, a client's lifetime (deadlines kept at the sockets, sleeps that closing
ends), callbacks, and the workers of a batch (threads that Ctrl-C stops cleanly).

Hand-written, with the names of `piapi._async._backend`; the generated shells import it.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from piapi._core.deadline import NO_SCOPE, NoScope
from piapi._core.pools import POOL_TIMEOUT_MESSAGE, ssl_context
from piapi._core.protocol import closed_error

if TYPE_CHECKING:
    from piapi._sync.socket_deadline import IODeadline

T = TypeVar("T")

SLEEP_SLICE = 0.25
"""A stopping batch ends a worker's sleep within this many seconds."""


def own_pool(timeout: float | httpx.Timeout | None) -> tuple[httpx.Client, bool]:
    """The pool a client builds when it is given none, and whether its sockets keep each
    call's deadline (a sync thread cannot be cancelled: `piapi._sync.socket_deadline`)."""
    # Imported here: httpcore's network backend loads only for a pool the SDK builds.
    from piapi._sync.socket_deadline import install

    http = httpx.Client(timeout=timeout, verify=ssl_context())
    return http, install(http)


def to_thread(function: Callable[..., T], *args: Any) -> T:
    """Blocking disk work runs in the calling thread."""
    return function(*args)


def body_chunks(response: httpx.Response) -> AbstractContextManager[Iterator[bytes]]:
    """`with body_chunks(response) as chunks:` the body's chunks, closed on the way out."""
    return contextlib.closing(cast("Generator[bytes, None, None]", response.iter_bytes()))


_SYNC_ONLY = "the sync client cannot await it. Pass a plain function, or use AsyncPiAPIClient."


def check_callback(callback: Callable[..., object] | None, name: str = "on_update") -> None:
    """Refuse a coroutine function, which a sync client would call and never await."""
    if callback is None:
        return
    if not callable(callback):
        raise TypeError(f"{name} must be callable (got {type(callback).__name__})")
    if inspect.iscoroutinefunction(callback) or inspect.iscoroutinefunction(
        getattr(callback, "__call__", None)  # noqa: B004 - an object with an async __call__
    ):
        raise TypeError(f"{name} is a coroutine function: {_SYNC_ONLY}")


def call_back(callback: Callable[..., object], *args: Any) -> None:
    """Call a caller's callback; an awaitable it returns is refused (it would never run)."""
    result = callback(*args)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()  # no "coroutine was never awaited" warning on top of the error
        name = getattr(callback, "__name__", "callback")
        raise TypeError(f"{name} returned an awaitable: {_SYNC_ONLY}")


class Lifetime:
    """Whether a client (and its copies) is closed; sleeps wake on it."""

    __slots__ = ("_closed", "_watch_sockets")

    def __init__(self, watch_sockets: bool = False) -> None:
        self._closed = threading.Event()
        self._watch_sockets = watch_sockets

    @property
    def closed(self) -> bool:
        """Whether the client was closed."""
        return self._closed.is_set()

    def close(self) -> None:
        """Mark the client closed: sleeps end now, sends at their next socket operation."""
        self._closed.set()

    def scope(self, seconds: float | None) -> NoScope | IODeadline:
        """`with lifetime.scope(seconds) as scope:` the block's sockets keep the deadline
        (on the pools the SDK builds; a caller's pool keeps its own timeouts)."""
        if seconds is None or not self._watch_sockets:
            return NO_SCOPE
        from piapi._sync.socket_deadline import IODeadline  # loaded with the pool (own_pool)

        return IODeadline(seconds)

    deadline = scope  # the async backend scopes only requests with a deadline; here the same

    def sleep(self, seconds: float) -> None:
        """Sleep; a close ends the sleep with `ClientClosedError`."""
        if self._closed.wait(seconds):
            raise closed_error(None, is_create=False)


class Gate:
    """At most as many requests in flight as the pool has connections (httpcore rescans its
    whole queue whenever a connection frees up); a wait longer than the pool timeout
    raises `PoolTimeout`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self._changed = threading.Condition(threading.Lock())
        self.waiting = 0
        """Threads waiting for a slot now."""

    def slot(self, timeout: float | None) -> _Slot:
        """`with gate.slot(pool_timeout):` holds one slot for the duration of a send."""
        return _Slot(self, timeout)

    def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (None: as long as it takes)."""
        with self._changed:
            if self._free <= 0:
                self.waiting += 1
                try:
                    if not self._changed.wait_for(lambda: self._free > 0, timeout):
                        raise httpx.PoolTimeout(POOL_TIMEOUT_MESSAGE.format(self.limit))
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


class _Slot:
    __slots__ = ("_gate", "_timeout")

    def __init__(self, gate: Gate, timeout: float | None) -> None:
        self._gate = gate
        self._timeout = timeout

    def __enter__(self) -> None:
        self._gate.acquire(self._timeout)

    def __exit__(self, *exc_info: object) -> None:
        self._gate.release()


class Stopped(BaseException):
    """Ends a batch worker's step once the run stops (a BaseException, so that no
    `except Exception` on the way takes it for a failure)."""


class Signal:
    """Wakes the workers that wait for a change of the batch (an item finished, a pause ended)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._generation = 0

    def notify(self) -> None:
        """Wake every worker waiting now."""
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    def wait(self, still_waiting: Callable[[], bool]) -> None:
        """Wait for the next change, unless `still_waiting()` is already false."""
        with self._changed:
            if still_waiting():
                seen = self._generation
                self._changed.wait_for(lambda: self._generation != seen)


class Workers:
    """The workers of a batch: threads.

    `stop` makes their sleeps and their next steps raise `Stopped`, except inside
    `shielded` (a create must be answered and recorded). Ctrl-C arrives in the calling
    thread: `run` calls `on_interrupt`, lets every thread finish, then raises it (a second
    Ctrl-C leaves at once: the journal is consistent after every step).
    """

    def __init__(self, sleep: Callable[[float], None]) -> None:
        self._sleep = sleep
        self._stopping = False
        self._shielded = threading.local()
        self._running = 0
        self._done = threading.Event()
        self._counting = threading.Lock()
        self.lock = threading.Lock()
        """Held while a caller's callback runs: one at a time."""

    def run(self, count: int, work: Callable[[], None], on_interrupt: Callable[[], None]) -> None:
        """Run `count` threads of `work` until all return."""
        self._running = count
        for number in range(count):
            thread = threading.Thread(
                target=self._work, args=(work,), name=f"piapi-batch-{number}", daemon=True
            )
            thread.start()
        # Waited for on an event, not with join: an interrupted join takes a running thread
        # for finished (CPython's bpo-45274 fix).
        try:
            self._done.wait()
        except KeyboardInterrupt:
            on_interrupt()
            self._done.wait()
            raise

    def _work(self, work: Callable[[], None]) -> None:
        try:
            work()
        finally:
            with self._counting:
                self._running -= 1
                if self._running == 0:
                    self._done.set()

    def stop(self) -> None:
        """End the workers' sleeps and next steps; creates in `shielded` finish first."""
        self._stopping = True

    @contextlib.contextmanager
    def shielded(self) -> Generator[None, None, None]:
        """`with workers.shielded():` a create that must be answered and recorded."""
        self._shielded.active = True
        try:
            yield
        finally:
            self._shielded.active = False

    def sleep(self, seconds: float) -> None:
        """Sleep in slices, ending with `Stopped` once the run stops (not while shielded)."""
        if getattr(self._shielded, "active", False):
            self._sleep(seconds)
            return
        remaining = seconds
        while not self._stopping:
            if remaining <= 0:
                return
            step = min(remaining, SLEEP_SLICE)
            self._sleep(step)
            remaining -= step
        raise Stopped
