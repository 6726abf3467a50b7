"""The decisions of a batch shared by many workers through a store, by tables: which journal
a `journal=` names, how often a worker looks again, when a worker with nothing to claim
waits, what phase a store's item reports, and the gate's "could a create go now"."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from piapi.batch._plan import (
    Admission,
    CreateGate,
    CreateOutcome,
    Phase,
    batch_fingerprint,
    journal_target,
    others_at_work,
    poll_seconds,
    request_identity,
    shared_batch_name,
    shared_phase,
)
from piapi.families.sora2 import Sora2VideoInput

# What `journal=` names: a store shared by many processes, or one process's file journal.
JOURNALS: list[tuple[object, str, object]] = [
    ("postgresql://piapi@db/piapi", "shared", "postgresql://piapi@db/piapi"),
    ("postgres://u:pw@db/x", "shared", "postgres://u:pw@db/x"),
    ("PostgreSQL://db/x", "shared", "PostgreSQL://db/x"),
    ("sqlite:///var/lib/run.sqlite", "file", "/var/lib/run.sqlite"),
    ("sqlite://relative.sqlite", "file", "relative.sqlite"),
    ("runs/journal.sqlite", "file", "runs/journal.sqlite"),
    (Path("runs/j.sqlite"), "file", Path("runs/j.sqlite")),
    (None, "file", None),
]


@pytest.mark.parametrize(("journal", "kind", "target"), JOURNALS)
def test_journal_target(journal: object, kind: str, target: object) -> None:
    assert journal_target(journal) == (kind, target)


def test_an_sqlite_url_without_a_path_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a path"):
        journal_target("sqlite://")


def test_a_url_of_another_scheme_is_refused_without_its_password() -> None:
    # Before, a mistyped scheme was a journal file at that path, password and all.
    with pytest.raises(ValueError, match="unknown store URL scheme") as refused:
        journal_target("postgresq://piapi:s3cret@db/piapi")
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize(
    ("lease", "seconds"), [(60.0, 10.0), (6.0, 2.0), (3.0, 1.0), (0.03, 0.05), (600.0, 10.0)]
)
def test_poll_seconds_is_a_third_of_the_lease_within_bounds(lease: float, seconds: float) -> None:
    assert poll_seconds(lease) == pytest.approx(seconds)


ME = "host:1:aa"
OTHER = "host:2:bb"


@pytest.mark.parametrize(
    ("items", "waits"),
    [
        ([], False),
        ([("saved", None), ("failed", None), ("uncertain", None), ("new", None)], False),
        ([("created", ME), ("sending", ME)], False),  # its own: its programs follow them
        ([("created", None)], False),  # ownerless: the next claim takes it, no need to wait
        ([("saved", None), ("created", OTHER)], True),
        ([("sending", OTHER)], True),
        ([("saved", OTHER)], False),  # a finished item needs nobody
    ],
)
def test_a_worker_with_nothing_to_claim_waits_while_another_holds_items(
    items: list[tuple[str, str | None]], waits: bool
) -> None:
    assert others_at_work(items, ME) is waits


@pytest.mark.parametrize(
    ("state", "task_id", "phase"),
    [
        ("new", None, Phase.NEW),
        ("sending", None, Phase.CREATED),  # another worker's, running
        ("uncertain", None, Phase.UNCERTAIN),
        ("created", "t1", Phase.CREATED),
        ("saved", "t1", Phase.SAVED),
        ("failed", "t1", Phase.FINISHED),  # the task failed at PiAPI
        ("failed", None, Phase.NEW),  # PiAPI refused the create: nothing exists
    ],
)
def test_shared_phase(state: str, task_id: str | None, phase: Phase) -> None:
    assert shared_phase(state, task_id) is phase


def test_the_batch_name_is_the_requests_fingerprint() -> None:
    def name(*prompts: str) -> str:
        identities = [request_identity(Sora2VideoInput(prompt=p)) for p in prompts]
        return shared_batch_name(batch_fingerprint(identities))

    assert name("a", "b") == name("a", "b")
    assert len({name("a", "b"), name("b", "a"), name("a"), name("a", "b", "c")}) == 4
    assert name("a").startswith("batch-")


def gate_after(*events: str) -> CreateGate:
    gate = CreateGate(2, max_total_usd=Decimal("1"))
    for event in events:
        if event == "go":
            assert gate.admit(Decimal("0.32"), 0.0).admission is Admission.GO
        elif event == "throttled":
            gate.settle(Decimal("0.32"), CreateOutcome.THROTTLED, now=0.0, jitter=0.0)
        elif event == "stop":
            gate.stop("interrupted")
    return gate


@pytest.mark.parametrize(
    ("events", "now", "admission"),
    [
        ((), 0.0, Admission.GO),
        (("go",), 0.0, Admission.GO),
        (("go", "go"), 0.0, Admission.WAIT),  # both slots taken
        (("go", "throttled"), 0.5, Admission.SLEEP),  # backoff after a 429
        (("go", "throttled"), 5.0, Admission.GO),
        (("stop",), 0.0, Admission.STOP),
    ],
)
def test_ready_says_whether_a_create_could_go_and_reserves_nothing(
    events: tuple[str, ...], now: float, admission: Admission
) -> None:
    gate = gate_after(*events)
    before = (gate.in_flight, gate.committed_usd)
    assert gate.ready(now).admission is admission
    assert (gate.in_flight, gate.committed_usd) == before


@pytest.mark.parametrize(("refusals", "refusing"), [(0, False), (7, False), (8, True)])
def test_a_shared_worker_stops_claiming_after_creates_refused_in_a_row(
    refusals: int, refusing: bool
) -> None:
    gate = CreateGate(2)
    for refusal in range(refusals):  # each after the backoff of the one before
        now = 1000.0 * refusal
        assert gate.admit(Decimal("0.32"), now).admission is Admission.GO
        gate.settle(Decimal("0.32"), CreateOutcome.NOT_SENT, now=now, jitter=0.0)
    reason = gate.refusing()
    assert (reason is not None) is refusing
    if reason is not None:
        assert "refused 8 creates in a row" in reason
    gate.admit(Decimal("0.32"), 10_000.0)
    gate.settle(Decimal("0.32"), None)  # a create that went through: the count starts over
    assert gate.refusing() is None
