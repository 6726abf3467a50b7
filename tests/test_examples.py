"""Every script in `examples/` runs green against the fake PiAPI, and the Quick start page
shows only code that runs: snippet includes of example files, or blocks executed here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from piapi.testing import FakePiAPI, FakePiAPIServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
QUICKSTART_PAGES = [DOCS / "index.md", DOCS / "quickstart.md"]
TIMEOUT = 60

VIDEO = r"https?://\S+\.mp4"
# Lines each example must print (regular expressions); an example not listed here must
# still exit 0. Costs are PiAPI's prices: $0.08/s standard, $0.24/s pro.
EXPECTED: dict[str, list[str]] = {
    "quickstart.py": [VIDEO, r"\$0\.32"],
    "async_quickstart.py": [r"status: completed", rf"video: {VIDEO}", r"cost: \$0\.32"],
    "batch_generate.py": [
        r"estimated \$1\.92",
        r"\[6/6\] #\d done: " + VIDEO,
        r"6 videos done, 0 failed, total cost \$1\.92",
    ],
    "image_to_video.py": [
        r"estimated cost: \$0\.64",
        r"from image: https://",
        rf"video: {VIDEO}",
        r"cost: \$0\.64",
    ],
    "pro_1080p.py": [
        r"estimated cost: \$1\.92 \(standard would be \$0\.64\)",
        r"sora2-pro-video at 1080p, 8 s",
        rf"video: {VIDEO}",
        r"cost: \$1\.92",
    ],
    "resume_wait.py": [
        r"created [0-9a-f-]{36} \(pending\)",
        r"waiting on [0-9a-f-]{36}",
        rf"video: {VIDEO}",
        r"cost: \$0\.32",
    ],
    "error_handling.py": [
        r"not sent: .*resolution is only for",
        r"refused: AuthenticationError 401",
        r"refused: NotFoundError 404",
        r"timed out: WaitTimeoutError",
        r"resumed: completed, cost \$0\.32",
        r"failed: failed: prompt rejected by content policy",
        r"unsure: APIConnectionError, task_may_exist=True",
        r"tasks with that prompt at PiAPI: 1",
    ],
    "fastapi_service.py": [
        r"POST /videos\?wait=true -> 200",
        rf"video: {VIDEO}",
        r"cost: \$0\.32",
        r"GET /videos/[0-9a-f-]{36} -> 200 completed",
    ],
}
# Command-line arguments for examples that need them (none today: each has an offline mode).
ARGS: dict[str, list[str]] = {}


def offline_env(**extra: str) -> dict[str, str]:
    """The environment without PiAPI credentials, so examples use the embedded fake."""
    env = {k: v for k, v in os.environ.items() if k not in ("PIAPI_API_KEY", "PIAPI_BASE_URL")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_script(
    path: Path, args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.py"))


def test_examples_exist() -> None:
    names = {path.name for path in EXAMPLE_FILES}
    assert set(EXPECTED) - {"quickstart.py"} <= names


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_runs_offline(path: Path) -> None:
    result = run_script(path, ARGS.get(path.name, []), offline_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{path.name} exited {result.returncode}:\n{output}"
    assert "Traceback" not in output, output
    for pattern in EXPECTED.get(path.name, []):
        assert re.search(pattern, result.stdout), f"{path.name}: no {pattern!r} in:\n{output}"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_has_a_docstring(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.lstrip().startswith('"""'), f"{path.name} must start with a docstring"


FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
    re.M | re.S,
)
SNIPPET = re.compile(r'^\s*-{1,2}8<-{1,2}\s+"(?P<path>[^"]+)"\s*$')


def python_blocks(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [
        textwrap.dedent(m["code"])
        for m in FENCE.finditer(text)
        if m["lang"] in ("python", "py", "python3")
    ]


def snippet_paths(code: str) -> list[str] | None:
    """The files a block includes when it is only `--8<-- "file"` lines, else None."""
    lines = [line for line in code.splitlines() if line.strip()]
    matches = [SNIPPET.match(line) for line in lines]
    if not lines or not all(matches):
        return None
    return [m["path"] for m in matches if m]


QUICKSTART_BLOCKS = [
    pytest.param(page, index, code, id=f"{page.name}-{index}")
    for page in QUICKSTART_PAGES
    if page.exists()
    for index, code in enumerate(python_blocks(page))
]


def test_quickstart_page_shows_both_examples() -> None:
    included = {
        path
        for page in QUICKSTART_PAGES
        if page.exists()
        for code in python_blocks(page)
        for path in snippet_paths(code) or []
    }
    assert {"examples/quickstart.py", "examples/async_quickstart.py"} <= included


@pytest.mark.parametrize(("page", "index", "code"), QUICKSTART_BLOCKS)
def test_quickstart_code_block_runs(page: Path, index: int, code: str, tmp_path: Path) -> None:
    """A block is either an include of an example (run above) or is run here, on the fake."""
    included = snippet_paths(code)
    if included is not None:
        for name in included:
            path = ROOT / name
            assert path.is_file(), f"{page.name} block {index} includes missing {name}"
            assert path.parent == EXAMPLES, f"{name}: include example files, which are run"
        return
    script = tmp_path / f"block_{index}.py"
    script.write_text(code, encoding="utf-8")
    fake = FakePiAPI(api_key="test", queue_delay=0.05, task_duration=0.2)
    with FakePiAPIServer(fake) as server:
        env = offline_env(PIAPI_API_KEY="test", PIAPI_BASE_URL=server.url)
        result = run_script(script, [], env)
    assert result.returncode == 0, f"{page.name} block {index}:\n{result.stdout}{result.stderr}"
