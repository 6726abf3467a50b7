"""The option groups every command shares, so each command module builds its own parser."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from piapi._cli._exit import EXIT_CODES
from piapi._protocol import API_KEY_ENV, BASE_URL_ENV

__all__ = ["DEFAULT_TIMEOUT", "EPILOG", "Formatter", "Parents", "make_parents"]

EPILOG = (
    "exit codes:\n"
    + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())
    + f"\n\nenvironment:\n  {API_KEY_ENV}   your API key (safer than --api-key, which shows in ps)"
    + f"\n  {BASE_URL_ENV}  another API URL, e.g. a fake server"
)
DEFAULT_TIMEOUT = 1800.0
# Defaults are written into the help texts by hand: an automatic "(default: ...)" would
# print the webhook secret taken from the environment.
Formatter = argparse.RawDescriptionHelpFormatter


@dataclass(frozen=True)
class Parents:
    """Parent parsers: `common` (--api-key, --base-url) and `output` (--json)."""

    common: argparse.ArgumentParser
    output: argparse.ArgumentParser


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
    return Parents(common, output)
