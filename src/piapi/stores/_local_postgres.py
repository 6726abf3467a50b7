"""A throwaway PostgreSQL server in a temporary folder, on a Unix socket only: for tests and
benchmarks of the PostgreSQL store, against a real server and nothing shared.

The server's programs are looked up on PATH, then `pg_config --bindir`, then
`/usr/lib/postgresql/*/bin`; without them, the `pgserver` wheel's. PostgreSQL refuses to
run as root, so as root it runs as the `postgres` user (through `runuser`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["LocalPostgres", "PostgresNotFound", "find_bindir"]

_PROGRAMS = ("initdb", "pg_ctl", "postgres")
_SERVER_USER = "postgres"  # who runs the server when we are root
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@contextlib.contextmanager
def _quiet() -> Generator[None, None, None]:
    """pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset: not ours to report."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server programs here, and no `pgserver` wheel."""


def _has_all(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _PROGRAMS)


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)


def find_bindir() -> Path | None:
    """The folder of `initdb`, `pg_ctl` and `postgres`: PATH, `pg_config --bindir`, then the
    newest `/usr/lib/postgresql/*/bin`; None when there is none."""
    found = shutil.which("initdb")
    if found and _has_all(Path(found).resolve().parent):
        return Path(found).resolve().parent
    if shutil.which("pg_config"):
        try:
            bindir = subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            bindir = ""
        if bindir and _has_all(Path(bindir)):
            return Path(bindir)
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if _has_all(p)]
    return max(candidates, key=_version) if candidates else None


class LocalPostgres:
    """`with LocalPostgres() as server: server.url`: a new cluster, started, then removed."""

    def __init__(self, *, use_pgserver: bool = False, durable: bool = False) -> None:
        self.use_pgserver = use_pgserver  # the wheel even where the system has PostgreSQL
        self.durable = durable  # fsync each commit as a real server does (benchmarks)
        self.root = Path(tempfile.mkdtemp(prefix="piapi-pg-"))  # short: a socket path is <108
        self.url = ""
        self._pgserver: Any = None
        self._bindir: Path | None = None

    def _as_server_user(self, argv: list[str]) -> list[str]:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            return ["runuser", "-u", _SERVER_USER, "--", *argv]
        return argv

    def _run(self, argv: list[str]) -> None:
        result = subprocess.run(
            self._as_server_user(argv), capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(argv[:2])} failed ({result.returncode}): "
                f"{result.stdout[-1000:]}{result.stderr[-2000:]}{tail}"
            )

    def start(self) -> str:
        """Create and start the server; its URL (user `piapi`, database `postgres`)."""
        self._bindir = None if self.use_pgserver else find_bindir()
        if self._bindir is None:
            return self._start_pgserver()
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            os.chmod(self.root, 0o700)
            shutil.chown(self.root, _SERVER_USER)
        data = self.root / "data"
        self._run([str(self._bindir / "initdb"), "-D", str(data), "-U", "piapi",
                   "--auth=trust", "-E", "UTF8", "--no-sync"])  # fmt: skip
        options = f"-k {self.root} -c listen_addresses='' {'' if self.durable else _FAST}"
        log = str(self.root / "server.log")
        self._run([str(self._bindir / "pg_ctl"), "-D", str(data), "-l", log,
                   "-w", "-t", "120", "-o", options, "start"])  # fmt: skip
        self.url = f"postgresql://piapi@/postgres?host={quote(str(self.root), safe='/')}"
        return self.url

    def _start_pgserver(self) -> str:
        try:
            with _quiet():
                pgserver: Any = importlib.import_module("pgserver")  # untyped: held as Any
        except ImportError:
            raise PostgresNotFound(
                "No PostgreSQL server found (initdb/pg_ctl/postgres on PATH, pg_config "
                "--bindir, /usr/lib/postgresql/*/bin) and no pgserver wheel: install "
                "PostgreSQL (e.g. apt-get install postgresql) or pip install pgserver"
            ) from None
        with _quiet():
            server: Any = pgserver.get_server(str(self.root / "pgserver"), cleanup_mode="stop")
            self._pgserver = server
            self.url = str(server.get_uri())
        return self.url

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            if self._bindir is not None and (self.root / "data" / "postmaster.pid").exists():
                self._run([str(self._bindir / "pg_ctl"), "-D", str(self.root / "data"),
                           "-m", "immediate", "-w", "stop"])  # fmt: skip
            elif self._pgserver is not None:
                with _quiet():
                    self._pgserver.cleanup()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
