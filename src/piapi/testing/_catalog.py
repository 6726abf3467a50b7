"""The models the fake answers for, each in the shape PiAPI's published answers show.

Per (model, task_type): how it bills (`llm`: the price in `usage.consume` from creation;
`point`: a hold in `usage.frozen`, charged into `consume` on completion), whether `logs` is
null (most 2025-26 answers), and its output before and after completion. Sora 2's prices
are PiAPI's; the others are placeholders of the right order, not PiAPI's price list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CATALOG", "ModelSpec", "Publish"]

MediaKind = Literal["video", "image"]
Publish = Callable[[MediaKind], str]
"""Makes a new file of that kind servable and returns its URL."""
Output = dict[str, Any] | None


def _seconds(task_input: Mapping[str, Any], default: int) -> int:
    value = task_input.get("duration", default)
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _count(task_input: Mapping[str, Any], name: str, default: int) -> int:
    value = task_input.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


# --- output shapes: (output while running, output once completed) ---------------------------


def _video_pending(task_input: Mapping[str, Any]) -> Output:
    return {"video": ""}


def _video_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    return {"video": publish("video")}


def _luma_pending(task_input: Mapping[str, Any]) -> Output:
    return {
        "prompt": "",
        "internal_state": "",
        "created_at": "0001-01-01T00:00:00Z",
        "video": None,
        "video_raw": None,
        "thumbnail": None,
        "last_frame": None,
    }


def _luma_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    size = {"width": 1152, "height": 864}
    return {
        "prompt": str(task_input.get("prompt", "")),
        "internal_state": "completed",
        "created_at": "2026-01-07T01:36:13.128Z",
        "video": {"url": publish("video"), **size},  # watermarked
        "video_raw": {"url": publish("video"), **size},  # no watermark
        "thumbnail": {"url": publish("image"), **size},
        "last_frame": {"url": publish("image"), **size},
    }


def _kling_works_pending(task_input: Mapping[str, Any]) -> Output:
    return {"type": "", "status": 0, "works": None}


def _kling_works_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    clean, marked = publish("video"), publish("video")
    return {
        "type": "m2v_motion_control",
        "status": 99,
        "video_url": clean,
        "works": [
            {
                "status": 99,
                "type": "m2v_motion_control",
                "cover": {"resource": publish("image"), "resource_without_watermark": ""},
                "video": {
                    "resource": marked,
                    "resource_without_watermark": clean,
                    "duration": 5100,
                },
            }
        ],
    }


def _hailuo_pending(task_input: Mapping[str, Any]) -> Output:
    return {"video_url": "", "download_url": "", "cover_url": "", "prompt_img_url": "", "status": 0}


def _hailuo_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    return {
        "video_url": publish("video"),
        "download_url": publish("video"),
        "cover_url": publish("image"),
        "prompt_img_url": "",
        "status": 2,
    }


def _flux_pending(task_input: Mapping[str, Any]) -> Output:
    return None


def _flux_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    return {"image_url": publish("image"), "image_base64": ""}


def _gemini_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    return {"image_urls": [publish("image") for _ in range(_count(task_input, "num_images", 1))]}


def _midjourney_pending(task_input: Mapping[str, Any]) -> Output:
    return {"image_url": "", "image_urls": None, "temporary_image_urls": None}


def _midjourney_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    images = [publish("image") for _ in range(4)]
    return {
        "image_url": publish("image"),  # the 2x2 grid
        "image_urls": images,
        "temporary_image_urls": list(images),
    }


@dataclass(frozen=True)
class ModelSpec:
    """How the fake answers for one model and task type."""

    usage: Literal["llm", "point"]
    price: int
    """In 1/10,000,000 USD: per second of video when `per_second`, else per task."""
    pending: Callable[[Mapping[str, Any]], Output]
    done: Callable[[Publish, Mapping[str, Any]], Output]
    per_second: bool = False
    default_seconds: int = 5
    null_logs: bool = False
    success_error_code: int = 0
    """The `error.code` of a task that did not fail (Flux answers 1100 with no message)."""

    def units(self, task_input: Mapping[str, Any]) -> int:
        """What the task costs, in 1/10,000,000 USD."""
        if not self.per_second:
            return self.price
        return self.price * _seconds(task_input, self.default_seconds)


def _no_output(task_input: Mapping[str, Any]) -> Output:
    return None


def _sora2(price: int) -> ModelSpec:
    # Exactly the seed's shape: `output` null until done, `logs` [] (2025 answers).
    return ModelSpec("llm", price, _no_output, _video_done, per_second=True, default_seconds=4)


_KLING_3 = ModelSpec("point", 4_500_000, _video_pending, _video_done, null_logs=True)
_FLUX = ModelSpec("llm", 200_000, _flux_pending, _flux_done, success_error_code=1100)
_GEMINI = ModelSpec("llm", 300_000, _no_output, _gemini_done)

CATALOG: dict[tuple[str, str], ModelSpec] = {
    ("sora2", "sora2-video"): _sora2(800_000),  # $0.08/s
    ("sora2", "sora2-pro-video"): _sora2(2_400_000),  # $0.24/s
    ("sora2", "remove-watermark"): _sora2(0),  # no published price
    ("kling", "video_generation"): _KLING_3,
    ("kling", "omni_video_generation"): _KLING_3,
    ("kling", "motion_control"): ModelSpec(
        "point", 5_000_000, _kling_works_pending, _kling_works_done, null_logs=True
    ),
    ("kling-turbo", "video_generation"): ModelSpec(
        "llm", 560_000, _no_output, _video_done, per_second=True
    ),
    ("seedance", "seedance-2"): ModelSpec(
        "llm", 1_500_000, _no_output, _video_done, per_second=True
    ),
    ("seedance", "seedance-2-preview"): ModelSpec(
        "llm", 1_500_000, _no_output, _video_done, per_second=True
    ),
    ("luma", "video_generation"): ModelSpec(
        "point", 2_000_000, _luma_pending, _luma_done, null_logs=True
    ),
    ("hailuo", "video_generation"): ModelSpec(
        "point", 2_000_000, _hailuo_pending, _hailuo_done, null_logs=True
    ),
    ("Qubico/flux1-dev", "txt2img"): _FLUX,
    ("Qubico/flux1-schnell", "txt2img"): _FLUX,
    ("gemini", "nano-banana-pro"): _GEMINI,
    ("gemini", "nano-banana-2"): _GEMINI,
    ("gemini", "gemini-2.5-flash-image"): _GEMINI,
    ("midjourney", "imagine"): ModelSpec("llm", 800_000, _midjourney_pending, _midjourney_done),
}
"""Every (model, task_type) the fake creates tasks for; others answer "invalid model/task type"."""
