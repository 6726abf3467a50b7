"""The issue's "Done when": `piapi batch` killed with SIGKILL at random moments and run again,
10 times over, ends with every item completed, one file each, and exactly one create per
item at PiAPI. And Ctrl-C on the real process: it stops creating and says what exists.

The fake server lives in this test's process, so it outlives every kill. Each kill moment is
chosen at random (seeded; the seed and each moment are printed) as the k-th request a run
sends, and fired from inside the server while it handles that request, before or after the
fake acts on it: never after a delay. Faults add creates that may or may not have reached
PiAPI, and garbled polls.

Between runs the test is the user: for each item a run reported uncertain, it looks at the
fake's records (the PiAPI task history): if there is a task for it, the next run is told
`--resolve LINE=TASK_ID`; if not, `--retry-uncertain LINE`.
"""

from __future__ import annotations

import os
import random
import signal
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from batch_user import settle
from cli_forkserver import TIMEOUT, Running
from piapi.testing import FakePiAPI, FakePiAPIServer, Fault
from piapi.testing._fake import FakeResponse

SEED = int(os.environ.get("PIAPI_SIGKILL_SEED", "13"))
# A killed run handles at most 3 + (CONCURRENCY - 1) requests, an item needs at least 3
# (create, look, download): 20 items always leave work for the 10th kill.
ITEMS = 20
CONCURRENCY = 3
KILLS = 10


@dataclass(frozen=True)
class Moment:
    """Kill the run while the server handles its `request`-th request, `when` the fake acts."""

    request: int
    when: str  # "before" (the fake never acts on it) or "after" (it did; no answer arrives)


class Killer:
    """Wraps the fake's handler: counts a run's requests and kills the run at its moment."""

    def __init__(self, fake: FakePiAPI, sig: signal.Signals = signal.SIGKILL) -> None:
        self.fake = fake
        self.signal = sig
        self.handle = fake.handle
        self.lock = threading.Lock()
        self.process: Running | None = None
        self.started = threading.Event()
        self.moment: Moment | None = None
        self.seen = 0
        self.killed_at: str | None = None
        fake.handle = self._handle  # type: ignore[method-assign]

    def arm(self, moment: Moment | None) -> None:
        """Count the next run's requests from 1 (before it starts: a fork sends at once)."""
        with self.lock:
            self.process, self.moment, self.seen, self.killed_at = None, moment, 0, None
            self.started.clear()

    def started_as(self, process: Running) -> None:
        self.process = process
        self.started.set()

    def _handle(self, method: str, url: str, headers: Any, body: bytes = b"") -> FakeResponse:
        with self.lock:
            self.seen += 1
            moment = self.moment
            due = moment is not None and self.killed_at is None and self.seen == moment.request
        if due and moment is not None and moment.when == "before":
            self._kill(method, url, moment)
            return FakeResponse(0, [], drop="before")
        response = self.handle(method, url, headers, body)
        if due and moment is not None:
            self._kill(method, url, moment)
        return response

    def _kill(self, method: str, url: str, moment: Moment) -> None:
        assert self.started.wait(TIMEOUT), "the run never started"
        assert self.process is not None
        path = url.split("//", 1)[-1].partition("/")[2]
        # Recorded first: the test reads it as soon as the run has ended.
        self.killed_at = f"request {moment.request} ({method} /{path[:30]}), {moment.when} acting"
        self.process.process.send_signal(self.signal)
        if self.signal is signal.SIGKILL:
            self.process.process.wait(TIMEOUT)  # dead before the fake answers: none arrives


def test_sigkill_at_random_moments_then_rerunning_creates_each_item_exactly_once(
    tmp_path: Path, start: Callable[..., Running]
) -> None:
    rng = random.Random(SEED)
    print(f"\nseed {SEED} (set PIAPI_SIGKILL_SEED to replay another)")
    # Tasks finish when created: kills, faults and garbled polls are what is tested here;
    # a resumed run waiting for unfinished tasks is test_run_many's.
    fake = FakePiAPI(queue_delay=0, task_duration=0, seed=SEED)
    # Creates PiAPI acted on but never answered, or refused with a 5xx: both "uncertain".
    fake.faults.add(Fault.drop_after(), endpoint="create", nth=rng.sample(range(1, ITEMS), 2))
    fake.faults.add(
        Fault.http_status(503, body="empty"), endpoint="create", nth=rng.randint(1, ITEMS)
    )
    fake.faults.add([Fault.truncated_json(), Fault.html(502)], endpoint="get", rate=0.2)
    file = tmp_path / "prompts.jsonl"
    # Line n holds "clip n": the user finds an item's task by its prompt.
    file.write_text(
        "".join(f'{{"prompt": "clip {n}", "duration": 4}}\n' for n in range(1, ITEMS + 1))
    )
    out = tmp_path / "videos"
    with FakePiAPIServer(fake) as server:
        killer = Killer(fake)
        kills, options, code = 0, list[str](), None
        for run in range(1, KILLS + 8):
            moment = Moment(rng.randint(1, 3), rng.choice(["before", "after"]))
            if kills == KILLS:
                moment = None
            argv = [str(file), "--out", str(out), "--yes", "--concurrency", str(CONCURRENCY)]
            killer.arm(moment)
            process = start("batch", *argv, *options, server=server)
            killer.started_as(process)
            code = process.finish()
            stdout, output = process.text("out"), process.text("out") + process.text("err")
            if killer.killed_at is not None:
                kills += 1
                print(f"run {run} {' '.join(options)}: SIGKILL at {killer.killed_at}")
            else:
                print(f"run {run} {' '.join(options)}: exit {code}")
                assert "Traceback" not in output, output
            options = settle(output, fake)
            if killer.killed_at is None and code == 0:
                break
    assert kills == KILLS
    assert code == 0, output
    assert f"{ITEMS} items: {ITEMS} completed." in stdout
    counts = fake.create_counts()
    print(f"creates per item: {sorted(Counter(counts.values()).items())}; runs: {run}")
    assert counts == {f"clip {n}": 1 for n in range(1, ITEMS + 1)}
    files = [path for path in out.iterdir() if not path.name.startswith(".")]
    # One file per line, named by it: a resumed run finds (or writes) the same names.
    assert sorted(path.name for path in files) == [
        f"{n:02d}-clip-{n}.mp4" for n in range(1, ITEMS + 1)
    ]
    assert all(path.stat().st_size == fake.media_size for path in files)
    leftovers = [path.name for path in out.iterdir() if path.name.endswith(".part")]
    print(f"partial downloads left by kills (hidden): {len(leftovers)}")


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_ctrl_c_or_sigterm_stops_creating_says_what_exists_and_the_next_run_resumes(
    tmp_path: Path, start: Callable[..., Running], signum: signal.Signals, code: int
) -> None:
    # SIGTERM (docker stop, systemd) before: the process died at once, saying nothing.
    # The first run's tasks run until the test ends them: however late the signal is
    # handled under load, what they are when it is ("still running") is known.
    fake = FakePiAPI(queue_delay=0.05, task_duration=3600)
    file = tmp_path / "prompts.jsonl"
    file.write_text("".join(f'{{"prompt": "clip {n}"}}\n' for n in range(1, 9)))
    argv = [str(file), "--out", "videos", "--yes"]
    with FakePiAPIServer(fake) as server:
        killer = Killer(fake, signum)
        # Ctrl-C while PiAPI handles the 3rd request, the 3rd create (the first polls come
        # a second later): the task exists, its answer is on its way.
        killer.arm(Moment(3, "after"))
        process = start("batch", *argv, "--concurrency", "3", server=server)
        killer.started_as(process)
        exit_code = process.finish()
        message = process.text("err")
        assert exit_code == code, message
        assert "Interrupted: no more tasks are created." in message
        assert "3 tasks exist at PiAPI and are paid for (3 still running there)" in message
        assert "run the same command again to resume" in message
        assert "Traceback" not in message
        assert len(fake.created_tasks) == 3  # creating stopped
        for task in fake.created_tasks:
            fake.complete(task.task_id)
        fake.task_duration = 0.2
        killer.arm(None)
        process = start("batch", *argv, "--concurrency", "8", server=server)
        exit_code = process.finish()
    assert exit_code == 0, process.text("err")
    assert "uncertain" not in process.text("err")  # the create in flight was answered, recorded
    assert "8 items: 8 completed." in process.text("out")
    assert fake.create_counts() == {f"clip {n}": 1 for n in range(1, 9)}
