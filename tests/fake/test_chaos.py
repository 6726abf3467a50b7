"""Chaos: 200 concurrent waits through ~30% faulty polls and some faulty creates.

Every wait must end with the task's true outcome (also when its answers drift from the
docs' shapes), and no prompt may be created twice: an ambiguous create (dropped after the
fake acted) is reported, never blindly resent. The fake's clock moves with each request,
not with real time, so a loaded machine makes the same number of polls (and meets every
fault kind) as an idle one.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import anyio
import anyio.lowlevel
import pytest

import piapi
from piapi import AsyncPiAPIClient, Sora2Task, TaskStatus
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer, Fault

TASKS = 200
GET_FAULTS = [
    Fault.http_status(500),
    Fault.http_status(502, body="plain"),
    Fault.http_status(503, body="empty"),
    Fault.maintenance(),
    Fault.rate_limited(0.01),
    Fault.drop_before(),
    Fault.drop_after(),
    Fault.html(502),
    Fault.html(200),
    Fault.truncated_json(),
    Fault.non_json(),
    Fault.error_in_200(500),
    Fault.capitalised_status(),
    Fault.unknown_status(),
    Fault.extra_fields(),
    Fault.field_drift(),
    Fault.slow(0.01),
]
SAFE_CREATE_FAULTS = [Fault.rate_limited(0.01), Fault.drop_before()]


# Each kind once at a fixed poll (the n-th GET): every run meets every kind, however few
# polls a loaded machine makes; the other polls get faults at random.
SCHEDULED = {10 * (i + 1): fault for i, fault in enumerate(GET_FAULTS)}


def chaos_fake(seed: int) -> FakePiAPI:
    """Tasks of 0.12 s on a clock that each create or poll moves on by 0.8 ms: about 150
    requests pass before a task is done, whatever the machine's speed."""
    return FakePiAPI(
        clock=FakeClock(), queue_delay=0.02, task_duration=0.1, poll_advance=0.0008, seed=seed
    )


async def run_chaos(fake: FakePiAPI, client: AsyncPiAPIClient, create_faults: list[Fault]) -> None:
    """Create and wait on TASKS videos concurrently, then check outcomes and the fake's record."""
    failing = {f"video {i}" for i in range(0, TASKS, 10)}
    for prompt in failing:
        fake.script(prompt=prompt, outcome="failed", error_message="scripted failure")
    # Exact-count rule first, so the three ambiguous creates always happen.
    fake.faults.add(Fault.drop_after(), endpoint="create", nth=[7, 77, 177])
    for nth, fault in SCHEDULED.items():
        fake.faults.add(fault, endpoint="get", nth=nth)
    fake.faults.add(GET_FAULTS, endpoint="get", rate=0.3)
    fake.faults.add(create_faults, endpoint="create", rate=0.15)
    outcomes: dict[str, str] = {}
    failures: list[tuple[str, str, str]] = []
    unreadable_streaks: list[tuple[str, str | None, str]] = []

    async def fast_sleep(seconds: float) -> None:
        # Retry backoffs and poll intervals only move the other tasks along: the fake's
        # clock moves with requests, not with real time, so a checkpoint is enough.
        await anyio.lowlevel.checkpoint()

    client._sleep = fast_sleep  # pyright: ignore[reportPrivateUsage]

    async def run(prompt: str) -> None:
        try:
            task = await client.sora2.create(prompt=prompt)
        except (piapi.APIConnectionError, piapi.RateLimitError) as exc:
            may_exist = isinstance(exc, piapi.APIConnectionError) and exc.task_may_exist
            # A real app would look an ambiguous task up; it must never just resend.
            outcomes[prompt] = "ambiguous" if may_exist else "not created"
            return
        try:
            done = await wait(task)
        except piapi.TaskFailedError as exc:
            failures.append((task.task_id, exc.task.task_id, exc.task.status))
            outcomes[prompt] = "failed"
            return
        assert done.status == TaskStatus.COMPLETED
        assert done.result_url == fake.get_task(task.task_id)["output"]["video"]
        assert done.cost_usd == Decimal("0.32")
        outcomes[prompt] = "completed"

    async def wait(task: Sora2Task) -> Sora2Task:
        while True:
            try:
                return await client.tasks.wait(task, timeout=30, poll_interval=0.01)
            except piapi.APIResponseValidationError as exc:
                # Three unreadable answers in a row end a wait with the task's id and the
                # raw body; the task goes on, so a real app waits again.
                unreadable_streaks.append((task.task_id, exc.task_id, exc.text))

    with anyio.fail_after(45):
        async with client, anyio.create_task_group() as group:
            for i in range(TASKS):
                group.start_soon(run, f"video {i}")

    assert len(outcomes) == TASKS
    assert all(sent == got and text for sent, got, text in unreadable_streaks)
    assert all(sent == got and status == TaskStatus.FAILED for sent, got, status in failures)
    counts = fake.create_counts()
    assert max(counts.values()) == 1, "a prompt was created twice"
    assert sum(o == "ambiguous" for o in outcomes.values()) >= 3
    assert sum(o in ("completed", "failed") for o in outcomes.values()) >= TASKS - 10
    for prompt, outcome in outcomes.items():
        if outcome == "not created":
            assert counts[prompt] == 0
        elif outcome != "ambiguous":
            assert counts[prompt] == 1
            expected = "failed" if prompt in failing else "completed"
            assert outcome == expected, prompt
            assert fake.tasks[_task_id(fake, prompt)].status == expected

    kinds = Counter((r.endpoint, (r.fault or "").split("(")[0]) for r in fake.requests)
    gets = [r for r in fake.requests if r.endpoint == "get"]  # in arrival order: n-th = nth
    assert [gets[nth - 1].fault for nth in SCHEDULED] == [f.describe() for f in GET_FAULTS]
    at_random = [r for number, r in enumerate(gets, start=1) if number not in SCHEDULED]
    assert len(at_random) >= TASKS
    assert 0.2 < sum(r.fault is not None for r in at_random) / len(at_random) < 0.4
    for fault in create_faults:
        assert kinds[("create", fault.kind)] > 0


@pytest.mark.anyio
async def test_chaos_in_process() -> None:
    """Connection refused is only possible in process: the SDK may resend those creates."""
    fake = chaos_fake(seed=2024)
    client = AsyncPiAPIClient(api_key="test", http_client=fake.async_client(), max_retries=4)
    await run_chaos(fake, client, [Fault.rate_limited(0.01), Fault.drop_before()])
    ambiguous = [r for r in fake.requests if r.endpoint == "create" and r.fault == "drop_after()"]
    assert all(r.task_id is not None for r in ambiguous)


@pytest.mark.anyio
async def test_chaos_over_real_sockets() -> None:
    fake = chaos_fake(seed=7)
    with FakePiAPIServer(fake) as server:
        client = AsyncPiAPIClient(api_key="test", base_url=server.url, max_retries=4, timeout=30)
        await run_chaos(fake, client, [Fault.rate_limited(0.01)])


def _task_id(fake: FakePiAPI, prompt: str) -> str:
    return next(t.task_id for t in fake.created_tasks if t.prompt == prompt)
