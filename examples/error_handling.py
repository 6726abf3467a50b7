"""Error handling: the main error classes, when each is raised, and what to do about it.

Every error is a `piapi.PiAPIError`. Part 1 runs against PiAPI (the embedded fake unless
`PIAPI_API_KEY` is set; with a real key it creates one billed $0.32 video). PiAPI cannot
be made to fail on demand, so part 2 simulates failures with the in-process fake.

Install: `pip install piapi-sdk`.
"""

import pydantic

from piapi import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    PiAPIClient,
    PiAPIError,
    TaskFailedError,
    WaitTimeoutError,
)
from piapi.testing import FakePiAPI, Fault, fake_unless_configured


def against_piapi() -> None:
    with PiAPIClient() as client:
        # 1. Invalid arguments are refused before anything is sent (a ValueError).
        try:
            # 1080p is for pro only
            client.sora2.create(prompt="A cat", resolution="1080p")
        except pydantic.ValidationError as exc:
            print("not sent:", exc.errors()[0]["msg"])

        # 2. PiAPI refused the request: APIStatusError (one subclass per HTTP status).
        with PiAPIClient(api_key="not-a-real-key") as wrong_key:
            try:
                wrong_key.tasks.get("00000000-0000-0000-0000-000000000000")
            except AuthenticationError as exc:
                print(f"refused: {type(exc).__name__} {exc.status_code}: {exc.message}")
        try:
            client.tasks.get("00000000-0000-0000-0000-000000000000")
        except APIStatusError as exc:  # NotFoundError on PiAPI's 404
            print(f"refused: {type(exc).__name__} {exc.status_code}: {exc.message}")

        # 3. The wait's deadline passed: the task goes on at PiAPI; wait again for it.
        task = client.sora2.create(prompt="A slow sunrise over the desert")
        try:
            client.tasks.wait(task, timeout=0.01)
        except WaitTimeoutError as exc:
            print(f"timed out: {type(exc).__name__} (task {exc.task_id} goes on)")
            done = client.tasks.wait(task)  # same id, no new task, no new cost
            print(f"resumed: {done.status}, cost ${done.cost_usd:.2f}")


def simulated() -> None:
    fake = FakePiAPI(queue_delay=0, task_duration=0.05)
    with PiAPIClient(api_key="test", http_client=fake.client()) as client:
        # 4. The video itself failed (content policy, upstream error): TaskFailedError.
        fake.script(outcome="failed", error_message="prompt rejected by content policy")
        try:
            client.sora2.create_and_wait(prompt="Not allowed", poll_interval=0.05)
        except TaskFailedError as exc:
            reason = exc.task.error.message if exc.task.error else "no reason given"
            print(f"task {exc.task.status}: {reason}")

        # 5. The connection dropped after PiAPI received the create: it is never resent,
        #    because the task may exist and be billed. Check before creating it again.
        fake.faults.add(Fault.drop_after(), endpoint="create", nth=2)
        try:
            client.sora2.create(prompt="A lighthouse at night")
        except APIConnectionError as exc:
            print(f"unsure: {type(exc).__name__}, task_may_exist={exc.task_may_exist}")
            created = fake.create_counts()["A lighthouse at night"]
            print(f"  tasks with that prompt at PiAPI: {created}")
        except PiAPIError as exc:  # every other SDK error
            print("other error:", exc)


if __name__ == "__main__":
    with fake_unless_configured():
        against_piapi()
    simulated()
