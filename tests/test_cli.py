"""The `piapi` command line in process, against the fake PiAPI on a fake clock.

The installed script itself (signals, the first imports, a terminal) is tested in
test_cli_script.py; here every command, check, message and exit code, quickly.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

import piapi.cli as cli
from _support import HOOK_SECRET, LIVE_KEY, Run
from piapi import PiAPIClient
from piapi.cli import _app, _checks, _ui
from piapi.cli import _exit as codes
from piapi.cli._session import Resume, Session, Stage
from piapi.testing import FakePiAPI, FakePiAPIServer, Fault

DEFAULT_MAX_RETRIES = 2  # the clients' documented default


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
    assert f"Created task {task_id} (pending)." in err
    assert f"Waiting for task {task_id} (pending)..." in err
    # One line per status change, not one per poll.
    assert err.count("  processing after") == 1
    assert err.count("  completed after") == 1
    assert f"Saved {tmp_path / task_id}.mp4" in out
    assert "8 s video, cost $0.64, took" in out
    assert (tmp_path / f"{task_id}.mp4").stat().st_size == piapi_fake.media_size


def test_sora2_without_a_terminal_needs_yes(run: Run, piapi_fake: FakePiAPI) -> None:
    code, _, err = run("sora2", "A red fox")
    assert code == codes.EXIT_USAGE
    assert "stdin is not a terminal. Pass --yes" in err
    assert piapi_fake.created_tasks == []


@pytest.mark.parametrize(
    ("answer", "code", "created"),
    [
        ("\n", codes.EXIT_DECLINED, 0),  # Enter spends nothing
        ("", codes.EXIT_DECLINED, 0),  # end of input neither
        ("n\n", codes.EXIT_DECLINED, 0),
        ("maybe\n", codes.EXIT_DECLINED, 0),
        ("y\n", codes.EXIT_OK, 1),
        ("YES\n", codes.EXIT_OK, 1),
    ],
)
def test_sora2_asks_on_a_terminal_and_no_is_the_default(
    run: Run,
    piapi_fake: FakePiAPI,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
    created: int,
) -> None:
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    result, _, err = run("sora2", "A red fox", "--no-download")
    assert result == code
    assert "Create it for $0.32? [y/N]" in err
    assert len(piapi_fake.created_tasks) == created
    if not created:
        assert "Nothing was created." in err


def test_sora2_json_and_no_wait(run: Run, piapi_fake: FakePiAPI) -> None:
    code, out, err = run(
        "sora2", "A fox", "--yes", "--no-wait", "--json",
        "--webhook", "https://example.test/hook", "--webhook-secret", HOOK_SECRET,
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert data["task_id"] == one_task(piapi_fake)
    assert data["config"]["webhook_config"]["secret"] == "<redacted>"
    assert f"Wait for it with: piapi task wait {data['task_id']} -o . --json" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--resolution", "1080p"], "--resolution needs --pro"),
        (["--pro", "--image-url", "https://x.test/a.png"], "--image-url works only without"),
        (["--webhook-secret", "s"], "--webhook-secret needs --webhook"),
        (["--duration", "5"], "invalid choice: 5"),
        (["--timeout", "-5"], "--timeout: expected a number of seconds above 0, e.g. 600"),
        (["--timeout", "0"], "--timeout: expected a number of seconds above 0"),
        (["--timeout", "nan"], "--timeout: expected a number of seconds above 0"),
        (["--timeout", "soon"], "--timeout: expected a number of seconds above 0"),
        (["--base-url", "127.0.0.1:8765"], "e.g. http://127.0.0.1:8765"),
        (["--base-url", "localhost:8765"], "--base-url 'localhost:8765' is not an http(s) URL"),
        (["--base-url", "ftp://x.test"], "is not an http(s) URL"),
    ],
)
def test_sora2_refuses_bad_arguments_before_creating_anything(
    run: Run, piapi_fake: FakePiAPI, argv: list[str], words: str
) -> None:
    code, _, err = run("sora2", "A fox", "--yes", *argv)
    assert code == codes.EXIT_USAGE
    assert words in err
    assert piapi_fake.requests == []


def test_a_base_url_without_a_scheme_in_the_environment_is_refused(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIAPI_BASE_URL", "127.0.0.1:8765")
    code, _, err = run("sora2", "A fox", "--yes")
    assert code == codes.EXIT_USAGE
    assert "PIAPI_BASE_URL '127.0.0.1:8765' is not an http(s) URL" in err
    assert "e.g. http://127.0.0.1:8765" in err
    assert piapi_fake.requests == []


def test_an_output_path_that_cannot_be_written_is_refused_first(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    code, _, err = run("sora2", "A fox", "--yes", "-o", str(tmp_path / "a-file" / "fox.mp4"))
    assert code == codes.EXIT_USAGE
    assert f"{tmp_path / 'a-file'} is a file, not a directory. Choose another -o." in err

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != locked and real_access(path, mode)
    )
    for argv in (["sora2", "A fox", "--yes"], ["task", "wait", "some-id"]):
        code, _, err = run(*argv, "-o", str(locked / "new" / "dir/"))
        assert code == codes.EXIT_USAGE
        assert f"no permission to write in {locked}" in err
    assert piapi_fake.requests == []


def test_the_webhook_secret_from_the_environment(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIAPI_WEBHOOK_SECRET", HOOK_SECRET)
    code, _, err = run("sora2", "A fox", "--yes", "--no-wait")
    assert code == 0, err  # set for the receiver example, it is not an error here
    assert piapi_fake.created_tasks[0].webhook is None

    code, _, err = run("sora2", "A fox", "--yes", "--no-wait", "--webhook", "https://x.test/h")
    assert code == 0
    assert piapi_fake.created_tasks[1].webhook == ("https://x.test/h", HOOK_SECRET)
    assert "warning" not in err


def test_a_webhook_without_a_secret_warns(run: Run, piapi_fake: FakePiAPI) -> None:
    code, _, err = run("sora2", "A fox", "--yes", "--no-wait", "--webhook", "https://x.test/h")
    assert code == 0
    assert "warning: --webhook without a secret: anyone who learns the URL can post" in err
    assert piapi_fake.created_tasks[0].webhook == ("https://x.test/h", "")


def test_help_never_shows_a_secret_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIAPI_WEBHOOK_SECRET", HOOK_SECRET)
    monkeypatch.setenv("PIAPI_API_KEY", LIVE_KEY)
    assert cli.main(["sora2", "--help"]) == 0
    out = capsys.readouterr().out
    assert "$PIAPI_WEBHOOK_SECRET" in out
    assert HOOK_SECRET not in out
    assert LIVE_KEY not in out


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
    code, out, err = run("task", "cancel", other.task_id, "--json")
    assert code == 0
    assert f"Cancelled task {other.task_id}." in err
    assert json.loads(out)["status"] == "cancelled"


def test_task_wait_shows_the_real_status_and_nothing_for_a_missing_task(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    task = piapi_client.sora2.create(prompt="A fox")
    piapi_fake.start(task.task_id)
    code, _, err = run("task", "wait", task.task_id)
    assert code == 0
    assert f"Waiting for task {task.task_id} (processing)..." in err
    assert err.count("completed after") == 1

    code, _, err = run("task", "wait", "no-such-task")
    assert code == codes.EXIT_API
    assert "Waiting" not in err
    assert "404" in err

    code, out, err = run("task", "wait", task.task_id)  # already over: nothing to wait for
    assert code == 0
    assert "Waiting" not in err
    assert f"Task {task.task_id}  completed" in out


# --- exit codes ---------------------------------------------------------------------------


def test_no_api_key_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIAPI_API_KEY", raising=False)
    assert cli.main(["task", "get", "x"]) == codes.EXIT_AUTH
    assert "No API key: run `piapi login` (or set the PIAPI_API_KEY" in capsys.readouterr().err


def test_a_refused_key_exits_3_without_echoing_it(
    capsys: pytest.CaptureFixture[str], piapi_server: FakePiAPIServer
) -> None:
    code = cli.main(["task", "get", "x", "--api-key", LIVE_KEY, "--base-url", piapi_server.url])
    out, err = capsys.readouterr()
    assert code == codes.EXIT_AUTH
    assert "PiAPI refused the API key" in err
    assert LIVE_KEY not in out + err


def test_api_errors_exit_4(run: Run, piapi_fake: FakePiAPI) -> None:
    code, _, err = run("task", "get", "no-such-task")
    assert code == codes.EXIT_API
    assert "404" in err


def test_connection_errors_exit_4(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backoffs: list[float] = []  # the retries' waits, recorded instead of slept
    monkeypatch.setattr(PiAPIClient, "_default_sleep", staticmethod(backoffs.append))
    code = cli.main(["task", "get", "x", "--api-key", LIVE_KEY, "--base-url", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == codes.EXIT_API
    assert len(backoffs) == DEFAULT_MAX_RETRIES  # retried, then reported
    assert "Could not reach PiAPI" in err
    assert err.count("\n") == 1  # one line, no traceback


def test_a_failed_task_exits_5(run: Run, piapi_fake: FakePiAPI) -> None:
    piapi_fake.script(outcome="failed", error_message="content policy")
    code, _, err = run("sora2", "A fox", "--yes", "--no-download")
    assert code == codes.EXIT_TASK_FAILED
    assert "ended failed: content policy" in err


def test_a_timeout_exits_6_and_the_resume_command_repeats_the_options(
    run: Run, piapi_fake: FakePiAPI
) -> None:
    code, _, err = run("sora2", "A fox", "--yes", "--timeout", "3", "-o", "my videos")
    task_id = one_task(piapi_fake)
    assert code == codes.EXIT_TIMEOUT
    assert f"Keep waiting with: piapi task wait {task_id} -o 'my videos' --timeout 3" in err


def test_a_failed_download_exits_7_and_says_how_to_retry(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    piapi_fake.faults.add(Fault.cut_media(0.5), endpoint="media")
    code, _, err = run("sora2", "A fox", "--yes", "-o", str(tmp_path))
    task_id = one_task(piapi_fake)
    assert code == codes.EXIT_DOWNLOAD
    assert f"Try again while the URL lasts: piapi task wait {task_id} -o {tmp_path}" in err
    assert list(tmp_path.iterdir()) == []


def test_a_bug_exits_70_without_a_traceback(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: object) -> PiAPIClient:
        raise RuntimeError("boom")

    monkeypatch.setattr(_checks, "make_client", broken)
    code, _, err = run("task", "get", "x")
    assert code == codes.EXIT_INTERNAL
    assert "Traceback" not in err
    assert "RuntimeError: boom" in err


def test_missing_rich_exits_2_with_the_install_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    assert cli.main(["task", "get", "x"]) == codes.EXIT_USAGE
    assert (
        capsys.readouterr().err.strip()
        == 'piapi: the command line needs rich: pip install "piapi-sdk[cli]"'
    )


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for code in codes.EXIT_CODES:
        assert f"  {code:<4} " in out


# --- Ctrl-C at each moment (in process; the real signal is in test_cli_script.py) ---------


def test_ctrl_c_while_waiting_says_how_to_resume(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    piapi_client._sleep = interrupted
    code, _, err = run("sora2", "A fox", "--yes", "--json")
    assert code == codes.EXIT_INTERRUPTED
    task_id = one_task(piapi_fake)
    assert f"Stopped. Task {task_id} goes on at PiAPI; resume with: " in err
    assert f"piapi task wait {task_id} -o . --json" in err


def test_ctrl_c_before_the_create_answer_says_the_task_may_exist(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = piapi_fake.handle

    def answer_lost(method: str, url: str, headers: Any, body: bytes = b"") -> Any:
        handle(method, url, headers, body)  # PiAPI creates the task...
        raise KeyboardInterrupt  # ...and Ctrl-C comes before its answer is read

    monkeypatch.setattr(piapi_fake, "handle", answer_lost)
    code, _, err = run("sora2", "A fox", "--yes")
    assert code == codes.EXIT_INTERRUPTED
    assert "Interrupted before PiAPI answered." in err
    assert "the task may exist and be billed" in err
    assert "Check your task history in the PiAPI workspace" in err
    assert len(piapi_fake.created_tasks) == 1


def test_ctrl_c_while_downloading_keeps_no_partial_file(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(piapi_client, "download", interrupted)
    code, _, err = run("sora2", "A fox", "--yes", "-o", "out")
    task_id = one_task(piapi_fake)
    assert code == codes.EXIT_INTERRUPTED
    assert "Download stopped; no partial file was kept." in err
    assert f"download it while its URL lasts with: piapi task wait {task_id} -o out" in err


def test_ctrl_c_at_the_prompt_creates_nothing(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    class CtrlC(io.StringIO):
        def readline(self, size: int | None = -1) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", CtrlC())
    code, _, err = run("sora2", "A fox")
    assert code == codes.EXIT_INTERRUPTED
    assert err.endswith("Interrupted. Nothing was created.\n")
    assert piapi_fake.requests == []


SHELL_TRAP = "$(rm -rf ~)"


@pytest.mark.parametrize(
    ("session", "message"),
    [
        (Session(), "Interrupted. Nothing was created."),
        (Session(stage=Stage.CREATE_SENT), "Interrupted before PiAPI answered. The create"),
        (
            Session(stage=Stage.WAITING, task_id_given="t1", resume=Resume(output=".")),
            "Stopped. Task t1 goes on at PiAPI; resume with: piapi task wait t1 -o .",
        ),
        (
            Session(
                stage=Stage.WAITING,
                task_id_given="t1",
                resume=Resume(output="a b", timeout=600, json=True, base_url="http://h:1"),
            ),
            "resume with: piapi task wait t1 --base-url http://h:1 -o 'a b' --timeout 600 --json",
        ),
        (
            Session(stage=Stage.DOWNLOADING, task_id_given="t1", resume=Resume(output="v.mp4")),
            "Download stopped; no partial file was kept. Task t1 is completed: download it "
            "while its URL lasts with: piapi task wait t1 -o v.mp4",
        ),
        (
            Session(stage=Stage.CANCEL_SENT, task_id_given="t1"),
            "the cancel of task t1 may or may not have reached PiAPI; check with: "
            "piapi task get t1",
        ),
        (Session(stage=Stage.DONE, task_id_given="t1"), "Interrupted after task t1 was done."),
        (
            Session(stage=Stage.WAITING, task_id_given=SHELL_TRAP),
            "resume with: piapi task wait '$(rm -rf ~)'",  # quoted: safe to paste
        ),
    ],
)
def test_what_ctrl_c_says_at_each_stage(session: Session, message: str) -> None:
    assert message in session.interrupted_message()


# --- text from the server or the user is shown, never interpreted -------------------------

HOSTILE = {
    "markup": "[/oops] [red]x[/red] [link=https://evil.test]y[/link] :smile:",
    "csi": "\x1b[2J\x1b[31m",
    "osc": "\x1b]0;pwned\x07\x1b]8;;https://evil.test\x1b\\",
    "c1": "\x9b31m",
    "bidi": "abc\u202edcba",
}
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def assert_shown_as_text(output: str) -> None:
    for char in RAW_CONTROLS:
        assert char not in output, f"raw {char!r} reached the terminal"


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_status_task_id_message_and_prompt_are_printed_as_text(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI, kind: str
) -> None:
    word = HOSTILE[kind]
    # A status word on the create's answer (after a paid create: the old CLI exited 70).
    piapi_fake.faults.add(Fault.unknown_status(word), endpoint="create", times=1)
    piapi_fake.script(task_id=f"id-{word}")
    code, out, err = run("sora2", f"prompt {word}", "--yes", "--no-wait")
    assert code == 0, err
    assert_shown_as_text(out + err)
    if kind == "markup":
        assert f"({word})" in err  # literally
    else:
        assert "\\x" in err or "\\u" in err  # the controls shown as escapes

    # A status, prompt and failure message read back by `task get`, in text and JSON.
    piapi_fake.script(outcome="failed", error_message=f"because {word}", queue_delay=0, duration=0)
    failed = piapi_client.sora2.create(prompt=f"prompt {word}")
    code, out, err = run("task", "get", failed.task_id)
    assert code == 0
    assert_shown_as_text(out + err)
    # Task, model, prompt, created, took, cost, error: one line each, whatever the text holds.
    assert out.count("\n") == 7
    code, out, _ = run("task", "get", failed.task_id, "--json")
    assert_shown_as_text(out)
    assert json.loads(out)["error"]["message"] == f"because {word}"

    # A failure message in an error line.
    piapi_fake.script(outcome="failed", error_message=f"because {word}", queue_delay=0, duration=0)
    code, _, err = run("sora2", "A fox", "--yes")
    assert code == codes.EXIT_TASK_FAILED
    assert_shown_as_text(err)
    assert err.count("\n") == 3  # estimate, created, one error line


def test_markup_in_server_text_is_printed_literally(run: Run, piapi_fake: FakePiAPI) -> None:
    piapi_fake.faults.add(Fault.unknown_status("[/oops]"), endpoint="create", times=1)
    piapi_fake.script(task_id="[bold]id[/bold]")
    code, out, err = run("sora2", "A fox", "--yes", "--no-wait")
    assert code == 0
    assert "Created task [bold]id[/bold] ([/oops])." in err
    assert out == "[bold]id[/bold]\n"


# --- the fake server command --------------------------------------------------------------


def _options(parser: argparse.ArgumentParser) -> list[tuple[tuple[str, ...], object, str]]:
    return [
        (tuple(action.option_strings), action.default, str(action.help))
        for action in parser._actions
        if action.option_strings and action.dest != "help"
    ]


def test_fake_server_and_python_m_piapi_testing_take_the_same_options() -> None:
    from piapi.testing.__main__ import DESCRIPTION, add_arguments

    standalone = argparse.ArgumentParser()
    add_arguments(standalone)
    commands = _app.build_parser()._subparsers
    assert commands is not None
    (choices,) = [a for a in commands._actions if isinstance(a, argparse._SubParsersAction)]
    under_cli = choices.choices["fake-server"]
    assert _options(under_cli) == _options(standalone)
    assert under_cli.description == DESCRIPTION
    names = {option for options, _, _ in _options(standalone) for option in options}
    assert {"--api-key", "--port", "--host", "--task-duration", "--queue-delay"} <= names
    assert all("(default: %(default)s)" in help for _, _, help in _options(standalone))
