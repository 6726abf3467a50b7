"""One spending limit for many clients (`spend_store=`): separate processes creating through
the client against one fake PiAPI share the store's budget, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from _children import Child, run_together

from piapi import AsyncPiAPIClient, PiAPIClient, PiAPIError, SpendLimitError
from piapi.stores import StoreError, open_store
from piapi.testing import FakePiAPIServer, Fault

FLAVOURS = ["sync", "asyncio", "trio"]


@pytest.fixture
def server() -> Iterator[FakePiAPIServer]:
    with FakePiAPIServer() as running:
        yield running


def wait_until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Wait for a state another process brings about; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_eight_processes_under_a_one_dollar_limit_create_exactly_three(
    store_url: str, server: FakePiAPIServer
) -> None:
    flavours = [FLAVOURS[number % 3] for number in range(8)]  # sync, asyncio and trio
    results = run_together(
        [["create", store_url, store_url, server.url, flavour, "1"] for flavour in flavours]
    )
    assert sorted(results) == ["created"] * 3 + ["refused"] * 5
    assert len(server.fake.created_tasks) == 3  # the refused ones sent nothing
    with open_store(store_url) as store:
        assert store.spent("shared") == Decimal("0.96")  # settled at what PiAPI reported
        assert store.open_reservations("shared") == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_process_killed_mid_create_keeps_its_reservation_until_settled(
    store_url: str, server: FakePiAPIServer, flavour: str
) -> None:
    server.fake.faults.add(Fault.slow(3600), endpoint="create")  # acts, then never answers
    child = Child("create", store_url, store_url, server.url, flavour, "1")
    assert child.receive() == "ready"
    child.pipe.send("go")
    with open_store(store_url) as store:
        wait_until(lambda: server.fake.created_tasks, "the create to reach the fake")
        child.kill()
        (held,) = store.open_reservations("shared")
        assert held.amount_usd == Decimal("0.32")
        assert held.note.startswith("sora2 sora2-video")
        assert f"pid {child.process.pid}" in held.note
        server.fake.faults.clear()
        with PiAPIClient(
            api_key="test",
            base_url=server.url,
            spend_limit_usd="0.50",
            spend_store=store_url,
            spend_limit_name="shared",
        ) as client:
            with pytest.raises(SpendLimitError, match=r"\$0.32 spent or reserved"):
                client.sora2.create(prompt="A red fox", duration=4)  # the dead one counts
            assert len(server.fake.created_tasks) == 1
            store.settle(held.id, "0.10")  # what PiAPI's task history says was charged
            client.sora2.create(prompt="A red fox", duration=4)
        assert store.spent("shared") == Decimal("0.42")


def client_on(store_url: str, server: FakePiAPIServer, **options: object) -> PiAPIClient:
    return PiAPIClient(
        api_key="test",
        base_url=server.url,
        max_retries=0,
        spend_limit_usd="1",
        spend_store=store_url,
        spend_limit_name="shared",
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("fault", "left_open"),
    [(Fault.http_status(429), 0), (Fault.http_status(500), 1)],  # not sent; may exist
)
def test_a_failed_create_is_released_only_when_it_certainly_did_not_reach_piapi(
    store_url: str, server: FakePiAPIServer, fault: Fault, left_open: int
) -> None:
    server.fake.faults.add(fault, endpoint="create")
    with client_on(store_url, server) as client, open_store(store_url) as store:
        with pytest.raises(PiAPIError):
            client.sora2.create(prompt="A red fox", duration=4)
        assert len(store.open_reservations("shared")) == left_open
        assert store.spent("shared") == Decimal("0.32") * left_open


@pytest.mark.anyio
async def test_the_async_client_shares_the_budget_and_releases_what_was_not_sent(
    store_url: str, server: FakePiAPIServer
) -> None:
    options: dict[str, Any] = {
        "api_key": "test", "base_url": server.url, "max_retries": 0,
        "spend_limit_usd": "0.70", "spend_store": store_url, "spend_limit_name": "shared",
    }  # fmt: skip
    async with AsyncPiAPIClient(**options) as first, AsyncPiAPIClient(**options) as second:
        await first.sora2.create(prompt="A red fox", duration=4)
        server.fake.faults.add(Fault.http_status(429), endpoint="create", times=1)
        with pytest.raises(PiAPIError):
            await second.sora2.create(prompt="A red fox", duration=4)  # released
        await second.sora2.create(prompt="A red fox", duration=4)
        with pytest.raises(SpendLimitError):
            await first.with_options(max_retries=1).sora2.create(prompt="A fox", duration=4)
    with open_store(store_url) as store:
        assert store.spent("shared") == Decimal("0.64")
        assert store.open_reservations("shared") == []


def test_a_store_failing_after_the_create_never_hides_the_task(
    store_url: str, server: FakePiAPIServer, caplog: pytest.LogCaptureFixture
) -> None:
    with client_on(store_url, server) as client, open_store(store_url) as store:
        shared = client._spending.shared
        assert shared is not None

        def broken(reservation_id: int, charged_usd: Decimal) -> None:
            raise StoreError("the store is unreachable")

        shared.settle = broken  # type: ignore[method-assign]
        task = client.sora2.create(prompt="A red fox", duration=4)
        assert task.task_id == server.fake.created_tasks[0].task_id
        (held,) = store.open_reservations("shared")  # counted at its estimate
        assert f"piapi spend settle {held.id} --charged 0.32" in caplog.text
        assert "the store is unreachable" in caplog.text


def test_store_options_are_checked_and_the_password_never_shows() -> None:
    url = "postgresql://piapi:s3cret-pw@db.internal/piapi"
    client = PiAPIClient(api_key="k", spend_store=url, spend_window="day")
    assert "s3cret-pw" not in repr(client) + repr(client._spending)
    assert "piapi:***@db.internal" in repr(client._spending.shared)
    with pytest.raises(ValueError, match="spend_window") as bad_window:
        PiAPIClient(api_key="k", spend_store=url, spend_window="week")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown store URL scheme") as bad_scheme:
        PiAPIClient(api_key="k", spend_store="mysql://u:s3cret-pw@h/db")
    assert "s3cret-pw" not in str(bad_window.value) + str(bad_scheme.value)
    with pytest.raises(ValueError, match="need spend_store"):
        PiAPIClient(api_key="k", spend_limit_name="team-a")
    with pytest.raises(ValueError, match="spend_limit_name"):
        PiAPIClient(api_key="k", spend_store=url, spend_limit_name=" ")
