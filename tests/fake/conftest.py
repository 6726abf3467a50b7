"""Fixtures for the fake's tests (anyio_backend comes from tests/conftest.py)."""

from __future__ import annotations

import pytest

from piapi.testing import FakeClock, FakePiAPI


@pytest.fixture
def fake() -> FakePiAPI:
    return FakePiAPI(clock=FakeClock())


@pytest.fixture
def clock(fake: FakePiAPI) -> FakeClock:
    assert isinstance(fake.clock, FakeClock)
    return fake.clock
