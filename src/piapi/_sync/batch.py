# Generated from src/piapi/_async/batch.py by scripts/gen_unasync.py: do not edit.
"""`client.tasks.plan_many` and `run_many`: workers drive the items' programs.

The runner only performs what a program asks (create, wait, save, pause) and hands each
outcome back; `batch._run` and `batch._plan` decide everything. Stopping (Ctrl-C, a
cancellation, a failure) creates nothing more: a create already sent is answered and
recorded first. Generated from `piapi._async.batch`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from typing_extensions import Self

from piapi._core.errors import PiAPIError
from piapi._core.models import Task
from piapi._sync._backend import Signal, Stopped, Workers, call_back, check_callback
from piapi.batch._plan import BatchItem, BatchRequest
from piapi.batch._run import (
    STOPPED_BY_USER,
    AwaitChange,
    BatchOptions,
    BatchPreview,
    BatchProgress,
    BatchRun,
    Create,
    Op,
    Pause,
    Report,
    Save,
    Wait,
)


class BatchSteps(NamedTuple):
    """What a batch asks of `client.tasks`, on a sender whose pauses end when it stops."""

    create: Callable[[BatchRequest], Task[Any, Any]]
    wait: Callable[[Task[Any, Any] | str, float | None], Task[Any, Any]]
    save: Callable[[Task[Any, Any], Path, str | None], list[Path]]
    sleep: Callable[[float], None]


class Batch:
    """A batch checked and its journal opened (and locked), nothing sent yet: `preview()`
    says what `run()` would do and at what cost. Close it (a context manager)."""

    def __init__(
        self,
        steps_for: Callable[[Callable[[float], None]], BatchSteps],
        sleep: Callable[[float], None],
        requests: Iterable[BatchRequest],
        options: BatchOptions,
        *,
        now: Callable[[], float],
    ) -> None:
        if "max_cost_usd" in options:  # renamed: a batch's cap is a total, never per task
            raise TypeError("run_many takes max_total_usd= (the batch's total), not max_cost_usd=")
        check_callback(options.get("on_result"), "on_result")
        self._steps_for = steps_for
        self._sleep = sleep
        self._run = BatchRun(requests, now=now, **options)

    def preview(self) -> BatchPreview:
        """What `run` would do: counts by state, what is left to create and its cost, the
        items left uncertain by an earlier run."""
        return self._run.preview()

    def progress(self) -> BatchProgress:
        """Counts by state now and the cost so far (for a live display while `run` goes)."""
        return self._run.progress()

    def run(self) -> list[BatchItem]:
        """Run every item to its outcome; one `BatchItem` per request, in request order."""
        return _Runner(self._run, Workers(self._sleep), self._steps_for).run()

    def close(self) -> None:
        """Close the journal (running again with it resumes)."""
        self._run.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Runner:
    def __init__(
        self,
        run: BatchRun,
        workers: Workers,
        steps_for: Callable[[Callable[[float], None]], BatchSteps],
    ) -> None:
        self.run_state = run
        self.workers = workers
        self.steps = steps_for(workers.sleep)
        self.changed = Signal()
        self.failure: BaseException | None = None
        run.on_change = self.changed.notify

    def run(self) -> list[BatchItem]:
        self.workers.run(self.run_state.workers, self._work, self._stop)
        if self.failure is not None:
            raise self.failure
        return self.run_state.results()

    def _stop(self, reason: str = STOPPED_BY_USER) -> None:
        self.run_state.stop(reason)
        self.workers.stop()

    def _work(self) -> None:
        """Drive one worker's programs: perform each op they yield, and send back its result
        or throw in its `PiAPIError`."""
        reply: object = None
        failure: PiAPIError | None = None
        try:
            with contextlib.closing(self.run_state.worker()) as program:
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
        except Stopped:
            pass
        except Exception as exc:  # a bug, or on_result raised: stop, then raise it
            self.failure = self.failure or exc
            self._stop(f"{type(exc).__name__}: {exc}")

    def _perform(self, op: Op) -> object:
        # A create is always sent once the journal says "sending", and its answer read and
        # recorded; anything else is skipped once the run stops.
        if self.run_state.stopping and not isinstance(op, Create | Report):
            raise Stopped
        if isinstance(op, Create):
            with self.workers.shielded():
                return self.steps.create(op.request)
            raise AssertionError("unreachable: a shield swallows no exception")
        if isinstance(op, Wait):
            return self.steps.wait(op.task, op.timeout)
        if isinstance(op, Save):
            return self.steps.save(op.task, op.folder, op.name)
        if isinstance(op, Pause):
            self.steps.sleep(op.seconds)
            return None
        if isinstance(op, AwaitChange):
            run = self.run_state
            self.changed.wait(lambda: run.generation == op.generation and not run.stopping)
            return None
        on_result = self.run_state.on_result
        if on_result is not None:
            with self.workers.lock:
                call_back(on_result, op.item)
        return None
