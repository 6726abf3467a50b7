"""The fake answers every model it knows in the shape PiAPI publishes for it, and drifts
from the docs on demand (`Fault.field_drift`); the SDK reads all of it."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal
from typing import Any

import httpx
import pytest
from _fakeutil import KEY, sora_body

from piapi import Sora2Task, Task, TaskStatus, parse_task
from piapi.flux import FluxTask
from piapi.framepack import FramePackTask
from piapi.gemini import GeminiTask
from piapi.hailuo import HailuoTask
from piapi.hunyuan import HunyuanTask
from piapi.kling import KlingSoundTask, KlingTask, KlingTryOnTask
from piapi.luma import LumaTask
from piapi.midjourney import MidjourneyTask
from piapi.seedance import SeedanceTask
from piapi.skyreels import SkyReelsTask
from piapi.testing import FakeClock, FakePiAPI, Fault, PngMedia
from piapi.testing._catalog import AUDIO_IMAGE_3D, CATALOG
from piapi.veo import VeoTask
from piapi.videotoolkit import VideoToolkitTask
from piapi.wan import WanTask


def create(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/v1/task", json=body)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def get(client: httpx.Client, task_id: str) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"/api/v1/task/{task_id}").json()["data"]
    return data


# model, task_type, input, usage type, price units, logs, results, media type
MODELS: list[tuple[str, str, dict[str, Any], str, int, list[Any] | None, int, str]] = [
    ("sora2", "sora2-video", {"prompt": "x", "duration": 8}, "llm", 6_400_000, [], 1, "video/mp4"),
    ("sora2", "remove-watermark", {"video_url": "https://v"}, "llm", 0, [], 1, "video/mp4"),
    # Kling 3.0: $0.10/s std without audio, $0.20/s pro with audio; shots add up
    ("kling", "video_generation", {"version": "3.0"}, "point", 5_000_000, None, 1, "video/mp4"),
    (
        "kling",
        "video_generation",
        {
            "version": "3.0",
            "mode": "pro",
            "enable_audio": True,
            "multi_shots": [{"duration": 2, "prompt": "a"}, {"duration": 3, "prompt": "b"}],
        },
        "point",
        10_000_000,
        None,
        1,
        "video/mp4",
    ),
    # an older version answers the legacy works[] shape: a clean and a watermarked video
    ("kling", "video_generation", {"version": "1.6"}, "point", 5_000_000, None, 2, "video/mp4"),
    ("kling", "omni_video_generation", {}, "point", 7_500_000, None, 1, "video/mp4"),
    (
        "kling",
        "omni_video_generation",
        {"resolution": "1080p", "enable_audio": True, "duration": 3},
        "point",
        9_000_000,
        None,
        1,
        "video/mp4",
    ),
    ("kling", "motion_control", {}, "point", 5_000_000, None, 2, "video/mp4"),
    ("kling-turbo", "video_generation", {"duration": 5}, "llm", 2_800_000, [], 1, "video/mp4"),
    # Veo: per second, with audio unless generate_audio is false; "8s" when not given
    ("veo3", "veo3-video", {"duration": "8s"}, "llm", 19_200_000, [], 1, "video/mp4"),
    (
        "veo3",
        "veo3-video-fast",
        {"duration": "4s", "generate_audio": False},
        "llm",
        2_400_000,
        [],
        1,
        "video/mp4",
    ),
    ("veo3.1", "veo3.1-video", {"generate_audio": False}, "llm", 9_600_000, [], 1, "video/mp4"),
    ("veo3.1", "veo3.1-video-fast", {}, "llm", 7_200_000, [], 1, "video/mp4"),
    (
        "seedance",
        "seedance-2",
        {"duration": 10, "resolution": "1080p"},
        "llm",
        50_000_000,
        [],
        1,
        "video/mp4",
    ),
    ("seedance", "seedance-2-preview", {"duration": 5}, "llm", 7_500_000, [], 1, "video/mp4"),
    ("luma", "video_generation", {"prompt": "x"}, "point", 2_000_000, None, 2, "video/mp4"),
    ("hailuo", "video_generation", {}, "point", 2_000_000, None, 2, "video/mp4"),
    ("hailuo", "video_generation", {"model": "s2v-01"}, "point", 3_000_000, None, 2, "video/mp4"),
    ("Qubico/flux1-schnell", "txt2img", {"batch_size": 4}, "llm", 800_000, [], 1, "image/png"),
    ("Qubico/flux1-dev-advanced", "txt2img", {}, "llm", 200_000, [], 1, "image/png"),
    ("Qubico/flux1-dev", "img2img", {}, "llm", 200_000, [], 1, "image/png"),
    ("Qubico/flux1-schnell", "img2img", {}, "llm", 200_000, [], 1, "image/png"),
    ("Qubico/flux1-dev-advanced", "img2img", {}, "llm", 200_000, [], 1, "image/png"),
    ("Qubico/flux1-dev-advanced", "kontext", {}, "llm", 200_000, [], 1, "image/png"),
    ("gemini", "nano-banana-2", {"num_images": 4}, "llm", 300_000, [], 4, "image/png"),
    ("gemini", "gemini-2.5-flash-image", {}, "llm", 300_000, [], 1, "image/png"),
    ("midjourney", "imagine", {"prompt": "x"}, "llm", 800_000, [], 5, "image/png"),
    # --- the video families of issue 21 ---
    # Kling's legacy task types answer works[]: a clean and a watermarked video
    ("kling", "lip_sync", {}, "point", 2_000_000, None, 2, "video/mp4"),
    ("kling", "extend_video", {}, "point", 2_000_000, None, 2, "video/mp4"),
    ("kling", "avatar", {}, "point", 2_000_000, None, 2, "video/mp4"),
    # $0.26 per effect video, $0.46 in professional mode
    ("kling", "effects", {}, "point", 2_600_000, None, 2, "video/mp4"),
    ("kling", "effects", {"professional_mode": True}, "point", 4_600_000, None, 2, "video/mp4"),
    # $0.07 per try-on image; $0.07 per sound generation of 4 files
    ("kling", "ai_try_on", {"batch_size": 2}, "point", 1_400_000, None, 2, "image/png"),
    ("kling", "sound", {"duration": 5}, "point", 700_000, None, 4, "audio/mpeg"),
    ("luma", "extend_video", {"prompt": "x"}, "point", 2_000_000, None, 2, "video/mp4"),
    *[
        (model, task_type, {}, "llm", 200_000, [], 1, "image/png")
        for model, task_type in (
            ("Qubico/flux1-schnell", "txt2img-sr"),
            ("Qubico/flux1-dev-advanced", "txt2img-sr"),
            ("Qubico/flux1-dev-advanced", "img2img-sr"),
            ("Qubico/flux1-dev-advanced", "txt2img-lora"),
            ("Qubico/flux1-dev-advanced", "img2img-lora"),
            ("Qubico/flux1-dev-advanced", "fill-inpaint"),
            ("Qubico/flux1-dev-advanced", "fill-outpaint"),
            ("Qubico/flux1-dev-advanced", "redux-variation"),
            ("Qubico/flux1-dev-advanced", "controlnet-lora"),
        )
    ],
    # Qubico video models answer `video_url`; Wan 2.1's three base task types are priced
    ("Qubico/wanx", "txt2video-1.3b", {}, "llm", 1_200_000, [], 1, "video/mp4"),
    ("Qubico/wanx", "txt2video-14b", {}, "llm", 2_800_000, [], 1, "video/mp4"),
    ("Qubico/wanx", "img2video-14b", {}, "llm", 2_800_000, [], 1, "video/mp4"),
    *[
        (model, task_type, {}, "llm", 1_000_000, [], 1, "video/mp4")
        for model, task_type in (
            ("Qubico/video-toolkit", "face-swap"),
            ("Qubico/video-toolkit", "upscale"),
            ("Qubico/video-toolkit", "background-remove"),
            ("Qubico/hunyuan", "txt2video"),
            ("Qubico/hunyuan", "txt2video-lora"),
            ("Qubico/hunyuan", "fast-txt2video"),
            ("Qubico/hunyuan", "img2video-concat"),
            ("Qubico/hunyuan", "img2video-replace"),
            ("Qubico/skyreels", "img2video"),
            ("Qubico/framepack", "img2video"),
            ("Qubico/wanx", "txt2video-14b-lora"),
            ("Qubico/wanx", "img2video-14b-lora"),
            ("Qubico/wanx", "img2video-14b-keyframe"),
            ("Qubico/wanx", "img2video-14b-control-camera"),
            ("Qubico/wanx", "wan22-txt2video-14b"),
            ("Qubico/wanx", "wan22-img2video-14b"),
            ("Wan", "wan26-txt2video"),
            ("Wan", "wan26-img2video"),
        )
    ],
]

# The class each answer is read as: a family's typed task, else Task.
TYPED: dict[str, type[Task]] = {
    "sora2": Sora2Task,
    "kling": KlingTask,
    "veo3": VeoTask,
    "veo3.1": VeoTask,
    "seedance": SeedanceTask,
    "luma": LumaTask,
    "hailuo": HailuoTask,
    "Qubico/flux1-dev": FluxTask,
    "Qubico/flux1-schnell": FluxTask,
    "Qubico/flux1-dev-advanced": FluxTask,
    "gemini": GeminiTask,
    "kling-turbo": KlingTask,
    "Qubico/video-toolkit": VideoToolkitTask,
    "Qubico/hunyuan": HunyuanTask,
    "Qubico/skyreels": SkyReelsTask,
    "Qubico/framepack": FramePackTask,
    "Qubico/wanx": WanTask,
    "Wan": WanTask,
    "midjourney": MidjourneyTask,
}
# A task type whose task class is not its model's (Kling's image and audio task types).
TYPED_BY_TASK_TYPE: dict[tuple[str, str], type[Task]] = {
    ("kling", "ai_try_on"): KlingTryOnTask,
    ("kling", "sound"): KlingSoundTask,
}
UNTYPED: set[tuple[str, str]] = set()


def test_every_catalogue_entry_is_tested() -> None:
    assert {(model, task_type) for model, task_type, *_ in MODELS} | {
        ("sora2", "sora2-pro-video"),
        ("Qubico/flux1-dev", "txt2img"),
        ("gemini", "nano-banana-pro"),
        ("suno", "music"),  # below: its output is a list
    } | set(AUDIO_IMAGE_3D) == set(CATALOG)  # the audio, image and 3D families: their own file


@pytest.mark.parametrize(
    ("model", "task_type", "task_input", "usage", "units", "logs", "results", "media_type"),
    MODELS,
    ids=[f"{m}/{t}" for m, t, *_ in MODELS],
)
def test_each_model_answers_in_its_published_shape(
    fake: FakePiAPI,
    clock: FakeClock,
    model: str,
    task_type: str,
    task_input: dict[str, Any],
    usage: str,
    units: int,
    logs: list[Any] | None,
    results: int,
    media_type: str,
) -> None:
    body = {"model": model, "task_type": task_type, "input": task_input}
    with fake.client(headers=KEY) as client:
        created = create(client, body)
        clock.advance(60)
        done = get(client, created["task_id"])
        served = [client.get(url) for url in parse_task(done).media_urls]
    spec = CATALOG[(model, task_type)]
    assert created["logs"] == logs
    assert created["output"] == spec.pending(task_input)
    # Midjourney's answers have no `error` object unless the task failed
    assert ("error" in created) is spec.error_key
    assert created.get("error", {"code": 0})["code"] == spec.success_error_code
    point = usage == "point"
    assert created["meta"]["usage"] == {
        "type": usage,
        "frozen": units if point else 0,
        "consume": 0 if point else units,
    }
    assert done["meta"]["usage"] == {
        "type": usage,
        "frozen": units if point else 0,
        "consume": units,
    }
    assert done.get("error", {"code": 0})["code"] == spec.success_error_code
    assert [answer.status_code for answer in served] == [200] * results
    assert {answer.headers["content-type"] for answer in served} == {media_type}
    task = parse_task(done)
    expected = TYPED_BY_TASK_TYPE.get((model, task_type)) or TYPED.get(model, Task)
    assert type(task) is (Task if (model, task_type) in UNTYPED else expected)
    assert task.status is TaskStatus.COMPLETED
    assert task.cost_usd == Decimal(units) / 10_000_000
    assert not task.error.is_error  # Flux's 1100 on success, or no `error` at all
    assert task.unreadable == {}


def test_suno_answers_a_list_of_clips_and_its_songs_are_the_results(
    fake: FakePiAPI, clock: FakeClock
) -> None:
    body = {"model": "suno", "task_type": "music", "input": {"prompt": "[Verse] la"}}
    with fake.client(headers=KEY) as client:
        created = create(client, body)
        clock.advance(60)
        done = get(client, created["task_id"])
        task = parse_task(done)
        served = {url: client.get(url) for url in task.media_urls + task.preview_urls}
    assert created["output"] is None
    assert "error" not in done
    clips = done["output"]
    assert isinstance(clips, list)
    assert [list(clip)[:4] for clip in clips] == [
        ["id", "image_large_url", "image_url", "video_url"]
    ] * 2  # the cover and the video listed before the song, as on PiAPI's page
    assert task.status is TaskStatus.COMPLETED
    assert task.unreadable == {}  # SunoTask reads a list of clips
    assert task.media_kind == "audio"
    songs, videos = [clip["audio_url"] for clip in clips], [clip["video_url"] for clip in clips]
    assert task.media_urls == [*songs, *videos]
    assert task.result_url == clips[0]["audio_url"]
    assert task.preview_urls == [
        clips[0]["image_large_url"],
        clips[0]["image_url"],
        clips[1]["image_large_url"],
        clips[1]["image_url"],
    ]
    assert {url: answer.headers["content-type"] for url, answer in served.items()} == {
        **{clip["audio_url"]: "audio/mpeg" for clip in clips},
        **{clip["video_url"]: "video/mp4" for clip in clips},
        **{clip[key]: "image/png" for clip in clips for key in ("image_url", "image_large_url")},
    }
    assert not task.error.is_error
    assert task.cost_usd == Decimal("0.04")  # the fake's placeholder: no price is published


def test_a_point_billed_task_that_fails_is_not_charged(fake: FakePiAPI, clock: FakeClock) -> None:
    fake.script(outcome="failed", error_message="upstream refused")
    with fake.client(headers=KEY) as client:
        created = create(client, {"model": "luma", "task_type": "video_generation", "input": {}})
        clock.advance(60)
        failed = parse_task(get(client, created["task_id"]))
    assert failed.status is TaskStatus.FAILED
    assert failed.meta.usage.consume == 0
    assert (failed.cost_usd, failed.held_usd) == (Decimal(0), Decimal("0.2"))
    assert failed.media_urls == []


def test_unknown_task_types_of_known_models_are_refused(fake: FakePiAPI) -> None:
    with fake.client(headers=KEY) as client:
        answer = client.post(
            "/api/v1/task", json={"model": "kling", "task_type": "sora2-video", "input": {}}
        )
    assert answer.status_code == 400
    assert answer.json()["message"] == "invalid task type"


def test_png_media_is_a_valid_png() -> None:
    media = PngMedia(3, width=2, height=3)
    data = media.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) == media.size
    assert b"".join(media.iter_range(5, 40, chunk_size=7)) == data[5:40]
    offset = 8
    kinds = []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF
        kinds.append(kind)
        offset += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">II", data[16:24]) == (2, 3)
    assert PngMedia(1).read() != PngMedia(2).read()


# --- field drift -------------------------------------------------------------------------------


def test_field_drift_changes_the_shape_not_the_meaning(fake: FakePiAPI, clock: FakeClock) -> None:
    fake.faults.add(Fault.field_drift(), endpoint="get")
    with fake.client(headers=KEY) as client:
        created = create(client, sora_body("a fox"))
        pending = get(client, created["task_id"])
        clock.advance(60)
        done = get(client, created["task_id"])
    truth = fake.get_task(created["task_id"])
    assert pending["output"] == {}
    assert done["logs"] is None
    assert done["meta"]["created_at"] == "string"
    assert done["meta"]["usage"] == {"type": "llm", "frozen": "0", "consume": "3200000"}
    assert done["error"] == {"code": 1100, "message": ""}
    assert "service_mode" not in done["config"]
    assert done["output"]["thumbnail_url"].endswith("-thumbnail.png")
    task = parse_task(done)
    assert type(task) is Sora2Task
    assert task.status is TaskStatus.COMPLETED
    assert task.result_url == truth["output"]["video"]
    assert task.media_urls == [truth["output"]["video"]]
    assert task.cost_usd == Decimal("0.32")
    assert task.error is not None
    assert not task.error.is_error
    assert task.unreadable == {"meta.created_at": "string"}
    assert task.model_extra == {"x_drift": ["unknown", "field"]}
    assert [r.fault for r in fake.requests if r.endpoint == "get"] == ["field_drift()"] * 2


def test_field_drift_keeps_the_reason_of_a_failure(fake: FakePiAPI, clock: FakeClock) -> None:
    fake.script(outcome="failed", error_message="content policy")
    fake.faults.add(Fault.field_drift(), endpoint="get")
    with fake.client(headers=KEY) as client:
        created = create(client, {"model": "kling", "task_type": "video_generation", "input": {}})
        clock.advance(60)
        failed = parse_task(get(client, created["task_id"]))
    assert failed.status is TaskStatus.FAILED
    assert failed.error is not None
    assert failed.error.message == "content policy"
    assert failed.error.is_error
    assert failed.logs == []
