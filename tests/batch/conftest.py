"""Fixtures of the batch tests: a fake PiAPI on a fake clock, and `run_many` on the sync
client or the async one on asyncio or trio, from one parametrised test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _batchutil import Runner, fake_on_a_fake_clock, running

from piapi.testing import FakePiAPI


@pytest.fixture
def fake() -> FakePiAPI:
    return fake_on_a_fake_clock()


@pytest.fixture(params=["sync", "asyncio", "trio"])
def runner(request: pytest.FixtureRequest, fake: FakePiAPI) -> Iterator[Runner]:
    with running(str(request.param), fake) as runner:
        yield runner
