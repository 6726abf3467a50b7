"""`piapi fake-server`: `python -m piapi.testing` under the CLI, with the same options."""

from __future__ import annotations

import argparse

from piapi.cli._parsing import Commands, Parents
from piapi.cli._session import Session
from piapi.cli._ui import Ui


def run(args: argparse.Namespace, ui: Ui, session: Session) -> int:
    """Serve the fake until Ctrl-C."""
    from piapi.testing.__main__ import serve

    return serve(args)


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi fake-server`, its options taken from `python -m piapi.testing`."""
    from piapi.testing.options import DESCRIPTION, add_arguments

    fake = commands.add_parser(
        "fake-server",
        help="run a fake PiAPI on localhost (free, for trying things out)",
        description=DESCRIPTION,
    )
    add_arguments(fake)
    fake.set_defaults(handler=run)
