"""The store tests' clock, in a module of its own name: `from conftest import ...` would
find whichever test folder's conftest was imported first."""

from __future__ import annotations


class FakeClock:
    """Unix seconds that move only when a test says so."""

    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
