"""One entry point for contributors: set up `.venv`, then run the demo, checks or benchmarks.

    python3 scripts/dev.py demo    # runs examples/quickstart.py against the embedded fake PiAPI
    python3 scripts/dev.py test    # lint, type checks, the test suite, docs build, quick benchmarks
    python3 scripts/dev.py bench   # the full benchmarks, printed as a table
    python3 scripts/dev.py stress [N]  # pytest N times (default 20) with two busy loops

Only the standard library is used here, so it runs on a fresh clone with nothing installed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import statistics
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


# NO_MKDOCS_2_WARNING: Material's banner about MkDocs 2 is noise in every build.
# Bytecode is written (Python's default, which some environments turn off): every test
# worker and child process would otherwise compile pydantic, httpx and the tests again.
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "NO_MKDOCS_2_WARNING": "1",
}


class StepFailed(Exception):
    """A check exited non-zero; `dev.py test` ends with one line naming it."""

    def __init__(self, command: str, code: int) -> None:
        super().__init__(f"{command} exited {code}")
        self.code = code


def run(*args: str | Path) -> None:
    command = " ".join(str(a) for a in args)
    print("+", command, flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=ENV)
    if result.returncode != 0:
        raise StepFailed(command, result.returncode)


def run_capturing(*args: str | Path) -> list[str]:
    """`run`, also returning the output lines (they are printed as they come)."""
    command = " ".join(str(a) for a in args)
    print("+", command, flush=True)
    lines: list[str] = []
    with subprocess.Popen(
        [str(a) for a in args], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    if process.returncode != 0:
        raise StepFailed(command, process.returncode)
    return lines


def setup(extras: str) -> None:
    """Create `.venv` and install the project into it; skipped when nothing changed."""
    if sys.version_info < (3, 10):  # noqa: UP036 - this script itself may run on an old Python
        sys.exit("piapi-sdk needs Python 3.10 or newer")
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)


def demo() -> None:
    setup("")
    run(PYTHON, "examples/quickstart.py")


def test() -> None:
    """Every check in turn; the last line says passed or what failed, and missed targets."""
    setup("dev")
    notes: list[str] = []
    run(PYTHON, "scripts/generate.py", "--check")
    run(PYTHON, "-m", "ruff", "check", ".")
    run(PYTHON, "-m", "ruff", "format", "--check", ".")
    run(PYTHON, "-m", "mypy")
    run(BIN / "pyright")
    run(PYTHON, "-m", "pytest", "-q")
    for extra_step in EXTRA_TEST_STEPS:
        notes += extra_step()
    print(f"\ndev.py test: PASSED{''.join('; ' + note for note in notes)}")


def bench() -> None:
    setup("dev")
    run(PYTHON, "benchmarks/run.py")


# The line of benchmarks/run.py that lists missed targets (information, never a failure).
MISSED_PREFIX = "Targets missed"


def _quick_benchmarks() -> list[str]:
    if not (ROOT / "benchmarks" / "run.py").exists():
        return []
    lines = run_capturing(PYTHON, "benchmarks/run.py", "--quick")
    missed = [line for line in lines if line.startswith(MISSED_PREFIX)][-1:]
    names = missed[0].partition(": ")[2] if missed else "none"
    count = 0 if names == "none" else len(set(names.split(", ")))
    return [f"{count} benchmark target(s) missed, information only (table above)"]


# Strict and not quiet: --quiet drops the warnings that --strict turns into a failure.
DOCS_BUILD = ("-m", "mkdocs", "build", "--strict")


def _docs() -> list[str]:
    if (ROOT / "mkdocs.yml").exists():
        run(PYTHON, *DOCS_BUILD, "--site-dir", str(VENV / "site"))
    return []


def stress(runs: int = 20) -> None:
    """Run pytest `runs` times with two busy loops on the cores; print passes and median time."""
    setup("dev")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # run finally
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    durations: list[float] = []
    failures: list[int] = []
    log_dir = VENV / "stress"
    log_dir.mkdir(exist_ok=True)
    try:
        for number in range(1, runs + 1):
            log = log_dir / f"run-{number}.log"
            started = time.monotonic()
            with log.open("wb") as output:
                code = subprocess.run(
                    [str(PYTHON), "-m", "pytest", "-q"],
                    cwd=ROOT, env=ENV, stdout=output, stderr=subprocess.STDOUT,
                ).returncode  # fmt: skip
            durations.append(time.monotonic() - started)
            tail = log.read_text(errors="replace").strip().splitlines()[-1:]
            print(
                f"run {number:>2}/{runs}: exit {code}, {durations[-1]:.1f} s  {''.join(tail)}",
                flush=True,
            )
            if code != 0:
                failures.append(number)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    passed = runs - len(failures)
    print(
        f"\nstress: {passed}/{runs} pytest runs passed under two busy loops; median "
        f"{statistics.median(durations):.1f} s, max {max(durations):.1f} s"
        + (f"; failed runs: {failures} (logs in {log_dir})" if failures else "")
    )
    if failures:
        sys.exit(1)


EXTRA_TEST_STEPS: list[Callable[[], list[str]]] = [_docs, _quick_benchmarks]
COMMANDS: dict[str, Callable[..., None]] = {
    "demo": demo,
    "test": test,
    "bench": bench,
    "stress": stress,
}

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments or arguments[0] not in COMMANDS or len(arguments) > 2:
        sys.exit(f"usage: python3 scripts/dev.py {{{'|'.join(COMMANDS)}}} [N for stress]")
    try:
        COMMANDS[arguments[0]](*(int(value) for value in arguments[1:]))
    except StepFailed as failed:  # one last line naming the step; exit as it did
        print(f"\ndev.py {arguments[0]}: FAILED: {failed}", flush=True)
        sys.exit(failed.code)
