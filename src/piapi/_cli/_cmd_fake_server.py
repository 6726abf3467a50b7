"""`piapi fake-server`: serve a fake PiAPI on localhost for trying things out for free."""

from __future__ import annotations

import argparse

from piapi._cli._parsing import Formatter, Parents
from piapi._cli._ui import Ui

__all__ = ["register"]


def run(args: argparse.Namespace, ui: Ui) -> int:
    """Run `python -m piapi.testing` with these options."""
    from piapi.testing.__main__ import main as fake_main

    argv = ["--host", args.host, "--port", str(args.port)]
    argv += ["--task-duration", str(args.task_duration), "--queue-delay", str(args.queue_delay)]
    argv += ["--api-key", args.fake_api_key]
    return fake_main(argv)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parents: Parents
) -> None:
    """Add `piapi fake-server`."""
    fake = commands.add_parser(
        "fake-server",
        help="run a fake PiAPI on localhost (free, for trying things out)",
        formatter_class=Formatter,
    )
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    fake.add_argument("--task-duration", type=float, default=5.0, help="seconds processing (5)")
    fake.add_argument("--queue-delay", type=float, default=1.0, help="seconds pending (1)")
    fake.add_argument("--fake-api-key", default="test", help="the key clients must send (test)")
    fake.set_defaults(handler=run)
