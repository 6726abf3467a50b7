"""The code docs/batch.md shows (included from here between the snippet markers) runs as
shown, against the fake PiAPI."""

# ruff: noqa: I001  (the imports the page shows are a block of their own)
from __future__ import annotations

from pathlib import Path

from piapi import PiAPIClient
from piapi.testing import FakePiAPI, Fault

# --8<-- [start:imports]
from piapi import BatchState, Sora2VideoInput, TaskRequest

# --8<-- [end:imports]


def test_the_first_example(piapi_client: PiAPIClient, tmp_path: Path) -> None:
    client = piapi_client
    folder = tmp_path / "videos"
    # --8<-- [start:basic]
    requests = [
        Sora2VideoInput(prompt="A paper boat on a rainy street", duration=8),
        Sora2VideoInput(prompt="A hummingbird at a red flower", aspect_ratio="9:16"),
        TaskRequest(
            model="sora2",
            task_type="sora2-video",
            input={"prompt": "Northern lights"},
        ),
    ]
    items = client.tasks.run_many(
        requests,
        concurrency=4,  # at most 4 tasks in flight at PiAPI
        journal=folder / "journal.sqlite",  # run it again after a crash: it resumes
        download_to=folder,  # every result, named as file_names says
        file_names="prompt",  # 0-a-paper-boat-on-a-rainy-street.mp4, ... (default: task id)
        max_total_usd=5,  # stop creating before the estimated total would pass $5
    )
    for item in items:  # one per request, in order
        print(item.position, item.state.value, item.task_id, item.paths, item.detail)
    # --8<-- [end:basic]
    assert [item.state for item in items] == [BatchState.COMPLETED] * 3
    assert all(item.paths[0].exists() for item in items)
    assert items[0].paths == [folder / "0-a-paper-boat-on-a-rainy-street.mp4"]


def test_settling_an_uncertain_item(
    piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    client, journal = piapi_client, tmp_path / "journal.sqlite"
    requests = [Sora2VideoInput(prompt=f"clip {n}") for n in range(3)]
    piapi_fake.faults.add(Fault.drop_after(), endpoint="create", nth=1)  # created, no answer
    piapi_fake.faults.add(Fault.http_status(502, body="empty"), endpoint="create", nth=2)
    items = client.tasks.run_many(requests, concurrency=1, journal=journal)
    # --8<-- [start:uncertain]
    for item in items:
        if item.state is BatchState.UNCERTAIN:
            print(item.position, item.sent_at, item.detail)  # what to look for, and when
    # --8<-- [end:uncertain]
    found = {task.prompt: task.task_id for task in piapi_fake.created_tasks}
    assert "clip 0" in found
    assert "clip 1" not in found
    task_id = found["clip 0"]
    # --8<-- [start:settle]
    # Item 0 is in the task history (PiAPI created it); item 1 is not.
    items = client.tasks.run_many(
        requests, journal=journal, resolve={0: task_id}, retry_uncertain=[1]
    )
    # --8<-- [end:settle]
    assert [item.state for item in items] == [BatchState.COMPLETED] * 3
    assert piapi_fake.create_counts() == {"clip 0": 1, "clip 1": 1, "clip 2": 1}
