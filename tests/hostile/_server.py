"""A scriptable raw-socket HTTP server for hostile-network tests.

Real sockets, not mocks: a script decides, request by request, which bytes go back and how
(all at once, dripped, after a stall, cut by a reset), so the SDK meets what a broken proxy
or a hostile host really does on the wire.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

__all__ = [
    "Close",
    "Drip",
    "HostileServer",
    "RawRequest",
    "Reset",
    "Send",
    "Stall",
    "corrupt_gzip_response",
    "deep_json",
    "json_response",
    "media_script",
    "redirect",
    "response",
    "sequence",
    "split",
    "wait_until",
]

_MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class RawRequest:
    """One request as it arrived: method, target, lower-cased headers, body, and its server."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    port: int
    connection: int
    """The number of the connection it came on (1 for the first accepted)."""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Send:
    """Write these bytes at once."""

    data: bytes


@dataclass(frozen=True)
class Drip:
    """Write these bytes `size` at a time, `every` seconds apart (a body that never times out)."""

    data: bytes
    every: float = 0.1
    size: int = 1


@dataclass(frozen=True)
class Stall:
    """Write nothing for `seconds` (None: until the server stops); the connection stays open."""

    seconds: float | None = None


@dataclass(frozen=True)
class Reset:
    """Abort the connection with a TCP reset."""


@dataclass(frozen=True)
class Close:
    """Close the connection cleanly (FIN)."""


Action = Send | Drip | Stall | Reset | Close
Script = Callable[[RawRequest], Sequence[Action]]


def response(
    status: int = 200,
    body: bytes = b"",
    headers: Iterable[tuple[str, str]] = (),
    *,
    reason: str = "X",
    content_length: int | None = None,
) -> bytes:
    """An HTTP/1.1 response's bytes; `content_length` may lie about the body."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    names = set()
    for name, value in headers:
        names.add(name.lower())
        lines.append(f"{name}: {value}")
    if "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_response(
    payload: object, status: int = 200, headers: Iterable[tuple[str, str]] = ()
) -> bytes:
    """A JSON response."""
    body = json.dumps(payload).encode()
    return response(status, body, [("Content-Type", "application/json"), *headers])


def corrupt_gzip_response(payload: object, status: int = 200) -> bytes:
    """A response that says gzip and whose compressed bytes are damaged midway."""
    good = gzip.compress(json.dumps(payload).encode())
    bad = good[:10] + bytes(b ^ 0xFF for b in good[10:20]) + good[20:]
    return response(
        status, bad, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
    )


def deep_json(depth: int) -> bytes:
    """`{"code":200,"data":[[[...]]]}` nested `depth` deep: valid JSON that recursion chokes on."""
    return b'{"code":200,"message":"success","data":' + b"[" * depth + b"]" * depth + b"}"


def sequence(*scripts: Script) -> Script:
    """A script answering the n-th request with the n-th script, then the last one forever."""
    lock = threading.Lock()
    count = [0]

    def script(request: RawRequest) -> Sequence[Action]:
        with lock:
            index = min(count[0], len(scripts) - 1)
            count[0] += 1
        return scripts[index](request)

    return script


@dataclass
class HostileServer:
    """Serves `script` on 127.0.0.1 from a thread per connection; records every request.

    Use as a context manager; stopping ends every stall and closes every connection.
    """

    script: Script
    requests: list[RawRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        """How many connections were accepted so far."""
        return self._connections

    def __enter__(self) -> HostileServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop accepting, end stalls and drips, close every connection, join the threads."""
        self._stop.set()
        with self._lock:
            sockets = [self._listener, *self._sockets]
        for sock in sockets:
            # shutdown, unlike close, wakes a thread blocked in accept() or recv() on it.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in [self._acceptor, *self._threads]:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout=10)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._connections += 1
                number = self._connections
                self._sockets.append(sock)
                thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        buffer = b""
        try:
            while not self._stop.is_set():
                request, buffer = self._read_request(sock, buffer, number)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                for action in self.script(request):
                    if not self._perform(sock, action):
                        return
        except OSError:
            return
        finally:
            sock.close()

    def _read_request(
        self, sock: socket.socket, buffer: bytes, number: int
    ) -> tuple[RawRequest | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            if len(buffer) > _MAX_HEAD:
                return None, b""
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            buffer += chunk
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body, buffer = self._read_chunked(sock, buffer)
        else:
            length = int(headers.get("content-length", "0") or 0)
            while len(buffer) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    return None, b""
                buffer += chunk
            body, buffer = buffer[:length], buffer[length:]
        return RawRequest(method, target, headers, body, self.port, number), buffer

    def _read_chunked(self, sock: socket.socket, buffer: bytes) -> tuple[bytes, bytes]:
        body = b""
        while True:
            while b"\r\n" not in buffer:
                buffer += sock.recv(65536)
            size_line, buffer = buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(buffer) < size + 2:
                buffer += sock.recv(65536)
            body, buffer = body + buffer[:size], buffer[size + 2 :]
            if size == 0:
                return body, buffer

    def _perform(self, sock: socket.socket, action: Action) -> bool:
        """Carry out one action; False when the connection is finished."""
        if isinstance(action, Send):
            sock.sendall(action.data)
        elif isinstance(action, Drip):
            for start in range(0, len(action.data), action.size):
                if self._stop.wait(action.every if start else 0):
                    return False
                sock.sendall(action.data[start : start + action.size])
        elif isinstance(action, Stall):
            if self._stop.wait(action.seconds):
                return False
        elif isinstance(action, Reset):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        else:
            return False
        return True


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a state (not for a time): poll `condition` until true, failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.005)


def split(data: bytes) -> tuple[bytes, bytes]:
    """A response's head (status line and headers, with the blank line) and its body."""
    end = data.index(b"\r\n\r\n") + 4
    return data[:end], data[end:]


def redirect(location: str, status: int = 307) -> bytes:
    """A redirect to `location`, with a small body."""
    return response(status, b"moved", [("Location", location)])


def media_script(
    versions: Sequence[bytes],
    *,
    cut_first_at: int | None = None,
    honour_if_range: bool = True,
    etag: bool = True,
) -> Script:
    """A file served with byte ranges, as a CDN would: the n-th request gets version n (the
    last one from then on), each with its own strong ETag (`etag`). The first answer is cut
    after `cut_first_at` body bytes. `If-Range` naming an older version gets the whole new
    file, unless `honour_if_range` is False (a broken server resuming into the new one)."""
    lock = threading.Lock()
    count = [0]

    def tag(index: int) -> str:
        return f'"v{index}"'

    def script(request: RawRequest) -> Sequence[Action]:
        with lock:
            first = count[0] == 0
            index = min(count[0], len(versions) - 1)
            count[0] += 1
        data = versions[index]
        headers = [("Content-Type", "video/mp4"), ("Accept-Ranges", "bytes")]
        if etag:
            headers.append(("ETag", tag(index)))
        wanted = request.headers.get("range", "")
        condition = request.headers.get("if-range")
        stale = condition is not None and condition != tag(index) and honour_if_range
        if wanted.startswith("bytes=") and not stale:
            start = int(wanted[len("bytes=") :].split("-")[0])
            headers.append(("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}"))
            answer = response(206, data[start:], headers)
        else:
            answer = response(200, data, headers)
        if first and cut_first_at is not None:
            head, body = split(answer)
            return [Send(head + body[:cut_first_at]), Close()]
        return [Send(answer)]

    return script
