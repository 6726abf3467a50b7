"""Waiting, downloading and reporting a task: shared by `piapi sora2` and `piapi task`."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piapi._core.models import Task
from piapi.cli import _checks
from piapi.cli._parsing import DEFAULT_TIMEOUT, resume_options
from piapi.cli._session import Session, Stage
from piapi.cli._ui import Ui, cost, duration, input_field, markup, size, summary

if TYPE_CHECKING:
    from piapi._sync.client import PiAPIClient


class _StatusLine:
    """The live status text; rich re-renders it, so the elapsed time keeps ticking."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        self.status: str | None = None  # None until PiAPI has said anything about the task
        self._started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def __rich__(self) -> str:
        return markup(
            "Waiting for task [bold]{task_id}[/]: [cyan]{status}[/] [dim]({elapsed})[/]",
            task_id=self.task_id,
            status=self.status or "...",
            elapsed=duration(self.elapsed),
        )


def wait(
    client: PiAPIClient,
    task: Task[Any, Any] | str,
    ui: Ui,
    timeout: float | None,
    session: Session,
) -> Task[Any, Any]:
    """`tasks.wait`, saying what happens: a line per status change (a live line on a terminal).

    "Waiting for task X (status)" comes once PiAPI has shown the task unfinished: never for
    a task that does not exist, nor one already over.
    """
    line = _StatusLine(task.task_id if isinstance(task, Task) else task)
    session.stage = Stage.WAITING

    def on_update(current: Task[Any, Any]) -> None:
        before, line.status = line.status, current.status.value
        if ui.live or line.status == before:
            return
        if before is not None:
            ui.info(
                "  {status} after {elapsed}", status=line.status, elapsed=duration(line.elapsed)
            )
        elif not current.is_terminal:
            ui.info("Waiting for task {id} ({status})...", id=line.task_id, status=line.status)

    if isinstance(task, Task):
        on_update(task)
    with ui.err.status(line) if ui.live else nullcontext():
        done = client.tasks.wait(task, timeout=timeout, on_update=on_update)
    if ui.live:
        ui.info(
            "Task {id} {status} after {elapsed}.",
            id=line.task_id,
            status=done.status.value,
            elapsed=duration(line.elapsed),
        )
    return done


def download(
    client: PiAPIClient, task: Task[Any, Any], dest: str, ui: Ui, session: Session
) -> list[Path]:
    """`client.download` (every result with `download_all` into a directory) with a
    progress bar on a terminal."""
    from piapi._core.download import is_directory_destination

    if session.task is None:
        session.task = task
    session.stage = Stage.DOWNLOADING
    every = len(task.media_urls) > 1 and is_directory_destination(dest)

    def fetch(on_progress: Callable[[int, int | None], None] | None = None) -> list[Path]:
        if every:
            return client.download_all(task, dest, on_progress=on_progress)
        return [client.download(task, dest, on_progress=on_progress)]

    if not ui.live:
        return fetch()
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

        return fetch(on_progress)


def finish(
    client: PiAPIClient,
    task: Task[Any, Any],
    ui: Ui,
    session: Session,
    *,
    output: str | None,
    elapsed: float | None,
) -> None:
    """Download (when asked) and report a completed task."""
    paths = download(client, task, output, ui, session) if output is not None else []
    session.stage = Stage.DONE
    if ui.json_output:
        for path in paths:
            ui.info("Saved {path}", path=path)
        ui.json(task)
        return
    if not paths:
        for line in summary(task):  # markup already: printed as it is
            ui.out.print(line)
        return
    for path in paths:
        facts = [size(path.stat().st_size)]
        seconds = input_field(task, "duration")
        if isinstance(seconds, int):
            facts.append(f"{seconds} s video")
        facts.append(f"cost {cost(task)}")
        if elapsed is not None:
            facts.append(f"took {duration(elapsed)}")
        ui.result(
            "[green]✓[/] Saved [bold]{path}[/]  [dim]({facts})[/]",
            path=path,
            facts=", ".join(facts),
        )


def create_output(args: argparse.Namespace, session: Session) -> str | None:
    """Where a command that creates a task (`sora2`, `run`) saves its result, None with
    --no-download; checked with the other options before anything is sent (with --no-wait,
    only when -o names it), and repeated by the command that resumes."""
    output = None if args.no_download else (args.output or ".")
    _checks.check(args, output=output if not args.no_wait or args.output else None)
    session.resume = resume_options(args, output=output)
    return output


def follow(
    client: PiAPIClient,
    task: Task[Any, Any],
    ui: Ui,
    session: Session,
    args: argparse.Namespace,
    output: str | None,
    started: float,
) -> None:
    """After a create (`sora2`, `run`): say so; with `--no-wait` print how to wait, else
    wait and download (`started`: `time.monotonic()` before the create)."""
    session.stage = Stage.WAITING
    ui.info("Created task [bold]{id}[/] ({status}).", id=task.task_id, status=task.status.value)
    if args.no_wait:
        if ui.json_output:
            ui.json(task)
        else:
            ui.result("{id}", id=task.task_id)
        ui.info("Wait for it with: {command}", command=session.resume.command(task.task_id))
        session.stage = Stage.DONE
        return
    done = wait(client, task, ui, args.timeout or DEFAULT_TIMEOUT, session)
    finish(client, done, ui, session, output=output, elapsed=time.monotonic() - started)
