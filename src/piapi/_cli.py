"""`piapi`: make Sora 2 videos and manage PiAPI tasks from a terminal (extra `piapi-sdk[cli]`).

Each failure prints one line saying what failed and what to do, and exits with a code per
kind of failure (see `EXIT_CODES`), so scripts can tell them apart.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Generator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from piapi._download import video_url
from piapi._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    DownloadError,
    PermissionDeniedError,
    PiAPIError,
    TaskFailedError,
    WaitTimeoutError,
)
from piapi._models import Task, TaskStatus, WebhookConfig
from piapi._protocol import API_KEY_ENV, BASE_URL_ENV
from piapi._sora2 import Sora2TaskType, estimate_sora2_cost
from piapi._version import __version__

if TYPE_CHECKING:
    from piapi._client import PiAPIClient

__all__ = ["EXIT_CODES", "main"]

EXIT_OK = 0
EXIT_DECLINED = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_API = 4
EXIT_TASK_FAILED = 5
EXIT_TIMEOUT = 6
EXIT_DOWNLOAD = 7
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_DECLINED: "you answered no at the cost confirmation; nothing was created",
    EXIT_USAGE: "usage error: bad option, missing --yes without a terminal, rich not installed",
    EXIT_AUTH: "no API key, or PiAPI refused it (401/403)",
    EXIT_API: "PiAPI answered an error, or could not be reached",
    EXIT_TASK_FAILED: "the task failed or was cancelled",
    EXIT_TIMEOUT: "gave up waiting (--timeout); the task goes on at PiAPI",
    EXIT_DOWNLOAD: "the task completed but its video could not be downloaded",
    EXIT_INTERNAL: "unexpected error (a bug: please report it)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); the task goes on at PiAPI",
}

EPILOG = (
    "exit codes:\n"
    + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())
    + f"\n\nenvironment:\n  {API_KEY_ENV}   your API key (safer than --api-key, which shows in ps)"
    + f"\n  {BASE_URL_ENV}  another API URL, e.g. a fake server"
)
INSTALL_HINT = 'piapi: the command line needs rich: pip install "piapi-sdk[cli]"'
DEFAULT_TIMEOUT = 1800.0


class CliError(Exception):
    """A failure to report in one line with an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


# --- output -------------------------------------------------------------------------------


class Ui:
    """Where the command writes: results on stdout, progress, prompts and errors on stderr."""

    def __init__(self, *, json_output: bool = False) -> None:
        from rich.console import Console

        # soft_wrap: never break a message into several lines in a narrow or piped output.
        self.out = Console(soft_wrap=True, highlight=False)
        self.err = Console(stderr=True, soft_wrap=True, highlight=False)
        self.json_output = json_output

    @property
    def live(self) -> bool:
        """Whether stderr is a terminal, where spinners and progress bars make sense."""
        return self.err.is_terminal

    def info(self, message: str) -> None:
        """A progress line on stderr (rich markup allowed)."""
        self.err.print(message)

    def error(self, message: str) -> None:
        """The one-line failure message."""
        from rich.markup import escape

        self.err.print(f"[bold red]error:[/] {escape(message)}")

    def result(self, message: str) -> None:
        """A result line on stdout (rich markup allowed); skipped in --json mode."""
        if not self.json_output:
            self.out.print(message)

    def json(self, task: Task[Any, Any]) -> None:
        """The task as JSON on stdout, the webhook secret PiAPI echoes redacted."""
        data = task.model_dump(mode="json")
        config = cast("dict[str, Any]", data.get("config") or {})
        hook = cast("dict[str, Any]", config.get("webhook_config") or {})
        if hook.get("secret"):
            hook["secret"] = "<redacted>"
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def _usd(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.01'))}"


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _status_style(status: TaskStatus) -> str:
    styles = {
        TaskStatus.COMPLETED: "green",
        TaskStatus.FAILED: "red",
        TaskStatus.CANCELLED: "yellow",
    }
    return styles.get(status, "cyan")


def _input_field(task: Task[Any, Any], name: str) -> object:
    """A field of a task's input, typed (`Sora2Task`) or a plain dict."""
    task_input: Any = task.input
    if isinstance(task_input, dict):
        return cast("dict[str, Any]", task_input).get(name)
    return getattr(task_input, name, None)


def _summary(task: Task[Any, Any]) -> list[str]:
    """A readable, markup-escaped description of a task, one line per fact."""
    from rich.markup import escape

    status = task.status.value
    lines = [f"Task [bold]{escape(task.task_id)}[/]  [{_status_style(task.status)}]{status}[/]"]
    rows: list[tuple[str, str]] = [("model", f"{task.model} / {task.task_type}")]
    prompt = _input_field(task, "prompt")
    if isinstance(prompt, str) and prompt:
        rows.append(("prompt", prompt if len(prompt) <= 80 else prompt[:77] + "..."))
    meta = task.meta
    if meta.created_at is not None:
        rows.append(("created", meta.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")))
    if meta.created_at is not None and meta.ended_at is not None:
        rows.append(("took", _duration((meta.ended_at - meta.created_at).total_seconds())))
    rows.append(("cost", _usd(task.cost_usd)))
    url = video_url(task)
    if url:
        rows.append(("video", url))
    if task.error is not None and task.error.is_error:
        rows.append(("error", task.error.message or task.error.raw_message))
    lines += [f"  [dim]{name:<8}[/] {escape(value)}" for name, value in rows]
    return lines


# --- client and waiting ---------------------------------------------------------------------


def _make_client(args: argparse.Namespace) -> PiAPIClient:
    """The client for a command; tests replace this to talk to an in-process fake."""
    from piapi._client import PiAPIClient

    api_key = getattr(args, "api_key", None) or os.environ.get(API_KEY_ENV)
    if not api_key:
        raise CliError(
            f"No API key: set the {API_KEY_ENV} environment variable (or pass --api-key).",
            EXIT_AUTH,
        )
    return PiAPIClient(api_key=api_key, base_url=getattr(args, "base_url", None))


class _StatusLine:
    """The live status text; rich re-renders it, so the elapsed time keeps ticking."""

    def __init__(self, task_id: str, now: Callable[[], float]) -> None:
        self.task_id = task_id
        self.status = "pending"
        self._now = now
        self._started = now()

    @property
    def elapsed(self) -> float:
        return self._now() - self._started

    def __rich__(self) -> str:
        return (
            f"Waiting for task [bold]{self.task_id}[/]: [cyan]{self.status}[/] "
            f"[dim]({_duration(self.elapsed)})[/]"
        )


def _wait(
    client: PiAPIClient, task: Task[Any, Any] | str, ui: Ui, timeout: float | None
) -> Task[Any, Any]:
    """`tasks.wait` with a live status line; Ctrl-C says how to resume."""
    task_id = task if isinstance(task, str) else task.task_id
    line = _StatusLine(task_id, client._now)
    if isinstance(task, Task):
        line.status = task.status.value

    def on_update(current: Task[Any, Any]) -> None:
        if current.status.value != line.status and not ui.live:
            ui.info(f"  {current.status.value} after {_duration(line.elapsed)}")
        line.status = current.status.value

    try:
        # Inside the try: a Ctrl-C right after this line is printed must still be handled.
        if not ui.live:
            ui.info(f"Waiting for task {task_id} ({line.status})...")
        with _maybe_status(ui, line):
            done = client.tasks.wait(task, timeout=timeout, on_update=on_update)
        if ui.live:
            ui.info(f"Task {task_id} {done.status.value} after {_duration(line.elapsed)}.")
        return done
    except KeyboardInterrupt:
        raise CliError(
            f"Stopped waiting. Task {task_id} goes on at PiAPI; resume with: "
            f"piapi task wait {task_id}",
            EXIT_INTERRUPTED,
        ) from None


@contextmanager
def _maybe_status(ui: Ui, line: _StatusLine) -> Generator[None, None, None]:
    if not ui.live:
        yield
        return
    with ui.err.status(line):
        yield


def _download(client: PiAPIClient, task: Task[Any, Any], dest: str, ui: Ui) -> Path:
    """`client.download` with a progress bar on a terminal."""
    try:
        if not ui.live:
            return client.download(task, dest)
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=ui.err,
            transient=True,
        ) as progress:
            bar = progress.add_task("Downloading", total=None)

            def on_progress(received: int, total: int | None) -> None:
                progress.update(bar, completed=received, total=total)

            return client.download(task, dest, on_progress=on_progress)
    except KeyboardInterrupt:
        raise CliError(
            f"Download stopped; no partial file was kept. Try again while the URL lasts: "
            f"piapi task wait {task.task_id} -o {dest}",
            EXIT_INTERRUPTED,
        ) from None


def _finish(
    client: PiAPIClient, task: Task[Any, Any], ui: Ui, output: str | None, elapsed: float | None
) -> int:
    """Download (when asked) and report a completed task; returns the exit code."""
    from rich.markup import escape

    path = _download(client, task, output, ui) if output is not None else None
    if ui.json_output:
        if path is not None:
            ui.info(f"Saved {escape(str(path))}")
        ui.json(task)
        return EXIT_OK
    if path is None:
        for line in _summary(task):
            ui.result(line)
        return EXIT_OK
    facts = [_size(path.stat().st_size)]
    seconds = _input_field(task, "duration")
    if isinstance(seconds, int):
        facts.append(f"{seconds} s video")
    facts.append(f"cost {_usd(task.cost_usd)}")
    if elapsed is not None:
        facts.append(f"took {_duration(elapsed)}")
    ui.result(f"[green]✓[/] Saved [bold]{escape(str(path))}[/]  [dim]({', '.join(facts)})[/]")
    return EXIT_OK


# --- commands -------------------------------------------------------------------------------


def _confirm(ui: Ui, cost: Decimal, yes: bool) -> bool:
    if yes:
        return True
    if not _stdin_is_terminal():
        raise CliError(
            f"Not creating a paid task ({_usd(cost)}) without confirmation: stdin is not a "
            "terminal. Pass --yes to confirm.",
            EXIT_USAGE,
        )
    from rich.prompt import Confirm

    return Confirm.ask(f"Create it for [bold]{_usd(cost)}[/]?", console=ui.err, default=True)


def cmd_sora2(args: argparse.Namespace, ui: Ui) -> int:
    """`piapi sora2 PROMPT`: estimate, confirm, create, wait, download."""
    from rich.markup import escape

    task_type: Sora2TaskType = "sora2-pro-video" if args.pro else "sora2-video"
    if args.resolution is not None and not args.pro:
        raise CliError("--resolution needs --pro (sora2-video has a fixed resolution).", EXIT_USAGE)
    if args.image_url is not None and args.pro:
        raise CliError("--image-url works only without --pro (sora2-video).", EXIT_USAGE)
    if args.webhook_secret and not args.webhook:
        raise CliError("--webhook-secret needs --webhook URL.", EXIT_USAGE)
    if not args.prompt.strip():
        raise CliError("The prompt is empty: say what the video should show.", EXIT_USAGE)
    client = _make_client(args)
    with client:
        cost = estimate_sora2_cost(duration=args.duration, task_type=task_type)
        ui.info(
            f"Sora 2 {'pro ' if args.pro else ''}video: {args.duration} s, {args.aspect_ratio}"
            f"{', ' + args.resolution if args.resolution else ''}. "
            f"Estimated cost [bold]{_usd(cost)}[/]."
        )
        if not _confirm(ui, cost, args.yes):
            ui.info("Nothing was created.")
            return EXIT_DECLINED
        webhook = None
        if args.webhook:
            webhook = WebhookConfig(endpoint=args.webhook, secret=args.webhook_secret or "")
        started = client._now()
        task = client.sora2.create(
            prompt=args.prompt,
            aspect_ratio=args.aspect_ratio,
            duration=args.duration,
            task_type=task_type,
            image_url=args.image_url,
            resolution=args.resolution,
            webhook=webhook,
        )
        ui.info(f"Created task [bold]{escape(task.task_id)}[/] ({task.status.value}).")
        if args.no_wait:
            if ui.json_output:
                ui.json(task)
            else:
                ui.result(task.task_id)
            ui.info(f"Wait for it with: piapi task wait {task.task_id} -o {args.output or '.'}")
            return EXIT_OK
        done = _wait(client, task, ui, args.timeout)
        output = None if args.no_download else (args.output or ".")
        return _finish(client, done, ui, output, client._now() - started)


def cmd_task_get(args: argparse.Namespace, ui: Ui) -> int:
    """`piapi task get ID`: the task's current state (and its video with -o)."""
    with _make_client(args) as client:
        task = client.tasks.get(args.task_id)
        output = args.output if task.status is TaskStatus.COMPLETED else None
        if args.output is not None and output is None:
            ui.info(f"Task is {task.status.value}: nothing to download yet.")
        return _finish(client, task, ui, output, None)


def cmd_task_wait(args: argparse.Namespace, ui: Ui) -> int:
    """`piapi task wait ID`: wait until the task ends (and download its video with -o)."""
    with _make_client(args) as client:
        task = _wait(client, args.task_id, ui, args.timeout)
        return _finish(client, task, ui, args.output, None)


def cmd_task_cancel(args: argparse.Namespace, ui: Ui) -> int:
    """`piapi task cancel ID`: cancel a pending task (PiAPI allows it for some models only)."""
    with _make_client(args) as client:
        client.tasks.cancel(args.task_id)
        ui.info(f"Cancelled task {args.task_id}.")
        if ui.json_output:
            ui.json(client.tasks.get(args.task_id))
        return EXIT_OK


def cmd_fake_server(args: argparse.Namespace, ui: Ui) -> int:
    """`piapi fake-server`: serve a fake PiAPI on localhost for trying things out for free."""
    from piapi.testing.__main__ import main as fake_main

    argv = ["--host", args.host, "--port", str(args.port)]
    argv += ["--task-duration", str(args.task_duration), "--queue-delay", str(args.queue_delay)]
    argv += ["--api-key", args.fake_api_key]
    return fake_main(argv)


# --- parser -----------------------------------------------------------------------------------


# Defaults are written into the help texts by hand: an automatic "(default: ...)" would
# print the webhook secret taken from the environment.
_Formatter = argparse.RawDescriptionHelpFormatter


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `piapi` and its subcommands."""
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

    parser = argparse.ArgumentParser(
        prog="piapi",
        description="Make Sora 2 videos and manage PiAPI tasks.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"piapi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    sora2 = commands.add_parser(
        "sora2",
        help="make a Sora 2 video: estimate, confirm, create, wait, download",
        description="Make a Sora 2 video. Shows the estimated cost and asks before spending; "
        "without a terminal, pass --yes.",
        epilog=EPILOG,
        formatter_class=_Formatter,
        parents=[common, output],
    )
    sora2.add_argument("prompt", help="what the video shows")
    sora2.add_argument(
        "--duration", type=int, choices=(4, 8, 12), default=4, help="seconds (default 4)"
    )
    sora2.add_argument(
        "--aspect-ratio", choices=("16:9", "9:16"), default="16:9", help="(default 16:9)"
    )
    sora2.add_argument("--pro", action="store_true", help="sora2-pro-video ($0.24/s, not $0.08/s)")
    sora2.add_argument(
        "--resolution", choices=("720p", "1080p"), help="with --pro only (default 720p)"
    )
    sora2.add_argument("--image-url", metavar="URL", help="first frame (image-to-video)")
    sora2.add_argument("--webhook", metavar="URL", help="PiAPI also POSTs updates here")
    sora2.add_argument(
        "--webhook-secret",
        metavar="S",
        default=os.environ.get("PIAPI_WEBHOOK_SECRET"),
        help="sent back in x-webhook-secret (default: $PIAPI_WEBHOOK_SECRET)",
    )
    sora2.add_argument("--no-wait", action="store_true", help="print the task id and exit")
    sora2.add_argument("--no-download", action="store_true", help="wait but do not download")
    sora2.add_argument(
        "-o", "--output", metavar="PATH", help="file or directory for the video (default: .)"
    )
    sora2.add_argument("-y", "--yes", action="store_true", help="do not ask before spending")
    sora2.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds to wait (default 1800)"
    )
    sora2.set_defaults(handler=cmd_sora2)

    task = commands.add_parser("task", help="get, wait for or cancel a task by id")
    task_commands = task.add_subparsers(dest="task_command", metavar="ACTION", required=True)
    for name, handler, text in (
        ("get", cmd_task_get, "show a task's current state"),
        ("wait", cmd_task_wait, "wait until a task ends"),
        ("cancel", cmd_task_cancel, "cancel a pending task"),
    ):
        sub = task_commands.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog=EPILOG,
            formatter_class=_Formatter,
            parents=[common, output],
        )
        sub.add_argument("task_id", metavar="ID")
        if name != "cancel":
            sub.add_argument(
                "-o", "--output", metavar="PATH", help="download the video to this file or dir"
            )
        if name == "wait":
            sub.add_argument(
                "--timeout",
                type=float,
                default=DEFAULT_TIMEOUT,
                help="seconds to wait (default 1800)",
            )
        sub.set_defaults(handler=handler)

    fake = commands.add_parser(
        "fake-server",
        help="run a fake PiAPI on localhost (free, for trying things out)",
        formatter_class=_Formatter,
    )
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    fake.add_argument("--task-duration", type=float, default=5.0, help="seconds processing (5)")
    fake.add_argument("--queue-delay", type=float, default=1.0, help="seconds pending (1)")
    fake.add_argument("--fake-api-key", default="test", help="the key clients must send (test)")
    fake.set_defaults(handler=cmd_fake_server)
    return parser


# --- errors -----------------------------------------------------------------------------------


def _explain(exc: PiAPIError) -> tuple[str, int]:
    """One line and an exit code for an SDK error."""
    if isinstance(exc, AuthenticationError):
        return (
            f"PiAPI refused the API key ({exc}). Check {API_KEY_ENV} or --api-key.",
            EXIT_AUTH,
        )
    if isinstance(exc, PermissionDeniedError):
        return f"PiAPI refused the request ({exc}). Check your plan and credit.", EXIT_AUTH
    if isinstance(exc, TaskFailedError):
        return str(exc), EXIT_TASK_FAILED
    if isinstance(exc, WaitTimeoutError):
        return (
            f"Task {exc.task_id} is not finished yet; it goes on at PiAPI. Keep waiting "
            f"with: piapi task wait {exc.task_id}",
            EXIT_TIMEOUT,
        )
    if isinstance(exc, DownloadError):
        hint = (
            f" Try again while the URL lasts: piapi task wait {exc.task.task_id} -o PATH"
            if exc.task is not None
            else ""
        )
        return f"{exc}{hint}", EXIT_DOWNLOAD
    if isinstance(exc, APIConnectionError):
        return f"Could not reach PiAPI: {exc}. Check your network or {BASE_URL_ENV}.", EXIT_API
    if isinstance(exc, APIStatusError):
        return str(exc), EXIT_API
    return str(exc), EXIT_API


def _first_line_of_validation(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False, include_input=False)
        if errors:
            return str(errors[0]["msg"]).removeprefix("Value error, ")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    ui = Ui(json_output=getattr(args, "json", False))
    handler: Callable[[argparse.Namespace, Ui], int] = args.handler
    try:
        return handler(args, ui)
    except CliError as exc:
        ui.error(str(exc))
        return exc.code
    except PiAPIError as exc:
        message, code = _explain(exc)
        ui.error(message)
        return code
    except KeyboardInterrupt:
        ui.error("Interrupted.")
        return EXIT_INTERRUPTED
    except ValueError as exc:  # a value the SDK refused before sending anything
        ui.error(f"Invalid argument: {_first_line_of_validation(exc)}")
        return EXIT_USAGE
    except Exception as exc:
        ui.error(
            f"Unexpected error ({type(exc).__name__}: {exc}). This is a bug in piapi: "
            "please report it with the command you ran."
        )
        return EXIT_INTERNAL
