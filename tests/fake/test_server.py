"""FakePiAPIServer over real sockets, and `python -m piapi.testing` as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _fakeutil import KEY, sora_body

from piapi.testing import FakePiAPI, FakePiAPIServer
from piapi.testing._server import _Handler


def test_server_answers_like_the_in_process_fake(capfd: pytest.CaptureFixture[str]) -> None:
    with FakePiAPIServer(FakePiAPI(queue_delay=0, task_duration=0)) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.port != 0
        with httpx.Client(base_url=server.url, headers=KEY) as client:
            created = client.post("/api/v1/task", json=sora_body())
            assert created.status_code == 200
            task_id = created.json()["data"]["task_id"]
            task = client.get(f"/api/v1/task/{task_id}").json()["data"]
            assert task["status"] == "completed"
            assert task["output"]["video"].startswith(f"{server.url}/ephemeral/")
            video = client.get(task["output"]["video"])
            assert video.content[4:8] == b"ftyp"
            assert client.head(task["output"]["video"]).headers["content-length"] == str(
                len(video.content)
            )
            assert client.get("/api/v1/task/nope").status_code == 404
            assert client.get("/api/v1/task", headers={"X-API-Key": "bad"}).status_code == 404
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""  # quiet: no per-request log lines


def test_keep_alive_one_connection_many_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each answer is one write on a TCP_NODELAY socket: split small writes would meet
    delayed ACKs (~40 ms per request on keep-alive). Counted, not timed."""
    writes: list[int] = []
    nodelay: list[int] = []
    setup = _Handler.setup

    def counting_setup(handler: _Handler) -> None:
        setup(handler)
        nodelay.append(handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        write = handler.wfile.write

        def counted(data: Any) -> Any:
            writes.append(len(data))
            return write(data)

        handler.wfile.write = counted  # type: ignore[method-assign]

    monkeypatch.setattr(_Handler, "setup", counting_setup)
    with FakePiAPIServer() as server:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            stream = sock.makefile("rb")
            request = b"GET /api/v1/task/x HTTP/1.1\r\nHost: h\r\nX-API-Key: test\r\n\r\n"
            for _ in range(50):
                sock.sendall(request)
                status = stream.readline()
                assert status.startswith(b"HTTP/1.1 404")
                length = 0
                while (line := stream.readline()) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                assert b"not found" in stream.read(length)
        assert len(server.fake.requests) == 50
    assert nodelay == [1]  # one connection, Nagle off
    assert len(writes) == 50  # one write per answer


def test_chunked_request_body() -> None:
    body = b'{"model":"sora2","task_type":"sora2-video","input":{"prompt":"chunky"}}'

    def chunks() -> Iterator[bytes]:
        yield body[:10]
        yield body[10:]

    with FakePiAPIServer() as server:
        response = httpx.post(f"{server.url}/api/v1/task", content=chunks(), headers=KEY)
        assert response.status_code == 200
        assert server.fake.create_counts() == {"chunky": 1}


def test_stop_closes_keep_alive_connections_and_is_idempotent() -> None:
    server = FakePiAPIServer().start()
    client = httpx.Client(base_url=server.url, headers=KEY)
    assert client.get("/api/v1/task/x").status_code == 404
    server.stop()
    server.stop()
    with pytest.raises(httpx.TransportError):
        client.get("/api/v1/task/x")
    client.close()
    with pytest.raises(RuntimeError):
        _ = server.url


def test_python_m_piapi_testing_serves() -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "piapi.testing", "--port", "0", "--api-key", "k1"]
    command += ["--task-duration", "0.05", "--queue-delay", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Fake PiAPI listening on http://127.0.0.1:")
        url = line.split()[-1]
        assert "PIAPI_API_KEY=k1" in process.stdout.readline()
        with httpx.Client(base_url=url, headers={"X-API-Key": "k1"}, timeout=30) as client:
            task_id = client.post("/api/v1/task", json=sora_body()).json()["data"]["task_id"]
            deadline = time.monotonic() + 30  # a bound on a state, not a timing
            status = "pending"
            while status != "completed" and time.monotonic() < deadline:
                status = client.get(f"/api/v1/task/{task_id}").json()["data"]["status"]
            assert status == "completed"
            assert client.get("/api/v1/task/x", headers={"X-API-Key": "no"}).status_code == 401
    finally:
        process.terminate()
        try:
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()
            process.wait(timeout=30)
            if process.stdout is not None:
                process.stdout.close()


def test_malformed_request_gets_400_and_close() -> None:
    with FakePiAPIServer() as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.endswith(b"bad request line")


@pytest.mark.parametrize("length", [b"-1", b"ten", b"1e3"])
def test_a_bad_content_length_gets_400_without_waiting_for_the_client(length: bytes) -> None:
    # Before: `-1` read until the client closed, so this read never ended.
    with FakePiAPIServer() as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(30)  # a hang fails the test instead of the run
        sock.sendall(b"POST /api/v1/task HTTP/1.1\r\ncontent-length: " + length + b"\r\n\r\n{}")
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.endswith(b"bad request body framing")


def test_http_1_0_and_connection_close_are_honoured() -> None:
    with FakePiAPIServer() as server:
        for request in (
            b"GET /api/v1/task/x HTTP/1.0\r\nX-API-Key: test\r\n\r\n",
            b"GET /api/v1/task/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
            b"X-API-Key: test\r\n\r\n",
        ):
            with socket.create_connection(("127.0.0.1", server.port)) as sock:
                sock.sendall(request)
                answer = sock.makefile("rb").read()  # returns only once the server closes
            assert answer.startswith(b"HTTP/1.1 404 ")
            assert b"connection: close" in answer
