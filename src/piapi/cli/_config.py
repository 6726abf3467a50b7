"""The user's stored API key (`piapi login`): one JSON file in the user's config folder.

Linux and other Unix: `$XDG_CONFIG_HOME/piapi/config.json`, else `~/.config/piapi/config.json`;
macOS: `~/Library/Application Support/piapi/config.json` (`$XDG_CONFIG_HOME` when set);
Windows: `%APPDATA%\\piapi\\config.json`. Written with mode 0600 in a 0700 folder, by a rename,
so no reader ever sees half a file. `PIAPI_API_KEY` (and `--api-key`) win over it. Standard
library only: every command that needs a key reads it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, cast

from piapi.cli._exit import EXIT_AUTH, CliError

CONFIG_HOME_ENV = "XDG_CONFIG_HOME"


def config_path() -> Path:
    """Where `piapi login` keeps the key on this platform."""
    xdg = os.environ.get(CONFIG_HOME_ENV, "")
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is ignored
        base = Path(xdg)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path.home() / ".config"
    return base / "piapi" / "config.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        data: object = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CliError(
            f"Cannot read the stored API key in {path} ({type(exc).__name__}). "
            "Run `piapi login` again, or set PIAPI_API_KEY.",
            EXIT_AUTH,
        ) from None
    return cast("dict[str, Any]", data) if isinstance(data, dict) else {}


def stored_api_key() -> str | None:
    """The key `piapi login` stored, or None."""
    key = _read(config_path()).get("api_key")
    return key.strip() or None if isinstance(key, str) else None


def store_api_key(key: str) -> Path:
    """Store `key` (other settings in the file are kept); returns the file's path."""
    path = config_path()
    data = _read(path)
    data["api_key"] = key
    _write(path, data)
    return path


def forget_api_key() -> Path | None:
    """Remove the stored key; returns the file's path, or None when none was stored."""
    path = config_path()
    data = _read(path)
    if "api_key" not in data:
        return None
    del data["api_key"]
    if data:
        _write(path, data)
    else:
        path.unlink()
    return path


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
            file.write("\n")
        os.chmod(temporary, 0o600)  # whatever the umask, or an older file, said
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
