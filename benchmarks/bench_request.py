"""Benchmark 2: per-request overhead of `client.tasks.get` against raw httpx on loopback.

Both sides GET the same task from the same fake server (its own process) over keep-alive
connections: the SDK through `tasks.get` (retry wrapper, validation into a `Task`), raw
httpx through `client.get(url, headers=...).json()`. Blocks of requests alternate
(SDK, raw, raw, SDK, ...) so drift hits both alike; we compare median per-request times.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio
import httpx

from _common import API_KEY, Row, ServerProcess, fmt_us, median, say
from piapi import AsyncPiAPIClient, PiAPIClient, Task
from piapi.families._registry import read_task

TARGET_RATIO = 1.10
HEADERS = {"X-API-Key": API_KEY, "Accept": "application/json"}


def _interleaved(blocks: int, run_block: Callable[[str], float]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"sdk": [], "raw": []}
    run_block("sdk")  # warm-up: connections, caches, pydantic's first parametrisation
    run_block("raw")
    for index in range(blocks):
        order = ("sdk", "raw") if index % 2 == 0 else ("raw", "sdk")
        for side in order:
            times[side].append(run_block(side))
    return times


def _sync(url: str, per_block: int, blocks: int) -> dict[str, list[float]]:
    with PiAPIClient(api_key=API_KEY, base_url=url) as client, httpx.Client() as http:
        task_id = client.sora2.create(prompt="benchmark: per-request overhead").task_id
        task_url = f"{url}/api/v1/task/{task_id}"

        def run_block(side: str) -> float:
            started = time.perf_counter()
            if side == "sdk":
                for _ in range(per_block):
                    client.tasks.get(task_id)
            else:
                for _ in range(per_block):
                    http.get(task_url, headers=HEADERS).json()
            return (time.perf_counter() - started) / per_block

        return _interleaved(blocks, run_block)


async def _async(url: str, per_block: int, blocks: int) -> dict[str, list[float]]:
    async with (
        AsyncPiAPIClient(api_key=API_KEY, base_url=url) as client,
        httpx.AsyncClient() as http,
    ):
        task_id = (await client.sora2.create(prompt="benchmark: async overhead")).task_id
        task_url = f"{url}/api/v1/task/{task_id}"

        async def sdk_block() -> None:
            for _ in range(per_block):
                await client.tasks.get(task_id)

        async def raw_block() -> None:
            for _ in range(per_block):
                (await http.get(task_url, headers=HEADERS)).json()

        blocks_by_side: dict[str, Callable[[], Awaitable[None]]] = {
            "sdk": sdk_block,
            "raw": raw_block,
        }
        times: dict[str, list[float]] = {"sdk": [], "raw": []}
        for index in range(-1, blocks):  # index -1: one warm-up block per side
            order = ("sdk", "raw") if index % 2 == 0 else ("raw", "sdk")
            for side in order:
                started = time.perf_counter()
                await blocks_by_side[side]()
                if index >= 0:
                    times[side].append((time.perf_counter() - started) / per_block)
        return times


def _cpu_only(response: httpx.Response, rounds: int) -> tuple[float, float]:
    """CPU per answer without I/O: the SDK's `read_task` vs `response.json()`."""
    read_task(response, Task)
    started = time.perf_counter()
    for _ in range(rounds):
        read_task(response, Task)
    sdk = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        response.json()
    return sdk, (time.perf_counter() - started) / rounds


def _row(label: str, times: dict[str, list[float]]) -> Row:
    sdk, raw = median(times["sdk"]), median(times["raw"])
    ratio = sdk / raw
    say(
        f"{label}: SDK {fmt_us(sdk)}/request, raw httpx {fmt_us(raw)}/request "
        f"(overhead {fmt_us(sdk - raw)}, x{ratio:.3f}; {len(times['sdk'])} blocks per side)"
    )
    return Row(
        f"tasks.get, {label}",
        f"{fmt_us(sdk)}/req",
        f"httpx {fmt_us(raw)}/req",
        ratio,
        f"<= {TARGET_RATIO:.2f}x",
        ratio <= TARGET_RATIO,
    )


def run(quick: bool) -> list[Row]:
    per_block, blocks = (25, 4) if quick else (200, 15)
    with ServerProcess() as server:
        sync_times = _sync(server.url, per_block, blocks)
        async_times = anyio.run(_async, server.url, per_block, blocks)
        with httpx.Client() as http:
            created = http.post(
                f"{server.url}/api/v1/task",
                headers=HEADERS,
                json={"model": "sora2", "task_type": "sora2-video", "input": {"prompt": "cpu"}},
            )
            created.read()
    sdk_cpu, raw_cpu = _cpu_only(created, 200 if quick else 2000)
    say(
        f"CPU only, no I/O: read_task {fmt_us(sdk_cpu)} vs response.json() {fmt_us(raw_cpu)} "
        f"per answer ({created.num_bytes_downloaded} bytes)"
    )
    return [_row("sync", sync_times), _row("async", async_times)]
