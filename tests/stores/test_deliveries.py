"""Webhook de-duplication: each key is claimed once across every process using the store,
and keys are forgotten after the retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from _children import run_together
from _store_clock import FakeClock

from piapi import webhooks
from piapi.stores import Store, open_store
from piapi.testing import webhook_delivery

SECRET = "a-long-random-webhook-secret"

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


def deliveries(count: int) -> list[str]:
    """PiAPI's calls for `count` tasks (processing, then completed), as body texts."""
    bodies = []
    for number in range(count):
        for status, at in (("processing", 1_780_000_000), ("completed", 1_780_000_100)):
            task = {"task_id": f"task-{number}", "model": "sora2", "status": status}
            bodies.append(webhook_delivery(task, secret=SECRET, timestamp=at).body.decode())
    return bodies


def test_two_receivers_getting_the_same_deliveries_act_on_each_once(store_url: str) -> None:
    bodies = deliveries(10)
    redelivered = bodies + bodies[::2]  # PiAPI retries some calls
    first, second = run_together(
        [["receive", store_url, store_url, SECRET, *redelivered] for _ in range(2)]
    )
    keys = [webhooks.parse_unverified(body).dedup_key for body in bodies]
    assert sorted(first + second) == sorted(keys)  # each once, by one of the two


def test_the_deduplicator_takes_events_or_keys_and_remembers_them(store_url: str) -> None:
    event = webhooks.parse_unverified(deliveries(1)[0])
    with webhooks.Deduplicator(store_url) as dedup, webhooks.Deduplicator(store_url) as other:
        assert dedup.first_delivery(event) is True
        assert other.first_delivery(event) is False
        assert other.first_delivery(event.dedup_key) is False
        assert dedup.first_delivery("another-key") is True


@pytest.mark.anyio
async def test_async_receivers_check_in_a_worker_thread(store_url: str) -> None:
    event = webhooks.parse_unverified(deliveries(1)[0])
    with webhooks.Deduplicator(store_url) as dedup:
        assert await dedup.afirst_delivery(event) is True
        assert await dedup.afirst_delivery(event) is False


def test_an_open_store_is_used_and_left_open(store: Store, clock: FakeClock) -> None:
    dedup = webhooks.Deduplicator(store)
    assert dedup.first_delivery("k") is True
    dedup.close()
    assert store.claim_delivery("k") is False  # still open, same keys
    clock.now += 8 * DAY
    assert store.prune_deliveries() == 1  # the default retention: 7 days


def test_the_default_store_and_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIAPI_STORE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with webhooks.Deduplicator() as dedup:
        assert dedup.first_delivery("k") is True
    assert (tmp_path / "data" / "piapi" / "store.sqlite").is_file()
    url = "postgresql://piapi:s3cret-pw@db.internal/piapi"
    assert "s3cret-pw" not in repr(webhooks.Deduplicator(url))  # nothing opened yet
    with pytest.raises(ValueError, match="unknown store URL scheme") as refused:
        webhooks.Deduplicator("mysql://u:s3cret-pw@h/db")
    assert "s3cret-pw" not in str(refused.value)
