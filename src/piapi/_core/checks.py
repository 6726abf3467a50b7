"""The values callers give, checked once before anything is sent: seconds, USD amounts and
how many at once. Standard library only, so the command line's parser checks with them too.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation


def checked_seconds(
    name: str, value: object, *, allow_none: bool = True, allow_zero: bool = False
) -> float | None:
    """A duration a caller gave, checked before anything is sent: a finite number of
    seconds, > 0 (or >= 0 with `allow_zero`), or None where that means "no limit".

    Raises:
        TypeError: Not a number (a bool counts as no number).
        ValueError: NaN, infinite, negative, zero where refused, or None where refused.
    """
    if value is None:
        if allow_none:
            return None
        raise ValueError(f"{name} must be a number of seconds, not None")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds (got {type(value).__name__})")
    seconds = float(value)
    if not math.isfinite(seconds):
        hint = "; use None for no limit" if allow_none else ""
        raise ValueError(f"{name} must be a finite number of seconds (got {value!r}){hint}")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound} seconds (got {value!r})")
    return seconds


UsdAmount = Decimal | int | float | str
"""An amount in US dollars as a caller may write it: `Decimal("0.50")`, `5`, `0.5`, `"0.50"`."""


def usd_amount(name: str, value: UsdAmount | None) -> Decimal | None:
    """A caller's amount in USD as a `Decimal`, checked: finite and not negative.

    A float is read by its shortest text, so `0.1` is exactly `Decimal("0.1")`.
    """
    if value is None:
        return None
    wrong = f"{name} must be an amount in USD, e.g. 5 or '0.50' (got {value!r})"
    # Checked as an `object`, not `UsdAmount`: callers without a type checker pass anything.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(wrong)
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(wrong) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{name} must be a finite amount of 0 or more (got {value!r})")
    return amount


def checked_concurrency(value: object) -> int:
    """How many at once: a whole number of at least 1 (a bool counts as none)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"concurrency must be a whole number of at least 1 (got {value!r})")
    return value
