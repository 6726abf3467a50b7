"""The fake server's command-line options, shared by `python -m piapi.testing` and
`piapi fake-server`: standard library only, so the CLI's parser loads no fake to list them."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["DESCRIPTION", "add_arguments"]

DESCRIPTION = "Serve a fake PiAPI on localhost: free, offline, for trying the SDK or the CLI."

# Each option: its flag, type, default, metavar (None: argparse's own) and help.
_OPTIONS: tuple[tuple[str, Callable[[str], object], object, str | None, str], ...] = (
    ("--host", str, "127.0.0.1", None, "address to listen on"),
    ("--port", int, 8765, None, "0 picks a free port"),
    ("--api-key", str, "test", None, "the key clients must send"),
    ("--task-duration", float, 5.0, "SECONDS", "how long a task is processing"),
    ("--queue-delay", float, 1.0, "SECONDS", "how long a task is pending"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The fake server's options, shared by `python -m piapi.testing` and `piapi fake-server`."""
    for flag, kind, default, metavar, text in _OPTIONS:
        parser.add_argument(
            flag, type=kind, default=default, metavar=metavar, help=f"{text} (default: %(default)s)"
        )
