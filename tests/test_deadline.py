"""Pure deadline arithmetic and the checks of every duration a caller gives, by table."""

from __future__ import annotations

import math

import httpx
import pytest

from piapi._core.checks import checked_seconds
from piapi._core.deadline import NO_DEADLINE, Deadline, checked_client_timeout

DEADLINE = Deadline(100.0)


@pytest.mark.parametrize(
    ("deadline", "now", "remaining", "expired"),
    [
        (DEADLINE, 90.0, 10.0, False),
        (DEADLINE, 100.0, 0.0, True),
        (DEADLINE, 130.0, 0.0, True),
        (NO_DEADLINE, 1e12, None, False),
    ],
)
def test_time_left(deadline: Deadline, now: float, remaining: float | None, expired: bool) -> None:
    assert deadline.remaining(now) == remaining
    assert deadline.expired(now) is expired


@pytest.mark.parametrize(
    ("deadline", "seconds", "now", "capped"),
    [
        (DEADLINE, 60.0, 90.0, 10.0),  # a request timeout longer than the time left
        (DEADLINE, 3.0, 90.0, 3.0),  # shorter: kept
        (DEADLINE, None, 90.0, 10.0),  # no timeout: the time left
        (DEADLINE, 20.0, 120.0, 0.0),  # past: nothing left
        (NO_DEADLINE, 60.0, 90.0, 60.0),
        (NO_DEADLINE, None, 90.0, None),
    ],
)
def test_cap(deadline: Deadline, seconds: float | None, now: float, capped: float | None) -> None:
    assert deadline.cap(seconds, now) == capped


def test_every_phase_of_a_request_timeout_is_capped() -> None:
    timeouts = httpx.Timeout(60.0, connect=5.0, pool=None).as_dict()
    assert DEADLINE.cap_timeouts(timeouts, 98.0) == {
        "connect": 2.0,
        "read": 2.0,
        "write": 2.0,
        "pool": 2.0,
    }
    assert NO_DEADLINE.cap_timeouts(timeouts, 98.0) == timeouts


def test_after_and_extended() -> None:
    assert Deadline.after(5.0, 10.0) == Deadline(15.0)
    assert Deadline.after(None, 10.0) is NO_DEADLINE
    assert DEADLINE.extended(0.5) == Deadline(100.5)
    assert NO_DEADLINE.extended(0.5) is NO_DEADLINE


@pytest.mark.parametrize(
    ("value", "allow_none", "allow_zero", "expected"),
    [
        (1, True, False, 1.0),
        (0.25, True, False, 0.25),
        (None, True, False, None),
        (0, True, True, 0.0),
        (1e9, True, False, 1e9),
    ],
)
def test_accepted_durations(
    value: object, allow_none: bool, allow_zero: bool, expected: float | None
) -> None:
    assert checked_seconds("t", value, allow_none=allow_none, allow_zero=allow_zero) == expected


@pytest.mark.parametrize(
    ("value", "allow_none", "allow_zero", "error", "words"),
    [
        (math.nan, True, False, ValueError, "finite"),
        (math.inf, True, False, ValueError, "use None for no limit"),
        (-math.inf, True, False, ValueError, "finite"),
        (math.inf, False, False, ValueError, "finite"),
        (-1, True, True, ValueError, ">= 0"),
        (0, True, False, ValueError, "> 0"),
        (None, False, False, ValueError, "not None"),
        (True, True, False, TypeError, "number"),
        ("5", True, False, TypeError, "number"),
    ],
)
def test_refused_durations(
    value: object, allow_none: bool, allow_zero: bool, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        checked_seconds("t", value, allow_none=allow_none, allow_zero=allow_zero)


def test_a_client_timeout_checks_each_phase() -> None:
    assert checked_client_timeout(None) is None
    assert checked_client_timeout(3) == 3.0
    good = httpx.Timeout(5.0, read=None)
    assert checked_client_timeout(good) is good
    for bad in (math.nan, httpx.Timeout(5.0, read=math.inf), httpx.Timeout(5.0, pool=-1.0)):
        with pytest.raises(ValueError, match="timeout"):
            checked_client_timeout(bad)
