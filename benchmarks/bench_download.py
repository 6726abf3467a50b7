"""Benchmark 5: downloading a large video with `client.download` against raw httpx streaming.

The fake server (its own process) computes the MP4's bytes on the fly, so a 200 MB file
is never held in memory on either side. Each download runs in a fresh child process so
its peak RSS is its own; the runs rotate between the SDK, raw httpx, and raw
httpx + fsync (the SDK fsyncs its temporary file before renaming it into place, so that a
crash never leaves a truncated video under the final name: the same durability costs
the same). The async client (`sdk-async`, on asyncio) writes in a worker thread in 1 MiB
batches; it is compared with the sync client. Files go to a temporary directory, deleted
afterwards. We compare median throughput and the worst RSS growth.

    python benchmarks/bench_download.py --child SIDE URL BASE_URL DIR   (used internally)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from _common import (
    API_KEY,
    Row,
    ServerProcess,
    median,
    peak_rss_mb,
    rotate,
    rss_mb,
    run_child,
    say,
    temp_dir,
)

MB = 1024 * 1024
TARGET_RSS_MB = 30.0
TARGET_THROUGHPUT_RATIO = 0.9


def _async_child(url: str, base_url: str, dest: Path) -> dict[str, Any]:
    import anyio

    from piapi import AsyncPiAPIClient

    async def main() -> dict[str, Any]:
        async with AsyncPiAPIClient(api_key=API_KEY, base_url=base_url) as client:
            base_rss = rss_mb()
            started = time.perf_counter()
            path = await client.download(url, dest)
            seconds = time.perf_counter() - started
            peak_rss = peak_rss_mb()
        size = path.stat().st_size
        path.unlink()
        return {"seconds": seconds, "bytes": size, "base_rss_mb": base_rss, "peak_rss_mb": peak_rss}

    return anyio.run(main)


def child(side: str, url: str, base_url: str, directory: str) -> dict[str, Any]:
    from piapi import PiAPIClient

    dest = Path(directory) / f"{side.replace('+', '-')}.mp4"
    if side == "sdk-async":
        return _async_child(url, base_url, dest)
    with PiAPIClient(api_key=API_KEY, base_url=base_url) as client, httpx.Client() as http:
        base_rss = rss_mb()
        started = time.perf_counter()
        if side == "sdk":
            path = client.download(url, dest)
        else:
            with http.stream("GET", url) as response, dest.open("wb") as file:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    file.write(chunk)
                if side == "raw+fsync":
                    file.flush()
                    os.fsync(file.fileno())
            path = dest
        seconds = time.perf_counter() - started
        peak_rss = peak_rss_mb()
    size = path.stat().st_size
    path.unlink()
    return {"seconds": seconds, "bytes": size, "base_rss_mb": base_rss, "peak_rss_mb": peak_rss}


def run(quick: bool) -> list[Row]:
    size_mb, rounds = (20, 3) if quick else (200, 5)
    sides = ("sdk", "raw", "raw+fsync", "sdk-async")
    results: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    with (
        ServerProcess("--media-size", str(size_mb * MB)) as server,
        temp_dir("piapi-bench-download-") as directory,
    ):
        with httpx.Client() as http:
            created = http.post(
                f"{server.url}/api/v1/task",
                headers={"X-API-Key": API_KEY},
                json={"model": "sora2", "task_type": "sora2-video", "input": {"prompt": "dl"}},
            ).json()
        url = created["data"]["output"]["video"]
        for index in range(rounds + 1):  # round 0 warms the page cache and the server up
            for side in rotate(sides, index):
                args = [__file__, "--child", side, url, server.url, str(directory)]
                result = json.loads(run_child(args, timeout=300))
                if result["bytes"] != size_mb * MB:
                    raise RuntimeError(f"{side} downloaded {result['bytes']} bytes")
                if index > 0:
                    results[side].append(result)

    def throughput(side: str) -> float:
        return median([r["bytes"] / r["seconds"] / MB for r in results[side]])

    def growth(side: str) -> float:
        return max(float(r["peak_rss_mb"] - r["base_rss_mb"]) for r in results[side])

    sdk_speed, raw_speed, fsync_speed, async_speed = (throughput(side) for side in sides)
    sdk_growth, raw_growth = growth("sdk"), growth("raw")
    ratio = sdk_speed / raw_speed
    say(
        f"{size_mb} MB x{rounds} each: client.download {sdk_speed:.0f} MB/s, raw httpx stream "
        f"{raw_speed:.0f} MB/s (x{ratio:.2f}), raw + fsync {fsync_speed:.0f} MB/s "
        f"(x{sdk_speed / fsync_speed:.2f})"
    )
    say(
        f"async client.download {async_speed:.0f} MB/s (x{async_speed / sdk_speed:.2f} of sync), "
        f"RSS +{growth('sdk-async'):.1f} MB"
    )
    say(f"peak RSS growth (worst run): SDK +{sdk_growth:.1f} MB, raw +{raw_growth:.1f} MB")
    return [
        Row(
            f"download {size_mb} MB: throughput",
            f"{sdk_speed:.0f} MB/s",
            f"httpx {raw_speed:.0f} MB/s",
            ratio,
            f">= {TARGET_THROUGHPUT_RATIO:.1f}x",
            ratio >= TARGET_THROUGHPUT_RATIO,
        ),
        Row(
            f"download {size_mb} MB: same durability",
            f"{sdk_speed:.0f} MB/s",
            f"httpx+fsync {fsync_speed:.0f} MB/s",
            sdk_speed / fsync_speed,
            f">= {TARGET_THROUGHPUT_RATIO:.1f}x",
            sdk_speed / fsync_speed >= TARGET_THROUGHPUT_RATIO,
        ),
        Row(
            f"download {size_mb} MB: async, disk off the loop",
            f"{async_speed:.0f} MB/s",
            f"sync SDK {sdk_speed:.0f} MB/s",
            async_speed / sdk_speed,
            f">= {TARGET_THROUGHPUT_RATIO:.1f}x",
            async_speed / sdk_speed >= TARGET_THROUGHPUT_RATIO,
        ),
        Row(
            f"download {size_mb} MB: RSS growth",
            f"+{sdk_growth:.1f} MB",
            f"httpx +{raw_growth:.1f} MB",
            None,
            f"< {TARGET_RSS_MB:.0f} MB",
            sdk_growth < TARGET_RSS_MB,
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        print(json.dumps(child(*sys.argv[2:6])))
    else:
        sys.exit("usage: bench_download.py --child sdk|sdk-async|raw|raw+fsync URL BASE_URL DIR")
