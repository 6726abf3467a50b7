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

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from piapi._core.results import MediaKind

__all__ = ["CATALOG", "MediaKind", "ModelSpec", "Publish"]

Publish = Callable[[MediaKind], str]
"""Makes a new file of that kind servable and returns its URL (video, audio, else an image)."""

Output = dict[str, Any] | list[Any] | None
"""A task's `output`: an object, or a list (Suno's clips), or null."""

Pending = Callable[[Mapping[str, Any]], Output]
"""A task's `output` while it runs, from its input."""

Done = Callable[[Publish, Mapping[str, Any]], Output]
"""A task's `output` once completed, from its input; its files made with `publish`."""


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


def _fixed(output: Output) -> Callable[..., Output]:
    """An output that does not depend on the input: a `Pending`, or a `Done` without files
    (a fresh copy each time)."""
    return lambda *_: copy.deepcopy(output)


def _files(fixed: Mapping[str, Any] | None = None, **kinds: MediaKind) -> Done:
    """A completed output of one new file (of its kind) per key, in order, then `fixed`."""
    return lambda publish, task_input: {
        **{key: publish(kind) for key, kind in kinds.items()},
        **(fixed or {}),
    }


def _file_list(key: str, count: str) -> Done:
    """A completed output of `key`: as many new images as the input's `count` field asks."""
    return lambda publish, task_input: {
        key: [publish("image") for _ in range(_count(task_input, count, 1))]
    }


_no_output = _fixed(None)
_video_pending = _fixed({"video": ""})
_video_done = _files(video="video")
_luma_pending = _fixed(
    {
        "prompt": "",
        "internal_state": "",
        "created_at": "0001-01-01T00:00:00Z",
        "video": None,
        "video_raw": None,
        "thumbnail": None,
        "last_frame": None,
    }
)


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


_kling_works_pending = _fixed({"type": "", "status": 0, "works": None})


def _resource(url: str, clean: str = "") -> dict[str, Any]:
    """A file of a Kling work: `resource` (watermarked) and `resource_without_watermark`."""
    return {"resource": url, "resource_without_watermark": clean}


def _kling_works(work_type: str, works: list[dict[str, Any]], **extra: Any) -> Output:
    """Kling's legacy answer: `works[]` (all of `work_type`), `extra` beside them."""
    return {
        "type": work_type,
        "status": 99,
        **extra,
        "works": [{"status": 99, "type": work_type, **work} for work in works],
    }


def _kling_video_work(work_type: str, motion: bool = False) -> Done:
    """Kling's legacy answer of one video (watermarked and clean) and its cover; a motion
    control answer also gives the clean video as `video_url`, and the video's duration."""

    def done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
        clean, marked = publish("video"), publish("video")
        video = _resource(marked, clean)
        if motion:
            video["duration"] = 5100
        work = {"cover": _resource(publish("image")), "video": video}
        return _kling_works(work_type, [work], **({"video_url": clean} if motion else {}))

    return done


# The legacy works[] shape of https://piapi.ai/docs/kling-api/get-task.
_kling_legacy_done = _kling_video_work("m2v_txt2video_hq")
_kling_works_done = _kling_video_work("m2v_motion_control", motion=True)


def _by_kling_version(
    v3: Callable[..., Output], legacy: Callable[..., Output]
) -> Callable[..., Output]:
    """A `Pending` or `Done` by the input (its last argument): Kling 3.0 answers
    `{"video": ...}`, older versions the legacy `works[]` shape."""
    return lambda *args: (v3 if args[-1].get("version") == "3.0" else legacy)(*args)


_kling_video_pending = _by_kling_version(_video_pending, _kling_works_pending)
_kling_video_done = _by_kling_version(_video_done, _kling_legacy_done)


_hailuo_pending = _fixed(
    {"video_url": "", "download_url": "", "cover_url": "", "prompt_img_url": "", "status": 0}
)
_hailuo_done = _files(
    {"prompt_img_url": "", "status": 2},
    video_url="video",
    download_url="video",
    cover_url="image",
)
_flux_done = _files({"image_base64": ""}, image_url="image")
_gemini_done = _file_list("image_urls", "num_images")


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


_midjourney_pending = _fixed({"image_url": "", "image_urls": None, "temporary_image_urls": None})


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


def _kling_rated(rates: Mapping[str, tuple[int, int]], name: str, default: str) -> Price:
    """Per second of all shots, by the input's `name` (else `default`): the rate without
    `enable_audio`, or with it; a value without rates costs `default`'s without audio."""

    def price(task_input: Mapping[str, Any]) -> int:
        pair = rates.get(task_input.get(name) or default)
        rate = rates[default][0] if pair is None else pair[bool(task_input.get("enable_audio"))]
        return rate * _shots_seconds(task_input)

    return price


# Kling 3.0 per second by mode (std 720p | pro 1080p), (without, with audio):
# piapi.ai/docs/kling-api/kling-3-api.
_KLING_VIDEO_RATES = {"std": (1_000_000, 1_500_000), "pro": (1_500_000, 2_000_000)}
# Kling 3.0 omni per second by resolution, (without, with audio): the same page, beside the
# omni request.
_KLING_OMNI_RATES = {"720p": (1_500_000, 2_000_000), "1080p": (2_000_000, 3_000_000)}


# Seedance 2 per second by resolution: piapi.ai/docs/seedance-api/seedance-2.
_SEEDANCE_RATES = {"480p": 1_000_000, "720p": 2_000_000, "1080p": 5_000_000}


def _seedance_price(rate_without_resolution: int) -> Price:
    def price(task_input: Mapping[str, Any]) -> int:
        rate = _SEEDANCE_RATES.get(task_input.get("resolution") or "", rate_without_resolution)
        return rate * _seconds(task_input, 5)

    return price


def _hailuo_price(task_input: Mapping[str, Any]) -> int:
    # Per video by sub-model: piapi.ai/docs/hailuo-api/generate-video: s2v-01 $0.30; t2v-01,
    # i2v-01, i2v-01-live $0.20, and the others (v2.3: a placeholder) the same.
    return 3_000_000 if task_input.get("model") == "s2v-01" else 2_000_000


def _flux_price(task_input: Mapping[str, Any]) -> int:
    # A placeholder per image; "price will be batch_size * (price for one generation)".
    return 200_000 * _count(task_input, "batch_size", 1)


@dataclass(frozen=True)
class ModelSpec:
    """How the fake answers for one model and task type."""

    usage: Literal["llm", "point"]
    price: Price
    """What the task costs, in 1/10,000,000 USD."""
    pending: Pending
    done: Done
    null_logs: bool = False
    success_error_code: int = 0
    """The `error.code` of a task that did not fail (Flux answers 1100 with no message)."""
    error_key: bool = True
    """Whether a task that did not fail has an `error` object (Midjourney's and Suno's
    answers have none)."""


def _llm(price: Price, done: Done, pending: Pending = _no_output, **options: Any) -> ModelSpec:
    """A model billed in `usage.consume` from creation; `output` null until done by default."""
    return ModelSpec("llm", price, pending, done, **options)


def _point(price: Price, pending: Pending, done: Done) -> ModelSpec:
    """A point-billed model (a hold, charged on completion), its `logs` null."""
    return ModelSpec("point", price, pending, done, null_logs=True)


def _veo(with_audio: int, without_audio: int) -> ModelSpec:
    """Per second by `generate_audio`: piapi.ai/docs/veo3-api/image-to-video (and 3.1)."""

    def price(task_input: Mapping[str, Any]) -> int:
        rate = without_audio if task_input.get("generate_audio") is False else with_audio
        return rate * _seconds(task_input, 8)

    return _llm(price, _video_done)


_FLUX = _llm(_flux_price, _flux_done, success_error_code=1100)
_GEMINI = _llm(_flat(300_000), _gemini_done)
_FLUX_TASKS = {
    "Qubico/flux1-dev": ("txt2img", "img2img"),
    "Qubico/flux1-schnell": ("txt2img", "img2img"),
    "Qubico/flux1-dev-advanced": ("txt2img", "img2img", "kontext"),
}

# --- the video families of issue 21 (kling's other task types, luma extend, flux tools, the
# Qubico video models, Wan): one block ------------------------------------------------------


def _kling_files_done(kind: MediaKind, count: int) -> Done:
    # Try-on images and sound files: PiAPI publishes no completed answer; the fake answers in
    # Kling's works[] shape, one work per file, keyed by the kind of file.
    def done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
        files = range(count if count else _count(task_input, "batch_size", 1))
        return _kling_works("", [{kind: _resource(publish(kind))} for _ in files])

    return done


def _kling_effect_price(task_input: Mapping[str, Any]) -> int:
    # https://piapi.ai/docs/kling-api/kling-effects-api: $0.26 std, $0.46 professional_mode.
    return 4_600_000 if task_input.get("professional_mode") is True else 2_600_000


# Qubico video models: `video_url`, as PiAPI's MCP server reads them.
_video_url_done = _files(video_url="video")


def _kling_point(price: Price, done: Done) -> ModelSpec:
    return _point(price, _kling_works_pending, done)


_QUBICO_VIDEO = _llm(_flat(1_000_000), _video_url_done)  # placeholder
_FLUX_TOOLS = (
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
_QUBICO_VIDEO_TASKS = (
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
VIDEO_FAMILIES: dict[tuple[str, str], ModelSpec] = {
    ("kling", "lip_sync"): _kling_point(_flat(2_000_000), _kling_legacy_done),
    ("kling", "extend_video"): _kling_point(_flat(2_000_000), _kling_legacy_done),
    ("kling", "effects"): _kling_point(_kling_effect_price, _kling_legacy_done),
    ("kling", "avatar"): _kling_point(_flat(2_000_000), _kling_legacy_done),
    # $0.07 per output image: https://piapi.ai/docs/kling-api/virtual-try-on-api
    ("kling", "ai_try_on"): _kling_point(
        lambda task_input: 700_000 * _count(task_input, "batch_size", 1),
        _kling_files_done("image", 0),
    ),
    # $0.07 per generation of 4 files: https://piapi.ai/docs/kling-api/kling-sound-api
    ("kling", "sound"): _kling_point(_flat(700_000), _kling_files_done("audio", 4)),
    ("luma", "extend_video"): _point(_flat(2_000_000), _luma_pending, _luma_done),
    **dict.fromkeys(_FLUX_TOOLS, _FLUX),
    **dict.fromkeys(_QUBICO_VIDEO_TASKS, _QUBICO_VIDEO),
    # per video: https://piapi.ai/docs/wanx-api/create-task
    ("Qubico/wanx", "txt2video-1.3b"): _llm(_flat(1_200_000), _video_url_done),
    ("Qubico/wanx", "txt2video-14b"): _llm(_flat(2_800_000), _video_url_done),
    ("Qubico/wanx", "img2video-14b"): _llm(_flat(2_800_000), _video_url_done),
}


# --- audio, image and 3D families ----------------------------------------------------------
# Outputs in the shapes PiAPI's pages (or its own MCP server) show; where no completed answer
# is published (Qwen, Z-Image, Seedream, OmniHuman, AI Hug, DiffRhythm) the fake answers a
# plain `image_url` / `video` / `audio_url` like its siblings. Prices in PiAPI's units: the
# published ones (music-s and music-u $0.04, F5-TTS $0.025 per 1,000 characters, DiffRhythm
# $0.02, Z-Image by size, Seedream 5 Lite by size, background removal $0.001) and, elsewhere,
# the charge of a published answer (Trellis $0.04, Trellis 2 $0.10, ACE-Step $0.0005) or a
# placeholder of the right order.


_audio_done = _files(audio_url="audio")
_image_done = _files(image_url="image")
_images_done = _file_list("image_urls", "batch_size")


def _suno_clip(publish: Publish, clip_id: str) -> dict[str, Any]:
    return {
        "id": clip_id,
        "audio_url": publish("audio"),
        "video_url": publish("video"),
        "image_url": publish("image"),  # the cover
        "image_large_url": publish("image"),
        "is_video_pending": False,
        "metadata": {"tags": "pop", "prompt": "[Verse]"},
    }


def _suno_keyed_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    # piapi.ai/docs/legacy/suno-api/get-music: clips keyed by their id
    return {"clips": {cid: _suno_clip(publish, cid) for cid in ("clip-1", "clip-2")}}


_lyrics_done = _fixed(
    {"lyrics_pairs": [{"title": "Winter Wind", "text": "[Verse]\nSnowflakes falling"}]}
)
_udio_pending = _fixed({"generation_id": "", "songs": None})


def _udio_done(publish: Publish, task_input: Mapping[str, Any]) -> Output:
    song = {"song_path": publish("audio"), "image_path": publish("image")}
    return {"generation_id": "g-1", "songs": [song, {**song, "song_path": publish("audio")}]}


_describe_pending = _fixed({"description": ""})  # piapi.ai/docs/midjourney-api/describe
_describe_done = _fixed({"description": "1\ufe0f\u20e3 a city at night --ar 16:9"})
_seed_done = _fixed({"seed": "1234567890"})
_trellis_done = _files(model_file="3d", no_background_image="image", combined_video="video")
_model_file_done = _files(model_file="3d")  # as Qubico/pixal3d answers (its page)


def _tts_price(task_input: Mapping[str, Any]) -> int:
    text = task_input.get("gen_text")
    return 250 * len(text) if isinstance(text, str) else 0  # $0.025 per 1,000 characters


def _z_image_price(task_input: Mapping[str, Any]) -> int:
    width, height = task_input.get("width", 1024), task_input.get("height", 1024)
    pixels = width * height if isinstance(width, int) and isinstance(height, int) else 0
    steps = ((524_288, 20_000), (1_048_576, 40_000), (1_572_864, 60_000))  # 1 MP = 1024 x 1024
    per_image = next((units for limit, units in steps if pixels <= limit), 80_000)
    return per_image * _count(task_input, "batch_size", 1)


def _seedream_price(task_input: Mapping[str, Any]) -> int:
    return 420_000 if task_input.get("size") == "3K" else 280_000


# Midjourney and Suno answers carry no `error` key (PiAPI's published answers).
_MIDJOURNEY_IMAGE = _llm(_flat(800_000), _midjourney_done, _midjourney_pending, error_key=False)
_SUNO_TASKS = ("generate_music", "generate_music_custom", "concat_music", "upload_audio")

AUDIO_IMAGE_3D: dict[tuple[str, str], ModelSpec] = {
    **{("suno", task_type): _llm(_flat(400_000), _suno_keyed_done) for task_type in _SUNO_TASKS},
    **{("music-s", task_type): _llm(_flat(400_000), _suno_keyed_done) for task_type in _SUNO_TASKS},
    ("suno", "music"): _llm(  # no published price: a placeholder
        _flat(400_000), _suno_done, null_logs=True, error_key=False
    ),
    ("suno", "generate_lyrics"): _llm(_flat(20_000), _lyrics_done),
    ("suno", "lyrics"): _llm(_flat(20_000), _lyrics_done),
    ("music-s", "generate_lyrics"): _llm(_flat(20_000), _lyrics_done),
    ("music-u", "generate_music"): _llm(_flat(400_000), _udio_done, _udio_pending),
    ("music-u", "generate_lyrics"): _llm(_flat(20_000), _lyrics_done),
    **{
        ("midjourney", task_type): _MIDJOURNEY_IMAGE
        for task_type in ("upscale", "variation", "reroll", "blend", "inpaint", "outpaint", "pan")
    },
    ("midjourney", "describe"): _llm(_flat(400_000), _describe_done, _describe_pending),
    ("midjourney", "seed"): _llm(_flat(100_000), _seed_done),
    ("Qubico/tts", "zero-shot"): _llm(_tts_price, _audio_done),
    ("Qubico/mmaudio", "video2audio"): _llm(_flat(25_000), _audio_done),  # 5 s at $0.0005/s
    ("Qubico/diffrhythm", "txt2audio-base"): _llm(_flat(200_000), _audio_done),
    ("Qubico/diffrhythm", "txt2audio-full"): _llm(_flat(200_000), _audio_done),
    **{
        ("Qubico/ace-step", task_type): _llm(_flat(5_000), _audio_done)
        for task_type in ("txt2audio", "audio2audio", "edit", "extend")
    },
    ("Qubico/joycaption", "joycaption-beta-one"): _llm(_flat(10_000), _fixed({"text": "A bear."})),
    ("Qubico/qwen-image", "txt2img"): _llm(_flat(100_000), _image_done),
    ("Qubico/qwen-image", "image-edit"): _llm(_flat(100_000), _image_done),
    ("Qubico/z-image", "txt2img"): _llm(_z_image_price, _images_done),
    **{
        ("Qubico/image-toolkit", task_type): _llm(_flat(100_000), _image_done)
        for task_type in ("face-swap", "multi-face-swap", "segment", "upscale")
    },
    ("Qubico/image-toolkit", "background-remove"): _llm(_flat(10_000), _image_done),
    ("Qubico/trellis", "text-to-3d"): _llm(_flat(400_000), _trellis_done),
    ("Qubico/trellis", "image-to-3d"): _llm(_flat(400_000), _trellis_done),
    ("Qubico/trellis2", "image-to-3d"): _llm(_flat(1_000_000), _model_file_done),
    ("omni-human", "omni-human-1.5"): _llm(_flat(1_000_000), _video_done),
    ("Qubico/hug-video", "image_to_video"): _llm(_flat(500_000), _video_done),
    ("seedream", "seedream-5-lite"): _llm(_seedream_price, _image_done),
}

CATALOG: dict[tuple[str, str], ModelSpec] = {
    # Sora 2: exactly the seed's shape: `output` null until done, `logs` [] (2025 answers).
    ("sora2", "sora2-video"): _llm(_per_second(800_000, 4), _video_done),  # $0.08/s
    ("sora2", "sora2-pro-video"): _llm(_per_second(2_400_000, 4), _video_done),  # $0.24/s
    ("sora2", "remove-watermark"): _llm(_per_second(0, 4), _video_done),  # no published price
    ("kling", "video_generation"): _point(
        _kling_rated(_KLING_VIDEO_RATES, "mode", "std"), _kling_video_pending, _kling_video_done
    ),
    ("kling", "omni_video_generation"): _point(
        _kling_rated(_KLING_OMNI_RATES, "resolution", "720p"), _video_pending, _video_done
    ),
    ("kling", "motion_control"): _kling_point(_flat(5_000_000), _kling_works_done),
    ("kling-turbo", "video_generation"): _llm(_per_second(560_000, 5), _video_done),
    ("veo3", "veo3-video"): _veo(2_400_000, 1_200_000),
    ("veo3", "veo3-video-fast"): _veo(900_000, 600_000),
    ("veo3.1", "veo3.1-video"): _veo(2_400_000, 1_200_000),
    ("veo3.1", "veo3.1-video-fast"): _veo(900_000, 600_000),
    ("seedance", "seedance-2"): _llm(_seedance_price(1_000_000), _video_done),
    # The published seedance-2-preview answer: $0.15/s when no resolution is sent.
    ("seedance", "seedance-2-preview"): _llm(_seedance_price(1_500_000), _video_done),
    # $0.20: a published ray-v2 answer's charge
    ("luma", "video_generation"): _point(_flat(2_000_000), _luma_pending, _luma_done),
    ("hailuo", "video_generation"): _point(_hailuo_price, _hailuo_pending, _hailuo_done),
    **{(model, task_type): _FLUX for model, types in _FLUX_TASKS.items() for task_type in types},
    ("gemini", "nano-banana-pro"): _GEMINI,
    ("gemini", "nano-banana-2"): _GEMINI,
    ("gemini", "gemini-2.5-flash-image"): _GEMINI,
    ("midjourney", "imagine"): _MIDJOURNEY_IMAGE,
    **AUDIO_IMAGE_3D,
    **VIDEO_FAMILIES,
}
"""Every (model, task_type) the fake creates tasks for; others answer "invalid model/task type"."""
