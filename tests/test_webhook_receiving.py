"""`piapi.webhooks`: verification, parsing, and the example receiver end to end over sockets."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.datastructures import Headers

from piapi import (
    PiAPIClient,
    Sora2Task,
    Task,
    TaskStatus,
    WebhookConfig,
    WebhookParseError,
    WebhookVerificationError,
    webhooks,
)
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer

SECRET = "s3cret-for-tests-only"
WRONG = "not-the-secret-value"
EXAMPLE = Path(__file__).parent.parent / "examples" / "webhook_receiver.py"


def payload(
    status: str = "completed", model: str = "sora2", timestamp: object = 1761705275
) -> dict[str, Any]:
    return {
        "timestamp": timestamp,
        "data": {
            "task_id": "4eba5893-2a39-4218-b5aa-bb9f3c4a26b2",
            "model": model,
            "task_type": "sora2-video" if model == "sora2" else "txt2img",
            "status": status,
            "config": {
                "service_mode": "",
                "webhook_config": {"endpoint": "https://example.test/hook", "secret": SECRET},
            },
            "input": {"prompt": "A fox", "aspect_ratio": "16:9", "duration": 4},
            "output": {"video": "https://img.theapi.app/ephemeral/x.mp4"},
            "meta": {"created_at": "2025-10-29T02:33:03.28237536Z", "usage": {"consume": 3200000}},
            "x_future_field": {"kept": True},
        },
    }


def encode(obj: object) -> bytes:
    return json.dumps(obj).encode()


# --- verify -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"x-webhook-secret": SECRET},
        {"X-Webhook-Secret": SECRET, "Content-Type": "application/json"},
        Headers({"X-WEBHOOK-SECRET": SECRET}),
        httpx.Headers({"x-webhook-secret": SECRET}),
        [("Content-Type", "application/json"), ("x-webhook-secret", SECRET)],
        [(b"x-webhook-secret", SECRET.encode())],
    ],
    ids=["dict", "dict-titlecase", "starlette", "httpx", "pairs", "asgi-bytes"],
)
def test_verify_accepts_the_secret_in_any_headers_object(headers: Any) -> None:
    webhooks.verify(headers, SECRET)


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, "no x-webhook-secret header"),
        ({"x-webhook-secret": WRONG}, "does not match"),
        ({"x-webhook-secret": ""}, "does not match"),
        ({"x-webhook-secret": SECRET + " "}, "does not match"),
        ([("x-webhook-secret", SECRET), ("x-webhook-secret", WRONG)], "does not match"),
        ({"x-webhook-secret": "sécret"}, "does not match"),
    ],
    ids=["missing", "wrong", "empty", "trailing-space", "two-values", "non-ascii"],
)
def test_verify_rejects_a_missing_or_wrong_secret_without_revealing_it(
    headers: Any, words: str
) -> None:
    with pytest.raises(WebhookVerificationError, match=words) as info:
        webhooks.verify(headers, SECRET)
    for text in (str(info.value), repr(info.value)):
        assert SECRET not in text
        assert WRONG not in text


def test_verify_refuses_an_empty_expected_secret() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        webhooks.verify({"x-webhook-secret": ""}, "")


# --- parse --------------------------------------------------------------------------------


def test_parse_reads_a_sora2_task_with_typed_output() -> None:
    event = webhooks.parse(encode(payload()), {"x-webhook-secret": SECRET}, secret=SECRET)
    assert isinstance(event.task, Sora2Task)
    assert event.task.output is not None
    assert event.task.output.video == "https://img.theapi.app/ephemeral/x.mp4"
    assert event.task.status is TaskStatus.COMPLETED
    assert event.timestamp == datetime(2025, 10, 29, 2, 34, 35, tzinfo=timezone.utc)
    assert event.task.model_extra == {"x_future_field": {"kept": True}}
    assert SECRET not in repr(event)


def test_parse_reads_other_models_as_plain_tasks_and_text_bodies() -> None:
    event = webhooks.parse_unverified(json.dumps(payload(model="midjourney", status="Processing")))
    assert type(event.task) is Task
    assert event.task.status is TaskStatus.PROCESSING


def test_dedup_key_is_equal_for_redeliveries_only() -> None:
    first = webhooks.parse_unverified(encode(payload()))
    again = webhooks.parse_unverified(encode(payload()))
    later = webhooks.parse_unverified(encode(payload(timestamp=1761705276)))
    other = webhooks.parse_unverified(encode(payload(status="processing")))
    assert first.dedup_key == again.dedup_key
    assert len({first.dedup_key, later.dedup_key, other.dedup_key}) == 3


def test_parse_without_a_secret_reads_nothing_and_names_the_alternative() -> None:
    # The first call a new user writes: a forged header must not get a task through.
    with pytest.raises(TypeError, match=r"secret=.*parse_unverified\(body\)"):
        webhooks.parse(encode(payload()), {"x-webhook-secret": "attacker"})
    with pytest.raises(TypeError, match="parse_unverified"):
        webhooks.parse(encode(payload()))


def test_parse_verifies_before_reading() -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.parse(b"not even json", secret=SECRET)
    with pytest.raises(WebhookVerificationError):
        webhooks.parse(encode(payload()), {"x-webhook-secret": WRONG}, secret=SECRET)


def _without_task_id() -> bytes:
    body = payload()
    del body["data"]["task_id"]
    return encode(body)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "not JSON"),
        (b"<html>502</html>", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (encode({"data": payload()["data"]}), "no numeric `timestamp`"),
        (encode(payload(timestamp="soon")), "invalid `timestamp`"),
        (encode(payload(timestamp=10**20)), "invalid `timestamp`"),
        (encode({"timestamp": 1}), "no task object"),
        (encode({"timestamp": 1, "data": "x"}), "no task object"),
        (_without_task_id(), "data.task_id: Field required"),
    ],
    ids=[
        "empty",
        "html",
        "binary",
        "array",
        "no-timestamp",
        "bad-timestamp",
        "huge-timestamp",
        "no-data",
        "data-not-object",
        "no-task-id",
    ],
)
def test_malformed_bodies_raise_a_clear_parse_error(body: bytes, words: str) -> None:
    with pytest.raises(WebhookParseError, match=words) as info:
        webhooks.parse_unverified(body)
    assert SECRET not in str(info.value)


def test_a_shape_error_does_not_echo_the_secret() -> None:
    body = payload()
    body["data"]["status"] = {"not": "a string"}
    with pytest.raises(WebhookParseError) as info:
        webhooks.parse_unverified(encode(body))
    assert SECRET not in str(info.value)


# --- the example receiver, end to end -----------------------------------------------------


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_receiver", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["webhook_receiver"] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def serve_app(app: Any) -> Generator[str, None, None]:
    """Run an ASGI app with uvicorn on a free loopback port in a thread."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="webhook-receiver", daemon=True)
    thread.start()
    wait_until(lambda: server.started, "the receiver to start")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    """Wait for something another thread does; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_receiver_verifies_dedups_and_downloads_over_real_sockets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakePiAPI(clock=FakeClock())  # the test moves time: no real waiting
    example = load_example()
    with FakePiAPIServer(fake) as api:
        monkeypatch.setenv("PIAPI_API_KEY", "test")
        monkeypatch.setenv("PIAPI_BASE_URL", api.url)
        app = example.create_app(secret=SECRET, download_dir=tmp_path)
        with serve_app(app) as receiver, PiAPIClient() as client:
            hook = WebhookConfig(endpoint=f"{receiver}/webhook", secret=SECRET)
            task = client.sora2.create(prompt="A fox", webhook=hook)
            fake.clock.advance(fake.queue_delay + fake.task_duration)
            wait_until(lambda: task.task_id in app.state.downloads, "the video download")
            done = client.sora2.get(task.task_id)

            path: Path = app.state.downloads[task.task_id]
            assert done.output is not None
            assert done.output.video is not None
            assert path == tmp_path / f"{task.task_id}.mp4"
            assert path.read_bytes() == fake.media(done.output.video).read()
            statuses = [d.task_status for d in fake.webhook_deliveries]
            assert statuses == ["pending", "processing", "completed"]
            assert all(d.ok for d in fake.webhook_deliveries)

            # A redelivery is acknowledged but not processed again; a forgery is refused.
            last = fake.webhook_deliveries[-1].payload
            with httpx.Client() as http:
                url = f"{receiver}/webhook"
                again = http.post(url, json=last, headers={"x-webhook-secret": SECRET})
                forged = http.post(url, json=last, headers={"x-webhook-secret": WRONG})
                garbage = http.post(url, content=b"{", headers={"x-webhook-secret": SECRET})
            assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
            assert forged.status_code == 401
            assert WRONG not in forged.text
            assert garbage.status_code == 400
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


async def post_to(app: Any, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int]:
    """POST `chunks` to the app's /webhook over raw ASGI: (status, body chunks it read)."""
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read == len(chunks):
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/webhook", "raw_path": b"/webhook", "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    await app(scope, receive, send)
    return statuses[0], read


@pytest.mark.anyio
async def test_receiver_checks_the_secret_before_reading_and_caps_the_body(
    tmp_path: Path,
) -> None:
    example = load_example()
    app = example.create_app(secret=SECRET, download_dir=tmp_path, max_body=1000)
    megabyte = b"x" * 1_000_000
    # A stranger's POST: refused before a single byte of its body is read.
    assert await post_to(app, {"x-webhook-secret": WRONG}, [megabyte] * 3) == (401, 0)
    assert await post_to(app, {}, [megabyte] * 3) == (401, 0)
    # Too big: refused from its Content-Length, or as soon as the limit is passed.
    declared = {"x-webhook-secret": SECRET, "content-length": str(3 * len(megabyte))}
    assert await post_to(app, declared, [megabyte] * 3) == (413, 0)
    chunks = [b"y" * 400] * 10
    assert await post_to(app, {"x-webhook-secret": SECRET}, chunks) == (413, 3)
    # Within the limit, a body is read and parsed as usual.
    fits = encode(payload(status="processing"))
    assert len(fits) < 1000 * 2
    app = example.create_app(secret=SECRET, download_dir=tmp_path, max_body=len(fits))
    assert await post_to(app, {"x-webhook-secret": SECRET}, [fits]) == (200, 1)
