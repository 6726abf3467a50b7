"""`piapi`: make Sora 2 videos and manage PiAPI tasks from a terminal (extra `piapi-sdk[cli]`).

Each failure prints one line saying what failed and what to do, and exits with a code per
kind of failure (see `EXIT_CODES`), so scripts can tell them apart. Ctrl-C at any moment,
the first imports included, says what became of the money and how to resume, never a
traceback; SIGTERM (`docker stop`, systemd) is handled the same way. One module per
command group (`_cmd_*.py`); `_ui` writes, `_checks` checks the arguments and builds the
client, `_waiting` waits and downloads, `_session` keeps the record.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from piapi._core.text import printable
from piapi.cli._exit import EXIT_CODES, EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE
from piapi.cli._session import Session

__all__ = ["EXIT_CODES", "main"]

INSTALL_HINT = 'piapi: the command line needs rich: pip install "piapi-sdk[cli]"'


def main(argv: list[str] | None = None) -> int:
    """Run the `piapi` command line; returns the exit code (see `EXIT_CODES`).

    Args:
        argv: The arguments without the program name; default `sys.argv[1:]`.

    Returns:
        The process exit code.
    """
    session = Session()
    stopped_by: list[int] = []
    restore = _report_ctrl_c_once(session, stopped_by)
    try:
        # Everything heavy is imported here, after Ctrl-C handling is in place.
        try:
            import rich  # noqa: F401  # pyright: ignore[reportUnusedImport]
        except ImportError:
            print(INSTALL_HINT, file=sys.stderr)
            return EXIT_USAGE
        from piapi.cli._app import run

        return run(argv, session)
    except KeyboardInterrupt:
        session.reporting = True  # first statement: no signal checkpoint before it
        _write_line(session.interrupted_message())
        return EXIT_TERMINATED if stopped_by else EXIT_INTERRUPTED
    finally:
        restore()


def _report_ctrl_c_once(session: Session, stopped_by: list[int]) -> Callable[[], None]:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, except while the interruption is being
    reported: a second signal must not cut the one line that says where the money went.

    A signal left alone: one ignored (SIGINT in a background job) or handled by someone
    else. `stopped_by` receives a SIGTERM's number (exit 143, as a shell reports it).
    Returns the undo.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {
        number: signal.getsignal(number)
        for number, untouched in (
            (signal.SIGINT, signal.default_int_handler),
            (signal.SIGTERM, signal.SIG_DFL),
        )
        if signal.getsignal(number) is untouched
    }

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not session.reporting:
            if signum != signal.SIGINT:
                stopped_by.append(signum)
            raise KeyboardInterrupt

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    for number in previous:
        signal.signal(number, on_signal)
    return restore


def _write_line(message: str) -> None:
    """A line on stderr without rich: it may be the very thing being imported."""
    try:
        sys.stderr.write(printable(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or gone: nothing left to tell
        pass
