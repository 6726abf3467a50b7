"""The batch journal: each change survives a reopen, other requests are refused, a file that
is not a journal (or is in use by another run) is refused, no webhook secret is kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from piapi import BatchJournalError, Sora2VideoInput, parse_task
from piapi.batch._journal import APPLICATION_ID, SCHEMA_VERSION, Journal
from piapi.batch._plan import Identity, Phase, request_identity

SENT = datetime(2025, 11, 26, 1, 2, 3, tzinfo=timezone.utc)
TASK = {
    "task_id": "t-1",
    "model": "sora2",
    "task_type": "sora2-video",
    "status": "pending",
    "input": {"prompt": "clip 0", "duration": 4},
    "config": {"webhook_config": {"endpoint": "https://hook.test", "secret": "hook-secret-xyz"}},
    "meta": {"usage": {"type": "llm", "frozen": 0, "consume": 3200000}},
}


def identities(count: int = 3, prefix: str = "clip") -> list[Identity]:
    return [request_identity(Sora2VideoInput(prompt=f"{prefix} {n}")) for n in range(count)]


def test_a_new_journal_records_every_request_as_new(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "journal.sqlite"
    with closing(Journal.open(path, identities())) as journal:
        assert [row.phase for row in journal.rows] == [Phase.NEW] * 3
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # all in the file
    db.close()


def test_each_change_is_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    task = parse_task(TASK)
    with closing(Journal.open(path, identities())) as journal:
        journal.sending(0, SENT, Decimal("0.32"))
        journal.created(0, task, Decimal("0.32"))
        journal.sending(1, SENT, None)
        journal.uncertain(1, "connection dropped")
        journal.sending(2, SENT, Decimal("0.32"))
        journal.not_created(2, "invalid model")
    with closing(Journal.open(path, identities())) as journal:
        first, second, third = journal.rows
    assert (first.phase, first.task_id, first.status) == (Phase.CREATED, "t-1", "pending")
    assert (first.sent_at, first.cost_usd) == (SENT, Decimal("0.32"))
    assert first.task is not None
    assert parse_task(first.task).task_id == "t-1"
    assert (second.phase, second.error, second.task_id) == (
        Phase.UNCERTAIN,
        "connection dropped",
        None,
    )
    assert (third.phase, third.sent_at, third.error) == (Phase.NEW, None, "invalid model")


def test_finished_and_saved_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    done = parse_task({**TASK, "status": "completed", "output": {"video": "https://x/v.mp4"}})
    with closing(Journal.open(path, identities(1))) as journal:
        journal.created(0, parse_task(TASK), None)
        journal.finished(0, done, Decimal("0.32"))
        journal.saved(0, [tmp_path / "t-1.mp4"])
    with closing(Journal.open(path, identities(1))) as journal:
        (row,) = journal.rows
    assert (row.phase, row.status, row.paths) == (
        Phase.SAVED,
        "completed",
        [str(tmp_path / "t-1.mp4")],
    )


def test_the_webhook_secret_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with closing(Journal.open(path, identities(1))) as journal:
        journal.created(0, parse_task(TASK), None)
    assert b"hook-secret-xyz" not in path.read_bytes()
    with closing(Journal.open(path, identities(1))) as journal:
        assert journal.rows[0].task is not None
        assert journal.rows[0].task["config"]["webhook_config"] == {"endpoint": "https://hook.test"}


def test_a_journal_of_other_requests_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    Journal.open(path, identities(3)).close()
    with pytest.raises(BatchJournalError, match="records 3 requests, but 4 were given"):
        Journal.open(path, identities(4))
    changed = identities(3)
    changed[1] = request_identity(Sora2VideoInput(prompt="clip 1", duration=8))
    with pytest.raises(BatchJournalError) as refused:
        Journal.open(path, changed)
    message = str(refused.value)
    assert "request 1 was sora2/sora2-video 'clip 1'" in message
    assert "another journal path" in message


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words to fill a page " * 40)
    with pytest.raises(BatchJournalError, match="is not a batch journal"):
        Journal.open(text, identities())
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE things (x)")
    db.commit()
    db.close()
    with pytest.raises(BatchJournalError, match="not a piapi batch journal"):
        Journal.open(other, identities())


def test_a_journal_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    Journal.open(path, identities()).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(BatchJournalError, match="has format 2; this piapi reads format 1"):
        Journal.open(path, identities())


@pytest.mark.parametrize("reopened", [False, True], ids=["new", "reopened"])
def test_a_journal_in_use_by_another_run_is_refused_at_once(tmp_path: Path, reopened: bool) -> None:
    """`reopened`: the other run resumed it (and has written nothing to it yet)."""
    path = tmp_path / "journal.sqlite"
    if reopened:
        Journal.open(path, identities()).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from piapi.batch._journal import Journal; "
            "from piapi.batch._plan import request_identity; "
            "from piapi import Sora2VideoInput; "
            "ids = [request_identity(Sora2VideoInput(prompt=f'clip {n}')) for n in range(3)]; "
            f"j = Journal.open({str(path)!r}, ids); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(BatchJournalError, match="in use by another run"):
            Journal.open(path, identities())
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        assert holder.stdout is not None
        holder.stdout.close()
    Journal.open(path, identities()).close()  # free again once the other run ended


def test_without_a_path_the_journal_lives_in_memory(tmp_path: Path) -> None:
    with closing(Journal.open(None, identities())) as journal:
        journal.sending(0, SENT, None)
        assert journal.path is None
    assert list(tmp_path.iterdir()) == []
