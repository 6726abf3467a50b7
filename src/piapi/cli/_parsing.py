"""The option groups commands share and `add_command`, so each command module builds its
own parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NamedTuple, TypeAlias

from piapi._core.protocol import API_KEY_ENV, BASE_URL_ENV
from piapi.cli._checks import seconds
from piapi.cli._exit import EXIT_CODES
from piapi.cli._session import Resume, Session
from piapi.cli._ui import Ui

EPILOG = (
    "exit codes:\n"
    + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())
    + f"\n\nenvironment:\n  {API_KEY_ENV}   your API key (safer than --api-key, which shows in ps)"
    + f"\n  {BASE_URL_ENV}  another API URL, e.g. a fake server"
)
DEFAULT_TIMEOUT = 1800.0
# What `register(commands, parents)` adds its commands to.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
# Runs one command; it records its progress in the session, for the line Ctrl-C prints. It
# returns its exit code, or None for success (a failure raises `CliError` or an SDK error).
Handler = Callable[[argparse.Namespace, Ui, Session], int | None]


class Parents(NamedTuple):
    """Parent parsers: `common` (--api-key, --base-url), `output` (--json), `waiting`
    (--timeout); `*parents` is all three."""

    common: argparse.ArgumentParser
    output: argparse.ArgumentParser
    waiting: argparse.ArgumentParser


def add_command(
    commands: Commands,
    name: str,
    handler: Handler | None,
    help: str,
    description: str,
    *parents: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """A command run by `handler` (None: one with its own subcommands), taking the options
    of `parents`, its help ending with the exit codes and environment variables every
    command shares."""
    parser = commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=EPILOG,
        # Defaults are written into the help texts by hand: an automatic "(default: ...)"
        # would print a secret taken from the environment.
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=list(parents),
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_create_options(parser: argparse.ArgumentParser, result: str) -> None:
    """The options of a command that creates one task, waits for it and downloads its
    `result`, added last: --no-wait, --no-download, -o/--output and -y/--yes."""
    parser.add_argument("--no-wait", action="store_true", help="print the task id and exit")
    parser.add_argument("--no-download", action="store_true", help="wait but do not download")
    parser.add_argument(
        "-o", "--output", metavar="PATH", help=f"file or directory for the {result} (default: .)"
    )
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask before spending")


def make_parents() -> Parents:
    """The shared option groups."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a value given before the subcommand is not reset by the subcommand's default.
    common.add_argument(
        "--api-key", default=argparse.SUPPRESS, help=f"API key (default: ${API_KEY_ENV})"
    )
    common.add_argument(
        "--base-url", default=argparse.SUPPRESS, help=f"API URL (default: ${BASE_URL_ENV})"
    )
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true", help="print the task as JSON on stdout")
    waiting = argparse.ArgumentParser(add_help=False)
    waiting.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help=f"how long to wait (default {DEFAULT_TIMEOUT:g}); the task goes on after it",
    )
    return Parents(common, output, waiting)


def resume_options(args: argparse.Namespace, *, output: str | None) -> Resume:
    """What a resume command must repeat of this command line."""
    return Resume(
        output=output,
        timeout=getattr(args, "timeout", None),
        json=getattr(args, "json", False),
        base_url=getattr(args, "base_url", None),
    )
