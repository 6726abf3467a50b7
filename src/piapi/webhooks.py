"""Receive PiAPI webhooks: check the secret, then read the task PiAPI sent.

PiAPI POSTs `{"timestamp": <unix seconds>, "data": <task>}` with your secret verbatim in the
`x-webhook-secret` header, several times per task and again on failure, so de-duplicate
with `WebhookEvent.dedup_key` (across processes and machines: `Deduplicator`).

```python
from piapi import webhooks

event = webhooks.parse(body, headers, secret=os.environ["PIAPI_WEBHOOK_SECRET"])
if event.task.status == "completed":
    ...
```
"""

from __future__ import annotations

import hmac
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError
from pydantic_core import from_json

from piapi._core.errors import WebhookParseError, WebhookVerificationError
from piapi._core.models import Task
from piapi.families._registry import describe_validation_error, read_task_data

if TYPE_CHECKING:
    from piapi.stores import Store

__all__ = [
    "SECRET_HEADER",
    "Deduplicator",
    "WebhookEvent",
    "parse",
    "parse_unverified",
    "verify",
]

SECRET_HEADER = "x-webhook-secret"
"""The header PiAPI puts the webhook secret in (compared case-insensitively)."""

HeaderValue = str | bytes
Headers = Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[HeaderValue, HeaderValue]]
"""Any headers object: a dict, Starlette/Django/Flask headers, or (name, value) pairs."""


@dataclass(frozen=True)
class WebhookEvent:
    """One webhook notification from PiAPI.

    Attributes:
        timestamp: When PiAPI sent it (timezone-aware, UTC).
        task: The task as it was then, read like `tasks.get` reads it: typed by its model
            (a `Sora2Task`, a `KlingTask`, ...), a `Task` for models without a typed class.
    """

    timestamp: datetime
    task: Task[Any, Any]

    @property
    def dedup_key(self) -> str:
        """Equal for redeliveries of one notification: task id, status and timestamp."""
        status = self.task.status.value.lower()
        return f"{self.task.task_id}:{status}:{int(self.timestamp.timestamp())}"


def _text(value: HeaderValue) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _header_values(headers: Headers, name: str) -> list[str]:
    """Every value of header `name` (case-insensitive) in any kind of headers object."""
    pairs: Iterable[tuple[HeaderValue, HeaderValue]]
    if isinstance(headers, Mapping):
        mapping = cast("Mapping[HeaderValue, HeaderValue]", headers)
        # Multi-value headers (Starlette, httpx) list every value; a dict has one per key.
        multi = getattr(mapping, "multi_items", None)
        pairs = (
            cast("Iterable[tuple[HeaderValue, HeaderValue]]", multi())
            if callable(multi)
            else mapping.items()
        )
    else:
        pairs = headers
    return [_text(value) for key, value in pairs if _text(key).lower() == name]


def verify(headers: Headers, secret: str) -> None:
    """Check that a webhook request carries your secret in `x-webhook-secret`.

    The comparison takes the same time whatever the value, so the secret cannot be
    guessed byte by byte; error messages never contain either value.

    Args:
        headers: The request's headers: a dict, a framework's headers object, or pairs.
        secret: The secret you gave in `WebhookConfig(secret=...)`.

    Raises:
        WebhookVerificationError: The header is missing or does not match.
        ValueError: `secret` is empty (any request would pass).
    """
    if not secret:
        raise ValueError("secret must be a non-empty string: an empty secret verifies nothing")
    values = _header_values(headers, SECRET_HEADER)
    if not values:
        raise WebhookVerificationError(f"Webhook rejected: no {SECRET_HEADER} header.")
    expected = secret.encode()
    # Every copy of the header must match, so a forged extra copy cannot slip through.
    matches = [
        hmac.compare_digest(value.encode("latin-1", "replace"), expected) for value in values
    ]
    if not all(matches):
        raise WebhookVerificationError(
            f"Webhook rejected: the {SECRET_HEADER} header does not match the secret."
        )


def _timestamp(value: object) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise WebhookParseError("Webhook body has no numeric `timestamp` (unix seconds).")
    try:
        seconds = float(value)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise WebhookParseError(
            f"Webhook body has an invalid `timestamp`: {str(value)[:40]!r}."
        ) from None


def parse(
    body: bytes | str, headers: Headers | None = None, *, secret: str | None = None
) -> WebhookEvent:
    """Verify a webhook request, then read its body.

    PiAPI sends your secret verbatim in `x-webhook-secret`; it is compared in constant
    time with `secret` before the body is read. For tests and for bodies that come from a
    queue you trust, `parse_unverified(body)` reads without checking.

    Args:
        body: The raw request body, as bytes or text.
        headers: The request's headers: a dict, a framework's headers object, or pairs.
        secret: Your webhook secret (`WebhookConfig(secret=...)`). Required.

    Returns:
        The notification: its timestamp and task, typed by its model as `tasks.get` reads
        it (a `Sora2Task`, a `KlingTask`, ...; a `Task` for models without a typed class),
        read leniently: only the task's `task_id` and `status` must be readable.

    Raises:
        TypeError: `secret` was not given (nothing is read unverified by accident).
        WebhookVerificationError: The header is missing or does not match.
        WebhookParseError: The body is not JSON or not PiAPI's webhook shape.
    """
    if secret is None:
        raise TypeError(
            "webhooks.parse needs secret=: it checks the request's x-webhook-secret header "
            "before reading it. To read a body without checking (tests, a trusted queue), "
            "call webhooks.parse_unverified(body)."
        )
    verify(headers if headers is not None else {}, secret)
    return parse_unverified(body)


def parse_unverified(body: bytes | str) -> WebhookEvent:
    """Read a webhook body without checking where it came from: for tests, and for bodies
    a receiver already verified (`verify`) or took from a queue you trust.

    Raises:
        WebhookParseError: The body is not JSON or not PiAPI's webhook shape.
    """
    try:
        # pydantic-core's parser bounds the depth: nested JSON cannot exhaust the stack.
        payload: object = from_json(body)
    except ValueError:
        raise WebhookParseError("Webhook body is not JSON (or is nested too deep).") from None
    if not isinstance(payload, dict):
        raise WebhookParseError("Webhook body is not a JSON object.")
    fields = cast("dict[str, Any]", payload)
    timestamp = _timestamp(fields.get("timestamp"))
    data: object = fields.get("data")
    if not isinstance(data, dict):
        raise WebhookParseError("Webhook body has no task object in `data`.")
    try:
        task = read_task_data(cast("dict[str, Any]", data))
    except ValidationError as exc:
        # Values are left out on purpose: the task echoes the webhook secret in its config.
        raise WebhookParseError(
            f"Webhook task cannot be read: data.{describe_validation_error(exc)}."
        ) from None
    return WebhookEvent(timestamp=timestamp, task=task)


class Deduplicator:
    """Which webhook deliveries are seen for the first time, across every process (and, on
    PostgreSQL, every machine) that uses the same store.

    ```python
    dedup = webhooks.Deduplicator("postgresql://piapi@db.internal/piapi")  # at start-up
    event = webhooks.parse(body, headers, secret=SECRET)
    if dedup.first_delivery(event):  # async code: await dedup.afirst_delivery(event)
        ...  # the first replica to see this notification: act on it
    ```

    Args:
        store: `sqlite:///path` (the processes of one machine), `postgresql://...` (any
            number of machines; `piapi-sdk[postgres]`), an open `piapi.stores.Store`
            (not closed by `close`), or None: `$PIAPI_STORE_URL`, else SQLite at
            `piapi.stores.default_sqlite_path()`. Opened on first use; its password never
            shows in a repr or an error.
        retention: How long a key is remembered (default 7 days: PiAPI's redeliveries come
            within minutes); older keys are pruned by later deliveries.

    Safe to share between threads; one per process is enough.
    """

    def __init__(
        self,
        store: str | os.PathLike[str] | Store | None = None,
        *,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        from piapi.stores import STORE_URL_ENV
        from piapi.stores._url import default_sqlite_path, parse_url, redact

        self._lock = threading.Lock()
        self._retention = retention
        self._store: Store | None = None
        self._owned = False
        self._target: str | os.PathLike[str] = ""
        if store is None:
            store = os.environ.get(STORE_URL_ENV) or default_sqlite_path()
        if isinstance(store, str | os.PathLike):
            parse_url(store)  # a bad URL is refused now (redacted)
            self._target, self._owned = store, True
            self.url = redact(os.fspath(store))
        else:
            self._store, self.url = store, store.url

    def __repr__(self) -> str:
        return f"Deduplicator({self.url!r})"

    def _opened(self) -> Store:
        with self._lock:
            if self._store is None:
                from piapi.stores import open_store

                self._store = open_store(self._target, delivery_retention=self._retention)
            return self._store

    def first_delivery(self, event: WebhookEvent | str) -> bool:
        """True exactly once per `event.dedup_key` (or key) across every process using the
        store: act on the delivery only then, and answer 200 either way. Blocking: one
        committed transaction."""
        key = event.dedup_key if isinstance(event, WebhookEvent) else event
        return self._opened().claim_delivery(key)

    async def afirst_delivery(self, event: WebhookEvent | str) -> bool:
        """`first_delivery` in a worker thread, so the event loop never waits (asyncio, trio)."""
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.first_delivery, event)

    def close(self) -> None:
        """Close the store's connection if this object opened it (it opens again if used)."""
        with self._lock:
            store = self._store if self._owned else None
            if self._owned:
                self._store = None
        if store is not None:
            store.close()

    def __enter__(self) -> Deduplicator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
