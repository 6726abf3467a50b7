"""One entry point for contributors: set up `.venv`, then run the demo, checks or benchmarks.

    python3 scripts/dev.py demo    # runs examples/quickstart.py against the embedded fake PiAPI
    python3 scripts/dev.py test    # lint, type checks, the test suite, docs build, quick benchmarks
    python3 scripts/dev.py bench   # the full benchmarks, printed as a table

Only the standard library is used here, so it runs on a fresh clone with nothing installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    # NO_MKDOCS_2_WARNING: Material's banner about MkDocs 2 is noise in every build.
    result = subprocess.run(
        [str(a) for a in args], cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    )
    if result.returncode != 0:
        sys.exit(result.returncode)


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
    setup("dev")
    run(PYTHON, "-m", "ruff", "check", ".")
    run(PYTHON, "-m", "ruff", "format", "--check", ".")
    run(PYTHON, "-m", "mypy")
    run(BIN / "pyright")
    run(PYTHON, "-m", "pytest", "-q")
    for extra_step in EXTRA_TEST_STEPS:
        extra_step()


def bench() -> None:
    setup("dev")
    run(PYTHON, "benchmarks/run.py")


def _quick_benchmarks() -> None:
    if (ROOT / "benchmarks" / "run.py").exists():
        run(PYTHON, "benchmarks/run.py", "--quick")


def _docs() -> None:
    if (ROOT / "mkdocs.yml").exists():
        run(
            PYTHON, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(VENV / "site")
        )


EXTRA_TEST_STEPS = [_docs, _quick_benchmarks]
COMMANDS = {"demo": demo, "test": test, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 scripts/dev.py {{{'|'.join(COMMANDS)}}}")
    COMMANDS[sys.argv[1]]()
