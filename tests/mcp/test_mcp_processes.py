"""`piapi mcp` as a program: over stdio in a subprocess, over HTTP behind its token and
Origin check, its --help, and the import cost it must not add to other commands."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx
import httpx2
import pytest
from _mcputil import data
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer

CLI = "import sys; from piapi.cli import main; sys.exit(main())"
FOX = {
    "model": "sora2",
    "task_type": "sora2-video",
    "input": {"prompt": "A red fox in fresh snow", "duration": 4},
}
STARTUP = 60.0  # a generous bound on a busy machine; never a measured time


def _env(tmp_path: Path, server: FakePiAPIServer | None, **more: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIAPI_")}
    env["HOME"] = str(tmp_path)
    if server is not None:
        env["PIAPI_API_KEY"] = server.fake.api_key or "test"
        env["PIAPI_BASE_URL"] = server.url
    env.update(more)
    return env


@pytest.fixture
def fake_server() -> Iterator[FakePiAPIServer]:
    # A fake clock nobody advances: tasks stay pending until the test moves them.
    with FakePiAPIServer(FakePiAPI(clock=FakeClock())) as server:
        yield server


@pytest.mark.anyio
async def test_over_stdio_in_a_subprocess(fake_server: FakePiAPIServer, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-c", CLI, "mcp", "--max-wait", "1"],
        env=_env(tmp_path, fake_server),
        cwd="/",  # as some desktop clients start it
    )
    fake = fake_server.fake
    async with Client(params) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        created = data(await client.call_tool("create_task", FOX))
        task_id = created["task_id"]
        waited = data(await client.call_tool("wait_task", {"task_id": task_id}))
        fake.complete(task_id)
        done = data(await client.call_tool("wait_task", {"task_id": task_id}))
        saved = data(await client.call_tool("download_task", {"task_id": task_id}))
    assert "create_task" in names
    assert created["status"] == "pending"
    assert waited["finished"] is False  # bounded by --max-wait 1, the task still pending
    assert done["status"] == "completed"
    path = Path(saved["paths"][0])
    assert path.parent == tmp_path / "piapi-downloads"  # under HOME, not the cwd /
    assert await anyio.Path(path).exists()
    assert len(fake.created_tasks) == 1


def test_start_announces_the_default_limit_on_stderr_only(tmp_path: Path) -> None:
    env = _env(tmp_path, None, PIAPI_API_KEY="k", PIAPI_BASE_URL="http://127.0.0.1:9")
    done = subprocess.run(
        [sys.executable, "-c", CLI, "mcp"],
        env=env,
        stdin=subprocess.DEVNULL,  # the client is gone at once: the server ends
        capture_output=True,
        text=True,
        timeout=STARTUP,
        check=False,
    )
    assert done.stdout == ""  # stdout is the protocol channel
    assert "spending limit $5 " in done.stderr
    assert "the default" in done.stderr
    assert "k" not in done.stderr.replace("piapi", "").split()  # the key never shows


def test_start_announces_a_shared_limit_without_the_password(tmp_path: Path) -> None:
    env = _env(tmp_path, None, PIAPI_API_KEY="k", PIAPI_BASE_URL="http://127.0.0.1:9")
    store = "postgresql://piapi:s3cret-pw@db.internal/piapi"
    done = subprocess.run(
        [sys.executable, "-c", CLI, "mcp", "--spend-store", store, "--spend-name", "agents"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STARTUP,
        check=False,
    )
    assert done.stdout == ""
    assert "on budget 'agents', shared by every client of postgresql://piapi:***@db" in (
        done.stderr
    )
    assert "s3cret-pw" not in done.stderr


def test_no_key_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLI, "mcp"],
        env=_env(tmp_path, None),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STARTUP,
        check=False,
    )
    assert done.returncode == 3
    assert "PIAPI_API_KEY" in done.stderr
    assert done.stdout == ""


def test_help_documents_every_option(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLI, "mcp", "--help"],
        env=_env(tmp_path, None),
        capture_output=True,
        text=True,
        timeout=STARTUP,
        check=True,
    )
    for option in (
        "--spend-limit",
        "--spend-store",
        "--spend-name",
        "--confirm-above",
        "--allow-unknown-price",
        "--max-wait",
        "--output-dir",
        "--http",
        "PIAPI_API_KEY",
        "PIAPI_BASE_URL",
        "PIAPI_MCP_TOKEN",
        "create_task",
    ):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--max-wait", "301"], "at most 300"),
        (["--max-wait", "0"], "above 0"),
        (["--spend-limit", "-1"], "0 or more"),
        (["--output-dir", "relative/dir"], "absolute"),
        (["--http", "70000"], "port"),
        (["--spend-store", "mysql://u:s3cret-pw@h/db"], "unknown store URL scheme"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, option: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLI, "mcp", *option],
        env=_env(tmp_path, None, PIAPI_API_KEY="k"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STARTUP,
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_other_commands_and_import_piapi_do_not_load_mcp() -> None:
    code = (
        "import sys, piapi\n"
        "from piapi.cli._app import build_parser\n"
        "build_parser().parse_args(['account'])\n"
        "heavy = ('mcp.', 'piapi.mcp._s')\n"
        "loaded = [m for m in sys.modules if m == 'mcp' or m.startswith(heavy)]\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=STARTUP, check=True
    )
    assert done.stdout.strip() == "[]"


@contextmanager
def _http_server(
    tmp_path: Path, server: FakePiAPIServer, **env: str
) -> Iterator[tuple[str, str | None]]:
    """`piapi mcp --http 0` running: its URL and the token it printed (None if given)."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "mcp", "--http", "0"],
        env=_env(tmp_path, server, **env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None

    stderr = process.stderr

    def read() -> None:
        for line in stderr:
            lines.put(line)
        lines.put("")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    url = token = None
    try:
        while url is None or (token is None and "PIAPI_MCP_TOKEN" not in env):
            line = lines.get(timeout=STARTUP)
            assert line, "piapi mcp --http ended before listening"
            if "listening on " in line:
                url = line.split("listening on ", 1)[1].strip()
            if "bearer token" in line:
                token = line.rsplit(": ", 1)[1].strip()
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=STARTUP)
        reader.join(timeout=STARTUP)
        stderr.close()
        assert process.stdout is not None
        process.stdout.close()


PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}


@pytest.mark.anyio
async def test_http_needs_the_token_and_refuses_foreign_origins(
    fake_server: FakePiAPIServer, tmp_path: Path
) -> None:
    with _http_server(tmp_path, fake_server) as (url, token):
        assert url.startswith("http://127.0.0.1:")
        assert token
        headers = {"Accept": "application/json, text/event-stream"}
        bearer = {**headers, "Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(timeout=STARTUP) as http:
            no_token = await http.post(url, json=PING, headers=headers)
            wrong = await http.post(
                url, json=PING, headers={**headers, "Authorization": "Bearer x"}
            )
            foreign = await http.post(
                url, json=PING, headers={**bearer, "Origin": "https://evil.example"}
            )
        assert no_token.status_code == 401
        assert wrong.status_code == 401
        assert foreign.status_code == 403
        assert token not in no_token.text + foreign.text
        authorized = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"})
        async with (
            authorized,
            Client(streamable_http_client(url, http_client=authorized)) as client,
        ):
            created = data(await client.call_tool("create_task", FOX))
        assert created["status"] == "pending"
    assert len(fake_server.fake.created_tasks) == 1


def test_http_token_from_the_environment_is_never_printed(
    fake_server: FakePiAPIServer, tmp_path: Path
) -> None:
    chosen = "a-token-the-user-chose-1234"
    with _http_server(tmp_path, fake_server, PIAPI_MCP_TOKEN=chosen) as (url, token):
        assert token is None
        with httpx.Client(timeout=STARTUP) as http:
            ok = http.post(
                url,
                json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "t", "version": "1"}}},
                headers={
                    "Accept": "application/json, text/event-stream",
                    "Authorization": f"Bearer {chosen}",
                },
            )  # fmt: skip
        assert ok.status_code == 200
