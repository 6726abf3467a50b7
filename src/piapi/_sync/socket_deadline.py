"""Hard deadlines for the sync client: every socket operation stops at the call's deadline.

httpx's timeouts are per operation: a server that sends one byte every 0.1 s never trips a
10 s read timeout, and a sync thread cannot be cancelled. So the pool a sync client builds
for itself gets this network backend: each read, write, connect and TLS handshake runs
with its timeout cut to the time left before the deadline of the request in progress
(a context variable the client sets around each send), and fails once it has passed.
Streams shut their socket down when closed, so closing the client wakes a thread blocked
in a read at once. Outside a deadline the wrapper passes every timeout through unchanged.

It wraps httpcore's public `NetworkBackend` interface, but installing it reaches into
httpx's transport (`HTTPTransport._pool`): `install` says whether it could. A caller's own
`http_client` is never modified.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

_deadline: ContextVar[float | None] = ContextVar("piapi_io_deadline", default=None)
"""The deadline of the request this thread is sending, on `time.monotonic`; None: none."""

SocketOption = Any  # httpcore's SOCKET_OPTION union, not exported


class IODeadline:
    """`with IODeadline(seconds_left) as scope:` every socket operation of the requests sent
    inside the block gets `seconds_left` seconds in total; the last deadline is restored on
    the way out. The sync backend's scope of a request: the sockets raise httpx's timeout
    errors themselves, so nothing is ever caught here (`cancelled_caught` stays false)."""

    __slots__ = ("_at", "_token")
    cancelled_caught = False

    def __init__(self, seconds_left: float) -> None:
        self._at = time.monotonic() + seconds_left

    def __enter__(self) -> IODeadline:
        self._token = _deadline.set(self._at)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _deadline.reset(self._token)


def _capped(timeout: float | None, error: type[Exception]) -> float | None:
    at = _deadline.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the call's deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the current request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _capped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _capped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        # shutdown, unlike close, wakes another thread blocked reading this socket: a
        # client closed while a request is in flight ends that request now.
        sock = self._stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        capped = _capped(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Opens `DeadlineStream`s through another backend (httpcore's own, normally)."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        capped = _capped(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, capped, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        capped = _capped(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._backend.connect_unix_socket(path, capped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def install(http: httpx.Client) -> bool:
    """Give the pools of `http` (its transport and mounted proxies) deadline-keeping
    sockets; True when its main transport has them. Only for clients the SDK built."""
    try:
        transports: list[object] = [http._transport, *http._mounts.values()]
    except AttributeError:  # httpx changed its internals: deadlines fall back to timeouts
        return False
    installed = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend):
            if not isinstance(backend, DeadlineBackend):
                pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
            installed = installed or transport is http._transport
    return installed
