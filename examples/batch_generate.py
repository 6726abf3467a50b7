"""Batch generation: many Sora 2 videos on one `AsyncPiAPIClient`, at most N at a time.

An anyio task group runs one job per prompt; a `CapacityLimiter` bounds how many
tasks run at PiAPI at once (your account has a `max_concurrent_task_count`). A progress
line is printed as each video finishes, failures are reported without stopping the
others, and the total cost is summed at the end. Runs against an embedded fake PiAPI
unless `PIAPI_API_KEY` is set; with a real key the six 4-second videos cost $1.92.

Install: `pip install piapi-sdk` (anyio comes with httpx).
"""

from decimal import Decimal

import anyio

from piapi import AsyncPiAPIClient, PiAPIError, Sora2Task
from piapi.testing import fake_unless_configured

PROMPTS = [
    "A paper boat drifting down a rain-soaked street gutter",
    "Time-lapse of a city skyline from dusk to night",
    "A hummingbird hovering at a red flower, slow motion",
    "Waves crashing on black volcanic sand, drone shot",
    "A steaming cup of coffee on a windowsill, morning light",
    "Northern lights rippling over a snowy pine forest",
]
MAX_CONCURRENT = 3


async def main() -> None:
    limiter = anyio.CapacityLimiter(MAX_CONCURRENT)
    finished: list[Sora2Task] = []
    failed: list[str] = []

    async def generate(client: AsyncPiAPIClient, index: int, prompt: str) -> None:
        async with limiter:  # at most MAX_CONCURRENT tasks in flight
            try:
                task = await client.sora2.create_and_wait(prompt=prompt, duration=4)
            except PiAPIError as exc:  # one failure does not cancel the others
                failed.append(prompt)
                print(f"[{len(finished) + len(failed)}/{len(PROMPTS)}] #{index} failed: {exc}")
                return
        finished.append(task)
        print(f"[{len(finished) + len(failed)}/{len(PROMPTS)}] #{index} done: {task.result_url}")

    async with AsyncPiAPIClient() as client:
        estimate = sum(client.sora2.estimate_cost(duration=4) for _ in PROMPTS)
        print(f"{len(PROMPTS)} videos, {MAX_CONCURRENT} at a time, estimated ${estimate:.2f}")
        async with anyio.create_task_group() as group:
            for index, prompt in enumerate(PROMPTS, start=1):
                group.start_soon(generate, client, index, prompt)

    total = sum((task.cost_usd or Decimal(0) for task in finished), Decimal(0))
    print(f"{len(finished)} videos done, {len(failed)} failed, total cost ${total:.2f}")


if __name__ == "__main__":
    with fake_unless_configured():
        anyio.run(main)
