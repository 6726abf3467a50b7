"""Webhook de-duplication: each key is claimed once across every process using the store,
and keys are forgotten after the retention."""

from __future__ import annotations

from datetime import timedelta

from _children import run_together

from conftest import FakeClock
from piapi.stores import Store, open_store

DAY = 86400.0


def test_a_key_is_claimed_exactly_once(store: Store) -> None:
    assert store.claim_delivery("task-1:completed:1780000000") is True
    assert store.claim_delivery("task-1:completed:1780000000") is False
    assert store.claim_delivery("task-1:processing:1779999990") is True


def test_keys_older_than_the_retention_are_pruned(store: Store, clock: FakeClock) -> None:
    store.claim_delivery("old")
    clock.now += 6 * DAY
    store.claim_delivery("recent")
    assert store.prune_deliveries() == 0
    clock.now += 1.5 * DAY  # "old" is 7.5 days old, "recent" 1.5 days
    assert store.prune_deliveries() == 1
    assert store.claim_delivery("old") is True  # forgotten: a delivery this late acts again
    assert store.claim_delivery("recent") is False


def test_the_retention_is_an_option(store_url: str, clock: FakeClock) -> None:
    with open_store(store_url, clock=clock, delivery_retention=timedelta(hours=1)) as store:
        store.claim_delivery("k")
        clock.now += 2 * 3600
        assert store.prune_deliveries() == 1


def test_claims_prune_old_keys_by_themselves(store: Store, clock: FakeClock) -> None:
    store.claim_delivery("first")  # the first claim of a store object prunes
    clock.now += 8 * DAY
    for number in range(256):
        store.claim_delivery(f"k{number}")  # the 257th claim prunes again
    assert store.prune_deliveries() == 0
    assert store.claim_delivery("first") is True


def test_processes_racing_for_the_same_keys_each_win_a_key_once(store_url: str) -> None:
    keys = [f"task-{number}:completed:1" for number in range(40)]
    results = run_together([["claim", store_url, *keys] for _ in range(6)])
    won = [key for result in results for key in result]
    assert sorted(won) == sorted(keys)
