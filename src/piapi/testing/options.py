"""The fake server's command-line options, shared by `python -m piapi.testing` and
`piapi fake-server`: standard library only, so the CLI's parser loads no fake to list them."""

from __future__ import annotations

import argparse

__all__ = ["DESCRIPTION", "add_arguments"]

DESCRIPTION = "Serve a fake PiAPI on localhost: free, offline, for trying the SDK or the CLI."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The fake server's options, shared by `python -m piapi.testing` and `piapi fake-server`."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="0 picks a free port (default: %(default)s)"
    )
    parser.add_argument(
        "--api-key", default="test", help="the key clients must send (default: %(default)s)"
    )
    parser.add_argument(
        "--task-duration",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long a task is processing (default: %(default)s)",
    )
    parser.add_argument(
        "--queue-delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how long a task is pending (default: %(default)s)",
    )
