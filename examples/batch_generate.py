"""Batch generation: many Sora 2 videos by `tasks.run_many`, a few at once, crash-safe.

`run_many` creates at most `concurrency` tasks at once, waits for each, downloads each
video, and returns one `BatchItem` per prompt, in order; one failure never stops the
others. Its journal (one SQLite file) records every step: stop the script at any moment
(Ctrl-C, a crash) and run it again, and it picks up where it was without paying for any
video twice. `max_total_usd` stops creating before the estimated total would pass it.

Runs against an embedded fake PiAPI unless `PIAPI_API_KEY` is set (then the videos and
the journal go to `./batch_videos`; the six 4-second videos cost $1.92).

Install: `pip install piapi-sdk` (anyio comes with httpx).
"""

import tempfile
from decimal import Decimal
from pathlib import Path

import anyio

from piapi import AsyncPiAPIClient, BatchItem, BatchState, Sora2VideoInput
from piapi.testing import fake_unless_configured

PROMPTS = [
    "A paper boat drifting down a rain-soaked street gutter",
    "Time-lapse of a city skyline from dusk to night",
    "A hummingbird hovering at a red flower, slow motion",
    "Waves crashing on black volcanic sand, drone shot",
    "A steaming cup of coffee on a windowsill, morning light",
    "Northern lights rippling over a snowy pine forest",
]
CONCURRENCY = 3


async def main(folder: Path) -> None:
    requests = [Sora2VideoInput(prompt=prompt, duration=4) for prompt in PROMPTS]
    ended: list[BatchItem] = []

    def on_result(item: BatchItem) -> None:  # a line per video, as each one ends
        ended.append(item)
        outcome = ", ".join(str(path) for path in item.paths) or item.detail
        count = f"[{len(ended)}/{len(requests)}]"
        print(f"{count} #{item.position + 1} {item.state.value}: {outcome}")

    async with AsyncPiAPIClient() as client:
        prices = [client.tasks.estimate_cost(r) or Decimal(0) for r in requests]
        estimate = sum(prices, Decimal(0))
        plan = f"{len(requests)} videos, {CONCURRENCY} at a time"
        print(f"{plan}, estimated ${estimate:.2f}")
        items = await client.tasks.run_many(
            requests,
            concurrency=CONCURRENCY,
            # Run it again after a crash: nothing is paid twice.
            journal=folder / "journal.sqlite",
            download_to=folder,
            max_total_usd=5,  # stop creating before the estimated total would pass $5
            on_result=on_result,
        )

    completed = [item for item in items if item.state is BatchState.COMPLETED]
    costs = [item.task.cost_usd or Decimal(0) for item in items if item.task]
    total = sum(costs, Decimal(0))
    print(f"{len(completed)} of {len(items)} videos completed, total cost ${total:.2f}")
    for item in items:
        # failed, uncertain, not created, ...
        if item.state is not BatchState.COMPLETED:
            print(f"#{item.position + 1} {item.state.value}: {item.detail}")


if __name__ == "__main__":
    with fake_unless_configured() as fake:
        folder = Path("batch_videos")
        if fake:  # it forgets its tasks when the script ends: a new folder each run
            folder = Path(tempfile.mkdtemp(prefix="batch-"))
        anyio.run(main, folder)
