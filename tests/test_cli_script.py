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
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from cli_forkserver import TIMEOUT, Running
from piapi.cli import _exit as codes
from piapi.testing import FakePiAPI, FakePiAPIServer, Fault

SCRIPT = Path(sys.executable).parent / "piapi"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


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
