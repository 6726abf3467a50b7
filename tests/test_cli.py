"""The `piapi` command line: in process against the fake PiAPI, and as the installed script."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import piapi._cli as cli
from piapi import PiAPIClient
from piapi.testing import FakePiAPI, FakePiAPIServer, Fault

KEY = "sk-live-do-not-print-me"
SCRIPT = Path(sys.executable).parent / "piapi"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, piapi_client: PiAPIClient
) -> Run:
    """`run(*argv)` -> (exit code, stdout, stderr), with the CLI talking to `piapi_fake`."""

    def make_client(args: object) -> PiAPIClient:
        # A copy: each command closes its client, and closing a copy closes nothing.
        return piapi_client.with_options()

    monkeypatch.setattr(cli, "_make_client", make_client)
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        assert KEY not in out + err
        return code, out, err

    return run


def one_task(fake: FakePiAPI) -> str:
    (task,) = fake.created_tasks
    return task.task_id


# --- sora2 --------------------------------------------------------------------------------


def test_sora2_estimates_creates_waits_and_downloads(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    code, out, err = run("sora2", "A red fox", "--duration", "8", "--yes", "-o", str(tmp_path))
    task_id = one_task(piapi_fake)
    assert code == 0
    assert "Estimated cost $0.64" in err
    assert f"Created task {task_id}" in err
    assert f"Saved {tmp_path / task_id}.mp4" in out
    assert "8 s video, cost $0.64, took" in out
    assert (tmp_path / f"{task_id}.mp4").stat().st_size == piapi_fake.media_size


def test_sora2_without_a_terminal_needs_yes(run: Run, piapi_fake: FakePiAPI) -> None:
    code, _, err = run("sora2", "A red fox")
    assert code == cli.EXIT_USAGE
    assert "stdin is not a terminal. Pass --yes" in err
    assert piapi_fake.created_tasks == []


@pytest.mark.parametrize(("answer", "code", "created"), [("n\n", 1, 0), ("y\n", 0, 1)])
def test_sora2_asks_on_a_terminal(
    run: Run,
    piapi_fake: FakePiAPI,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    answer: str,
    code: int,
    created: int,
) -> None:
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(answer))
    result, _, err = run("sora2", "A red fox", "-o", str(tmp_path))
    assert result == code
    assert "Create it for $0.32?" in err
    assert len(piapi_fake.created_tasks) == created


def test_sora2_json_and_no_wait(run: Run, piapi_fake: FakePiAPI) -> None:
    code, out, err = run(
        "sora2", "A fox", "--yes", "--no-wait", "--json",
        "--webhook", "https://example.test/hook", "--webhook-secret", "hook-secret-1",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert data["task_id"] == one_task(piapi_fake)
    assert data["config"]["webhook_config"]["secret"] == "<redacted>"
    assert "hook-secret-1" not in out + err
    assert f"piapi task wait {data['task_id']}" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--resolution", "1080p"], "--resolution needs --pro"),
        (["--pro", "--image-url", "https://x.test/a.png"], "--image-url works only without"),
        (["--webhook-secret", "s"], "--webhook-secret needs --webhook"),
    ],
)
def test_sora2_usage_errors(run: Run, argv: list[str], words: str) -> None:
    code, _, err = run("sora2", "A fox", "--yes", *argv)
    assert code == cli.EXIT_USAGE
    assert words in err


def test_argparse_errors_exit_2(run: Run) -> None:
    code, _, err = run("sora2", "A fox", "--duration", "5")
    assert code == cli.EXIT_USAGE
    assert "invalid choice" in err


# --- task ---------------------------------------------------------------------------------


def test_task_get_wait_and_cancel(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    task = piapi_client.sora2.create(prompt="A fox")
    code, out, _ = run("task", "get", task.task_id)
    assert code == 0
    assert f"Task {task.task_id}  pending" in out
    assert "cost     $0.32" in out

    code, out, _ = run("task", "wait", task.task_id, "-o", str(tmp_path / "fox.mp4"))
    assert code == 0
    assert (tmp_path / "fox.mp4").exists()

    code, out, _ = run("task", "get", task.task_id, "--json")
    assert json.loads(out)["status"] == "completed"

    other = piapi_client.sora2.create(prompt="Another fox")
    code, out, _ = run("task", "cancel", other.task_id, "--json")
    assert code == 0
    assert json.loads(out)["status"] == "cancelled"


# --- exit codes ---------------------------------------------------------------------------


def test_no_api_key_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIAPI_API_KEY", raising=False)
    assert cli.main(["task", "get", "x"]) == cli.EXIT_AUTH
    assert "No API key: set the PIAPI_API_KEY" in capsys.readouterr().err


def test_a_refused_key_exits_3_without_echoing_it(
    capsys: pytest.CaptureFixture[str], piapi_server: FakePiAPIServer
) -> None:
    code = cli.main(["task", "get", "x", "--api-key", KEY, "--base-url", piapi_server.url])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_AUTH
    assert "PiAPI refused the API key" in err
    assert KEY not in out + err


def test_api_errors_exit_4(run: Run, piapi_fake: FakePiAPI) -> None:
    code, _, err = run("task", "get", "no-such-task")
    assert code == cli.EXIT_API
    assert "404" in err


def test_connection_errors_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["task", "get", "x", "--api-key", KEY, "--base-url", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_API
    assert "Could not reach PiAPI" in err
    assert err.count("\n") == 1  # one line, no traceback


def test_a_failed_task_exits_5(run: Run, piapi_fake: FakePiAPI) -> None:
    piapi_fake.script(outcome="failed", error_message="content policy")
    code, _, err = run("sora2", "A fox", "--yes", "--no-download")
    assert code == cli.EXIT_TASK_FAILED
    assert "ended failed: content policy" in err


def test_a_timeout_exits_6_and_says_how_to_resume(run: Run, piapi_fake: FakePiAPI) -> None:
    code, _, err = run("sora2", "A fox", "--yes", "--timeout", "3")
    task_id = one_task(piapi_fake)
    assert code == cli.EXIT_TIMEOUT
    assert f"piapi task wait {task_id}" in err


def test_a_failed_download_exits_7(run: Run, piapi_fake: FakePiAPI, tmp_path: Path) -> None:
    piapi_fake.faults.add(Fault.cut_media(0.5), endpoint="media")
    code, _, err = run("sora2", "A fox", "--yes", "-o", str(tmp_path))
    task_id = one_task(piapi_fake)
    assert code == cli.EXIT_DOWNLOAD
    assert f"piapi task wait {task_id} -o PATH" in err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_waiting_exits_130_with_the_resume_command(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    piapi_client._sleep = interrupted
    code, _, err = run("sora2", "A fox", "--yes")
    assert code == cli.EXIT_INTERRUPTED
    assert f"resume with: piapi task wait {one_task(piapi_fake)}" in err


def test_a_bug_exits_70_without_a_traceback(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: object) -> PiAPIClient:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_make_client", broken)
    code, _, err = run("task", "get", "x")
    assert code == cli.EXIT_INTERNAL
    assert "Traceback" not in err
    assert "RuntimeError: boom" in err


def test_missing_rich_exits_2_with_the_install_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    assert cli.main(["task", "get", "x"]) == cli.EXIT_USAGE
    assert (
        capsys.readouterr().err.strip()
        == 'piapi: the command line needs rich: pip install "piapi-sdk[cli]"'
    )


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for code in cli.EXIT_CODES:
        assert f"  {code:<4} " in out


# --- the installed script -----------------------------------------------------------------


def piapi(*argv: str, server: FakePiAPIServer, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIAPI_API_KEY": "test", "PIAPI_BASE_URL": server.url}
    return subprocess.run(
        [str(SCRIPT), *argv],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_script_makes_a_video_into_the_current_directory(
    piapi_server: FakePiAPIServer, tmp_path: Path
) -> None:
    refused = piapi("sora2", "A fox", server=piapi_server, cwd=tmp_path)
    assert refused.returncode == cli.EXIT_USAGE
    assert "Pass --yes" in refused.stderr

    done = piapi("sora2", "A fox", "--yes", server=piapi_server, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (task,) = piapi_server.fake.created_tasks
    assert (tmp_path / f"{task.task_id}.mp4").exists()
    assert "Traceback" not in done.stderr

    missing = piapi("task", "get", "nope", server=piapi_server, cwd=tmp_path)
    assert missing.returncode == cli.EXIT_API
    assert missing.stderr.startswith("error: PiAPI error 404")


def test_script_ctrl_c_while_waiting(tmp_path: Path) -> None:
    with FakePiAPIServer(FakePiAPI(task_duration=600)) as server:
        env = {**os.environ, "PIAPI_API_KEY": "test", "PIAPI_BASE_URL": server.url}
        with subprocess.Popen(
            [str(SCRIPT), "sora2", "A slow fox", "--yes"],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stderr is not None
            for line in process.stderr:
                if line.startswith("Waiting for task"):
                    break
            process.send_signal(signal.SIGINT)
            rest = process.stderr.read()
            code = process.wait(timeout=30)
        (task,) = server.fake.created_tasks
    assert code == cli.EXIT_INTERRUPTED
    assert f"resume with: piapi task wait {task.task_id}" in rest
    assert "Traceback" not in rest
