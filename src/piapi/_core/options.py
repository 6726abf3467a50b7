"""The clients' options: what `with_options` may change, and their checks."""

from __future__ import annotations

from typing import TypedDict

from piapi._core.checks import UsdAmount
from piapi._core.deadline import TimeoutValue as Timeout

__all__ = ["NOT_GIVEN", "ClientOptions", "NotGiven", "Timeout", "checked_max_retries"]


class NotGiven:
    """The default of a client's `timeout`: 60 s, or the timeout of the `http_client` given
    (`None` cannot say "not given": it means no timeout)."""

    def __repr__(self) -> str:
        return "60 s, or http_client's timeout"


NOT_GIVEN = NotGiven()


class ClientOptions(TypedDict, total=False):
    """What `with_options` can change; an option not given keeps its value."""

    timeout: Timeout
    max_retries: int
    spend_limit_usd: UsdAmount | None


def checked_max_retries(max_retries: object) -> int:
    """`max_retries` as given, once it is a whole number of 0 or more."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"max_retries must be an int (got {type(max_retries).__name__})")
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0 (got {max_retries})")
    return max_retries
