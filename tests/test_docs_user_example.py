"""Tests a user writes with piapi's pytest fixtures, as docs/testing.md shows them."""

# ruff: noqa: I001  (imports are grouped by the docs section that shows them)
# --8<-- [start:basic_imports]
import pytest

from piapi import PiAPIClient, TaskFailedError
from piapi.testing import FakePiAPI

# --8<-- [end:basic_imports]
# --8<-- [start:faults_imports]
from piapi import APIConnectionError
from piapi.testing import Fault

# --8<-- [end:faults_imports]
# --8<-- [start:async_imports]
from decimal import Decimal

from piapi import AsyncPiAPIClient

# --8<-- [end:async_imports]
# --8<-- [start:server_imports]
from piapi.testing import FakePiAPIServer

# --8<-- [end:server_imports]


# --8<-- [start:basic]
def make_video(client: PiAPIClient, prompt: str) -> str:  # your code under test
    task = client.sora2.create_and_wait(prompt=prompt, duration=8)
    return task.result_url  # the video's URL; raises NoResultError if there is none


def test_make_video(piapi_client: PiAPIClient, piapi_fake: FakePiAPI) -> None:
    assert make_video(piapi_client, "A red fox").endswith(".mp4")
    assert piapi_fake.create_counts()["A red fox"] == 1  # created once, never twice
    assert piapi_fake.created_tasks[0].consume == 6_400_000  # billed $0.64


def test_make_video_failure(piapi_client: PiAPIClient, piapi_fake: FakePiAPI) -> None:
    piapi_fake.script(outcome="failed", error_message="content policy")
    with pytest.raises(TaskFailedError, match="content policy"):
        make_video(piapi_client, "Something not allowed")


# --8<-- [end:basic]


# --8<-- [start:faults]
def test_survives_maintenance(piapi_client: PiAPIClient, piapi_fake: FakePiAPI) -> None:
    maintenance = Fault.maintenance(retry_after=2)
    piapi_fake.faults.add(maintenance, endpoint="get", nth=[1, 2, 3])  # 3 polls fail
    assert make_video(piapi_client, "A koi pond").endswith(".mp4")


def test_dropped_create_is_not_resent(
    piapi_client: PiAPIClient,
    piapi_fake: FakePiAPI,
) -> None:
    piapi_fake.faults.add(Fault.drop_after(), endpoint="create")
    with pytest.raises(APIConnectionError) as caught:
        make_video(piapi_client, "A lighthouse")
    assert caught.value.task_may_exist
    assert piapi_fake.create_counts()["A lighthouse"] == 1


# --8<-- [end:faults]


# --8<-- [start:clock]
def test_done_after_a_minute(piapi_client: PiAPIClient, piapi_fake: FakePiAPI) -> None:
    task = piapi_client.sora2.create(prompt="A glacier calving")
    assert task.status == "pending"
    piapi_fake.clock.advance(60)  # fake time: nothing actually sleeps
    assert piapi_client.tasks.get(task.task_id).status == "completed"


# --8<-- [end:clock]


# --8<-- [start:async]
@pytest.mark.anyio
async def test_make_video_async(piapi_async_client: AsyncPiAPIClient) -> None:
    task = await piapi_async_client.sora2.create_and_wait(prompt="A red fox")
    assert task.result_url.endswith(".mp4")
    assert task.cost_usd == Decimal("0.32")


# --8<-- [end:async]


# --8<-- [start:server]
def test_over_real_http(piapi_server: FakePiAPIServer) -> None:
    with PiAPIClient(api_key="test", base_url=piapi_server.url) as client:
        assert make_video(client, "A lighthouse").endswith(".mp4")


# --8<-- [end:server]
