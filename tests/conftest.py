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
from _support import HOOK_SECRET, LIVE_KEY, Api, FakeTime, Handler, Run
from cli_forkserver import TIMEOUT, Running
from piapi import PiAPIClient

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
def _no_piapi_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never pick up a developer's real key or URL from the environment, nor the key
    `piapi login` stored: the config folder is the test's own."""
    monkeypatch.delenv("PIAPI_API_KEY", raising=False)
    monkeypatch.delenv("PIAPI_BASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


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


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    piapi_client: PiAPIClient,
    tmp_path: Path,
) -> Run:
    """`run(*argv)` -> (exit code, stdout, stderr): the `piapi` command line in process,
    talking to `piapi_fake`, in `tmp_path` (the default output directory is "."), with no
    terminal and no webhook secret in the environment. No output ever shows `LIVE_KEY` or
    `HOOK_SECRET`.
    """
    import piapi.cli as cli  # here, not above: most tests never load the command line
    from piapi.cli import _checks, _ui

    def make_client(args: object) -> PiAPIClient:
        # A copy: each command closes its client, and closing a copy closes nothing.
        return piapi_client.with_options()

    monkeypatch.setattr(_checks, "make_client", make_client)
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PIAPI_WEBHOOK_SECRET", raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        assert LIVE_KEY not in out + err
        assert HOOK_SECRET not in out + err
        return code, out, err

    return run
