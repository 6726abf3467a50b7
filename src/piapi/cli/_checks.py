"""Everything a command checks before it talks to PiAPI, each failure with a hint.

A bad value must stop the command before anything is created (and paid for): the API URL,
the key, the output path and the timeout are all looked at here first.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from piapi._core.checks import checked_seconds
from piapi._core.protocol import API_KEY_ENV, BASE_URL_ENV
from piapi.cli._exit import EXIT_AUTH, CliError

if TYPE_CHECKING:
    from piapi._sync.client import PiAPIClient


def seconds(value: str) -> float:
    """An argparse type: a finite number of seconds above zero (`checked_seconds`)."""
    try:
        number = checked_seconds("seconds", float(value), allow_none=False)
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0, e.g. 600 (got {value!r})"
        )
    return number


def base_url(args: argparse.Namespace) -> str | None:
    """The API URL from --base-url or $PIAPI_BASE_URL, checked; None for PiAPI's own."""
    given: str | None = getattr(args, "base_url", None)
    source = "--base-url"
    if given is None:
        given, source = os.environ.get(BASE_URL_ENV) or None, BASE_URL_ENV
    if given is None:
        return None
    from piapi._core.protocol import resolve_base_url  # the client's own check

    try:
        resolve_base_url(given)
    except ValueError as exc:
        raise CliError(
            f"{source} {given!r} is not an http(s) URL the client takes ({exc}). Write it in "
            f"full, e.g. http://{given.split('://')[-1].lstrip('/')}"
        ) from None
    return given


def check_output(path: str) -> None:
    """Make sure the video can be saved at `path` (a file, or a directory to put it in).

    Missing directories are created by the download, so the nearest existing one must be
    a directory we can write to; an existing file is replaced, so its directory must be.
    """
    from piapi._core.download import is_directory_destination  # as the download will decide

    target = Path(path).expanduser()
    directory = target if is_directory_destination(path) else target.parent
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise CliError(
            f"Cannot save to {path}: {existing} is a file, not a directory. Choose another -o."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CliError(
            f"Cannot save to {path}: no permission to write in {existing}. Choose another -o."
        )


def check_upload(path: str) -> None:
    """Make sure `path` is a file PiAPI takes (type, size) and we can read, before anything
    is sent or created."""
    from piapi._core.uploads import check_upload_size, upload_name

    target = Path(path).expanduser()
    if not target.is_file():
        raise CliError(f"Cannot upload {path}: no such file.")
    if not os.access(target, os.R_OK):
        raise CliError(f"Cannot upload {path}: no permission to read it.")
    try:
        name = upload_name(path, None)
        check_upload_size(target.stat().st_size, name)
    except ValueError as exc:
        raise CliError(f"Cannot upload {path}: {exc}.") from None


def check(args: argparse.Namespace, *, output: str | None) -> None:
    """Every check a command needs before its first request (tests keep these)."""
    base_url(args)
    if output is not None:
        check_output(output)


def api_key(args: argparse.Namespace) -> str | None:
    """The key to use: --api-key, else $PIAPI_API_KEY, else the one `piapi login` stored."""
    from piapi.cli._config import stored_api_key

    return getattr(args, "api_key", None) or os.environ.get(API_KEY_ENV) or stored_api_key()


def make_client(args: argparse.Namespace) -> PiAPIClient:
    """The client for a command, its key and URL checked; tests replace this with a fake's."""
    from piapi._sync.client import PiAPIClient

    url = base_url(args)
    key = api_key(args)
    if not key:
        raise CliError(
            f"No API key: run `piapi login` (or set the {API_KEY_ENV} environment variable, "
            "or pass --api-key).",
            EXIT_AUTH,
        )
    return PiAPIClient(api_key=key, base_url=url)
