"""Webhooks over real loopback sockets: payload, secret header, status sequence, retries."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from _fakeutil import KEY, sora_body

from piapi import Sora2Task, WebhookVerificationError, parse_task, webhooks
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer, webhook_delivery


class Receiver:
    """A tiny webhook endpoint on 127.0.0.1 that can fail its first `fail_first` calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.fail_first = 0
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.calls.append((headers, json.loads(body)))
                status = 500 if len(receiver.calls) <= receiver.fail_first else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()
                receiver.received.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def statuses(self) -> list[str]:
        return [payload["data"]["status"] for _, payload in self.calls]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.httpd.shutdown()
    r.httpd.server_close()


def hook(url: str, secret: str = "s3cret") -> dict[str, Any]:
    return {"webhook_config": {"endpoint": url, "secret": secret}}


def test_each_status_change_is_delivered_in_order(
    fake: FakePiAPI, clock: FakeClock, receiver: Receiver
) -> None:
    with fake.client(headers=KEY) as client:
        created = client.post("/api/v1/task", json=sora_body(config=hook(receiver.url)))
    task_id = created.json()["data"]["task_id"]
    assert receiver.calls == []  # nothing leaves before a flush: deterministic
    fake.deliver_webhooks()
    assert receiver.statuses() == ["pending"]
    clock.advance(fake.queue_delay)
    fake.deliver_webhooks()
    clock.advance(fake.task_duration)
    made = fake.deliver_webhooks()
    assert receiver.statuses() == ["pending", "processing", "completed"]
    assert [d.task_status for d in made] == ["completed"]
    headers, payload = receiver.calls[-1]
    assert headers["x-webhook-secret"] == "s3cret"
    assert headers["content-type"] == "application/json"
    assert set(payload) == {"timestamp", "data"}
    assert isinstance(payload["timestamp"], int)
    assert payload["timestamp"] == fake.clock.wall_ns() // 10**9
    assert payload["data"] == fake.get_task(task_id)
    assert payload["data"]["output"]["video"]
    assert all(d.ok and d.attempt == 1 for d in fake.webhook_deliveries)


def test_failed_and_cancelled_tasks_notify(
    fake: FakePiAPI, clock: FakeClock, receiver: Receiver
) -> None:
    fake.script(outcome="failed", error_message="nope")
    with fake.client(headers=KEY) as client:
        failing = client.post("/api/v1/task", json=sora_body("a", config=hook(receiver.url)))
        cancelled = client.post("/api/v1/task", json=sora_body("b", config=hook(receiver.url)))
        client.delete(f"/api/v1/task/{cancelled.json()['data']['task_id']}")
    clock.advance(1000)
    fake.deliver_webhooks()
    by_task: dict[str, list[str]] = {}
    for _, payload in receiver.calls:
        by_task.setdefault(payload["data"]["task_id"], []).append(payload["data"]["status"])
    assert by_task[failing.json()["data"]["task_id"]] == ["pending", "processing", "failed"]
    assert by_task[cancelled.json()["data"]["task_id"]] == ["pending", "cancelled"]


def test_failed_delivery_is_retried_with_backoff_on_the_fake_clock(
    fake: FakePiAPI, clock: FakeClock, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    with fake.client(headers=KEY) as client:
        client.post("/api/v1/task", json=sora_body(config=hook(receiver.url)))
    made = fake.deliver_webhooks()
    assert [(d.attempt, d.status_code) for d in made] == [(1, 500), (2, 500), (3, 200)]
    assert len(receiver.calls) == 3
    backoff = fake.webhooks.backoff
    assert clock.monotonic() == pytest.approx(backoff + 2 * backoff)  # slept in fake time


def test_unreachable_endpoint_gives_up_after_max_attempts(fake: FakePiAPI) -> None:
    fake.webhooks.backoff = 0.0
    fake.webhooks.max_attempts = 2
    with fake.client(headers=KEY) as client:
        client.post("/api/v1/task", json=sora_body(config=hook("http://127.0.0.1:9/x")))
    made = fake.deliver_webhooks()
    assert [d.attempt for d in made] == [1, 2]
    assert all(d.status_code is None and d.error for d in made)
    assert fake.webhooks.pending == 0


def test_non_loopback_endpoint_is_never_contacted(fake: FakePiAPI) -> None:
    with fake.client(headers=KEY) as client:
        client.post("/api/v1/task", json=sora_body(config=hook("https://webhook.site/abc")))
    (made,) = fake.deliver_webhooks()
    assert made.status_code is None
    assert made.error is not None
    assert made.error.startswith("blocked")
    assert "s3cret" not in repr(made)


def test_server_delivers_from_a_background_thread(receiver: Receiver) -> None:
    fake = FakePiAPI(queue_delay=0.02, task_duration=0.05)
    with FakePiAPIServer(fake) as server:
        base = server.url
        body = sora_body(config=hook(receiver.url, "abc"))
        httpx.post(f"{server.url}/api/v1/task", json=body, headers=KEY)
        deadline = time.monotonic() + 30  # a bound on a state, not a timing
        while len(receiver.calls) < 3 and time.monotonic() < deadline:
            receiver.received.wait(0.05)
            receiver.received.clear()
    assert receiver.statuses() == ["pending", "processing", "completed"]
    assert {h["x-webhook-secret"] for h, _ in receiver.calls} == {"abc"}
    assert receiver.calls[-1][1]["data"]["output"]["video"].startswith(base)


# --- in process: no sockets ------------------------------------------------------------


class Handler:
    """A plain receiver: records each call, answers the statuses it is given, then 200."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[bytes, dict[str, str]]] = []

    def __call__(self, body: bytes, headers: dict[str, str]) -> int | None:
        self.calls.append((body, headers))
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return None  # 200


def asgi_app(calls: list[tuple[str, bytes, dict[str, str]]], status: int = 204) -> Any:
    """A bare ASGI app (no framework) recording the path, body and headers of each POST."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        calls.append((scope["path"], body, headers))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_a_plain_function_receives_each_call_in_process(fake: FakePiAPI) -> None:
    handler = Handler()
    fake.receive_webhooks(handler)
    with fake.client(headers=KEY) as client:
        created = client.post("/api/v1/task", json=sora_body(config=hook("https://example.com/h")))
    task_id = created.json()["data"]["task_id"]
    fake.complete(task_id)
    made = fake.deliver_webhooks()
    assert [(d.task_status, d.status_code) for d in made] == [
        ("pending", 200),
        ("processing", 200),
        ("completed", 200),
    ]
    body, headers = handler.calls[-1]
    assert headers == {"content-type": "application/json", "x-webhook-secret": "s3cret"}
    event = webhooks.parse(body, headers, secret="s3cret")
    assert (event.task.task_id, event.task.status) == (task_id, "completed")


def test_an_asgi_app_receives_each_call_at_its_endpoints_path(fake: FakePiAPI) -> None:
    calls: list[tuple[str, bytes, dict[str, str]]] = []
    fake.receive_webhooks(asgi_app(calls), endpoint="https://example.com/piapi/hook?x=1")
    with fake.client(headers=KEY) as client:
        client.post(
            "/api/v1/task", json=sora_body(config=hook("https://example.com/piapi/hook?x=1"))
        )
        client.post("/api/v1/task", json=sora_body(config=hook("https://example.com/other")))
    made = fake.deliver_webhooks()
    assert [d.status_code for d in made] == [204, None]  # another endpoint: still blocked
    assert made[1].error is not None
    assert made[1].error.startswith("blocked")
    ((path, body, headers),) = calls
    assert path == "/piapi/hook"
    assert headers["x-webhook-secret"] == "s3cret"
    assert json.loads(body)["data"]["status"] == "pending"


def test_a_receiver_that_fails_or_raises_is_retried_then_given_up(fake: FakePiAPI) -> None:
    handler = Handler(503, ValueError("boom"), 500)
    fake.receive_webhooks(handler)
    with fake.client(headers=KEY) as client:
        client.post("/api/v1/task", json=sora_body(config=hook("https://example.com/h")))
    made = fake.deliver_webhooks()
    assert [(d.attempt, d.status_code) for d in made] == [(1, 503), (2, 500), (3, 500)]
    assert made[1].error == "ValueError: boom"  # as a server answers an exception
    fake.receive_webhooks(None)  # removed: the endpoint is not loopback, so it is blocked
    with fake.client(headers=KEY) as client:
        client.post("/api/v1/task", json=sora_body(config=hook("https://example.com/h")))
    (blocked,) = fake.deliver_webhooks()
    assert blocked.error is not None
    assert blocked.error.startswith("blocked")


@pytest.mark.anyio
async def test_an_asgi_app_receives_calls_from_inside_a_running_event_loop(
    fake: FakePiAPI,
) -> None:
    calls: list[tuple[str, bytes, dict[str, str]]] = []
    fake.receive_webhooks(asgi_app(calls, status=200))
    async with fake.async_client(headers=KEY) as client:
        await client.post("/api/v1/task", json=sora_body(config=hook("https://example.com/h")))
    (made,) = fake.deliver_webhooks()
    assert made.ok
    assert len(calls) == 1


@pytest.mark.parametrize("form", ["sdk task", "wire dict", "fake task"])
def test_webhook_delivery_builds_the_call_piapi_makes(fake: FakePiAPI, form: str) -> None:
    with fake.client(headers=KEY) as client:
        created = client.post("/api/v1/task", json=sora_body(prompt="a heron"))
    task_id = created.json()["data"]["task_id"]
    fake.complete(task_id)
    source: Any = {
        "sdk task": parse_task(fake.get_task(task_id)),
        "wire dict": fake.get_task(task_id),
        "fake task": fake.created_tasks[0],
    }[form]
    call = webhook_delivery(source, secret="s3cret", timestamp=1_700_000_000)
    assert call.headers == {"content-type": "application/json", "x-webhook-secret": "s3cret"}
    assert call.payload["timestamp"] == 1_700_000_000
    assert "s3cret" not in repr(call)
    event = webhooks.parse(call.body, call.headers, secret="s3cret")
    assert isinstance(event.task, Sora2Task)
    assert (event.task.task_id, event.task.status) == (task_id, "completed")
    assert event.task.result_url.endswith(".mp4")
    assert event.dedup_key == f"{task_id}:completed:1700000000"
    with pytest.raises(WebhookVerificationError):
        webhooks.parse(call.body, call.headers, secret="another")
