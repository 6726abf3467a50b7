"""Where SQLite's default store file lives; the reading and redaction of store URLs, which
`piapi._core.store_url` holds (a batch reads its journal URL without loading a store)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from piapi._core.store_url import StoreURL, parse_url, redact, scrub

__all__ = ["StoreURL", "default_sqlite_path", "parse_url", "redact", "scrub"]


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
