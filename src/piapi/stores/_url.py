"""Store URLs: which backend a URL names, where SQLite's default file lives, and redaction.

A PostgreSQL URL may carry a password; `redact` is what every log line, repr and error
message shows instead, so the password never leaves the process by way of the SDK.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import urlsplit, urlunsplit

__all__ = ["StoreURL", "default_sqlite_path", "parse_url", "redact", "scrub"]

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


def default_sqlite_path(
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Path:
    """The default SQLite store: `piapi/store.sqlite` in the user's data folder.

    Linux and others: `$XDG_DATA_HOME` (else `~/.local/share`); macOS: `~/Library/Application
    Support`; Windows: `%LOCALAPPDATA%` (else `~/AppData/Local`).
    """
    platform = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    base_home = Path.home() if home is None else home
    if platform.startswith("win"):
        root = (
            Path(env["LOCALAPPDATA"])
            if env.get("LOCALAPPDATA")
            else base_home / "AppData" / "Local"
        )
    elif platform == "darwin":
        root = base_home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        root = Path(xdg) if os.path.isabs(xdg) else base_home / ".local" / "share"
    return root / "piapi" / "store.sqlite"
