"""What `GET /account/info` and `GET /account/active_tasks` answer, read leniently.

Two spellings of the account exist (PiAPI's CLI, https://github.com/PiAPI-1/piapi-cli,
`src/types/api.ts`, current and older versions): `id`, `name`, `plan`, `credit_pack_info`,
`equivalent_in_usd`; or `account_id`, `account_name`, `remaining_credits`, `quota_used`.
Both are read; a value of an unexpected type is left unset, never an error (the raw answer
stays in `raw`). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import httpx
from pydantic import BaseModel, ConfigDict, Field

# Factories as plain functions, not `dict`: pydantic would parse a builtin's signature.
from piapi._core.models import _empty_dict
from piapi._core.protocol import _unreadable, read_envelope

__all__ = [
    "ACCOUNT_INFO_PATH",
    "ACTIVE_TASKS_PATH",
    "AccountInfo",
    "ActiveTaskCounts",
    "ActiveTasks",
    "account_info_from",
    "active_tasks_from",
    "read_account_info",
    "read_active_tasks",
]

ACCOUNT_INFO_PATH = "/account/info"  # https://piapi.ai/docs/account-info-api
ACTIVE_TASKS_PATH = "/account/active_tasks"  # https://piapi.ai/docs/task-list-api
ALL_PROVIDERS = "all"
"""The `by_provider` key of counts PiAPI sends without a per-provider breakdown."""


class AccountInfo(BaseModel):
    """Your PiAPI account: who, which plan, the credits left and what they are worth.

    Each field is None (or "") when PiAPI did not send it or sent something unreadable;
    `raw` holds the answer's `data` as sent.
    """

    model_config = ConfigDict(frozen=True)

    account_id: str = ""
    account_name: str = ""
    plan: str = ""
    """The plan's name (e.g. "free", "creator", "pro"): uploads need Creator or above."""
    credits_available: Decimal | None = None
    credits_used: Decimal | None = None
    credits_total: Decimal | None = None
    """As sent, else used + available."""
    credits_frozen: Decimal | None = None
    """Held by tasks that are still running."""
    balance_usd: Decimal | None = None
    """PiAPI's `equivalent_in_usd`: what the valid balance is worth in US dollars."""
    raw: dict[str, Any] = Field(default_factory=_empty_dict, repr=False)


class ActiveTaskCounts(BaseModel):
    """How many tasks of one provider wait or run."""

    model_config = ConfigDict(frozen=True)

    staged: int = 0
    pending: int = 0
    processing: int = 0

    @property
    def total(self) -> int:
        """Staged, pending and processing together."""
        return self.staged + self.pending + self.processing


class ActiveTasks(BaseModel):
    """Your tasks not finished yet, counted per provider (PiAPI's grouping, e.g. "kling").

    `staged` tasks wait for a free slot of your plan's concurrency; `pending` ones are
    queued at PiAPI; `processing` ones are being generated.
    """

    model_config = ConfigDict(frozen=True)

    by_provider: dict[str, ActiveTaskCounts] = Field(default_factory=_empty_dict)
    """Counts per provider; `"all"` when PiAPI sent totals only."""
    raw: dict[str, Any] = Field(default_factory=_empty_dict, repr=False)

    @property
    def staged(self) -> int:
        """Staged tasks of every provider."""
        return sum(counts.staged for counts in self.by_provider.values())

    @property
    def pending(self) -> int:
        """Pending tasks of every provider."""
        return sum(counts.pending for counts in self.by_provider.values())

    @property
    def processing(self) -> int:
        """Processing tasks of every provider."""
        return sum(counts.processing for counts in self.by_provider.values())

    @property
    def total(self) -> int:
        """Every task not finished yet."""
        return self.staged + self.pending + self.processing


MAX_NUMBER_TEXT = 64
"""A number written with more characters than this is unreadable."""
MAX_NUMBER_DIGITS = 18
"""A number of this many digits before the point or more (1e18: far beyond any count or
balance) is unreadable."""


def _text(value: object) -> str | None:
    """Text as sent; a number (an id) as its digits; anything else unreadable."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _amount(value: object) -> Decimal | None:
    """A number as sent (also as text, `"12.5"`) of a sane size; anything else unreadable.

    Bounded before anything is computed from it: `"1e999999"` as a count would take
    minutes of CPU to turn into an integer.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    text = str(value).strip() if not isinstance(value, int) else None
    if text is not None and len(text) > MAX_NUMBER_TEXT:
        return None
    try:
        amount = Decimal(value) if isinstance(value, int) else Decimal(text or "")
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount.adjusted() >= MAX_NUMBER_DIGITS:
        return None
    return amount


def _count(value: object) -> int:
    amount = _amount(value)
    return int(amount) if amount is not None and amount >= 0 else 0


def _mapping(value: object) -> Mapping[str, Any]:
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else {}


def _first(*candidates: Any) -> Any:
    """The first candidate that is present (not None)."""
    return next((value for value in candidates if value is not None), None)


def account_info_from(data: Mapping[str, Any]) -> AccountInfo:
    """Read an account (`data` of `/account/info`) in either spelling, leniently."""
    pack = _mapping(data.get("credit_pack_info"))
    available = _amount(_first(pack.get("available_credits"), data.get("remaining_credits")))
    used = _amount(_first(pack.get("used_credits"), data.get("quota_used")))
    total = _amount(pack.get("total_credits"))
    if total is None and available is not None and used is not None:
        total = available + used
    return AccountInfo(
        account_id=_text(_first(data.get("id"), data.get("account_id"))) or "",
        account_name=_text(_first(data.get("name"), data.get("account_name"))) or "",
        plan=_text(data.get("plan")) or "",
        credits_available=available,
        credits_used=used,
        credits_total=total,
        credits_frozen=_amount(pack.get("frozen_credits")),
        balance_usd=_amount(data.get("equivalent_in_usd")),
        raw=dict(data),
    )


_COUNT_FIELDS = ("staged_count", "pending_count", "processing_count")


def _counts(group: Mapping[str, Any]) -> ActiveTaskCounts:
    staged, pending, processing = (_count(group.get(name)) for name in _COUNT_FIELDS)
    return ActiveTaskCounts(staged=staged, pending=pending, processing=processing)


def active_tasks_from(data: Mapping[str, Any]) -> ActiveTasks:
    """Read `data` of `/account/active_tasks`: `{provider: {staged_count, pending_count,
    processing_count, ...}}`, or the three counts without providers."""
    if any(name in data for name in _COUNT_FIELDS):
        by_provider = {ALL_PROVIDERS: _counts(data)}
    else:
        by_provider = {
            str(provider): _counts(cast("Mapping[str, Any]", group))
            for provider, group in data.items()
            if isinstance(group, Mapping)
        }
    return ActiveTasks(by_provider=by_provider, raw=dict(data))


def _data_object(
    response: httpx.Response, what: str, secrets: Sequence[str], *, null_is_empty: bool = False
) -> Mapping[str, Any]:
    envelope = read_envelope(response, secrets=secrets)
    data = envelope.get("data")
    if data is None and null_is_empty:
        return {}
    if not isinstance(data, Mapping):
        raise _unreadable(
            response, f"has no {what} in `data`", is_create=False, task_id=None, secrets=secrets
        )
    return cast("Mapping[str, Any]", data)


def read_account_info(response: httpx.Response, *, secrets: Sequence[str] = ()) -> AccountInfo:
    """The account in an answer of `/account/info`, or the error the answer stands for."""
    return account_info_from(_data_object(response, "account", secrets))


def read_active_tasks(response: httpx.Response, *, secrets: Sequence[str] = ()) -> ActiveTasks:
    """The counts in an answer of `/account/active_tasks` (`data: null`: none), or the
    error it stands for."""
    return active_tasks_from(_data_object(response, "task counts", secrets, null_is_empty=True))
