"""Waiting, downloading and reporting a task: shared by `piapi sora2` and `piapi task`."""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piapi._cli._exit import EXIT_INTERRUPTED, EXIT_OK, CliError
from piapi._cli._ui import Ui, duration, input_field, size, summary, usd
from piapi._models import Task

if TYPE_CHECKING:
    from piapi._client import PiAPIClient

__all__ = ["download", "finish", "wait"]


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
            f"[dim]({duration(self.elapsed)})[/]"
        )


def wait(
    client: PiAPIClient, task: Task[Any, Any] | str, ui: Ui, timeout: float | None
) -> Task[Any, Any]:
    """`tasks.wait` with a live status line; Ctrl-C says how to resume."""
    task_id = task if isinstance(task, str) else task.task_id
    line = _StatusLine(task_id, client._now)
    if isinstance(task, Task):
        line.status = task.status.value

    def on_update(current: Task[Any, Any]) -> None:
        if current.status.value != line.status and not ui.live:
            ui.info(f"  {current.status.value} after {duration(line.elapsed)}")
        line.status = current.status.value

    try:
        # Inside the try: a Ctrl-C right after this line is printed must still be handled.
        if not ui.live:
            ui.info(f"Waiting for task {task_id} ({line.status})...")
        with _maybe_status(ui, line):
            done = client.tasks.wait(task, timeout=timeout, on_update=on_update)
        if ui.live:
            ui.info(f"Task {task_id} {done.status.value} after {duration(line.elapsed)}.")
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


def download(client: PiAPIClient, task: Task[Any, Any], dest: str, ui: Ui) -> Path:
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


def finish(
    client: PiAPIClient, task: Task[Any, Any], ui: Ui, output: str | None, elapsed: float | None
) -> int:
    """Download (when asked) and report a completed task; returns the exit code."""
    from rich.markup import escape

    path = download(client, task, output, ui) if output is not None else None
    if ui.json_output:
        if path is not None:
            ui.info(f"Saved {escape(str(path))}")
        ui.json(task)
        return EXIT_OK
    if path is None:
        for line in summary(task):
            ui.result(line)
        return EXIT_OK
    facts = [size(path.stat().st_size)]
    seconds = input_field(task, "duration")
    if isinstance(seconds, int):
        facts.append(f"{seconds} s video")
    facts.append(f"cost {usd(task.cost_usd)}")
    if elapsed is not None:
        facts.append(f"took {duration(elapsed)}")
    ui.result(f"[green]✓[/] Saved [bold]{escape(str(path))}[/]  [dim]({', '.join(facts)})[/]")
    return EXIT_OK
