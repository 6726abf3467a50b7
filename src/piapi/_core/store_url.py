"""Store URLs: which backend a URL names, and their redaction.

A PostgreSQL URL may carry a password; `redact` is what every log line, repr and error
message shows instead, so the password never leaves the process by way of the SDK. Pure
and on the standard library: a batch reads its `journal=` with it without loading a store.
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import Literal, NamedTuple
from urllib.parse import urlsplit, urlunsplit

_MASK = "***"
# `password=...` in a query string or a libpq "key=value" string (quoted or not).
_PASSWORD_FIELD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)", re.IGNORECASE)


class StoreURL(NamedTuple):
    """A parsed store URL: the backend, and what it opens (a file path or a libpq URL)."""

    backend: Literal["sqlite", "postgresql"]
    target: str


def redact(url: str) -> str:
    """`url` with any password replaced by `***` (in the user part or a `password=` field)."""
    text = _PASSWORD_FIELD.sub(lambda m: m.group(1) + _MASK, url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password is None:
        return text
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:{_MASK}@{host}"))


def scrub(message: str, url: str) -> str:
    """`message` (e.g. a driver's error) with `url` and its password replaced by redactions."""
    message = message.replace(url, redact(url))
    password: str | None = None
    with contextlib.suppress(ValueError):
        password = urlsplit(url).password
    for match in _PASSWORD_FIELD.finditer(url):
        password = password or match.group(2).strip("'")
    if password:
        message = message.replace(password, _MASK)
    return _PASSWORD_FIELD.sub(lambda m: m.group(1) + _MASK, message)


def parse_url(url: str | os.PathLike[str]) -> StoreURL:
    """Which backend `url` names: `sqlite:///path` (or a plain path), `postgresql://...`.

    Raises:
        ValueError: Another scheme (the message shows the URL redacted).
    """
    if isinstance(url, os.PathLike):
        return StoreURL("sqlite", os.fspath(url))
    scheme, sep, rest = url.partition("://")
    if not sep:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) and not re.match(r"^[A-Za-z]:[\\/]", url):
            raise ValueError(  # the rest is not shown: it may hold a password
                f"not a store URL ({url.split(':', 1)[0]}:...): use sqlite:///path or "
                "postgresql://..."
            )
        return StoreURL("sqlite", url)  # a plain path (a Windows drive letter too)
    scheme = scheme.lower()
    if scheme == "sqlite":
        if not rest:
            raise ValueError("sqlite:// needs a path: sqlite:///path/to/store.sqlite")
        return StoreURL("sqlite", rest)
    if scheme in ("postgresql", "postgres"):
        return StoreURL("postgresql", url)
    raise ValueError(
        f"unknown store URL scheme {scheme!r} in {redact(url)!r}: use sqlite:///path or "
        "postgresql://user@host/database"
    )
