"""`piapi`: make Sora 2 videos and manage PiAPI tasks from a terminal (extra `piapi-sdk[cli]`).

Each failure prints one line saying what failed and what to do, and exits with a code per
kind of failure (see `EXIT_CODES`), so scripts can tell them apart. One module per command
group (`_cmd_*.py`); `_ui` writes, `_checks` prepares, `_waiting` waits and downloads.
"""

from __future__ import annotations

import sys

from piapi._cli._exit import EXIT_CODES, EXIT_USAGE

__all__ = ["EXIT_CODES", "main"]

INSTALL_HINT = 'piapi: the command line needs rich: pip install "piapi-sdk[cli]"'


def main(argv: list[str] | None = None) -> int:
    """Run the `piapi` command line; returns the exit code (see `EXIT_CODES`).

    Args:
        argv: The arguments without the program name; default `sys.argv[1:]`.

    Returns:
        The process exit code.
    """
    try:
        import rich  # noqa: F401  # pyright: ignore[reportUnusedImport]
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_USAGE
    from piapi._cli._app import run

    return run(argv)
