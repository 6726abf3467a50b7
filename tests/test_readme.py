"""The README's code runs as written: quick starts on the fake, the pytest example as a test."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from piapi import PiAPIClient
from piapi.testing import FakePiAPI, fake_unless_configured

README = (Path(__file__).parent.parent / "README.md").read_text()
SECTIONS = {
    section.split("\n", 1)[0]: re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    for section in README.split("\n## ")[1:]
}
QUICK_STARTS = SECTIONS["Quick start"]
TESTS = SECTIONS["Testing your code offline"]
[DOWNLOAD_AND_WEBHOOKS] = SECTIONS["Download, webhooks, command line"]


def test_every_python_block_in_the_readme_is_tested() -> None:
    tested = {"Quick start", "Testing your code offline", "Download, webhooks, command line"}
    assert {title for title, blocks in SECTIONS.items() if blocks} == tested
    assert len(QUICK_STARTS) == 2  # sync and async
    assert len(TESTS) == 1


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
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
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
