"""The spending limit: the pure ledger by tables, then every create path on the sync, asyncio
and trio clients, and concurrent creates (threads, tasks) that never pass the limit."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from _support import Api, fake_handler, ok, task_envelope
from piapi import (
    APIConnectionError,
    AsyncPiAPIClient,
    BadRequestError,
    InternalServerError,
    PiAPIClient,
    PiAPIError,
    Sora2VideoInput,
    SpendLimitError,
    TaskRequest,
)
from piapi._core.checks import usd_amount
from piapi._core.protocol import CreateCost
from piapi._core.spending import ReservationState, SpendLedger, reservation_amount, settled_amount
from piapi._core.text import format_usd
from piapi.kling import KlingVideoInput
from piapi.testing import FakePiAPI, FakePiAPIServer

D = Decimal
MakeApi = Callable[..., Api]

# --- pure decisions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (5, D("5")),
        (0, D("0")),
        (0.1, D("0.1")),  # the float's shortest text, not its binary expansion
        (1.25, D("1.25")),
        ("0.50", D("0.50")),
        (D("2.00"), D("2.00")),
    ],
)
def test_usd_amount_reads_what_callers_write(value: Any, expected: Decimal | None) -> None:
    assert usd_amount("spend_limit_usd", value) == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-1, ValueError),
        ("-0.01", ValueError),
        ("abc", ValueError),
        ("NaN", ValueError),
        (float("inf"), ValueError),
        (D("sNaN"), ValueError),
        (True, TypeError),
        ([1], TypeError),
    ],
)
def test_usd_amount_refuses_what_is_not_an_amount(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="spend_limit_usd must be"):
        usd_amount("spend_limit_usd", value)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(D("0.32"), "$0.32"), (D(5), "$5.00"), (D("0.0035"), "$0.0035"), (D("1.5"), "$1.50")],
)
def test_format_usd(amount: Decimal, text: str) -> None:
    assert format_usd(amount) == text


# (estimate, max_cost_usd, limit, committed) -> amount reserved, or the refusal's words
RESERVATIONS: list[tuple[Any, Any, Any, Any, Decimal | str]] = [
    ("0.32", None, None, "0", D("0.32")),  # no limit: still counted
    (None, None, None, "0", D(0)),  # no limit, no price: counted at 0 until PiAPI reports
    (None, "0.60", None, "0", D("0.60")),
    ("0.32", None, "1.00", "0.64", D("0.32")),  # exactly up to the limit
    ("0.32", None, "1.00", "0.96", "would cost $0.32, and $0.96 of the $1.00 spending limit"),
    ("0.32", None, "0", "0", "would cost $0.32, and $0.00 of the $0.00 spending limit"),
    (None, None, "1.00", "0", "cannot be estimated, and this client has a spending limit"),
    (None, "0.60", "1.00", "0", D("0.60")),  # max_cost_usd stands in for the price
    (None, "0.60", "1.00", "0.50", "would cost $0.60, and $0.50 of the $1.00"),
    ("0.32", "0.50", "1.00", "0", D("0.32")),  # the estimate, not the cap, is counted
    ("0.96", "0.50", None, "0", "would cost $0.96, more than max_cost_usd=$0.50"),
    ("0.96", "0.50", "10", "0", "would cost $0.96, more than max_cost_usd=$0.50"),
]


@pytest.mark.parametrize(("estimate", "cap", "limit", "committed", "outcome"), RESERVATIONS)
def test_reservation_amount(
    estimate: Any, cap: Any, limit: Any, committed: Any, outcome: Decimal | str
) -> None:
    def reserve() -> Decimal:
        return reservation_amount(
            estimate=None if estimate is None else D(estimate),
            max_cost_usd=None if cap is None else D(cap),
            limit_usd=None if limit is None else D(limit),
            committed_usd=D(committed),
            what="sora2 sora2-video",
        )

    if isinstance(outcome, Decimal):
        assert reserve() == outcome
        return
    with pytest.raises(SpendLimitError, match=outcome.replace("$", r"\$")) as caught:
        reserve()
    assert caught.value.spent_usd == D(committed)
    assert caught.value.limit_usd == (None if limit is None else D(limit))
    assert caught.value.max_cost_usd == (None if cap is None else D(cap))
    assert str(caught.value).startswith("Not sent:")


def test_a_refusal_names_the_unknown_price_and_the_way_out() -> None:
    with pytest.raises(SpendLimitError) as caught:
        reservation_amount(
            estimate=None,
            max_cost_usd=None,
            limit_usd=D(1),
            committed_usd=D(0),
            what="kling motion_control",
        )
    assert "kling motion_control" in str(caught.value)
    assert "max_cost_usd=" in str(caught.value)
    assert caught.value.cost_usd is None
    assert isinstance(caught.value, PiAPIError)


def _usage_task(status: str, usage: dict[str, Any] | None) -> Any:
    from piapi import parse_task

    data = task_envelope(status)["data"]
    data["meta"]["usage"] = usage
    if usage is None:
        del data["meta"]["usage"]
    return parse_task(data)


@pytest.mark.parametrize(
    ("status", "usage", "reported"),
    [
        ("pending", {"type": "llm", "frozen": 0, "consume": 3_200_000}, D("0.32")),
        ("pending", {"type": "point", "frozen": 10_000_000, "consume": 0}, D(1)),  # the hold
        ("completed", {"type": "point", "frozen": 10_000_000, "consume": 7_500_000}, D("0.75")),
        ("pending", {"type": "point", "frozen": 0, "consume": 0}, None),  # no amount yet
        ("failed", {"type": "point", "frozen": 10_000_000, "consume": 0}, D(0)),  # not billed
        ("pending", None, None),  # no usage at all
        ("pending", {}, None),
    ],
)
def test_settled_amount(
    status: str, usage: dict[str, Any] | None, reported: Decimal | None
) -> None:
    reserved = D("9.99")  # kept while PiAPI reports no amount
    expected = reserved if reported is None else reported
    assert settled_amount(_usage_task(status, usage), reserved) == expected


def _cost(price: str | None = "0.32", cap: str | None = None) -> CreateCost:
    if price is None:
        return CreateCost(TaskRequest(model="kling", task_type="motion_control", input={}))
    seconds = int(D(price) / D("0.08"))
    return CreateCost(
        Sora2VideoInput(prompt="x", duration=seconds),  # type: ignore[arg-type]
        usd_amount("max_cost_usd", cap),
    )


def test_a_settled_reservation_becomes_what_piapi_reported() -> None:
    ledger = SpendLedger()
    with ledger.reserve(_cost("0.32"), None) as reservation:
        assert ledger.spent_usd == D("0.32")  # counted while in flight
        reservation.settle(_usage_task("pending", {"type": "llm", "consume": 5_000_000}))
    assert reservation.state is ReservationState.SETTLED
    assert ledger.spent_usd == D("0.50")


def test_an_unreported_amount_keeps_the_estimate() -> None:
    ledger = SpendLedger()
    with ledger.reserve(_cost("0.32"), None) as reservation:
        reservation.settle(_usage_task("pending", None))
    assert ledger.spent_usd == D("0.32")


@pytest.mark.parametrize(
    ("error", "state", "spent"),
    [
        (PiAPIError("refused"), ReservationState.RELEASED, D(0)),
        (PiAPIError("unsure", task_may_exist=True), ReservationState.KEPT, D("0.32")),
        (KeyboardInterrupt(), ReservationState.KEPT, D("0.32")),  # it may have been sent
        (RuntimeError("a bug"), ReservationState.KEPT, D("0.32")),
    ],
)
def test_a_failed_create_releases_only_when_it_certainly_did_not_happen(
    error: BaseException, state: ReservationState, spent: Decimal
) -> None:
    ledger = SpendLedger()
    with pytest.raises(type(error)), ledger.reserve(_cost("0.32"), None) as reservation:
        raise error
    assert reservation.state is state
    assert ledger.spent_usd == spent


def test_a_refused_reservation_counts_nothing() -> None:
    ledger = SpendLedger()
    ledger.reserve(_cost("0.64"), D(1))
    with pytest.raises(SpendLimitError):
        ledger.reserve(_cost("0.64"), D(1))
    assert ledger.spent_usd == D("0.64")


# --- the clients -----------------------------------------------------------------------------


def _creates(api: Api) -> list[httpx.Request]:
    return [r for r in api.requests if r.method == "POST" and r.url.path == "/api/v1/task"]


CREATE_PATHS: dict[str, Callable[[Api], object]] = {
    "tasks.create typed": lambda api: api("tasks.create", Sora2VideoInput(prompt="x", duration=8)),
    "tasks.create keywords": lambda api: api(
        "tasks.create", model="sora2", task_type="sora2-video", input={"prompt": "x", "duration": 8}
    ),
    "tasks.create TaskRequest": lambda api: api(
        "tasks.create",
        TaskRequest(model="sora2", task_type="sora2-video", input={"prompt": "x", "duration": 8}),
    ),
    "tasks.create_and_wait": lambda api: api(
        "tasks.create_and_wait", Sora2VideoInput(prompt="x", duration=8)
    ),
    "sora2.create": lambda api: api("sora2.create", prompt="x", duration=8),
    "sora2.create_and_wait": lambda api: api("sora2.create_and_wait", prompt="x", duration=8),
}


@pytest.mark.parametrize("path", CREATE_PATHS)
def test_every_create_path_is_refused_before_sending(make_api: MakeApi, path: str) -> None:
    fake = FakePiAPI(api_key=None, queue_delay=0, task_duration=0)
    api = make_api(fake_handler(fake), spend_limit_usd="1.00")
    CREATE_PATHS[path](api)  # $0.64
    assert api.client.spent_usd == D("0.64")
    with pytest.raises(SpendLimitError, match=r"would cost \$0\.64, and \$0\.64 of the \$1\.00"):
        CREATE_PATHS[path](api)
    assert len(_creates(api)) == 1  # the refused one never reached PiAPI
    assert len(fake.created_tasks) == 1
    assert api.client.spent_usd == D("0.64")


def test_an_unpriced_task_needs_max_cost_usd_and_is_then_counted_at_the_hold(
    make_api: MakeApi,
) -> None:
    fake = FakePiAPI(api_key=None)
    api = make_api(fake_handler(fake), spend_limit_usd=2)
    motion = {"image_url": "https://example.com/a.png", "video_url": "https://example.com/b.mp4"}
    with pytest.raises(SpendLimitError, match="cannot be estimated") as caught:
        api("tasks.create", model="kling", task_type="motion_control", input=motion)
    assert caught.value.cost_usd is None
    assert api.requests == []
    task = api(
        "tasks.create", model="kling", task_type="motion_control", input=motion, max_cost_usd=1
    )
    assert task.held_usd == D("0.50")
    assert api.client.spent_usd == D("0.50")  # the fake's hold replaced the $1 reservation


def test_max_cost_usd_refuses_a_dearer_task_without_a_client_limit(make_api: MakeApi) -> None:
    api = make_api(fake_handler(FakePiAPI(api_key=None)))
    with pytest.raises(SpendLimitError, match=r"\$0\.96, more than max_cost_usd=\$0\.50"):
        api("tasks.create", Sora2VideoInput(prompt="x", duration=12), max_cost_usd="0.50")
    with pytest.raises(SpendLimitError, match=r"more than max_cost_usd"):
        api("tasks.create_and_wait", KlingVideoInput(prompt="x", duration=10), max_cost_usd=0.5)
    assert api.requests == []
    api("tasks.create", Sora2VideoInput(prompt="x"), max_cost_usd="0.50")
    assert api.client.spent_usd == D("0.32")


@pytest.mark.parametrize("bad", [-1, "lots", True])
def test_a_bad_max_cost_usd_is_refused_before_sending(make_api: MakeApi, bad: Any) -> None:
    api = make_api(fake_handler(FakePiAPI(api_key=None)))
    with pytest.raises((ValueError, TypeError), match="max_cost_usd must be"):
        api("tasks.create", Sora2VideoInput(prompt="x"), max_cost_usd=bad)
    assert api.requests == []


@pytest.mark.parametrize("bad", [-1, "lots", float("nan")])
def test_a_bad_spend_limit_is_refused_when_the_client_is_built(bad: Any) -> None:
    with pytest.raises(ValueError, match="spend_limit_usd must be"):
        PiAPIClient(api_key="k", spend_limit_usd=bad)
    with pytest.raises(ValueError, match="spend_limit_usd must be"):
        AsyncPiAPIClient(api_key="k", spend_limit_usd=bad)


def test_the_estimate_is_replaced_by_what_piapi_reports(make_api: MakeApi) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        envelope = task_envelope("pending")
        envelope["data"]["meta"]["usage"] = {"type": "llm", "frozen": 0, "consume": 4_000_000}
        return httpx.Response(200, json=envelope)

    api = make_api(handle, spend_limit_usd=1)
    api("sora2.create", prompt="x")  # estimated $0.32, charged $0.40
    assert api.client.spent_usd == D("0.40")
    api("sora2.create", prompt="x")
    with pytest.raises(SpendLimitError, match=r"\$0\.80 of the \$1\.00 spending limit"):
        api("sora2.create", prompt="x")


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        # The connection broke after the create was sent: it may exist, the estimate stays.
        (lambda request: (_ for _ in ()).throw(httpx.ReadError("reset")), APIConnectionError),
        (lambda request: httpx.Response(502, text="bad gateway"), InternalServerError),
        (lambda request: httpx.Response(200, text="<html>oops</html>"), PiAPIError),
    ],
    ids=["dropped", "5xx", "garbled success"],
)
def test_a_create_that_may_have_happened_keeps_its_reservation(
    make_api: MakeApi, handler: Callable[[httpx.Request], httpx.Response], error: type[Exception]
) -> None:
    api = make_api(handler, spend_limit_usd=1)
    with pytest.raises(error) as caught:
        api("sora2.create", prompt="x", duration=8)
    assert isinstance(caught.value, PiAPIError)
    assert caught.value.task_may_exist
    assert api.client.spent_usd == D("0.64")
    with pytest.raises(SpendLimitError):  # the $0.64 that may be billed still counts
        api("sora2.create", prompt="x", duration=8)


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (
            lambda request: httpx.Response(400, json={"code": 400, "message": "bad"}),
            BadRequestError,
        ),
        (lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused")), APIConnectionError),
    ],
    ids=["400", "never connected"],
)
def test_a_create_that_certainly_did_not_happen_releases_its_reservation(
    make_api: MakeApi, handler: Callable[[httpx.Request], httpx.Response], error: type[Exception]
) -> None:
    api = make_api(handler, spend_limit_usd=1, max_retries=0)
    with pytest.raises(error) as caught:
        api("sora2.create", prompt="x", duration=8)
    assert isinstance(caught.value, PiAPIError)
    assert not caught.value.task_may_exist
    assert api.client.spent_usd == D(0)


def test_with_options_copies_share_the_running_total(make_api: MakeApi) -> None:
    api = make_api(fake_handler(FakePiAPI(api_key=None)), spend_limit_usd="1.00")
    copy = api.client.with_options(max_retries=0)
    stricter = api.client.with_options(spend_limit_usd="0.50")
    assert (copy.spend_limit_usd, stricter.spend_limit_usd) == (D("1.00"), D("0.50"))
    api.run(copy.sora2.create, prompt="x")  # $0.32 through the copy
    assert api.client.spent_usd == stricter.spent_usd == D("0.32")
    with pytest.raises(SpendLimitError, match=r"\$0\.32 of the \$0\.50"):
        api.run(stricter.sora2.create, prompt="x")
    api("sora2.create", prompt="x")  # the original's own limit still has room
    unlimited = api.client.with_options(spend_limit_usd=None)
    api.run(unlimited.sora2.create, prompt="x", duration=12)
    assert copy.spent_usd == D("1.60")
    assert api.client.spend_limit_usd == D("1.00")


def test_without_a_limit_the_total_is_still_kept(make_api: MakeApi) -> None:
    api = make_api(fake_handler(FakePiAPI(api_key=None)))
    assert api.client.spend_limit_usd is None
    for _ in range(5):
        api("sora2.create", prompt="x", duration=12)
    assert api.client.spent_usd == D("4.80")


def test_the_spend_limit_is_not_in_the_request(make_api: MakeApi) -> None:
    api = make_api(lambda request: ok(), spend_limit_usd=3)
    api("sora2.create", prompt="x")
    body = json.loads(_creates(api)[0].content)
    assert set(body) == {"model", "task_type", "input"}


# --- concurrency: never past the limit ----------------------------------------------------

CONCURRENT = 8
ALLOWED = 3  # $1.00 / $0.32


@pytest.fixture
def server() -> Any:
    with FakePiAPIServer(FakePiAPI(queue_delay=60)) as running:
        yield running


def test_threads_creating_at_once_never_pass_the_limit(server: FakePiAPIServer) -> None:
    client = PiAPIClient(api_key="test", base_url=server.url, spend_limit_usd="1.00")
    start = threading.Barrier(CONCURRENT)
    outcomes: list[str] = []
    lock = threading.Lock()

    def create(number: int) -> None:
        start.wait(timeout=60)
        try:
            client.sora2.create(prompt=f"thread {number}")
            outcome = "created"
        except SpendLimitError:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(CONCURRENT)]
    with client:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(outcomes) == ["created"] * ALLOWED + ["refused"] * (CONCURRENT - ALLOWED)
    assert len(server.fake.created_tasks) == ALLOWED
    assert client.spent_usd == D("0.96")


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_tasks_creating_at_once_never_pass_the_limit(server: FakePiAPIServer, backend: str) -> None:
    outcomes: list[str] = []

    async def main() -> Decimal:
        async with AsyncPiAPIClient(
            api_key="test", base_url=server.url, spend_limit_usd="1.00"
        ) as client:

            async def create(number: int) -> None:
                try:
                    await client.sora2.create(prompt=f"task {number}")
                    outcomes.append("created")
                except SpendLimitError:
                    outcomes.append("refused")

            async with anyio.create_task_group() as group:
                for number in range(CONCURRENT):
                    group.start_soon(create, number)
            return client.spent_usd

    spent = anyio.run(main, backend=backend)
    assert sorted(outcomes) == ["created"] * ALLOWED + ["refused"] * (CONCURRENT - ALLOWED)
    assert len(server.fake.created_tasks) == ALLOWED
    assert spent == D("0.96")


def test_a_spend_limit_error_pickles_with_its_amounts() -> None:
    import pickle

    error = SpendLimitError(
        "Not sent: x", spent_usd=D("0.96"), cost_usd=D("0.32"), limit_usd=D(1), max_cost_usd=None
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.spent_usd, copy.cost_usd, copy.limit_usd) == (
        "Not sent: x",
        D("0.96"),
        D("0.32"),
        D(1),
    )


@pytest.mark.parametrize("duration", [-12, 0, 4.5, "eight", None])
def test_a_request_whose_price_cannot_be_made_is_unknown_not_free_or_negative(
    make_api: MakeApi, duration: object
) -> None:
    # Before: duration -12 was estimated at -$0.96 and, in flight, opened the limit for
    # others ($1.92 billed under spend_limit_usd=1); duration 0 was free.
    fake = FakePiAPI(api_key=None)
    api = make_api(fake_handler(fake), spend_limit_usd=1)
    request = TaskRequest(model="sora2", task_type="sora2-video", input={"duration": duration})
    assert api("tasks.estimate_cost", request) is None
    with pytest.raises(SpendLimitError, match="cannot be estimated"):
        api("tasks.create", request)
    assert fake.requests == []
