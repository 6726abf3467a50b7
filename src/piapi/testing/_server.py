"""`FakePiAPIServer`: the same fake over real HTTP/1.1 on a loopback port, in a thread.

Each answer goes out in one write with TCP_NODELAY: split small writes meet
delayed ACKs and would cost ~40 ms per request on keep-alive connections.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from piapi._core.text import printable
from piapi.testing._fake import FakePiAPI
from piapi.testing._response import BodyCut, FakeResponse, sent_body

__all__ = ["REQUEST_LOGGER", "FakePiAPIServer"]

_REASONS = {status.value: status.phrase for status in HTTPStatus}
# One INFO line per request (method, path, status); `python -m piapi.testing` shows them.
REQUEST_LOGGER = "piapi.testing.requests"
_log = logging.getLogger(REQUEST_LOGGER)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections when hundreds arrive at once.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], fake: FakePiAPI) -> None:
        super().__init__(address, _Handler)
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.stopping = threading.Event()  # set by stop(): ends a scripted delay at once


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    fields: dict[str, str]

    @property
    def fake_server(self) -> _HTTPServer:
        return cast(_HTTPServer, self.server)

    def setup(self) -> None:
        super().setup()
        with self.fake_server.connections_lock:
            self.fake_server.connections.add(self.connection)

    def finish(self) -> None:
        with self.fake_server.connections_lock:
            self.fake_server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are logged once, by `_log`, to the `REQUEST_LOGGER` logger."""

    def handle_one_request(self) -> None:
        """Parse one request with a lean parser (the email-based one costs half the time)."""
        try:
            line = self.rfile.readline(65537)
            if not line:
                self.close_connection = True
                return
            parts = line.decode("latin-1").split()
            if len(line) > 65536 or len(parts) != 3 or not parts[2].startswith("HTTP/"):
                self._reply_error(400, b"bad request line")
                return
            self.command, self.path, self.request_version = parts
            headers: dict[str, str] = {}
            while True:
                raw = self.rfile.readline(65537)
                if raw in (b"\r\n", b"\n", b""):
                    break
                name, sep, value = raw.decode("latin-1").partition(":")
                if not sep or len(headers) > 100:
                    self._reply_error(400, b"bad header")
                    return
                key, value = name.strip().lower(), value.strip()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            self.fields = headers
            connection = headers.get("connection", "").lower()
            self.close_connection = connection == "close" or (
                self.request_version == "HTTP/1.0" and connection != "keep-alive"
            )
            if headers.get("expect", "").lower() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._serve()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def _reply_error(self, status: int, message: bytes) -> None:
        self.close_connection = True
        head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        head += f"content-type: text/plain\r\ncontent-length: {len(message)}\r\n"
        self.wfile.write((head + "connection: close\r\n\r\n").encode("latin-1") + message)

    def _read_body(self) -> bytes:
        if "chunked" in self.fields.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.fields.get("content-length", "0").strip()
        if not length.isdigit():  # `-1` would read until the client closes
            raise ValueError(f"bad content-length {length[:20]!r}")
        return self.rfile.read(int(length))

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self._reply_error(400, b"bad request body framing")
            return
        host = self.fields.get("host") or "{}:{}".format(*self.fake_server.server_address[:2])
        try:
            response = self.fake_server.fake.handle(
                self.command, f"http://{host}{self.path}", self.fields, body
            )
        except Exception as exc:  # a fake bug must not kill the connection thread silently
            message = f"fake error: {type(exc).__name__}: {exc}".encode()
            response = FakeResponse.of(500, message, "text/plain")
        if response.delay and self.fake_server.stopping.wait(response.delay):
            self._drop()
            return
        self._log(response)
        if response.drop is not None:
            self._drop()
            return
        lines = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}"]
        lines += [f"{name}: {value}" for name, value in response.headers]
        if self.close_connection:
            lines.append("connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            for chunk in () if self.command == "HEAD" else sent_body(response):
                # Headers ride along with the first chunk: one write, not two.
                self.wfile.write(head + chunk)
                head = b""
        except BodyCut:
            self.wfile.write(head)
            self._drop()
            return
        if head:  # no body
            self.wfile.write(head)

    def _log(self, response: FakeResponse) -> None:
        if not _log.isEnabledFor(logging.INFO):
            return
        outcome = "dropped" if response.drop is not None else str(response.status)
        fault = f" (fault: {response.fault})" if response.fault else ""
        # The request line is anyone's text: shown, never run, on the terminal.
        _log.info("%s %s %s%s", printable(self.command), printable(self.path), outcome, fault)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class FakePiAPIServer:
    """Serve a `FakePiAPI` over HTTP on `host:port` (0 = a free port) in a background thread.

    Use as a context manager or call start()/stop(); `.url` is the base URL to give the SDK.
    """

    def __init__(
        self, fake: FakePiAPI | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.fake = fake if fake is not None else FakePiAPI()
        self.host = host
        self.port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give the SDK, like `http://127.0.0.1:54321`."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakePiAPIServer:
        """Bind, start serving and start webhook delivery; returns self."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), self.fake)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"piapi-fake-server-{self.port}",
        )  # fmt: skip
        self._thread.start()
        self.fake.webhooks.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and stop webhook delivery."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        with httpd.connections_lock:
            connections = list(httpd.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.fake.webhooks.stop()

    def serve_forever(self) -> None:
        """Start and block until interrupted (used by `python -m piapi.testing`)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> FakePiAPIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url if self._httpd is not None else "stopped"
        return f"FakePiAPIServer({state})"
