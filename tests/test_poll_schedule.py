"""The expected-time poll schedule and the memory it learns from: pure decisions, by table."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from _support import Api, ok, task_envelope
from piapi import Sora2Task, Task
from piapi._core.expectations import (
    MAX_KEYS,
    SAMPLES_PER_KEY,
    SORA2_PRIORS,
    Expectation,
    Expectations,
    task_key,
)
from piapi._core.polling import (
    DENSE_POLLS,
    FIRST_SPARSE_AGE,
    MAX_POLL_DELAY,
    SPARSE_RATIO,
    PollPlanner,
    WaitState,
    expected_poll_delay,
    poll_delay,
)

NINETY = Expectation.around(90.0)  # low 76.5, high 103.5: dense spacing 27 / 8 = 3.375 s


@pytest.mark.parametrize(
    ("age", "delay"),
    [
        (0.0, 18.6768),  # sparse: 76.5 / 1.6**3, the first grid point from 15 s on
        (10.0, 8.6768),
        (18.6768, 11.2061),  # -> 29.88 = 76.5 / 1.6**2
        (29.8828, 17.9297),  # -> 47.81
        (47.8125, 28.6875),  # -> 76.5, the start of the window
        (76.5, 3.375),  # dense: 8 polls across [76.5, 103.5]
        (78.0, 1.875),  # back on the grid
        (79.6, 3.65),  # a grid point under 0.5 s away was just polled: the next one
        (100.0, 3.5),  # the last dense poll, at the window's end
        (103.5, 3.375),  # past the window: the gap grows with the overrun...
        (105.0, 4.875),
        (110.0, 9.875),
        (200.0, 10.0),  # ...to today's 10 s cap
    ],
)
def test_expected_poll_delay(age: float, delay: float) -> None:
    assert expected_poll_delay(age, NINETY) == pytest.approx(delay, abs=1e-4)


@pytest.mark.parametrize(
    ("expected", "ages", "delays"),
    [
        # A short task: its window starts before 15 s, so no sparse polls; spacing >= 1 s.
        (Expectation.around(20.0), [0, 5, 16.9, 17, 23, 23.5], [17, 12, 1.1, 1, 1, 1.5]),
        # A long one: dense spacing (120 s / 8) is capped at 10 s, like today's schedule.
        (Expectation(600, 540, 660), [0, 540, 600, 700], [20.1166, 10, 10, 10]),
    ],
)
def test_expected_poll_delay_short_and_long_tasks(
    expected: Expectation, ages: list[float], delays: list[float]
) -> None:
    got = [expected_poll_delay(age, expected) for age in ages]
    assert got == pytest.approx(delays, abs=1e-4)


def plan(expected: Expectation, until: float) -> list[float]:
    age, ages = 0.0, []
    while age < until:
        age += expected_poll_delay(age, expected)
        ages.append(age)
    return ages


@pytest.mark.parametrize("median", [5.0, 30.0, 90.0, 150.0, 420.0, 3600.0])
@pytest.mark.parametrize("spread", [0.05, 0.15, 0.5])
def test_schedule_bounds_whatever_the_expectation(median: float, spread: float) -> None:
    """The promises behind "never worse": checked at every poll of a long plan."""
    expected = Expectation.around(median, spread)
    ages = plan(expected, expected.high * 3 + 100)
    previous = 0.0
    for age in ages:
        gap = age - previous
        assert gap >= 1.0 - 1e-9
        if previous >= expected.low - 1e-9:
            # From the window on, never a longer gap than today's cap: a task running
            # longer than expected is noticed as promptly as with `poll_delay`.
            assert gap <= MAX_POLL_DELAY + 1e-9
        else:
            # Before it, a poll at most 1.6x the age (from 15 s): a task done early is
            # noticed at most 60 % of its age late.
            assert age <= max(SPARSE_RATIO * max(previous, FIRST_SPARSE_AGE), expected.low) + 1e-9
        previous = age
    in_window = [age for age in ages if expected.low - 1e-9 <= age < expected.high - 1e-9]
    spacing = (expected.high - expected.low) / DENSE_POLLS
    if 1.0 <= spacing <= MAX_POLL_DELAY:
        assert len(in_window) == DENSE_POLLS


def test_a_correct_expectation_meets_the_issue_goals() -> None:
    """A 90 s task drawn within +-10 % of a correct prior: <= 10 GETs, <= 2 s late on average."""
    ages = plan(NINETY, 200)
    gets, late = [], []
    for step in range(8100, 9901):  # finish times 81.00 .. 99.00 s
        finish = step / 100
        first_seen = next(age for age in ages if age >= finish)
        gets.append(ages.index(first_seen) + 1)
        late.append(first_seen - finish)
    assert sum(gets) / len(gets) <= 10
    assert sum(late) / len(late) <= 2.0
    assert max(late) <= 3.375 + 1e-9  # the dense spacing


# --- what the client learns --------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        ([90.0], Expectation(90.0, 76.5, 103.5)),
        ([80.0, 100.0], Expectation(90.0, 76.5, 103.5)),  # few samples: +-15 %
        ([80.0, 85.0, 90.0, 95.0, 100.0], Expectation(90.0, 80.0, 100.0)),  # 10th-90th pct
        ([90.0] * 5, Expectation(90.0, 85.5, 94.5)),  # never narrower than +-5 %
        ([100.0, 10.0, 20.0, 30.0, 40.0, 50.0], Expectation(35.0, 10.0, 100.0)),
    ],
)
def test_expectation_from_samples(samples: list[float], expected: Expectation) -> None:
    got = Expectation.from_samples(samples)
    assert (got.median, got.low, got.high) == pytest.approx(
        (expected.median, expected.low, expected.high)
    )


def task(**changes: Any) -> Task:
    data = task_envelope("processing")["data"]
    for name, value in changes.items():
        target = data
        *path, last = name.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return Task.model_validate(data)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({}, ("sora2", "sora2-video", 4)),
        ({"input__duration": 8}, ("sora2", "sora2-video", 8)),
        ({"input__duration": 8.0}, ("sora2", "sora2-video", 8)),
        ({"input__duration": 8.5}, ("sora2", "sora2-video", None)),
        ({"input__duration": "8"}, ("sora2", "sora2-video", None)),
        ({"input__duration": True}, ("sora2", "sora2-video", None)),
        ({"input": {}}, ("sora2", "sora2-video", None)),
        ({"task_type": "sora2-pro-video"}, ("sora2", "sora2-pro-video", 4)),
    ],
)
def test_task_key(changes: dict[str, Any], key: tuple[str, str, int | None]) -> None:
    assert task_key(task(**changes)) == key


def test_task_key_of_a_typed_task() -> None:
    typed = Sora2Task.model_validate(task_envelope("completed")["data"])
    assert task_key(typed) == ("sora2", "sora2-video", 4)


CREATED = datetime(2025, 10, 29, 2, 33, 3, tzinfo=timezone.utc)


def finished(total: float, processing: float | None = None, duration: int = 4) -> Task:
    meta = task_envelope("completed")["data"]["meta"]
    meta["created_at"] = CREATED.isoformat()
    meta["started_at"] = (
        (CREATED + timedelta(seconds=total - processing)).isoformat()
        if processing is not None
        else "0001-01-01T00:00:00Z"
    )
    meta["ended_at"] = (CREATED + timedelta(seconds=total)).isoformat()
    data = task_envelope("completed", meta=meta)["data"]
    data["input"]["duration"] = duration
    return Task.model_validate(data)


SORA_4S = ("sora2", "sora2-video", 4)


def test_priors_only_for_piapi_itself() -> None:
    assert Expectations.for_base_url("https://api.piapi.ai").expect(SORA_4S) == NINETY
    assert Expectations.for_base_url("http://127.0.0.1:8000").expect(SORA_4S) is None
    assert set(SORA2_PRIORS) == {
        ("sora2", task_type, seconds)
        for task_type in ("sora2-video", "sora2-pro-video")
        for seconds in (4, 8, 12)
    }


def test_the_store_learns_run_times_from_piapis_own_timestamps() -> None:
    store = Expectations(SORA2_PRIORS)
    store.record(finished(60.0, processing=50.0))
    assert store.expect(SORA_4S) == Expectation.around(60.0)  # learned beats the prior
    assert store.expect_processing(SORA_4S) == Expectation.around(50.0)
    store.record(finished(70.0))  # no started_at: total only
    assert store.expect(SORA_4S) == Expectation.around(65.0)
    assert store.expect_processing(SORA_4S) == Expectation.around(50.0)
    assert store.expect(("sora2", "sora2-video", 8)) == Expectation.around(150.0)  # prior


@pytest.mark.parametrize(
    "meta",
    [
        {"ended_at": "0001-01-01T00:00:00Z"},  # never ended
        {"created_at": "2025-10-29T02:40:00Z"},  # ended before it was created
        {"created_at": "2025-10-20T00:00:00Z"},  # took over a day
    ],
)
def test_the_store_ignores_run_times_it_cannot_trust(meta: dict[str, str]) -> None:
    store = Expectations()
    done = finished(60.0)
    store.record(done.model_copy(update={"meta": done.meta.model_copy(update=_times(meta))}))
    assert store.expect(SORA_4S) is None


def _times(meta: dict[str, str]) -> dict[str, Any]:
    return Task.model_validate(task_envelope(meta=meta)["data"]).meta.model_dump(include=set(meta))


def test_the_store_is_bounded() -> None:
    store = Expectations()
    for seconds in range(1, SAMPLES_PER_KEY + 11):
        store.record(finished(float(seconds)))
    # Only the last SAMPLES_PER_KEY run times count: 11 .. 35 s, median 23.
    assert store.expect(SORA_4S) is not None
    assert store.expect(SORA_4S).median == 23.0  # type: ignore[union-attr]
    for duration in range(MAX_KEYS + 1):
        store.record(finished(10.0, duration=1000 + duration))
    assert store.expect(SORA_4S) is None  # the least recently used kind was forgotten
    assert store.expect(("sora2", "sora2-video", 1000 + MAX_KEYS)) is not None


def test_the_store_is_thread_safe() -> None:
    store = Expectations()
    done = [finished(float(seconds)) for seconds in (10, 20, 30)]

    def learn() -> None:
        for _ in range(200):
            for item in done:
                store.record(item)
                assert store.expect(SORA_4S) is not None

    threads = [threading.Thread(target=learn) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.expect(SORA_4S) is not None
    assert store.expect(SORA_4S).median in (10.0, 20.0, 30.0)  # type: ignore[union-attr]


# --- placing a task in time --------------------------------------------------------------

WALL = CREATED.timestamp()


def planner(wall_now: float, *, learned: bool = True, poll_interval: float | None = None) -> Any:
    store = Expectations(SORA2_PRIORS)
    store.wall_clock = lambda: wall_now
    return PollPlanner(store if learned else None, poll_interval, now=500.0)


def pending(**meta: str) -> Task:
    data = task_envelope("pending")["data"]
    data["meta"].update({"created_at": CREATED.isoformat(), **meta})
    return Task.model_validate(data)


@pytest.mark.parametrize(
    ("wall_now", "first_delay", "why"),
    [
        (WALL, 18.6768, "fresh: the first sparse poll"),
        (WALL + 60, 16.5, "resumed at 60 s: next is the window's start, 76.5 s"),
        (WALL - 30, 18.6768, "created 30 s in our future: clock skew, counted as now"),
        (WALL - 600, 1.0, "created 10 min in our future: cannot be placed, today's schedule"),
        (WALL + 3 * 86_400, 1.0, "3 days old: cannot be placed, today's schedule"),
    ],
)
def test_planner_places_the_task_by_its_creation_time(
    wall_now: float, first_delay: float, why: str
) -> None:
    plan = planner(wall_now)
    plan.observe(pending())
    assert plan.delay(500.0, polls_done=1) == pytest.approx(first_delay, abs=1e-4), why


def test_planner_without_expectations_or_with_a_fixed_interval() -> None:
    unknown = planner(WALL)
    unknown.observe(pending().model_copy(update={"model": "another-model"}))
    assert [unknown.delay(500.0, n) for n in (1, 2, 3)] == [poll_delay(n) for n in (1, 2, 3)]
    fixed = planner(WALL, poll_interval=2.0)
    fixed.observe(pending())
    assert fixed.delay(500.0, 1) == 2.0
    off = planner(WALL, learned=False)
    off.observe(pending())
    assert off.delay(500.0, 1) == 1.0


def test_planner_counts_from_started_at_once_processing_times_are_known() -> None:
    plan = planner(WALL + 40)
    assert plan.expectations is not None
    plan.expectations.record(finished(90.0, processing=30.0))  # learned: 30 s of processing
    plan.observe(pending(started_at=(CREATED + timedelta(seconds=35)).isoformat()))
    # Started at 35 s: done around 35 + 30 = 65 s (window 60.5 .. 69.5), now 40 s old.
    assert plan.expectation() == Expectation.around(30.0).shifted(35.0)
    assert plan.delay(500.0, 1) == pytest.approx(60.5 - 40.0)


def test_wait_state_learns_from_the_task_it_waited_for() -> None:
    store = Expectations(SORA2_PRIORS)
    store.wall_clock = lambda: WALL
    state = WaitState(
        pending(), timeout=None, poll_interval=None, raise_on_failure=True, started_at=0.0,
        expectations=store,
    )  # fmt: skip
    assert state.next_delay(0.0) == pytest.approx(18.6768, abs=1e-4)
    state.observe(finished(91.0))
    assert state.finished is not None
    assert store.expect(SORA_4S) == Expectation.around(91.0)


# --- the waits, sync and async, on the expected-time schedule -----------------------------

SEED_CREATED = datetime(2025, 10, 29, 2, 33, 3, 282375, tzinfo=timezone.utc).timestamp()


def answers(*statuses: str) -> Callable[[httpx.Request], httpx.Response]:
    queue = list(statuses)
    return lambda request: ok(queue.pop(0))


def test_waits_follow_the_expected_schedule_and_learn(make_api: Callable[..., Api]) -> None:
    api = make_api(answers("processing", "processing", "processing", "completed", "completed"))
    # PiAPI's clock and ours agree: the seed task was created as the wait began.
    api.client._expectations.wall_clock = lambda: SEED_CREATED + (api.clock.now - 1000.0)
    created = Sora2Task.model_validate(task_envelope("pending")["data"])
    done = api("tasks.wait", created)
    assert done.status.value == "completed"
    # Sparse while a 4 s Sora 2 video (prior: 90 s) cannot be done, then the window.
    assert api.clock.sleeps == pytest.approx([18.6768, 11.2061, 17.9297, 28.6875], abs=1e-3)
    # It took 91.84 s by PiAPI's own timestamps: the next wait expects that.
    learned = api.client._expectations.expect(SORA_4S)
    assert learned is not None
    assert learned.median == pytest.approx(91.84, abs=0.01)
    api.clock.sleeps.clear()
    api.client._expectations.wall_clock = lambda: SEED_CREATED
    api("tasks.wait", created)
    assert api.clock.sleeps == pytest.approx([learned.low / SPARSE_RATIO**3], abs=1e-3)


def test_poll_interval_still_forces_a_fixed_interval(make_api: Callable[..., Api]) -> None:
    api = make_api(answers("processing", "processing", "completed"))
    api.client._expectations.wall_clock = lambda: SEED_CREATED
    created = Sora2Task.model_validate(task_envelope("pending")["data"])
    api("tasks.wait", created, poll_interval=3.0)
    assert api.clock.sleeps == [3.0, 3.0, 3.0]


def test_with_options_copies_learn_together(make_api: Callable[..., Api]) -> None:
    api = make_api(answers("completed"))
    copy = api.client.with_options(max_retries=0)
    assert copy._expectations is api.client._expectations
