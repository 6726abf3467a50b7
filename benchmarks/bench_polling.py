"""Benchmark 4: polling efficiency, simulated from `piapi._polling.poll_delay` (no sleeping).

`create_and_wait` counts the create answer as the first look at the task, then polls after
1 s, 1.5 s, 2.25 s, ... capped at 10 s. For a task that finishes `d` seconds after its
creation we count the GET requests until one sees it finished, and how late that GET is.
Beside ours: fixed 1 s polling, and PiAPI's official CLI (1 s growing x1.5 to a 30 s cap).
The delays are the mean and the worst over finish times swept across d +- 10 % in 10 ms
steps (at exactly d the phase of the schedule can make any schedule look lucky).
"""

from __future__ import annotations

from collections.abc import Callable

from _common import Row, say
from piapi._polling import poll_delay

Schedule = Callable[[int], float]
DURATIONS = (30.0, 90.0, 300.0)
TARGET_DURATION = 90.0
TARGET_REQUESTS = 15
TARGET_DELAY = 10.0
MAX_POLLS = 100_000


def ours(polls_done: int) -> float:
    return poll_delay(polls_done)


def fixed_1s(polls_done: int) -> float:
    return 1.0


def piapi_cli(polls_done: int) -> float:
    return min(1.0 * 1.5 ** (polls_done - 1), 30.0)


SCHEDULES: dict[str, Schedule] = {"ours": ours, "fixed 1 s": fixed_1s, "CLI 1s x1.5/30s": piapi_cli}


def simulate(schedule: Schedule, finish: float) -> tuple[int, float]:
    """GET requests until one sees the task finished at `finish`, and how late it was."""
    now, polls_done, requests = 0.0, 1, 0  # the create answer was the first look
    while requests < MAX_POLLS:
        now += schedule(polls_done)
        requests += 1
        polls_done += 1
        if now >= finish:
            return requests, now - finish
    raise RuntimeError("the schedule never reached the finish time")


def delays(schedule: Schedule, duration: float) -> tuple[float, float]:
    """Mean and worst detection delay for finish times across `duration` +- 10 %."""
    low, high = round(duration * 90), round(duration * 110)  # in 10 ms steps
    late = [simulate(schedule, step / 100)[1] for step in range(low, high + 1)]
    return sum(late) / len(late), max(late)


def run(quick: bool) -> list[Row]:
    rows = []
    for duration in DURATIONS:
        figures: dict[str, tuple[int, float, float]] = {}
        for name, schedule in SCHEDULES.items():
            requests = simulate(schedule, duration)[0]
            mean, worst = delays(schedule, duration)
            figures[name] = (requests, mean, worst)
            say(
                f"{duration:5.0f} s task, {name:15s}: {requests:3d} requests, "
                f"detected {mean:4.1f} s late on average (worst {worst:4.1f} s)"
            )
        requests, mean, worst = figures["ours"]
        fixed, cli = figures["fixed 1 s"], figures["CLI 1s x1.5/30s"]
        is_target = duration == TARGET_DURATION
        rows.append(
            Row(
                f"polling, {duration:.0f} s task",
                f"{requests} req, {mean:.1f}s late (worst {worst:.1f}s)",
                f"1s: {fixed[0]} req; CLI: {cli[0]} req, {cli[1]:.1f}s (worst {cli[2]:.0f}s)",
                requests / fixed[0],
                f"~{TARGET_REQUESTS} req, <= {TARGET_DELAY:.0f}s late" if is_target else "info",
                (requests <= TARGET_REQUESTS + 1 and worst <= TARGET_DELAY) if is_target else None,
            )
        )
    return rows
