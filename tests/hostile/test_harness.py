"""The hostile server itself: each action does on the wire what it says."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from _server import (
    Drip,
    HostileServer,
    RawRequest,
    Reset,
    Send,
    Stall,
    deep_json,
    json_response,
    response,
    sequence,
)


def test_send_records_the_request_and_keeps_the_connection_alive() -> None:
    script = lambda request: [Send(json_response({"path": request.path}))]  # noqa: E731
    with HostileServer(script) as server, httpx.Client(base_url=server.url) as client:
        first = client.post("/a?x=1", content=b"body", headers={"X-API-Key": "k"})
        second = client.get("/b")
    assert first.json() == {"path": "/a"}
    assert second.json() == {"path": "/b"}
    assert [(r.method, r.target, r.body) for r in server.requests] == [
        ("POST", "/a?x=1", b"body"),
        ("GET", "/b", b""),
    ]
    assert server.requests[0].headers["x-api-key"] == "k"
    assert server.connections == 1


def test_drip_sends_a_byte_at_a_time() -> None:
    body = json_response({"ok": True})
    server = HostileServer(lambda request: [Drip(body, every=0.001, size=3)])
    with server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        pieces = []
        while sum(map(len, pieces)) < len(body):
            pieces.append(sock.recv(65536))
    assert b"".join(pieces) == body
    assert len(pieces) > 1


def test_reset_and_sequence() -> None:
    script = sequence(
        lambda request: [Reset()], lambda request: [Send(response(200, deep_json(3)))]
    )
    with HostileServer(script) as server, httpx.Client(base_url=server.url) as client:
        with pytest.raises(httpx.TransportError):
            client.get("/")
        assert client.get("/").content == b'{"code":200,"message":"success","data":[[[]]]}'


def test_stop_ends_a_stall_at_once() -> None:
    def script(request: RawRequest) -> list[Stall]:
        return [Stall()]

    server = HostileServer(script).__enter__()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    while not server.requests:
        time.sleep(0.001)
    server.stop()
    sock.settimeout(30)
    assert sock.recv(10) == b""  # closed by the stop, not after a timeout
    sock.close()
