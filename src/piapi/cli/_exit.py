"""Exit codes of `piapi`, one per kind of failure, the error that carries one, and the words
for a value pydantic refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

EXIT_CODES: dict[int, str] = {}
"""Every exit code and what it means (in `piapi --help`), in the order they are defined."""


def _code(number: int, meaning: str) -> int:
    """An exit code, listed in `EXIT_CODES` with its meaning: one place says both."""
    EXIT_CODES[number] = meaning
    return number


EXIT_OK = _code(0, "success")
EXIT_DECLINED = _code(1, "you answered no at the cost confirmation; nothing was created")
EXIT_USAGE = _code(
    2,
    "usage error: bad option, missing --yes without a terminal, rich not installed; "
    "a batch journal that cannot be used or written (the line printed says what exists)",
)
EXIT_AUTH = _code(3, "no API key, or PiAPI refused it (401/403)")
EXIT_API = _code(4, "PiAPI answered an error, or could not be reached")
EXIT_TASK_FAILED = _code(5, "the task failed or was cancelled")
EXIT_TIMEOUT = _code(6, "gave up waiting (--timeout); the task goes on at PiAPI")
EXIT_DOWNLOAD = _code(7, "the task completed but its video could not be downloaded")
EXIT_INCOMPLETE = _code(
    8, "piapi batch: not every item completed and was downloaded (see the table)"
)
EXIT_INTERNAL = _code(70, "unexpected error (a bug: please report it)")
EXIT_INTERRUPTED = _code(
    130, "interrupted (Ctrl-C); the line printed says what exists and how to resume"
)
EXIT_TERMINATED = _code(143, "stopped by SIGTERM (docker stop, systemd): handled as Ctrl-C")


class CliError(Exception):
    """A failure to report in one line with an exit code: a usage error unless `code` says
    otherwise (most refusals come before anything is sent)."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def problems(exc: ValidationError, within: str = "", *, placed: bool = True) -> list[str]:
    """Each problem of a validation error in our words, pydantic's "Value error, " dropped:
    `place: message` (the place `within` a field, if given), or the message alone unless
    `placed`. One wording for every command that reports a refused value."""
    found: list[str] = []
    for error in exc.errors(include_url=False, include_input=False):
        place = ".".join(str(part) for part in ((within,) if within else ()) + error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        found.append(f"{place}: {message}" if place and placed else message)
    return found
