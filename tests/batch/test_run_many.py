"""`client.tasks.run_many` against the fake in process, on sync, asyncio and trio: every item
created once, waited for and downloaded; failures and odd answers stay with their item;
uncertain creates are never resent; journals resume; 429s slow down; the cost limit holds."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio.lowlevel
import pytest
from _batchutil import Runner, clips

from piapi import (
    AuthenticationError,
    BatchItem,
    BatchJournalError,
    BatchState,
    Sora2Task,
    Sora2VideoInput,
    SpendLimitError,
    TaskFailedError,
    TaskRequest,
    TaskStatus,
)
from piapi.testing import FakePiAPI, Fault
from piapi.testing._fake import FakeResponse

WAIT_FOR_OTHER_THREADS = 30.0  # generous: the other threads are started at once


def most_in_flight(fake: FakePiAPI) -> int:
    """The most tasks running at the fake at once (created, not ended), seen at each create.

    The client follows a task until after it ends, so this is at most what it had in flight.
    """
    tasks = fake.created_tasks
    return max(
        sum(1 for other in tasks if other.created_mono <= task.created_mono < other.end_at)
        for task in tasks
    )


def hold_first_create_until_another_arrives(fake: FakePiAPI) -> None:
    """Sync runs only: threads may start late under load, and on a fake clock the first one
    can finish its task before the next creates. The first create's answer is held (its task
    exists) until a second create has been handled: the overlap is a state, not a race, and
    a batch that creates one at a time fails the check."""
    handle = fake.handle
    another = threading.Event()
    creates = itertools.count(1)

    def holding(method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        response = handle(method, url, headers, body)
        if method == "POST":
            if next(creates) == 1:
                another.wait(WAIT_FOR_OTHER_THREADS)
            else:
                another.set()
        return response

    fake.handle = holding  # type: ignore[method-assign]


def change(journal: Path, statement: str) -> None:
    """Change a journal behind the batch's back."""
    db = sqlite3.connect(journal)
    db.execute(statement)
    db.commit()
    db.close()


def states(items: list[BatchItem]) -> list[str]:
    return [item.state.value for item in items]


def cats(count: int) -> list[TaskRequest]:
    """`count` Midjourney requests: a model the SDK has no price for."""
    return [
        TaskRequest(model="midjourney", task_type="imagine", input={"prompt": f"cat {n}"})
        for n in range(count)
    ]


def assert_unknown_price_stop(items: list[BatchItem], expected: list[str]) -> None:
    """The items ended in the `expected` states, the second not started for its unknown
    price (the cap could no longer be kept)."""
    assert states(items) == expected
    assert items[1].detail.startswith("Not created: not started: price unknown")


def test_every_item_is_created_once_waited_for_and_downloaded_in_order(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    requests = clips(8)
    if runner.mode == "sync":
        hold_first_create_until_another_arrives(fake)
    items = runner.run_many(
        requests, concurrency=3, journal=tmp_path / "j.sqlite", download_to=tmp_path / "out"
    )
    assert states(items) == ["completed"] * 8
    assert [item.request for item in items] == requests
    assert [item.position for item in items] == list(range(8))
    assert all(count == 1 for count in fake.create_counts().values())
    assert len(fake.created_tasks) == 8
    assert 1 < most_in_flight(fake) <= 3
    for item in items:
        assert item.task is not None
        assert item.error is None
        assert item.paths == [tmp_path / "out" / f"{item.task.task_id}.mp4"]
        assert item.paths[0].stat().st_size == fake.media_size
        assert item.task.cost_usd == Decimal("0.32")
        assert item.sent_at is not None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{item.task_id}.mp4" for item in items
    )


def test_without_a_journal_or_a_folder_it_still_runs(runner: Runner, fake: FakePiAPI) -> None:
    items = runner.run_many(clips(3), concurrency=2)
    assert states(items) == ["completed"] * 3
    assert all(item.paths == [] for item in items)
    assert fake.request_counts["media"] == 0


def test_a_failed_task_and_garbled_polls_never_stop_the_others(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    fake.script(outcome="failed", error_message="prompt refused", prompt="clip 2")
    # Polls come back garbled often, sometimes three times in a row for a task.
    fake.faults.add(
        [Fault.truncated_json(), Fault.html(502), Fault.non_json(), Fault.maintenance()],
        endpoint="get",
        rate=0.5,
    )
    items = runner.run_many(clips(6), concurrency=3, download_to=tmp_path)
    assert states(items) == ["completed", "completed", "failed"] + ["completed"] * 3
    failed = items[2]
    assert isinstance(failed.error, TaskFailedError)
    assert "prompt refused" in failed.detail
    assert failed.paths == []
    assert len(list(tmp_path.iterdir())) == 5
    assert sum(1 for r in fake.requests if r.endpoint == "get" and r.fault) > 5


def test_a_create_that_may_have_reached_piapi_is_uncertain_never_resent_until_settled(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    # PiAPI creates the task, then the connection drops before the answer.
    fake.faults.add(Fault.drop_after(), endpoint="create", nth=2)
    items = runner.run_many(clips(4), concurrency=1, journal=journal, download_to=tmp_path)
    assert states(items) == ["completed", "uncertain", "completed", "completed"]
    uncertain = items[1]
    assert uncertain.task is None
    assert uncertain.error is not None
    assert uncertain.error.task_may_exist
    assert "sora2/sora2-video 'clip 1' was sent at" in uncertain.detail
    assert "resolve={1: TASK_ID}" in uncertain.detail
    assert "retry_uncertain=[1]" in uncertain.detail
    # Running again does not send it again: the task may exist and be billed.
    again = runner.run_many(clips(4), concurrency=1, journal=journal, download_to=tmp_path)
    assert states(again) == ["completed", "uncertain", "completed", "completed"]
    assert fake.create_counts()["clip 1"] == 1
    # The user finds it in the task history and says which task it is.
    (found,) = [task for task in fake.created_tasks if task.prompt == "clip 1"]
    settled = runner.run_many(
        clips(4), concurrency=1, journal=journal, download_to=tmp_path,
        resolve={1: found.task_id},
    )  # fmt: skip
    assert states(settled) == ["completed"] * 4
    assert settled[1].task_id == found.task_id
    assert settled[1].paths == [tmp_path / f"{found.task_id}.mp4"]
    assert all(count == 1 for count in fake.create_counts().values())


def test_retry_uncertain_creates_it_again(runner: Runner, fake: FakePiAPI, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    fake.faults.add(Fault.http_status(502, body="empty"), endpoint="create", nth=1)  # not created
    items = runner.run_many(clips(2), journal=journal)
    assert states(items) == ["uncertain", "completed"]
    assert fake.create_counts() == {"clip 1": 1}
    items = runner.run_many(clips(2), journal=journal, retry_uncertain=True)
    assert states(items) == ["completed", "completed"]
    assert fake.create_counts() == {"clip 0": 1, "clip 1": 1}


def test_retry_uncertain_by_position_resends_only_those(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    fake.faults.add(Fault.http_status(503, body="empty"), endpoint="create", nth=[1, 2])
    items = runner.run_many(clips(3), concurrency=1, journal=journal)
    assert states(items) == ["uncertain", "uncertain", "completed"]
    items = runner.run_many(clips(3), journal=journal, retry_uncertain=[1])
    assert states(items) == ["uncertain", "completed", "completed"]
    with pytest.raises(ValueError, match="retry_uncertain: item 2 is completed, not uncertain"):
        runner.run_many(clips(3), journal=journal, retry_uncertain=[0, 2])
    with pytest.raises(ValueError, match="retry_uncertain: there is no item 3"):
        runner.run_many(clips(3), journal=journal, retry_uncertain=[3])
    assert fake.create_counts() == {"clip 1": 1, "clip 2": 1}


def test_a_garbled_create_answer_that_names_its_task_is_followed(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = fake.handle

    def no_status_on_create(method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        response = handle(method, url, headers, body)
        if method == "POST":
            response.body = response.body.replace(b'"status":"pending",', b"")
            response.headers = [("content-type", "application/json")]
        return response

    monkeypatch.setattr(fake, "handle", no_status_on_create)
    items = runner.run_many(clips(2))
    assert states(items) == ["completed", "completed"]
    assert len(fake.created_tasks) == 2


def test_running_again_resumes_without_creating_or_downloading_twice(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal, out = tmp_path / "j.sqlite", tmp_path / "out"
    fake.task_duration = 300.0  # far longer than the waits of the first run
    first = runner.run_many(clips(5), concurrency=5, journal=journal, download_to=out, timeout=3)
    assert states(first) == ["running"] * 5
    assert all(item.task_id is not None for item in first)
    assert "goes on at PiAPI" in first[0].detail
    second = runner.run_many(clips(5), concurrency=2, journal=journal, download_to=out)
    assert states(second) == ["completed"] * 5
    assert [item.task_id for item in second] == [item.task_id for item in first]
    assert len(fake.created_tasks) == 5
    before = fake.request_counts.copy()
    third = runner.run_many(clips(5), concurrency=2, journal=journal, download_to=out)
    assert states(third) == ["completed"] * 5
    assert fake.request_counts == before  # nothing asked of PiAPI, nothing downloaded
    assert [item.paths for item in third] == [item.paths for item in second]
    # The journal keeps the task (its input is the request's), typed by its model.
    resumed = third[1].task
    assert isinstance(resumed, Sora2Task)
    assert (resumed.input.prompt, resumed.status.value) == ("clip 1", "completed")
    assert resumed.cost_usd == Decimal("0.32")


def test_a_result_file_that_is_gone_is_downloaded_again(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    (item,) = runner.run_many(clips(1), journal=journal, download_to=tmp_path / "out")
    item.paths[0].unlink()
    (again,) = runner.run_many(clips(1), journal=journal, download_to=tmp_path / "out")
    assert again.state is BatchState.COMPLETED
    assert again.paths[0].exists()
    assert len(fake.created_tasks) == 1


def test_a_finished_task_is_downloaded_on_the_next_run(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    fake.faults.add(Fault.http_status(404, body="plain"), endpoint="media", times=1)
    (item,) = runner.run_many(clips(1), journal=journal, download_to=tmp_path)
    assert item.state is BatchState.NOT_DOWNLOADED
    assert item.error is not None
    assert "download" in item.detail
    (again,) = runner.run_many(clips(1), journal=journal, download_to=tmp_path)
    assert again.state is BatchState.COMPLETED
    assert len(fake.created_tasks) == 1


def test_429_and_the_concurrency_limit_slow_the_batch_down_instead_of_failing(
    fake: FakePiAPI, tmp_path: Path, runner: Runner
) -> None:
    # No retries in the client: every refusal reaches the batch.
    runner = Runner(runner.mode, fake, max_retries=0)
    fake.faults.add(Fault.rate_limited(retry_after=2), endpoint="create", nth=[3, 4])
    fake.faults.add(
        Fault.http_status(400, message="You have reached the max concurrent task count"),
        endpoint="create",
        nth=6,
    )
    items = runner.run_many(clips(6), concurrency=4, journal=tmp_path / "j.sqlite")
    assert states(items) == ["completed"] * 6
    assert all(count == 1 for count in fake.create_counts().values())
    assert fake.request_counts["create"] == 9  # 6 tasks, 3 refusals tried again later
    runner.close()


def test_a_create_refused_for_good_leaves_that_item_not_created(
    runner: Runner, fake: FakePiAPI
) -> None:
    requests: list[Any] = clips(2)
    requests.insert(1, TaskRequest(model="sora2", task_type="no-such-type", input={}))
    items = runner.run_many(requests)
    assert states(items) == ["completed", "not_created", "completed"]
    assert items[1].error is not None
    assert "invalid task type" in str(items[1].error)


def test_a_refused_key_stops_creating_and_the_created_go_on(
    fake: FakePiAPI, runner: Runner
) -> None:
    fake.faults.add(Fault.http_status(401), endpoint="create", nth=3)
    items = runner.run_many(clips(5), concurrency=1)
    assert states(items) == ["completed", "completed"] + ["not_created"] * 3
    assert isinstance(items[2].error, AuthenticationError)
    assert "creating stopped: PiAPI refused a create" in items[4].detail
    assert fake.request_counts["create"] == 3


def test_the_clients_spending_limit_stops_creating(runner: Runner, fake: FakePiAPI) -> None:
    limited = Runner(runner.mode, fake, spend_limit_usd=Decimal("0.64"))
    items = limited.run_many(clips(4), concurrency=1)
    assert states(items) == ["completed", "completed", "not_created", "not_created"]
    assert isinstance(items[2].error, SpendLimitError)
    assert "creating stopped" in items[3].detail
    assert fake.request_counts["create"] == 2
    limited.close()


def test_an_item_without_a_price_under_the_spending_limit_is_refused_alone(
    runner: Runner, fake: FakePiAPI
) -> None:
    limited = Runner(runner.mode, fake, spend_limit_usd=Decimal(5))
    unpriced = TaskRequest(model="midjourney", task_type="imagine", input={"prompt": "a cat"})
    items = limited.run_many([clips(1)[0], unpriced, *clips(3)[1:]], concurrency=1)
    assert states(items) == ["completed", "not_created", "completed", "completed"]
    assert isinstance(items[1].error, SpendLimitError)
    limited.close()


def test_max_cost_stops_creating_before_the_estimated_total_would_pass_it(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    items = runner.run_many(clips(5), concurrency=2, journal=journal, max_total_usd=1)
    assert sorted(states(items)) == ["completed"] * 3 + ["not_created"] * 2  # 3 x $0.32
    stopped = next(item for item in items if item.state is BatchState.NOT_CREATED)
    assert "past the cost limit of $1.00" in stopped.detail
    assert len(fake.created_tasks) == 3
    # The limit covers the whole batch: the next run counts what exists already.
    again = runner.run_many(clips(5), journal=journal, max_total_usd=Decimal("1.20"))
    assert sorted(states(again)) == ["completed"] * 3 + ["not_created"] * 2
    more = runner.run_many(clips(5), journal=journal, max_total_usd=2.0)
    assert states(more) == ["completed"] * 5
    assert len(fake.created_tasks) == 5


def test_a_resumed_task_reported_at_zero_counts_its_charge_once_it_ends(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    # A create answered with a $0 charge (a hold, as some published answers show) counts $0;
    # when the task ends charged $0.32, the cap counts $0.32. Before, the resumed item was
    # counted at its estimate, so its charge replaced $0.32 that was never added: $0.96
    # was created under a $0.64 cap.
    journal = tmp_path / "j.sqlite"
    fake.task_duration = 300.0  # still running when the first run stops waiting
    first = runner.run_many(clips(3), concurrency=1, journal=journal, timeout=3, max_total_usd=0.32)
    assert states(first) == ["running", "not_created", "not_created"]
    change(journal, "UPDATE items SET cost_usd = '0' WHERE position = 0")
    second = runner.run_many(clips(3), concurrency=1, journal=journal, max_total_usd=0.64)
    assert states(second) == ["completed", "completed", "not_created"]
    assert second[0].task is not None
    assert second[0].task.cost_usd == Decimal("0.32")
    assert "past the cost limit of $0.64" in second[2].detail
    assert len(fake.created_tasks) == 2


def test_an_unknown_price_counts_by_what_piapi_reports(runner: Runner, fake: FakePiAPI) -> None:
    # Midjourney has no price in the SDK; the fake charges $0.08 per task.
    items = runner.run_many(cats(5), concurrency=5, max_total_usd="0.20")
    # $0.08, $0.16, then $0.16 < $0.20 so one more; never two unknown prices at once.
    assert sorted(states(items)) == ["completed"] * 3 + ["not_created"] * 2
    stopped = next(item for item in items if item.state is BatchState.NOT_CREATED)
    assert "cost limit of $0.20 is reached ($0.24" in stopped.detail
    assert len(fake.created_tasks) == 3


def _answers_without_usage(
    fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch, *, also_done: bool
) -> None:
    """Creates answered with `meta: {}` (PiAPI sends that); with `also_done`, finished tasks
    too, so no charge is ever reported."""
    handle = fake.handle

    def without_usage(method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        response = handle(method, url, headers, body)
        document = json.loads(b"".join(response.iter_body()) or b"null")
        data = document.get("data") if isinstance(document, dict) else None
        if isinstance(data, dict) and (method == "POST" or also_done):
            data["meta"] = {}
            body = json.dumps(document).encode()
            kept = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
            return FakeResponse(response.status, [*kept, ("content-length", str(len(body)))], body)
        return response

    monkeypatch.setattr(fake, "handle", without_usage)


def test_an_unknown_price_counts_the_charge_reported_when_the_task_ends(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: each create counted $0 (meta {}), the charges PiAPI reported on completion
    # never counted: max_cost_usd=0.05 created 10 tasks, $0.80 charged.
    _answers_without_usage(fake, monkeypatch, also_done=False)
    items = runner.run_many(cats(10), concurrency=1, max_total_usd="0.05")
    assert len(fake.created_tasks) == 1  # $0.08 charged when it ended: past the cap
    assert states(items).count("not_created") == 9
    assert "cost limit of $0.05 is reached ($0.08" in items[1].detail


def test_an_unknown_price_never_reported_stops_the_unknown_items_not_the_others(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answers_without_usage(fake, monkeypatch, also_done=True)
    items = runner.run_many([*cats(3), *clips(2)], concurrency=1, max_total_usd=5)
    assert_unknown_price_stop(
        items, ["completed", "not_created", "not_created", "completed", "completed"]
    )
    assert "allow_unknown_price=True" in items[1].detail
    assert len(fake.created_tasks) == 3  # one of unknown price, never created on a guess


def test_an_unknown_price_never_reported_stops_the_unknown_items_of_later_runs_too(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Before: the next run with the journal forgot it, and created the next item of
    # unknown price: each run passed the cap by one more.
    _answers_without_usage(fake, monkeypatch, also_done=True)
    journal = tmp_path / "j.sqlite"
    for _ in range(2):
        items = runner.run_many(cats(2), concurrency=1, max_total_usd=5, journal=journal)
        assert_unknown_price_stop(items, ["completed", "not_created"])
    assert len(fake.created_tasks) == 1
    items = runner.run_many(cats(2), max_total_usd=5, journal=journal, allow_unknown_price=True)
    assert states(items) == ["completed", "completed"]


def test_allow_unknown_price_creates_them_one_at_a_time(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answers_without_usage(fake, monkeypatch, also_done=True)
    items = runner.run_many(cats(3), concurrency=3, max_total_usd=5, allow_unknown_price=True)
    assert states(items) == ["completed"] * 3


RUN_MANY_GUARD = 60.0  # wall-clock seconds: the fake clock makes a good run take well under 1


def run_many_or_fail(runner: Runner, requests: list[Any], **options: Any) -> list[BatchItem]:
    """`runner.run_many(...)` in a thread, failing (not hanging the suite) if it never ends."""
    outcome: list[list[BatchItem] | BaseException] = []

    def call() -> None:
        try:
            outcome.append(runner.run_many(requests, **options))
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(RUN_MANY_GUARD)
    assert outcome, f"run_many hung: no answer after {RUN_MANY_GUARD:.0f} s"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def test_an_unknown_price_failed_at_once_without_a_charge_never_hangs_the_batch(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the create answered with a task failed at once (no credit) and no charge left
    # its price unsettled for good: the next item of unknown price waited forever.
    _answers_without_usage(fake, monkeypatch, also_done=True)
    fake.balance_usd, fake.refuse_unpaid = 0.0, True
    items = run_many_or_fail(runner, cats(2), concurrency=1, max_total_usd=5)
    assert_unknown_price_stop(items, ["failed", "not_created"])
    assert isinstance(items[0].error, TaskFailedError)
    # Allowed, each goes on (and fails at once in turn).
    items = run_many_or_fail(
        runner, cats(2), concurrency=1, max_total_usd=5, allow_unknown_price=True
    )
    assert states(items) == ["failed", "failed"]


def test_an_unknown_price_adopted_from_an_unreadable_answer_never_hangs_the_batch(
    runner: Runner, fake: FakePiAPI
) -> None:
    # Before: the task named by an unreadable answer (here: no status) was followed, but its
    # price was never counted as unsettled: its end left the gate waiting for it, and the
    # next item of unknown price forever.
    handle = fake.handle

    def without_status(method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        response = handle(method, url, headers, body)
        if method == "POST" and b'"cat 0"' in body:
            response.body = response.body.replace(b'"status":"pending",', b"")
        return response

    fake.handle = without_status  # type: ignore[method-assign]
    items = run_many_or_fail(runner, cats(3), concurrency=1, max_total_usd=5)
    assert states(items) == ["completed"] * 3
    assert items[0].task_id == fake.created_tasks[0].task_id  # adopted, not sent again
    assert len(fake.created_tasks) == 3


def test_an_unknown_price_left_uncertain_stops_the_unknown_items_never_hangs(
    runner: Runner, fake: FakePiAPI
) -> None:
    # Before: a create of unknown price that may have reached PiAPI (no answer) stayed
    # unsettled: the next item of unknown price waited forever. Its cost is never known,
    # so the cap cannot be kept: the others of unknown price are not started.
    fake.faults.add(Fault.drop_after(), endpoint="create", nth=1)
    items = run_many_or_fail(runner, [*cats(2), *clips(1)], concurrency=1, max_total_usd=5)
    assert_unknown_price_stop(items, ["uncertain", "not_created", "completed"])
    assert len(fake.created_tasks) == 2


def test_an_unknown_price_given_up_on_stops_the_unknown_items_never_hangs(
    runner: Runner, fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Before: a task of unknown price (no charge at creation) that the batch stopped waiting
    # for (timeout) stayed unsettled: the next item of unknown price waited forever. In a
    # resumed run too, where it is followed again.
    _answers_without_usage(fake, monkeypatch, also_done=False)
    journal = tmp_path / "j.sqlite"
    for _ in range(2):
        items = run_many_or_fail(
            runner, cats(2), concurrency=1, max_total_usd=5, timeout=0.5, journal=journal
        )
        assert_unknown_price_stop(items, ["running", "not_created"])
    assert len(fake.created_tasks) == 1


def test_the_old_name_of_the_batch_cap_is_refused(runner: Runner, fake: FakePiAPI) -> None:
    with pytest.raises(TypeError, match="max_total_usd"):
        runner.run_many(clips(1), max_cost_usd=1)
    assert fake.requests == []


def test_on_result_is_called_once_per_item(runner: Runner, tmp_path: Path) -> None:
    seen: list[tuple[int, str]] = []
    items = runner.run_many(
        clips(4),
        concurrency=2,
        on_result=lambda item: seen.append((item.position, item.state.value)),
    )
    assert sorted(seen) == [(n, "completed") for n in range(4)]
    assert len(items) == 4


@pytest.mark.parametrize("mode", ["asyncio", "trio"])
def test_async_on_result_may_be_a_coroutine_function(mode: str, fake: FakePiAPI) -> None:
    seen: list[int] = []

    inside = [0]

    async def on_result(item: BatchItem) -> None:
        inside[0] += 1
        assert inside[0] == 1, "on_result runs one at a time"
        await anyio.lowlevel.checkpoint()  # another item's result may come meanwhile
        seen.append(item.position)
        inside[0] -= 1

    runner = Runner(mode, fake)
    runner.run_many(clips(3), on_result=on_result)
    assert sorted(seen) == [0, 1, 2]


def test_sync_on_result_must_not_be_a_coroutine_function(fake: FakePiAPI) -> None:
    async def on_result(item: BatchItem) -> None: ...

    with pytest.raises(TypeError, match="plain function"):
        Runner("sync", fake).run_many(clips(1), on_result=on_result)
    assert fake.requests == []


def test_a_sync_on_result_that_returns_an_awaitable_stops_the_batch(fake: FakePiAPI) -> None:
    async def report(item: BatchItem) -> None: ...

    def on_result(item: BatchItem) -> Any:
        return report(item)  # a plain function that forgot the coroutine it made

    with pytest.raises(TypeError, match="on_result returned an awaitable"):
        Runner("sync", fake).run_many(clips(1), on_result=on_result)


def test_an_error_in_on_result_stops_the_batch_and_is_raised(
    runner: Runner, fake: FakePiAPI
) -> None:
    def broken(item: BatchItem) -> None:
        raise RuntimeError("my callback is broken")

    with pytest.raises(RuntimeError, match="my callback is broken"):
        runner.run_many(clips(6), concurrency=2, on_result=broken)
    assert len(fake.created_tasks) < 6


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"concurrency": 0}, "concurrency must be a whole number of at least 1"),
        ({"concurrency": 2.5}, "concurrency must be a whole number"),
        ({"timeout": 0}, "timeout must be > 0 seconds"),
        ({"timeout": float("nan")}, "timeout must be a finite number of seconds"),
        ({"max_total_usd": -1}, "max_total_usd must be a finite amount of 0 or more"),
        ({"max_total_usd": "lots"}, "max_total_usd must be an amount in USD"),
        ({"resolve": {7: "t"}}, "there is no item 7"),
        ({"resolve": {0: " "}}, "item 0 needs a task id"),
        ({"resolve": {0: "../x"}}, "item 0: task_id must not contain '/'"),
        ({"resolve": {0: ".."}}, "item 0: task_id cannot be '..'"),
        ({"resolve": {0: "t-1"}}, "item 0 is not_created, not uncertain"),
    ],
)
def test_bad_options_are_refused_before_anything_is_sent(
    runner: Runner, fake: FakePiAPI, tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        runner.run_many(clips(2), journal=tmp_path / "j.sqlite", **options)
    assert fake.requests == []


def test_what_is_not_a_request_is_refused_before_anything_is_sent(
    runner: Runner, fake: FakePiAPI
) -> None:
    with pytest.raises(TypeError, match="not dict"):
        runner.run_many([Sora2VideoInput(prompt="a"), {"prompt": "b"}])
    assert fake.requests == []


def test_a_journal_of_other_requests_is_refused_before_anything_is_sent(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    runner.run_many(clips(2), journal=journal)
    sent = len(fake.requests)
    with pytest.raises(BatchJournalError, match="request 1 was sora2/sora2-video 'clip 1'"):
        runner.run_many([*clips(1), Sora2VideoInput(prompt="something else")], journal=journal)
    assert len(fake.requests) == sent


def test_a_create_sent_before_a_crash_is_uncertain_on_the_next_run(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    runner.run_many(clips(2), journal=journal)
    # What a crash right after "sending" was written leaves behind.
    change(journal, "UPDATE items SET phase = 'sending', task_id = NULL WHERE position = 1")
    items = runner.run_many(clips(2), journal=journal)
    assert states(items) == ["completed", "uncertain"]
    assert "stopped before PiAPI's answer was recorded" in items[1].detail
    assert len(fake.created_tasks) == 2


def test_a_create_refused_with_a_failed_task_is_a_failed_item_with_its_reason(
    runner: Runner, fake: FakePiAPI
) -> None:
    # $1 of credit: three $0.32 videos are paid, the fourth is refused as PiAPI
    # refuses it: code 500 around a task that failed at once, saying why.
    fake.balance_usd, fake.refuse_unpaid = 1.0, True
    items = runner.run_many(clips(4), concurrency=1)
    assert states(items) == ["completed"] * 3 + ["failed"]
    failed = items[3]
    assert isinstance(failed.error, TaskFailedError)
    assert failed.task is not None
    assert failed.task.status is TaskStatus.FAILED
    assert failed.task_id == failed.task.task_id
    assert "account credit not enough" in str(failed.error)
    assert failed.error.task_may_exist is False
    assert len(fake.created_tasks) == 4  # none sent twice


def answer_clip_1_with_a_slash_in_its_id(fake: FakePiAPI, *, garbled: bool) -> None:
    """PiAPI answers the create of "clip 1" with a task id holding a '/' (which cannot name a
    task in a URL); `garbled`: without a status too (the id is adopted from the error)."""
    handle = fake.handle

    def answer(method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        response = handle(method, url, headers, body)
        if method == "POST" and b'"clip 1"' in body:
            (task,) = [task for task in fake.created_tasks if task.prompt == "clip 1"]
            task_id = task.task_id.encode()
            response.body = response.body.replace(task_id, task_id + b"/../x")
            if garbled:
                response.body = response.body.replace(b'"status":"pending",', b"")
            response.headers = [("content-type", "application/json")]
        return response

    fake.handle = answer  # type: ignore[method-assign]


@pytest.mark.parametrize("garbled", [False, True], ids=["answer", "adopted"])
def test_a_task_id_that_cannot_be_followed_fails_its_item_only(
    runner: Runner, fake: FakePiAPI, tmp_path: Path, garbled: bool
) -> None:
    answer_clip_1_with_a_slash_in_its_id(fake, garbled=garbled)
    journal = tmp_path / "j.sqlite"
    items = runner.run_many(clips(3), journal=journal)
    assert states(items) == ["completed", "failed", "completed"]
    (task,) = [task for task in fake.created_tasks if task.prompt == "clip 1"]
    bad_id = f"{task.task_id}/../x"
    assert bad_id in items[1].detail
    assert "task history" in items[1].detail
    assert items[1].error is not None
    assert bad_id in str(items[1].error)
    # Its money is noted: the estimate counts against a cost limit in every later run.
    again = runner.run_many(clips(3), journal=journal)
    assert states(again) == ["completed", "failed", "completed"]
    assert bad_id in again[1].detail
    assert len(fake.created_tasks) == 3
    db = sqlite3.connect(journal)
    (cost,) = db.execute("SELECT cost_usd FROM items WHERE position = 1").fetchone()
    db.close()
    assert cost == "0.32"


def test_a_task_failed_at_once_whose_id_cannot_be_followed_keeps_no_bad_id(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    # Before: the item was recorded failed without its unfollowable id, then the task was
    # journaled with that id all the same: the next run loaded the bad id back into
    # `item.task`, and the reason shown changed from one run to the next.
    fake.balance_usd, fake.refuse_unpaid = 0.5, True  # clip 0 is paid, clip 1 failed at once
    answer_clip_1_with_a_slash_in_its_id(fake, garbled=False)
    journal = tmp_path / "j.sqlite"
    first = runner.run_many(clips(2), journal=journal)
    again = runner.run_many(clips(2), journal=journal)
    (task,) = [task for task in fake.created_tasks if task.prompt == "clip 1"]
    bad_id = f"{task.task_id}/../x"
    for items in (first, again):
        assert states(items) == ["completed", "failed"]
        assert items[1].task is None
        assert items[1].task_id is None
        assert bad_id in items[1].detail
        assert "task history" in items[1].detail
    db = sqlite3.connect(journal)
    (recorded,) = db.execute("SELECT task FROM items WHERE position = 1").fetchone()
    db.close()
    assert recorded is None
    assert len(fake.created_tasks) == 2


def test_a_journaled_task_id_that_cannot_be_followed_fails_its_item_only(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    runner.run_many(clips(2), journal=journal, timeout=0.5)  # created, not finished
    change(journal, "UPDATE items SET task_id = 'a/b' WHERE position = 1")  # unchecked, as before
    items = runner.run_many(clips(2), journal=journal)
    assert states(items) == ["completed", "failed"]
    assert "'a/b'" in items[1].detail
    assert len(fake.created_tasks) == 2


def test_file_names_prompt_names_results_by_position_and_prompt(
    runner: Runner, fake: FakePiAPI, tmp_path: Path
) -> None:
    requests: list[Any] = [
        *clips(11),
        TaskRequest(
            model="gemini",
            task_type="nano-banana-pro",
            input={"prompt": "Two foxes", "num_images": 2},
        ),
    ]
    out = tmp_path / "out"
    items = runner.run_many(requests, download_to=out, file_names="prompt")
    assert states(items) == ["completed"] * 12
    assert items[0].paths == [out / "00-clip-0.mp4"]  # padded to the last position's width
    assert items[10].paths == [out / "10-clip-10.mp4"]
    assert items[11].paths == [out / "11-two-foxes-1.png", out / "11-two-foxes-2.png"]
    assert all(path.stat().st_size for item in items for path in item.paths)


def test_file_names_given_one_per_request(runner: Runner, fake: FakePiAPI, tmp_path: Path) -> None:
    journal, out = tmp_path / "j.sqlite", tmp_path / "out"
    names = ["fox", "boat"]
    items = runner.run_many(clips(2), journal=journal, download_to=out, file_names=names)
    assert [item.paths for item in items] == [[out / "fox.mp4"], [out / "boat.mp4"]]
    (out / "boat.mp4").unlink()
    items = runner.run_many(clips(2), journal=journal, download_to=out, file_names=names)
    assert [item.paths for item in items] == [[out / "fox.mp4"], [out / "boat.mp4"]]
    assert (out / "boat.mp4").exists()  # downloaded again under its name
    assert len(fake.created_tasks) == 2


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (["a"], "expected 2 names, one per request (got 1)"),
        (["a", "A"], "names 0 and 1 ('A') are the same file"),
        (["a", "../b"], "name 1 ('../b') is not a plain file name"),
        (["", "b"], "name 0 ('') is not a plain file name"),
        ("names", 'a list of 2 names, one per request, or "prompt"'),
    ],
)
def test_file_names_are_checked_before_anything_is_sent(
    runner: Runner, fake: FakePiAPI, tmp_path: Path, names: Any, words: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        runner.run_many(clips(2), download_to=tmp_path, file_names=names)
    assert fake.requests == []
