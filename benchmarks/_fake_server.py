"""The fake PiAPI for the benchmarks, in its own process so its CPU and memory stay apart.

    python benchmarks/_fake_server.py [--tasks N --span S] [--media-size BYTES]

Prints `URL http://127.0.0.1:PORT` once listening and serves until its stdin closes.
With `--tasks N`, the next N created tasks finish after random durations in [0, S) s.
"""

from __future__ import annotations

import argparse
import random
import sys

from piapi.testing import FakePiAPI, FakePiAPIServer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=0, help="tasks with random durations")
    parser.add_argument("--span", type=float, default=20.0, help="their durations: [0, span)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--duration", type=float, default=0.0, help="other tasks' duration")
    parser.add_argument("--media-size", type=int, default=1024, help="bytes of each video")
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
    for _ in range(args.tasks):
        fake.script(duration=rng.uniform(0.0, args.span), queue_delay=0.0, times=1)

    with FakePiAPIServer(fake, host="127.0.0.1", port=0) as server:
        print(f"URL {server.url}", flush=True)
        for _ in sys.stdin:  # serve until the parent closes our stdin (or dies)
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
