"""Helpers of the core tests: seed data, a fake clock, and one harness for both clients."""

from __future__ import annotations

import copy
import inspect
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from piapi import AsyncPiAPIClient, PiAPIClient
from piapi.testing import FakePiAPI

DATA = Path(__file__).parent / "data"
API_KEY = "sk-test-0123456789abcdef"  # a distinctive value so leak checks can search for it
SEED_RESPONSE_TEXT = (DATA / "seed_response.json").read_text()
SEED_REQUEST: dict[str, Any] = json.loads((DATA / "seed_request.json").read_text())
TASK_ID = "4eba5893-2a39-4218-b5aa-bb9f3c4a26b2"
# Secrets the command line must never print: the `run` fixture checks every output for them.
LIVE_KEY = "sk-live-do-not-print-me"
HOOK_SECRET = "hook-secret-do-not-print"

Handler = Callable[[httpx.Request], httpx.Response]
Run = Callable[..., tuple[int, str, str]]  # the `run` fixture: argv -> (exit code, out, err)


def seed_envelope() -> dict[str, Any]:
    """A fresh copy of the seed's create response."""
    return copy.deepcopy(json.loads(SEED_RESPONSE_TEXT))


def task_envelope(status: str = "pending", **changes: Any) -> dict[str, Any]:
    """The seed's envelope with its task moved to `status` (completed tasks get a video)."""
    envelope = seed_envelope()
    task = envelope["data"]
    task["status"] = status
    if status.lower() == "completed":
        task["output"] = {"video": f"https://img.theapi.app/ephemeral/{TASK_ID}.mp4"}
        task["meta"]["started_at"] = "2025-10-29T02:33:10.5Z"
        task["meta"]["ended_at"] = "2025-10-29T02:34:35.123456789Z"
    if status.lower() == "failed":
        task["error"] = {"code": 10000, "raw_message": "moderation", "message": "prompt refused"}
    task.update(changes)
    return envelope


def ok(status: str = "pending", **changes: Any) -> httpx.Response:
    return httpx.Response(200, json=task_envelope(status, **changes))


def fake_handler(fake: FakePiAPI) -> Handler:
    """The fake PiAPI behind an `httpx.MockTransport`, so the `Api` harness can use it."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = fake.handle(request.method, str(request.url), request.headers, request.content)
        return httpx.Response(
            answer.status, headers=answer.headers, content=b"".join(answer.iter_body())
        )

    return handle


class FakeTime:
    """A clock that only moves when the code under test sleeps: waits take no real time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def monotonic(self) -> float:
        return self.now


class Api:
    """A sync or async client on an `httpx.MockTransport`, called the same way for both.

    `api("tasks.get", "id")` calls `client.tasks.get("id")`, running coroutines on the
    chosen backend, so one test body checks the sync and the async client.
    """

    def __init__(self, mode: str, handler: Handler, clock: FakeTime, **options: Any) -> None:
        self.mode = mode
        self.requests: list[httpx.Request] = []
        self.clock = clock

        def recording(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        transport = httpx.MockTransport(recording)
        options.setdefault("api_key", API_KEY)
        self.client: PiAPIClient | AsyncPiAPIClient
        if mode == "sync":
            self.client = PiAPIClient(http_client=httpx.Client(transport=transport), **options)
            self.client._sleep = clock.sleep
        else:
            self.client = AsyncPiAPIClient(
                http_client=httpx.AsyncClient(transport=transport), **options
            )
            self.client._sleep = clock.async_sleep
        self.client._now = clock.monotonic

    def run(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call `function`; if it is a coroutine function, run it on this harness's backend."""
        if not inspect.iscoroutinefunction(function):
            return function(*args, **kwargs)

        async def call() -> Any:
            return await function(*args, **kwargs)

        return anyio.run(call, backend=self.mode)

    def __call__(self, path: str, *args: Any, **kwargs: Any) -> Any:
        target: Any = self.client
        for part in path.split("."):
            target = getattr(target, part)
        return self.run(target, *args, **kwargs)


def runpytest_forked(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest on `pytester`'s files in a fork of this process (all loaded already),
    as `pytester.runpytest_inprocess` would, but leaving this process as it was.

    An in-process run unloads the modules it loaded, while what lives on keeps using them
    (httpx maps httpcore's exception classes from the first httpcore it met; `piapi`
    caches the classes it loaded lazily): a later import makes second copies, and tests
    that run afterwards fail. Without `os.fork`, a subprocess.
    """
    if not hasattr(os, "fork"):
        return pytester.runpytest_subprocess(*args)
    output = pytester.path / "pytest-output.txt"
    started = time.monotonic()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            sys.stdout = sys.stderr = open(1, "w", closefd=False)  # noqa: SIM115
            code = int(pytest.main([*args, str(pytester.path)]))
            sys.stdout.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    lines = output.read_text("utf-8", "replace").splitlines()
    return pytest.RunResult(
        os.waitstatus_to_exitcode(status), lines, [], time.monotonic() - started
    )
