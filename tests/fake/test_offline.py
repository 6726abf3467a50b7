"""`fake_unless_configured`: the examples' embedded fake, in real or instant timing."""

from __future__ import annotations

import os
import time

import pytest

from piapi import AsyncPiAPIClient, PiAPIClient, Task
from piapi.testing import FakeClock, RealClock, fake_unless_configured


@pytest.fixture(autouse=True)
def _no_timing_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIAPI_FAKE_TIMING", raising=False)


def test_instant_timing_moves_tasks_on_the_fake_clock_and_restores_everything() -> None:
    statuses: list[str] = []
    with fake_unless_configured(timing="instant") as server:
        assert server is not None
        assert isinstance(server.fake.clock, FakeClock)
        assert os.environ["PIAPI_BASE_URL"] == server.url
        with PiAPIClient() as client:
            task = client.sora2.create_and_wait(
                prompt="A fox", timeout=60, on_update=lambda t: statuses.append(t.status)
            )
        assert task.status == "completed"
        # The wait slept 3.5 s of fake time (queue 0.5 s + processing 3 s) and no real time:
        # had it slept for real, this clock would not have moved and the task never finished.
        assert server.fake.clock.monotonic() >= 3.5
    assert statuses[-1] == "completed"
    assert "processing" in statuses
    assert "PIAPI_API_KEY" not in os.environ
    assert "PIAPI_BASE_URL" not in os.environ
    assert PiAPIClient._default_sleep is None  # every later client sleeps for real again
    assert PiAPIClient._default_now is time.monotonic


@pytest.mark.anyio
async def test_instant_timing_serves_the_async_client_too() -> None:
    with fake_unless_configured(timing="instant") as server:
        assert server is not None
        async with AsyncPiAPIClient() as client:
            task = await client.sora2.create_and_wait(prompt="A fox", timeout=60)
        assert task.status == "completed"
    assert AsyncPiAPIClient._default_sleep is None
    assert AsyncPiAPIClient._default_now is time.monotonic


def test_real_timing_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_unless_configured(task_duration=0, queue_delay=0) as server:
        assert server is not None
        assert isinstance(server.fake.clock, RealClock)
        assert PiAPIClient._default_sleep is None
        with PiAPIClient() as client:
            task: Task = client.tasks.get(client.sora2.create(prompt="A fox").task_id)
        assert task.status == "completed"  # zero durations: done when created


def test_the_environment_chooses_the_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIAPI_FAKE_TIMING", "instant")
    with fake_unless_configured() as server:
        assert server is not None
        assert isinstance(server.fake.clock, FakeClock)
    monkeypatch.setenv("PIAPI_FAKE_TIMING", "fast")
    with pytest.raises(ValueError, match="PIAPI_FAKE_TIMING must be one of real, instant"):  # noqa: SIM117
        with fake_unless_configured():
            pass


def test_a_configured_key_means_no_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIAPI_API_KEY", "a-real-key")
    with fake_unless_configured(timing="instant") as server:
        assert server is None
        assert os.environ["PIAPI_API_KEY"] == "a-real-key"
        assert PiAPIClient._default_sleep is None
