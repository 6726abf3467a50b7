"""`client.account`: both spellings of the account read leniently (tables), then info and
active tasks on the sync, asyncio and trio clients, against answers and the fake."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from _support import Api, fake_handler
from piapi import (
    AccountInfo,
    ActiveTaskCounts,
    ActiveTasks,
    APIResponseValidationError,
    AuthenticationError,
    InternalServerError,
)
from piapi._core.account import account_info_from, active_tasks_from
from piapi.testing import FakePiAPI

D = Decimal
MakeApi = Callable[..., Api]

CURRENT = {  # PiAPI's CLI, src/types/api.ts (current)
    "id": 1234,
    "name": "studio",
    "plan": "creator",
    "type": "user",
    "is_enable": True,
    "credit_pack_info": {
        "available_credits": 8000,
        "used_credits": 2000,
        "total_credits": 10000,
        "frozen_credits": 150,
    },
    "equivalent_in_usd": 80.5,
}
LEGACY = {  # the same file, an older version
    "account_id": "acc-1234",
    "account_name": "studio",
    "remaining_credits": 8000,
    "quota_used": 2000,
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            CURRENT,
            AccountInfo(
                account_id="1234",
                account_name="studio",
                plan="creator",
                credits_available=D(8000),
                credits_used=D(2000),
                credits_total=D(10000),
                credits_frozen=D(150),
                balance_usd=D("80.5"),
            ),
        ),
        (
            LEGACY,  # no plan, no USD value; the total is used + available
            AccountInfo(
                account_id="acc-1234",
                account_name="studio",
                credits_available=D(8000),
                credits_used=D(2000),
                credits_total=D(10000),
            ),
        ),
        (
            # Numbers as text, odd types, a null pack: read what can be read, never fail.
            {
                "id": "77",
                "name": ["not", "text"],
                "plan": 3,
                "credit_pack_info": None,
                "remaining_credits": "12.5",
                "quota_used": True,
                "equivalent_in_usd": "NaN",
            },
            AccountInfo(account_id="77", plan="3", credits_available=D("12.5")),
        ),
        (
            # The newer spelling wins where both are sent.
            {**LEGACY, **CURRENT},
            AccountInfo(
                account_id="1234",
                account_name="studio",
                plan="creator",
                credits_available=D(8000),
                credits_used=D(2000),
                credits_total=D(10000),
                credits_frozen=D(150),
                balance_usd=D("80.5"),
            ),
        ),
        ({}, AccountInfo()),
        (
            {"credit_pack_info": {"available_credits": "lots", "used_credits": 5}},
            AccountInfo(credits_used=D(5)),  # no total: one of its two parts is unknown
        ),
    ],
    ids=["current", "legacy", "odd types", "both", "empty", "partial"],
)
def test_account_info_reads_both_spellings_leniently(
    data: dict[str, Any], expected: AccountInfo
) -> None:
    info = account_info_from(data)
    assert info.model_dump(exclude={"raw"}) == expected.model_dump(exclude={"raw"})
    assert info.raw == data  # what PiAPI sent, for anything the SDK does not read
    assert "raw" not in repr(info)


@pytest.mark.parametrize(
    ("data", "by_provider"),
    [
        (
            {
                "kling": {"staged_count": 1, "pending_count": 2, "processing_count": 3},
                "sora2": {"pending_count": "1", "active_tasks": ["t1"]},
            },
            {
                "kling": ActiveTaskCounts(staged=1, pending=2, processing=3),
                "sora2": ActiveTaskCounts(pending=1),
            },
        ),
        (  # totals without providers
            {"staged_count": 0, "pending_count": 4, "processing_count": 1},
            {"all": ActiveTaskCounts(pending=4, processing=1)},
        ),
        (  # junk is skipped or read as 0, never an error
            {
                "kling": {"pending_count": -2, "processing_count": "x", "staged_count": None},
                "broken": "not an object",
                "luma": {"processing_count": 2.0},
            },
            {"kling": ActiveTaskCounts(), "luma": ActiveTaskCounts(processing=2)},
        ),
        ({}, {}),
    ],
    ids=["per provider", "flat", "junk", "none"],
)
def test_active_tasks_are_read_per_provider(
    data: dict[str, Any], by_provider: dict[str, ActiveTaskCounts]
) -> None:
    active = active_tasks_from(data)
    assert active.by_provider == by_provider
    assert active.total == sum(counts.total for counts in by_provider.values())


def test_active_task_totals_add_up_across_providers() -> None:
    active = ActiveTasks(
        by_provider={
            "kling": ActiveTaskCounts(staged=1, pending=2, processing=3),
            "luma": ActiveTaskCounts(pending=1, processing=1),
        }
    )
    assert (active.staged, active.pending, active.processing, active.total) == (1, 3, 4, 8)


def envelope(data: object, code: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": code, "data": data, "message": "success"})

    return handle


@pytest.mark.parametrize("data", [CURRENT, LEGACY], ids=["current", "legacy"])
def test_info_sends_the_key_to_the_api_and_reads_the_account(
    make_api: MakeApi, data: dict[str, Any]
) -> None:
    api = make_api(envelope(data))
    info = api("account.info")
    assert isinstance(info, AccountInfo)
    assert info.account_name == "studio"
    assert info.credits_available == D(8000)
    (request,) = api.requests
    assert (request.method, str(request.url)) == ("GET", "https://api.piapi.ai/account/info")
    assert request.headers["x-api-key"]


def test_active_tasks_reads_the_counts(make_api: MakeApi) -> None:
    data = {"kling": {"staged_count": 1, "pending_count": 0, "processing_count": 2}}
    api = make_api(envelope(data))
    active = api("account.active_tasks")
    assert (active.staged, active.processing, active.total) == (1, 2, 3)
    assert api.requests[0].url.path == "/account/active_tasks"


def test_no_active_tasks_may_come_as_null(make_api: MakeApi) -> None:
    assert make_api(envelope(None))("account.active_tasks").total == 0


@pytest.mark.parametrize(
    ("handler", "error", "words"),
    [
        (envelope(None), APIResponseValidationError, "has no account in `data`"),
        (envelope(["a", "list"]), APIResponseValidationError, "has no account in `data`"),
        (
            lambda request: httpx.Response(200, text="<html>proxy</html>"),
            APIResponseValidationError,
            "not JSON",
        ),
        (
            lambda request: httpx.Response(401, json={"code": 401, "message": "invalid key"}),
            AuthenticationError,
            "invalid key",
        ),
        (envelope(None, code=500), InternalServerError, "PiAPI error"),
    ],
    ids=["null", "list", "html", "401", "error in 200"],
)
def test_info_errors(
    make_api: MakeApi,
    handler: Callable[[httpx.Request], httpx.Response],
    error: type[Exception],
    words: str,
) -> None:
    api = make_api(handler, max_retries=0)
    with pytest.raises(error, match=words):
        api("account.info")


def test_active_tasks_refuses_an_answer_that_is_not_counts(make_api: MakeApi) -> None:
    api = make_api(envelope("busy"))
    with pytest.raises(APIResponseValidationError, match="no task counts"):
        api("account.active_tasks")


def test_the_fake_counts_its_own_tasks_and_takes_their_cost(make_api: MakeApi) -> None:
    fake = FakePiAPI(api_key=None, queue_delay=5, task_duration=10, balance_usd=10)
    api = make_api(fake_handler(fake))
    assert api("account.active_tasks").total == 0
    first = api("sora2.create", prompt="a")
    api("sora2.create", prompt="b")
    kling = api("tasks.create", model="kling", task_type="video_generation", input={"prompt": "c"})
    fake.start(first.task_id)
    fake.set_status(kling.task_id, "staged")
    active = api("account.active_tasks")
    assert active.by_provider == {
        "sora2": ActiveTaskCounts(pending=1, processing=1),
        "kling": ActiveTaskCounts(staged=1),
    }
    info = api("account.info")
    # Sora 2 is charged at creation ($0.32 each); Kling's $0.50 is held until it completes.
    assert (info.credits_used, info.credits_frozen) == (D(64), D(50))
    assert info.balance_usd == D("8.86")
    assert info.plan == "creator"


def test_the_fake_speaks_the_older_spelling_too(make_api: MakeApi) -> None:
    fake = FakePiAPI(api_key=None, account_shape="legacy")
    info = make_api(fake_handler(fake))("account.info")
    assert (info.account_id, info.account_name) == ("4242", "fake-account")
    assert info.credits_available == D(10000)
    assert "remaining_credits" in info.raw


def test_the_fake_refuses_account_calls_without_the_key(make_api: MakeApi) -> None:
    api = make_api(fake_handler(FakePiAPI(api_key="another")), max_retries=0)
    with pytest.raises(AuthenticationError):
        api("account.info")
    with pytest.raises(AuthenticationError):
        api("account.active_tasks")


@pytest.mark.parametrize("count", ["1e999999", "1e9999", 10**30, "9" * 5000, -3])
def test_a_count_of_absurd_size_is_unreadable_not_computed(count: object) -> None:
    # Before: "1e999999" took ~25 s of CPU (int(Decimal(...))), "1e9999" raised a bare
    # ValueError (Python's limit on digits).
    active = active_tasks_from({"kling": {"staged_count": count, "pending_count": 2}})
    assert (active.staged, active.pending) == (0, 2)


@pytest.mark.parametrize("amount", ["1e99999", "-1e30", "1e26", "9" * 100])
def test_a_balance_of_absurd_size_is_not_reported(amount: str) -> None:
    info = account_info_from({"name": "x", "equivalent_in_usd": amount})
    assert info.balance_usd is None
