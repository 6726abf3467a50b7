"""Fixtures for the core tests: one harness drives the sync and the async client alike."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cli_forkserver
from _support import Api, FakeTime, Handler
from cli_forkserver import TIMEOUT, Running

pytest_plugins = ["pytester"]  # test_readme.py runs the README's pytest example for real


def pytest_sessionstart(session: pytest.Session) -> None:
    """Ctrl-C raises KeyboardInterrupt, however pytest was started (in each xdist worker too).

    A shell starts a background job (`pytest &`) with SIGINT ignored, and Python then installs
    no KeyboardInterrupt handler: the tests that press Ctrl-C would see nothing happen.
    """
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ):
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(params=["sync", "asyncio", "trio"])
def make_api(request: pytest.FixtureRequest, fake_time: FakeTime) -> Callable[..., Api]:
    """Build an `Api` harness for each of: the sync client, async on asyncio, async on trio."""

    def make(handler: Handler, **options: Any) -> Api:
        return Api(str(request.param), handler, fake_time, **options)

    return make


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_piapi_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real key or URL from the environment."""
    monkeypatch.delenv("PIAPI_API_KEY", raising=False)
    monkeypatch.delenv("PIAPI_BASE_URL", raising=False)


@pytest.fixture(scope="session")
def forks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """The socket of a fork server with the command line loaded (None where there is none)."""
    if not cli_forkserver.available():
        yield None
        return
    path = str(tmp_path_factory.mktemp("forks") / "s")
    server = subprocess.Popen(
        [sys.executable, cli_forkserver.__file__, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    assert server.stdin is not None
    try:
        assert server.stdout.readline() == b"ready\n"
        yield path
    finally:
        server.stdin.close()
        server.wait(TIMEOUT)
        server.stdout.close()


@pytest.fixture
def start(tmp_path: Path, forks: str | None) -> Iterator[Callable[..., Running]]:
    """`start(*argv, server=..., ...)`; every process is reaped at the end of the test."""
    started: list[Running] = []

    def start(*argv: str, **options: object) -> Running:
        options.setdefault("cwd", tmp_path)
        options.setdefault("forks", forks)
        running = Running(*argv, **options)  # type: ignore[arg-type]
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()
