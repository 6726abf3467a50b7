"""Resume waiting on a task created earlier, by id: after a crash, a deploy, a timeout.

A task goes on at PiAPI whatever happens to your process, so keep its id and wait
again later: `python examples/resume_wait.py TASK_ID`. Offline (no `PIAPI_API_KEY`)
and without an id, it first creates a task on the embedded fake to have one.

Install: `pip install piapi-sdk`.
"""

import os
import sys

from piapi import PiAPIClient, Sora2Task, WaitTimeoutError
from piapi.testing import fake_unless_configured


def create_one() -> str:
    """Stand-in for the process that created the task and saved its id."""
    with PiAPIClient() as client:
        task = client.sora2.create(prompt="A lighthouse in a storm, waves on the rocks")
        print(f"created {task.task_id} ({task.status}), id saved for later")
        return task.task_id


def resume(task_id: str) -> int:
    seen: set[str] = set()

    def show(task: Sora2Task) -> None:
        # on_update runs after every poll: print changes only
        if task.status not in seen:
            seen.add(task.status)
            print(f"  status: {task.status}")

    with PiAPIClient() as client:
        print(f"waiting on {task_id}")
        try:
            # `sora2.get` reads the task typed; the wait keeps the type (`Sora2Task`).
            task = client.tasks.wait(
                client.sora2.get(task_id),
                timeout=600,
                on_update=show,
            )
        except WaitTimeoutError as exc:
            last = exc.task.status if exc.task is not None else "unknown"
            again = f"python examples/resume_wait.py {exc.task_id}"
            print(f"still {last}; run again later: {again}")
            return 1
        print("video:", task.result_url)
        print(f"cost: ${task.cost_usd:.2f}")
        return 0


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        return resume(argv[1])
    if os.environ.get("PIAPI_API_KEY"):
        print("usage: python examples/resume_wait.py TASK_ID", file=sys.stderr)
        return 2
    with fake_unless_configured():
        return resume(create_one())


if __name__ == "__main__":
    sys.exit(main(sys.argv))
