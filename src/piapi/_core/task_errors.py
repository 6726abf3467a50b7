"""The errors that carry a task (`exc.task`): a failed task, a wait past its deadline, a
download that broke. A floor above `models`, so that the error tree below knows no `Task`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piapi._core.errors import PiAPIError

if TYPE_CHECKING:
    from piapi._core.models import Task


class TaskFailedError(PiAPIError):
    """A waited-for task ended `failed` or `cancelled`.

    Attributes:
        task: The final task; `task.error` holds PiAPI's reason.
    """

    def __init__(self, task: Task[Any, Any]) -> None:
        super().__init__(
            f"Task {task.task_id} ended {task.status.value}: {failure_reason(task)}",
            task_id=task.task_id,
        )
        self.task = task


def failure_reason(task: Task[Any, Any]) -> str:
    """PiAPI's reason for a failed task: its error's message, with the raw message when it
    says more (`failed to pre-process task runtime (... account credit not enough)`)."""
    message = task.error.message.strip()
    raw = task.error.raw_message.strip()
    if message and raw and raw != message:
        return f"{message} ({raw})"
    return message or raw or "no reason given"


class WaitTimeoutError(PiAPIError, TimeoutError):
    """The wait's deadline passed before the task finished; the task goes on at PiAPI.

    Attributes:
        task_id: The task waited for: `tasks.wait(task_id)` resumes.
        task: The last task seen, or None if no poll succeeded.
        retry_after: The pause PiAPI last asked for (Retry-After) when it outlasted the
            deadline, else None.
    """

    task_id: str

    def __init__(
        self,
        task_id: str,
        timeout: float,
        task: Task[Any, Any] | None,
        *,
        retry_after: float | None = None,
    ) -> None:
        last = f"; last status {task.status.value}" if task is not None else ""
        asked = (
            f"; PiAPI asked to wait {retry_after:g} s before polling again (Retry-After), "
            "longer than the time left"
            if retry_after is not None
            else ""
        )
        super().__init__(
            f"Task {task_id} did not finish within {timeout:g} s{last}{asked}. It goes on at "
            f"PiAPI: call tasks.wait({task_id!r}) to keep waiting.",
            task_id=task_id,
        )
        self.task = task
        self.retry_after = retry_after


class DownloadError(PiAPIError):
    """A result file could not be downloaded; nothing was left at the destination.

    Attributes:
        task: The task whose result it was (None for a bare URL): retry with
            `client.download(exc.task, ...)` while the ephemeral URL lasts.
        url: The URL that failed.
        received: Bytes received before the failure.
        total: The announced size, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        task: Task[Any, Any] | None = None,
        received: int = 0,
        total: int | None = None,
    ) -> None:
        super().__init__(message, task_id=task.task_id if task is not None else None)
        self.url = url
        self.task = task
        self.received = received
        self.total = total
