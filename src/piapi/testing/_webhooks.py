"""Webhook delivery for the fake: PiAPI's POST `{"timestamp", "data"}` with `x-webhook-secret`.

Deliveries queue up at each status change and go out either from a background
thread (servers) or synchronously on `flush()` (deterministic in-process tests); to a
loopback URL, or in process to a receiver (an ASGI app or a plain function, no sockets).
`webhook_delivery(task, secret=...)` builds one call as PiAPI makes it, for a test to send.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel

__all__ = [
    "LOOPBACK_HOSTS",
    "WebhookDelivery",
    "WebhookDispatcher",
    "WebhookReceiver",
    "WebhookRequest",
    "webhook_delivery",
]

WebhookReceiver = Callable[..., Any]
"""Where the fake delivers webhooks in process: an ASGI application (FastAPI, Starlette, any
`async def app(scope, receive, send)`), or a function `handler(body: bytes, headers:
dict[str, str])` returning the HTTP status it answers (None: 200)."""


class _WireTask(Protocol):
    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class WebhookRequest:
    """One webhook call as PiAPI makes it: POST `body` with `headers` to the endpoint.

    `headers` holds `content-type` and `x-webhook-secret` (the secret, verbatim): hand both
    to `webhooks.parse(request.body, request.headers, secret=...)`, or POST them to your
    app (`test_client.post(url, content=request.body, headers=request.headers)`).
    """

    body: bytes
    headers: dict[str, str] = field(repr=False)

    @property
    def payload(self) -> dict[str, Any]:
        """The body as JSON: `{"timestamp": <unix seconds>, "data": <task>}`."""
        payload: dict[str, Any] = json.loads(self.body)
        return payload


def webhook_delivery(
    task: BaseModel | Mapping[str, Any] | _WireTask, *, secret: str, timestamp: int | None = None
) -> WebhookRequest:
    """The webhook call PiAPI makes for `task`, for testing your receiver: the body
    `{"timestamp", "data": <task>}` as bytes and the `x-webhook-secret` header.

    Args:
        task: A task: one the SDK returned (`client.tasks.get(...)`), the fake's wire JSON
            (`piapi_fake.get_task(task_id)`), a `FakeTask`, or any task object as a dict.
        secret: The secret your receiver expects (PiAPI echoes the task's own verbatim).
        timestamp: The call's Unix time in seconds; default now.
    """
    if isinstance(task, BaseModel):
        data: Any = task.model_dump(mode="json")
    elif isinstance(task, Mapping):
        data = dict(task)
    else:
        data = task.to_json()
    when = int(time.time()) if timestamp is None else timestamp
    return _request({"timestamp": when, "data": data}, secret)


def _request(payload: Mapping[str, Any], secret: str) -> WebhookRequest:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return WebhookRequest(body, {"content-type": "application/json", "x-webhook-secret": secret})


def _is_asgi(receiver: WebhookReceiver) -> bool:
    # An app instance (FastAPI, Starlette) is ASGI by its own `async def __call__`.
    call = type(receiver).__call__ if not inspect.isroutine(receiver) else receiver
    return inspect.iscoroutinefunction(receiver) or inspect.iscoroutinefunction(call)


def _call_receiver(receiver: WebhookReceiver, endpoint: str, request: WebhookRequest) -> int:
    """Deliver `request` to `receiver` in process; the status it answers (500 if it raised,
    as a server would)."""
    if not _is_asgi(receiver):
        answer = receiver(request.body, dict(request.headers))
        return 200 if answer is None else int(answer)

    async def post() -> int:
        transport = httpx.ASGITransport(app=receiver, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.post(endpoint, content=request.body, headers=request.headers)
            return response.status_code

    # Its own event loop in its own thread: the caller may be inside a loop of its own. What
    # the thread raises is raised again here, in the caller's thread.
    with ThreadPoolExecutor(1, thread_name_prefix="piapi-fake-webhook-asgi") as thread:
        return thread.submit(asyncio.run, post()).result()


LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_TICK_INTERVAL = 0.02  # seconds between a delivery thread's catch-ups with the clock


@dataclass(frozen=True)
class WebhookDelivery:
    """One delivery attempt: `status_code` when the receiver answered, else `error`."""

    endpoint: str
    task_id: str
    task_status: str
    attempt: int
    status_code: int | None
    error: str | None
    # The payload echoes the task's config, secret included: keep it out of reprs.
    payload: dict[str, Any] = field(repr=False)

    @property
    def ok(self) -> bool:
        """True when the endpoint answered with a 2xx status."""
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Pending:
    endpoint: str
    secret: str = field(repr=False)
    payload: dict[str, Any] = field(repr=False)


class WebhookDispatcher:
    """Queue and send webhook calls, retrying failures `max_attempts` times with backoff.

    Only hosts in `allowed_hosts` (loopback by default) are ever contacted; other
    endpoints are recorded as blocked, so a copied production URL never leaks. The backoff
    goes through `sleep` (a fake's `FakeClock.sleep`), else a real wait that `stop` ends.
    """

    def __init__(
        self, tick: Callable[[], None], *, sleep: Callable[[float], None] | None = None
    ) -> None:
        self.max_attempts = 3
        self.backoff = 0.05
        self.timeout = 5.0
        self.allowed_hosts = set(LOOPBACK_HOSTS)
        self._tick = tick
        self._queue: deque[_Pending] = deque()
        self._deliveries: list[WebhookDelivery] = []
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        # Without a `sleep`, a real wait that `stop` ends.
        self._sleep: Callable[[float], object] = sleep if sleep is not None else self._stop.wait
        self._thread: threading.Thread | None = None
        self._receivers: dict[str | None, WebhookReceiver] = {}

    def receive(self, receiver: WebhookReceiver | None, endpoint: str | None = None) -> None:
        """Deliver to `receiver` in process the calls to `endpoint` (None: to every endpoint
        without a receiver of its own); `receiver=None` removes it."""
        with self._lock:
            if receiver is None:
                self._receivers.pop(endpoint, None)
            else:
                self._receivers[endpoint] = receiver

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every attempt so far, in order."""
        with self._lock:
            return list(self._deliveries)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def enqueue(self, endpoint: str, secret: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._queue.append(_Pending(endpoint, secret, payload))
        self._wake.set()

    def flush(self) -> list[WebhookDelivery]:
        """Send everything queued now, in the calling thread; return the attempts made."""
        with self._http_client() as client:
            return self._flush(client)

    def _http_client(self) -> httpx.Client:
        """A pool on the SDK's shared TLS context: building httpx's default reads the CA
        bundle (~20 ms), and a fake flushes webhooks often."""
        from piapi._core.pools import ssl_context

        return httpx.Client(timeout=self.timeout, trust_env=False, verify=ssl_context())

    def _flush(self, client: httpx.Client) -> list[WebhookDelivery]:
        made: list[WebhookDelivery] = []
        with self._send_lock:
            while True:
                with self._lock:
                    if not self._queue:
                        break
                    item = self._queue.popleft()
                made.extend(self._send(item, client))
        return made

    def start(self) -> None:
        """Deliver from a background thread, calling `tick` every `_TICK_INTERVAL` seconds."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="piapi-fake-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread; deliveries still queued stay queued."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            self._wake.set()
            thread.join(timeout=10)

    def _run(self) -> None:
        with self._http_client() as client:
            while not self._stop.is_set():
                self._wake.wait(_TICK_INTERVAL)
                self._wake.clear()
                self._tick()
                self._flush(client)

    def _send(self, item: _Pending, client: httpx.Client) -> list[WebhookDelivery]:
        data: dict[str, Any] = item.payload.get("data") or {}
        task_id, status = str(data.get("task_id", "")), str(data.get("status", ""))
        with self._lock:
            receiver = self._receivers.get(item.endpoint) or self._receivers.get(None)
        made: list[WebhookDelivery] = []

        def record(attempt: int, code: int | None, error: str | None) -> WebhookDelivery:
            made.append(
                WebhookDelivery(item.endpoint, task_id, status, attempt, code, error, item.payload)
            )
            with self._lock:
                self._deliveries.append(made[-1])
            return made[-1]

        host = urlsplit(item.endpoint).hostname or ""
        if receiver is None and host not in self.allowed_hosts:
            record(1, None, f"blocked: {host!r} not allowed")
            return made
        request = _request(item.payload, item.secret)
        for attempt in range(1, self.max_attempts + 1):
            code: int | None = None
            error: str | None = None
            try:
                if receiver is not None:
                    code = _call_receiver(receiver, item.endpoint, request)
                else:
                    code = client.post(
                        item.endpoint, content=request.body, headers=request.headers
                    ).status_code
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            except Exception as exc:  # the receiver in process raised: a server answers 500
                code, error = 500, f"{type(exc).__name__}: {exc}"
            delivery = record(attempt, code, error)
            if delivery.ok or attempt == self.max_attempts or self._stop.is_set():
                break
            self._sleep(self.backoff * 2 ** (attempt - 1))
        return made
