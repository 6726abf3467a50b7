"""The README's code runs as written: quick starts on the fake, the pytest example as a test,
and the typed blocks pass mypy --strict and pyright as written (kept verbatim in
tests/typing/, which the type checkers read)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from _support import runpytest_forked
from piapi import PiAPIClient
from piapi.testing import FakePiAPI, fake_unless_configured

README = (Path(__file__).parent.parent / "README.md").read_text()
SECTIONS = {
    section.split("\n", 1)[0]: re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    for section in README.split("\n## ")[1:]
}
QUICK_STARTS = SECTIONS["Quick start"]
TESTS = SECTIONS["Testing your code offline"]
[ANY_MODEL] = SECTIONS["Any PiAPI model"]
[DOWNLOAD_AND_WEBHOOKS] = SECTIONS["Download, webhooks, command line"]
[ACCOUNT] = SECTIONS["Account, uploads and a spending limit"]
TYPING = Path(__file__).parent / "typing"


def test_every_python_block_in_the_readme_is_tested() -> None:
    tested = {
        "Quick start",
        "Any PiAPI model",
        "Testing your code offline",
        "Download, webhooks, command line",
        "Account, uploads and a spending limit",
    }
    assert {title for title, blocks in SECTIONS.items() if blocks} == tested
    assert len(QUICK_STARTS) == 2  # sync and async
    assert len(TESTS) == 1


@pytest.mark.parametrize(
    ("block", "copy"),
    [
        (QUICK_STARTS[0], "readme_quickstart_sync.py"),
        (QUICK_STARTS[1], "readme_quickstart_async.py"),
        (ANY_MODEL, "readme_any_model.py"),
    ],
    ids=["sync", "async", "any-model"],
)
def test_typed_blocks_are_type_checked_as_written(block: str, copy: str) -> None:
    # mypy --strict and pyright (strict) check tests/typing/ in `scripts/dev.py test`.
    assert block in (TYPING / copy).read_text()


@pytest.mark.parametrize("block", QUICK_STARTS, ids=["sync", "async"])
def test_quick_start_runs_against_the_fake(block: str) -> None:
    output = io.StringIO()
    with (
        fake_unless_configured(timing="instant") as server,
        contextlib.redirect_stdout(output),
    ):
        assert server is not None
        url = server.url
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert f"{url}/ephemeral/" in output.getvalue()
    assert re.search(r"\.mp4 0\.(32|64)\b", output.getvalue())


def test_pytest_example_passes_with_the_shipped_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user_code=TESTS[0])
    result = runpytest_forked(pytester, "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_download_and_webhook_snippet(
    piapi_client: PiAPIClient,
    piapi_fake: FakePiAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    task = piapi_client.sora2.create_and_wait(prompt="a fox")
    secret = "readme-secret"
    body = json.dumps({"timestamp": 1761705183, "data": piapi_fake.get_task(task.task_id)})
    names: dict[str, Any] = {
        "client": piapi_client,
        "task": task,
        "body": body,
        "headers": {"X-Webhook-Secret": secret},
        "SECRET": secret,
        "seen": set(),
    }
    exec(compile(DOWNLOAD_AND_WEBHOOKS, "README.md", "exec"), names)
    assert names["path"] == Path("videos") / f"{task.task_id}.mp4"
    assert (tmp_path / names["path"]).read_bytes()[4:8] == b"ftyp"
    assert (tmp_path / "fox.mp4").exists()
    assert names["event"].task.task_id == task.task_id
    assert names["seen"] == {names["event"].dedup_key}


def test_any_model_block_downloads_a_kling_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    output = io.StringIO()
    with (
        fake_unless_configured(timing="instant") as server,
        contextlib.redirect_stdout(output),
    ):
        assert server is not None
        url = server.url
        names: dict[str, Any] = {"__name__": "readme"}
        exec(compile(ANY_MODEL, "README.md", "exec"), names)
        (task,) = server.fake.created_tasks
    assert (task.model, task.task_type) == ("kling", "video_generation")
    path: Path = names["path"]
    assert path == Path("videos") / f"{task.task_id}.mp4"
    assert (tmp_path / path).read_bytes()[4:8] == b"ftyp"
    done = names["done"]
    assert done.media_urls == [done.output.video]  # read as a typed KlingTask
    assert f"{url}/ephemeral/" in output.getvalue()
    assert "0.5 0.5" in output.getvalue()  # Kling 3.0 std, 5 s at $0.10/s: held, then charged


def test_account_block_uploads_creates_under_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from piapi.testing import PngMedia

    monkeypatch.chdir(tmp_path)
    (tmp_path / "frame.png").write_bytes(PngMedia().read())
    output = io.StringIO()
    with fake_unless_configured(timing="instant") as server, contextlib.redirect_stdout(output):
        assert server is not None
        exec(compile(ACCOUNT, "README.md", "exec"), {"__name__": "readme"})
        (uploaded,) = server.fake.uploads
        (task,) = server.fake.created_tasks
    assert task.input["image_url"] == uploaded
    assert output.getvalue().splitlines() == ["creator 100.0", "0.50"]  # Kling's $0.50 hold


def test_account_block_reports_a_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piapi.testing import PngMedia

    monkeypatch.chdir(tmp_path)
    (tmp_path / "frame.png").write_bytes(PngMedia().read())
    output = io.StringIO()
    block = ACCOUNT.replace("spend_limit_usd=5", "spend_limit_usd=0.25")
    with fake_unless_configured(timing="instant") as server, contextlib.redirect_stdout(output):
        assert server is not None
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
        assert server.fake.created_tasks == []
    assert "Not sent: kling video_generation would cost $0.50" in output.getvalue()
