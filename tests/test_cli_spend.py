"""`piapi spend show` and `piapi spend settle`, in process, on a shared SQLite store: what a
budget spent, its open reservations, settling or releasing one by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from _support import Run
from piapi.cli import _exit as codes
from piapi.stores import Store, open_store


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/store.sqlite"


@pytest.fixture
def store(store_url: str) -> Store:
    with open_store(store_url) as opened:
        settled = opened.reserve("team", "0.32", limit_usd=5, note="sora2 sora2-video (a pid 1)")
        opened.settle(settled, "0.30")
        opened.reserve("team", "0.32", limit_usd=5, note="sora2 sora2-video (b pid 2)")
        return opened


def test_show_lists_open_reservations_and_the_total(run: Run, store_url: str, store: Store) -> None:
    code, out, err = run("spend", "show", "--store", store_url, "--name", "team")
    assert code == codes.EXIT_OK
    assert "Budget team in sqlite:///" in out
    assert "$0.62 spent or reserved; 1 reservation open." in out
    assert "2  $0.32  " in out
    assert "sora2 sora2-video (b pid 2)" in out
    assert "piapi spend settle ID --charged USD" in err


def test_show_in_json_and_an_empty_budget(run: Run, store_url: str, store: Store) -> None:
    code, out, _ = run("spend", "show", "--store", store_url, "--name", "team", "--json")
    assert code == codes.EXIT_OK
    shown = json.loads(out)
    assert (shown["spent_usd"], shown["window"]) == ("0.62", "none")
    assert [(r["id"], r["amount_usd"]) for r in shown["open_reservations"]] == [(2, "0.32")]
    code, out, _ = run("spend", "show", "--store", store_url, "--window", "day")
    assert "Budget default in" in out
    assert "$0.00 spent or reserved this day; 0 reservations open." in out


def test_settle_by_hand_with_the_charge_or_release(run: Run, store_url: str, store: Store) -> None:
    code, out, _ = run("spend", "settle", "2", "--charged", "0.25", "--store", store_url)
    assert (code, out.strip()) == (codes.EXIT_OK, "Settled reservation 2 at $0.25.")
    with open_store(store_url) as reopened:
        assert reopened.spent("team") == Decimal("0.55")
        third = reopened.reserve("team", "1")
    code, out, _ = run("spend", "settle", str(third), "--release", "--store", store_url)
    assert (code, out.strip()) == (codes.EXIT_OK, "Released reservation 3: it no longer counts.")
    with open_store(store_url) as reopened:
        assert reopened.spent("team") == Decimal("0.55")
        assert reopened.open_reservations("team") == []


def test_settle_refuses_what_cannot_be_done(run: Run, store_url: str, store: Store) -> None:
    code, _, err = run("spend", "settle", "2", "--store", store_url)
    assert code == codes.EXIT_USAGE
    assert "either --charged USD or --release" in err
    code, _, err = run("spend", "settle", "1", "--release", "--store", store_url)
    assert code == codes.EXIT_API
    assert "Reservation 1 is already settled" in err
    code, _, err = run("spend", "settle", "2", "--charged", "-1", "--store", store_url)
    assert code == codes.EXIT_USAGE


def test_the_store_password_never_shows(run: Run) -> None:
    code, _, err = run("spend", "show", "--store", "mysql://u:s3cret-pw@db/x")
    assert code == codes.EXIT_USAGE
    assert "s3cret-pw" not in err
