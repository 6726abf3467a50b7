"""The README's async quick start, verbatim: mypy --strict and pyright check it.

tests/test_readme.py checks that it is still the README's text.
"""

import anyio

from piapi import AsyncPiAPIClient


async def main() -> None:
    async with AsyncPiAPIClient() as client:
        prompt = "A paper boat on a rainy street"
        task = await client.sora2.create(prompt=prompt, duration=8)
        done = await client.tasks.wait(task, timeout=600)
        print(done.result_url, done.cost_usd)


anyio.run(main)  # or asyncio.run(main()), or trio.run(main)
