"""Benchmark 6: a 1,000-item batch (`tasks.run_many`), concurrency 50, with a journal.

Each run is a fresh child process (its peak RSS is its own) with the fake PiAPI in process
on a fake clock, so the tasks' minutes take no real time and what is measured is the SDK:
creating, waiting, downloading every video and journaling every step (the "sending" record
synced to disk before each create). Reported: wall time, items not completed ("lost"),
creates per item, peak RSS growth over the child's RSS once its imports are done, and the
journal's size on disk.

    python benchmarks/bench_batch.py --child MODE COUNT DIR   (used internally; MODE is
    sync, asyncio or trio; prints one JSON line)
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import Row, peak_rss_mb, rss_mb, run_child, say, temp_dir

CONCURRENCY = 50
TARGET_RSS_MB = 100.0
TARGET_JOURNAL_MB = 2.0
MB = 1024 * 1024


def child(mode: str, count: int, directory: str) -> dict[str, Any]:
    """Run one batch of `count` Sora 2 requests; its figures as a dict."""
    import anyio
    import anyio.lowlevel

    import piapi._async.batch
    import piapi._sync.batch  # noqa: F401  # imported before the baseline is taken
    from piapi import AsyncPiAPIClient, BatchItem, PiAPIClient, Sora2VideoInput
    from piapi.testing import FakeClock, FakePiAPI

    folder = Path(directory)
    journal, out = folder / f"{mode}.sqlite", folder / f"{mode}-videos"
    clock = FakeClock()
    fake = FakePiAPI(clock=clock, queue_delay=5.0, task_duration=90.0)
    requests = [
        Sora2VideoInput(prompt=f"Clip {n}: a red fox in fresh snow, golden hour, slow dolly in")
        for n in range(count)
    ]
    options: dict[str, Any] = {
        "concurrency": CONCURRENCY,
        "journal": journal,
        "download_to": out,
    }
    base_rss = rss_mb()
    started = time.perf_counter()
    items: list[BatchItem]
    if mode == "sync":
        with PiAPIClient(api_key="test", http_client=fake.client()) as client:
            client._sleep = clock.sleep
            client._now = clock.monotonic
            items = client.tasks.run_many(requests, **options)
    else:

        async def advance(seconds: float) -> None:
            clock.advance(seconds)
            await anyio.lowlevel.checkpoint()

        async def main() -> list[BatchItem]:
            async with AsyncPiAPIClient(api_key="test", http_client=fake.async_client()) as client:
                client._sleep = advance
                client._now = clock.monotonic
                return await client.tasks.run_many(requests, **options)

        items = anyio.run(main, backend=mode)
    wall = time.perf_counter() - started
    states = Counter(item.state.value for item in items)
    files = list(out.iterdir())
    return {
        "mode": mode,
        "count": count,
        "wall": wall,
        "completed": states["completed"],
        "states": dict(states),
        "lost": count - sum(1 for item in items if item.state.value == "completed" and item.paths),
        "creates": len(fake.created_tasks),
        "most_creates_per_item": max(fake.create_counts().values()),
        "files": len(files),
        "journal_bytes": sum(path.stat().st_size for path in folder.glob(f"{journal.name}*")),
        "base_rss_mb": base_rss,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure(mode: str, count: int, directory: Path) -> dict[str, Any]:
    """`child` in a fresh interpreter."""
    result: dict[str, Any] = json.loads(
        run_child([__file__, "--child", mode, str(count), str(directory)], timeout=600)
    )
    return result


def run(quick: bool) -> list[Row]:
    count = 200 if quick else 1000
    rows: list[Row] = []
    for mode in ("sync", "asyncio"):
        with temp_dir("piapi-bench-batch-") as directory:
            result = measure(mode, count, directory)
        growth = result["peak_rss_mb"] - result["base_rss_mb"]
        journal_mb = result["journal_bytes"] / MB
        say(
            f"{mode}: {count} items x{CONCURRENCY} in {result['wall']:.1f} s, "
            f"{result['lost']} lost, {result['creates']} creates (at most "
            f"{result['most_creates_per_item']} per item), {result['files']} files, "
            f"RSS +{growth:.1f} MB, journal {journal_mb:.2f} MB"
        )
        name = f"batch {count} x{CONCURRENCY} ({mode})"
        rows += [
            Row(
                f"{name}: items lost",
                f"{result['lost']} of {count}",
                "-",
                None,
                "0, one create each",
                result["lost"] == 0 and result["most_creates_per_item"] == 1,
            ),
            Row(f"{name}: wall", f"{result['wall']:.1f} s", "-", None, "info", None, "info"),
            Row(
                f"{name}: RSS growth",
                f"+{growth:.1f} MB",
                "-",
                None,
                f"< {TARGET_RSS_MB:.0f} MB",
                growth < TARGET_RSS_MB,
            ),
            Row(
                f"{name}: journal",
                f"{journal_mb:.2f} MB",
                "-",
                None,
                f"< {TARGET_JOURNAL_MB:.0f} MB",
                journal_mb < TARGET_JOURNAL_MB,
            ),
        ]
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
    else:
        for row in run(quick="--quick" in sys.argv):
            print(row)
