"""The command line shows and saves the results of any model, and tells costs truthfully."""

from __future__ import annotations

from pathlib import Path

from _support import Run
from piapi import PiAPIClient, parse_task
from piapi.cli import _ui
from piapi.testing import FakePiAPI


def test_task_get_shows_a_hold_then_the_charge_and_the_results(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    task = piapi_client.tasks.create(model="luma", task_type="video_generation", input={})
    code, out, _ = run("task", "get", task.task_id)
    assert code == 0
    assert "cost     $0.20 held until the task ends" in out
    assert "result" not in out
    piapi_fake.complete(task.task_id)
    code, out, _ = run("task", "get", task.task_id)
    done = piapi_client.tasks.get(task.task_id)
    assert "cost     $0.20\n" in out
    lines = [line.split()[-1] for line in out.splitlines() if line.strip().startswith("result")]
    assert lines == done.media_urls  # the raw file first, then the watermarked one
    assert len(lines) == 2


def test_task_wait_saves_every_image_into_a_directory(
    run: Run, piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    task = piapi_client.tasks.create(
        model="gemini", task_type="nano-banana-pro", input={"prompt": "x", "num_images": 4}
    )
    code, out, _ = run("task", "wait", task.task_id, "-o", str(tmp_path))
    assert code == 0
    saved = sorted(path.name for path in tmp_path.iterdir())
    assert saved == [f"{task.task_id}-{n}.png" for n in range(1, 5)]
    assert out.count("Saved") == 4
    done = piapi_client.tasks.get(task.task_id)
    for number, url in enumerate(done.media_urls, start=1):
        assert (tmp_path / f"{task.task_id}-{number}.png").read_bytes() == piapi_fake.media(
            url
        ).read()


def test_task_wait_to_a_file_saves_the_best_result(
    run: Run, piapi_client: PiAPIClient, tmp_path: Path
) -> None:
    task = piapi_client.tasks.create(model="luma", task_type="video_generation", input={})
    code, _, _ = run("task", "wait", task.task_id, "-o", str(tmp_path / "best.mp4"))
    assert code == 0
    assert [path.name for path in tmp_path.iterdir()] == ["best.mp4"]


def test_a_cost_that_was_not_reported_is_not_shown_as_free() -> None:
    task = parse_task({"task_id": "t", "status": "completed", "meta": {}})
    (cost,) = [line for line in _ui.summary(task) if "cost" in line]
    assert cost.endswith(" not reported")
