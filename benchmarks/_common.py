"""Shared helpers for the benchmarks: result rows, statistics, child processes, the fake server.

Everything here talks only to 127.0.0.1. Each benchmark module exposes
`run(quick: bool) -> list[Row]` and prints its own figures as it goes.
"""

from __future__ import annotations

import os
import resource
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PYTHON = sys.executable
API_KEY = "test"  # the fake server's own test key, never a real one
SERVER_START_TIMEOUT = 30.0


@dataclass
class Row:
    """One line of the results table."""

    name: str
    figure: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None  # None: not measured (pending / skipped)
    note: str = ""


def _proc_status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status, in MB (None where absent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """This process's RSS now: the base that growth counts from, so that a peak reached
    while importing does not hide what the measured work adds."""
    now = _proc_status_mb("VmRSS")
    return peak_rss_mb() if now is None else now


def peak_rss_mb() -> float:
    """This process's own peak RSS.

    Not `ru_maxrss`: Linux carries it over exec from the parent (the memory the parent had
    when it spawned us), so a child of a large pytest worker would report the worker's peak
    as its own. `VmHWM` belongs to this process's memory alone; `ru_maxrss` is the fallback
    where /proc is missing.
    """
    peak = _proc_status_mb("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return peak


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} us"


def say(message: str) -> None:
    """Progress and figures, printed as they are measured."""
    print(f"  {message}", flush=True)


def child_env(pycache: Path | None = None) -> dict[str, str]:
    """Environment for child interpreters.

    Bytecode caching is forced on (into `pycache` when given): `PYTHONDONTWRITEBYTECODE`
    would make piapi (an editable install) recompile its sources on every run while
    site-packages use their `.pyc` files, which is not what an installed SDK costs.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    # The children must never reach a real PiAPI, whatever the caller's environment says.
    env.pop("PIAPI_BASE_URL", None)
    env.pop("PIAPI_API_KEY", None)
    return env


def rotate(items: Sequence[str], round_index: int) -> list[str]:
    """The items in a different order each round, so drift does not favour one of them."""
    shift = round_index % len(items)
    ordered = list(items[shift:]) + list(items[:shift])
    return ordered if round_index % 2 == 0 else ordered[::-1]


class ServerProcess:
    """The fake PiAPI (`_fake_server.py`) in its own process; `.url` once started."""

    def __init__(self, *args: str) -> None:
        self.args = list(args)
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> ServerProcess:
        self.proc = subprocess.Popen(
            [PYTHON, str(BENCH_DIR / "_fake_server.py"), *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=child_env(),
        )
        assert self.proc.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if selector.select(timeout=0.5):
                line = self.proc.stdout.readline()
                if line.startswith("URL "):
                    self.url = line.split()[1]
                    return self
                if not line:
                    break
            if self.proc.poll() is not None:
                break
        selector.close()
        self.stop()
        raise RuntimeError(f"fake server did not start: {self.args}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()  # the server exits when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)


def run_child(args: Sequence[str], timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a child interpreter with `args`, return its stdout; raise if it fails."""
    result = subprocess.run(
        [PYTHON, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env if env is not None else child_env(),
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr[-2000:]
        raise RuntimeError(f"child {args[:2]} failed ({result.returncode}): {detail}")
    return result.stdout
