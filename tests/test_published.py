"""Answers copied from PiAPI's documentation pages parse through every path.

tests/data/published/ holds one JSON file per answer (a create or get answer
`{code, data, message}`, or a webhook body `{timestamp, data}`) and index.json with each
file's page, a note on what is odd about it, and what the SDK must read from it.
tests/data/constructed/ holds answers in shapes PiAPI's pages show only cut off or for one
family (each marked `"constructed": true`, its note saying what is made up), read the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from _support import Api
from piapi import Sora2Task, Task, TaskFailedError, parse_task, webhooks
from piapi.acestep import AceStepTask
from piapi.diffrhythm import DiffRhythmTask
from piapi.flux import FluxTask
from piapi.hailuo import HailuoTask
from piapi.hug import HugTask
from piapi.imagetoolkit import ImageToolkitTask
from piapi.kling import KlingTask
from piapi.luma import LumaTask
from piapi.midjourney import MidjourneyTask, MidjourneyTextTask
from piapi.seedance import SeedanceTask
from piapi.seedream import SeedreamTask
from piapi.suno import SunoTask
from piapi.trellis import TrellisTask
from piapi.udio import UdioTask
from piapi.videotoolkit import VideoToolkitTask

PUBLISHED = Path(__file__).parent / "data" / "published"
CONSTRUCTED = Path(__file__).parent / "data" / "constructed"
INDEX: list[dict[str, Any]] = json.loads((PUBLISHED / "index.json").read_text())
MADE: list[dict[str, Any]] = json.loads((CONSTRUCTED / "index.json").read_text())
ENTRIES = {entry["file"]: entry for entry in INDEX + MADE}
SECRET = "published-secret"

MakeApi = Callable[..., Api]

# The typed class of each published (model, task_type) the SDK has a family for; the others
# (Pixal 3D, ...) are read as `Task`.
TYPED: dict[tuple[str, str], type[Task]] = {
    ("sora2", "sora2-video"): Sora2Task,
    ("sora2", "sora2-pro-video"): Sora2Task,
    ("kling", "video_generation"): KlingTask,
    ("kling", "omni_video_generation"): KlingTask,
    ("luma", "video_generation"): LumaTask,
    ("hailuo", "video_generation"): HailuoTask,
    ("seedance", "seedance-2-preview"): SeedanceTask,
    ("Qubico/flux1-dev", "txt2img"): FluxTask,
    ("Qubico/flux1-schnell", "img2img"): FluxTask,
    ("Qubico/flux1-dev-advanced", "kontext"): FluxTask,
    ("kling", "motion_control"): KlingTask,
    ("kling-turbo", "video_generation"): KlingTask,
    ("midjourney", "describe"): MidjourneyTextTask,
    ("Qubico/image-toolkit", "face-swap"): ImageToolkitTask,
    ("Qubico/trellis", "text-to-3d"): TrellisTask,
    ("Qubico/trellis2", "image-to-3d"): TrellisTask,
    ("seedream", "seedream-5-lite"): SeedreamTask,
    ("Qubico/ace-step", "txt2audio"): AceStepTask,
    ("Qubico/diffrhythm", "txt2audio-base"): DiffRhythmTask,
    ("Qubico/hug-video", "image_to_video"): HugTask,
    ("Qubico/video-toolkit", "background-remove"): VideoToolkitTask,
    ("music-u", "generate_music"): UdioTask,
    ("midjourney", "imagine"): MidjourneyTask,
    ("suno", "music"): SunoTask,
    ("suno", "generate_music"): SunoTask,
}


def path_of(entry: dict[str, Any]) -> Path:
    return (CONSTRUCTED if entry.get("constructed") else PUBLISHED) / entry["file"]


def body(entry: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path_of(entry).read_text())
    return loaded


def task_data(entry: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = body(entry)["data"]
    return data


def as_answer(entry: dict[str, Any]) -> dict[str, Any]:
    """What `GET /api/v1/task/{id}` answers: the file itself, or a webhook's task wrapped."""
    if entry["kind"] == "webhook":
        return {"code": 200, "data": task_data(entry), "message": "success"}
    return body(entry)


def as_webhook(entry: dict[str, Any]) -> bytes:
    """The body PiAPI POSTs: the file itself, or an answer's task wrapped."""
    if entry["kind"] == "webhook":
        return path_of(entry).read_bytes()
    return json.dumps({"timestamp": 1767749959, "data": task_data(entry)}).encode()


def check(task: Task[Any, Any], entry: dict[str, Any]) -> None:
    expect = entry["expect"]
    assert task.status.value == expect["status"]
    assert task.is_terminal is expect["terminal"]
    assert task.media_urls == expect["media_urls"]
    assert task.preview_urls == expect.get("preview_urls", task.preview_urls)
    if task.media_urls:
        assert task.result_url == expect["media_urls"][0]
    assert not set(task.media_urls) & set(task.preview_urls) or not task.media_urls
    if "error_message" in expect:  # every task carries an error object
        assert (task.error.message or None) == expect["error_message"]
        assert task.error.is_error is (expect["error_message"] is not None)
    assert sorted(task.unreadable) == expect.get("unreadable", sorted(task.unreadable))
    for name in ("cost_usd", "held_usd"):
        expected = expect[name]
        assert getattr(task, name) == (None if expected is None else Decimal(expected)), name
    data = task_data(entry)
    assert type(task) is TYPED.get((data.get("model"), data.get("task_type")), Task)


def test_the_corpus_is_complete_and_noted() -> None:
    files = {path.name for path in PUBLISHED.glob("*.json")} - {"index.json"}
    assert files == {entry["file"] for entry in INDEX}
    made = {path.name for path in CONSTRUCTED.glob("*.json")} - {"index.json"}
    assert made == {entry["file"] for entry in MADE}
    assert all(entry["constructed"] is True and "CONSTRUCTED" in entry["note"] for entry in MADE)
    assert len(INDEX) >= 27
    families = {entry["model"].split("/")[-1].split("-")[0] for entry in INDEX if entry["model"]}
    assert len(families) >= 12, families
    for entry in INDEX + MADE:
        assert entry["page"].startswith("https://"), entry["file"]
        assert entry["note"], entry["file"]
        assert entry["kind"] in ("create", "get", "webhook"), entry["file"]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_parse_task(name: str) -> None:
    entry = ENTRIES[name]
    check(parse_task(task_data(entry)), entry)
    check(parse_task(path_of(entry).read_bytes()), entry)  # the whole file, unwrapped


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_webhooks_parse(name: str) -> None:
    entry = ENTRIES[name]
    event = webhooks.parse(as_webhook(entry), {"x-webhook-secret": SECRET}, secret=SECRET)
    check(event.task, entry)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_tasks_get(make_api: MakeApi, name: str) -> None:
    entry = ENTRIES[name]
    answer = as_answer(entry)
    api = make_api(lambda request: httpx.Response(200, json=answer))
    task_id = task_data(entry)["task_id"]
    check(api("tasks.get", task_id), entry)
    assert api.requests[0].url.path.endswith(task_id)


@pytest.mark.parametrize(
    "name", sorted(name for name, entry in ENTRIES.items() if entry["expect"]["terminal"])
)
def test_wait_returns_a_finished_published_task_on_the_first_poll(
    make_api: MakeApi, name: str
) -> None:
    entry = ENTRIES[name]
    answer = as_answer(entry)
    api = make_api(lambda request: httpx.Response(200, json=answer))
    task_id = task_data(entry)["task_id"]
    check(api("tasks.wait", task_id, raise_on_failure=False), entry)
    if entry["expect"]["status"] == "failed":  # ends the wait, with PiAPI's reason
        with pytest.raises(TaskFailedError, match=entry["expect"]["error_message"]) as caught:
            api("tasks.wait", task_id)
        check(caught.value.task, entry)
    assert len(api.requests) in (1, 2)


@pytest.mark.parametrize(
    "name", sorted(name for name, entry in ENTRIES.items() if entry["kind"] == "create")
)
def test_a_published_create_answer_is_a_created_task(make_api: MakeApi, name: str) -> None:
    entry = ENTRIES[name]
    answer = as_answer(entry)
    api = make_api(lambda request: httpx.Response(200, json=answer))
    data = task_data(entry)
    if entry["expect"].get("create_raises") == "TaskFailedError":
        # A create refused with the failed task: its id and PiAPI's reason, nothing billed
        with pytest.raises(TaskFailedError) as caught:
            api("tasks.create", model=data["model"], task_type=data["task_type"], input={})
        error = caught.value
        check(error.task, entry)
        assert error.task_id == data["task_id"]
        assert error.task_may_exist is False
        assert data["error"]["message"] in str(error)
        assert data["error"]["raw_message"] in str(error)  # why: the credit
    else:
        task = api("tasks.create", model=data.get("model") or "x", task_type="t", input={})
        check(task, entry)
    assert len(api.requests) == 1
