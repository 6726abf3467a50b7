"""The README's sync quick start, verbatim: mypy --strict and pyright check it.

tests/test_readme.py checks that it is still the README's text.
"""

from piapi import PiAPIClient, Sora2Task

seen: set[str] = set()


def show(task: Sora2Task) -> None:  # on_update runs after every poll: print each change
    if task.status not in seen:
        seen.add(task.status)
        print(task.status)


with PiAPIClient() as client:  # reads PIAPI_API_KEY
    print("estimate:", client.sora2.estimate_cost(duration=4))  # Decimal('0.32')
    task = client.sora2.create_and_wait(
        prompt="A red fox trotting through fresh snow at dawn",
        duration=4,
        on_update=show,
    )
    print(task.result_url, task.cost_usd)  # the video's URL (a str, never None), $0.32
