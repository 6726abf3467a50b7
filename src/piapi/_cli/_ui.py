"""Where `piapi` writes and how it shows things: results on stdout, the rest on stderr."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any, cast

from piapi._download import video_url
from piapi._models import Task, TaskStatus

__all__ = ["Ui", "duration", "input_field", "size", "stdin_is_terminal", "summary", "usd"]


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


def stdin_is_terminal() -> bool:
    """Whether a person can answer a prompt."""
    return sys.stdin is not None and sys.stdin.isatty()


def duration(seconds: float) -> str:
    """`1h 02m 03s`, `2m 03s` or `3s`."""
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def usd(amount: Decimal) -> str:
    """`$0.32`."""
    return f"${amount.quantize(Decimal('0.01'))}"


def size(count: int) -> str:
    """`512 B`, `1.5 MB`, ... (powers of 1000)."""
    value = float(count)
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


def input_field(task: Task[Any, Any], name: str) -> object:
    """A field of a task's input, typed (`Sora2Task`) or a plain dict."""
    task_input: Any = task.input
    if isinstance(task_input, dict):
        return cast("dict[str, Any]", task_input).get(name)
    return getattr(task_input, name, None)


def summary(task: Task[Any, Any]) -> list[str]:
    """A readable, markup-escaped description of a task, one line per fact."""
    from rich.markup import escape

    status = task.status.value
    lines = [f"Task [bold]{escape(task.task_id)}[/]  [{_status_style(task.status)}]{status}[/]"]
    rows: list[tuple[str, str]] = [("model", f"{task.model} / {task.task_type}")]
    prompt = input_field(task, "prompt")
    if isinstance(prompt, str) and prompt:
        rows.append(("prompt", prompt if len(prompt) <= 80 else prompt[:77] + "..."))
    meta = task.meta
    if meta.created_at is not None:
        rows.append(("created", meta.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")))
    if meta.created_at is not None and meta.ended_at is not None:
        rows.append(("took", duration((meta.ended_at - meta.created_at).total_seconds())))
    rows.append(("cost", usd(task.cost_usd)))
    url = video_url(task)
    if url:
        rows.append(("video", url))
    if task.error is not None and task.error.is_error:
        rows.append(("error", task.error.message or task.error.raw_message))
    lines += [f"  [dim]{name:<8}[/] {escape(value)}" for name, value in rows]
    return lines
