"""The real SDK against the fake over real sockets (sync, asyncio, trio) and via the fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TypeVar

import httpx
import pytest

import piapi
from piapi import AsyncPiAPIClient, PiAPIClient, TaskStatus
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer, Fault

SDK = TypeVar("SDK", PiAPIClient, AsyncPiAPIClient)


@pytest.fixture
def server() -> Iterator[FakePiAPIServer]:
    """Real sockets, fake time: the SDK's waits and backoffs advance the fake's clock."""
    fake = FakePiAPI(clock=FakeClock(), queue_delay=0.03, task_duration=0.1)
    with FakePiAPIServer(fake) as running:
        yield running


def in_fake_time(sdk: SDK, server: FakePiAPIServer) -> SDK:
    """Make `sdk` sleep on (and read) the server's fake clock."""
    clock = server.fake.clock
    assert isinstance(clock, FakeClock)
    if isinstance(sdk, PiAPIClient):
        sdk._sleep = clock.sleep
    else:

        async def advance(seconds: float) -> None:
            clock.advance(seconds)

        sdk._sleep = advance
    sdk._now = clock.monotonic
    return sdk


@pytest.fixture
def client(server: FakePiAPIServer) -> Iterator[PiAPIClient]:
    with in_fake_time(
        PiAPIClient(api_key="test", base_url=server.url, timeout=30.0), server
    ) as sdk:
        yield sdk


def test_sync_create_wait_download(client: PiAPIClient, server: FakePiAPIServer) -> None:
    created = client.sora2.create(prompt="a red fox in snow", duration=8)
    assert created.status == TaskStatus.PENDING
    assert created.cost_usd == Decimal("0.64")
    seen: list[str] = []
    done = client.tasks.wait(created, poll_interval=0.02, on_update=lambda t: seen.append(t.status))
    assert done.status == TaskStatus.COMPLETED
    assert done.is_terminal
    assert done.output is not None
    url = done.output.video
    assert url is not None
    assert url.startswith(f"{server.url}/ephemeral/")
    assert seen[-1] == TaskStatus.COMPLETED
    assert httpx.get(url).content == server.fake.media(url).read()
    assert server.fake.create_counts() == {"a red fox in snow": 1}


def test_sync_pro_video_and_generic_tasks(client: PiAPIClient, server: FakePiAPIServer) -> None:
    pro = client.sora2.create_and_wait(
        prompt="city", task_type="sora2-pro-video", resolution="1080p", poll_interval=0.02
    )
    assert pro.cost_usd == Decimal("0.96")
    generic = client.tasks.create(
        model="sora2", task_type="remove-watermark", input={"video_url": "https://x/v.mp4"}
    )
    assert client.tasks.get(generic.task_id).task_type == "remove-watermark"


def test_sync_failure(client: PiAPIClient, server: FakePiAPIServer) -> None:
    server.fake.script(outcome="failed", error_message="policy violation", times=2)
    with pytest.raises(piapi.TaskFailedError) as caught:
        client.sora2.create_and_wait(prompt="bad", poll_interval=0.02)
    assert "policy violation" in str(caught.value)
    task = client.sora2.create(prompt="bad again")
    failed = client.tasks.wait(task, poll_interval=0.02, raise_on_failure=False)
    assert failed.status == TaskStatus.FAILED


def test_sync_cancel(client: PiAPIClient, server: FakePiAPIServer) -> None:
    server.fake.script(queue_delay=60.0, times=1)
    waiting = client.sora2.create(prompt="cancel me")
    client.tasks.cancel(waiting.task_id)
    assert client.tasks.get(waiting.task_id).status == TaskStatus.CANCELLED
    with pytest.raises(piapi.APIStatusError):
        client.tasks.cancel(waiting.task_id)
    with pytest.raises(piapi.NotFoundError):
        client.tasks.cancel("no-such-task")


@pytest.mark.parametrize("task_id", ["[bold", "a b%2F?#", "id-\u00e9"])
def test_an_id_the_sdk_percent_encodes_is_read_back_as_given(
    client: PiAPIClient, server: FakePiAPIServer, task_id: str
) -> None:
    # The SDK sends the id as one percent-encoded path segment; a server decodes it.
    server.fake.script(task_id=task_id, queue_delay=60.0)
    created = client.sora2.create(prompt="odd id")
    assert client.tasks.get(created.task_id).task_id == task_id
    client.tasks.cancel(task_id)
    assert client.tasks.get(task_id).status == TaskStatus.CANCELLED


def test_sync_wait_timeout(client: PiAPIClient, server: FakePiAPIServer) -> None:
    server.fake.script(duration=60.0)
    task = client.sora2.create(prompt="forever")
    with pytest.raises(piapi.WaitTimeoutError):
        client.tasks.wait(task, timeout=0.3, poll_interval=0.05)


def test_sync_errors(server: FakePiAPIServer) -> None:
    with (
        in_fake_time(PiAPIClient(api_key="wrong", base_url=server.url), server) as bad,
        pytest.raises(piapi.AuthenticationError),
    ):
        bad.tasks.get("x")
    with in_fake_time(
        PiAPIClient(api_key="test", base_url=server.url, max_retries=0), server
    ) as sdk:
        with pytest.raises(piapi.NotFoundError):
            sdk.tasks.get("x")
        server.fake.faults.add(Fault.http_status(503), endpoint="create", nth=1)
        with pytest.raises(piapi.InternalServerError):
            sdk.sora2.create(prompt="not retried")
    assert server.fake.create_counts() == {}


def test_sync_retries_gets_and_safe_creates(server: FakePiAPIServer) -> None:
    fake = server.fake
    fake.faults.add(Fault.rate_limited(0.01), endpoint="create", nth=1)
    fake.faults.add(Fault.http_status(502), endpoint="get", nth=1)
    fake.faults.add(Fault.rate_limited(0.01), endpoint="get", nth=2)
    with in_fake_time(
        PiAPIClient(api_key="test", base_url=server.url, max_retries=2), server
    ) as sdk:
        task = sdk.sora2.create(prompt="retried once")
        assert sdk.tasks.get(task.task_id).task_id == task.task_id
    assert fake.create_counts() == {"retried once": 1}
    assert [r.fault for r in fake.requests] == [
        "http_status(429)",
        None,
        "http_status(502)",
        "http_status(429)",
        None,
    ]


def test_sync_ambiguous_create_is_not_retried(server: FakePiAPIServer) -> None:
    server.fake.faults.add(Fault.drop_after(), endpoint="create", nth=1)
    with (
        in_fake_time(
            PiAPIClient(api_key="test", base_url=server.url, max_retries=3), server
        ) as sdk,
        pytest.raises(piapi.APIConnectionError) as caught,
    ):
        sdk.sora2.create(prompt="maybe created")
    assert caught.value.task_may_exist
    assert server.fake.create_counts() == {"maybe created": 1}


@pytest.mark.anyio
async def test_async_create_wait_fail_cancel_timeout(server: FakePiAPIServer) -> None:
    fake = server.fake
    sdk = in_fake_time(AsyncPiAPIClient(api_key="test", base_url=server.url, timeout=30.0), server)
    async with sdk:
        done = await sdk.sora2.create_and_wait(prompt="async fox", poll_interval=0.02)
        assert done.status == TaskStatus.COMPLETED
        assert done.output is not None
        assert (done.output.video or "").startswith(server.url)

        fake.script(outcome="failed", error_message="nope")
        with pytest.raises(piapi.TaskFailedError):
            await sdk.sora2.create_and_wait(prompt="async bad", poll_interval=0.02)

        fake.script(queue_delay=60.0)
        pending = await sdk.sora2.create(prompt="async cancel")
        await sdk.tasks.cancel(pending.task_id)
        assert (await sdk.tasks.get(pending.task_id)).status == TaskStatus.CANCELLED

        fake.script(duration=60.0)
        slow = await sdk.sora2.create(prompt="async forever")
        with pytest.raises(piapi.WaitTimeoutError):
            await sdk.tasks.wait(slow, timeout=0.3, poll_interval=0.05)
    assert all(count == 1 for count in fake.create_counts().values())


def test_fixture_client_waits_in_fake_time(
    piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    task = piapi_client.sora2.create_and_wait(prompt="instant")  # default polling schedule
    assert task.status == TaskStatus.COMPLETED
    assert piapi_fake.clock.monotonic() >= piapi_fake.queue_delay + piapi_fake.task_duration
    assert piapi_fake.create_counts() == {"instant": 1}


@pytest.mark.anyio
async def test_fixture_async_client(
    piapi_async_client: AsyncPiAPIClient, piapi_fake: FakePiAPI
) -> None:
    piapi_fake.script(outcome="failed", error_message="scripted")
    with pytest.raises(piapi.TaskFailedError):
        await piapi_async_client.sora2.create_and_wait(prompt="x")
    task = await piapi_async_client.sora2.create_and_wait(prompt="y")
    assert task.status == TaskStatus.COMPLETED


def test_fixture_server(piapi_server: FakePiAPIServer) -> None:
    with PiAPIClient(api_key="test", base_url=piapi_server.url) as sdk:
        task = sdk.sora2.create_and_wait(prompt="served", poll_interval=0.02, timeout=10)
    assert task.status == TaskStatus.COMPLETED
