"""Async quick start: a Sora 2 video with `AsyncPiAPIClient`, followed, saved, priced.

Runs against an embedded fake PiAPI unless `PIAPI_API_KEY` is set; with a real key it
creates a real (billed, $0.32) 4-second video.

Install: `pip install piapi-sdk`.
"""

import asyncio
import tempfile

from piapi import AsyncPiAPIClient, Sora2Task
from piapi.testing import fake_unless_configured


async def main() -> None:
    seen: set[str] = set()

    def show(task: Sora2Task) -> None:
        # on_update runs after every poll: print changes only
        if task.status not in seen:
            seen.add(task.status)
            print(f"  status: {task.status}")

    async with AsyncPiAPIClient() as client:  # reads PIAPI_API_KEY (and PIAPI_BASE_URL)
        task = await client.sora2.create_and_wait(
            prompt="A red fox trotting through fresh snow at dawn",
            duration=4,
            on_update=show,
        )
        print("video:", task.result_url)
        # The URL is ephemeral: save the video now (here to a fresh temporary folder).
        path = await client.download(task, tempfile.mkdtemp(prefix="piapi-quickstart-"))
        print("saved:", path)
        print(f"cost: ${task.cost_usd:.2f}")


if __name__ == "__main__":
    with fake_unless_configured():
        asyncio.run(main())
