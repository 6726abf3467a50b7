"""What the SDK knows of httpx pools: how many connections one may open, the TLS context
the pools it builds share, and which gate belongs to which pool.

The gates themselves (a FIFO for tasks, a condition for threads) are the backends' own.
"""

from __future__ import annotations

import functools
import os
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import httpx

if TYPE_CHECKING:
    import ssl

DEFAULT_POOL_LIMIT = 100
"""The gate's size when the pool's own limit cannot be read: httpx's default pool size."""
POOL_TIMEOUT_MESSAGE = "no connection of the pool ({} connections) was free within the pool timeout"

GateT = TypeVar("GateT")


def pool_limit(http: httpx.Client | httpx.AsyncClient, url: str) -> int:
    """How many connections the pool that serves `url` may open (`limits.max_connections`).

    Read from httpx's own transport (or the proxy mounted for `url`); a transport of any
    other kind (a mock, a caller's wrapper) does not say, so `DEFAULT_POOL_LIMIT` applies.
    An unlimited pool (`max_connections=None`) gives an effectively unlimited gate.
    """
    try:
        transport: object = http._transport_for_url(httpx.URL(url))
    except Exception:  # a private httpx method: if it changes, fall back to the default
        return DEFAULT_POOL_LIMIT
    limit = getattr(getattr(transport, "_pool", None), "_max_connections", None)
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        return limit
    return DEFAULT_POOL_LIMIT


_gates: weakref.WeakKeyDictionary[httpx.Client | httpx.AsyncClient, object] = (
    weakref.WeakKeyDictionary()
)
_gates_lock = threading.Lock()


def gate_of(
    http: httpx.Client | httpx.AsyncClient, url: str, make: Callable[[int], GateT]
) -> GateT:
    """The gate of `http`'s pool, made by `make(pool_limit)` on first use: every PiAPI
    client (and `with_options` copy) on one pool shares it."""
    with _gates_lock:
        gate = _gates.get(http)
        if gate is None:
            gate = _gates[http] = make(pool_limit(http, url))
        return gate  # type: ignore[return-value]  # one backend per kind of pool


def ssl_context() -> ssl.SSLContext:
    """httpx's default TLS verification for the pools the SDK builds, made once per process
    (and per `SSL_CERT_FILE` / `SSL_CERT_DIR`): making it reads the whole CA bundle, ~20 ms,
    nearly all that building a client cost."""
    return _ssl_context_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _ssl_context_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context()  # reads the same two variables
