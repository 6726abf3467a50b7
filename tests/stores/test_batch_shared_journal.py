"""`run_many(journal="postgresql://...")` on the sync client and the async one (asyncio,
trio), from one parametrised test each, on a real PostgreSQL server: a batch recorded in
the store, resumed; a store that cannot be reached (nothing sent); a lease that ran out (no
more claims, nothing created twice)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from batch._batchutil import Runner, clips, fake_on_a_fake_clock, running
from piapi import BatchItem, BatchJournalError, BatchState, PiAPIClient
from piapi._core.protocol import estimate_cost
from piapi.batch._journal import ClaimGoneError
from piapi.batch._plan import Phase, request_identity
from piapi.batch._shared import SharedJournal
from piapi.stores import ItemState, StoreError, open_store
from piapi.testing import FakePiAPI, Fault


@pytest.fixture
def fake() -> FakePiAPI:
    return fake_on_a_fake_clock()


@pytest.fixture(params=["sync", "asyncio", "trio"])
def runner(request: pytest.FixtureRequest, fake: FakePiAPI) -> Iterator[Runner]:
    with running(str(request.param), fake) as runner:  # as tests/batch's fixture
        yield runner


def the_batch(url: str) -> str:
    with psycopg.connect(url) as connection:
        (name,) = connection.execute("SELECT id FROM piapi_batches").fetchone() or ("",)
    return str(name)


def test_a_batch_on_a_store_journal_creates_each_item_once_and_resumes(
    runner: Runner, fake: FakePiAPI, pg_url: str, tmp_path: Path
) -> None:
    options = {"journal": pg_url, "download_to": tmp_path, "file_names": "prompt"}
    items = runner.run_many(clips(5, duration=4), **options)
    assert [item.state for item in items] == [BatchState.COMPLETED] * 5
    assert fake.create_counts() == {f"clip {n}": 1 for n in range(5)}
    with open_store(pg_url) as store:
        rows = store.batch_items(the_batch(pg_url))
    assert [row.state for row in rows] == [ItemState.SAVED] * 5
    assert [row.result_path for row in rows] == [str(item.paths[0].resolve()) for item in items]
    assert {row.result_host for row in rows} == {socket.gethostname()}
    assert all(row.owner is None or row.state is ItemState.SAVED for row in rows)
    # Run again: everything is recorded as done, nothing is created.
    again = runner.run_many(clips(5, duration=4), **options)
    assert [item.state for item in again] == [BatchState.COMPLETED] * 5
    assert len(fake.created_tasks) == 5


def test_a_store_that_cannot_be_reached_raises_a_store_error_and_sends_nothing(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    url = f"postgresql://piapi:s3cret-pw@/postgres?host={tmp_path}/nowhere&connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        runner.run_many(clips(3), journal=url)
    assert "s3cret-pw" not in str(caught.value)
    assert fake.created_tasks == []


def test_a_worker_whose_lease_ran_out_claims_nothing_more_and_nothing_is_created_twice(
    runner: Runner, fake: FakePiAPI, pg_url: str
) -> None:
    def lose_the_lease(item: BatchItem) -> None:
        # As if this worker hung past its lease: the store no longer knows it.
        with psycopg.connect(pg_url, autocommit=True) as connection:
            connection.execute("DELETE FROM piapi_workers")

    items = runner.run_many(
        clips(4), journal=pg_url, concurrency=1, lease_seconds=30, on_result=lose_the_lease
    )
    assert [item.state for item in items] == [BatchState.COMPLETED] + [BatchState.NOT_CREATED] * 3
    assert "lease ran out" in items[1].detail
    assert len(fake.created_tasks) == 1
    # The next run (a worker with a lease) does the rest, each item once.
    items = runner.run_many(clips(4), journal=pg_url)
    assert [item.state for item in items] == [BatchState.COMPLETED] * 4
    assert fake.create_counts() == {f"clip {n}": 1 for n in range(4)}


def test_lease_seconds_belongs_to_a_store_journal(runner: Runner, fake: FakePiAPI) -> None:
    with pytest.raises(ValueError, match="lease_seconds applies to a journal shared"):
        runner.run_many(clips(2), lease_seconds=10)
    assert fake.created_tasks == []


def test_an_sqlite_url_is_the_journal_file_of_one_process(fake: FakePiAPI, tmp_path: Path) -> None:
    client = PiAPIClient(api_key="test", http_client=fake.client())
    journal = f"sqlite://{tmp_path}/run.sqlite"
    with client.tasks.plan_many(clips(2), journal=journal):
        assert (tmp_path / "run.sqlite").exists()
        with pytest.raises(BatchJournalError, match="in use by another run"):
            client.tasks.plan_many(clips(2), journal=journal)
    assert fake.created_tasks == []


def test_a_create_refused_for_now_is_tried_again_and_created_once(
    runner: Runner, fake: FakePiAPI, pg_url: str
) -> None:
    fake.faults.add(Fault.http_status(429, retry_after=2), endpoint="create", nth=[1, 2])
    items = runner.run_many(clips(3), journal=pg_url, concurrency=1)
    assert [item.state for item in items] == [BatchState.COMPLETED] * 3
    assert fake.create_counts() == {f"clip {n}": 1 for n in range(3)}


def test_a_request_piapi_refuses_is_final_in_the_store(
    runner: Runner, fake: FakePiAPI, pg_url: str
) -> None:
    fake.faults.add(Fault.http_status(400, message="bad prompt"), endpoint="create", nth=1)
    items = runner.run_many(clips(2), journal=pg_url, concurrency=1)
    assert [item.state for item in items] == [BatchState.NOT_CREATED, BatchState.COMPLETED]
    assert "bad prompt" in items[0].detail
    with open_store(pg_url) as store:
        [refused, _] = store.batch_items(the_batch(pg_url))
    assert (refused.state, refused.task_id) == (ItemState.FAILED, None)
    # Not sent again: a corrected request is another batch.
    again = runner.run_many(clips(2), journal=pg_url)
    assert [item.state for item in again] == [BatchState.NOT_CREATED, BatchState.COMPLETED]
    assert fake.create_counts() == {"clip 1": 1}


def test_a_worker_stops_claiming_once_piapi_refuses_every_create_for_now(
    runner: Runner, fake: FakePiAPI, pg_url: str
) -> None:
    fake.faults.add(Fault.http_status(429), endpoint="create", rate=1.0)
    items = runner.run_many(clips(3), journal=pg_url, concurrency=2)
    assert [item.state for item in items] == [BatchState.NOT_CREATED] * 3
    assert all("creates in a row for now" in item.detail for item in items)
    assert fake.created_tasks == []
    with open_store(pg_url) as store:  # given back: the next run (or another worker) tries
        assert [row.state for row in store.batch_items(the_batch(pg_url))] == [ItemState.NEW] * 3


def test_an_item_whose_create_did_not_leave_stays_its_workers_until_its_program_ends(
    pg_url: str,
) -> None:
    requests = clips(2)
    journal = SharedJournal.open(
        pg_url,
        [request_identity(request) for request in requests],
        [estimate_cost(request) for request in requests],
        cap_usd=None,
        lease_seconds=60.0,
        saving=False,
    )
    try:
        first = journal.claim()
        assert first is not None
        assert first.position == 0
        journal.sending(0, datetime.now(timezone.utc), None)
        journal.not_created(0, "429 too many requests")  # its program backs off
        second = journal.claim()  # another worker of this process claims meanwhile
        assert second is not None
        assert second.position == 1
        assert journal.claim() is None
        journal.sending(0, datetime.now(timezone.utc), None)  # tried again: still its own
        journal.not_created(0, "429 too many requests")
        journal.done_with(0)  # its program gave up: back to every worker, price released
        [item, _] = journal.read_rows()
        assert (item.phase, item.error) == (Phase.NEW, "429 too many requests")
        with pytest.raises(ClaimGoneError):  # not this worker's any more: nothing is sent
            journal.sending(0, datetime.now(timezone.utc), None)
    finally:
        journal.close()
