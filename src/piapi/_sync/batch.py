"""`PiAPIClient.tasks.run_many`: `concurrency` threads drive the items' programs.

The runner only performs what a program asks (create, wait, save, pause) and hands each
outcome back; `_batch_run` and `_batch_plan` decide everything. Ctrl-C stops creating: every
create already sent is answered and recorded, waits end at their next pause, and
`KeyboardInterrupt` is raised once the threads are done (a second Ctrl-C leaves at once).
Mirrors `_batch_async` line by line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from piapi._core.errors import PiAPIError
from piapi._core.models import Task
from piapi._core.polling import check_sync_callback, refuse_awaitable
from piapi.batch._plan import BatchItem, BatchRequest
from piapi.batch._run import (
    AwaitChange,
    BatchOptions,
    BatchRun,
    Create,
    Op,
    Pause,
    Program,
    Report,
    Save,
    Wait,
)

if TYPE_CHECKING:
    from piapi._async.client import PiAPIClient
    from piapi._core.shell import SyncShell

__all__ = ["run_batch", "run_many"]

SLEEP_SLICE = 0.25
"""A stopping run ends a sleep within this many seconds."""


class _Stopped(BaseException):
    """The run is stopping: a sleep (not inside a create) ends early."""


def run_many(
    shell: SyncShell, requests: Iterable[BatchRequest], **options: Unpack[BatchOptions]
) -> list[BatchItem]:
    """`client.tasks.run_many`: check everything, open the journal, run, close it.

    `shell` is what `client.tasks` holds: the client itself (a batch uses the whole of it).
    """
    from piapi._async.client import PiAPIClient

    if not isinstance(shell, PiAPIClient):
        raise TypeError(f"run_many needs a PiAPIClient, not {type(shell).__name__}")
    client = shell
    check_sync_callback(options.get("on_result"), "on_result")
    with BatchRun(requests, now=client._now, **options) as run:
        return run_batch(client, run)


def run_batch(client: PiAPIClient, run: BatchRun) -> list[BatchItem]:
    """Run the items' programs on `run.workers` threads; every item, in request order."""
    return _Runner(client, run).run()


class _Runner:
    def __init__(self, client: PiAPIClient, run: BatchRun) -> None:
        self.run_state = run
        self.changed = threading.Condition()
        self.reporting = threading.Lock()
        self.failure: BaseException | None = None
        self.running = 0
        self.all_done = threading.Event()
        self.inside_create = threading.local()
        # A copy sharing the pool whose sleeps (in waits, downloads, retries) end when the
        # run stops, except inside a create: its answer must be read and recorded.
        self.sleep = client._sleep
        self.client = client.with_options()
        self.client._sleep = self._sleep
        run.on_change = self._notify

    def run(self) -> list[BatchItem]:
        self.running = self.run_state.workers
        for number in range(self.running):
            threading.Thread(target=self._work, name=f"piapi-batch-{number}", daemon=True).start()
        # Waited for on an event, not with join: an interrupted join takes a running thread
        # for finished (CPython's bpo-45274 fix).
        try:
            self.all_done.wait()
        except KeyboardInterrupt:
            self.run_state.stop()
            self.all_done.wait()  # a second Ctrl-C leaves at once: the journal is consistent
            raise
        if self.failure is not None:
            raise self.failure
        return self.run_state.results()

    def _work(self) -> None:
        try:
            while (position := self.run_state.take()) is not None:
                self._drive(self.run_state.program(position))
        except _Stopped:
            pass
        except BaseException as exc:  # a bug, or on_result raised: stop, then raise it
            self.failure = self.failure or exc
            self.run_state.stop(f"{type(exc).__name__}: {exc}")
        finally:
            with self.changed:
                self.running -= 1
                if self.running == 0:
                    self.all_done.set()

    def _drive(self, program: Program) -> None:
        reply: object = None
        failure: PiAPIError | None = None
        try:
            while True:
                try:
                    op = program.send(reply) if failure is None else program.throw(failure)
                except StopIteration:
                    return
                reply, failure = None, None
                try:
                    reply = self._perform(op)
                except PiAPIError as exc:
                    failure = exc
        finally:
            program.close()

    def _perform(self, op: Op) -> object:
        # A create is always sent once the journal says "sending"; anything else is skipped
        # once the run stops.
        if self.run_state.stopping and not isinstance(op, Create | Report):
            raise _Stopped
        if isinstance(op, Create):
            return self._create(op.request)
        if isinstance(op, Wait):
            return self.client.tasks.wait(op.task, timeout=op.timeout, raise_on_failure=False)
        if isinstance(op, Save):
            return self.client.download_all(op.task, op.folder)
        if isinstance(op, Pause):
            self.client._sleep(op.seconds)
            return None
        if isinstance(op, AwaitChange):
            with self.changed:
                self.changed.wait_for(
                    lambda: self.run_state.generation != op.generation or self.run_state.stopping
                )
            return None
        on_result = self.run_state.on_result
        if on_result is not None:
            with self.reporting:
                refuse_awaitable(on_result(op.item), "on_result")
        return None

    def _create(self, request: BatchRequest) -> Task[Any, Any]:
        self.inside_create.active = True
        try:
            return self.client.tasks.create(request)
        finally:
            self.inside_create.active = False

    def _notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def _sleep(self, seconds: float) -> None:
        if getattr(self.inside_create, "active", False):
            self.sleep(seconds)
            return
        remaining = seconds
        while not self.run_state.stopping:
            if remaining <= 0:
                return
            step = min(remaining, SLEEP_SLICE)
            self.sleep(step)
            remaining -= step
        raise _Stopped
