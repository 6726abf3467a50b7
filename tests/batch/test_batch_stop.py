"""Ctrl-C (sync) and cancellation (asyncio, trio) stop creating; a create already sent is
answered and recorded, so running again resumes every task without creating any twice.

One item at a time, so that "the create in flight" is one create, whatever the threads do.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest
from _batchutil import Runner, clips

from piapi import AsyncPiAPIClient
from piapi.batch._run import BatchRun
from piapi.testing import FakePiAPI
from piapi.testing._fake import FakeResponse

CREATED_BEFORE_STOP = 3


def on_create(fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Call `action()` while the fake answers its 3rd create (the task exists, the answer has
    not reached the client yet)."""
    handle = fake.handle

    def handle_and_act(method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        response = handle(method, url, headers, body)
        if method == "POST" and len(fake.created_tasks) == CREATED_BEFORE_STOP:
            action()
        return response

    monkeypatch.setattr(fake, "handle", handle_and_act)


def resumes_everything(runner: Runner, fake: FakePiAPI, journal: Path) -> None:
    items = runner.run_many(clips(8), concurrency=3, journal=journal)
    assert [item.state.value for item in items] == ["completed"] * 8
    assert len(fake.created_tasks) == 8
    assert all(count == 1 for count in fake.create_counts().values())


def test_ctrl_c_stops_creating_and_the_create_in_flight_is_recorded(
    fake: FakePiAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = Runner("sync", fake)
    journal = tmp_path / "j.sqlite"
    main = threading.main_thread().ident
    assert main is not None
    stopped = threading.Event()
    stop = BatchRun.stop

    def stop_and_tell(run: BatchRun, reason: str = "interrupted") -> None:
        stop(run, reason)
        stopped.set()

    def ctrl_c() -> None:
        signal.pthread_kill(main, signal.SIGINT)
        assert stopped.wait(30)  # the answer reaches the client after the batch stopped

    monkeypatch.setattr(BatchRun, "stop", stop_and_tell)
    on_create(fake, monkeypatch, ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        runner.run_many(clips(8), concurrency=1, journal=journal)
    assert len(fake.created_tasks) == CREATED_BEFORE_STOP
    monkeypatch.undo()
    resumes_everything(runner, fake, journal)  # the 3rd is not uncertain: it was recorded
    runner.close()


@pytest.mark.parametrize("mode", ["asyncio", "trio"])
def test_cancelling_stops_creating_and_the_create_in_flight_is_recorded(
    mode: str, fake: FakePiAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = Runner(mode, fake)
    journal = tmp_path / "j.sqlite"
    scopes: list[anyio.CancelScope] = []
    on_create(fake, monkeypatch, lambda: scopes[0].cancel())

    async def cancelled(client: AsyncPiAPIClient) -> bool:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            await client.tasks.run_many(clips(8), concurrency=1, journal=journal)
        return scope.cancelled_caught

    assert runner.run_async(cancelled)
    assert len(fake.created_tasks) == CREATED_BEFORE_STOP
    monkeypatch.undo()
    resumes_everything(runner, fake, journal)
    runner.close()
