"""The issue's "Done when" for batches over many processes: `piapi batch FILE --journal
postgresql://...` run by 4 processes at once (each writing its results where it runs, as on
4 machines) on one real PostgreSQL server, against the fake PiAPI as a real server.

No test waits for a fixed time: each waits for a state (the store shows a process owning an
item, a process has ended), with generous deadlines; leases are short so that a killed
worker's items move on soon.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from batch_user import settle, uncertain_lines
from cli_forkserver import Running
from piapi.stores import ItemRow, ItemState, open_store
from piapi.testing import FakePiAPI, FakePiAPIServer
from piapi.testing._fake import FakeResponse

LINES = 24
PROCESSES = 4
DEADLINE = 300.0  # a bound for the whole batch under load, never a timing
# Leases in seconds: long where no process dies (a process starved of CPU for a whole
# lease would lose it, and its items would move on), short enough where one is killed for
# its items to move on soon after.
LEASE = "30"
LEASE_WHEN_KILLED = "8"


def batch_file(folder: Path) -> Path:
    file = folder / "prompts.jsonl"
    # Line n holds "clip n": the user (the test) finds an item's task by its prompt.
    file.write_text(
        "".join(f'{{"prompt": "clip {n}", "duration": 4}}\n' for n in range(1, LINES + 1))
    )
    return file


def start_workers(
    start: Callable[..., Running],
    server: FakePiAPIServer,
    file: Path,
    journal: str,
    folder: Path,
    *options: str,
    lease: str = LEASE,
) -> list[Running]:
    """`PROCESSES` runs of `piapi batch` on one file and one store, each with its own
    output folder (its "machine")."""
    return [
        start(
            "batch",
            str(file),
            "--out",
            str(folder / f"machine-{n}"),
            "--journal",
            journal,
            "--yes",
            "--concurrency",
            "3",
            "--lease",
            lease,
            *options,
            server=server,
        )
        for n in range(PROCESSES)
    ]


def ended(process: Running, deadline: float) -> int:
    """The exit code, once the process has ended (by `deadline`)."""
    while process.process.poll() is None:
        assert time.monotonic() < deadline, "a batch process did not end in time"
        time.sleep(0.05)  # polling for the state "ended", not a timing
    return process.finish()


def wait_for(condition: Callable[[], object], what: str, deadline: float) -> None:
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.02)  # polling for a state, not a timing


def store_items(journal: str) -> list[ItemRow]:
    """Every item of the (one) batch in the store (none before a process opened it)."""
    with open_store(journal) as store, psycopg.connect(journal) as connection:
        names = [row[0] for row in connection.execute("SELECT id FROM piapi_batches")]
        assert len(names) <= 1, names
        return store.batch_items(names[0]) if names else []


def saved_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.glob("machine-*/*")
        if path.is_file() and not path.name.startswith(".")
    )


def run_workers(
    tmp_path: Path, start: Callable[..., Running], journal: str, *options: str
) -> tuple[FakePiAPI, list[int], list[str]]:
    """`PROCESSES` runs of the 24-line file on one store, to their end: the fake, their exit
    codes and their outputs."""
    fake = FakePiAPI(queue_delay=0.05, task_duration=0.2)
    file = batch_file(tmp_path)
    deadline = time.monotonic() + DEADLINE
    with FakePiAPIServer(fake) as server:
        processes = start_workers(start, server, file, journal, tmp_path, *options)
        codes = [ended(process, deadline) for process in processes]
    for process in processes:
        assert "Traceback" not in process.text("err"), process.text("err")
    return fake, codes, [process.text("out") + process.text("err") for process in processes]


def test_four_processes_create_each_line_once_and_finish_every_item(
    tmp_path: Path, start: Callable[..., Running], pg_url: str
) -> None:
    fake, codes, outputs = run_workers(tmp_path, start, pg_url)
    for code, output in zip(codes, outputs, strict=True):
        assert code == 0, output
        assert f"{LINES} items: {LINES} completed." in output, output
    assert fake.create_counts() == {f"clip {n}": 1 for n in range(1, LINES + 1)}
    rows = store_items(pg_url)
    assert [row.state for row in rows] == [ItemState.SAVED] * LINES
    files = saved_files(tmp_path)
    assert len(files) == LINES
    # The store records where each result is: this machine, in the folder of the process
    # that finished the item.
    assert sorted(Path(row.result_path or "") for row in rows) == [p.resolve() for p in files]
    assert {row.result_host for row in rows} == {socket.gethostname()}
    assert len({path.parent for path in files}) > 1, "one process did every item"


class HeldCreate:
    """Wraps the fake's handler: the create of one prompt is held (acted on first when
    `acted`) until the test lets it go, so the process that sent it is surely killed while
    it waits for the answer: the store shows that item "sending", owned by that process."""

    def __init__(self, fake: FakePiAPI, prompt: str, *, acted: bool) -> None:
        self.handle = fake.handle
        self.prompt = prompt.encode()
        self.acted = acted
        self.released = threading.Event()
        fake.handle = self._handle  # type: ignore[method-assign]

    def _handle(self, method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        held = method.upper() == "POST" and b'"' + self.prompt + b'"' in body
        if not held or self.released.is_set():  # the first create of it only
            return self.handle(method, url, headers, body)
        response = self.handle(method, url, headers, body) if self.acted else None
        assert self.released.wait(DEADLINE), "the held create was never let go"
        return response or FakeResponse(0, [], drop="before")


@pytest.mark.parametrize("acted", [True, False], ids=["task-created", "nothing-created"])
def test_a_worker_killed_mid_run_leaves_the_rest_to_the_others_and_a_rerun_settles_it(
    tmp_path: Path, start: Callable[..., Running], pg_url: str, acted: bool
) -> None:
    # Tasks take a while: the victim also holds created tasks, which the others follow.
    fake = FakePiAPI(queue_delay=0.2, task_duration=1.0)
    held = HeldCreate(fake, "clip 9", acted=acted)
    file = batch_file(tmp_path)
    deadline = time.monotonic() + DEADLINE
    with FakePiAPIServer(fake) as server:
        processes = start_workers(start, server, file, pg_url, tmp_path, lease=LEASE_WHEN_KILLED)

        def sender_of_line_9() -> str | None:
            rows = store_items(pg_url)
            row = rows[8] if rows else None
            return row.owner if row and row.state is ItemState.SENDING else None

        wait_for(sender_of_line_9, "a process sends the create of line 9", deadline)
        owner = sender_of_line_9()
        assert owner is not None
        victim = next(p for p in processes if f":{p.process.pid}:" in owner)

        def followed_by_the_victim() -> list[int]:
            rows = store_items(pg_url)
            return [r.position for r in rows if r.owner == owner and r.state is ItemState.CREATED]

        # Its other workers go on meanwhile: kill it once it also follows a created task.
        wait_for(followed_by_the_victim, "the victim follows a task it created", deadline)
        victim.process.kill()
        assert ended(victim, deadline) == -9
        orphans = followed_by_the_victim()  # as it left them: it is dead, nothing moves
        assert orphans
        held.released.set()
        others = [process for process in processes if process is not victim]
        codes = [ended(process, deadline) for process in others]
        outputs = [process.text("out") + process.text("err") for process in others]
        rows = store_items(pg_url)
        # The others finished everything but the creates the victim was sending (line 9,
        # and any other create of its in flight at that moment): the tasks it had created
        # were followed by them.
        uncertain = [row.position + 1 for row in rows if row.state is not ItemState.SAVED]
        assert 9 in uncertain
        assert all(rows[line - 1].state is ItemState.UNCERTAIN for line in uncertain), rows
        assert all(rows[line - 1].owner is None for line in uncertain), rows
        victim_folder = (tmp_path / f"machine-{processes.index(victim)}").resolve()
        for position in orphans:  # followed and saved by another process, on its machine
            assert rows[position].state is ItemState.SAVED
            assert not Path(rows[position].result_path or "").is_relative_to(victim_folder)
        for code, output in zip(codes, outputs, strict=True):
            assert code == 8, output  # uncertain lines: the victim sent them, then died
            assert "Traceback" not in output, output
            assert uncertain_lines(output) == uncertain, output
        # The user looks for them at PiAPI and settles them in one rerun.
        options = settle(outputs[-1], fake)
        line_9 = [task.task_id for task in fake.created_tasks if task.prompt == "clip 9"]
        assert (["--resolve", f"9={line_9[0]}"] if acted else ["--retry-uncertain", "9"]) in [
            options[n : n + 2] for n in range(0, len(options), 2)
        ]
        print(
            f"\nkilled pid {victim.process.pid} following lines {[n + 1 for n in orphans]}; "
            f"others exited {codes}; rerun {options}"
        )
        rerun = start(
            "batch", str(file), "--out", str(tmp_path / "machine-9"), "--journal", pg_url,
            "--yes", "--lease", LEASE, *options, server=server,
        )  # fmt: skip
        code = ended(rerun, deadline)
        output = rerun.text("out") + rerun.text("err")
        assert code == 0, output
        assert f"{LINES} items: {LINES} completed." in output
    assert fake.create_counts() == {f"clip {n}": 1 for n in range(1, LINES + 1)}
    assert [row.state for row in store_items(pg_url)] == [ItemState.SAVED] * LINES


def test_the_cost_cap_is_one_total_across_processes(
    tmp_path: Path, start: Callable[..., Running], pg_url: str
) -> None:
    # $0.32 a line: $2 holds 6 of them, whichever processes create them.
    fake, codes, outputs = run_workers(tmp_path, start, pg_url, "--max-cost", "2")
    for code, output in zip(codes, outputs, strict=True):
        assert code == 8, output  # some lines are not created
        assert "6 completed, 18 not created" in output, output
    assert len(fake.created_tasks) == 6
    assert max(fake.create_counts().values()) == 1
    assert len(saved_files(tmp_path)) == 6
