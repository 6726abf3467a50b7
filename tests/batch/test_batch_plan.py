"""The batch's decisions, by table: next steps, states, what a failed create or wait means,
backoff, and the create gate (cost limit, in flight after 429 or the concurrency limit)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import httpx
import pytest

from piapi import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PiAPIError,
    RateLimitError,
    Sora2ProVideoInput,
    Sora2VideoInput,
    SpendLimitError,
    TaskRequest,
    TaskStatus,
    WaitTimeoutError,
)
from piapi.batch._plan import (
    MAX_WAITS_IN_A_ROW,
    Admission,
    BatchState,
    CreateGate,
    CreateOutcome,
    Phase,
    Step,
    backoff,
    classify_create_error,
    gives_up_waiting,
    next_step,
    request_identity,
    state_of,
    uncertain_detail,
)

DONE, FAILED = TaskStatus.COMPLETED, TaskStatus.FAILED
REQUEST = httpx.Request("POST", "https://api.piapi.ai/api/v1/task")


def status_error(cls: type[PiAPIError], status: int, message: str = "no") -> PiAPIError:
    response = httpx.Response(status, request=REQUEST)
    return cls(message, response=response, body=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("phase", "status", "saving", "files", "fresh", "retry", "step"),
    [
        (Phase.NEW, None, True, True, False, False, Step.CREATE),
        (Phase.SENDING, None, True, True, False, False, Step.DONE),  # never resent on its own
        (Phase.UNCERTAIN, None, True, True, False, False, Step.DONE),
        (Phase.UNCERTAIN, None, True, True, False, True, Step.CREATE),  # retry_uncertain
        (Phase.SENDING, None, False, True, False, True, Step.CREATE),
        (Phase.CREATED, TaskStatus.PENDING, True, True, False, False, Step.WAIT),
        (Phase.CREATED, TaskStatus.PENDING, True, True, True, False, Step.WAIT),
        (Phase.FINISHED, DONE, True, True, True, False, Step.SAVE),  # fresh URLs: save
        (Phase.FINISHED, DONE, True, True, False, False, Step.WAIT),  # stale URLs: look again
        (Phase.FINISHED, DONE, False, True, False, False, Step.DONE),  # nothing to save
        (Phase.FINISHED, FAILED, True, True, True, False, Step.DONE),
        (Phase.FINISHED, TaskStatus.CANCELLED, True, True, False, False, Step.DONE),
        (Phase.SAVED, DONE, True, True, False, False, Step.DONE),  # never downloaded twice
        (Phase.SAVED, DONE, True, False, False, False, Step.WAIT),  # a file is gone: again
        (Phase.SAVED, DONE, True, False, True, False, Step.SAVE),
        (Phase.SAVED, DONE, False, False, False, False, Step.DONE),
    ],
)
def test_next_step(
    phase: Phase,
    status: TaskStatus | None,
    saving: bool,
    files: bool,
    fresh: bool,
    retry: bool,
    step: Step,
) -> None:
    found = next_step(
        phase, status, saving=saving, files_present=files, fresh=fresh, retry_uncertain=retry
    )
    assert found is step


@pytest.mark.parametrize(
    ("phase", "status", "saving", "state"),
    [
        (Phase.NEW, None, True, BatchState.NOT_CREATED),
        (Phase.SENDING, None, True, BatchState.UNCERTAIN),
        (Phase.UNCERTAIN, None, True, BatchState.UNCERTAIN),
        (Phase.CREATED, TaskStatus.PROCESSING, True, BatchState.RUNNING),
        (Phase.FINISHED, DONE, True, BatchState.NOT_DOWNLOADED),
        (Phase.FINISHED, DONE, False, BatchState.COMPLETED),
        (Phase.FINISHED, FAILED, True, BatchState.FAILED),
        (Phase.FINISHED, TaskStatus.CANCELLED, False, BatchState.FAILED),
        (Phase.SAVED, DONE, True, BatchState.COMPLETED),
    ],
)
def test_state_of(phase: Phase, status: TaskStatus | None, saving: bool, state: BatchState) -> None:
    assert state_of(phase, status, saving=saving) is state


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        # The money first: a create that may have reached PiAPI is never resent.
        (APIConnectionError("dropped", task_may_exist=True), CreateOutcome.UNCERTAIN),
        (APITimeoutError("read timeout", task_may_exist=True), CreateOutcome.UNCERTAIN),
        (
            InternalServerError(
                "502", response=httpx.Response(502), body=None, task_may_exist=True
            ),
            CreateOutcome.UNCERTAIN,
        ),
        (
            APIResponseValidationError(
                "garbled", response=httpx.Response(200), text="{", task_may_exist=True
            ),
            CreateOutcome.UNCERTAIN,
        ),
        # ... unless the garbled answer named the task: follow it.
        (
            APIResponseValidationError(
                "no status",
                response=httpx.Response(200),
                text="",
                task_id="t-1",
                task_may_exist=True,
            ),
            CreateOutcome.ADOPT,
        ),
        (APIConnectionError("refused"), CreateOutcome.NOT_SENT),
        (status_error(RateLimitError, 429), CreateOutcome.THROTTLED),
        (
            status_error(BadRequestError, 400, "You reached the max concurrent task count"),
            CreateOutcome.THROTTLED,
        ),
        (status_error(BadRequestError, 400, "invalid model"), CreateOutcome.REFUSED),
        (status_error(NotFoundError, 404), CreateOutcome.REFUSED),
        (status_error(AuthenticationError, 401), CreateOutcome.STOP_CREATING),
        (status_error(PermissionDeniedError, 403, "no credit"), CreateOutcome.STOP_CREATING),
        (SpendLimitError("over", cost_usd=Decimal("0.32")), CreateOutcome.STOP_CREATING),
        (SpendLimitError("no price under a limit"), CreateOutcome.REFUSED),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_classify_create_error(error: PiAPIError, outcome: CreateOutcome) -> None:
    assert classify_create_error(error) is outcome


GIVE_UP, WAIT_AGAIN = True, False  # what gives_up_waiting answers


@pytest.mark.parametrize(
    ("error", "in_a_row", "gives_up"),
    [
        (WaitTimeoutError("t", 10.0, None), 1, GIVE_UP),
        (
            APIResponseValidationError("garbled", response=httpx.Response(200), text="<html>"),
            1,
            WAIT_AGAIN,
        ),  # a garbled poll is not a failure of the batch
        (APIConnectionError("dropped"), 2, WAIT_AGAIN),
        (status_error(InternalServerError, 503), 1, WAIT_AGAIN),
        (status_error(RateLimitError, 429), 1, WAIT_AGAIN),
        (APIConnectionError("dropped"), MAX_WAITS_IN_A_ROW, GIVE_UP),
        (status_error(NotFoundError, 404), 1, GIVE_UP),
        (status_error(AuthenticationError, 401), 1, GIVE_UP),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_gives_up_waiting(error: PiAPIError, in_a_row: int, gives_up: bool) -> None:
    assert gives_up_waiting(error, in_a_row) is gives_up


@pytest.mark.parametrize(
    ("strikes", "jitter", "retry_after", "seconds"),
    [
        (1, 0.0, None, 1.0),
        (2, 0.0, None, 2.0),
        (4, 0.0, None, 8.0),
        (10, 0.0, None, 60.0),  # capped
        (2, 1.0, None, 1.5),  # up to 25 % less
        (3, 0.5, 7.0, 7.0),  # the server's Retry-After wins
    ],
)
def test_backoff(strikes: int, jitter: float, retry_after: float | None, seconds: float) -> None:
    assert backoff(strikes, jitter=jitter, retry_after=retry_after) == pytest.approx(seconds)


# --- the create gate -------------------------------------------------------------------


def test_gate_allows_concurrency_creates_then_waits_for_a_slot() -> None:
    gate = CreateGate(2)
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.WAIT
    gate.settle(Decimal("0.32"), None)  # created: the slot is now the task's
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.WAIT
    gate.release()  # the task finished
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO


def test_gate_a_refused_create_frees_its_slot_and_its_cost() -> None:
    gate = CreateGate(1, max_total_usd=Decimal("0.32"))
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO
    gate.settle(Decimal("0.32"), CreateOutcome.REFUSED)
    assert (gate.in_flight, gate.committed_usd) == (0, Decimal(0))
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO


def test_gate_an_uncertain_create_keeps_its_cost_but_not_its_slot() -> None:
    gate = CreateGate(1, max_total_usd=Decimal("0.64"))
    gate.admit(Decimal("0.32"), 0.0)
    gate.settle(Decimal("0.32"), CreateOutcome.UNCERTAIN)
    assert (gate.in_flight, gate.committed_usd) == (0, Decimal("0.32"))  # may be billed


def test_gate_throttled_fewer_in_flight_backoff_then_grows_back() -> None:
    gate = CreateGate(4)
    for _ in range(3):
        assert gate.admit(None, 0.0).admission is Admission.GO
        gate.settle(None, None)  # three tasks running
    assert gate.admit(None, 0.0).admission is Admission.GO
    gate.settle(None, CreateOutcome.THROTTLED, now=10.0, jitter=0.0)  # the 4th: too many
    assert gate.allowed == 3
    decision = gate.admit(None, 10.5)
    assert (decision.admission, decision.seconds) == (Admission.SLEEP, 0.5)
    assert gate.admit(None, 11.0).admission is Admission.WAIT  # 3 in flight, 3 allowed
    gate.release()
    gate.release()  # two finished: 1 in flight
    assert gate.allowed == 3  # grows by one only once `allowed` tasks have finished
    gate.release()
    assert gate.allowed == 4
    assert gate.admit(None, 11.0).admission is Admission.GO


def test_gate_backoff_grows_with_refusals_in_a_row_and_honours_retry_after() -> None:
    gate = CreateGate(1)
    gate.admit(None, 0.0)
    gate.settle(None, CreateOutcome.THROTTLED, now=0.0, jitter=0.0)
    gate.admit(None, 1.0)
    gate.settle(None, CreateOutcome.NOT_SENT, now=1.0, jitter=0.0)
    assert gate.not_before == pytest.approx(3.0)  # 2 s after the second refusal
    gate.admit(None, 3.0)
    gate.settle(None, CreateOutcome.THROTTLED, now=3.0, jitter=0.0, retry_after=20.0)
    assert gate.not_before == pytest.approx(23.0)
    gate.admit(None, 23.0)
    gate.settle(None, None)
    assert gate.strikes == 0


def test_gate_cost_limit_stops_creating_before_the_total_would_pass_it() -> None:
    gate = CreateGate(10, max_total_usd=Decimal("1.00"), committed_usd=Decimal("0.32"))
    assert gate.admit(Decimal("0.64"), 0.0).admission is Admission.GO  # 0.96
    decision = gate.admit(Decimal("0.08"), 0.0)  # 1.04 > 1.00
    assert decision.admission is Admission.STOP
    assert "$1.04, past the cost limit of $1.00" in decision.reason
    # Creating has stopped: a cheaper item later is not created either.
    assert gate.admit(Decimal("0.01"), 0.0).admission is Admission.STOP


def test_gate_unknown_price_counts_by_what_piapi_reports_one_at_a_time() -> None:
    gate = CreateGate(10, max_total_usd=Decimal("1.00"))
    assert gate.admit(None, 0.0).admission is Admission.GO
    assert gate.admit(None, 0.0).admission is Admission.WAIT  # its price is not known yet
    assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO  # a priced one may go
    gate.settle(None, None, reported_usd=Decimal("0.70"))  # the hold PiAPI reported
    assert gate.committed_usd == Decimal("1.02")
    decision = gate.admit(None, 0.0)
    assert decision.admission is Admission.STOP
    assert "cost limit of $1.00 is reached" in decision.reason


def test_gate_an_unknown_price_stays_unsettled_until_piapi_reports_a_cost() -> None:
    gate = CreateGate(10, max_total_usd=Decimal("1.00"))
    assert gate.admit(None, 0.0).admission is Admission.GO
    gate.settle(None, None, reported_usd=None)  # created, `meta: {}`: no cost yet
    assert gate.admit(None, 0.0).admission is Admission.WAIT  # still one unsettled
    gate.ended(Decimal(0), Decimal("0.40"), unsettled=True)  # the charge, at the end
    assert gate.committed_usd == Decimal("0.40")
    assert gate.admit(None, 0.0).admission is Admission.GO


def test_gate_an_unknown_price_that_ends_unreported_skips_the_rest_unless_allowed() -> None:
    for allowed, expected in [(False, Admission.SKIP), (True, Admission.GO)]:
        gate = CreateGate(10, max_total_usd=Decimal("1.00"), allow_unknown_price=allowed)
        gate.admit(None, 0.0)
        gate.settle(None, None)
        gate.ended(Decimal(0), None, unsettled=True)
        decision = gate.admit(None, 0.0)
        assert decision.admission is expected
        assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO  # priced ones go on
        if not allowed:
            assert "not started: price unknown" in decision.reason


def test_gate_every_end_of_an_unknown_price_create_settles_it_once() -> None:
    # Refused or never sent: settled at once. Created with a reported cost: settled at once.
    # Created without one, adopted, or uncertain: unsettled until `ended` (exactly once);
    # until then the next item of unknown price waits, after it it goes on.
    cases: list[tuple[CreateOutcome | None, Decimal | None, bool]] = [
        (CreateOutcome.REFUSED, None, False),
        (CreateOutcome.NOT_SENT, None, False),
        (CreateOutcome.THROTTLED, None, False),
        (CreateOutcome.STOP_CREATING, None, False),
        (None, Decimal("0.40"), False),
        (None, Decimal(0), False),  # $0 is a reported charge
        (None, None, True),
        (CreateOutcome.ADOPT, None, True),
        (CreateOutcome.UNCERTAIN, None, True),
    ]
    for outcome, reported, unsettled in cases:
        gate = CreateGate(10, max_total_usd=Decimal("5.00"), allow_unknown_price=True)
        assert gate.admit(None, 0.0).admission is Admission.GO
        assert gate.settle(None, outcome, reported_usd=reported) is unsettled, outcome
        if unsettled:
            assert gate.admit(None, 0.0).admission is Admission.WAIT
            gate.ended(Decimal(0), None, unsettled=True)
        assert gate.unpriced_unsettled == 0, outcome
        stopped = outcome is CreateOutcome.STOP_CREATING
        expected = Admission.STOP if stopped else Admission.GO
        assert gate.admit(None, 99.0).admission is expected, outcome
    priced = CreateGate(10, max_total_usd=Decimal("5.00"))
    priced.admit(Decimal("0.32"), 0.0)
    assert priced.settle(Decimal("0.32"), CreateOutcome.UNCERTAIN) is False  # its estimate counts


def test_gate_a_charge_replaces_the_estimate_once_known() -> None:
    gate = CreateGate(10, max_total_usd=Decimal("1.00"))
    gate.admit(Decimal("0.50"), 0.0)
    gate.settle(Decimal("0.50"), None, reported_usd=Decimal("0.50"))
    gate.ended(Decimal("0.50"), Decimal("0.20"), unsettled=False)  # charged less
    assert gate.committed_usd == Decimal("0.20")


def test_gate_without_a_limit_never_stops_for_cost() -> None:
    gate = CreateGate(1)
    assert gate.admit(Decimal(1000), 0.0).admission is Admission.GO


def test_gate_stop_creating_after_the_spend_limit_or_a_refused_key() -> None:
    gate = CreateGate(3)
    gate.admit(Decimal("0.32"), 0.0)
    gate.settle(Decimal("0.32"), CreateOutcome.STOP_CREATING, reason="over the spend limit")
    decision = gate.admit(Decimal("0.32"), 0.0)
    assert (decision.admission, decision.reason) == (Admission.STOP, "over the spend limit")


def test_gate_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="concurrency must be a whole number of at least 1"):
        CreateGate(0)
    with pytest.raises(ValueError, match="max_total_usd must be a finite amount of 0 or more"):
        CreateGate(1, max_total_usd=Decimal(-1))


# --- identities and texts ------------------------------------------------------------


def test_request_identity_is_the_content_whatever_the_form_or_key_order() -> None:
    typed = request_identity(Sora2VideoInput(prompt="A fox", duration=8))
    plain = request_identity(
        TaskRequest(
            model="sora2",
            task_type="sora2-video",
            input={"duration": 8, "prompt": "A fox", "aspect_ratio": "16:9"},
        )
    )
    assert typed.digest == plain.digest
    assert typed.label == "sora2/sora2-video 'A fox'"
    other = request_identity(Sora2ProVideoInput(prompt="A fox", duration=8))
    assert other.digest != typed.digest
    long = request_identity(Sora2VideoInput(prompt="x" * 200))
    assert long.label.endswith("...'")
    assert len(long.label) < 120


def test_request_identity_refuses_what_is_not_a_request() -> None:
    with pytest.raises(TypeError, match="not dict"):
        request_identity({"model": "sora2"})


def test_uncertain_detail_says_what_to_check_and_how_to_settle() -> None:
    sent = datetime(2025, 11, 26, 1, 2, 3, tzinfo=timezone.utc)
    text = uncertain_detail(3, "sora2/sora2-video 'A fox'", sent, "connection dropped")
    assert "sora2/sora2-video 'A fox' was sent at 2025-11-26 01:02:03 UTC" in text
    assert "(connection dropped)" in text
    assert "task history" in text
    assert "resolve={3: TASK_ID}" in text
    assert "retry_uncertain=[3]" in text
