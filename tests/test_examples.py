"""Every script in `examples/` runs green against the fake PiAPI, and the Quick start page
shows only code that runs: snippet includes of example files, or blocks executed here.

The examples run as subprocesses with `PIAPI_API_KEY` / `PIAPI_BASE_URL` removed, so each
one starts its embedded fake (`fake_unless_configured`), in instant timing: the SDK's waits
advance the fake's clock instead of sleeping. They are started all at once and checked one
by one, so the whole module takes about as long as the slowest example's start-up.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from piapi import PiAPIClient, WebhookConfig
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
QUICKSTART_PAGE = DOCS / "index.md"
TIMEOUT = 60.0

VIDEO = r"https?://\S+\.mp4"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Lines each example must print (regular expressions on stdout); an example not listed
# here must still exit 0. Costs are PiAPI's prices: $0.08/s standard, $0.24/s pro.
EXPECTED: dict[str, list[str]] = {
    "quickstart.py": [
        r"completed",
        VIDEO,
        rf"Saved: \S+/piapi-quickstart-\w+/{UUID}\.mp4",
        r"\$0\.32",
    ],
    "async_quickstart.py": [
        r"status: completed",
        rf"video: {VIDEO}",
        rf"saved: \S+/piapi-quickstart-\w+/{UUID}\.mp4",
        r"cost: \$0\.32",
    ],
    "batch_generate.py": [
        r"6 videos, 3 at a time, estimated \$1\.92",
        rf"\[1/6\] #\d completed: \S+/batch-\w+/{UUID}\.mp4",
        rf"\[6/6\] #\d completed: \S+/batch-\w+/{UUID}\.mp4",
        r"6 of 6 videos completed, total cost \$1\.92",
    ],
    "image_to_video.py": [
        r"estimated cost: \$0\.64",
        r"from image: https://",
        rf"video: {VIDEO}",
        r"cost: \$0\.64",
    ],
    "kling_from_image.py": [
        r"uploaded: https?://\S+\.png",
        r"estimated cost: \$0\.50",
        r"status: completed",
        rf"video: {VIDEO}",
        r"cost: \$0\.50",
    ],
    "spend_limit.py": [
        rf"created {UUID}: \$0\.32, spent \$0\.96",
        r"refused: Not sent: sora2 sora2-pro-video would cost \$2\.88, and \$0\.96 of the "
        r"\$2\.00 spending limit is spent or reserved \(\$1\.04 left\)",
        r"refused: Not sent: the price of kling motion_control cannot be estimated",
        rf"created {UUID}: held \$0\.50",
        r"spent \$1\.46 of \$2\.00",
    ],
    "pro_1080p.py": [
        r"estimated cost: \$1\.92 \(standard would be \$0\.64\)",
        r"sora2-pro-video at 1080p, 8 s",
        rf"video: {VIDEO}",
        r"cost: \$1\.92",
    ],
    "resume_wait.py": [
        rf"created {UUID} \(pending\)",
        rf"waiting on {UUID}",
        r"status: completed",
        rf"video: {VIDEO}",
        r"cost: \$0\.32",
    ],
    "error_handling.py": [
        r"not sent: .*resolution is only for",
        r"refused: AuthenticationError 401",
        r"refused: NotFoundError 404",
        rf"timed out: WaitTimeoutError \(task {UUID} goes on\)",
        r"resumed: completed, cost \$0\.32",
        r"task failed: prompt rejected by content policy",
        r"unsure: APIConnectionError, task_may_exist=True",
        r"tasks with that prompt at PiAPI: 1",
    ],
    "fastapi_service.py": [
        r"POST /videos\?wait=true -> 200",
        rf"video: {VIDEO}",
        r"cost: \$0\.32",
        rf"GET /videos/{UUID} -> 200 completed",
    ],
    "webhook_receiver.py": [rf"saved \S+/{UUID}\.mp4 \(\d+ bytes\) from task {UUID}"],
}
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.py"))
SCRIPTS = EXAMPLE_FILES  # each one runs to its end offline; webhook_receiver also serves


def offline_env(**extra: str) -> dict[str, str]:
    """The environment without PiAPI settings, so examples use the embedded fake (instant)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PIAPI_API_KEY", "PIAPI_BASE_URL")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PIAPI_FAKE_TIMING"] = "instant"
    env.update(extra)
    return env


@dataclass
class Run:
    returncode: int | None  # None: killed after TIMEOUT
    stdout: str
    stderr: str

    def describe(self, name: str) -> str:
        return (
            f"{name} exited {self.returncode}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


def run_all(scripts: list[Path], env: dict[str, str], out_dir: Path) -> dict[str, Run]:
    """Run every script at once, each in its own process (see forkrun.py), and collect."""
    runner = [sys.executable, str(Path(__file__).with_name("forkrun.py")), str(out_dir)]
    result = subprocess.run(
        [*runner, str(TIMEOUT), *map(str, scripts)],
        cwd=out_dir,  # what a script writes where it runs stays out of the repository
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT + 30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    codes = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert set(codes) == {path.name for path in scripts}, result.stdout
    return {
        path.name: Run(
            None if codes[path.name] == "killed" else int(codes[path.name]),
            (out_dir / f"{path.stem}.out").read_text("utf-8"),
            (out_dir / f"{path.stem}.err").read_text("utf-8"),
        )
        for path in scripts
    }


@pytest.fixture(scope="module")
def example_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every example, and every Quick start block that is not an include, run at once."""
    out_dir = tmp_path_factory.mktemp("examples")
    blocks: list[Path] = []
    for index, (code, sources) in enumerate(python_blocks(QUICKSTART_PAGE)):
        if sources is None:
            block = out_dir / f"block{index}.py"
            block.write_text(code, encoding="utf-8")
            blocks.append(out_dir / f"run_block{index}.py")
            blocks[-1].write_text(IN_FAKE.format(path=str(block)), encoding="utf-8")
    return run_all([*SCRIPTS, *blocks], offline_env(TMPDIR=str(out_dir)), out_dir)


def test_every_expected_example_exists() -> None:
    assert set(EXPECTED) <= {path.name for path in SCRIPTS}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_example_runs_offline(path: Path, example_runs: dict[str, Run]) -> None:
    run = example_runs[path.name]
    assert run.returncode == 0, run.describe(path.name)
    assert "Traceback" not in run.stdout + run.stderr, run.describe(path.name)
    for pattern in EXPECTED.get(path.name, []):
        assert re.search(pattern, run.stdout), f"no {pattern!r}: {run.describe(path.name)}"
    lines = run.stdout.splitlines()
    # A progress callback prints a line per status change, not one per poll.
    assert len(lines) == len(set(lines)), f"a line printed twice: {run.describe(path.name)}"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_starts_with_a_docstring(path: Path) -> None:
    assert path.read_text("utf-8").lstrip().startswith('"""'), f"{path.name}: no docstring"


@functools.cache
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def _provided(extras: frozenset[str]) -> set[str]:
    """The distributions `pip install piapi-sdk[extras]` brings, dependencies included."""
    from packaging.requirements import Requirement

    wanted = [Requirement(text) for text in importlib.metadata.requires("piapi-sdk") or []]
    wanted = [
        Requirement(r.name) for r in wanted  # the extras' own markers, evaluated here
        if r.marker is None or any(r.marker.evaluate({"extra": e}) for e in extras)
    ]  # fmt: skip
    seen: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        wanted += [Requirement(text) for text in importlib.metadata.requires(name) or []]
    return seen


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_names_the_install_line_that_provides_its_imports(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    docstring = ast.get_docstring(tree) or ""
    match = re.search(r'^Install: `pip install "?piapi-sdk(?:\[([\w,]+)\])?"?`', docstring, re.M)
    assert match, f"{path.name}: no 'Install: `pip install piapi-sdk...`' line in the docstring"
    extras = set(match[1].split(",")) if match[1] else set()
    provided = _provided(frozenset(extras)) | {"piapi-sdk"}
    owners = {**_distributions(), "piapi": ["piapi-sdk"]}
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0] for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }  # fmt: skip
    third_party = {name for name in imported if name not in sys.stdlib_module_names}
    missing = {
        name for name in third_party
        if not {d.lower().replace("_", "-") for d in owners.get(name, [name])} & provided
    }  # fmt: skip
    assert not missing, f"{path.name} imports {missing}, not installed by its install line"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(condition: Callable[[], object], what: str) -> None:
    """Wait for a state another process brings about, within a generous bound."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the receiver exited early"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def test_webhook_receiver_makes_up_a_secret_when_none_is_set(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from test_webhook_receiving import load_example

    receiver = load_example()
    monkeypatch.setenv("PIAPI_WEBHOOK_SECRET", "from-the-environment")
    assert receiver.secret_from_env() == "from-the-environment"
    monkeypatch.delenv("PIAPI_WEBHOOK_SECRET")
    first, second = receiver.secret_from_env(), receiver.secret_from_env()
    assert len(first) >= 32
    assert first != second
    assert "PIAPI_WEBHOOK_SECRET is not set: using a random secret" in caplog.text
    assert first not in caplog.text


def test_webhook_receiver_serves_with_a_real_key(tmp_path: Path) -> None:
    """With a key set it serves, as documented; the fake PiAPI delivers real webhooks to it."""
    fake = FakePiAPI(api_key="test", clock=FakeClock())  # the test moves time
    port, secret = free_port(), "example-secret"
    with FakePiAPIServer(fake) as server:
        env = offline_env(
            PIAPI_API_KEY="test",
            PIAPI_BASE_URL=server.url,
            PIAPI_DOWNLOAD_DIR=str(tmp_path),
            PORT=str(port),
            PIAPI_WEBHOOK_SECRET=secret,
        )
        log = tmp_path / "receiver.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, str(EXAMPLES / "webhook_receiver.py")],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(port, process, timeout=TIMEOUT)
            hook = WebhookConfig(endpoint=f"http://127.0.0.1:{port}/webhook", secret=secret)
            with PiAPIClient(api_key="test", base_url=server.url) as client:
                task = client.sora2.create(prompt="A koi pond", webhook=hook)
            fake.clock.advance(fake.queue_delay + fake.task_duration)
            video = tmp_path / f"{task.task_id}.mp4"
            calls = 3  # pending, processing, completed
            wait_until(lambda: len(fake.webhook_deliveries) >= calls, "the webhook calls")
            codes = [d.status_code for d in fake.webhook_deliveries]
            assert codes == [200] * calls, log.read_text("utf-8")
            wait_until(video.exists, "the download")
            url = fake.get_task(task.task_id)["output"]["video"]
            assert video.read_bytes() == fake.media(url).read()
        finally:
            process.terminate()
            process.wait(timeout=TIMEOUT)
    assert secret not in log.read_text("utf-8")


# --- the Quick start page ----------------------------------------------------------------


def python_blocks(page: Path) -> list[tuple[str, list[str] | None]]:
    """Each Python block of `page`, and the files it is a copy of (see scripts/gen_docs.py),
    or None for code written in the page itself."""
    text = page.read_text(encoding="utf-8")
    blocks: list[tuple[str, list[str] | None]] = []
    for match in re.finditer(
        r"^(?:[ \t]*<!-- snippet: (?P<sources>[^>]+?) -->\n)?"
        r"(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
        text,
        re.M | re.S,
    ):
        if match["lang"] in ("python", "py", "python3"):
            sources = match["sources"].split() if match["sources"] else None
            blocks.append((textwrap.dedent(match["code"]), sources))
    return blocks


QUICKSTART_BLOCKS = [
    pytest.param(index, code, sources, id=f"block{index}")
    for index, (code, sources) in enumerate(python_blocks(QUICKSTART_PAGE))
]
# Runs a block as written, inside the embedded fake (the block itself does not start one).
IN_FAKE = (
    "import runpy\n"
    "from piapi.testing import fake_unless_configured\n"
    "with fake_unless_configured():\n"
    "    runpy.run_path({path!r}, run_name='__main__')\n"
)


def test_quickstart_page_includes_both_quickstarts() -> None:
    included = {path for _, sources in python_blocks(QUICKSTART_PAGE) for path in sources or []}
    assert {"examples/quickstart.py", "examples/async_quickstart.py"} <= included


@pytest.mark.parametrize(("index", "code", "included"), QUICKSTART_BLOCKS)
def test_quickstart_code_block_runs(
    index: int, code: str, included: list[str] | None, example_runs: dict[str, Run]
) -> None:
    """A block is a copy of an example (run above) or is run, on the fake, with them."""
    if included is not None:
        for name in included:
            path = ROOT / name
            assert path.parent == EXAMPLES, f"{name}: include only example files, which are run"
            assert path.is_file(), f"block {index} includes missing {name}"
        return
    run = example_runs[f"run_block{index}.py"]
    assert run.returncode == 0, run.describe(f"block {index}")
    assert "[piapi] PIAPI_API_KEY is not set: using the embedded fake" in run.stderr


def test_the_example_runner_reports_what_python_would(tmp_path: Path) -> None:
    scripts = {
        "ok.py": "import threading\nthreading.Thread(target=lambda: print('joined')).start()\n",
        "exits.py": "import sys\nprint('bye')\nsys.exit(3)\n",
        "raises.py": "raise RuntimeError('boom')\n",
    }
    for name, code in scripts.items():
        (tmp_path / name).write_text(code)
    runs = run_all([tmp_path / name for name in scripts], offline_env(), tmp_path)
    assert (runs["ok.py"].returncode, runs["ok.py"].stdout) == (0, "joined\n")
    assert (runs["exits.py"].returncode, runs["exits.py"].stdout) == (3, "bye\n")
    assert runs["raises.py"].returncode == 1
    assert "RuntimeError: boom" in runs["raises.py"].stderr
