"""Run scripts as `python SCRIPT` would, each in its own process forked from this one.

    python tests/forkrun.py OUT_DIR TIMEOUT SCRIPT...

This process loads what every example needs (`piapi`, its fake, anyio) once, then forks
one child per script, all at once: each child runs its script as `__main__` and pays only
for its own work, not for a fresh interpreter and the same imports (most of a small
example's cost). Each script's output goes to `OUT_DIR/<stem>.out` and `.err`; the exit
codes are printed as `name code` lines (`killed` after TIMEOUT seconds). Without
`os.fork` (Windows) each script runs in a fresh interpreter instead.
"""

from __future__ import annotations

import atexit
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path


def run_as_main(script: Path, argv: list[str] | None = None) -> int:
    """What `python SCRIPT ARGS...` does, in this process: run it (`argv`: the whole
    `sys.argv`, default `[SCRIPT]`), wait for its threads; returns the exit code."""
    sys.argv = argv or [str(script)]
    sys.path[0] = str(script.parent)
    try:
        runpy.run_path(str(script), run_name="__main__")
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def start(script: Path, out_dir: Path) -> int:
    """Fork a child running `script` with its output in files; returns the child's pid."""
    out, err = out_dir / f"{script.stem}.out", out_dir / f"{script.stem}.err"
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        code = run_as_main(script)
    finally:
        os._exit(code)


def _warm_up() -> None:
    """Load once, before forking, what every example loads: the SDK's modules, its fake,
    anyio's asyncio backend, the TLS context every client shares (~0.2 s per child)."""
    import anyio._backends._asyncio  # noqa: F401

    import piapi.testing  # noqa: F401
    from piapi import AsyncPiAPIClient, PiAPIClient

    PiAPIClient(api_key="warm-up", base_url="http://127.0.0.1:9").close()
    AsyncPiAPIClient(api_key="warm-up", base_url="http://127.0.0.1:9")


def main(out_dir: Path, timeout: float, scripts: list[Path]) -> None:
    if not hasattr(os, "fork"):
        for script in scripts:
            with (
                (out_dir / f"{script.stem}.out").open("wb") as out,
                (out_dir / f"{script.stem}.err").open("wb") as err,
            ):
                code = subprocess.run(
                    [sys.executable, str(script)], stdout=out, stderr=err, timeout=timeout
                ).returncode
            print(script.name, code, flush=True)
        return
    _warm_up()

    children = {start(script, out_dir): script for script in scripts}
    deadline = time.monotonic() + timeout
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            if time.monotonic() > deadline:
                for child, script in children.items():
                    os.kill(child, signal.SIGKILL)
                    os.waitpid(child, 0)
                    print(script.name, "killed", flush=True)
                return
            time.sleep(0.01)
            continue
        print(children.pop(pid).name, os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]), [Path(arg) for arg in sys.argv[3:]])
