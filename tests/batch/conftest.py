"""Fixtures of the batch tests: a fake PiAPI on a fake clock, and `run_many` on the sync
client or the async one on asyncio or trio, from one parametrised test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _batchutil import Runner

from piapi.testing import FakeClock, FakePiAPI


@pytest.fixture
def fake() -> FakePiAPI:
    return FakePiAPI(clock=FakeClock(), queue_delay=1.0, task_duration=10.0)


@pytest.fixture(params=["sync", "asyncio", "trio"])
def runner(request: pytest.FixtureRequest, fake: FakePiAPI) -> Iterator[Runner]:
    runner = Runner(str(request.param), fake)
    try:
        yield runner
    finally:
        runner.close()
