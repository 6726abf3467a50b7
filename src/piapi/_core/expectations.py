"""How long tasks take: built-in priors for Sora 2 and a per-client memory of finished tasks.

A task's run time depends on its model, task type and duration. The client remembers the
run times of the tasks it has seen complete (PiAPI's own `created_at` -> `ended_at`, so
our polling never blurs them) and the poll schedule in `_polling` reads the expectation.
No I/O here; the wall clock is an attribute so tests can replace it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from piapi._core.protocol import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from piapi._core.models import Task

TaskKey = tuple[str, str, "int | None"]
"""(model, task_type, duration in seconds or None): tasks expected to take alike."""

PRIOR_SPREAD = 0.15
"""A prior, or fewer than `SPREAD_SAMPLES` samples: expect the median +- 15 %."""
SPREAD_SAMPLES = 5
"""From this many samples on, the window is their 10th to 90th percentile."""
MIN_SPREAD = 0.05
"""A learned window is never narrower than the median +- 5 %."""
SAMPLES_PER_KEY = 25
MAX_KEYS = 64
MAX_RUN_TIME = 86_400.0
"""A run time outside (0, one day] is a clock glitch or a stuck task: not learned."""

# Seconds from creation to completion. PiAPI's docs show one data point: a 4 s
# sora2-video took ~92 s. Longer videos: a fixed ~30 s (queue, setup) plus ~15 s per
# second of video, which puts 4 s at 90 s. Pro: twice as long; it costs 3x per second,
# and sqrt(3) ~ 2 is the middle of "as fast" and "3x the compute" on a log scale. A prior
# wrong by 2x costs one slow first task per kind: the client learns from then on.
SORA2_PRIORS: Mapping[TaskKey, float] = {
    ("sora2", "sora2-video", 4): 90.0,
    ("sora2", "sora2-video", 8): 150.0,
    ("sora2", "sora2-video", 12): 210.0,
    ("sora2", "sora2-pro-video", 4): 180.0,
    ("sora2", "sora2-pro-video", 8): 300.0,
    ("sora2", "sora2-pro-video", 12): 420.0,
}


# A NamedTuple, not a frozen dataclass: as immutable, and ~6x cheaper to define at import.
class Expectation(NamedTuple):
    """When a task should be done, in seconds after its creation: likely in [low, high]."""

    median: float
    low: float
    high: float

    @classmethod
    def around(cls, median: float, spread: float = PRIOR_SPREAD) -> Expectation:
        """The median +- `spread` (a fraction of it)."""
        return cls(median, median * (1 - spread), median * (1 + spread))

    @classmethod
    def from_samples(cls, samples: list[float]) -> Expectation:
        """The running median of `samples`; their 10th-90th percentiles once there are enough."""
        ordered = sorted(samples)
        count = len(ordered)
        middle = ordered[count // 2]
        median = middle if count % 2 else (ordered[count // 2 - 1] + middle) / 2
        if count < SPREAD_SAMPLES:
            return cls.around(median)
        low = ordered[math.floor((count - 1) * 0.1)]
        high = ordered[math.ceil((count - 1) * 0.9)]
        return cls(
            median, min(low, median * (1 - MIN_SPREAD)), max(high, median * (1 + MIN_SPREAD))
        )

    def shifted(self, seconds: float) -> Expectation:
        """The same expectation counted from `seconds` later."""
        return Expectation(self.median + seconds, self.low + seconds, self.high + seconds)


def task_key(task: Task[Any, Any]) -> TaskKey:
    """The key of tasks expected to take alike: model, task type and `input.duration`."""
    task_input: object = task.input
    if isinstance(task_input, Mapping):
        duration: object = cast("Mapping[str, object]", task_input).get("duration")
    else:
        duration = getattr(task_input, "duration", None)
    if isinstance(duration, float) and duration.is_integer():
        duration = int(duration)
    if not isinstance(duration, int) or isinstance(duration, bool):
        duration = None
    return (task.model, task.task_type, duration)


def _seconds(start: object, end: object) -> float | None:
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    try:
        seconds = (end - start).total_seconds()
    except TypeError:  # naive and aware times: cannot be compared
        return None
    return seconds if 0 < seconds <= MAX_RUN_TIME else None


class _Memory:
    __slots__ = ("processing", "processing_expectation", "total", "total_expectation")

    def __init__(self) -> None:
        self.total: deque[float] = deque(maxlen=SAMPLES_PER_KEY)
        self.processing: deque[float] = deque(maxlen=SAMPLES_PER_KEY)
        self.total_expectation: Expectation | None = None
        self.processing_expectation: Expectation | None = None


class Expectations:
    """One client's knowledge of run times: priors plus a running median per `TaskKey`.

    Thread- and task-safe (one lock, never held across I/O) and bounded: the last
    `SAMPLES_PER_KEY` run times of the `MAX_KEYS` most recently used keys.
    """

    def __init__(self, priors: Mapping[TaskKey, float] | None = None) -> None:
        self.priors: Mapping[TaskKey, float] = dict(priors or {})
        self.wall_clock: Callable[[], float] = time.time
        self._memory: OrderedDict[TaskKey, _Memory] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def for_base_url(cls, base_url: str) -> Expectations:
        """Sora 2 priors for PiAPI itself; none elsewhere (a fake or another service): learn."""
        return cls(SORA2_PRIORS if base_url == DEFAULT_BASE_URL else None)

    def expect(self, key: TaskKey) -> Expectation | None:
        """When a task of this kind should be done after its creation; None if unknown."""
        with self._lock:
            memory = self._memory.get(key)
            if memory is not None and memory.total_expectation is not None:
                self._memory.move_to_end(key)
                return memory.total_expectation
        prior = self.priors.get(key)
        return Expectation.around(prior) if prior is not None else None

    def expect_processing(self, key: TaskKey) -> Expectation | None:
        """When it should be done after it started processing; only once learned."""
        with self._lock:
            memory = self._memory.get(key)
            return memory.processing_expectation if memory is not None else None

    def record(self, task: Task[Any, Any]) -> None:
        """Learn from a completed task's own timestamps; anything unreadable is ignored."""
        meta = task.meta
        total = _seconds(getattr(meta, "created_at", None), getattr(meta, "ended_at", None))
        processing = _seconds(getattr(meta, "started_at", None), getattr(meta, "ended_at", None))
        if total is None:
            return
        key = task_key(task)
        with self._lock:
            memory = self._memory.get(key)
            if memory is None:
                memory = self._memory[key] = _Memory()
                if len(self._memory) > MAX_KEYS:
                    self._memory.popitem(last=False)
            self._memory.move_to_end(key)
            memory.total.append(total)
            memory.total_expectation = Expectation.from_samples(list(memory.total))
            if processing is not None and processing <= total:
                memory.processing.append(processing)
                memory.processing_expectation = Expectation.from_samples(list(memory.processing))

    def __repr__(self) -> str:
        return f"Expectations(priors={len(self.priors)}, learned={len(self._memory)})"
