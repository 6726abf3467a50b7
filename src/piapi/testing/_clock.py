"""Clocks for the fake: real time for servers, a manual `FakeClock` for tests.

The fake reads time only through a clock so tests can move a task through its
life without sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["Clock", "FakeClock", "RealClock"]

# 2025-10-29T02:33:03.28237536Z, the creation time of the seed example task.
_SEED_WALL_NS = 1_761_705_183_282_375_360


class Clock(Protocol):
    """What the fake needs from a clock: a schedule clock and a wall clock."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def wall_ns(self) -> int:
        """Wall-clock time in nanoseconds since the epoch (for task timestamps)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this clock."""
        ...


class RealClock:
    """Real time: `time.monotonic` for schedules, `time.time_ns` for timestamps."""

    def monotonic(self) -> float:
        """`time.monotonic()`."""
        return time.monotonic()

    def wall_ns(self) -> int:
        """`time.time_ns()`."""
        return time.time_ns()

    def sleep(self, seconds: float) -> None:
        """`time.sleep(seconds)`."""
        time.sleep(seconds)

    def __repr__(self) -> str:
        return "RealClock()"


class FakeClock:
    """Manual time: starts at the seed task's creation time and moves only on `advance`.

    `sleep` advances instead of blocking, so a slow-response fault costs no real time.
    """

    def __init__(self, start_wall_ns: int = _SEED_WALL_NS) -> None:
        self._start_wall_ns = start_wall_ns
        self._offset_ns = 0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def monotonic(self) -> float:
        """The fake time in seconds; moves only with `advance` or `sleep`."""
        return self._offset_ns / 1e9

    def wall_ns(self) -> int:
        """The fake wall-clock time in nanoseconds, moving with the fake time."""
        return self._start_wall_ns + self._offset_ns

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` and let listeners (fakes) catch up."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            # Rounded up: any positive wait moves time on, or a loop sleeping "the rest of
            # the deadline" (a few float ulps) would spin forever on a clock that never moves.
            self._offset_ns += math.ceil(seconds * 1e9)
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def sleep(self, seconds: float) -> None:
        """Advance the clock by `seconds` at once (no real waiting)."""
        self.advance(seconds)

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after every `advance` (a fake uses it to fire webhooks)."""
        with self._lock:
            self._listeners.append(listener)

    def __repr__(self) -> str:
        return f"FakeClock(t={self.monotonic():.3f}s)"
