"""Programmable faults: what goes wrong, on which endpoint, on which request.

Rules are matched in the order they were added; rates draw from one seeded
`random.Random`, so the same request sequence always meets the same faults.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Endpoint", "Fault", "FaultKind", "FaultPlan", "FaultRule"]

Endpoint = Literal[
    "create", "get", "cancel", "media", "account_info", "active_tasks", "upload", "any"
]
FaultKind = Literal[
    "http_status",
    "slow",
    "drop_before",
    "drop_after",
    "html",
    "truncated_json",
    "non_json",
    "error_in_200",
    "capitalised_status",
    "unknown_status",
    "extra_fields",
    "field_drift",
    "cut_media",
]
BodyKind = Literal["envelope", "plain", "empty"]

# Faults that replace the answer: unless `acted=True`, the fake does not act on the request.
_REPLACING: frozenset[str] = frozenset(
    {"http_status", "drop_before", "html", "non_json", "error_in_200"}
)


@dataclass(frozen=True)
class Fault:
    """One way a request can go wrong; build it with the class methods below."""

    kind: FaultKind
    status: int = 200
    retry_after: float | None = None
    message: str = ""
    body: BodyKind = "envelope"
    delay: float = 0.0
    acted: bool = False
    value: str = ""
    fraction: float = 0.5

    @property
    def acts(self) -> bool:
        """Whether the fake carries out the request (creates, cancels) despite the fault."""
        return self.kind not in _REPLACING or self.acted

    def describe(self) -> str:
        """Short label stored on the request record, e.g. ``http_status(503)``."""
        detail = {
            "http_status": str(self.status),
            "html": str(self.status),
            "slow": f"{self.delay:g}s",
            "error_in_200": str(self.status),
            "unknown_status": self.value,
            "cut_media": f"{self.fraction:g}",
        }.get(self.kind, "")
        return f"{self.kind}({detail})"

    @classmethod
    def http_status(
        cls,
        status: int,
        *,
        retry_after: float | None = None,
        message: str | None = None,
        body: BodyKind = "envelope",
        acted: bool = False,
    ) -> Fault:
        """Answer `status` with an error envelope, a plain-text body or no body."""
        text = message if message is not None else f"fake injected error {status}"
        return cls("http_status", status, retry_after, text, body, acted=acted)

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1.0) -> Fault:
        """HTTP 429 with a `Retry-After` header (seconds), as a rate limiter answers."""
        return cls.http_status(429, retry_after=retry_after, message="too many requests")

    @classmethod
    def maintenance(cls, retry_after: float | None = None) -> Fault:
        """HTTP 503 whose envelope says the service is under maintenance."""
        return cls.http_status(503, retry_after=retry_after, message="maintenance")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Act, then answer after `seconds` (in-process: past the read timeout -> ReadTimeout)."""
        return cls("slow", delay=seconds)

    @classmethod
    def drop_before(cls) -> Fault:
        """Connection fails before the server acts (in-process: `httpx.ConnectError`)."""
        return cls("drop_before")

    @classmethod
    def drop_after(cls) -> Fault:
        """The server acts, then the connection closes without an answer."""
        return cls("drop_after")

    @classmethod
    def html(cls, status: int = 502, *, acted: bool = False) -> Fault:
        """A Cloudflare-like HTML error page with `status` (502, or even 200)."""
        return cls("html", status, acted=acted)

    @classmethod
    def truncated_json(cls) -> Fault:
        """Act, then answer HTTP 200 with the JSON cut in half."""
        return cls("truncated_json")

    @classmethod
    def non_json(cls, status: int = 200) -> Fault:
        """Answer a plain-text body where JSON was expected."""
        return cls("non_json", status)

    @classmethod
    def error_in_200(cls, code: int = 500, message: str = "internal server error") -> Fault:
        """HTTP 200 whose envelope carries an error code, as PiAPI sometimes answers."""
        return cls("error_in_200", code, message=message)

    @classmethod
    def capitalised_status(cls) -> Fault:
        """Act, and capitalise `data.status` ("Completed"), as PiAPI's schema page shows."""
        return cls("capitalised_status")

    @classmethod
    def unknown_status(cls, value: str = "queued_upstream") -> Fault:
        """Act, and replace `data.status` of a non-terminal task with an unknown word."""
        return cls("unknown_status", value=value)

    @classmethod
    def extra_fields(cls) -> Fault:
        """Act, and add unknown fields to the envelope, its `data` and a task's `meta`."""
        return cls("extra_fields")

    @classmethod
    def field_drift(cls) -> Fault:
        """Act, and answer the task the way PiAPI's published answers drift from its docs.

        `logs` null, a time that is not a time (`"string"`), usage amounts as text,
        `detail` an object, no `service_mode`, `error` of a task that did not fail with code
        1100 and an empty message, unknown fields, a preview URL beside the result. The
        status, the result URL and the amounts keep their meaning.
        """
        return cls("field_drift")

    @classmethod
    def cut_media(cls, fraction: float = 0.5) -> Fault:
        """Send the media headers and `fraction` of the body, then drop the connection."""
        return cls("cut_media", fraction=fraction)


@dataclass
class FaultRule:
    """Where and how often a fault (or a seeded choice among several) applies."""

    faults: tuple[Fault, ...]
    endpoint: Endpoint = "any"
    nth: frozenset[int] | None = None
    rate: float | None = None
    times: int | None = None
    hits: int = field(default=0)


class FaultPlan:
    """The ordered fault rules of one fake, with a seeded random source for rates."""

    def __init__(self, seed: int | None = 0) -> None:
        self._rng = random.Random(seed)
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        fault: Fault | Sequence[Fault],
        *,
        endpoint: Endpoint = "any",
        nth: int | Iterable[int] | None = None,
        rate: float | None = None,
        times: int | None = None,
    ) -> FaultRule:
        """Inject `fault` on `endpoint` requests.

        `nth`: the n-th request(s) to that endpoint (1-based; for "any", of all
        requests); `rate`: probability per request; neither: every request.
        `times` caps how often the rule fires. A sequence of faults is sampled
        with the plan's seeded random source each time the rule fires.
        """
        faults = (fault,) if isinstance(fault, Fault) else tuple(fault)
        if not faults:
            raise ValueError("no fault given")
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        nths = None if nth is None else frozenset((nth,) if isinstance(nth, int) else nth)
        rule = FaultRule(faults, endpoint, nths, rate, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def seed(self, seed: int | None) -> None:
        """Restart the random source, to replay the same faults for the same requests."""
        with self._lock:
            self._rng.seed(seed)

    @property
    def rules(self) -> list[FaultRule]:
        """The fault rules in the order they are checked."""
        with self._lock:
            return list(self._rules)

    def pick(self, endpoint: Endpoint, count: int, global_count: int) -> Fault | None:
        """The fault for the `count`-th request to `endpoint`, if any (first rule wins)."""
        with self._lock:
            for rule in self._rules:
                if rule.endpoint not in ("any", endpoint):
                    continue
                if rule.times is not None and rule.hits >= rule.times:
                    continue
                n = global_count if rule.endpoint == "any" else count
                if rule.nth is not None and n not in rule.nth:
                    continue
                if rule.rate is not None and self._rng.random() >= rule.rate:
                    continue
                rule.hits += 1
                if len(rule.faults) == 1:
                    return rule.faults[0]
                return self._rng.choice(rule.faults)
        return None
