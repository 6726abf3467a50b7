"""The batch journal: one SQLite file that records, for each request, what was done with it.

A row per request (its position and content hash); each state change is one transaction,
written before the action it records: a create is journaled as "sending" before it is
sent, so a crash at any moment leaves either "nothing sent", "may have been sent" or the
task id. A rollback journal (`journal_mode=DELETE`, `synchronous=FULL`): every commit is in
the named file itself and on disk when it returns, so the file alone (copied, moved, mounted)
holds everything, even after `kill -9`. An exclusive lock: two runs never share a journal.
Standard library only (`sqlite3`), loaded only by batches.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol, cast

from piapi._core.errors import PiAPIError
from piapi._core.models import Task, TaskStatus
from piapi._core.protocol import check_task_id
from piapi.batch._plan import Identity, Phase

SCHEMA_VERSION = 1
APPLICATION_ID = int.from_bytes(b"PiBJ", "big")  # marks the file as a piapi batch journal
_BUSY_TIMEOUT = 0.0  # another run holds the journal: say so at once, do not wait for it

_SCHEMA = """
CREATE TABLE items (
    position INTEGER PRIMARY KEY,
    request_hash TEXT NOT NULL,
    label TEXT NOT NULL,
    phase TEXT NOT NULL,
    task_id TEXT,
    sent_at TEXT,
    status TEXT,
    cost_usd TEXT,
    task TEXT,
    paths TEXT,
    error TEXT
)
"""


class BatchJournalError(PiAPIError):
    """A batch journal cannot be used: it records other requests, it is not a journal (or
    is damaged), or another run is using it: then nothing was sent. Or it could not be
    written while the batch ran (disk full, quota, permissions): then creating stopped, and
    the message names what exists at PiAPI.

    Attributes:
        reason: Why it could not be written (None when it was refused before running).
        task_ids: `{position: task_id}` of every task known to exist at PiAPI.
        unrecorded: Those of `task_ids` the journal could not record: pass them as
            `resolve=` when running again.
        may_exist: Positions whose create was sent with no answer recorded: their task may
            exist (look for it in your PiAPI task history).
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        task_ids: dict[int, str] | None = None,
        unrecorded: dict[int, str] | None = None,
        may_exist: list[int] | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.task_ids = task_ids or {}
        self.unrecorded = unrecorded or {}
        self.may_exist = may_exist or []


class UnfollowableTaskError(PiAPIError):
    """PiAPI answered a create with a task id that cannot name a task in a URL: the batch
    records its item as failed (its cost noted) and cannot follow the task."""

    def __init__(self, task_id: str, problem: str) -> None:
        super().__init__(
            f"PiAPI answered the create with the task id {task_id!r}, which cannot be "
            f"followed ({problem}): the batch neither waits for it nor downloads it. The task "
            "may exist and be billed: look for it in your PiAPI task history"
        )


class ClaimGoneError(PiAPIError):
    """A shared journal's item is no longer this worker's to send (another worker took it
    once this one gave it back, or it no longer fits under the batch's cap): nothing was
    sent."""


def _unfollowable(task_id: str) -> UnfollowableTaskError | None:
    try:
        check_task_id(task_id)
    except ValueError as exc:
        return UnfollowableTaskError(task_id, str(exc).split(" (got")[0])
    return None


@dataclass
class Row:
    """One request's line in the journal."""

    position: int
    request_hash: str
    label: str
    phase: Phase
    task_id: str | None = None
    sent_at: datetime | None = None
    status: str | None = None
    cost_usd: Decimal | None = None
    task: dict[str, Any] | None = None
    paths: list[str] | None = None
    error: str | None = None


class ItemJournal(Protocol):
    """What a batch run records, item by item, before each next action: the SQLite file
    journal of one process (`Journal`), or a store shared by many (`SharedJournal`). Each
    change is committed when the method returns."""

    rows: list[Row]

    def sending(self, position: int, sent_at: datetime, cost_usd: Decimal | None) -> None: ...
    def uncertain(self, position: int, error: str | None) -> None: ...
    def not_created(self, position: int, error: str | None, *, refused: bool = False) -> None: ...
    def created(self, position: int, task: Task[Any, Any], cost_usd: Decimal | None) -> None: ...
    def resolved(self, position: int, task_id: str) -> None: ...
    def finished(self, position: int, task: Task[Any, Any], cost_usd: Decimal | None) -> None: ...
    def note(self, position: int, error: str | None) -> None: ...
    def saved(self, position: int, paths: Sequence[Path]) -> None: ...
    def done_with(self, position: int) -> None: ...
    def close(self) -> None: ...


_COLUMNS = tuple(column.name for column in fields(Row))  # the items table's, as `_row` reads them


class _Damaged(Exception):
    """What is wrong with a journal's content (said in a `BatchJournalError`)."""


def _damaged(where: Path | None, problem: str) -> BatchJournalError:
    return BatchJournalError(
        f"The batch journal {where} is damaged: {problem}. Nothing was sent. If it was "
        "copied, copy it again from the original (a copy made while a batch was running may "
        "be cut short); if it is lost, the tasks it recorded still exist at PiAPI: look for "
        "them in your PiAPI task history before starting again with another journal path."
    )


def _read_rows(db: sqlite3.Connection, where: Path | None) -> list[Row]:
    """Every row, checked: a damaged journal is refused, saying what is wrong."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'items'").fetchone() is None:
        raise _damaged(where, "it has no items table")
    columns = {row[1] for row in db.execute("PRAGMA table_info(items)")}
    missing = [name for name in _COLUMNS if name not in columns]
    if missing:
        raise _damaged(where, f"its items table has no column {', '.join(missing)}")
    problems = [row[0] for row in db.execute("PRAGMA quick_check") if row[0] != "ok"]
    if problems:
        raise _damaged(where, f"SQLite finds {problems[0]!r}")
    rows: list[Row] = []
    for values in db.execute(f"SELECT {', '.join(_COLUMNS)} FROM items ORDER BY position"):
        try:
            row = _row(values)
        except _Damaged as exc:
            raise _damaged(where, f"item {values[0]!r}: {exc}") from None
        if row.position != len(rows):
            raise _damaged(where, f"it has no row for position {len(rows)}")
        rows.append(row)
    return rows


def _row(values: tuple[Any, ...]) -> Row:
    position, digest, label, phase, task_id, sent_at, status, cost, task, paths, error = values
    if not isinstance(position, int):
        raise _Damaged(f"position is {position!r}, not a whole number")
    return Row(
        position=position,
        request_hash=_text_in(digest, "request_hash"),
        label=_text_in(label, "label"),
        phase=_phase(phase),
        task_id=_optional_text(task_id, "task_id"),
        sent_at=_time(_optional_text(sent_at, "sent_at")),
        status=_optional_text(status, "status"),
        cost_usd=_decimal(_optional_text(cost, "cost_usd")),
        task=_task(task),
        paths=_paths(paths),
        error=_optional_text(error, "error"),
    )


def _text_in(value: object, column: str) -> str:
    if not isinstance(value, str):
        raise _Damaged(f"{column} is {value!r}, not text")
    return value


def _optional_text(value: object, column: str) -> str | None:
    return None if value is None else _text_in(value, column)


def _phase(value: object) -> Phase:
    try:
        return Phase(_text_in(value, "phase"))
    except ValueError:
        raise _Damaged(f"phase is {value!r}, not one of the phases a journal records") from None


def _json(value: object, column: str) -> object:
    if value is None or value == "":
        return None
    try:
        parsed: object = json.loads(_text_in(value, column))
    except ValueError:
        raise _Damaged(f"{column} is not JSON ({str(value)[:40]!r})") from None
    return parsed


def _task(value: object) -> dict[str, Any] | None:
    parsed = _json(value, "task")
    if parsed is not None and not isinstance(parsed, dict):
        raise _Damaged("task is not a JSON object")
    return cast("dict[str, Any] | None", parsed)


def _paths(value: object) -> list[str] | None:
    parsed = _json(value, "paths")
    if parsed is None:
        return None
    if not isinstance(parsed, list) or not all(
        isinstance(path, str) for path in cast("list[object]", parsed)
    ):
        raise _Damaged("paths is not a JSON list of paths")
    return cast("list[str]", parsed)


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise _Damaged(f"cost_usd is {text!r}, not an amount")
    return amount


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _Damaged(f"sent_at is {text!r}, not a time") from None


def _task_record(task: Task[Any, Any]) -> str:
    """The task as compact JSON, without the webhook secret PiAPI echoes, nor the `input`
    it echoes: that is the request's, given again on every run (it halves the journal)."""
    data = task.model_dump(mode="json", exclude_none=True, exclude={"input"})
    config: object = data.get("config")
    hook: object = (
        cast("dict[str, Any]", config).get("webhook_config") if isinstance(config, dict) else None
    )
    if isinstance(hook, dict):
        cast("dict[str, Any]", hook).pop("secret", None)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


class Journal:
    """An open journal; every method that changes a row commits before it returns.

    Thread-safe (one lock); `path=None` keeps it in memory (a batch without a journal).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path | None, rows: list[Row]):
        self._db = connection
        self.path = path
        self.rows = rows
        self._lock = threading.Lock()
        # What exists at PiAPI, said when the journal cannot be written any more.
        self._task_ids = {row.position: row.task_id for row in rows if row.task_id is not None}
        self._unrecorded: dict[int, str] = {}
        self._sent: set[int] = set()  # "sending" recorded, no answer recorded yet
        self._failure: BatchJournalError | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, identities: Sequence[Identity]) -> Journal:
        """Open (or create) the journal of these requests.

        Raises:
            BatchJournalError: The journal records other requests, is not a batch journal
                (or a newer one), or another run holds it.
        """
        where = Path(path).expanduser() if path is not None else None
        existing = False
        if where is not None:
            where.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                existing = where.stat().st_size > 0
        try:
            db = sqlite3.connect(
                ":memory:" if where is None else where,
                isolation_level=None,  # autocommit: one statement, one transaction
                check_same_thread=False,
                timeout=_BUSY_TIMEOUT,
            )
        except sqlite3.Error as exc:
            raise BatchJournalError(f"Cannot open the batch journal {where}: {exc}") from None
        try:
            rows = cls._prepare(db, where, identities, existing=existing)
        except BaseException:
            db.close()
            raise
        return cls(db, where, rows)

    @staticmethod
    def _prepare(
        db: sqlite3.Connection,
        where: Path | None,
        identities: Sequence[Identity],
        *,
        existing: bool,
    ) -> list[Row]:
        try:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            # A journal an earlier version left in WAL mode (its log replayed, even after a
            # kill) is checkpointed into the file and converted here, before anything else.
            mode = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if where is not None and mode != "delete":
                raise BatchJournalError(
                    f"Cannot use the batch journal {where}: it stays in journal mode {mode} "
                    "(is it read-only?). Nothing was sent."
                )
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN EXCLUSIVE")  # the exclusive lock, kept for as long as it is open
            with db:  # committed, or rolled back on any exception
                rows = Journal._read_or_create(db, where, identities, existing=existing)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise BatchJournalError(
                    f"The batch journal {where} is in use by another run of this batch. Wait "
                    "for it to end (two runs of one batch would create its tasks twice)."
                ) from None
            raise BatchJournalError(f"Cannot use the batch journal {where}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc):  # a journal (its header says so) cut short, or worse
                raise _damaged(where, f"SQLite says {exc}") from None
            raise BatchJournalError(
                f"{where} is not a batch journal ({exc}). Choose another journal path."
            ) from None
        return rows

    @staticmethod
    def _read_or_create(
        db: sqlite3.Connection,
        where: Path | None,
        identities: Sequence[Identity],
        *,
        existing: bool,
    ) -> list[Row]:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        empty = application_id == 0 and version == 0 and tables == 0
        if empty and existing:
            # Not started afresh: that would create every task of the batch again.
            raise BatchJournalError(
                f"{where} is not a complete batch journal: it is an SQLite database with "
                "nothing in it. A journal an earlier piapi wrote in WAL mode, copied or moved "
                "without the '-wal' file beside it (which held its latest changes), looks like "
                "this: copy it again with its '-wal' file. If it is not a journal, choose "
                "another journal path. Nothing was sent."
            )
        if empty:
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute(_SCHEMA)
            rows = [
                Row(position, identity.digest, identity.label, Phase.NEW)
                for position, identity in enumerate(identities)
            ]
            db.executemany(
                "INSERT INTO items (position, request_hash, label, phase) VALUES (?, ?, ?, ?)",
                [(row.position, row.request_hash, row.label, row.phase.value) for row in rows],
            )
            return rows
        if application_id != APPLICATION_ID:
            raise BatchJournalError(
                f"{where} is an SQLite database but not a piapi batch journal. Choose another "
                "journal path."
            )
        if version != SCHEMA_VERSION:
            raise BatchJournalError(
                f"The batch journal {where} has format {version}; this piapi reads format "
                f"{SCHEMA_VERSION}. Use the piapi version that wrote it."
            )
        rows = _read_rows(db, where)
        _check_same_requests(where, rows, identities)
        for row in rows:  # journaled unchecked by an earlier version: never followed
            unfollowable = _unfollowable(row.task_id) if row.task_id is not None else None
            if unfollowable is not None:
                row.phase, row.status = Phase.FINISHED, TaskStatus.FAILED.value
                row.task_id, row.task, row.error = None, None, str(unfollowable)
                db.execute(
                    "UPDATE items SET phase = ?, status = ?, task_id = NULL, task = NULL, "
                    "error = ? WHERE position = ?",
                    (row.phase.value, row.status, row.error, row.position),
                )
        return rows

    def _update(self, position: int, **values: object) -> None:
        """Write one change. Once the journal cannot be written, write nothing more and
        raise the same `BatchJournalError`, naming what exists at PiAPI, at every change."""
        columns = ", ".join(f"{name} = ?" for name in values)
        with self._lock:
            if self._failure is None:
                try:
                    self._db.execute(
                        f"UPDATE items SET {columns} WHERE position = ?",
                        (*values.values(), position),
                    )
                except sqlite3.Error as exc:
                    self._failure = BatchJournalError("", reason=str(exc))
                else:
                    self._note(position, values, written=True)
                    return
            self._note(position, values, written=False)
            raise self._failed()

    def _note(self, position: int, values: dict[str, object], *, written: bool) -> None:
        phase, task_id = values.get("phase"), values.get("task_id")
        if phase == Phase.SENDING.value:
            if written:
                self._sent.add(position)
        elif phase is not None and (written or phase == Phase.NEW.value):
            self._sent.discard(position)
        if isinstance(task_id, str):
            self._sent.discard(position)
            (self._task_ids if written else self._unrecorded)[position] = task_id

    def _failed(self) -> BatchJournalError:
        """The journal's failure, its message and fields saying what exists now."""
        failure = self._failure
        assert failure is not None
        failure.task_ids = {**self._task_ids, **self._unrecorded}
        failure.unrecorded = dict(sorted(self._unrecorded.items()))
        failure.may_exist = sorted(self._sent)
        parts = [
            f"Cannot write the batch journal {self.path} ({failure.reason}): creating stopped."
        ]
        recorded = sorted(self._task_ids.items())
        if recorded:
            shown = ", ".join(f"item {position} {task_id}" for position, task_id in recorded[:20])
            more = f" and {len(recorded) - 20} more" if len(recorded) > 20 else ""
            parts.append(f"Tasks at PiAPI recorded in it: {shown}{more}.")
        for position, task_id in failure.unrecorded.items():
            parts.append(
                f"Item {position} is task {task_id}, created but not recorded: pass "
                f"resolve={{{position}: {task_id!r}}} when you run again."
            )
        if failure.may_exist:
            items = ", ".join(str(position) for position in failure.may_exist)
            parts.append(
                f"A create of item {items} was sent with no answer recorded: its task may "
                "exist (look for it in your PiAPI task history)."
            )
        parts.append(
            "Make room on the disk (or fix the file's permissions), then run the same "
            "requests with the same journal to resume."
        )
        failure.args = (" ".join(parts),)
        return failure

    # One method per state change; each is one transaction, committed when it returns.

    def sending(self, position: int, sent_at: datetime, cost_usd: Decimal | None) -> None:
        """Before a create is sent: from now on the task may exist.

        Synced to disk before it returns (as every change is), so even a power cut cannot
        lose it.
        """
        self._update(
            position,
            phase=Phase.SENDING.value,
            sent_at=sent_at.isoformat(),
            cost_usd=_text(cost_usd),
            error=None,
        )

    def uncertain(self, position: int, error: str | None) -> None:
        """The create may have reached PiAPI, but no task id is known."""
        self._update(position, phase=Phase.UNCERTAIN.value, error=error)

    def not_created(self, position: int, error: str | None, *, refused: bool = False) -> None:
        """PiAPI certainly created nothing (refused, or the create never left); a refused
        item is tried again by the next run (`refused` matters to a shared journal)."""
        self._update(position, phase=Phase.NEW.value, sent_at=None, cost_usd=None, error=error)

    def created(self, position: int, task: Task[Any, Any], cost_usd: Decimal | None) -> None:
        """The task exists: its id and how it looked.

        Raises:
            UnfollowableTaskError: Its id cannot name a task: the item is recorded as
                failed, with its cost (nothing can follow it).
        """
        self._check_followable(position, task.task_id, cost_usd=_text(cost_usd))
        self._update(
            position,
            phase=Phase.CREATED.value,
            task_id=task.task_id,
            status=task.status.value,
            cost_usd=_text(cost_usd),
            task=_task_record(task),
            error=None,
        )

    def resolved(self, position: int, task_id: str) -> None:
        """The item is this task (the user says so, or an unreadable answer named it).

        Raises:
            UnfollowableTaskError: The id cannot name a task: the item is recorded as
                failed, its cost kept (nothing can follow it).
        """
        self._check_followable(position, task_id)
        self._update(position, phase=Phase.CREATED.value, task_id=task_id, task=None, error=None)

    def _check_followable(self, position: int, task_id: str, **values: object) -> None:
        unfollowable = _unfollowable(task_id)
        if unfollowable is not None:
            self._update(
                position,
                phase=Phase.FINISHED.value,
                status=TaskStatus.FAILED.value,
                task_id=None,
                task=None,
                error=str(unfollowable),
                **values,
            )
            raise unfollowable

    def finished(self, position: int, task: Task[Any, Any], cost_usd: Decimal | None) -> None:
        """The task ended (completed, failed or cancelled)."""
        self._update(
            position,
            phase=Phase.FINISHED.value,
            status=task.status.value,
            cost_usd=_text(cost_usd),
            task=_task_record(task),
        )

    def note(self, position: int, error: str | None) -> None:
        """Why an item did not move on (a wait gave up, a download failed)."""
        self._update(position, error=error)

    def saved(self, position: int, paths: Sequence[Path]) -> None:
        """The task's results are downloaded."""
        self._update(
            position,
            phase=Phase.SAVED.value,
            paths=json.dumps([str(path) for path in paths], ensure_ascii=False),
            error=None,
        )

    def done_with(self, position: int) -> None:
        """The run's program for the item ended (nothing to record: the file is this run's)."""

    def close(self) -> None:
        """Close it (every change is in the file already)."""
        with self._lock:
            self._db.close()


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _check_same_requests(
    where: Path | None, rows: list[Row], identities: Sequence[Identity]
) -> None:
    """Refuse a journal written for other requests: resuming it would mix two batches."""
    hint = (
        "Run it with the requests it was written for to resume it, or start a new batch "
        "with another journal path."
    )
    if len(rows) != len(identities):
        raise BatchJournalError(
            f"The batch journal {where} records {len(rows)} requests, but {len(identities)} "
            f"were given. {hint}"
        )
    for row, identity in zip(rows, identities, strict=True):
        if row.request_hash != identity.digest:
            raise BatchJournalError(
                f"The batch journal {where} records other requests: request {row.position} "
                f"was {row.label}, it is now {identity.label}. {hint}"
            )
