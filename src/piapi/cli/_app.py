"""The `piapi` program: its parser (one module per command group) and its error handling."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from piapi._core.errors import (
    APIConnectionError,
    AuthenticationError,
    PermissionDeniedError,
    PiAPIError,
)
from piapi._core.protocol import API_KEY_ENV, BASE_URL_ENV
from piapi._core.task_errors import (
    DownloadError,
    TaskFailedError,
    WaitTimeoutError,
)
from piapi._version import __version__
from piapi.cli import (
    _cmd_account,
    _cmd_batch,
    _cmd_fake_server,
    _cmd_login,
    _cmd_models,
    _cmd_run,
    _cmd_sora2,
    _cmd_spend,
    _cmd_task,
)
from piapi.cli._exit import (
    EXIT_API,
    EXIT_AUTH,
    EXIT_DOWNLOAD,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_TASK_FAILED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    CliError,
    problems,
)
from piapi.cli._parsing import EPILOG, Commands, Handler, Parents, make_parents
from piapi.cli._session import Session
from piapi.cli._ui import Ui
from piapi.mcp import _command as _cmd_mcp

Register = Callable[[Commands, Parents], None]
# A new command group is a module with `register(commands, parents)`, listed here; it adds
# each command with `_parsing.add_command`, naming the `Handler` that runs it.
COMMANDS: tuple[Register, ...] = (
    _cmd_sora2.register,
    _cmd_run.register,
    _cmd_models.register,
    _cmd_task.register,
    _cmd_account.register,
    _cmd_batch.register,
    _cmd_spend.register,
    _cmd_fake_server.register,
    _cmd_mcp.register,  # `piapi mcp`: its options here, the `mcp` SDK imported only when run
    _cmd_login.register,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `piapi` and its subcommands."""
    parents = make_parents()
    parser = argparse.ArgumentParser(
        prog="piapi",
        description="Run any PiAPI model (checked and priced where typed), make Sora 2 videos, "
        "and manage PiAPI tasks.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[parents.common],
    )
    parser.add_argument("--version", action="version", version=f"piapi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(commands, parents)
    return parser


def _explain(exc: Exception, session: Session) -> tuple[str, int]:
    """One line and an exit code for any failure of a command."""
    if isinstance(exc, CliError):
        return str(exc), exc.code
    if isinstance(exc, AuthenticationError):
        return (
            f"PiAPI refused the API key ({exc}). Check {API_KEY_ENV}, --api-key or the key "
            "`piapi login` stored.",
            EXIT_AUTH,
        )
    if isinstance(exc, PermissionDeniedError):
        return f"PiAPI refused the request ({exc}). Check your plan and credit.", EXIT_AUTH
    if isinstance(exc, TaskFailedError):
        return str(exc), EXIT_TASK_FAILED
    if isinstance(exc, WaitTimeoutError):
        return (
            f"Task {exc.task_id} is not finished yet; it goes on at PiAPI. Keep waiting "
            f"with: {session.resume.command(exc.task_id)}",
            EXIT_TIMEOUT,
        )
    if isinstance(exc, DownloadError):
        hint = (
            f" Try again while the URL lasts: {session.resume.command(exc.task.task_id)}"
            if exc.task is not None
            else ""
        )
        return f"{exc}{hint}", EXIT_DOWNLOAD
    if isinstance(exc, APIConnectionError):
        return f"Could not reach PiAPI: {exc}. Check your network or {BASE_URL_ENV}.", EXIT_API
    if isinstance(exc, PiAPIError):
        return str(exc), EXIT_API
    if isinstance(exc, ValueError):  # a value the SDK refused before sending anything
        from pydantic import ValidationError

        found = problems(exc, placed=False) if isinstance(exc, ValidationError) else []
        first = found[0] if found else (str(exc).splitlines() or [type(exc).__name__])[0]
        return f"Invalid argument: {first}", EXIT_USAGE
    return (
        f"Unexpected error ({type(exc).__name__}: {exc}). This is a bug in piapi: "
        "please report it with the command you ran.",
        EXIT_INTERNAL,
    )


def run(argv: list[str] | None, session: Session) -> int:
    """Parse `argv`, run the command, and turn every failure into one line and a code.

    Ctrl-C is not caught here: `main` explains it from the session.
    """
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        # `piapi run M T --input f.json key=value`: values after an option (argparse stops
        # filling a positional list at the first option) are values all the same.
        if extra and isinstance(getattr(args, "values", None), list):
            args.values += [word for word in extra if not word.startswith("-")]
            extra = [word for word in extra if word.startswith("-")]
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    ui = Ui(json_output=getattr(args, "json", False))
    handler: Handler = args.handler
    try:
        return handler(args, ui, session) or EXIT_OK
    except Exception as exc:
        message, code = _explain(exc, session)
        ui.error(message)
        return code
