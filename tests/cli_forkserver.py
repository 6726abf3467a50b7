"""Start `piapi` commands as forks of one process that has loaded the command line already.

    python tests/cli_forkserver.py SOCKET_PATH

A `piapi` process spends most of its ~0.4 s of CPU loading Python, httpx, pydantic and rich.
This server loads them once, then forks a child per request: a real process (its own pid,
real signals, the stdin, stdout and stderr the test passes over the socket) that runs the
installed `piapi` script as `python` would and exits as Python would. Only what happens
during the CLI's first imports cannot be seen this way: test that in a fresh interpreter.

Per connection, the test sends one JSON line `{"argv", "env", "cwd"}` with three file
descriptors (stdin, stdout, stderr); the server answers `PID\\n`, then `EXIT_CODE\\n` when
the child has ended (negative: killed by that signal). The server ends when its stdin closes.
`ForkedProcess` is the test's side: enough of `subprocess.Popen` for the CLI tests;
`Running` is a `piapi` command run by a test, forked or fresh, its output collected.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import selectors
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from piapi.testing import FakePiAPIServer

SCRIPT = Path(sys.executable).parent / "piapi"
TIMEOUT = 30.0  # generous: a bound for a state that comes at once, not a timing
# A background job (`cmd &` in a script) starts with SIGINT ignored, and Python then installs
# no KeyboardInterrupt handler: a fresh interpreter starts through this shim so Ctrl-C
# behaves as in a terminal however pytest itself was started.
WITH_DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def available() -> bool:
    """Whether this platform can fork and watch children (Linux): else use plain processes."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


class ForkedProcess:
    """A `piapi` child of the fork server, used like the `subprocess.Popen` it stands for."""

    def __init__(
        self, socket_path: str, argv: list[str], env: dict[str, str], cwd: Path, stdin: int | None
    ) -> None:
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        devnull = os.open(os.devnull, os.O_RDONLY) if stdin is None else None
        self._channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._channel.connect(socket_path)
            request = json.dumps({"argv": argv, "env": env, "cwd": str(cwd)}).encode() + b"\n"
            stdin_fd = devnull if devnull is not None else stdin
            assert stdin_fd is not None
            socket.send_fds(self._channel, [request], [stdin_fd, out_write, err_write])
        finally:
            for fd in (out_write, err_write, devnull):
                if fd is not None:
                    os.close(fd)  # the child has its own copies: EOF comes when it ends
        self._answers = self._channel.makefile("rb")
        self.pid = int(self._answers.readline())
        self.stdout: IO[bytes] = open(out_read, "rb", buffering=0)  # noqa: SIM115
        self.stderr: IO[bytes] = open(err_read, "rb", buffering=0)  # noqa: SIM115
        self.returncode: int | None = None
        self._waiting = threading.Lock()

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        """The exit code, once the child has ended (callable from several threads)."""
        with self._waiting:
            if self.returncode is None:
                self._channel.settimeout(timeout)
                line = self._answers.readline()
                if not line:
                    raise RuntimeError("the fork server closed the connection without an exit code")
                self.returncode = int(line)
                self._answers.close()
                self._channel.close()
            return self.returncode

    def poll(self) -> int | None:
        if self.returncode is None:
            ready, _, _ = select.select([self._channel], [], [], 0)
            if ready:
                return self.wait()
        return self.returncode


class Running:
    """`piapi ARGS...` running in the background; its output is collected as it comes.

    A fork of the fork server (`forks`), or with `forks=None` a fresh interpreter.
    """

    def __init__(
        self,
        *argv: str,
        server: FakePiAPIServer | None,
        cwd: Path,
        forks: str | None,
        env: dict[str, str] | None = None,
        stdin: int | None = None,
    ) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PIAPI_")}
        if server is not None:
            environment |= {"PIAPI_API_KEY": "test", "PIAPI_BASE_URL": server.url}
        environment |= env or {}
        self.process: subprocess.Popen[bytes] | ForkedProcess
        if forks is not None:
            self.process = ForkedProcess(forks, list(argv), environment, cwd, stdin)
        else:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WITH_DEFAULT_SIGINT, str(SCRIPT), *argv],
                env=environment,
                cwd=cwd,
                stdin=subprocess.DEVNULL if stdin is None else stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        self._changed = threading.Condition()
        self._output = {"out": bytearray(), "err": bytearray()}
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, "out"), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, "err"), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[bytes], name: str) -> None:
        while chunk := os.read(stream.fileno(), 65536):
            with self._changed:
                self._output[name] += chunk
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def text(self, name: str = "err") -> str:
        with self._changed:
            return self._output[name].decode("utf-8", "replace")

    def wait_for_text(self, pattern: str, name: str = "err") -> re.Match[str]:
        """Block until the output matches `pattern` (a regular expression)."""
        with self._changed:
            self._changed.wait_for(
                lambda: (
                    re.search(pattern, self.text(name)) is not None
                    or not any(reader.is_alive() for reader in self._readers)
                ),
                TIMEOUT,
            )
        match = re.search(pattern, self.text(name))
        assert match, f"no {pattern!r} on std{name}:\n{self.text('out')}\n{self.text('err')}"
        return match

    def interrupt(self) -> int:
        """Ctrl-C, then the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.finish()

    def finish(self) -> int:
        code = self.process.wait(timeout=TIMEOUT)
        for reader in self._readers:
            reader.join(TIMEOUT)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


# --- the server ---------------------------------------------------------------------------


def _warm_up() -> None:
    """What every `piapi` run loads; the command line's own first import stays undone."""
    import importlib

    from piapi import AsyncPiAPIClient, PiAPIClient

    for module in ("anyio._backends._asyncio", "rich.console", "piapi.testing", "piapi.cli._app"):
        importlib.import_module(module)

    PiAPIClient(api_key="warm-up", base_url="http://127.0.0.1:9").close()
    AsyncPiAPIClient(api_key="warm-up", base_url="http://127.0.0.1:9")


def _run_child(request: dict[str, object], fds: list[int]) -> None:
    """In the child: take the given stdio, environment and directory, run `piapi`, exit."""
    from forkrun import run_as_main

    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
        os.chdir(str(request["cwd"]))
        os.environ.clear()
        os.environ.update(request["env"])  # type: ignore[arg-type]
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as a fresh interpreter
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.argv = [str(SCRIPT), *request["argv"]]  # type: ignore[misc]
        code = run_as_main(SCRIPT, argv=sys.argv)
    finally:
        os._exit(code)


def serve(socket_path: str) -> None:
    _warm_up()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
    children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, connection)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in selector.select():
            if key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 1024):
                    for pid, _connection in children.values():
                        os.kill(pid, signal.SIGKILL)
                    return
            elif key.data == "accept":
                connection, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
                request = json.loads(message)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _run_child(request, fds)
                for fd in fds:
                    os.close(fd)
                pidfd = os.pidfd_open(pid)
                children[pidfd] = (pid, connection)
                selector.register(pidfd, selectors.EVENT_READ, "child")
                connection.sendall(f"{pid}\n".encode())
            else:
                pidfd = key.fd
                pid, connection = children.pop(pidfd)
                selector.unregister(pidfd)
                os.close(pidfd)
                _, status = os.waitpid(pid, 0)
                with contextlib.suppress(OSError):  # the test may have given up on it
                    connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                connection.close()


if __name__ == "__main__":
    serve(sys.argv[1])
