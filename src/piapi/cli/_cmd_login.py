"""`piapi login`: store the API key in the user's config folder (never printed)."""

from __future__ import annotations

import argparse
import os
import sys

from piapi._core.protocol import API_KEY_ENV
from piapi.cli import _ui
from piapi.cli._config import config_path, forget_api_key, store_api_key
from piapi.cli._exit import CliError
from piapi.cli._parsing import Commands, Parents, add_command
from piapi.cli._session import Session
from piapi.cli._ui import Ui

LOGIN_HELP = "store your API key for every command (asked without echo)"


def _description() -> str:
    # Built when the parser is: it names where the key goes, found then.
    return (
        f"Store your PiAPI API key in {config_path()} (mode 0600), read by every command "
        f"when {API_KEY_ENV} is not set. The key is asked for without echo, or read from "
        "stdin with --stdin; it is never printed."
    )


def _read_key(args: argparse.Namespace) -> str:
    if args.stdin:
        key = sys.stdin.readline()
    elif _ui.stdin_is_terminal():
        import getpass

        key = getpass.getpass("PiAPI API key (not shown): ")
    else:
        raise CliError(
            "No terminal to ask for the key on: pipe it in with --stdin "
            f"(e.g. `printenv {API_KEY_ENV} | piapi login --stdin`)."
        )
    key = key.strip()
    if not key:
        raise CliError("No key given; nothing was stored.")
    if any(character.isspace() or not character.isprintable() for character in key):
        raise CliError("That is not an API key (it holds spaces or control characters).")
    return key


def run(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """Store (or with --forget, remove) the key."""
    if args.forget:
        removed = forget_api_key()
        if removed is None:
            ui.info("No stored API key in {path}.", path=config_path())
        else:
            ui.info("Removed the stored API key from {path}.", path=removed)
        return
    path = store_api_key(_read_key(args))
    ui.info("Saved the API key in {path} (readable by you only).", path=path)
    if os.environ.get(API_KEY_ENV):
        ui.warning(
            "{env} is set in this environment: commands use it instead of the stored key.",
            env=API_KEY_ENV,
        )


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi login`."""
    login = add_command(commands, "login", run, LOGIN_HELP, _description())
    login.add_argument("--stdin", action="store_true", help="read the key from stdin")
    login.add_argument("--forget", action="store_true", help="remove the stored key")
