"""The journal's file on a real process: after `kill -9` the named file alone holds every
committed change (it can be copied, moved or mounted alone), a file that is not a complete
journal is refused instead of starting afresh, a journal left in WAL mode by an earlier
version is converted before anything is created, and two runs never share a journal."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from _batchutil import Runner, clips

from piapi import BatchJournalError, Sora2VideoInput, parse_task
from piapi.batch._journal import _SCHEMA, APPLICATION_ID, SCHEMA_VERSION, Journal
from piapi.batch._plan import Identity, Phase, request_identity
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer

TIMEOUT = 60.0  # generous: a bound for a process that ends at once, not a timing

# Runs `run_many` on one client (sync, asyncio or trio) with a journal and kills itself with
# SIGKILL as soon as the first item's outcome is known: the journal is never closed.
KILLED_RUN = """
import os, signal, sys
import anyio
from piapi import AsyncPiAPIClient, PiAPIClient, Sora2VideoInput

mode, url, journal = sys.argv[1:]
requests = [Sora2VideoInput(prompt=f"clip {n}") for n in range(3)]

def killed(item):
    os.kill(os.getpid(), signal.SIGKILL)

if mode == "sync":
    with PiAPIClient(api_key="test", base_url=url) as client:
        client.tasks.run_many(requests, journal=journal, concurrency=1, on_result=killed)
else:
    async def main():
        async with AsyncPiAPIClient(api_key="test", base_url=url) as client:
            await client.tasks.run_many(requests, journal=journal, concurrency=1, on_result=killed)
    anyio.run(main, backend=mode)
"""


def identities(count: int = 3) -> list[Identity]:
    return [request_identity(Sora2VideoInput(prompt=f"clip {n}")) for n in range(count)]


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_after_kill_9_the_named_file_alone_holds_every_change(mode: str, tmp_path: Path) -> None:
    fake = FakePiAPI(clock=FakeClock(), queue_delay=0, task_duration=0)
    journal = tmp_path / "run.sqlite"
    with FakePiAPIServer(fake) as server:
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_RUN, mode, server.url, str(journal)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert fake.create_counts() == {"clip 0": 1}
        # Copied alone (a backup, a container mount): everything the run committed is in it.
        moved = tmp_path / "elsewhere" / "run.sqlite"
        moved.parent.mkdir()
        shutil.copyfile(journal, moved)
        runner = Runner(mode, fake, server_url=server.url)
        items = runner.run_many(clips(3), journal=moved)
        runner.close()
    assert [item.state.value for item in items] == ["completed"] * 3
    assert fake.create_counts() == {"clip 0": 1, "clip 1": 1, "clip 2": 1}


def old_wal_journal(path: Path, *, killed: bool) -> None:
    """A journal as the earlier version wrote it (WAL mode): item 0 created as task t-0.

    `killed`: its process is killed with SIGKILL before closing it, leaving every change
    in `path`-wal; else it is closed as that version closed it (checkpointed).
    """
    digests = [(n, identity.digest, identity.label) for n, identity in enumerate(identities())]
    script = textwrap.dedent(
        f"""
        import os, signal, sqlite3
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        db.execute("PRAGMA application_id={APPLICATION_ID}")
        db.execute("PRAGMA user_version={SCHEMA_VERSION}")
        db.execute({_SCHEMA!r})
        db.executemany(
            "INSERT INTO items (position, request_hash, label, phase) VALUES (?, ?, ?, 'new')",
            {digests!r},
        )
        db.execute("COMMIT")
        db.execute("UPDATE items SET phase = 'created', task_id = 't-0' WHERE position = 0")
        if {killed!r}:
            os.kill(os.getpid(), signal.SIGKILL)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=TIMEOUT)
    assert done.returncode == (-signal.SIGKILL if killed else 0), done.stderr


def test_a_wal_journal_copied_without_its_wal_is_refused_not_started_afresh(
    tmp_path: Path,
) -> None:
    original = tmp_path / "run.sqlite"
    old_wal_journal(original, killed=True)
    assert Path(f"{original}-wal").exists()
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(original, copy)  # the -wal left behind: an empty database
    with pytest.raises(BatchJournalError) as refused:
        Journal.open(copy, identities())
    message = str(refused.value)
    assert "not a complete batch journal" in message
    assert "-wal" in message
    assert copy.stat().st_size == original.stat().st_size  # left as it was


def test_an_empty_database_is_refused_but_an_empty_file_becomes_a_journal(tmp_path: Path) -> None:
    empty_db = tmp_path / "empty.sqlite"
    db = sqlite3.connect(empty_db, isolation_level=None)
    db.execute("CREATE TABLE x (y)")
    db.execute("DROP TABLE x")
    db.close()
    assert empty_db.stat().st_size > 0
    with pytest.raises(BatchJournalError, match="not a complete batch journal"):
        Journal.open(empty_db, identities())
    touched = tmp_path / "touched.sqlite"
    touched.touch()  # what a crash before the first commit leaves: nothing was ever sent
    with closing(Journal.open(touched, identities())) as journal:
        assert [row.phase for row in journal.rows] == [Phase.NEW] * 3


@pytest.mark.parametrize("killed", [True, False])
def test_a_journal_left_in_wal_mode_is_converted_before_anything_is_created(
    tmp_path: Path, killed: bool
) -> None:
    path = tmp_path / "run.sqlite"
    old_wal_journal(path, killed=killed)
    with closing(Journal.open(path, identities())) as journal:
        assert [row.phase for row in journal.rows] == [Phase.CREATED, Phase.NEW, Phase.NEW]
        assert not Path(f"{path}-wal").exists()
    # Converted: the named file alone holds it all.
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(path, copy)
    db = sqlite3.connect(copy)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("SELECT task_id FROM items WHERE position = 0").fetchone()[0] == "t-0"
    db.close()


def test_each_change_is_in_the_named_file_before_the_journal_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    with closing(Journal.open(path, identities())) as journal:
        journal.sending(0, datetime(2025, 1, 1, tzinfo=timezone.utc), None)
        copy = tmp_path / "copy.sqlite"
        shutil.copyfile(path, copy)
        with closing(Journal.open(copy, identities())) as copied:
            assert [row.phase for row in copied.rows] == [Phase.SENDING, Phase.NEW, Phase.NEW]


# --- a damaged journal ----------------------------------------------------------------------

# No constraints and no types (so no conversions): any value fits, as in a damaged file.
LOOSE_ITEMS = re.sub(r" (INTEGER|TEXT)( PRIMARY KEY| NOT NULL)?", "", _SCHEMA)


def damaged(path: Path, *statements: str, schema: str = LOOSE_ITEMS) -> Path:
    """A journal of `identities()` with item 0 created as t-0, its table rebuilt with
    `schema` (no constraints by default), then `statements` run on it."""
    task = {"task_id": "t-0", "model": "sora2", "task_type": "sora2-video", "status": "pending"}
    with closing(Journal.open(path, identities())) as journal:
        journal.sending(0, datetime(2025, 1, 1, tzinfo=timezone.utc), None)
        journal.created(0, parse_task(task), None)
    db = sqlite3.connect(path, isolation_level=None)
    columns = [row[1] for row in db.execute("PRAGMA table_info(items)")]
    kept = [column for column in columns if re.search(rf"\b{column}\b", schema)]
    db.execute("ALTER TABLE items RENAME TO old")
    db.execute(schema)
    names = ", ".join(kept)
    db.execute(f"INSERT INTO items ({names}) SELECT {names} FROM old")
    db.execute("DROP TABLE old")
    for statement in statements:
        db.execute(statement)
    db.close()
    return path


DAMAGE = {
    "null phase": (["UPDATE items SET phase = NULL WHERE position = 1"], "item 1: phase"),
    "unknown phase": (["UPDATE items SET phase = 'lost' WHERE position = 1"], "item 1: phase"),
    "bad json": (["UPDATE items SET task = '{\"task_id\": ' WHERE position = 0"], "item 0: task"),
    "json of a wrong type": (["UPDATE items SET paths = '{\"a\": 1}' WHERE position = 0"], "paths"),
    "a number for text": (["UPDATE items SET request_hash = 7 WHERE position = 2"], "item 2"),
    "a number for a task id": (["UPDATE items SET task_id = 42 WHERE position = 0"], "task_id"),
    "text for a position": (["UPDATE items SET position = 'x' WHERE position = 2"], "position"),
    "a missing row": (["DELETE FROM items WHERE position = 1"], "position"),
    "a bad time": (["UPDATE items SET sent_at = 'yesterday' WHERE position = 0"], "sent_at"),
    "a bad amount": (["UPDATE items SET cost_usd = 'lots' WHERE position = 0"], "cost_usd"),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_a_damaged_row_is_refused_saying_what_is_wrong(tmp_path: Path, case: str) -> None:
    statements, where = DAMAGE[case]
    path = damaged(tmp_path / "run.sqlite", *statements)
    with pytest.raises(BatchJournalError) as refused:
        Journal.open(path, identities())
    message = str(refused.value)
    assert "is damaged" in message
    assert where in message


def test_a_journal_without_a_column_is_refused_saying_which(tmp_path: Path) -> None:
    without_status = LOOSE_ITEMS.replace("    status,\n", "")
    path = damaged(tmp_path / "run.sqlite", schema=without_status)
    with pytest.raises(BatchJournalError, match=r"is damaged: .*no column status"):
        Journal.open(path, identities())


def test_a_journal_without_its_table_is_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path / "run.sqlite", "DROP TABLE items")
    with pytest.raises(BatchJournalError, match="is damaged: it has no items table"):
        Journal.open(path, identities())


def test_a_journal_cut_short_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    many = [request_identity(Sora2VideoInput(prompt=f"clip {n}" * 50)) for n in range(200)]
    Journal.open(path, many).close()
    size = path.stat().st_size
    assert size > 8 * 4096
    with path.open("r+b") as file:  # an interrupted copy
        file.truncate(size // 2)
    with pytest.raises(BatchJournalError, match="is damaged"):
        Journal.open(path, many)


def test_run_many_refuses_a_damaged_journal_before_sending(runner: Runner, tmp_path: Path) -> None:
    path = damaged(tmp_path / "run.sqlite", "UPDATE items SET phase = NULL WHERE position = 1")
    with pytest.raises(BatchJournalError, match="is damaged"):
        runner.run_many(clips(3), journal=path)
    assert runner.fake.requests == []


# --- a journal that cannot be written -------------------------------------------------------

ITEMS_ON_A_FULL_DISK = 40


# Put first in a child's script: files cannot grow past `limit` bytes (argv[1]), a write past
# it fails with EFBIG (SIGXFSZ ignored). The child writes no bytecode: on a fresh clone a
# .pyc cut short at the limit would break every later import of that module.
NO_ROOM_BEYOND = """
import resource, signal, sys
sys.dont_write_bytecode = True
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
"""


def full_disk_limit(tmp_path: Path, count: int) -> int:
    """Room for a new journal of `count` items and a few created tasks, not for all."""
    sizing = tmp_path / "sizing.sqlite"
    many = [request_identity(Sora2VideoInput(prompt=f"clip {n}")) for n in range(count)]
    Journal.open(sizing, many).close()
    size = sizing.stat().st_size
    sizing.unlink()
    return size + 2 * 4096


RUN_ON_A_FULL_DISK = (
    NO_ROOM_BEYOND
    + """
import json, sys
import anyio
from piapi import AsyncPiAPIClient, BatchJournalError, PiAPIClient, Sora2VideoInput

mode, url, journal, count = sys.argv[1:]
requests = [Sora2VideoInput(prompt=f"clip {n}") for n in range(int(count))]
try:
    if mode == "sync":
        with PiAPIClient(api_key="test", base_url=url) as client:
            client.tasks.run_many(requests, journal=journal, concurrency=4)
    else:
        async def main():
            async with AsyncPiAPIClient(api_key="test", base_url=url) as client:
                await client.tasks.run_many(requests, journal=journal, concurrency=4)
        anyio.run(main, backend=mode)
except BatchJournalError as exc:
    print(json.dumps({"message": str(exc), "unrecorded": exc.unrecorded,
                      "task_ids": exc.task_ids, "may_exist": exc.may_exist}))
"""
)


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_a_journal_that_cannot_be_written_stops_creating_and_names_what_exists(
    mode: str, tmp_path: Path
) -> None:
    fake = FakePiAPI(clock=FakeClock(), queue_delay=0, task_duration=0)
    journal, count = tmp_path / "run.sqlite", ITEMS_ON_A_FULL_DISK
    limit = full_disk_limit(tmp_path, count)
    with FakePiAPIServer(fake) as server:
        arguments = [str(limit), mode, server.url, str(journal), str(count)]
        done = subprocess.run(
            [sys.executable, "-c", RUN_ON_A_FULL_DISK, *arguments],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout, done.stderr  # BatchJournalError, not sqlite3.OperationalError
        failure = json.loads(done.stdout)
        message = failure["message"]
        created = {task.prompt: task.task_id for task in fake.created_tasks}
        assert 0 < len(created) < count  # it stopped creating
        assert "Cannot write the batch journal" in message
        for task_id in created.values():  # every task at PiAPI is named
            assert task_id in message
        assert failure["may_exist"] == []  # every create sent was answered
        assert sorted(failure["task_ids"].values()) == sorted(created.values())
        # With room again: the run resumes, the tasks not recorded given back to it.
        resolve = {int(position): task_id for position, task_id in failure["unrecorded"].items()}
        runner = Runner(mode, fake, server_url=server.url)
        items = runner.run_many(clips(count), journal=journal, resolve=resolve)
        runner.close()
    assert [item.state.value for item in items] == ["completed"] * count
    assert set(fake.create_counts().values()) == {1}
    assert len(fake.created_tasks) == count


PIAPI_ON_A_FULL_DISK = NO_ROOM_BEYOND + "from piapi.cli import main; sys.exit(main())"


def test_piapi_batch_on_a_full_disk_names_what_exists_and_how_to_resume(tmp_path: Path) -> None:
    fake = FakePiAPI(clock=FakeClock(), queue_delay=0, task_duration=0)
    count = ITEMS_ON_A_FULL_DISK
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(f'{{"prompt": "clip {n}"}}\n' for n in range(count)))
    argv = ["batch", str(prompts), "--out", str(tmp_path / "out"), "--yes", "--concurrency", "4"]
    # Room for the journal of `count` items and a few tasks (a video is far smaller).
    limit = full_disk_limit(tmp_path, count)
    with FakePiAPIServer(fake) as server:
        env = {**os.environ, "PIAPI_API_KEY": "test", "PIAPI_BASE_URL": server.url}
        full = subprocess.run(
            [sys.executable, "-c", PIAPI_ON_A_FULL_DISK, str(limit), *argv],
            capture_output=True, text=True, timeout=TIMEOUT, env=env,
        )  # fmt: skip
        message = full.stderr
        assert full.returncode == 2, message  # not 70, "a bug in piapi"
        assert "Cannot write the journal" in message
        assert "Traceback" not in message
        assert "bug" not in message
        created = [task.task_id for task in fake.created_tasks]
        assert 0 < len(created) < count
        assert all(task_id in message for task_id in created)
        assert "run the same command" in message
        options = [f"--resolve={item}" for item in re.findall(r"--resolve (\d+=[\w-]+)", message)]
        piapi = "import sys; from piapi.cli import main; sys.exit(main())"
        again = subprocess.run(
            [sys.executable, "-c", piapi, *argv, *options],
            capture_output=True, text=True, timeout=TIMEOUT, env=env,
        )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"{count} items: {count} completed." in again.stdout
    assert set(fake.create_counts().values()) == {1}
    assert len(fake.created_tasks) == count


class FullDisk:
    """A connection whose writes fail as on a full disk."""

    def execute(self, *args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def close(self) -> None:
        pass


def test_once_it_cannot_be_written_each_change_names_what_exists(tmp_path: Path) -> None:
    sent = datetime(2025, 1, 1, tzinfo=timezone.utc)
    task = {"task_id": "t-0", "model": "sora2", "task_type": "sora2-video", "status": "pending"}
    with closing(Journal.open(tmp_path / "run.sqlite", identities(4))) as journal:
        journal.sending(0, sent, None)
        journal.created(0, parse_task(task), None)
        journal.sending(1, sent, None)
        journal.sending(2, sent, None)
        real, journal._db = journal._db, FullDisk()  # type: ignore[assignment]
        with pytest.raises(BatchJournalError) as full:
            journal.created(1, parse_task({**task, "task_id": "t-1"}), None)
        with pytest.raises(BatchJournalError) as again:
            journal.sending(3, sent, None)  # nothing more is written, nor sent
        journal._db = real
    assert again.value is full.value  # the one failure, its message kept up to date
    error = full.value
    assert error.reason == "database or disk is full"
    assert error.task_ids == {0: "t-0", 1: "t-1"}
    assert error.unrecorded == {1: "t-1"}
    assert error.may_exist == [2]
    message = str(error)
    assert "item 0 t-0" in message
    assert "resolve={1: 't-1'}" in message
    assert "A create of item 2 was sent" in message
