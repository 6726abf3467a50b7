"""Benchmark 3: one `AsyncPiAPIClient` waiting on many tasks at once.

The fake server (its own process) makes each created task finish after a random time in
[0, span). A child process (so its peak RSS is its own) creates the tasks, then waits on
all of them concurrently with the default poll schedule, and reports: wall time of the
waits against the ideal (the last finish plus one poll cap, the most the schedule may add),
requests per task, errors, detection delays and peak RSS growth over the post-import base.

    python benchmarks/bench_waits.py --child URL TASKS [POLL_INTERVAL]   (used internally)
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

from _common import API_KEY, Row, ServerProcess, median, run_child, say

TARGET_WALL_RATIO = 1.2
TARGET_RSS_MB = 150.0
CREATE_CONCURRENCY = 50


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(url: str, count: int, poll_interval: float | None) -> dict[str, Any]:
    import anyio
    import httpx

    from piapi import AsyncPiAPIClient, Sora2Task

    base_rss = _rss_mb()
    counts = {"requests": 0, "http_errors": 0}
    latencies: list[float] = []

    async def on_request(request: httpx.Request) -> None:
        request.extensions["bench_sent"] = time.perf_counter()

    async def on_response(response: httpx.Response) -> None:
        counts["requests"] += 1
        latencies.append(time.perf_counter() - response.request.extensions["bench_sent"])
        if response.status_code >= 400:
            counts["http_errors"] += 1

    async def main() -> dict[str, Any]:
        # Our own pool only to count requests; it is configured like the SDK's default one.
        http = httpx.AsyncClient(
            timeout=60.0, event_hooks={"request": [on_request], "response": [on_response]}
        )
        created: list[Sora2Task | None] = [None] * count
        finished: list[tuple[Sora2Task, float] | None] = [None] * count
        errors: list[str] = []
        try:
            client = AsyncPiAPIClient(api_key=API_KEY, base_url=url, http_client=http)
            limit = anyio.Semaphore(CREATE_CONCURRENCY)

            async def create(index: int) -> None:
                async with limit:
                    created[index] = await client.sora2.create(prompt=f"benchmark task {index}")

            async def wait(index: int) -> None:
                task = created[index]
                assert task is not None
                try:
                    done = await client.tasks.wait(task, poll_interval=poll_interval, timeout=300)
                    finished[index] = (done, time.time())
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for index in range(count):
                    group.start_soon(create, index)
            create_seconds = time.perf_counter() - started
            create_requests = counts["requests"]
            del latencies[:]
            wait_start_wall = time.time()
            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for index in range(count):
                    group.start_soon(wait, index)
            wall = time.perf_counter() - started
        finally:
            await http.aclose()
        ends = [done.meta.ended_at.timestamp() for done, _ in filter(None, finished)]  # type: ignore[union-attr]
        delays = [seen - done.meta.ended_at.timestamp() for done, seen in filter(None, finished)]  # type: ignore[union-attr]
        return {
            "count": count,
            "create_seconds": create_seconds,
            "wall": wall,
            "last_finish": (max(ends) - wait_start_wall) if ends else 0.0,
            "wait_requests": counts["requests"] - create_requests,
            "http_errors": counts["http_errors"],
            "errors": errors[:5],
            "error_count": len(errors) + (count - len(ends) - len(errors)),
            "delay_median": median(delays) if delays else 0.0,
            "delay_max": max(delays) if delays else 0.0,
            "latency_median": median(latencies) if latencies else 0.0,
            "latency_p90": sorted(latencies)[int(len(latencies) * 0.9)] if latencies else 0.0,
            "base_rss_mb": base_rss,
            "peak_rss_mb": _rss_mb(),
        }

    return anyio.run(main)


def run(quick: bool) -> list[Row]:
    from piapi._polling import MAX_POLL_DELAY

    count, span = (100, 3.0) if quick else (1000, 20.0)
    poll_interval = 0.5 if quick else None  # quick: a scaled-down schedule, same mechanics
    cap = poll_interval if poll_interval is not None else MAX_POLL_DELAY
    with ServerProcess("--tasks", str(count), "--span", str(span)) as server:
        args = [__file__, "--child", server.url, str(count)]
        if poll_interval is not None:
            args.append(str(poll_interval))
        result = json.loads(run_child(args, timeout=span + 300))
    ideal = result["last_finish"] + cap
    ratio = result["wall"] / ideal
    per_task = result["wait_requests"] / count
    growth = result["peak_rss_mb"] - result["base_rss_mb"]
    errors = result["error_count"]
    schedule = "default schedule" if poll_interval is None else f"poll_interval={poll_interval}"
    say(
        f"{count} tasks finishing within {span:.0f} s, {schedule}: created in "
        f"{result['create_seconds']:.2f} s; waits took {result['wall']:.2f} s, ideal "
        f"{ideal:.2f} s (last finish {result['last_finish']:.2f} s + {cap:g} s)"
    )
    say(
        f"{result['wait_requests']} polls = {per_task:.2f} per task, {errors} errors, "
        f"{result['http_errors']} HTTP errors; detection delay median "
        f"{result['delay_median']:.2f} s, max {result['delay_max']:.2f} s; poll latency median "
        f"{result['latency_median'] * 1e3:.0f} ms, p90 {result['latency_p90'] * 1e3:.0f} ms"
    )
    say(
        f"peak RSS {result['peak_rss_mb']:.1f} MB, {growth:.1f} MB over the post-import "
        f"base of {result['base_rss_mb']:.1f} MB"
    )
    if result["errors"]:
        say(f"first errors: {result['errors']}")
    return [
        Row(
            f"wait x{count}: wall time",
            f"{result['wall']:.1f} s",
            f"ideal {ideal:.1f} s",
            ratio,
            f"<= {TARGET_WALL_RATIO:.1f}x",
            ratio <= TARGET_WALL_RATIO,
        ),
        Row(
            f"wait x{count}: errors, polls",
            f"{errors} errors, {per_task:.1f} req/task",
            "-",
            None,
            "0 errors",
            errors == 0 and result["http_errors"] == 0,
        ),
        Row(
            f"wait x{count}: peak RSS growth",
            f"+{growth:.1f} MB",
            f"base {result['base_rss_mb']:.0f} MB",
            None,
            f"< {TARGET_RSS_MB:.0f} MB",
            growth < TARGET_RSS_MB,
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        interval = float(sys.argv[4]) if len(sys.argv) > 4 else None
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), interval)))
    else:
        sys.exit("usage: bench_waits.py --child URL TASKS [POLL_INTERVAL]")
