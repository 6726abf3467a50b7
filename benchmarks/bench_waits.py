"""Benchmark 3: one async client waiting on many tasks at once, the SDK against raw httpx.

Two shapes, each against a fresh fake server in its own process (so its CPU and memory
stay apart): finish times spread over a span after creation, and every task finishing at
one moment. Each side runs in its own child process (its peak RSS and CPU are its own),
creates the tasks, then waits on all of them concurrently, and reports:

- wall time of the waits against the ideal: the moment the schedule would see the last
  task done if every request were instant;
- poll latency: from the moment a poll is due (its sleep ends) to its answer being read,
  so time queued anywhere (our gate, httpcore's pool) counts;
- client CPU: the child's process CPU time (user + system) during the waits;
- peak RSS growth over the child's RSS after its imports.

Both sides poll on the same curve, today's `poll_delay` (1 s growing x1.5 to 10 s): the
SDK's expected-time schedule and learning are switched off here so that only the transport
differs (benchmark 4 measures the schedule). The SDK side uses its own default pool of 100
connections, and so its gate; raw httpx uses the same default pool without one. openai and
runwayml, when installed, poll the same endpoint through their clients' generic `get`.

    python benchmarks/bench_waits.py --child SIDE URL TASKS   (used internally)
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from _common import API_KEY, Row, ServerProcess, median, peak_rss_mb, rss_mb, run_child, say

TARGET_WALL_RATIO = 1.5
TARGET_P90 = 2.0
TARGET_CPU_RATIO = 0.5
TARGET_RSS_MB = 60.0
CREATE_CONCURRENCY = 50
TOGETHER_AFTER = 5.0  # all tasks finish 5 s after the last was created
PEERS = ("openai", "runwayml")


def _curve(polls_done: int) -> float:
    from piapi._core.polling import poll_delay

    return poll_delay(polls_done)


def _ended_at(data: dict[str, Any]) -> float:
    from datetime import datetime

    text = data["meta"]["ended_at"]
    return datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00").timestamp()


def child(side: str, url: str, count: int) -> dict[str, Any]:
    import anyio
    import httpx

    from piapi import AsyncPiAPIClient, Task

    base_rss = rss_mb()
    latencies: list[float] = []
    seen: list[tuple[float, float]] = []  # (noticed, ended_at) per task
    errors: list[str] = []
    headers = {"X-API-Key": API_KEY, "Accept": "application/json"}
    task_url = url + "/api/v1/task"
    body = {"model": "sora2", "task_type": "sora2-video", "input": {"prompt": "benchmark"}}

    async def raw_loop(get: Any, task_id: str) -> None:
        polls = 1  # the create answer was the first look
        while True:
            await anyio.sleep(_curve(polls))
            due = time.perf_counter()
            data = await get(f"{task_url}/{task_id}")
            latencies.append(time.perf_counter() - due)
            polls += 1
            if data["status"] in ("completed", "failed"):
                seen.append((time.time(), _ended_at(data)))
                return

    async def main() -> dict[str, Any]:
        http = httpx.AsyncClient(timeout=60.0)
        ids: list[str] = [""] * count
        close: list[Any] = [http.aclose]
        if side == "sdk":
            client = AsyncPiAPIClient(api_key=API_KEY, base_url=url)
            close.append(client.aclose)
            # Today's curve, see above: the tasks resource holds the schedule it was given.
            client.tasks._expectations = None  # type: ignore[assignment]
            woke: dict[int, float] = {}

            async def sleep(seconds: float) -> None:
                await anyio.sleep(seconds)
                woke[anyio.get_current_task().id] = time.perf_counter()

            client._sleep = sleep  # type: ignore[method-assign]

            def on_update(task: Task) -> None:
                latencies.append(time.perf_counter() - woke[anyio.get_current_task().id])
                if task.is_terminal and task.meta.ended_at is not None:
                    seen.append((time.time(), task.meta.ended_at.timestamp()))

            async def wait(task_id: str) -> None:
                created = Task.model_validate({"task_id": task_id, "status": "pending"})
                await client.tasks.wait(created, on_update=on_update, timeout=600)

        elif side == "raw":

            async def raw_get(target: str) -> dict[str, Any]:
                response = await http.get(target, headers=headers)
                response.raise_for_status()
                data: dict[str, Any] = response.json()["data"]
                return data

            async def wait(task_id: str) -> None:
                await raw_loop(raw_get, task_id)

        else:  # a peer SDK's generic GET, through its own retries and pool
            peer = _peer_client(side, url)
            close.append(peer.close)

            async def peer_get(target: str) -> dict[str, Any]:
                response = await peer.get(target, cast_to=httpx.Response)
                data: dict[str, Any] = response.json()["data"]
                return data

            async def wait(task_id: str) -> None:
                await raw_loop(peer_get, task_id)

        limit = anyio.Semaphore(CREATE_CONCURRENCY)

        async def create(index: int) -> None:
            async with limit:
                response = await http.post(task_url, headers=headers, json=body)
                ids[index] = response.json()["data"]["task_id"]

        async def guarded(task_id: str) -> None:
            try:
                await wait(task_id)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")

        async with anyio.create_task_group() as group:
            for index in range(count):
                group.start_soon(create, index)
        cpu = time.process_time()
        wait_start = time.time()
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for task_id in ids:
                group.start_soon(guarded, task_id)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        for closing in close:
            await closing()
        ordered = sorted(latencies)
        return {
            "side": side,
            "count": count,
            "wall": wall,
            "cpu": cpu,
            "wait_start": wait_start,
            "ended": [ended for _, ended in seen],
            "late": [noticed - ended for noticed, ended in seen],
            "polls": len(latencies),
            "latency_median": median(ordered) if ordered else 0.0,
            "latency_p90": ordered[int(len(ordered) * 0.9)] if ordered else 0.0,
            "errors": errors[:3],
            "error_count": count - len(seen),
            "base_rss_mb": base_rss,
            "peak_rss_mb": peak_rss_mb(),
        }

    return anyio.run(main)


def _peer_client(side: str, url: str) -> Any:
    headers = {"X-API-Key": API_KEY}
    if side == "openai":
        import openai

        return openai.AsyncOpenAI(api_key=API_KEY, base_url=url, default_headers=headers)
    import runwayml

    return runwayml.AsyncRunwayML(api_key=API_KEY, base_url=url, default_headers=headers)


def _installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def ideal_wall(result: dict[str, Any]) -> float:
    """When the curve would see the last task done with instant requests, from wait start."""
    last = max(result["ended"], default=result["wait_start"]) - result["wait_start"]
    elapsed, polls = 0.0, 1
    while elapsed < last:
        elapsed += _curve(polls)
        polls += 1
    return elapsed


def measure(side: str, count: int, server_args: list[str], timeout: float) -> dict[str, Any]:
    with ServerProcess("--tasks", str(count), *server_args) as server:
        output = run_child([__file__, "--child", side, server.url, str(count)], timeout=timeout)
    result: dict[str, Any] = json.loads(output)
    result["ideal"] = ideal_wall(result)
    late = sorted(result["late"])
    result["late_median"] = median(late) if late else 0.0
    result["rss_growth"] = result["peak_rss_mb"] - result["base_rss_mb"]
    say(
        f"{side:8s}: {result['wall']:6.2f} s wall (ideal {result['ideal']:.2f} s), "
        f"{result['polls']} polls, latency median {result['latency_median'] * 1e3:.0f} ms "
        f"p90 {result['latency_p90'] * 1e3:.0f} ms, noticed {result['late_median']:.2f} s late "
        f"(median), CPU {result['cpu']:.2f} s, RSS +{result['rss_growth']:.1f} MB, "
        f"{result['error_count']} errors {result['errors'] or ''}"
    )
    return result


def shape_rows(label: str, count: int, server_args: list[str], peers: list[str]) -> list[Row]:
    timeout = 900.0
    sdk = measure("sdk", count, server_args, timeout)
    raw = measure("raw", count, server_args, timeout)
    others = [measure(name, count, server_args, timeout) for name in peers]
    wall_ratio = sdk["wall"] / sdk["ideal"]
    cpu_ratio = sdk["cpu"] / raw["cpu"] if raw["cpu"] else None
    peer_text = "; ".join(
        f"{r['side']} {r['wall']:.1f} s, p90 {r['latency_p90']:.1f} s, CPU {r['cpu']:.1f} s"
        for r in others
    )
    errors = sdk["error_count"] + raw["error_count"]
    return [
        Row(
            f"wait x{count} {label}: wall",
            f"{sdk['wall']:.1f} s",
            f"ideal {sdk['ideal']:.1f} s; httpx {raw['wall']:.1f} s",
            wall_ratio,
            f"<= {TARGET_WALL_RATIO:.1f}x ideal",
            wall_ratio <= TARGET_WALL_RATIO and errors == 0,
            "" if errors == 0 else f"{errors} errors",
        ),
        Row(
            f"wait x{count} {label}: p90 poll latency",
            f"{sdk['latency_p90']:.2f} s",
            f"httpx {raw['latency_p90']:.2f} s" + (f"; {peer_text}" if peer_text else ""),
            None,
            f"< {TARGET_P90:.0f} s",
            sdk["latency_p90"] < TARGET_P90,
        ),
        Row(
            f"wait x{count} {label}: client CPU",
            f"{sdk['cpu']:.2f} s",
            f"httpx {raw['cpu']:.2f} s",
            cpu_ratio,
            f"<= {TARGET_CPU_RATIO:.1f}x httpx" if label == "together" else "info: no queue forms",
            (cpu_ratio is not None and cpu_ratio <= TARGET_CPU_RATIO)
            if label == "together"
            else None,
        ),
        Row(
            f"wait x{count} {label}: peak RSS growth",
            f"+{sdk['rss_growth']:.1f} MB",
            f"httpx +{raw['rss_growth']:.1f} MB",
            None,
            f"< {TARGET_RSS_MB:.0f} MB",
            sdk["rss_growth"] < TARGET_RSS_MB,
        ),
    ]


def run(quick: bool) -> list[Row]:
    peers = [name for name in PEERS if _installed(name)]
    say(f"peers: {', '.join(peers) if peers else 'none installed (openai, runwayml)'}")
    count, span, after = (300, 3.0, 1.7) if quick else (1000, 20.0, TOGETHER_AFTER)
    say(f"{count} tasks finishing together, {after:g} s after the last was created:")
    rows = shape_rows("together", count, ["--together", str(after)], peers)
    if quick:
        return rows
    say(f"{count} tasks finishing at random in [0, {span:g}) s after creation:")
    rows += shape_rows("spread", count, ["--span", str(span)], peers)
    big = 10_000
    say(f"{big} tasks finishing together, {after:g} s after the last was created (SDK only):")
    result = measure("sdk", big, ["--together", str(after)], timeout=1800.0)
    rows.append(
        Row(
            f"wait x{big} together (SDK)",
            f"{result['wall']:.1f} s, p90 {result['latency_p90']:.1f} s",
            f"ideal {result['ideal']:.1f} s; CPU {result['cpu']:.1f} s, "
            f"RSS +{result['rss_growth']:.0f} MB",
            result["wall"] / result["ideal"],
            "info: how it grows",
            None,
            "measured",
        )
    )
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        sys.exit("usage: bench_waits.py --child SIDE URL TASKS")
