"""The fake PiAPI for the benchmarks, in its own process so its CPU and memory stay apart.

    python benchmarks/_fake_server.py [--tasks N --span S | --together S] [--media-size BYTES]

Prints `URL http://127.0.0.1:PORT` once listening and serves until its stdin closes.
With `--tasks N`, the next N created tasks finish after random durations in [0, S) s;
with `--together S` as well, all N finish at one moment, S s after the N-th was created.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time

from piapi.testing import FakePiAPI, FakePiAPIServer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=0, help="tasks with random durations")
    parser.add_argument("--span", type=float, default=20.0, help="their durations: [0, span)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--duration", type=float, default=0.0, help="other tasks' duration")
    parser.add_argument("--media-size", type=int, default=1024, help="bytes of each video")
    parser.add_argument("--together", type=float, default=None, help="all N end S s after")
    args = parser.parse_args()

    fake = FakePiAPI(
        api_key="test",
        queue_delay=0.0,
        task_duration=args.duration,
        media_size=args.media_size,
        seed=args.seed,
    )
    fake.record_requests = False  # keep the server flat in memory over many requests
    rng = random.Random(args.seed)
    if args.together is not None:
        fake.script(duration=86_400.0, queue_delay=0.0, times=args.tasks)
        threading.Thread(
            target=finish_together, args=(fake, args.tasks, args.together), daemon=True
        ).start()
    else:
        for _ in range(args.tasks):
            fake.script(duration=rng.uniform(0.0, args.span), queue_delay=0.0, times=1)

    with FakePiAPIServer(fake, host="127.0.0.1", port=0) as server:
        print(f"URL {server.url}", flush=True)
        for _ in sys.stdin:  # serve until the parent closes our stdin (or dies)
            pass
    return 0


def finish_together(fake: FakePiAPI, count: int, after: float) -> None:
    """Complete all `count` tasks at one moment, `after` s once the last one was created."""
    while len(fake.created_tasks) < count:
        time.sleep(0.01)
    time.sleep(after)
    for task in fake.created_tasks:
        fake.complete(task.task_id)


if __name__ == "__main__":
    sys.exit(main())
