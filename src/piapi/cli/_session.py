"""What a command has done so far, so that Ctrl-C at any moment says what to do next.

Money is spent when a create reaches PiAPI. The commands record each step here as they
go; an interruption (or a wait that gives up) is then explained from this record alone:
nothing created, a task that may exist, or the task id and the command that resumes it.
Standard library only: `piapi` reads it even when Ctrl-C comes during the first imports.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piapi._core.models import Task


class Stage(enum.Enum):
    """How far a command got."""

    IDLE = "idle"  # nothing is in flight that could cost money or need resuming
    CREATE_SENT = "create sent"  # a create request may have reached PiAPI; no answer read yet
    WAITING = "waiting"  # the task exists; the command follows it
    DOWNLOADING = "downloading"  # the task completed; its video is being saved
    CANCEL_SENT = "cancel sent"  # a cancel request may or may not have reached PiAPI
    DONE = "done"  # the work on the task is over; only the report is left


@dataclass(frozen=True)
class Resume:
    """The options a resume command repeats: where the video goes, how long to wait, JSON."""

    output: str | None = None
    timeout: float | None = None  # only when given: the default needs no repeating
    json: bool = False
    base_url: str | None = None  # only when given as an option: the environment carries over

    def command(self, task_id: str) -> str:
        """`piapi task wait ID ...`, quoted for a POSIX shell (a task id is server text)."""
        words = ["piapi", "task", "wait", task_id]
        if self.base_url is not None:
            words += ["--base-url", self.base_url]
        if self.output is not None:
            words += ["-o", self.output]
        if self.timeout is not None:
            words += ["--timeout", f"{self.timeout:g}"]
        if self.json:
            words.append("--json")
        return shlex.join(words)


@dataclass
class Session:
    """The record a command keeps while it runs (one per `piapi` invocation)."""

    stage: Stage = Stage.IDLE
    # Set straight from the create's return value (`session.task = client.sora2.create(...)`):
    # no signal checkpoint between the answer and the record, so Ctrl-C lands either
    # before it (the task may exist) or after it (the id is known).
    task: Task[Any, Any] | None = None
    task_id_given: str | None = None  # `piapi task wait ID`: the task is known from the start
    resume: Resume = field(default_factory=Resume)
    reporting: bool = False  # the interruption is being reported: later Ctrl-C are ignored
    # A command following many tasks (`piapi batch`) says itself what Ctrl-C left behind.
    explain: Callable[[], str] | None = None

    @property
    def task_id(self) -> str | None:
        """The task being followed, if one is known."""
        if self.task is not None:
            return self.task.task_id
        return self.task_id_given

    def interrupted_message(self) -> str:
        """One line for Ctrl-C at this point: what happened to the money and what to run.

        Raw text (a task id comes from the server): the writer makes it printable.
        """
        if self.explain is not None:
            return self.explain()
        task_id = self.task_id
        if task_id is None:
            if self.stage is Stage.CREATE_SENT:
                # Loaded already: a create was sent, so the client and its errors were.
                from piapi._core.errors import MAY_HAVE_CREATED_TASK

                return f"Interrupted before PiAPI answered. {MAY_HAVE_CREATED_TASK}"
            return "Interrupted. Nothing was created."
        if self.stage is Stage.CANCEL_SENT:
            return (
                f"Interrupted: the cancel of task {task_id} may or may not have reached PiAPI; "
                f"check with: {shlex.join(['piapi', 'task', 'get', task_id])}"
            )
        if self.stage is Stage.DONE:
            return f"Interrupted after task {task_id} was done."
        command = self.resume.command(task_id)
        if self.stage is Stage.DOWNLOADING:
            return (
                f"Download stopped; no partial file was kept. Task {task_id} is completed: "
                f"download it while its URL lasts with: {command}"
            )
        return f"Stopped. Task {task_id} goes on at PiAPI; resume with: {command}"
