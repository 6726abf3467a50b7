"""Quick start: create a Sora 2 video, follow it to completion, save it, print its cost.

Offline and free by default: with no PIAPI_API_KEY set, it runs against the fake PiAPI
that ships in `piapi.testing`. With PIAPI_API_KEY set it makes a real 4 s video ($0.32).

Install: `pip install piapi-sdk`.
"""

import tempfile

from piapi import PiAPIClient, Sora2Task
from piapi.testing import fake_unless_configured


def main() -> None:
    seen: set[str] = set()

    def show_progress(task: Sora2Task) -> None:
        # on_update runs after every poll: print changes only
        if task.status not in seen:
            seen.add(task.status)
            print(f"  {task.task_id}: {task.status}", flush=True)

    with fake_unless_configured(), PiAPIClient() as client:
        print(f"Estimated cost: ${client.sora2.estimate_cost(duration=4)}")
        task = client.sora2.create_and_wait(
            prompt="A red fox trotting through fresh snow at dawn, cinematic, 35mm",
            duration=4,
            on_update=show_progress,
        )
        print(f"Video: {task.result_url}")
        # The URL is ephemeral: save the video now (here to a fresh temporary folder).
        path = client.download(task, tempfile.mkdtemp(prefix="piapi-quickstart-"))
        print(f"Saved: {path}")
        print(f"Cost:  ${task.cost_usd}")


if __name__ == "__main__":
    main()
