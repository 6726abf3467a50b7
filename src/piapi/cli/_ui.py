"""Where `piapi` writes and how it shows things: results on stdout, the rest on stderr.

Every line is a template of our own rich markup filled with values shown as plain text:
a status word, task id, message or prompt (from PiAPI or the user) is escaped for rich and
its control characters made visible, so `[/oops]` or an ESC sequence is printed, not run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from rich.markup import escape

from piapi._core.models import Task, TaskStatus
from piapi._core.text import format_usd, json_safe, printable
from piapi.cli._exit import CliError


def text(value: object) -> str:
    """`value` as rich markup that shows exactly its text, on one line."""
    return escape(printable(str(value)))


def markup(template: str, **values: object) -> str:
    """Our `template` (rich markup, `{name}` fields) filled with `values` shown as text."""
    return template.format(**{name: text(value) for name, value in values.items()})


class Ui:
    """Where the command writes: results on stdout, progress, prompts and errors on stderr."""

    def __init__(self, *, json_output: bool = False) -> None:
        from rich.console import Console

        # soft_wrap: never break a message into several lines in a narrow or piped output.
        # No emoji codes or highlighting: only our own markup styles anything.
        self.out = Console(soft_wrap=True, highlight=False, emoji=False)
        self.err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)
        self.json_output = json_output

    @property
    def live(self) -> bool:
        """Whether stderr is a terminal, where spinners and progress bars make sense."""
        return self.err.is_terminal

    def info(self, template: str, **values: object) -> None:
        """A progress line on stderr."""
        self.err.print(markup(template, **values))

    def warning(self, template: str, **values: object) -> None:
        """A line on stderr about something risky that goes ahead anyway."""
        self.err.print("[bold yellow]warning:[/] " + markup(template, **values))

    def error(self, message: str) -> None:
        """The one-line failure message (all of it shown as text)."""
        self.err.print(f"[bold red]error:[/] {text(message)}")

    def result(self, template: str, **values: object) -> None:
        """A result line on stdout; skipped in --json mode."""
        if not self.json_output:
            self.out.print(markup(template, **values))

    def confirm_spending(self, yes: bool, what: str, template: str, **values: object) -> bool:
        """`--yes`, or ask on stderr: only `y` or `yes` is yes, so Enter (or end of input)
        spends nothing; with no terminal to ask on, refuse to create `what` (exit 2): money
        is never spent on a guess."""
        if yes:
            return True
        if not stdin_is_terminal():
            raise CliError(
                f"Not creating {what} without confirmation: stdin is not a terminal. "
                "Pass --yes to confirm."
            )
        self.err.print(markup(template, **values) + r" \[y/N] ", end="")
        answer = sys.stdin.readline()
        if not answer.endswith("\n"):
            self.err.print()  # end of input: finish the prompt's line
        return answer.strip().lower() in ("y", "yes")

    def confirm_task(self, yes: bool, cost: Decimal | None, why: str = "") -> bool:
        """`confirm_spending` for one task: its estimated `cost`, or None for a price the SDK
        does not know (`why`)."""
        if cost is not None:
            price = format_usd(cost)
            return self.confirm_spending(
                yes, f"a paid task ({price})", "Create it for [bold]{cost}[/]?", cost=price
            )
        return self.confirm_spending(
            yes,
            "a task of unknown price",
            "Create it at a price the SDK does not know ({why})?",
            why=why,
        )

    def json(self, task: Task[Any, Any]) -> None:
        """The task as JSON on stdout, the webhook secret PiAPI echoes redacted."""
        data = task.model_dump(mode="json")
        config = cast("dict[str, Any]", data.get("config") or {})
        hook = cast("dict[str, Any]", config.get("webhook_config") or {})
        if hook.get("secret"):
            hook["secret"] = "<redacted>"
        self.json_value(data)

    def json_value(self, data: object, *, indent: int | None = 2) -> None:
        """JSON-ready data on stdout (`indent=None`: on one line), its text shown safely."""
        sys.stdout.write(json_safe(json.dumps(data, indent=indent, ensure_ascii=False)) + "\n")
        sys.stdout.flush()


def columns(ui: Ui, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Result rows in aligned columns under a bold header, the last one left to run to the
    end of the line (never cut or wrapped into a cell, so a pipe or a narrow terminal reads
    the same)."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]])

    ui.result("[bold]{line}[/]", line=line(header))
    for row in rows:
        ui.result("{line}", line=line(row))


def stdin_is_terminal() -> bool:
    """Whether a person can answer a prompt."""
    return sys.stdin is not None and sys.stdin.isatty()


def counted(count: int, noun: str) -> str:
    """`1 task`, `2 tasks`, `0 tasks`."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def duration(seconds: float) -> str:
    """`1h 02m 03s`, `2m 03s` or `3s`."""
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def cost(task: Task[Any, Any]) -> str:
    """The task's cost as PiAPI reports it: the charge, a hold while it runs, or unknown."""
    amount = task.cost_usd
    if amount is None:
        return "not reported"
    if task.meta.usage.consume == 0 and amount > 0:
        return f"{format_usd(amount)} held until the task ends"
    return format_usd(amount)


def size(count: int) -> str:
    """`512 B`, `1.5 MB`, ... (powers of 1000)."""
    value = float(count)
    for unit in ("B", "KB", "MB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


STATUS_STYLES = {
    TaskStatus.COMPLETED: "green",
    TaskStatus.FAILED: "red",
    TaskStatus.CANCELLED: "yellow",
}
"""The colour of a status word; any other is cyan."""


def input_field(task: Task[Any, Any], name: str) -> object:
    """A field of a task's input, typed (`Sora2Task`) or a plain dict."""
    task_input: Any = task.input
    if isinstance(task_input, dict):
        return cast("dict[str, Any]", task_input).get(name)
    return getattr(task_input, name, None)


def summary(task: Task[Any, Any]) -> list[str]:
    """A readable description of a task, one markup line per fact."""
    lines = [
        markup(
            "Task [bold]{task_id}[/]  [" + STATUS_STYLES.get(task.status, "cyan") + "]{status}[/]",
            task_id=task.task_id,
            status=task.status.value,
        )
    ]
    rows: list[tuple[str, str]] = [("model", f"{task.model} / {task.task_type}")]
    prompt = input_field(task, "prompt")
    if isinstance(prompt, str) and prompt:
        rows.append(("prompt", prompt if len(prompt) <= 80 else prompt[:77] + "..."))
    meta = task.meta
    if meta.created_at is not None:
        rows.append(("created", meta.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")))
    if meta.created_at is not None and meta.ended_at is not None:
        rows.append(("took", duration((meta.ended_at - meta.created_at).total_seconds())))
    rows.append(("cost", cost(task)))
    rows += [("result", url) for url in task.media_urls]
    if task.error.is_error:
        rows.append(("error", task.error.message or task.error.raw_message))
    lines += [markup("  [dim]{name}[/] {value}", name=f"{name:<8}", value=v) for name, v in rows]
    return lines
