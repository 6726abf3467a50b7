"""The models the fake answers for, each in the shape PiAPI's published answers show.

Per (model, task_type): how it bills (`llm`: the price in `usage.consume` from creation;
`point`: a hold in `usage.frozen`, charged into `consume` on completion), whether `logs` is
null (most 2025-26 answers), its output before and after completion, and its price. Prices
are PiAPI's published ones (Sora 2, Kling 3.0, Veo, Seedance 2, Hailuo's 01 models), written
here in PiAPI's units independently of the SDK's tables, so tests compare the two; where
PiAPI publishes none (Luma, Flux, Gemini, ...) they are placeholders of the right order.
Where a price depends on a value the request leaves out, the fake takes the docs' example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from piapi._core.results import MediaKind

__all__ = ["CATALOG", "MediaKind", "ModelSpec", "Publish"]

Publish = Callable[[MediaKind], str]
"""Makes a new file of that kind servable and returns its URL (video, audio, else an image)."""

Output = dict[str, Any] | list[Any] | None


def _seconds(task_input: Mapping[str, Any], default: int) -> int:
    value = task_input.get("duration", default)
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    text = value.strip().removesuffix("s") if isinstance(value, str) else ""
    return int(text) if text.isdigit() else 0


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


def _is_kling_3(task_input: Mapping[str, Any]) -> bool:
    return task_input.get("version") == "3.0"


def _kling_video_pending(task_input: Mapping[str, Any]) -> Output:
    # Kling 3.0 answers `{"video": ...}`; older versions the legacy `works[]` shape.
    return (
        _video_pending(task_input) if _is_kling_3(task_input) else _kling_works_pending(task_input)
    )


def _kling_video_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    if _is_kling_3(task_input):
        return _video_done(publish, task_input)
    clean, marked = publish("video"), publish("video")
    return {
        "type": "m2v_txt2video_hq",
        "status": 99,
        "works": [
            {
                "status": 99,
                "type": "m2v_txt2video_hq",
                "cover": {"resource": publish("image"), "resource_without_watermark": ""},
                "video": {"resource": marked, "resource_without_watermark": clean},
            }
        ],
    }


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


def _flux_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    return {"image_url": publish("image"), "image_base64": ""}


def _gemini_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    return {"image_urls": [publish("image") for _ in range(_count(task_input, "num_images", 1))]}


def _suno_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    """Suno (v5 webhook, https://piapi.ai/docs/25346021e0): `output` is a list of clips,
    each a cover image listed before its song, and a video of it."""
    clips: list[dict[str, Any]] = []
    for number in range(2):
        audio = publish("audio")
        clip_id = audio.rsplit("/", 1)[-1].removesuffix(".mp3")
        clips.append(
            {
                "id": clip_id,
                "image_large_url": publish("image"),
                "image_url": publish("image"),
                "video_url": publish("video"),
                "audio_url": audio,
                "major_model_version": "v5",
                "title": f"{task_input.get('title') or 'Song'} {number + 1}",
                "metadata": {"duration": 144.88, "error_message": None},
            }
        )
    return clips


def _midjourney_pending(task_input: Mapping[str, Any]) -> Output:
    return {"image_url": "", "image_urls": None, "temporary_image_urls": None}


def _midjourney_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    images = [publish("image") for _ in range(4)]
    return {
        "image_url": publish("image"),  # the 2x2 grid
        "image_urls": images,
        "temporary_image_urls": list(images),
    }


# --- prices, in PiAPI's units of 1/10,000,000 USD -------------------------------------------

Price = Callable[[Mapping[str, Any]], int]
"""What a task with this input costs, in 1/10,000,000 USD."""


def _flat(units: int) -> Price:
    return lambda task_input: units


def _per_second(units: int, default_seconds: int) -> Price:
    return lambda task_input: units * _seconds(task_input, default_seconds)


def _shots_seconds(task_input: Mapping[str, Any]) -> int:
    shots: object = task_input.get("multi_shots")
    if isinstance(shots, list) and shots:
        items = cast("list[object]", shots)
        return sum(_seconds(cast("dict[str, Any]", s), 0) for s in items if isinstance(s, dict))
    return _seconds(task_input, 5)


# Kling 3.0 per second by (std 720p | pro 1080p, audio): piapi.ai/docs/kling-api/kling-3-api.
_KLING_VIDEO_RATES = {
    ("std", False): 1_000_000,
    ("std", True): 1_500_000,
    ("pro", False): 1_500_000,
    ("pro", True): 2_000_000,
}
# Kling 3.0 omni per second by (resolution, audio): the same page, beside the omni request.
_KLING_OMNI_RATES = {
    ("720p", False): 1_500_000,
    ("720p", True): 2_000_000,
    ("1080p", False): 2_000_000,
    ("1080p", True): 3_000_000,
}


def _kling_video_price(task_input: Mapping[str, Any]) -> int:
    key = (task_input.get("mode") or "std", bool(task_input.get("enable_audio")))
    return _KLING_VIDEO_RATES.get(key, 1_000_000) * _shots_seconds(task_input)


def _kling_omni_price(task_input: Mapping[str, Any]) -> int:
    key = (task_input.get("resolution") or "720p", bool(task_input.get("enable_audio")))
    return _KLING_OMNI_RATES.get(key, 1_500_000) * _shots_seconds(task_input)


def _veo_price(with_audio: int, without_audio: int) -> Price:
    """Per second by `generate_audio`: piapi.ai/docs/veo3-api/image-to-video (and 3.1)."""

    def price(task_input: Mapping[str, Any]) -> int:
        rate = without_audio if task_input.get("generate_audio") is False else with_audio
        return rate * _seconds(task_input, 8)

    return price


# Seedance 2 per second by resolution: piapi.ai/docs/seedance-api/seedance-2.
_SEEDANCE_RATES = {"480p": 1_000_000, "720p": 2_000_000, "1080p": 5_000_000}


def _seedance_price(rate_without_resolution: int) -> Price:
    def price(task_input: Mapping[str, Any]) -> int:
        rate = _SEEDANCE_RATES.get(task_input.get("resolution") or "", rate_without_resolution)
        return rate * _seconds(task_input, 5)

    return price


# Per video by sub-model: piapi.ai/docs/hailuo-api/generate-video (v2.3: a placeholder).
_HAILUO_PRICES = {"t2v-01": 2_000_000, "i2v-01": 2_000_000, "i2v-01-live": 2_000_000}


def _hailuo_price(task_input: Mapping[str, Any]) -> int:
    model = task_input.get("model")
    if model == "s2v-01":
        return 3_000_000
    return _HAILUO_PRICES.get(model, 2_000_000) if isinstance(model, str) else 2_000_000


def _flux_price(task_input: Mapping[str, Any]) -> int:
    # A placeholder per image; "price will be batch_size * (price for one generation)".
    return 200_000 * _count(task_input, "batch_size", 1)


@dataclass(frozen=True)
class ModelSpec:
    """How the fake answers for one model and task type."""

    usage: Literal["llm", "point"]
    price: Price
    pending: Callable[[Mapping[str, Any]], Output]
    done: Callable[[Publish, Mapping[str, Any]], Output]
    null_logs: bool = False
    success_error_code: int = 0
    """The `error.code` of a task that did not fail (Flux answers 1100 with no message)."""
    error_key: bool = True
    """Whether a task that did not fail has an `error` object (Midjourney's and Suno's
    answers have none)."""

    def units(self, task_input: Mapping[str, Any]) -> int:
        """What the task costs, in 1/10,000,000 USD."""
        return self.price(task_input)


def _no_output(task_input: Mapping[str, Any]) -> Output:
    return None


def _sora2(units_per_second: int) -> ModelSpec:
    # Exactly the seed's shape: `output` null until done, `logs` [] (2025 answers).
    return ModelSpec("llm", _per_second(units_per_second, 4), _no_output, _video_done)


def _veo(with_audio: int, without_audio: int) -> ModelSpec:
    return ModelSpec("llm", _veo_price(with_audio, without_audio), _no_output, _video_done)


_SEEDANCE_2 = ModelSpec("llm", _seedance_price(1_000_000), _no_output, _video_done)
# The published seedance-2-preview answer: $0.15/s when no resolution is sent.
_SEEDANCE_2_PREVIEW = ModelSpec("llm", _seedance_price(1_500_000), _no_output, _video_done)
_FLUX = ModelSpec("llm", _flux_price, _no_output, _flux_done, success_error_code=1100)
_GEMINI = ModelSpec("llm", _flat(300_000), _no_output, _gemini_done)
_FLUX_TASKS = {
    "Qubico/flux1-dev": ("txt2img", "img2img"),
    "Qubico/flux1-schnell": ("txt2img", "img2img"),
    "Qubico/flux1-dev-advanced": ("txt2img", "img2img", "kontext"),
}

CATALOG: dict[tuple[str, str], ModelSpec] = {
    ("sora2", "sora2-video"): _sora2(800_000),  # $0.08/s
    ("sora2", "sora2-pro-video"): _sora2(2_400_000),  # $0.24/s
    ("sora2", "remove-watermark"): _sora2(0),  # no published price
    ("kling", "video_generation"): ModelSpec(
        "point", _kling_video_price, _kling_video_pending, _kling_video_done, null_logs=True
    ),
    ("kling", "omni_video_generation"): ModelSpec(
        "point", _kling_omni_price, _video_pending, _video_done, null_logs=True
    ),
    ("kling", "motion_control"): ModelSpec(
        "point", _flat(5_000_000), _kling_works_pending, _kling_works_done, null_logs=True
    ),
    ("kling-turbo", "video_generation"): ModelSpec(
        "llm", _per_second(560_000, 5), _no_output, _video_done
    ),
    ("veo3", "veo3-video"): _veo(2_400_000, 1_200_000),
    ("veo3", "veo3-video-fast"): _veo(900_000, 600_000),
    ("veo3.1", "veo3.1-video"): _veo(2_400_000, 1_200_000),
    ("veo3.1", "veo3.1-video-fast"): _veo(900_000, 600_000),
    ("seedance", "seedance-2"): _SEEDANCE_2,
    ("seedance", "seedance-2-preview"): _SEEDANCE_2_PREVIEW,
    ("luma", "video_generation"): ModelSpec(  # $0.20: a published ray-v2 answer's charge
        "point", _flat(2_000_000), _luma_pending, _luma_done, null_logs=True
    ),
    ("hailuo", "video_generation"): ModelSpec(
        "point", _hailuo_price, _hailuo_pending, _hailuo_done, null_logs=True
    ),
    **{(model, task_type): _FLUX for model, types in _FLUX_TASKS.items() for task_type in types},
    ("gemini", "nano-banana-pro"): _GEMINI,
    ("gemini", "nano-banana-2"): _GEMINI,
    ("gemini", "gemini-2.5-flash-image"): _GEMINI,
    ("midjourney", "imagine"): ModelSpec(
        "llm", _flat(800_000), _midjourney_pending, _midjourney_done, error_key=False
    ),
    ("suno", "music"): ModelSpec(  # no published price: a placeholder
        "llm", _flat(1_000_000), _no_output, _suno_done, null_logs=True, error_key=False
    ),
}
"""Every (model, task_type) the fake creates tasks for; others answer "invalid model/task type"."""
