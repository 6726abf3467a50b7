"""Batch items claimed by many workers: each claim committed before the create is sent, a
worker's lease, items of a worker that is gone, and the batch's shared cost cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _children import Child, release, run_together
from _store_clock import FakeClock

from piapi import SpendLimitError
from piapi.stores import ItemState, LeaseLostError, Store, StoreError, batch_budget, open_store

PRICE = Decimal("0.32")


def states(store: Store, batch: str = "b") -> list[str]:
    return [item.state.value for item in store.batch_items(batch)]


def test_claims_go_in_order_and_are_committed_as_sending(store: Store, clock: FakeClock) -> None:
    store.open_batch("b", "fp", [PRICE] * 3)
    worker = store.register_worker("w1")
    claim = store.claim_next("b", worker)
    assert claim is not None
    assert (claim.position, claim.worker, claim.task_id, claim.estimate_usd) == (
        0,
        "w1",
        None,
        PRICE,
    )
    [first, *_] = store.batch_items("b")
    assert (first.state, first.owner, first.sent_at) == (ItemState.SENDING, "w1", clock.now)
    assert store.spent(batch_budget("b")) == PRICE  # its price is reserved
    assert states(store) == ["sending", "new", "new"]


def test_an_item_goes_from_sending_to_created_to_saved(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE])
    claim = store.claim_next("b", store.register_worker())
    assert claim is not None
    store.record_created(claim, "task-1", charged_usd=Decimal("0.30"))
    store.record_result(claim, "/videos/task-1.mp4", host="render-1")
    [item] = store.batch_items("b")
    assert (item.state, item.task_id, item.result_path, item.result_host) == (
        ItemState.SAVED,
        "task-1",
        "/videos/task-1.mp4",
        "render-1",
    )
    assert store.spent(batch_budget("b")) == Decimal("0.30")
    assert store.claim_next("b", claim.worker) is None


def test_a_create_not_sent_makes_the_item_new_again_and_releases_its_price(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE])
    worker = store.register_worker()
    claim = store.claim_next("b", worker)
    assert claim is not None
    store.record_not_sent(claim, "429: too many tasks")
    assert states(store) == ["new"]
    assert store.spent(batch_budget("b")) == 0
    again = store.claim_next("b", worker)
    assert again is not None
    assert again.position == 0


def test_an_uncertain_item_is_never_claimed_until_someone_settles_it(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE, PRICE])
    worker = store.register_worker()
    claim = store.claim_next("b", worker)
    assert claim is not None
    store.record_uncertain(claim, "the connection dropped after sending")
    nxt = store.claim_next("b", worker)
    assert nxt is not None
    assert nxt.position == 1
    assert store.claim_next("b", worker) is None
    assert store.spent(batch_budget("b")) == 2 * PRICE  # the uncertain price still counts
    store.retry_uncertain("b", 0)
    assert store.spent(batch_budget("b")) == PRICE
    retried = store.claim_next("b", worker)
    assert retried is not None
    assert retried.position == 0


def test_an_uncertain_item_resolved_by_hand_is_followed_by_a_worker(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE])
    worker = store.register_worker()
    claim = store.claim_next("b", worker)
    assert claim is not None
    store.record_uncertain(claim, "timeout")
    store.resolve_uncertain("b", 0, "task-found")
    follow = store.claim_next("b", worker)
    assert follow is not None
    assert (follow.position, follow.task_id) == (0, "task-found")


def test_a_late_answer_turns_an_uncertain_item_into_a_created_one(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE])
    claim = store.claim_next("b", store.register_worker())
    assert claim is not None
    store.record_uncertain(claim, "timeout")
    store.record_created(claim, "task-late")
    assert states(store) == ["created"]


def test_moves_from_the_wrong_state_are_refused(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE])
    claim = store.claim_next("b", store.register_worker())
    assert claim is not None
    with pytest.raises(StoreError, match="is sending, not created or saved"):
        store.record_result(claim, "/x.mp4")
    with pytest.raises(StoreError, match="is sending, not uncertain"):
        store.retry_uncertain("b", 0)
    with pytest.raises(StoreError, match="does not exist"):
        store.resolve_uncertain("b", 7, "t")
    store.record_created(claim, "task-1")
    store.record_failed(claim, "PiAPI failed the task")
    assert states(store) == ["failed"]


def test_a_batch_is_joined_only_with_the_same_requests(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE] * 2)
    store.open_batch("b", "fp", [PRICE] * 2)  # a second worker joins
    with pytest.raises(StoreError, match="exists with other requests"):
        store.open_batch("b", "other", [PRICE] * 2)
    with pytest.raises(StoreError, match="exists with other requests"):
        store.open_batch("b", "fp", [PRICE] * 3)
    assert states(store) == ["new", "new"]


def test_the_cost_cap_stops_claims_before_the_total_would_pass_it(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE] * 5, cap_usd=1)
    worker = store.register_worker()
    for _ in range(3):
        claim = store.claim_next("b", worker)
        assert claim is not None
    with pytest.raises(SpendLimitError):
        store.claim_next("b", worker)
    assert states(store) == ["sending"] * 3 + ["new"] * 2
    store.open_batch("b", "fp", [PRICE] * 5, cap_usd=2)  # run again with a higher cap
    assert store.claim_next("b", worker) is not None


def test_an_item_without_a_price_is_refused_under_a_cap(store: Store) -> None:
    store.open_batch("b", "fp", [None], cap_usd=1)
    with pytest.raises(SpendLimitError, match="no estimated price"):
        store.claim_next("b", store.register_worker())
    store.open_batch("b", "fp", [None])  # no cap: it is claimed, its charge counted later
    claim = store.claim_next("b", store.register_worker())
    assert claim is not None
    store.record_created(claim, "t", charged_usd=Decimal("0.50"))
    assert store.spent(batch_budget("b")) == Decimal("0.50")


def test_a_worker_whose_lease_ran_out_may_not_claim(store: Store, clock: FakeClock) -> None:
    store.open_batch("b", "fp", [PRICE])
    worker = store.register_worker(lease_seconds=30)
    clock.now += 20
    assert store.heartbeat(worker) is True
    clock.now += 40  # 40 s since the last heartbeat
    assert store.heartbeat(worker) is False
    with pytest.raises(LeaseLostError):
        store.claim_next("b", worker)
    assert store.heartbeat("never-registered") is False


def test_a_sending_item_whose_worker_is_gone_becomes_uncertain(
    store: Store, clock: FakeClock
) -> None:
    store.open_batch("b", "fp", [PRICE] * 3)
    gone = store.register_worker("gone", lease_seconds=30)
    sending = store.claim_next("b", gone)
    created = store.claim_next("b", gone)
    assert sending is not None
    assert created is not None
    store.record_created(created, "task-1")
    clock.now += 31
    other = store.register_worker("other")
    follow = store.claim_next("b", other)  # the created task first: follow it
    assert follow is not None
    assert (follow.position, follow.task_id, follow.worker) == (1, "task-1", "other")
    new = store.claim_next("b", other)
    assert new is not None
    assert new.position == 2
    assert store.claim_next("b", other) is None  # never the uncertain one
    items = store.batch_items("b")
    assert (items[0].state, items[0].owner) == (ItemState.UNCERTAIN, None)
    assert "stopped while sending" in (items[0].detail or "")
    assert store.spent(batch_budget("b")) == 3 * PRICE


def test_a_retired_worker_hands_its_items_over_at_once(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE] * 2)
    worker = store.register_worker()
    first = store.claim_next("b", worker)
    assert first is not None
    store.record_created(first, "task-1")
    assert store.claim_next("b", worker) is not None
    store.retire_worker(worker)
    assert [(i.state, i.owner) for i in store.batch_items("b")] == [
        (ItemState.CREATED, None),
        (ItemState.UNCERTAIN, None),
    ]


def test_workers_in_separate_processes_take_every_item_exactly_once(store_url: str) -> None:
    with open_store(store_url) as store:
        store.open_batch("big", "fp", [Decimal("0.01")] * 60)
    results = run_together([["work", store_url, "big"] for _ in range(4)])
    done = sorted(position for result in results for position in result)
    assert done == list(range(60))
    with open_store(store_url) as store:
        assert states(store, "big") == ["saved"] * 60
        assert store.spent(batch_budget("big")) == Decimal("0.60")


def test_a_worker_killed_after_its_claim_leaves_an_uncertain_item(store_url: str) -> None:
    with open_store(store_url) as store:
        store.open_batch("b", "fp", [PRICE, PRICE])
    child = Child("hold", store_url, "b")
    try:
        assert release([child]) == [0]  # committed as sending: now it would send the create
    finally:
        child.kill()
    later = FakeClock(FakeClock().now + 10 * 365 * 86400)  # long after its lease ran out
    with open_store(store_url, clock=later) as store:
        worker = store.register_worker()
        claim = store.claim_next("b", worker)
        assert claim is not None
        assert claim.position == 1
        assert store.claim_next("b", worker) is None
        assert states(store) == ["uncertain", "sending"]


def test_a_refused_create_is_final_without_a_task_and_its_price_released(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE] * 2)
    claim = store.claim_next("b", store.register_worker())
    assert claim is not None
    store.record_refused(claim, "400: prompt too long")
    [item, _] = store.batch_items("b")
    assert (item.state, item.task_id, item.owner, item.detail) == (
        ItemState.FAILED,
        None,
        None,
        "400: prompt too long",
    )
    assert store.spent(batch_budget("b")) == 0
    following = store.claim_next("b", claim.worker)
    assert following is not None
    assert following.position == 1  # never claimed again


def test_a_completed_task_with_nothing_to_save_is_saved_without_a_path(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE])
    claim = store.claim_next("b", store.register_worker())
    assert claim is not None
    store.record_created(claim, "task-1")
    store.record_result(claim, None, charged_usd=PRICE)
    [item] = store.batch_items("b")
    assert (item.state, item.result_path) == (ItemState.SAVED, None)


def test_held_items_are_those_a_worker_sends_or_follows(store: Store) -> None:
    store.open_batch("b", "fp", [PRICE] * 3)
    worker = store.register_worker("w1")
    created, sending = store.claim_next("b", worker), store.claim_next("b", worker)
    assert created is not None
    assert sending is not None
    store.record_created(created, "task-1")
    assert sorted(store.held_items("b")) == [("created", "w1"), ("sending", "w1")]
    store.record_result(created, "/x.mp4")
    store.record_uncertain(sending, "no answer")
    assert store.held_items("b") == []
