"""The MCP server's decisions, as small pure functions (no I/O, no `mcp` import).

Whether a create may be sent, must be confirmed or is refused; how long a wait may last;
whether an HTTP request carries the token and comes from an allowed origin; how progress
is reported; how a task is shown to an agent. The server only applies them.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from pydantic import BaseModel

# Defaults and bounds of the options (USD the server may spend when `--spend-limit` is not
# given; seconds one `wait_task` waits by default, and at most: tool calls time out).
from piapi.mcp._config import DEFAULT_MAX_WAIT, DEFAULT_SPEND_LIMIT, MAX_WAIT_CEILING

if TYPE_CHECKING:
    from piapi import Task

__all__ = [
    "DEFAULT_MAX_WAIT",
    "DEFAULT_SPEND_LIMIT",
    "INLINE_IMAGE_LIMIT",
    "MAX_WAIT_CEILING",
    "Action",
    "CreateDecision",
    "ProgressState",
    "ProgressUpdate",
    "check_max_wait",
    "clamp_wait",
    "decide_create",
    "describe_errors",
    "http_refusal",
    "inline_image_type",
    "next_progress",
    "reported_progress",
    "request_fingerprint",
    "task_view",
    "usd_text",
]

INLINE_IMAGE_LIMIT = 1024 * 1024
"""Images up to this many bytes are returned inline; larger files as links."""
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def usd_text(amount: Decimal | None) -> str | None:
    """An amount in dollars as exact text for JSON (`"0.32"`), None when unknown."""
    return None if amount is None else f"{amount.normalize():f}"


# --- waiting -------------------------------------------------------------------------


def clamp_wait(requested: float | None, max_wait: float) -> float:
    """How long one `wait_task` call waits: what the agent asked, at most `max_wait`.

    None, NaN or an infinite request waits `max_wait`; a negative one does not wait.
    """
    if requested is None or math.isnan(requested) or math.isinf(requested):
        return max_wait
    return min(max(requested, 0.0), max_wait)


def check_max_wait(value: float) -> float:
    """`--max-wait`: above 0, at most `MAX_WAIT_CEILING` seconds (ValueError otherwise)."""
    if not (math.isfinite(value) and 0 < value <= MAX_WAIT_CEILING):
        raise ValueError(
            f"--max-wait must be above 0 and at most {MAX_WAIT_CEILING:g} seconds "
            f"(agents' tool calls time out), got {value:g}"
        )
    return value


# --- money ---------------------------------------------------------------------------


class Action(enum.Enum):
    """What to do with a create."""

    SEND = "send"
    CONFIRM = "confirm"  # return the estimate; the agent calls again with confirm: true
    REFUSE = "refuse"  # a tool error; nothing is sent


@dataclass(frozen=True)
class CreateDecision:
    """The decision on a create, the amount that counts for it and why."""

    action: Action
    reason: str
    counted_usd: Decimal | None = None
    """The estimate, else the agent's `max_cost_usd`: what is reserved under the limit."""


def decide_create(
    *,
    estimate: Decimal | None,
    max_cost_usd: Decimal | None,
    allow_unknown_price: bool,
    spent_usd: Decimal,
    limit_usd: Decimal | None,
    confirm_above: Decimal | None,
    confirmed: bool,
    may_exist_already: bool,
    fmt: Callable[[Decimal], str] | None = None,
) -> CreateDecision:
    """Whether a create is sent, must be confirmed first, or is refused (nothing sent).

    In this order: an estimate above the agent's own `max_cost_usd` is refused; a price
    that is unknown is refused unless the server allows unknown prices and the agent says
    the most it may cost (`max_cost_usd`, counted under the limit until PiAPI reports
    the price); an amount that would take the server's total past its limit is refused;
    then a confirmation is asked for an amount above `confirm_above`, and for the same
    request as a create whose answer was lost (the task may exist already). The client's
    own spending limit checks the limit again, atomically, when the create is sent.
    """
    money = fmt if fmt is not None else _plain_usd
    if estimate is not None and max_cost_usd is not None and estimate > max_cost_usd:
        return CreateDecision(
            Action.REFUSE,
            f"the estimate, {money(estimate)}, is above your max_cost_usd {money(max_cost_usd)}",
            estimate,
        )
    counted = estimate if estimate is not None else max_cost_usd
    if estimate is None:
        if not allow_unknown_price:
            return CreateDecision(
                Action.REFUSE,
                "PiAPI publishes no price for this model, task type and input, and this "
                "server refuses unknown prices (start it with --allow-unknown-price to allow "
                "them). A model and input with a known price can be checked with estimate_cost",
            )
        if max_cost_usd is None:
            return CreateDecision(
                Action.REFUSE,
                "the price of this task is unknown: pass max_cost_usd, the most it may cost "
                "in USD; it is counted against the spending limit until PiAPI reports the price",
            )
    assert counted is not None
    if limit_usd is not None and spent_usd + counted > limit_usd:
        left = max(limit_usd - spent_usd, Decimal(0))
        return CreateDecision(
            Action.REFUSE,
            f"it would cost {money(counted)} and {money(spent_usd)} of this server's "
            f"{money(limit_usd)} spending limit is spent or reserved ({money(left)} left). "
            "The user can raise the limit with --spend-limit",
            counted,
        )
    if not confirmed:
        if may_exist_already:
            return CreateDecision(
                Action.CONFIRM,
                "an identical create_task earlier lost its answer: that task may exist and "
                "be billed already. Check list_tasks and the user's PiAPI workspace first; "
                "call again with confirm: true only to create it once more",
                counted,
            )
        if confirm_above is not None and counted > confirm_above:
            return CreateDecision(
                Action.CONFIRM,
                f"it would cost {money(counted)}, above the {money(confirm_above)} that this "
                "server creates without confirmation. Ask the user, then call create_task "
                "again with the same arguments and confirm: true",
                counted,
            )
    return CreateDecision(Action.SEND, "within the limits", counted)


def _plain_usd(amount: Decimal) -> str:
    return f"${amount.normalize():f}"


def request_fingerprint(model: str, task_type: str, task_input: Mapping[str, Any]) -> str:
    """A stable digest of a create's arguments: the same request gives the same text."""
    text = json.dumps(
        [model.strip().lower(), task_type.strip().lower(), task_input],
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


# --- HTTP ----------------------------------------------------------------------------


def http_refusal(
    *,
    authorization: str | None,
    origin: str | None,
    host: str | None,
    token: str,
    port: int,
) -> tuple[int, str] | None:
    """Why an HTTP request to the server is refused (status, message), None to let it in.

    A browser page (any `Origin` but the server's own loopback address) is refused even
    with the token, as is a request for another host name (DNS rebinding); every request
    needs `Authorization: Bearer <token>`, compared in constant time.
    """
    own = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
    if host is not None and host.lower() not in own:
        return 403, "Forbidden: this server answers only at 127.0.0.1"
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme != "http" or parts.netloc.lower() not in own:
            return 403, "Forbidden: requests from web pages are refused"
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        return 401, "Unauthorized: send Authorization: Bearer <the token printed at start>"
    return None


# --- progress ------------------------------------------------------------------------


def reported_progress(output: object) -> float | None:
    """PiAPI's own progress of a task (`output.progress`, 0-100) where a family reports one.

    Reads a number or a text such as `"45%"`; anything else (or out of range) is None.
    """
    value: object
    if isinstance(output, BaseModel):
        value = getattr(output, "progress", None)
        if value is None and output.model_extra:
            value = output.model_extra.get("progress")
    elif isinstance(output, Mapping):
        fields = cast("Mapping[str, object]", output)
        value = fields.get("progress")
    else:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("%"))
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and 0 <= number <= 100 else None


@dataclass(frozen=True)
class ProgressState:
    """What the agent was last told about a task during one wait."""

    status: str | None = None
    percent: float | None = None
    value: float = 0.0


@dataclass(frozen=True)
class ProgressUpdate:
    """One MCP progress notification: `progress` only ever grows."""

    progress: float
    total: float | None
    message: str


def next_progress(
    state: ProgressState, status: str, percent: float | None
) -> tuple[ProgressState, ProgressUpdate | None]:
    """The notification for a poll (None when nothing changed) and the state after it.

    PiAPI's percentage is the progress (of 100) where reported and growing; otherwise each
    change of status (or of the percentage) moves the progress on by one, without a total.
    """
    if status == state.status and percent == state.percent:
        return state, None
    if percent is not None and percent > state.value:
        value, total = percent, 100.0
    else:
        value, total = state.value + 1, None
    message = f"status: {status}" + (f", {percent:g}% done" if percent is not None else "")
    return ProgressState(status, percent, value), ProgressUpdate(value, total, message)


# --- results -------------------------------------------------------------------------


def inline_image_type(path: Path, size: int) -> str | None:
    """The MIME type to return a file inline as an image, None to return a link instead."""
    mime = _IMAGE_TYPES.get(path.suffix.lower())
    return mime if mime is not None and size <= INLINE_IMAGE_LIMIT else None


def describe_errors(errors: Iterable[Mapping[str, Any]]) -> str:
    """A pydantic error list as lines `field: message`, without the values (may be secrets)."""
    lines: list[str] = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ())) or "input"
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return "; ".join(lines) or "invalid input"


def task_view(task: Task[Any, Any], estimate_usd: Decimal | None = None) -> dict[str, Any]:
    """A task as an agent reads it: status, progress, result URLs, cost, error reason."""
    view: dict[str, Any] = {
        "task_id": task.task_id,
        "model": task.model,
        "task_type": task.task_type,
        "status": task.status.value,
        "finished": task.is_terminal,
    }
    percent = reported_progress(task.output)
    if percent is not None:
        view["progress_percent"] = percent
    if task.status.value == "completed":
        view["result_urls"] = task.media_urls
    view["cost_usd"] = usd_text(task.cost_usd)
    if estimate_usd is not None:
        view["estimate_usd"] = usd_text(estimate_usd)
    if task.error.is_error:
        view["error"] = task.error.message or task.error.raw_message or f"code {task.error.code}"
    return view
