"""Async quick start: create a Sora 2 video with `AsyncPiAPIClient`, follow it, print URL and cost.

Runs against an embedded fake PiAPI unless `PIAPI_API_KEY` is set; with a real key it
creates a real (billed, $0.32) 4-second video.
"""

import asyncio

from piapi import AsyncPiAPIClient, Sora2Task
from piapi.testing import fake_unless_configured


def show(task: Sora2Task) -> None:
    print(f"  status: {task.status}")


async def main() -> None:
    async with AsyncPiAPIClient() as client:  # reads PIAPI_API_KEY (and PIAPI_BASE_URL)
        task = await client.sora2.create_and_wait(
            prompt="A red fox trotting through fresh snow at dawn", duration=4, on_update=show
        )
        print("video:", task.result_url)
        print(f"cost: ${task.cost_usd:.2f}")


if __name__ == "__main__":
    with fake_unless_configured():
        asyncio.run(main())
