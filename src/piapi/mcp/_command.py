"""`piapi mcp`: its options, checked into a `ServerConfig`, and the function that runs it.

Only the standard library at import: every `piapi` command builds this parser, and none
but `piapi mcp` may load the `mcp` SDK (imported in `run`, after the options are checked).
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from piapi.mcp._config import (
    DEFAULT_MAX_WAIT,
    DEFAULT_SPEND_LIMIT,
    MAX_WAIT_CEILING,
    TOKEN_ENV,
    ServerConfig,
    default_output_dir,
)

if TYPE_CHECKING:
    from typing import Protocol

    class Parents(Protocol):
        """The `piapi` command's shared option groups (only `--api-key`/`--base-url` here)."""

        @property
        def common(self) -> argparse.ArgumentParser: ...


__all__ = ["config_from_args", "register", "run"]

API_KEY_ENV = "PIAPI_API_KEY"
BASE_URL_ENV = "PIAPI_BASE_URL"
EXIT_USAGE, EXIT_AUTH = 2, 3  # the codes of every `piapi` command (piapi.cli._exit)
INSTALL_HINT = 'piapi mcp needs the MCP SDK: pip install "piapi-sdk[mcp]"'

DESCRIPTION = """\
Serve PiAPI to an AI agent over the Model Context Protocol: stdio by default (what Claude
Desktop, Cursor and most clients start), or streamable HTTP on 127.0.0.1 with --http.

Money: the server refuses any create that would take its total past --spend-limit (5 USD
by default, for the server's lifetime), refuses models without a published price unless
--allow-unknown-price, and asks the agent to confirm a create above --confirm-above.
Tasks outlive tool calls: create_task returns at once, wait_task waits at most --max-wait
seconds and is called again. Nothing is ever printed on stdout, the protocol channel.
"""
EPILOG = f"""\
tools: list_models, estimate_cost, create_task, get_task, wait_task, list_tasks,
  cancel_task, download_task, upload_file, account_info

environment:
  {API_KEY_ENV}    your API key (required)
  {BASE_URL_ENV}   another API URL, e.g. a fake server (piapi fake-server)
  {TOKEN_ENV}  the bearer token --http requires (default: generated, printed on stderr)

see docs/mcp.md for the Claude Desktop and Cursor configuration.
"""


def _usd(option: str) -> argparse._ActionType:  # pyright: ignore[reportPrivateUsage]
    def parse(text: str) -> Decimal:
        try:
            amount = Decimal(text.strip().removeprefix("$"))
        except InvalidOperation:
            raise argparse.ArgumentTypeError(
                f"{option} must be an amount in USD, e.g. 5 or 0.50 (got {text!r})"
            ) from None
        if not amount.is_finite() or amount < 0:
            raise argparse.ArgumentTypeError(f"{option} must be 0 or more (got {text!r})")
        return amount

    return parse


def _max_wait(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_WAIT_CEILING):
        raise argparse.ArgumentTypeError(
            f"--max-wait must be above 0 and at most {MAX_WAIT_CEILING:g} seconds "
            f"(agents' tool calls time out), got {text!r}"
        )
    return value


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--http takes a port from 0 to 65535 (got {text!r})")
    return port


def _output_dir(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise argparse.ArgumentTypeError(
            f"--output-dir must be an absolute path or start with ~ (got {text!r}): the "
            "current directory of a server started by a desktop client may be /"
        )
    return path


def _store_url(text: str) -> str:
    from piapi.stores._url import parse_url  # the standard library only; no driver

    try:
        parse_url(text)
    except ValueError as exc:  # its message shows the URL redacted
        raise argparse.ArgumentTypeError(f"--spend-store: {exc}") from None
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `piapi mcp`."""
    money = parser.add_argument_group("money")
    money.add_argument(
        "--spend-limit",
        type=_usd("--spend-limit"),
        metavar="USD",
        help=f"the most this server may spend in its lifetime (default {DEFAULT_SPEND_LIMIT})",
    )
    money.add_argument(
        "--spend-store",
        type=_store_url,
        metavar="URL",
        help="share the limit with every server and client using this store, across "
        "restarts: sqlite:///path (one machine) or postgresql://... (several); default: "
        "this server's own total",
    )
    money.add_argument(
        "--spend-name",
        default="default",
        metavar="NAME",
        help="the budget in --spend-store (default: default)",
    )
    money.add_argument(
        "--confirm-above",
        type=_usd("--confirm-above"),
        metavar="USD",
        help="a create whose estimate is above this returns the estimate and is sent only "
        "when the agent calls again with confirm: true (default: no confirmation)",
    )
    money.add_argument(
        "--allow-unknown-price",
        action="store_true",
        help="create tasks without a published price (the agent then gives max_cost_usd, "
        "counted against the limit); refused by default",
    )
    tasks = parser.add_argument_group("tasks and files")
    tasks.add_argument(
        "--max-wait",
        type=_max_wait,
        default=DEFAULT_MAX_WAIT,
        metavar="SECONDS",
        help=f"the longest one wait_task call lasts (default {DEFAULT_MAX_WAIT:g}, at most "
        f"{MAX_WAIT_CEILING:g}): agents' tool calls time out",
    )
    tasks.add_argument(
        "--output-dir",
        type=_output_dir,
        metavar="DIR",
        help="where download_task saves files (default ~/piapi-downloads); absolute or ~",
    )
    transport = parser.add_argument_group("transport")
    transport.add_argument(
        "--http",
        type=_port,
        metavar="PORT",
        help="serve streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio (0: a free port); "
        f"requests need the bearer token (${TOKEN_ENV}, else generated and printed on "
        "stderr) and no foreign Origin",
    )


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],  # pyright: ignore[reportPrivateUsage]
    parents: Parents,
) -> None:
    """Add `piapi mcp` to the `piapi` command."""
    parser = commands.add_parser(
        "mcp",
        help="serve PiAPI to AI agents (MCP), with a spending limit",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[parents.common],
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def config_from_args(args: argparse.Namespace, environ: dict[str, str]) -> ServerConfig:
    """The server's configuration from checked options and the environment."""
    limit: Decimal | None = args.spend_limit
    token: str | None = None
    generated = False
    if args.http is not None:
        token = environ.get(TOKEN_ENV) or None
        if token is None:
            token, generated = secrets.token_urlsafe(32), True
    return ServerConfig(
        spend_limit_usd=DEFAULT_SPEND_LIMIT if limit is None else limit,
        spend_limit_given=limit is not None,
        confirm_above_usd=args.confirm_above,
        allow_unknown_price=args.allow_unknown_price,
        max_wait=args.max_wait,
        output_dir=args.output_dir or default_output_dir(),
        http_port=args.http,
        token=token,
        token_generated=generated,
        spend_store=args.spend_store,
        spend_limit_name=args.spend_name,
    )


def announce(config: ServerConfig) -> list[str]:
    """The start-up lines for stderr (stdout is the protocol channel over stdio)."""
    limit = f"${config.spend_limit_usd}"
    if config.spend_store is None:
        scope = "for this server's lifetime"
    else:
        from piapi.stores._url import redact

        scope = (
            f"on budget {config.spend_limit_name!r}, shared by every client of "
            f"{redact(config.spend_store)}"
        )
    lines = [
        f"piapi mcp: spending limit {limit} {scope}"
        + ("" if config.spend_limit_given else " (the default; set it with --spend-limit)"),
    ]
    if config.confirm_above_usd is not None:
        lines.append(f"piapi mcp: creates above ${config.confirm_above_usd} need confirm: true")
    lines.append(f"piapi mcp: downloads go to {config.output_dir}")
    return lines


def run(args: argparse.Namespace, ui: object, session: object) -> int:
    """Check the options and the key, then serve until the client disconnects or Ctrl-C."""
    environ = dict(os.environ)
    api_key = getattr(args, "api_key", None) or environ.get(API_KEY_ENV)
    if not api_key:
        print(
            f"piapi mcp: no API key: set {API_KEY_ENV} in the server's environment "
            "(e.g. the env block of the client's configuration)",
            file=sys.stderr,
        )
        return EXIT_AUTH
    base_url = getattr(args, "base_url", None) or environ.get(BASE_URL_ENV) or None
    config = config_from_args(args, environ)
    try:
        from piapi.mcp._server import serve
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] == "mcp":
            print(INSTALL_HINT, file=sys.stderr)
            return EXIT_USAGE
        raise
    for line in announce(config):
        print(line, file=sys.stderr)
    serve(config, api_key=api_key, base_url=base_url)
    return 0
