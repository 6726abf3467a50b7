"""Deadlines and the time values callers give: pure arithmetic, the clock passed in.

A `Deadline` is a point on the monotonic clock (or none). The shells ask it how much time
is left, cap each request's timeouts and each sleep to that, and stop when it has passed,
so `wait(timeout=T)` ends at T whatever a server does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import httpx

from piapi._core.checks import checked_seconds

TimeoutValue = float | httpx.Timeout | None
TIMEOUT_PHASES = ("connect", "read", "write", "pool")


# A NamedTuple, not a frozen dataclass: as immutable, and ~6x cheaper to define at import.
class Deadline(NamedTuple):
    """When something must be over, on the monotonic clock; `at=None`: no deadline."""

    at: float | None = None

    @classmethod
    def after(cls, seconds: float | None, now: float) -> Deadline:
        """The deadline `seconds` from `now` (None: none)."""
        return NO_DEADLINE if seconds is None else cls(now + seconds)

    def remaining(self, now: float) -> float | None:
        """Seconds left (0 once passed); None without a deadline."""
        return None if self.at is None else max(self.at - now, 0.0)

    def expired(self, now: float) -> bool:
        """Whether the deadline has passed."""
        return self.at is not None and now >= self.at

    def extended(self, seconds: float) -> Deadline:
        """The same deadline `seconds` later (a grace for a last request)."""
        return self if self.at is None else Deadline(self.at + seconds)

    def cap(self, seconds: float | None, now: float) -> float | None:
        """`seconds` (None: unlimited) shortened to the time left."""
        left = self.remaining(now)
        if left is None:
            return seconds
        return left if seconds is None else min(seconds, left)

    def cap_timeouts(
        self, timeouts: Mapping[str, float | None], now: float
    ) -> dict[str, float | None]:
        """httpx's timeout dict (connect, read, write, pool) with each phase capped."""
        return {phase: self.cap(timeouts.get(phase), now) for phase in TIMEOUT_PHASES}


NO_DEADLINE = Deadline()


def checked_client_timeout(value: object) -> TimeoutValue:
    """A client's `timeout`: seconds, an `httpx.Timeout` (each phase checked), or None."""
    if isinstance(value, httpx.Timeout):
        for phase in TIMEOUT_PHASES:
            checked_seconds(f"timeout.{phase}", getattr(value, phase))
        return value
    return checked_seconds("timeout", value)


class NoScope:
    """The scope of a block without a deadline: it ends nothing (both backends use it)."""

    __slots__ = ()
    cancelled_caught = False

    def __enter__(self) -> NoScope:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


NO_SCOPE = NoScope()
