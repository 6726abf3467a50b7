"""`AsyncPiAPIClient.tasks.run_many`: an anyio task group drives the items' programs.

The runner only performs what a program asks (create, wait, save, pause) and hands each
outcome back; `_batch_run` and `_batch_plan` decide everything. Cancellation (Ctrl-C)
stops creating: a create already sent is shielded, so its answer is read and recorded.
Runs on asyncio and trio. Mirrors `_batch_sync` line by line.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import anyio
from typing_extensions import Unpack

from piapi._core.errors import PiAPIError
from piapi._core.models import Task
from piapi.batch._plan import BatchItem, BatchRequest
from piapi.batch._run import (
    AwaitChange,
    BatchOptions,
    BatchRun,
    Create,
    Op,
    Pause,
    Program,
    Save,
    Wait,
)

if TYPE_CHECKING:
    from piapi._async.client import AsyncPiAPIClient
    from piapi._core.shell import AsyncShell

__all__ = ["run_batch", "run_many"]


async def run_many(
    shell: AsyncShell, requests: Iterable[BatchRequest], **options: Unpack[BatchOptions]
) -> list[BatchItem]:
    """`client.tasks.run_many`: check everything, open the journal, run, close it.

    `shell` is what `client.tasks` holds: the client itself (a batch uses the whole of it).
    """
    from piapi._async.client import AsyncPiAPIClient

    if not isinstance(shell, AsyncPiAPIClient):
        raise TypeError(f"run_many needs an AsyncPiAPIClient, not {type(shell).__name__}")
    client = shell
    with BatchRun(requests, now=client._now, **options) as run:
        return await run_batch(client, run)


async def run_batch(client: AsyncPiAPIClient, run: BatchRun) -> list[BatchItem]:
    """Run the items' programs on `run.workers` tasks; every item, in request order."""
    return await _Runner(client, run).run()


class _Runner:
    def __init__(self, client: AsyncPiAPIClient, run: BatchRun) -> None:
        self.run_state = run
        self.changed = anyio.Event()
        self.reporting = anyio.Lock()
        self.failure: BaseException | None = None
        self.client = client
        self.group: anyio.abc.TaskGroup | None = None
        run.on_change = self._notify

    async def run(self) -> list[BatchItem]:
        async with anyio.create_task_group() as group:
            self.group = group
            for _ in range(self.run_state.workers):
                group.start_soon(self._work)
        if self.failure is not None:
            raise self.failure
        return self.run_state.results()

    async def _work(self) -> None:
        try:
            while (position := self.run_state.take()) is not None:
                await self._drive(self.run_state.program(position))
        except Exception as exc:  # a bug, or on_result raised: stop, then raise it
            self.failure = self.failure or exc
            self.run_state.stop(f"{type(exc).__name__}: {exc}")
            assert self.group is not None
            self.group.cancel_scope.cancel()

    async def _drive(self, program: Program) -> None:
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
                    reply = await self._perform(op)
                except PiAPIError as exc:
                    failure = exc
        finally:
            program.close()

    async def _perform(self, op: Op) -> object:
        # A create is always sent once the journal says "sending", and its answer read and
        # recorded: cancellation waits for it.
        if isinstance(op, Create):
            return await self._create(op.request)
        if isinstance(op, Wait):
            return await self.client.tasks.wait(op.task, timeout=op.timeout, raise_on_failure=False)
        if isinstance(op, Save):
            return await self.client.download_all(op.task, op.folder)
        if isinstance(op, Pause):
            await self.client._sleep(op.seconds)
            return None
        if isinstance(op, AwaitChange):
            if self.run_state.generation == op.generation:
                await self.changed.wait()
            return None
        on_result = self.run_state.on_result
        if on_result is not None:
            async with self.reporting:
                result = on_result(op.item)
                if inspect.isawaitable(result):
                    await result
        return None

    async def _create(self, request: BatchRequest) -> Task[Any, Any]:
        with anyio.CancelScope(shield=True):
            return await self.client.tasks.create(request)
        raise AssertionError("unreachable: a shield swallows no exception")

    def _notify(self) -> None:
        self.changed.set()
        self.changed = anyio.Event()
