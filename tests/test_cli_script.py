"""The installed `piapi` script as a user runs it: a real process against the fake server.

Each is a fork of a process that loaded the command line already (`cli_forkserver.py`:
the same script, ~0.4 s of CPU less each); the test of Ctrl-C during the first import
starts a fresh interpreter.

Ctrl-C is a real SIGINT, sent at moments the test observes (a line printed, a request the
fake received, an import reached), never after a delay: each test waits for a state.
"""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

import cli_forkserver
from cli_forkserver import ForkedProcess
from piapi._cli import _exit as codes
from piapi.testing import FakePiAPI, FakePiAPIServer, Fault

SCRIPT = Path(sys.executable).parent / "piapi"
TIMEOUT = 30.0  # generous: a bound for a state that comes at once, not a timing
# A background job (`cmd &` in a script) starts with SIGINT ignored, and Python then installs
# no KeyboardInterrupt handler: the CLI starts through this shim so Ctrl-C behaves as in a
# terminal however pytest itself was started.
WITH_DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


class Running:
    """`piapi ARGS...` running in the background; its output is collected as it comes.

    A fork of the fork server (`forks`), or with `forks=None` a fresh interpreter.
    """

    def __init__(
        self,
        *argv: str,
        server: FakePiAPIServer | None,
        cwd: Path,
        forks: str | None,
        env: dict[str, str] | None = None,
        stdin: int | None = None,
    ) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PIAPI_")}
        if server is not None:
            environment |= {"PIAPI_API_KEY": "test", "PIAPI_BASE_URL": server.url}
        environment |= env or {}
        self.process: subprocess.Popen[bytes] | ForkedProcess
        if forks is not None:
            self.process = ForkedProcess(forks, list(argv), environment, cwd, stdin)
        else:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WITH_DEFAULT_SIGINT, str(SCRIPT), *argv],
                env=environment,
                cwd=cwd,
                stdin=subprocess.DEVNULL if stdin is None else stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        self._changed = threading.Condition()
        self._output = {"out": bytearray(), "err": bytearray()}
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, "out"), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, "err"), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[bytes], name: str) -> None:
        while chunk := os.read(stream.fileno(), 65536):
            with self._changed:
                self._output[name] += chunk
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def text(self, name: str = "err") -> str:
        with self._changed:
            return self._output[name].decode("utf-8", "replace")

    def wait_for_text(self, pattern: str, name: str = "err") -> re.Match[str]:
        """Block until the output matches `pattern` (a regular expression)."""
        with self._changed:
            self._changed.wait_for(
                lambda: (
                    re.search(pattern, self.text(name)) is not None
                    or not any(reader.is_alive() for reader in self._readers)
                ),
                TIMEOUT,
            )
        match = re.search(pattern, self.text(name))
        assert match, f"no {pattern!r} on std{name}:\n{self.text('out')}\n{self.text('err')}"
        return match

    def interrupt(self) -> int:
        """Ctrl-C, then the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.finish()

    def finish(self) -> int:
        code = self.process.wait(timeout=TIMEOUT)
        for reader in self._readers:
            reader.join(TIMEOUT)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
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


def wait_until(condition: Callable[[], object], what: str) -> None:
    """Wait for something the fake records (a state), within a generous bound."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def assert_no_traceback(running: Running) -> None:
    output = running.text("out") + running.text("err")
    assert "Traceback" not in output
    assert "KeyboardInterrupt" not in output


@pytest.fixture
def instant() -> Iterator[FakePiAPIServer]:
    """Tasks done when created: the CLI never has to sleep before its next step."""
    with FakePiAPIServer(FakePiAPI(queue_delay=0, task_duration=0)) as server:
        yield server


@pytest.fixture
def slow() -> Iterator[FakePiAPIServer]:
    """Tasks that take ten minutes: the CLI is still at it when Ctrl-C comes."""
    with FakePiAPIServer(FakePiAPI(queue_delay=0, task_duration=600)) as server:
        yield server


def test_makes_a_video_into_the_current_directory(
    start: Callable[..., Running], instant: FakePiAPIServer, tmp_path: Path
) -> None:
    refused = start("sora2", "A fox", server=instant)
    assert refused.finish() == codes.EXIT_USAGE
    assert "Pass --yes" in refused.text()

    done = start("sora2", "A fox", "--yes", server=instant)
    assert done.finish() == 0, done.text()
    (task,) = instant.fake.created_tasks
    assert (tmp_path / f"{task.task_id}.mp4").exists()
    assert f"Saved {task.task_id}.mp4  (" in done.text("out")
    assert_no_traceback(done)


# --- Ctrl-C at each moment ----------------------------------------------------------------

BLOCK_IMPORT = """
import os, sys, time

class BlockFirstImport:
    def find_spec(self, name, path=None, target=None):
        if name != {module!r}:
            return None
        sys.meta_path.remove(self)
        os.write(2, b"(test) importing {module}\\n")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # Ctrl-C ends this
            time.sleep(0.05)
        return None

if os.path.basename(sys.argv[0]) == "piapi":
    sys.meta_path.insert(0, BlockFirstImport())
"""


def test_ctrl_c_during_the_first_import(
    start: Callable[..., Running], slow: FakePiAPIServer, tmp_path: Path
) -> None:
    """The import of pydantic (which `import piapi` must not do) is held until Ctrl-C."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BLOCK_IMPORT.format(module="pydantic"))
    running = start(
        "sora2", "A fox", "--yes", server=slow, env={"PYTHONPATH": str(hook)}, forks=None
    )  # a fresh interpreter: its first import is the point
    running.wait_for_text("importing pydantic")
    assert running.interrupt() == codes.EXIT_INTERRUPTED
    assert running.text().endswith("Interrupted. Nothing was created.\n")
    assert_no_traceback(running)
    assert slow.fake.requests == []


def test_ctrl_c_before_the_create_answer_says_the_task_may_exist(
    start: Callable[..., Running], slow: FakePiAPIServer
) -> None:
    slow.fake.faults.add(Fault.slow(TIMEOUT), endpoint="create")  # created, answer held back
    running = start("sora2", "A fox", "--yes", server=slow)
    wait_until(lambda: slow.fake.created_tasks, "the create to reach the fake")
    assert running.interrupt() == codes.EXIT_INTERRUPTED
    err = running.text()
    assert "Interrupted before PiAPI answered." in err
    assert "the task may exist and be billed" in err
    assert "Check your task history in the PiAPI workspace" in err
    assert_no_traceback(running)


def test_ctrl_c_right_after_the_create(
    start: Callable[..., Running], slow: FakePiAPIServer
) -> None:
    running = start("sora2", "A fox", "--yes", "-o", "out", "--timeout", "900", server=slow)
    task_id = running.wait_for_text(r"Created task (\S+) \(processing\)\.")[1]
    assert running.interrupt() == codes.EXIT_INTERRUPTED
    assert (
        f"Task {task_id} goes on at PiAPI; resume with: piapi task wait {task_id} -o out "
        "--timeout 900\n"
    ) in running.text()
    assert_no_traceback(running)


def test_ctrl_c_while_waiting_between_polls(
    start: Callable[..., Running], slow: FakePiAPIServer
) -> None:
    running = start("sora2", "A slow fox", "--yes", "--json", server=slow)
    running.wait_for_text("Waiting for task")
    assert running.interrupt() == codes.EXIT_INTERRUPTED
    (task,) = slow.fake.created_tasks
    assert f"resume with: piapi task wait {task.task_id} -o . --json" in running.text()
    assert_no_traceback(running)


def test_ctrl_c_while_a_poll_is_in_flight(
    start: Callable[..., Running], slow: FakePiAPIServer
) -> None:
    task_id = _create(slow)
    slow.fake.faults.add(Fault.slow(TIMEOUT), endpoint="get")
    running = start("task", "wait", task_id, server=slow)
    wait_until(lambda: any(r.endpoint == "get" for r in slow.fake.requests), "the first poll")
    assert running.interrupt() == codes.EXIT_INTERRUPTED
    assert running.text().endswith(
        f"Stopped. Task {task_id} goes on at PiAPI; resume with: piapi task wait {task_id}\n"
    )
    assert "Waiting for task" not in running.text()  # its status was never known
    assert_no_traceback(running)


def _create(server: FakePiAPIServer) -> str:
    with httpx.Client(base_url=server.url, headers={"x-api-key": "test"}) as http:
        body = {"model": "sora2", "task_type": "sora2-video", "input": {"prompt": "A fox"}}
        task_id: str = http.post("/api/v1/task", json=body).json()["data"]["task_id"]
    return task_id


def test_ctrl_c_while_downloading_keeps_no_partial_file(
    start: Callable[..., Running], instant: FakePiAPIServer, tmp_path: Path
) -> None:
    instant.fake.faults.add(Fault.slow(TIMEOUT), endpoint="media")
    running = start("sora2", "A fox", "--yes", "-o", "videos/", server=instant)
    wait_until(lambda: any(r.endpoint == "media" for r in instant.fake.requests), "the download")
    assert running.interrupt() == codes.EXIT_INTERRUPTED
    (task,) = instant.fake.created_tasks
    assert (
        f"Download stopped; no partial file was kept. Task {task.task_id} is completed: "
        f"download it while its URL lasts with: piapi task wait {task.task_id} -o videos/"
    ) in running.text()
    assert_no_traceback(running)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- the prompt, the environment, text from the server ------------------------------------


def test_enter_at_the_cost_prompt_spends_nothing(
    start: Callable[..., Running], instant: FakePiAPIServer
) -> None:
    terminal, keyboard = pty.openpty()
    try:
        running = start("sora2", "A fox", server=instant, stdin=keyboard)
        running.wait_for_text(r"Create it for \$0\.32\? \[y/N\] $")
        os.write(terminal, b"\n")
        assert running.finish() == codes.EXIT_DECLINED
    finally:
        os.close(terminal)
        os.close(keyboard)
    assert "Nothing was created." in running.text()
    assert instant.fake.requests == []


def test_the_receivers_webhook_secret_in_the_environment_does_not_break_sora2(
    start: Callable[..., Running], instant: FakePiAPIServer
) -> None:
    secret = "receiver-secret-do-not-print"
    running = start(
        "sora2", "A fox", "--yes", "--no-wait", server=instant,
        env={"PIAPI_WEBHOOK_SECRET": secret},
    )  # fmt: skip
    assert running.finish() == 0, running.text()
    (task,) = instant.fake.created_tasks
    assert task.webhook is None
    assert secret not in running.text() + running.text("out")


def test_hostile_text_from_the_server_is_printed_as_text(
    start: Callable[..., Running], slow: FakePiAPIServer
) -> None:
    hostile = "\x1b]0;pwned\x07[/oops]\x1b[2J\u202e"
    slow.fake.faults.add(Fault.unknown_status(hostile), endpoint="create", times=1)
    slow.fake.script(task_id=f"id{hostile}")
    running = start("sora2", "A fox", "--yes", "--no-wait", server=slow)
    assert running.finish() == 0, running.text()
    out, err = running.text("out"), running.text()
    for char in RAW_CONTROLS:
        assert char not in out + err
    visible = "\\x1b]0;pwned\\x07[/oops]\\x1b[2J\\u202e"
    assert f"Created task id{visible} ({visible})." in err
    assert out == f"id{visible}\n"


# --- the fake server command --------------------------------------------------------------


def test_fake_server_serves_and_logs_each_request_on_one_line(
    start: Callable[..., Running],
) -> None:
    running = start("fake-server", "--port", "0", "--api-key", "k", server=None)
    url = running.wait_for_text(r"listening on (http://\S+)", "out")[1]
    with httpx.Client(base_url=url, headers={"x-api-key": "k"}) as http:
        assert http.get("/api/v1/task/nope").status_code == 404
        assert http.get("/api/v1/task/x", headers={"x-api-key": "wrong"}).status_code == 401
    running.wait_for_text(r"\d\d:\d\d:\d\d GET /api/v1/task/nope 404\n", "out")
    running.wait_for_text(r"GET /api/v1/task/x 401\n", "out")
    assert running.interrupt() == 0
    assert_no_traceback(running)
