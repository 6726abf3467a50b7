"""The README's code runs as written: quick starts on the fake, the pytest example as a test."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from piapi.testing import fake_unless_configured

README = (Path(__file__).parent.parent / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
QUICK_STARTS = [block for block in BLOCKS if "def test_" not in block]
TESTS = [block for block in BLOCKS if "def test_" in block]


def test_the_readme_has_the_blocks_these_tests_expect() -> None:
    assert len(QUICK_STARTS) == 2  # sync and async
    assert len(TESTS) == 1


@pytest.mark.parametrize("block", QUICK_STARTS, ids=["sync", "async"])
def test_quick_start_runs_against_the_fake(block: str) -> None:
    output = io.StringIO()
    with (
        fake_unless_configured(task_duration=0.1, queue_delay=0.05) as server,
        contextlib.redirect_stdout(output),
    ):
        assert server is not None
        url = server.url
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert f"{url}/ephemeral/" in output.getvalue()
    assert re.search(r"\.mp4 0\.(32|64)\b", output.getvalue())


def test_pytest_example_passes_with_the_shipped_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user_code=TESTS[0])
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
