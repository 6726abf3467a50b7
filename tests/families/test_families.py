"""Every family's typed requests in one table: a family is one `Family` row.

Per row: its request classes (model, task type, task class), what a caller may send, what
is refused (the message names the allowed values and the PiAPI page), which refusals are
also tried through the client (sync, asyncio, trio: nothing is sent), what is sent by
default, the prices from PiAPI's pages, and what PiAPI echoes (read without a single
check). What is particular to one family follows the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from _checks import Build, read_back, refused, refused_before_sending

from _support import Api
from piapi import Task, TaskInput, TaskRequest, parse_task
from piapi._core.protocol import estimate_cost
from piapi.acestep import (
    AceStepAudio2AudioInput,
    AceStepEditInput,
    AceStepExtendInput,
    AceStepTask,
    AceStepTxt2AudioInput,
)
from piapi.diffrhythm import DiffRhythmBaseInput, DiffRhythmFullInput, DiffRhythmTask
from piapi.f5tts import F5TtsTask, F5TtsZeroShotInput
from piapi.families._registry import REQUEST_CLASSES
from piapi.flux import (
    FluxControlnetLoraInput,
    FluxDevAdvancedImg2ImgInput,
    FluxDevAdvancedTxt2ImgInput,
    FluxDevAdvancedTxt2ImgSrInput,
    FluxDevImg2ImgInput,
    FluxDevTxt2ImgInput,
    FluxFillInpaintInput,
    FluxFillOutpaintInput,
    FluxImageOutput,
    FluxImg2ImgLoraInput,
    FluxImg2ImgSrInput,
    FluxKontextInput,
    FluxReduxVariationInput,
    FluxSchnellImg2ImgInput,
    FluxSchnellTxt2ImgInput,
    FluxSchnellTxt2ImgSrInput,
    FluxTask,
    FluxTxt2ImgLoraInput,
)
from piapi.framepack import FramePackImg2VideoInput, FramePackTask
from piapi.gemini import (
    Gemini25FlashImageInput,
    GeminiImageOutput,
    GeminiTask,
    NanoBanana2Input,
    NanoBananaProInput,
)
from piapi.hailuo import HailuoTask, HailuoVideoInput, HailuoVideoOutput
from piapi.hug import HugTask, HugVideoInput
from piapi.hunyuan import (
    HunyuanFastTxt2VideoInput,
    HunyuanImg2VideoConcatInput,
    HunyuanImg2VideoReplaceInput,
    HunyuanTask,
    HunyuanTxt2VideoInput,
    HunyuanTxt2VideoLoraInput,
)
from piapi.imagetoolkit import (
    BackgroundRemoveInput,
    FaceSwapInput,
    ImageToolkitTask,
    MultiFaceSwapInput,
    SegmentInput,
    UpscaleInput,
)
from piapi.joycaption import JoyCaptionBetaOneInput, JoyCaptionTask
from piapi.kling import (
    KlingAvatarInput,
    KlingEffectsInput,
    KlingExtendVideoInput,
    KlingLipSyncInput,
    KlingMotionControlInput,
    KlingOmniVideoInput,
    KlingShot,
    KlingSoundInput,
    KlingSoundTask,
    KlingTask,
    KlingTryOnInput,
    KlingTryOnTask,
    KlingTurboVideoInput,
    KlingVideoInput,
    KlingVideoOutput,
)
from piapi.luma import (
    LumaExtendVideoInput,
    LumaKeyFrames,
    LumaTask,
    LumaVideoInput,
    LumaVideoOutput,
)
from piapi.midjourney import (
    MidjourneyBlendInput,
    MidjourneyDescribeInput,
    MidjourneyImagineInput,
    MidjourneyInpaintInput,
    MidjourneyOutpaintInput,
    MidjourneyPanInput,
    MidjourneyRerollInput,
    MidjourneySeedInput,
    MidjourneyTask,
    MidjourneyTextTask,
    MidjourneyUpscaleInput,
    MidjourneyVariationInput,
)
from piapi.mmaudio import MmaudioTask, MmaudioVideo2AudioInput
from piapi.omnihuman import OmniHuman15Input, OmniHumanTask
from piapi.qwen import QwenImageEditInput, QwenTask, QwenTxt2ImgInput
from piapi.seedance import Seedance2Input, Seedance2PreviewInput, SeedanceTask
from piapi.seedream import Seedream5LiteInput, SeedreamTask
from piapi.skyreels import SkyReelsImg2VideoInput, SkyReelsTask
from piapi.suno import (
    MusicSConcatMusicInput,
    MusicSGenerateLyricsInput,
    MusicSGenerateMusicCustomInput,
    MusicSGenerateMusicInput,
    MusicSUploadAudioInput,
    SunoConcatMusicInput,
    SunoGenerateLyricsInput,
    SunoGenerateMusicCustomInput,
    SunoGenerateMusicInput,
    SunoLyricsInput,
    SunoLyricsTask,
    SunoMusicInput,
    SunoTask,
    SunoUploadAudioInput,
)
from piapi.trellis import (
    Trellis2ImageTo3DInput,
    TrellisImageTo3DInput,
    TrellisTask,
    TrellisTextTo3DInput,
)
from piapi.udio import UdioGenerateLyricsInput, UdioGenerateMusicInput, UdioLyricsTask, UdioTask
from piapi.veo import (
    Veo3FastVideoInput,
    Veo3VideoInput,
    Veo31FastVideoInput,
    Veo31VideoInput,
    VeoTask,
)
from piapi.videotoolkit import (
    VideoBackgroundRemoveInput,
    VideoFaceSwapInput,
    VideoToolkitTask,
    VideoUpscaleInput,
)
from piapi.wan import (
    Wan22Img2Video14bInput,
    Wan22Txt2Video14bInput,
    Wan26Img2VideoInput,
    Wan26Txt2VideoInput,
    WanImg2Video14bControlCameraInput,
    WanImg2Video14bInput,
    WanImg2Video14bKeyframeInput,
    WanImg2Video14bLoraInput,
    WanTask,
    WanTxt2Video13bInput,
    WanTxt2Video14bInput,
    WanTxt2Video14bLoraInput,
)
from piapi.zimage import ZImageTask, ZImageTxt2ImgInput

IMG = "https://i/a.png"


@dataclass(frozen=True)
class Family:
    name: str
    task_class: type[Task[Any, Any]]
    classes: dict[type[TaskInput], tuple[str, str]]  # request class -> (MODEL, TASK_TYPE)
    accepted: dict[str, Build]
    refused: dict[str, tuple[Build, str, str | None]]  # the message, the page it names
    sent: tuple[str, ...]  # refusals also tried through the client: nothing is sent
    # what PiAPI echoes -> the fields read as echoed (a method's name: what it returns)
    echoes: dict[str, tuple[type[TaskInput], dict[str, Any], dict[str, Any]]]
    defaults: dict[str, tuple[Build, dict[str, Any]]] = field(default_factory=dict)  # to_wire()
    # estimate_cost() from the cited page (None: unpublished); no prices at all: PiAPI
    # publishes none, and every accepted request and every echo estimates None
    prices: dict[str, tuple[Build, str | None]] | None = None


# --- Kling -------------------------------------------------------------------------------

KLING_3 = "https://piapi.ai/docs/kling-api/kling-3-api"
KLING_OMNI = "https://piapi.ai/docs/kling-api/kling-3-omni-api"
KLING_VIDEO = "https://piapi.ai/docs/kling-api/video-generation"
KLING_CREATE = "https://piapi.ai/docs/kling-api/create-task"
SHOTS = [{"duration": 2, "prompt": "a dog"}, {"duration": 3, "prompt": "a cat"}]

KLING = Family(
    name="kling",
    task_class=KlingTask,
    classes={
        KlingVideoInput: ("kling", "video_generation"),
        KlingOmniVideoInput: ("kling", "omni_video_generation"),
    },
    accepted={
        "std": lambda: KlingVideoInput(prompt="x", mode="std"),
        "pro": lambda: KlingVideoInput(prompt="x", mode="pro"),
        "16:9": lambda: KlingVideoInput(prompt="x", aspect_ratio="16:9"),
        "9:16": lambda: KlingVideoInput(prompt="x", aspect_ratio="9:16"),
        "1:1": lambda: KlingVideoInput(prompt="x", aspect_ratio="1:1"),
        "cfg_scale bounds": lambda: KlingVideoInput(prompt="x", cfg_scale=0),
        "cfg_scale 1": lambda: KlingVideoInput(prompt="x", cfg_scale=1.0),
        "image only": lambda: KlingVideoInput(image_url=IMG),
        "first and last frame": lambda: KlingVideoInput(
            image_url=IMG, image_tail_url="https://i/b.png"
        ),
        "2,500 characters": lambda: KlingVideoInput(prompt="x" * 2500, negative_prompt="y" * 2500),
        # not fixed by PiAPI's Kling 3.0 pages: sent as given
        "duration 7": lambda: KlingVideoInput(prompt="x", duration=7),
        "version 2.6": lambda: KlingVideoInput(prompt="x", version="2.6"),
        "omni any aspect ratio": lambda: KlingOmniVideoInput(prompt="x", aspect_ratio="21:9"),
        "omni 4k": lambda: KlingOmniVideoInput(prompt="x", resolution="4k"),
        "omni o1": lambda: KlingOmniVideoInput(prompt="x", version="o1"),
        "unknown field": lambda: KlingVideoInput(prompt="x", camera_control={"type": "simple"}),
    },
    refused={
        "mode": (
            lambda: KlingVideoInput(prompt="x", mode="master"),
            "mode must be one of std, pro (got 'master')",
            KLING_CREATE,
        ),
        "aspect ratio": (
            lambda: KlingVideoInput(prompt="x", aspect_ratio="4:3"),
            "aspect_ratio must be one of 16:9, 9:16, 1:1 (got '4:3')",
            KLING_VIDEO,
        ),
        "cfg_scale": (
            lambda: KlingVideoInput(prompt="x", cfg_scale=1.5),
            "cfg_scale must be from 0 to 1 (got 1.5)",
            KLING_VIDEO,
        ),
        "long prompt": (
            lambda: KlingVideoInput(prompt="x" * 2501),
            "prompt must be at most 2500 characters (got 2501)",
            KLING_VIDEO,
        ),
        "long negative prompt": (
            lambda: KlingVideoInput(prompt="x", negative_prompt="y" * 2501),
            "negative_prompt must be at most 2500 characters",
            KLING_VIDEO,
        ),
        "last frame alone": (
            lambda: KlingVideoInput(prompt="x", image_tail_url="https://i/b.png"),
            "image_tail_url (the last frame) needs image_url",
            KLING_VIDEO,
        ),
        "nothing to make": (
            lambda: KlingVideoInput(prompt="  "),
            "give a prompt, multi_shots or an image_url",
            KLING_3,
        ),
        "omni, nothing to make": (
            lambda: KlingOmniVideoInput(),
            "give a prompt or multi_shots",
            KLING_OMNI,
        ),
        "zero seconds": (
            lambda: KlingVideoInput(prompt="x", duration=0),
            "duration must be a positive number (got 0)",
            None,
        ),
        "a shot without a prompt": (
            lambda: KlingOmniVideoInput(multi_shots=[{"duration": 2, "prompt": ""}]),
            "each of multi_shots needs a prompt",
            KLING_OMNI,
        ),
        "a shot of no length": (
            lambda: KlingVideoInput(multi_shots=[{"duration": 0, "prompt": "a"}]),
            "multi_shots duration must be a positive number",
            None,
        ),
    },
    sent=("mode", "aspect ratio", "omni, nothing to make"),
    defaults={
        # the docs' example
        "video": (
            lambda: KlingVideoInput(prompt="a dog"),
            {
                "prompt": "a dog",
                "version": "3.0",
                "mode": "std",
                "duration": 5,
                "enable_audio": False,
            },
        ),
        "omni": (
            lambda: KlingOmniVideoInput(prompt="a dog"),
            {
                "prompt": "a dog",
                "version": "3.0",
                "resolution": "720p",
                "duration": 5,
                "enable_audio": False,
            },
        ),
        "a default left out on purpose is not sent": (
            lambda: KlingVideoInput(prompt="x", mode=None),
            {"prompt": "x", "version": "3.0", "duration": 5, "enable_audio": False},
        ),
    },
    prices={
        # https://piapi.ai/docs/kling-api/kling-3-api, Kling 3.0 per second:
        # 720 (std) $0.10, with audio $0.15; 1080 (pro) $0.15, with audio $0.20
        "std 5 s": (lambda: KlingVideoInput(prompt="x"), "0.50"),
        "std 10 s with audio": (
            lambda: KlingVideoInput(prompt="x", duration=10, enable_audio=True),
            "1.50",
        ),
        "pro 5 s": (lambda: KlingVideoInput(prompt="x", mode="pro"), "0.75"),
        "pro 15 s with audio": (
            lambda: KlingVideoInput(prompt="x", mode="pro", duration=15, enable_audio=True),
            "3.00",
        ),
        "shots add up": (
            lambda: KlingVideoInput(multi_shots=SHOTS, duration=10, enable_audio=True),
            "0.75",
        ),
        # the omni table: 720p $0.15, with audio $0.20; 1080p $0.20, with audio $0.30
        "omni 720p 3 s": (lambda: KlingOmniVideoInput(prompt="x", duration=3), "0.45"),
        "omni 720p with audio": (
            lambda: KlingOmniVideoInput(prompt="x", enable_audio=True),
            "1.00",
        ),
        "omni 1080p": (lambda: KlingOmniVideoInput(prompt="x", resolution="1080p"), "1.00"),
        "omni 1080p with audio, shots": (
            lambda: KlingOmniVideoInput(multi_shots=SHOTS, resolution="1080p", enable_audio=True),
            "1.50",
        ),
        # no published price
        "another version": (lambda: KlingVideoInput(prompt="x", version="2.6"), None),
        "mode left out": (lambda: KlingVideoInput(prompt="x", mode=None), None),
        "audio left out": (lambda: KlingVideoInput(prompt="x", enable_audio=None), None),
        "duration left out": (lambda: KlingVideoInput(prompt="x", duration=None), None),
        "omni o1": (lambda: KlingOmniVideoInput(prompt="x", version="o1"), None),
        "omni 4k": (lambda: KlingOmniVideoInput(prompt="x", resolution="4k"), None),
    },
    echoes={
        "refused values, no defaults": (
            KlingVideoInput,
            {"mode": "master", "aspect_ratio": "4:3", "cfg_scale": 7, "duration": 0, "prompt": ""},
            {"mode": "master", "version": None, "enable_audio": None},
        ),
        "omni, nothing": (KlingOmniVideoInput, {}, {"to_wire": {}}),
    },
)

# --- Veo 3 and 3.1: `duration` as text ("8s"); the pages show the rest only in examples --

VEO3 = "https://piapi.ai/docs/veo3-api/image-to-video"
VEO31 = "https://piapi.ai/docs/veo31-api/text-to-video"
VEO_CLASSES: dict[type[TaskInput], tuple[str, str]] = {
    Veo3VideoInput: ("veo3", "veo3-video"),
    Veo3FastVideoInput: ("veo3", "veo3-video-fast"),
    Veo31VideoInput: ("veo3.1", "veo3.1-video"),
    Veo31FastVideoInput: ("veo3.1", "veo3.1-video-fast"),
}

VEO = Family(
    name="veo",
    task_class=VeoTask,
    classes=VEO_CLASSES,
    accepted={
        # the pages show these only in examples: any value is sent as given
        "auto aspect ratio": lambda: Veo3FastVideoInput(
            prompt="x", image_url=IMG, aspect_ratio="auto"
        ),
        "21:9": lambda: Veo31VideoInput(prompt="x", aspect_ratio="21:9"),
        "1080p": lambda: Veo31VideoInput(prompt="x", resolution="1080p"),
        "10s": lambda: Veo3VideoInput(prompt="x", duration="10s"),
        "negative prompt": lambda: Veo31FastVideoInput(prompt="x", negative_prompt="static"),
    },
    refused={
        "no prompt": (lambda: Veo31VideoInput(), "prompt is required", VEO31),
        "blank prompt": (lambda: Veo3VideoInput(prompt=" "), "prompt is required", VEO3),
        "duration without its s": (
            lambda: Veo31VideoInput(prompt="x", duration="8"),
            "duration must be text such as \"8s\" (got '8')",
            VEO31,
        ),
        "duration in words": (
            lambda: Veo3FastVideoInput(prompt="x", duration="eight seconds"),
            'duration must be text such as "8s"',
            VEO3,
        ),
        "no seconds": (
            lambda: Veo3VideoInput(prompt="x", duration=0),
            "such as \"8s\" (got '0s')",
            VEO3,
        ),
    },
    sent=("duration without its s",),
    defaults={
        "veo3.1": (
            lambda: Veo31VideoInput(prompt="x"),
            {"prompt": "x", "duration": "8s", "generate_audio": True},
        ),
    },
    prices={
        # both pages: veo3(.1)-video $0.24/s with audio, $0.12/s without;
        # the -fast task types $0.09/s with audio, $0.06/s without
        "veo3 8s": (lambda: Veo3VideoInput(prompt="x"), "1.92"),
        "veo3 8s silent": (lambda: Veo3VideoInput(prompt="x", generate_audio=False), "0.96"),
        "veo3 fast 8s": (lambda: Veo3FastVideoInput(prompt="x"), "0.72"),
        "veo3 fast 4s silent": (
            lambda: Veo3FastVideoInput(prompt="x", duration="4s", generate_audio=False),
            "0.24",
        ),
        "veo3.1 8s": (lambda: Veo31VideoInput(prompt="x"), "1.92"),
        "veo3.1 6s silent": (
            lambda: Veo31VideoInput(prompt="x", duration=6, generate_audio=False),
            "0.72",
        ),
        "veo3.1 fast 8s": (lambda: Veo31FastVideoInput(prompt="x"), "0.72"),
        "veo3.1 fast 8s silent": (
            lambda: Veo31FastVideoInput(prompt="x", generate_audio=False),
            "0.48",
        ),
        "audio left out": (lambda: Veo31VideoInput(prompt="x", generate_audio=None), None),
        "duration left out": (lambda: Veo31VideoInput(prompt="x", duration=None), None),
    },
    echoes={
        **{
            f"{request_class.TASK_TYPE}, a duration in words": (
                request_class,
                {"duration": "eight", "prompt": ""},
                {"duration": "eight", "generate_audio": None, "estimate_cost": None},
            )
            for request_class in VEO_CLASSES
        },
        "a number of seconds kept as text": (
            Veo3VideoInput,
            {"duration": "8s"},
            {"to_wire": {"duration": "8s"}},
        ),
    },
)

# --- Seedance 2: modes, lengths, aspect ratios, resolutions, references per mode ---------

SEEDANCE_PAGE = "https://piapi.ai/docs/seedance-api/seedance-2"

SEEDANCE = Family(
    name="seedance",
    task_class=SeedanceTask,
    classes={
        Seedance2Input: ("seedance", "seedance-2"),
        Seedance2PreviewInput: ("seedance", "seedance-2-preview"),
    },
    accepted={
        **{
            f"aspect {ratio}": (lambda ratio=ratio: Seedance2Input(prompt="x", aspect_ratio=ratio))
            for ratio in ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")
        },
        **{
            f"{resolution}": (lambda r=resolution: Seedance2Input(prompt="x", resolution=r))
            for resolution in ("480p", "720p", "1080p")
        },
        "4 s": lambda: Seedance2Input(prompt="x", duration=4),
        "15 s": lambda: Seedance2Input(prompt="x", duration=15),
        "text to video": lambda: Seedance2Input(prompt="x", mode="text_to_video"),
        "first frame": lambda: Seedance2Input(mode="first_last_frames", image_urls=[IMG]),
        "first and last": lambda: Seedance2Input(mode="first_last_frames", image_urls=[IMG, IMG]),
        "twelve references": lambda: Seedance2Input(
            prompt="@image1 dances to @audio1",
            mode="omni_reference",
            image_urls=[IMG] * 9,
            video_urls=["https://v/a.mp4"] * 2,
            audio_urls=["https://a/a.mp3"],
        ),
        "mode left to PiAPI": lambda: Seedance2Input(prompt="x", image_urls=[IMG]),
        "preview alike": lambda: Seedance2PreviewInput(prompt="x", duration=15, resolution="1080p"),
    },
    refused={
        "3 s": (
            lambda: Seedance2Input(prompt="x", duration=3),
            "duration must be from 4 to 15 (got 3)",
            SEEDANCE_PAGE,
        ),
        "16 s": (
            lambda: Seedance2Input(prompt="x", duration=16),
            "duration must be from 4 to 15",
            SEEDANCE_PAGE,
        ),
        "aspect": (
            lambda: Seedance2Input(prompt="x", aspect_ratio="2:1"),
            "aspect_ratio must be one of 21:9, 16:9, 4:3, 1:1, 3:4, 9:16 (got '2:1')",
            SEEDANCE_PAGE,
        ),
        "resolution": (
            lambda: Seedance2Input(prompt="x", resolution="4k"),
            "resolution must be one of 480p, 720p, 1080p (got '4k')",
            SEEDANCE_PAGE,
        ),
        "mode": (
            lambda: Seedance2Input(prompt="x", mode="image_to_video"),
            "mode must be one of text_to_video, first_last_frames, omni_reference",
            SEEDANCE_PAGE,
        ),
        "images in text to video": (
            lambda: Seedance2Input(prompt="x", mode="text_to_video", image_urls=[IMG]),
            "text_to_video takes no image_urls, video_urls or audio_urls",
            SEEDANCE_PAGE,
        ),
        "no frame": (
            lambda: Seedance2Input(prompt="x", mode="first_last_frames"),
            "first_last_frames takes 1 or 2 image_urls and no video or audio",
            SEEDANCE_PAGE,
        ),
        "three frames": (
            lambda: Seedance2Input(mode="first_last_frames", image_urls=[IMG] * 3),
            "first_last_frames takes 1 or 2 image_urls",
            SEEDANCE_PAGE,
        ),
        "a video as a frame": (
            lambda: Seedance2Input(
                mode="first_last_frames", image_urls=[IMG], video_urls=["https://v/a.mp4"]
            ),
            "first_last_frames takes 1 or 2 image_urls and no video or audio",
            SEEDANCE_PAGE,
        ),
        "thirteen references": (
            lambda: Seedance2Input(prompt="x", image_urls=[IMG] * 10, audio_urls=["https://a"] * 3),
            "at most 12 references in all (images, videos and audio, got 13)",
            SEEDANCE_PAGE,
        ),
        "nothing to make": (
            lambda: Seedance2Input(),
            "give a prompt (or references to animate)",
            SEEDANCE_PAGE,
        ),
        "preview checked alike": (
            lambda: Seedance2PreviewInput(prompt="x", duration=20),
            "duration must be from 4 to 15",
            SEEDANCE_PAGE,
        ),
    },
    sent=("resolution",),
    defaults={
        "seedance-2": (
            lambda: Seedance2Input(prompt="x"),
            {"prompt": "x", "duration": 5, "resolution": "720p"},
        ),
    },
    prices={
        # the Seedance 2 page, seedance-2 per second: 480p $0.10, 720p $0.20, 1080p $0.50
        "480p 4 s": (lambda: Seedance2Input(prompt="x", resolution="480p", duration=4), "0.40"),
        "720p 5 s": (lambda: Seedance2Input(prompt="x"), "1.00"),
        "1080p 15 s": (
            lambda: Seedance2Input(prompt="x", resolution="1080p", duration=15),
            "7.50",
        ),
        "images do not change it": (
            lambda: Seedance2Input(prompt="x", image_urls=[IMG], audio_urls=["https://a"]),
            "1.00",
        ),
        # "seedance-2-preview: now equivalent to seedance-2"
        "preview 720p 5 s": (lambda: Seedance2PreviewInput(prompt="x"), "1.00"),
        # input videos add half the rate per second of them: unknown before sending
        "with a video": (
            lambda: Seedance2Input(prompt="x", mode="omni_reference", video_urls=["https://v"]),
            None,
        ),
        "resolution left out": (lambda: Seedance2Input(prompt="x", resolution=None), None),
        "duration left out": (lambda: Seedance2Input(prompt="x", duration=None), None),
    },
    echoes={
        "refused values, no defaults": (
            Seedance2PreviewInput,
            {"duration": 99, "aspect_ratio": "2:1", "mode": "?"},
            {"duration": 99, "resolution": None},
        ),
    },
)

# --- Hailuo: sub-models and their rules (v2.3 from its product page), prices per video ---

HAILUO_PAGE = "https://piapi.ai/docs/hailuo-api/generate-video"
FACE = "https://i/face.jpg"

HAILUO = Family(
    name="hailuo",
    task_class=HailuoTask,
    classes={HailuoVideoInput: ("hailuo", "video_generation")},
    accepted={
        "t2v-01": lambda: HailuoVideoInput(model="t2v-01", prompt="x"),
        "t2v-01-director": lambda: HailuoVideoInput(model="t2v-01-director", prompt="[Pan left] x"),
        "i2v-01 without a prompt": lambda: HailuoVideoInput(model="i2v-01", image_url=FACE),
        "i2v-01-live": lambda: HailuoVideoInput(model="i2v-01-live", image_url=FACE, prompt="x"),
        "s2v-01": lambda: HailuoVideoInput(model="s2v-01", image_url=FACE, prompt="x"),
        "v2.3": lambda: HailuoVideoInput(model="v2.3", prompt="x"),
        "v2.3-fast from an image": lambda: HailuoVideoInput(model="v2.3-fast", image_url=FACE),
        "2,000 characters": lambda: HailuoVideoInput(model="t2v-01", prompt="x" * 2000),
        "undocumented fields": lambda: HailuoVideoInput(model="v2.3", prompt="x", duration=10),
    },
    refused={
        "no model": (
            lambda: HailuoVideoInput(prompt="x"),
            "model must be one of t2v-01, t2v-01-director, i2v-01, i2v-01-live, s2v-01, v2.3, "
            "v2.3-fast (got None)",
            HAILUO_PAGE,
        ),
        "unknown model": (
            lambda: HailuoVideoInput(model="t2v-02", prompt="x"),
            "(got 't2v-02')",
            HAILUO_PAGE,
        ),
        "t2v without a prompt": (
            lambda: HailuoVideoInput(model="t2v-01"),
            "prompt is required",
            HAILUO_PAGE,
        ),
        "s2v without a prompt": (
            lambda: HailuoVideoInput(model="s2v-01", image_url=FACE),
            "prompt is required",
            HAILUO_PAGE,
        ),
        "t2v with an image": (
            lambda: HailuoVideoInput(model="t2v-01", prompt="x", image_url=FACE),
            "t2v-01 is text-to-video: it must not be given an image_url",
            HAILUO_PAGE,
        ),
        "i2v without an image": (
            lambda: HailuoVideoInput(model="i2v-01-live", prompt="x"),
            "i2v-01-live needs an image_url",
            HAILUO_PAGE,
        ),
        "s2v without an image": (
            lambda: HailuoVideoInput(model="s2v-01", prompt="x"),
            "s2v-01 needs an image_url",
            HAILUO_PAGE,
        ),
        "long prompt": (
            lambda: HailuoVideoInput(model="t2v-01", prompt="x" * 2001),
            "prompt must be at most 2000 characters (got 2001)",
            HAILUO_PAGE,
        ),
    },
    sent=("t2v with an image",),
    prices={
        # the generate-video page, per video
        "t2v-01": (lambda: HailuoVideoInput(model="t2v-01", prompt="x"), "0.20"),
        "i2v-01": (lambda: HailuoVideoInput(model="i2v-01", image_url=FACE), "0.20"),
        "i2v-01-live": (lambda: HailuoVideoInput(model="i2v-01-live", image_url=FACE), "0.20"),
        "s2v-01": (
            lambda: HailuoVideoInput(model="s2v-01", image_url=FACE, prompt="x"),
            "0.30",
        ),
        # no exact price published
        "t2v-01-director": (
            lambda: HailuoVideoInput(model="t2v-01-director", prompt="x"),
            None,
        ),
        "v2.3": (lambda: HailuoVideoInput(model="v2.3", prompt="x"), None),
        "v2.3-fast": (lambda: HailuoVideoInput(model="v2.3-fast", prompt="x"), None),
    },
    echoes={
        "an unknown model": (
            HailuoVideoInput,
            {"model": "t2v-99", "image_url": FACE},
            {"model": "t2v-99"},
        ),
    },
)

# --- Luma: a prompt and image key frames are checked (the create-task page) ----------------

LUMA_PAGE = "https://piapi.ai/docs/dream-machine/create-task"

LUMA = Family(
    name="luma",
    task_class=LumaTask,
    classes={LumaVideoInput: ("luma", "video_generation")},
    accepted={
        "text": lambda: LumaVideoInput(prompt="x"),
        "first frame": lambda: LumaVideoInput(prompt="x", key_frames={"frame0": {"url": IMG}}),
        "last frame": lambda: LumaVideoInput(
            prompt="x",
            key_frames=LumaKeyFrames.model_validate({"frame1": {"type": "image", "url": IMG}}),
        ),
        # shown only in examples: sent as given
        "examples": lambda: LumaVideoInput(
            prompt="x", model_name="ray-v9", duration=9, aspect_ratio="4:3", loop=True
        ),
        "the other example's fields": lambda: LumaVideoInput(
            prompt="x", model="ray-v2", start_image=IMG
        ),
    },
    refused={
        "no prompt": (lambda: LumaVideoInput(), "prompt is required", LUMA_PAGE),
        "a generation as a frame": (
            lambda: LumaVideoInput(
                prompt="x", key_frames={"frame0": {"type": "generation", "url": IMG}}
            ),
            "key_frames.frame0.type must be image (got 'generation')",
            LUMA_PAGE,
        ),
        "a frame without a URL": (
            lambda: LumaVideoInput(prompt="x", key_frames={"frame1": {"type": "image"}}),
            "key_frames.frame1.url is required",
            LUMA_PAGE,
        ),
    },
    sent=("no prompt",),
    echoes={
        "a generation as a frame": (
            LumaVideoInput,
            {"key_frames": {"frame0": {"type": "generation", "id": "g"}}},
            {"key_frames.frame0.type": "generation"},
        ),
    },
)

# --- Nano Banana / Gemini images: only the prompt is checked (the pages could not be read) -

GEMINI_CLASSES: dict[type[TaskInput], tuple[str, str]] = {
    Gemini25FlashImageInput: ("gemini", "gemini-2.5-flash-image"),
    NanoBananaProInput: ("gemini", "nano-banana-pro"),
    NanoBanana2Input: ("gemini", "nano-banana-2"),
}
GEMINI_PAGES = {
    Gemini25FlashImageInput: "https://piapi.ai/docs/gemini-api/gemini-25-flash-image",
    NanoBananaProInput: "https://piapi.ai/docs/gemini-api/nano-banana-pro",
    NanoBanana2Input: "https://piapi.ai/docs/gemini-api/nano-banana-2",
}

GEMINI = Family(
    name="gemini",
    task_class=GeminiTask,
    classes=GEMINI_CLASSES,
    accepted={
        f"{request_class.TASK_TYPE}, anything but the prompt": (
            lambda c=request_class: c(
                prompt="x", image_urls=[IMG] * 14, aspect_ratio="7:3", resolution="8K"
            )
        )
        for request_class in GEMINI_CLASSES
    },
    refused={
        **{
            f"{request_class.TASK_TYPE}, an empty prompt": (
                lambda c=request_class: c(prompt=""),
                "prompt is required",
                page,
            )
            for request_class, page in GEMINI_PAGES.items()
        },
        "images without a prompt": (
            lambda: NanoBananaProInput(image_urls=[IMG]),
            "prompt is required",
            GEMINI_PAGES[NanoBananaProInput],
        ),
    },
    sent=("images without a prompt",),
    echoes={
        f"{request_class.TASK_TYPE}, an empty prompt": (request_class, {"prompt": ""}, {})
        for request_class in GEMINI_CLASSES
    },
)

# --- Flux: one request class per model and task type, ranges from the pages ----------------

TXT2IMG = "https://piapi.ai/docs/flux-api/text-to-image"
IMG2IMG = "https://piapi.ai/docs/flux-api/image-to-image"
KONTEXT = "https://piapi.ai/docs/flux-api/kontext"
FLUX_CLASSES: dict[type[TaskInput], tuple[str, str]] = {
    FluxDevTxt2ImgInput: ("Qubico/flux1-dev", "txt2img"),
    FluxSchnellTxt2ImgInput: ("Qubico/flux1-schnell", "txt2img"),
    FluxDevAdvancedTxt2ImgInput: ("Qubico/flux1-dev-advanced", "txt2img"),
    FluxDevImg2ImgInput: ("Qubico/flux1-dev", "img2img"),
    FluxSchnellImg2ImgInput: ("Qubico/flux1-schnell", "img2img"),
    FluxDevAdvancedImg2ImgInput: ("Qubico/flux1-dev-advanced", "img2img"),
    FluxKontextInput: ("Qubico/flux1-dev-advanced", "kontext"),
}

FLUX = Family(
    name="flux",
    task_class=FluxTask,
    classes=FLUX_CLASSES,
    accepted={
        "1024 x 1024": lambda: FluxDevTxt2ImgInput(prompt="x", width=1024, height=1024),
        "2048 x 512": lambda: FluxSchnellTxt2ImgInput(prompt="x", width=2048, height=512),
        "guidance bounds": lambda: FluxDevTxt2ImgInput(prompt="x", guidance_scale=1.5),
        "guidance 5": lambda: FluxDevAdvancedImg2ImgInput(prompt="x", image=IMG, guidance_scale=5),
        "batch of 4": lambda: FluxSchnellTxt2ImgInput(prompt="x", batch_size=4),
        "denoise 1": lambda: FluxDevImg2ImgInput(prompt="x", image=IMG, denoise=1),
        "denoise 0.01": lambda: FluxSchnellImg2ImgInput(prompt="x", image=IMG, denoise=0.01),
        "lora": lambda: FluxDevAdvancedTxt2ImgInput(
            prompt="x", lora_settings=[{"lora_type": "anime", "lora_strength": 1}]
        ),
        "kontext as in the docs": lambda: FluxKontextInput(
            prompt="x", image=IMG, width=1024, height=1024, steps=10, seed=-1
        ),
    },
    refused={
        "no prompt": (lambda: FluxDevTxt2ImgInput(), "prompt is required", TXT2IMG),
        "too many pixels": (
            lambda: FluxDevTxt2ImgInput(prompt="x", width=1025, height=1024),
            "width x height must be at most 1,048,576 pixels (got 1025 x 1024 = 1,049,600)",
            TXT2IMG,
        ),
        "no width": (
            lambda: FluxDevTxt2ImgInput(prompt="x", width=0, height=1024),
            "width must be a positive number",
            None,
        ),
        "guidance": (
            lambda: FluxSchnellTxt2ImgInput(prompt="x", guidance_scale=7.5),
            "guidance_scale must be from 1.5 to 5 (got 7.5)",
            TXT2IMG,
        ),
        "batch of 5": (
            lambda: FluxSchnellTxt2ImgInput(prompt="x", batch_size=5),
            "batch_size must be from 1 to 4 (got 5)",
            TXT2IMG,
        ),
        "img2img without an image": (
            lambda: FluxDevImg2ImgInput(prompt="x"),
            "image is required",
            IMG2IMG,
        ),
        "denoise 0": (
            lambda: FluxDevImg2ImgInput(prompt="x", image=IMG, denoise=0),
            "denoise must be above 0, at most 1 (got 0.0)",
            IMG2IMG,
        ),
        "img2img guidance": (
            lambda: FluxDevAdvancedImg2ImgInput(prompt="x", image=IMG, guidance_scale=1),
            "guidance_scale must be from 1.5 to 5",
            IMG2IMG,
        ),
        "kontext without an image": (
            lambda: FluxKontextInput(prompt="x"),
            "image is required",
            KONTEXT,
        ),
    },
    sent=("too many pixels",),
    echoes={
        f"{model} {task_type}, out of range": (
            request_class,
            {"width": 0, "height": 0, "steps": 0, "prompt": ""},
            {},
        )
        for request_class, (model, task_type) in FLUX_CLASSES.items()
    },
)

# --- issue 21, the video share: Kling's other task types, Kling turbo, Luma extend, the
# Flux tools, the Qubico video models and Wan -------------------------------------------

KLING_EFFECTS = "https://piapi.ai/docs/kling-api/kling-effects-api"
KLING_SOUND = "https://piapi.ai/docs/kling-api/kling-sound-api"
KLING_MOTION = "https://piapi.ai/docs/kling-api/kling-motion-control-api"
KLING_TURBO = "https://piapi.ai/docs/kling-api/kling-turbo-api"
KLING_3_0_PRODUCT = "https://piapi.ai/kling-3-0"
VIDEO = "https://v/a.mp4"

KLING_TASKS = Family(
    name="kling tasks",
    task_class=KlingTask,
    classes={
        KlingLipSyncInput: ("kling", "lip_sync"),
        KlingExtendVideoInput: ("kling", "extend_video"),
        KlingEffectsInput: ("kling", "effects"),
        KlingAvatarInput: ("kling", "avatar"),
        KlingMotionControlInput: ("kling", "motion_control"),
        KlingTurboVideoInput: ("kling-turbo", "video_generation"),
    },
    accepted={
        "lip sync, text": lambda: KlingLipSyncInput(
            origin_task_id="t", tts_text="hello", tts_timbre="Rock", tts_speed=1
        ),
        "lip sync, own audio on a URL": lambda: KlingLipSyncInput(
            video_url=VIDEO, local_dubbing_url="https://a/a.mp3"
        ),
        "extend": lambda: KlingExtendVideoInput(origin_task_id="t", prompt="more"),
        **{
            f"effect {effect}": (
                lambda effect=effect: KlingEffectsInput(effect=effect, image_url=IMG, prompt="x")
            )
            for effect in (
                "squish",
                "expansion",
                "jellycat_oversea",
                "spinoff",
                "rocket",
                "hearting",
                "fighting",
                "kissing",
                "hugging",
                "figure",
                "vstack",
                "birthday",
                "water",
                "surfing",
            )
        },
        "an effect without a prompt": lambda: KlingEffectsInput(effect="squish", image_url=IMG),
        "avatar": lambda: KlingAvatarInput(image_url=IMG, local_dubbing_url="https://a/a.mp3"),
        "motion from a video": lambda: KlingMotionControlInput(image_url=IMG, video_url=VIDEO),
        "a preset motion": lambda: KlingMotionControlInput(
            image_url=IMG, preset_motion="Heart Gesture Dance", mode="std", version="2.6"
        ),
        "turbo": lambda: KlingTurboVideoInput(prompt="x", duration=10, mode="std"),
        "turbo from frames": lambda: KlingTurboVideoInput(
            prompt="x", start_image_url=IMG, end_image_url=IMG
        ),
    },
    refused={
        "lip sync without a video": (
            lambda: KlingLipSyncInput(tts_text="hello"),
            "give origin_task_id (or video_url): the video to lip-sync",
            KLING_CREATE,
        ),
        "lip sync with nothing to say": (
            lambda: KlingLipSyncInput(origin_task_id="t", tts_text=" "),
            "give tts_text or local_dubbing_url",
            KLING_CREATE,
        ),
        "extend without a task": (
            lambda: KlingExtendVideoInput(prompt="x"),
            "origin_task_id is required",
            KLING_CREATE,
        ),
        "unknown effect": (
            lambda: KlingEffectsInput(effect="melt", image_url=IMG),
            "effect must be one of squish, expansion, jellycat_oversea, spinoff, rocket, "
            "hearting, fighting, kissing, hugging, figure, vstack, birthday, water, surfing "
            "(got 'melt')",
            KLING_EFFECTS,
        ),
        "effect without an image": (
            lambda: KlingEffectsInput(effect="squish"),
            "image_url is required",
            KLING_EFFECTS,
        ),
        "an effect that needs a prompt": (
            lambda: KlingEffectsInput(effect="hugging", image_url=IMG),
            "the hugging effect needs a prompt",
            KLING_EFFECTS,
        ),
        "motion without a motion": (
            lambda: KlingMotionControlInput(image_url=IMG, video_url=""),
            "give video_url or preset_motion",
            KLING_MOTION,
        ),
        "avatar of no images": (
            lambda: KlingAvatarInput(image_url=IMG, batch_size=0),
            "batch_size must be a positive number",
            None,
        ),
        "turbo without a prompt": (
            lambda: KlingTurboVideoInput(image_url=IMG),
            "prompt is required",
            KLING_TURBO,
        ),
        "turbo mode": (
            lambda: KlingTurboVideoInput(prompt="x", mode="master"),
            "mode must be one of std, pro (got 'master')",
            KLING_3_0_PRODUCT,
        ),
    },
    sent=("unknown effect", "extend without a task", "turbo mode"),
    prices={
        # the effects page: $0.26 per video, $0.46 with professional_mode (default False)
        "effect": (lambda: KlingEffectsInput(effect="squish", image_url=IMG), "0.26"),
        "effect, pro": (
            lambda: KlingEffectsInput(effect="squish", image_url=IMG, professional_mode=True),
            "0.46",
        ),
        # piapi.ai/kling-3-0: turbo std $0.13/s, pro $0.19/s
        "turbo std 5 s": (lambda: KlingTurboVideoInput(prompt="x", mode="std", duration=5), "0.65"),
        "turbo pro 10 s": (
            lambda: KlingTurboVideoInput(prompt="x", mode="pro", duration=10),
            "1.90",
        ),
        "turbo, mode left out": (lambda: KlingTurboVideoInput(prompt="x", duration=5), None),
        # no published price
        "lip sync": (lambda: KlingLipSyncInput(origin_task_id="t", tts_text="hi"), None),
        "extend": (lambda: KlingExtendVideoInput(origin_task_id="t"), None),
        "avatar": (lambda: KlingAvatarInput(image_url=IMG), None),
        "motion control": (lambda: KlingMotionControlInput(video_url=VIDEO), None),
    },
    echoes={
        "an unknown effect": (
            KlingEffectsInput,
            {"effect": "melt", "professional_mode": True},
            {"effect": "melt", "estimate_cost": Decimal("0.46")},
        ),
        "the published motion control echo": (
            KlingMotionControlInput,
            {"image_url": IMG, "video_url": "", "preset_motion": "Heart Gesture Dance"},
            {"preset_motion": "Heart Gesture Dance"},
        ),
        "turbo, a mode of its own": (
            KlingTurboVideoInput,
            {"mode": "turbo", "duration": 5},
            {"estimate_cost": None},
        ),
    },
)

KLING_TRY_ON = Family(
    name="kling try-on",
    task_class=KlingTryOnTask,
    classes={KlingTryOnInput: ("kling", "ai_try_on")},
    accepted={
        "a dress": lambda: KlingTryOnInput(model_input=IMG, dress_input=IMG),
        "upper and lower": lambda: KlingTryOnInput(
            model_input=IMG, upper_input=IMG, lower_input=IMG, batch_size=4
        ),
        "by its Python name": lambda: KlingTryOnInput.model_validate({"person_image": IMG}),
    },
    refused={
        "no images": (
            lambda: KlingTryOnInput(model_input=IMG, batch_size=0),
            "batch_size must be a positive number",
            None,
        ),
    },
    sent=("no images",),
    defaults={
        "model_input on the wire": (
            lambda: KlingTryOnInput(model_input=IMG, dress_input=IMG),
            {"model_input": IMG, "dress_input": IMG},
        ),
    },
    prices={
        # the try-on page: $0.07 per output image
        "one image": (lambda: KlingTryOnInput(model_input=IMG, batch_size=1), "0.07"),
        "four images": (lambda: KlingTryOnInput(model_input=IMG, batch_size=4), "0.28"),
        "batch_size left out": (lambda: KlingTryOnInput(model_input=IMG), None),
    },
    echoes={
        "model_input read": (
            KlingTryOnInput,
            {"model_input": IMG, "batch_size": 0},
            {"person_image": IMG, "to_wire": {"model_input": IMG, "batch_size": 0}},
        ),
    },
)

KLING_SOUND_ROW = Family(
    name="kling sound",
    task_class=KlingSoundTask,
    classes={KlingSoundInput: ("kling", "sound")},
    accepted={
        "5 s": lambda: KlingSoundInput(prompt="rain", duration=5),
        "10 s for a video": lambda: KlingSoundInput(origin_task_id="t", duration=10),
    },
    refused={
        "7 s": (
            lambda: KlingSoundInput(prompt="rain", duration=7),
            "duration must be one of 5, 10 (got 7)",
            KLING_SOUND,
        ),
    },
    sent=("7 s",),
    prices={
        # the sound page: $0.07 per generation (4 outputs)
        "a generation": (lambda: KlingSoundInput(prompt="rain"), "0.07"),
    },
    echoes={"7 s": (KlingSoundInput, {"duration": 7}, {"duration": 7})},
)

LUMA_CREATION = "https://piapi.ai/docs/dream-machine/video-creation"

LUMA_CURRENT = Family(
    name="luma current fields",
    task_class=LumaTask,
    classes={LumaExtendVideoInput: ("luma", "extend_video")},
    accepted={
        "the current fields": lambda: LumaVideoInput(
            model="ray-v2",
            prompt="x",
            start_image=IMG,
            end_image=IMG,
            loop=False,
            duration=5,
            aspect_ratio="16:9",
        ),
        "extend": lambda: LumaExtendVideoInput(
            prompt="x", key_frames={"frame0": {"type": "image", "url": IMG}}
        ),
    },
    refused={
        "extend without a prompt": (
            lambda: LumaExtendVideoInput(),
            "prompt is required",
            LUMA_PAGE,
        ),
    },
    sent=("extend without a prompt",),
    echoes={
        "an older answer": (
            LumaVideoInput,
            {"model_name": "ray-v2", "aspect_ratio": "4:3", "duration": 5, "prompt": "x"},
            {"model_name": "ray-v2", "model": None},
        ),
        "a current answer": (
            LumaVideoInput,
            {"model": "ray-v2", "start_image": IMG, "loop": True},
            {"model": "ray-v2", "start_image": IMG, "loop": True},
        ),
    },
)

FILL = "https://piapi.ai/docs/flux-redux-fill-variation-inpaint-outpaint"
LORA = "https://piapi.ai/docs/flux-with-lora-and-controlnet"
FLUX_TOOL_CLASSES: dict[type[TaskInput], tuple[str, str]] = {
    FluxSchnellTxt2ImgSrInput: ("Qubico/flux1-schnell", "txt2img-sr"),
    FluxDevAdvancedTxt2ImgSrInput: ("Qubico/flux1-dev-advanced", "txt2img-sr"),
    FluxImg2ImgSrInput: ("Qubico/flux1-dev-advanced", "img2img-sr"),
    FluxTxt2ImgLoraInput: ("Qubico/flux1-dev-advanced", "txt2img-lora"),
    FluxImg2ImgLoraInput: ("Qubico/flux1-dev-advanced", "img2img-lora"),
    FluxFillInpaintInput: ("Qubico/flux1-dev-advanced", "fill-inpaint"),
    FluxFillOutpaintInput: ("Qubico/flux1-dev-advanced", "fill-outpaint"),
    FluxReduxVariationInput: ("Qubico/flux1-dev-advanced", "redux-variation"),
    FluxControlnetLoraInput: ("Qubico/flux1-dev-advanced", "controlnet-lora"),
}

FLUX_TOOLS = Family(
    name="flux tools",
    task_class=FluxTask,
    classes=FLUX_TOOL_CLASSES,
    accepted={
        "sr": lambda: FluxSchnellTxt2ImgSrInput(
            prompt="x", width=1024, height=1024, steps=4, scale=2
        ),
        "img2img sr": lambda: FluxImg2ImgSrInput(prompt="x", image=IMG, scale=2),
        "lora": lambda: FluxTxt2ImgLoraInput(
            prompt="x", lora_settings=[{"lora_type": "mystic-realism"}], negative_prompt="y"
        ),
        "img2img lora, denoise 1": lambda: FluxImg2ImgLoraInput(prompt="x", image=IMG, denoise=1),
        "inpaint": lambda: FluxFillInpaintInput(prompt="x", image=IMG, steps=20),
        "outpaint": lambda: FluxFillOutpaintInput(
            prompt="x",
            image=IMG,
            custom_settings=[{"setting_type": "outpaint", "outpaint_left": 64}],
        ),
        "variation": lambda: FluxReduxVariationInput(prompt="x", image=IMG, width=512),
        "controlnet": lambda: FluxControlnetLoraInput(
            prompt="x",
            control_net_settings=[{"control_type": "depth", "control_image": IMG}],
            return_preprocessed_image=True,
        ),
        "dev txt2img steps": lambda: FluxDevTxt2ImgInput(prompt="x", steps=28),
    },
    refused={
        **{
            f"{task_type} without a prompt": (
                lambda c=request_class: c(image=IMG),
                "prompt is required",
                None,
            )
            for request_class, (_, task_type) in FLUX_TOOL_CLASSES.items()
        },
        "denoise 0": (
            lambda: FluxImg2ImgLoraInput(prompt="x", image=IMG, denoise=0),
            "denoise must be above 0, at most 1 (got 0.0)",
            TXT2IMG,
        ),
        "no steps": (
            lambda: FluxFillInpaintInput(prompt="x", image=IMG, steps=0),
            "steps must be a positive number",
            None,
        ),
        "dev txt2img, no steps": (
            lambda: FluxDevTxt2ImgInput(prompt="x", steps=0),
            "steps must be a positive number",
            None,
        ),
    },
    sent=("denoise 0",),
    echoes={
        f"{model} {task_type}, out of range": (
            request_class,
            {"width": 0, "steps": 0, "denoise": 0, "prompt": ""},
            {},
        )
        for request_class, (model, task_type) in FLUX_TOOL_CLASSES.items()
    },
)

FACE_SWAP = "https://piapi.ai/docs/faceswap-api/video-faceswap"

VIDEO_TOOLKIT = Family(
    name="video toolkit",
    task_class=VideoToolkitTask,
    classes={
        VideoFaceSwapInput: ("Qubico/video-toolkit", "face-swap"),
        VideoUpscaleInput: ("Qubico/video-toolkit", "upscale"),
        VideoBackgroundRemoveInput: ("Qubico/video-toolkit", "background-remove"),
    },
    accepted={
        "swap two faces": lambda: VideoFaceSwapInput(
            swap_image=IMG, target_video=VIDEO, swap_faces_index="0,1", target_faces_index="1,0"
        ),
        "upscale": lambda: VideoUpscaleInput(video=VIDEO, scale=2),
        "background": lambda: VideoBackgroundRemoveInput(video=VIDEO, invert_output=True),
    },
    refused={
        "no face": (
            lambda: VideoFaceSwapInput(target_video=VIDEO),
            "swap_image is required",
            FACE_SWAP,
        ),
        "no video": (
            lambda: VideoFaceSwapInput(swap_image=IMG),
            "target_video is required",
            FACE_SWAP,
        ),
    },
    sent=("no video",),
    echoes={"face swap, nothing": (VideoFaceSwapInput, {}, {"to_wire": {}})},
)

HUNYUAN_PAGE = "https://piapi.ai/docs/hunyuan-video/txt2video-api"

HUNYUAN = Family(
    name="hunyuan",
    task_class=HunyuanTask,
    classes={
        HunyuanTxt2VideoInput: ("Qubico/hunyuan", "txt2video"),
        HunyuanTxt2VideoLoraInput: ("Qubico/hunyuan", "txt2video-lora"),
        HunyuanFastTxt2VideoInput: ("Qubico/hunyuan", "fast-txt2video"),
        HunyuanImg2VideoConcatInput: ("Qubico/hunyuan", "img2video-concat"),
        HunyuanImg2VideoReplaceInput: ("Qubico/hunyuan", "img2video-replace"),
    },
    accepted={
        "txt2video": lambda: HunyuanTxt2VideoInput(prompt="x", aspect_ratio="16:9"),
        "lora": lambda: HunyuanTxt2VideoLoraInput(prompt="x", lora_settings=[{"lora_type": "a"}]),
        "fast": lambda: HunyuanFastTxt2VideoInput(prompt="x"),
        "concat": lambda: HunyuanImg2VideoConcatInput(prompt="x", image=IMG),
        "replace": lambda: HunyuanImg2VideoReplaceInput(prompt="x", image=IMG, aspect_ratio="1:1"),
    },
    refused={
        "no prompt": (lambda: HunyuanFastTxt2VideoInput(), "prompt is required", HUNYUAN_PAGE),
    },
    sent=("no prompt",),
    echoes={"no prompt": (HunyuanTxt2VideoInput, {"aspect_ratio": "2:1"}, {"prompt": None})},
)

SKYREELS_PAGE = "https://piapi.ai/docs/skyreels-api/create-task"

SKYREELS = Family(
    name="skyreels",
    task_class=SkyReelsTask,
    classes={SkyReelsImg2VideoInput: ("Qubico/skyreels", "img2video")},
    accepted={
        **{
            f"aspect {ratio}": (
                lambda ratio=ratio: SkyReelsImg2VideoInput(
                    prompt="x", image=IMG, aspect_ratio=ratio
                )
            )
            for ratio in ("16:9", "9:16", "1:1")
        },
        "guidance 10": lambda: SkyReelsImg2VideoInput(prompt="x", image=IMG, guidance_scale=10),
        "guidance 0.1": lambda: SkyReelsImg2VideoInput(prompt="x", image=IMG, guidance_scale=0.1),
    },
    refused={
        "no image": (
            lambda: SkyReelsImg2VideoInput(prompt="x"),
            "image is required",
            SKYREELS_PAGE,
        ),
        "no prompt": (
            lambda: SkyReelsImg2VideoInput(image=IMG),
            "prompt is required",
            SKYREELS_PAGE,
        ),
        "aspect": (
            lambda: SkyReelsImg2VideoInput(prompt="x", image=IMG, aspect_ratio="4:3"),
            "aspect_ratio must be one of 16:9, 9:16, 1:1 (got '4:3')",
            SKYREELS_PAGE,
        ),
        "guidance 0": (
            lambda: SkyReelsImg2VideoInput(prompt="x", image=IMG, guidance_scale=0),
            "guidance_scale must be above 0, at most 10 (got 0.0)",
            SKYREELS_PAGE,
        ),
        "guidance 11": (
            lambda: SkyReelsImg2VideoInput(prompt="x", image=IMG, guidance_scale=11),
            "guidance_scale must be above 0, at most 10",
            SKYREELS_PAGE,
        ),
    },
    sent=("aspect",),
    echoes={
        "out of range": (
            SkyReelsImg2VideoInput,
            {"aspect_ratio": "4:3", "guidance_scale": 99},
            {"guidance_scale": 99},
        )
    },
)

FRAMEPACK = Family(
    name="framepack",
    task_class=FramePackTask,
    classes={FramePackImg2VideoInput: ("Qubico/framepack", "img2video")},
    accepted={
        "two frames": lambda: FramePackImg2VideoInput(
            prompt="x", start_image=IMG, end_image=IMG, duration=5
        ),
    },
    refused={
        "no seconds": (
            lambda: FramePackImg2VideoInput(prompt="x", duration=0),
            "duration must be a positive number",
            None,
        ),
    },
    sent=("no seconds",),
    echoes={"nothing": (FramePackImg2VideoInput, {"duration": 0}, {"duration": 0})},
)

WANX = "https://piapi.ai/docs/wanx-api/create-task"

WAN = Family(
    name="wan",
    task_class=WanTask,
    classes={
        WanTxt2Video13bInput: ("Qubico/wanx", "txt2video-1.3b"),
        WanTxt2Video14bInput: ("Qubico/wanx", "txt2video-14b"),
        WanImg2Video14bInput: ("Qubico/wanx", "img2video-14b"),
        WanTxt2Video14bLoraInput: ("Qubico/wanx", "txt2video-14b-lora"),
        WanImg2Video14bLoraInput: ("Qubico/wanx", "img2video-14b-lora"),
        WanImg2Video14bKeyframeInput: ("Qubico/wanx", "img2video-14b-keyframe"),
        WanImg2Video14bControlCameraInput: ("Qubico/wanx", "img2video-14b-control-camera"),
        Wan22Txt2Video14bInput: ("Qubico/wanx", "wan22-txt2video-14b"),
        Wan22Img2Video14bInput: ("Qubico/wanx", "wan22-img2video-14b"),
        Wan26Txt2VideoInput: ("Wan", "wan26-txt2video"),
        Wan26Img2VideoInput: ("Wan", "wan26-img2video"),
    },
    accepted={
        "16:9": lambda: WanTxt2Video13bInput(prompt="x", aspect_ratio="16:9"),
        "9:16": lambda: WanTxt2Video14bInput(prompt="x", aspect_ratio="9:16"),
        "image": lambda: WanImg2Video14bInput(prompt="x", image=IMG),
        "lora": lambda: WanTxt2Video14bLoraInput(prompt="x", lora_settings=[{"lora_type": "a"}]),
        "keyframes": lambda: WanImg2Video14bKeyframeInput(
            prompt="x", start_image=IMG, end_image=IMG
        ),
        "camera": lambda: WanImg2Video14bControlCameraInput(
            prompt="x", image=IMG, control_camera_settings=[{"type": "pan"}]
        ),
        "wan 2.2": lambda: Wan22Img2Video14bInput(prompt="x", image=IMG),
        "wan 2.6": lambda: Wan26Txt2VideoInput(
            prompt="x", duration=10, resolution="1080p", audio=True, watermark=False, seed=7
        ),
        "wan 2.6 image": lambda: Wan26Img2VideoInput(prompt="x", image=IMG, shot_type="multi"),
    },
    refused={
        "aspect": (
            lambda: WanTxt2Video13bInput(prompt="x", aspect_ratio="1:1"),
            "aspect_ratio must be one of 16:9, 9:16 (got '1:1')",
            WANX,
        ),
        "img2video without an image": (
            lambda: WanImg2Video14bInput(prompt="x"),
            "image is required",
            WANX,
        ),
        "no prompt": (lambda: Wan22Txt2Video14bInput(), "prompt is required", WANX),
        "wan 2.6, no seconds": (
            lambda: Wan26Txt2VideoInput(prompt="x", duration=0),
            "duration must be a positive number",
            None,
        ),
    },
    sent=("aspect",),
    prices={
        # the wanx create-task page, per video
        "1.3b": (lambda: WanTxt2Video13bInput(prompt="x"), "0.12"),
        "14b": (lambda: WanTxt2Video14bInput(prompt="x"), "0.28"),
        "img2video 14b": (lambda: WanImg2Video14bInput(prompt="x", image=IMG), "0.28"),
        # no published price
        "lora": (lambda: WanTxt2Video14bLoraInput(prompt="x"), None),
        "wan 2.2": (lambda: Wan22Txt2Video14bInput(prompt="x"), None),
        "wan 2.6": (lambda: Wan26Txt2VideoInput(prompt="x"), None),
    },
    echoes={
        "a ratio the page does not list": (
            WanTxt2Video13bInput,
            {"aspect_ratio": "1:1"},
            {"aspect_ratio": "1:1", "estimate_cost": Decimal("0.12")},
        ),
    },
)

# --- Suno and music-s: songs (a list of clips or clips keyed by id) and lyrics ------------

SUNO_GENERATE = "https://piapi.ai/docs/suno-api/generate-music"
SUNO_FULL_SONG = "https://piapi.ai/docs/legacy/suno-api/generate-full-song"
MUSIC_API = "https://piapi.ai/docs/music-api/create-task"
LYRICS_API = "https://piapi.ai/docs/song-api/udio-generate-lyrics"

SUNO = Family(
    name="suno",
    task_class=SunoTask,
    classes={
        SunoGenerateMusicInput: ("suno", "generate_music"),
        SunoGenerateMusicCustomInput: ("suno", "generate_music_custom"),
        SunoConcatMusicInput: ("suno", "concat_music"),
        SunoUploadAudioInput: ("suno", "upload_audio"),
        SunoMusicInput: ("suno", "music"),
        MusicSGenerateMusicInput: ("music-s", "generate_music"),
        MusicSGenerateMusicCustomInput: ("music-s", "generate_music_custom"),
        MusicSConcatMusicInput: ("music-s", "concat_music"),
        MusicSUploadAudioInput: ("music-s", "upload_audio"),
    },
    accepted={
        **{
            version: (
                lambda v=version: SunoGenerateMusicInput(
                    gpt_description_prompt="x", model_version=v
                )
            )
            for version in ("chirp-v3-0", "chirp-v3-5", "chirp-v4")
        },
        "custom, continued": lambda: SunoGenerateMusicCustomInput(
            prompt="[Verse]", continue_clip_id="c", continue_at=30, model_version="chirp-v4"
        ),
        "concat": lambda: SunoConcatMusicInput(clip_id="c"),
        "music, any mv": lambda: SunoMusicInput(prompt="x", mv="chirp-crow", task_id="t"),
        "music-s, any version": lambda: MusicSGenerateMusicCustomInput(
            prompt="x", model_version="v5"
        ),
        "music-s long texts": lambda: MusicSGenerateMusicCustomInput(
            prompt="x" * 5000, title="t" * 200
        ),
    },
    refused={
        "version": (
            lambda: SunoGenerateMusicInput(model_version="chirp-v5"),
            "model_version must be one of chirp-v3-0, chirp-v3-5, chirp-v4 (got 'chirp-v5')",
            SUNO_GENERATE,
        ),
        "custom version": (
            lambda: SunoGenerateMusicCustomInput(prompt="x", model_version="v4"),
            "model_version must be one of chirp-v3-0, chirp-v3-5, chirp-v4",
            SUNO_GENERATE,
        ),
        "concat without a clip": (
            lambda: SunoConcatMusicInput(),
            "clip_id is required",
            SUNO_FULL_SONG,
        ),
    },
    sent=("version",),
    prices={
        # https://piapi.ai/docs/music-api/create-task: "music-s: $0.04 / generation"
        "music-s": (lambda: MusicSGenerateMusicInput(gpt_description_prompt="x"), "0.04"),
        "music-s custom": (lambda: MusicSGenerateMusicCustomInput(prompt="x"), "0.04"),
        # not published (suno: "service stopped")
        "suno": (lambda: SunoGenerateMusicInput(gpt_description_prompt="x"), None),
        "suno music": (lambda: SunoMusicInput(prompt="x"), None),
        "music-s concat": (lambda: MusicSConcatMusicInput(clip_id="c"), None),
        "music-s upload": (lambda: MusicSUploadAudioInput(audio_url="https://a/a.mp3"), None),
    },
    echoes={
        "a version the page does not name": (
            SunoGenerateMusicInput,
            {"model_version": "chirp-v5", "make_instrumental": True},
            {"model_version": "chirp-v5", "estimate_cost": None},
        ),
        "concat without a clip": (SunoConcatMusicInput, {}, {"clip_id": None}),
        "music-s custom": (MusicSGenerateMusicCustomInput, {}, {"estimate_cost": Decimal("0.04")}),
    },
)

SUNO_LYRICS = Family(
    name="suno lyrics",
    task_class=SunoLyricsTask,
    classes={
        SunoGenerateLyricsInput: ("suno", "generate_lyrics"),
        SunoLyricsInput: ("suno", "lyrics"),
        MusicSGenerateLyricsInput: ("music-s", "generate_lyrics"),
    },
    accepted={
        "suno, any version": lambda: SunoGenerateLyricsInput(prompt="x", model_version="v9"),
        "suno lyrics": lambda: SunoLyricsInput(prompt="x"),
        "music-s": lambda: MusicSGenerateLyricsInput(prompt="White egrets"),
    },
    refused={
        "music-s without a prompt": (
            lambda: MusicSGenerateLyricsInput(prompt=" "),
            "prompt is required",
            LYRICS_API,
        ),
    },
    sent=("music-s without a prompt",),
    echoes={"music-s, no prompt": (MusicSGenerateLyricsInput, {}, {"prompt": None})},
)

# --- Udio (music-u) ---------------------------------------------------------------------

UDIO = Family(
    name="udio",
    task_class=UdioTask,
    classes={UdioGenerateMusicInput: ("music-u", "generate_music")},
    accepted={
        **{
            kind: (lambda k=kind: UdioGenerateMusicInput(lyrics_type=k))
            for kind in ("generate", "user", "instrumental")
        },
        "extend an earlier song": lambda: UdioGenerateMusicInput(
            lyrics_type="generate", continue_song_id="s", continue_at=20.5, seed=-1
        ),
    },
    refused={
        "no lyrics type": (
            lambda: UdioGenerateMusicInput(gpt_description_prompt="x"),
            "lyrics_type is required",
            MUSIC_API,
        ),
        "lyrics type": (
            lambda: UdioGenerateMusicInput(lyrics_type="instrumentals"),
            "lyrics_type must be one of generate, user, instrumental (got 'instrumentals')",
            MUSIC_API,
        ),
    },
    sent=("lyrics type",),
    prices={
        # https://piapi.ai/docs/music-api/create-task: "music-u: $0.04 / generation"
        "a song": (lambda: UdioGenerateMusicInput(lyrics_type="generate"), "0.04"),
        "instrumental": (lambda: UdioGenerateMusicInput(lyrics_type="instrumental"), "0.04"),
    },
    echoes={
        "no lyrics type": (UdioGenerateMusicInput, {"seed": -1}, {"lyrics_type": None}),
    },
)

UDIO_LYRICS = Family(
    name="udio lyrics",
    task_class=UdioLyricsTask,
    classes={UdioGenerateLyricsInput: ("music-u", "generate_lyrics")},
    accepted={"a prompt": lambda: UdioGenerateLyricsInput(prompt="White egrets")},
    refused={
        "no prompt": (lambda: UdioGenerateLyricsInput(), "prompt is required", LYRICS_API),
    },
    sent=("no prompt",),
    echoes={"no prompt": (UdioGenerateLyricsInput, {}, {"prompt": None})},
)

# --- Midjourney: images, and text (describe, seed) ---------------------------------------

MJ = "https://piapi.ai/docs/midjourney-api"
MJ_CLASSES: dict[type[TaskInput], tuple[str, str]] = {
    MidjourneyImagineInput: ("midjourney", "imagine"),
    MidjourneyUpscaleInput: ("midjourney", "upscale"),
    MidjourneyVariationInput: ("midjourney", "variation"),
    MidjourneyRerollInput: ("midjourney", "reroll"),
    MidjourneyBlendInput: ("midjourney", "blend"),
    MidjourneyInpaintInput: ("midjourney", "inpaint"),
    MidjourneyOutpaintInput: ("midjourney", "outpaint"),
    MidjourneyPanInput: ("midjourney", "pan"),
}

MIDJOURNEY = Family(
    name="midjourney",
    task_class=MidjourneyTask,
    classes=MJ_CLASSES,
    accepted={
        **{
            f"imagine {mode}": (lambda m=mode: MidjourneyImagineInput(prompt="x", process_mode=m))
            for mode in ("relax", "fast", "turbo")
        },
        **{
            f"upscale {index}": (
                lambda i=index: MidjourneyUpscaleInput(origin_task_id="t", index=i)
            )
            for index in ("1", "4", "light", "beta", "2x", "4x", "subtle", "creative")
        },
        **{
            f"variation {index}": (
                lambda i=index: MidjourneyVariationInput(origin_task_id="t", index=i, prompt="x")
            )
            for index in ("1", "2", "3", "4", "high_variation", "low_variation")
        },
        "imagine, any aspect ratio": lambda: MidjourneyImagineInput(prompt="x", aspect_ratio="7:3"),
        "reroll without a prompt": lambda: MidjourneyRerollInput(origin_task_id="t"),
        "blend": lambda: MidjourneyBlendInput(image_urls=[IMG, IMG], dimension="square"),
        "outpaint": lambda: MidjourneyOutpaintInput(origin_task_id="t", zoom_ratio="2"),
        "pan": lambda: MidjourneyPanInput(origin_task_id="t", direction="up"),
        "inpaint": lambda: MidjourneyInpaintInput(origin_task_id="t", mask="m", prompt="x"),
    },
    refused={
        "imagine without a prompt": (
            lambda: MidjourneyImagineInput(aspect_ratio="16:9"),
            "prompt is required",
            f"{MJ}/imagine",
        ),
        "process mode": (
            lambda: MidjourneyImagineInput(prompt="x", process_mode="slow"),
            "process_mode must be one of relax, fast, turbo (got 'slow')",
            f"{MJ}/imagine",
        ),
        "upscale index": (
            lambda: MidjourneyUpscaleInput(origin_task_id="t", index="5"),
            "index must be one of 1, 2, 3, 4, light, beta, 2x, 4x, subtle, creative (got '5')",
            f"{MJ}/upscale",
        ),
        "upscale without an index": (
            lambda: MidjourneyUpscaleInput(origin_task_id="t"),
            "index must be one of",
            f"{MJ}/upscale",
        ),
        "upscale without a task": (
            lambda: MidjourneyUpscaleInput(index="1"),
            "origin_task_id is required",
            f"{MJ}/upscale",
        ),
        "variation index": (
            lambda: MidjourneyVariationInput(origin_task_id="t", index="2x", prompt="x"),
            "index must be one of 1, 2, 3, 4, high_variation, low_variation (got '2x')",
            f"{MJ}/variation",
        ),
        "variation without a prompt": (
            lambda: MidjourneyVariationInput(origin_task_id="t", index="1"),
            "prompt is required",
            f"{MJ}/variation",
        ),
        "reroll without a task": (
            lambda: MidjourneyRerollInput(prompt="x"),
            "origin_task_id is required",
            f"{MJ}/reroll",
        ),
    },
    sent=("process mode", "upscale index"),
    echoes={
        "upscale of an unknown index": (
            MidjourneyUpscaleInput,
            {"index": "8x"},
            {"index": "8x", "origin_task_id": None},
        ),
        "imagine, nothing": (MidjourneyImagineInput, {}, {"to_wire": {}}),
    },
)

MIDJOURNEY_TEXT = Family(
    name="midjourney text",
    task_class=MidjourneyTextTask,
    classes={
        MidjourneyDescribeInput: ("midjourney", "describe"),
        MidjourneySeedInput: ("midjourney", "seed"),
    },
    accepted={
        "describe": lambda: MidjourneyDescribeInput(image_url=IMG, process_mode="fast", bot_id=0),
        "seed": lambda: MidjourneySeedInput(origin_task_id="t"),
    },
    refused={},
    sent=(),
    echoes={"describe, nothing": (MidjourneyDescribeInput, {}, {"to_wire": {}})},
)

# --- F5-TTS: $0.025 per 1,000 characters -------------------------------------------------

F5_TTS = "https://piapi.ai/docs/tts-api/f5-tts"
VOICE = "https://a/voice.wav"

TTS = Family(
    name="f5tts",
    task_class=F5TtsTask,
    classes={F5TtsZeroShotInput: ("Qubico/tts", "zero-shot")},
    accepted={
        "10,000 characters": lambda: F5TtsZeroShotInput(gen_text="x" * 10_000, ref_audio=VOICE),
        "every parameter": lambda: F5TtsZeroShotInput(
            gen_text="hi",
            ref_audio=VOICE,
            ref_text="hello",
            custom_split_words="a,b",
            remove_silence=True,
            speed=1.2,
        ),
    },
    refused={
        "no text": (lambda: F5TtsZeroShotInput(ref_audio=VOICE), "gen_text is required", F5_TTS),
        "10,001 characters": (
            lambda: F5TtsZeroShotInput(gen_text="x" * 10_001, ref_audio=VOICE),
            "gen_text must be at most 10000 characters (got 10001)",
            F5_TTS,
        ),
        "no voice": (lambda: F5TtsZeroShotInput(gen_text="x"), "ref_audio is required", F5_TTS),
    },
    sent=("no voice",),
    prices={
        # https://piapi.ai/docs/tts-api/f5-tts: "$0.025 per 1000 characters"
        "1,000 characters": (
            lambda: F5TtsZeroShotInput(gen_text="x" * 1000, ref_audio=VOICE),
            "0.025",
        ),
        "10,000 characters": (
            lambda: F5TtsZeroShotInput(gen_text="x" * 10_000, ref_audio=VOICE),
            "0.25",
        ),
        "40 characters": (lambda: F5TtsZeroShotInput(gen_text="x" * 40, ref_audio=VOICE), "0.001"),
    },
    echoes={
        "no text": (F5TtsZeroShotInput, {"ref_audio": VOICE}, {"estimate_cost": None}),
    },
)

# --- MMAudio: per second of a video the request does not measure -------------------------

MMAUDIO_PAGE = "https://piapi.ai/docs/mmaudio-api/create-task"
VIDEO = "https://v/a.mp4"

MMAUDIO = Family(
    name="mmaudio",
    task_class=MmaudioTask,
    classes={MmaudioVideo2AudioInput: ("Qubico/mmaudio", "video2audio")},
    accepted={
        "an empty prompt, as the page's example": lambda: MmaudioVideo2AudioInput(
            prompt="", video=VIDEO
        ),
        "every parameter": lambda: MmaudioVideo2AudioInput(
            prompt="rain", negative_prompt="music", video=VIDEO, steps=20, seed=48511119825268
        ),
    },
    refused={
        "no prompt": (
            lambda: MmaudioVideo2AudioInput(video=VIDEO),
            "prompt is required (it may be empty)",
            MMAUDIO_PAGE,
        ),
        "no video": (
            lambda: MmaudioVideo2AudioInput(prompt="rain", video=""),
            "video is required",
            MMAUDIO_PAGE,
        ),
    },
    sent=("no video",),
    echoes={"the page's blank example": (MmaudioVideo2AudioInput, {"video": ""}, {"video": ""})},
)

# --- DiffRhythm: $0.02 a generation -------------------------------------------------------

DIFFRHYTHM = Family(
    name="diffrhythm",
    task_class=DiffRhythmTask,
    classes={
        DiffRhythmBaseInput: ("Qubico/diffrhythm", "txt2audio-base"),
        DiffRhythmFullInput: ("Qubico/diffrhythm", "txt2audio-full"),
    },
    accepted={
        "the page's example": lambda: DiffRhythmBaseInput(
            lyrics="", style_prompt="pop", style_audio=""
        ),
    },
    refused={},
    sent=(),
    prices={
        # https://piapi.ai/docs/diffrhythm-api/create-task: $0.02 a generation, both
        "base": (lambda: DiffRhythmBaseInput(style_prompt="pop"), "0.02"),
        "full": (lambda: DiffRhythmFullInput(lyrics="[00:01.00] la"), "0.02"),
    },
    echoes={"nothing": (DiffRhythmFullInput, {}, {"estimate_cost": Decimal("0.02")})},
)

# --- ACE-Step, JoyCaption, Qwen Image, OmniHuman: catalog parameters, nothing published ---

ACE_STEP = Family(
    name="acestep",
    task_class=AceStepTask,
    classes={
        AceStepTxt2AudioInput: ("Qubico/ace-step", "txt2audio"),
        AceStepAudio2AudioInput: ("Qubico/ace-step", "audio2audio"),
        AceStepEditInput: ("Qubico/ace-step", "edit"),
        AceStepExtendInput: ("Qubico/ace-step", "extend"),
    },
    accepted={
        "txt2audio": lambda: AceStepTxt2AudioInput(
            duration=10, lyrics="[inst]", style_prompt="guitar and piano"
        ),
        "extend": lambda: AceStepExtendInput(
            audio="https://a/a.mp3", left_extend_duration=5, right_extend_duration=10.5
        ),
        "edit": lambda: AceStepEditInput(audio="https://a/a.mp3", edit_lyrics="x"),
        "audio2audio": lambda: AceStepAudio2AudioInput(style_audio="https://a/a.mp3"),
    },
    refused={},
    sent=(),
    echoes={
        "the get-task page's echo": (
            AceStepTxt2AudioInput,
            {"duration": 10, "negative_style_prompt": "", "style_audio": ""},
            {
                "duration": 10,
                "to_wire": {"duration": 10, "negative_style_prompt": "", "style_audio": ""},
            },
        ),
    },
)

JOYCAPTION = Family(
    name="joycaption",
    task_class=JoyCaptionTask,
    classes={JoyCaptionBetaOneInput: ("Qubico/joycaption", "joycaption-beta-one")},
    accepted={
        "any style": lambda: JoyCaptionBetaOneInput(
            image=IMG, prompt_style="Straightforward", caption_length="long"
        ),
    },
    refused={},
    sent=(),
    echoes={"nothing": (JoyCaptionBetaOneInput, {}, {"to_wire": {}})},
)

QWEN = Family(
    name="qwen",
    task_class=QwenTask,
    classes={
        QwenTxt2ImgInput: ("Qubico/qwen-image", "txt2img"),
        QwenImageEditInput: ("Qubico/qwen-image", "image-edit"),
    },
    accepted={
        "txt2img": lambda: QwenTxt2ImgInput(prompt="x", width=1024, height=1024, flow_shift=3.0),
        "edit two images": lambda: QwenImageEditInput(prompt="x", image1=IMG, image2=IMG),
    },
    refused={},
    sent=(),
    echoes={"nothing": (QwenImageEditInput, {}, {"to_wire": {}})},
)

OMNI_HUMAN = Family(
    name="omnihuman",
    task_class=OmniHumanTask,
    classes={OmniHuman15Input: ("omni-human", "omni-human-1.5")},
    accepted={
        "every parameter": lambda: OmniHuman15Input(
            image_url=IMG, audio_url="https://a/a.mp3", prompt="x", fast_mode=True, seed=1
        ),
    },
    refused={},
    sent=(),
    echoes={"nothing": (OmniHuman15Input, {}, {"to_wire": {}})},
)

# --- Z-Image: per image, by its megapixels (1 MP = 1024 x 1024, as the page's answer) -----

Z_IMAGE_PAGE = "https://piapi.ai/docs/z-image-api/text-to-image"

Z_IMAGE = Family(
    name="zimage",
    task_class=ZImageTask,
    classes={ZImageTxt2ImgInput: ("Qubico/z-image", "txt2img")},
    accepted={
        "the page's example": lambda: ZImageTxt2ImgInput(
            prompt="a bear", negative_prompt="blurry", flow_shift=3.0, seed=-1
        ),
    },
    refused={
        "no width": (
            lambda: ZImageTxt2ImgInput(prompt="x", width=0),
            "width must be a positive number",
            None,
        ),
        "no images": (
            lambda: ZImageTxt2ImgInput(prompt="x", batch_size=0),
            "batch_size must be a positive number",
            None,
        ),
    },
    sent=("no images",),
    defaults={
        "the page's example sizes": (
            lambda: ZImageTxt2ImgInput(prompt="a bear"),
            {"prompt": "a bear", "width": 1024, "height": 1024, "batch_size": 1},
        ),
    },
    prices={
        # https://piapi.ai/docs/z-image-api/text-to-image, per image: <= 0.5 MP $0.002,
        # <= 1 MP $0.004, <= 1.5 MP $0.006, above $0.008 (1024 x 1024: $0.004 on that page)
        "1024 x 1024": (lambda: ZImageTxt2ImgInput(prompt="x"), "0.004"),
        "512 x 1024, 0.5 MP": (lambda: ZImageTxt2ImgInput(prompt="x", width=512), "0.002"),
        "1024 x 1025": (lambda: ZImageTxt2ImgInput(prompt="x", height=1025), "0.006"),
        "1024 x 1536, 1.5 MP": (lambda: ZImageTxt2ImgInput(prompt="x", height=1536), "0.006"),
        "1024 x 1537": (lambda: ZImageTxt2ImgInput(prompt="x", height=1537), "0.008"),
        "4 at 1024 x 1024": (lambda: ZImageTxt2ImgInput(prompt="x", batch_size=4), "0.016"),
        "no size": (lambda: ZImageTxt2ImgInput(prompt="x", width=None), None),
    },
    echoes={
        "no size": (ZImageTxt2ImgInput, {"prompt": "x"}, {"width": None, "estimate_cost": None}),
        "no width": (
            ZImageTxt2ImgInput,
            {"width": 0, "height": 1, "batch_size": 1},
            {"estimate_cost": None},
        ),
    },
)

# --- Image toolkit: face swap, background removal ($0.001), segment, upscale --------------

SEGMENT_PAGE = "https://piapi.ai/docs/image-editing-api/segment-with-prompt-api"
SEGMENT_OK: dict[str, Any] = {"image": IMG, "prompt": "clothes", "negative_prompt": "pants"}

IMAGE_TOOLKIT = Family(
    name="imagetoolkit",
    task_class=ImageToolkitTask,
    classes={
        FaceSwapInput: ("Qubico/image-toolkit", "face-swap"),
        MultiFaceSwapInput: ("Qubico/image-toolkit", "multi-face-swap"),
        BackgroundRemoveInput: ("Qubico/image-toolkit", "background-remove"),
        SegmentInput: ("Qubico/image-toolkit", "segment"),
        UpscaleInput: ("Qubico/image-toolkit", "upscale"),
    },
    accepted={
        "face swap": lambda: FaceSwapInput(swap_image=IMG, target_image=IMG),
        "multi face swap": lambda: MultiFaceSwapInput(
            swap_image=IMG, target_image=IMG, input_faces_index="0", source_faces_index="1"
        ),
        "segment": lambda: SegmentInput(**SEGMENT_OK, segment_factor=-15),
        "segment, no negative words": lambda: SegmentInput(
            image=IMG, prompt="x", negative_prompt="", segment_factor=0
        ),
        "upscale by 16": lambda: UpscaleInput(image=IMG, scale=16, face_enhance=True),
    },
    refused={
        "segment without an image": (
            lambda: SegmentInput(prompt="x", negative_prompt="", segment_factor=0),
            "image is required",
            SEGMENT_PAGE,
        ),
        "segment without a prompt": (
            lambda: SegmentInput(image=IMG, negative_prompt="", segment_factor=0),
            "prompt is required",
            SEGMENT_PAGE,
        ),
        "segment without negative words": (
            lambda: SegmentInput(image=IMG, prompt="x", segment_factor=0),
            "negative_prompt is required",
            SEGMENT_PAGE,
        ),
        "segment without a factor": (
            lambda: SegmentInput(**SEGMENT_OK),
            "segment_factor is required",
            SEGMENT_PAGE,
        ),
    },
    sent=("segment without a factor",),
    prices={
        # "Pricing: $0.001/generation" (PiAPI's summary of its remove-background page)
        "background removal": (lambda: BackgroundRemoveInput(image=IMG), "0.001"),
        # $0.01 per million pixels of an image the request does not measure
        "segment": (lambda: SegmentInput(**SEGMENT_OK, segment_factor=-15), None),
        "face swap": (lambda: FaceSwapInput(swap_image=IMG, target_image=IMG), None),
        "upscale": (lambda: UpscaleInput(image=IMG), None),
    },
    echoes={
        "segment, nothing": (SegmentInput, {}, {"segment_factor": None, "estimate_cost": None}),
    },
)

# --- Trellis and Trellis 2: 3D models ------------------------------------------------------

TRELLIS = Family(
    name="trellis",
    task_class=TrellisTask,
    classes={
        TrellisTextTo3DInput: ("Qubico/trellis", "text-to-3d"),
        TrellisImageTo3DInput: ("Qubico/trellis", "image-to-3d"),
        Trellis2ImageTo3DInput: ("Qubico/trellis2", "image-to-3d"),
    },
    accepted={
        "text": lambda: TrellisTextTo3DInput(prompt="a bear", ss_guidance_strength=7.5),
        "images": lambda: TrellisImageTo3DInput(images=[IMG], seed=0),
        "image": lambda: TrellisImageTo3DInput(image=IMG),
        "trellis 2": lambda: Trellis2ImageTo3DInput(image=IMG, seed=0),
    },
    refused={},
    sent=(),
    echoes={
        "image and images": (
            TrellisImageTo3DInput,
            {"image": IMG, "images": None},
            {"image": IMG, "images": None},
        ),
    },
)

# --- AI Hug ----------------------------------------------------------------------------------

HUG = Family(
    name="hug",
    task_class=HugTask,
    classes={HugVideoInput: ("Qubico/hug-video", "image_to_video")},
    accepted={"an image": lambda: HugVideoInput(image_url=IMG)},
    refused={
        "no image": (
            lambda: HugVideoInput(),
            "image_url is required",
            "https://piapi.ai/docs/ai-hug-api/create-task",
        ),
    },
    sent=("no image",),
    echoes={"nothing": (HugVideoInput, {}, {"image_url": None})},
)

# --- Seedream 5 Lite: per image by size ------------------------------------------------------

SEEDREAM_PAGE = "https://piapi.ai/docs/seedream-api/seedream-5-lite"

SEEDREAM = Family(
    name="seedream",
    task_class=SeedreamTask,
    classes={Seedream5LiteInput: ("seedream", "seedream-5-lite")},
    accepted={
        **{
            f"aspect {ratio}": (lambda r=ratio: Seedream5LiteInput(prompt="x", aspect_ratio=r))
            for ratio in ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4")
        },
        "jpeg": lambda: Seedream5LiteInput(prompt="x", output_format="jpeg"),
        "ten images": lambda: Seedream5LiteInput(prompt="x", image_urls=[IMG] * 10),
    },
    refused={
        "size": (
            lambda: Seedream5LiteInput(prompt="x", size="4K"),
            "size must be one of 2K, 3K (got '4K')",
            SEEDREAM_PAGE,
        ),
        "aspect": (
            lambda: Seedream5LiteInput(prompt="x", aspect_ratio="21:9"),
            "aspect_ratio must be one of 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 4:5, 5:4",
            SEEDREAM_PAGE,
        ),
        "format": (
            lambda: Seedream5LiteInput(prompt="x", output_format="webp"),
            "output_format must be one of png, jpeg (got 'webp')",
            SEEDREAM_PAGE,
        ),
        "eleven images": (
            lambda: Seedream5LiteInput(prompt="x", image_urls=[IMG] * 11),
            "image_urls takes at most 10 images (got 11)",
            SEEDREAM_PAGE,
        ),
    },
    sent=("size",),
    prices={
        # https://piapi.ai/docs/seedream-api/seedream-5-lite: 2K (default) $0.028, 3K $0.042
        "2K": (lambda: Seedream5LiteInput(prompt="x", size="2K"), "0.028"),
        "3K": (lambda: Seedream5LiteInput(prompt="x", size="3K"), "0.042"),
        "PiAPI's default, 2K": (lambda: Seedream5LiteInput(prompt="x"), "0.028"),
    },
    echoes={"4K": (Seedream5LiteInput, {"size": "4K"}, {"size": "4K", "estimate_cost": None})},
)

FAMILIES = [
    KLING,
    VEO,
    SEEDANCE,
    HAILUO,
    LUMA,
    GEMINI,
    FLUX,
    KLING_TASKS,
    KLING_TRY_ON,
    KLING_SOUND_ROW,
    LUMA_CURRENT,
    FLUX_TOOLS,
    VIDEO_TOOLKIT,
    HUNYUAN,
    SKYREELS,
    FRAMEPACK,
    WAN,
    SUNO,
    SUNO_LYRICS,
    UDIO,
    UDIO_LYRICS,
    MIDJOURNEY,
    MIDJOURNEY_TEXT,
    TTS,
    MMAUDIO,
    DIFFRHYTHM,
    ACE_STEP,
    JOYCAPTION,
    QWEN,
    OMNI_HUMAN,
    Z_IMAGE,
    IMAGE_TOOLKIT,
    TRELLIS,
    HUG,
    SEEDREAM,
]


def rows(part: str) -> list[Any]:
    """One pytest param per entry of `part` in every family, named "family: entry"."""
    params = []
    for family in FAMILIES:
        table: dict[str, Any] = getattr(family, part) or {}
        for name, value in table.items():
            values = value if isinstance(value, tuple) else (value,)
            params.append(pytest.param(family, *values, id=f"{family.name}: {name}"))
    return params


def test_every_family_has_a_row() -> None:
    tabled = {request_class for family in FAMILIES for request_class in family.classes}
    registered = {
        target.partition(":")[2]
        for target in REQUEST_CLASSES.values()
        if not target.startswith("piapi.families.sora2:")  # tested on its own
    }
    assert {request_class.__name__ for request_class in tabled} == registered


@pytest.mark.parametrize(
    ("family", "request_class", "model", "task_type"),
    [
        pytest.param(family, request_class, model, task_type, id=request_class.__name__)
        for family in FAMILIES
        for request_class, (model, task_type) in family.classes.items()
    ],
)
def test_model_task_type_and_task_class(
    family: Family, request_class: type[TaskInput], model: str, task_type: str
) -> None:
    assert (model, task_type) == (request_class.MODEL, request_class.TASK_TYPE)
    assert request_class.task_class() is family.task_class


@pytest.mark.parametrize(("family", "build"), rows("accepted"))
def test_accepted(family: Family, build: Build) -> None:
    request = build()
    if family.prices is None:
        assert request.estimate_cost() is None  # no published price


@pytest.mark.parametrize(("family", "build", "message", "page"), rows("refused"))
def test_refused_naming_the_allowed_values_and_the_page(
    family: Family, build: Build, message: str, page: str | None
) -> None:
    refused(build, message, page)


@pytest.mark.parametrize(
    ("family", "case"),
    [
        pytest.param(family, case, id=f"{family.name}: {case}")
        for family in FAMILIES
        for case in family.sent
    ],
)
def test_refused_before_anything_is_sent(
    make_api: Callable[..., Api], family: Family, case: str
) -> None:
    refused_before_sending(make_api, family.refused[case][0])


@pytest.mark.parametrize(("family", "build", "wire"), rows("defaults"))
def test_sent_by_default(family: Family, build: Build, wire: dict[str, Any]) -> None:
    assert build().to_wire() == wire


@pytest.mark.parametrize(("family", "build", "price"), rows("prices"))
def test_estimate_cost(family: Family, build: Build, price: str | None) -> None:
    assert build().estimate_cost() == (None if price is None else Decimal(price))


@pytest.mark.parametrize(("family", "request_class", "echo", "read"), rows("echoes"))
def test_an_echo_is_read_without_checks(
    family: Family,
    request_class: type[TaskInput],
    echo: dict[str, Any],
    read: dict[str, Any],
) -> None:
    request = read_back(request_class, echo)  # exactly this class, nothing unreadable
    for name, expected in read.items():
        value: Any = request
        for part in name.split("."):
            value = getattr(value, part)
        assert (value() if callable(value) else value) == expected, name
    if family.prices is None:
        assert request.estimate_cost() is None


# --- particular to one family ------------------------------------------------------------


def test_kling_multi_shots_send_no_duration_of_their_own() -> None:
    video = KlingVideoInput(multi_shots=SHOTS, enable_audio=True)
    assert "duration" not in video.to_wire()
    assert video.multi_shots == [
        KlingShot(duration=2, prompt="a dog"),
        KlingShot(duration=3, prompt="a cat"),
    ]
    assert video.seconds == 5


@pytest.mark.parametrize(
    ("task_input", "price"),
    [
        (
            {"prompt": "x", "version": "3.0", "mode": "pro", "duration": 5, "enable_audio": False},
            "0.75",
        ),
        ({"prompt": "x", "version": "3.0"}, None),  # PiAPI's own defaults apply: unknown price
        (
            {"prompt": "x", "mode": "turbo", "version": "3.0", "duration": 5, "enable_audio": True},
            None,
        ),
    ],
)
def test_a_plain_kling_request_is_priced_as_sent(
    task_input: dict[str, Any], price: str | None
) -> None:
    request = TaskRequest(model="kling", task_type="video_generation", input=task_input)
    assert estimate_cost(request) == (None if price is None else Decimal(price))


def test_both_kling_output_shapes_are_typed_and_ranked() -> None:
    legacy = KlingVideoOutput.model_validate(
        {
            "type": "m2v_txt2video_hq",
            "status": 99,
            "works": [
                {
                    "cover": {"resource": "https://c/cover.png"},
                    "video": {
                        "resource": "https://v/marked.mp4",
                        "resource_without_watermark": "https://v/clean.mp4",
                        "duration": 5100,
                    },
                }
            ],
        }
    )
    assert legacy.works[0].video is not None
    assert legacy.works[0].video.duration == 5100
    task = KlingTask(task_id="t", status="completed", output=legacy)
    assert task.media_urls == ["https://v/clean.mp4", "https://v/marked.mp4"]
    v3 = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "model": "kling",
            "task_type": "video_generation",
            "output": {"video": "https://v/3.mp4", "works": None},
            "input": {"version": "3.0"},
        }
    )
    assert isinstance(v3, KlingTask)
    assert v3.output is not None
    assert (v3.output.video, v3.output.works) == ("https://v/3.mp4", [])
    assert v3.media_urls == ["https://v/3.mp4"]


def test_veo_duration_is_sent_as_text() -> None:
    assert Veo31VideoInput(prompt="x", duration=4).duration == "4s"  # an int, made text
    assert Veo31VideoInput(prompt="x", duration="6s").seconds == 6


def test_hailuo_results_before_previews() -> None:
    output = HailuoVideoOutput(
        video_url="https://v/a.mp4", download_url="https://v/b.mp4", cover_url="https://c.jpg"
    )
    task = HailuoTask(task_id="t", status="completed", output=output)
    assert task.media_urls == ["https://v/a.mp4", "https://v/b.mp4"]


def test_luma_the_clean_copy_first_previews_left_out() -> None:
    output = LumaVideoOutput.model_validate(
        {
            "video": {"url": "https://v/marked.mp4", "width": 1, "height": 1},
            "video_raw": {"url": "https://v/raw.mp4"},
            "thumbnail": {"url": "https://t.jpg"},
            "last_frame": {"url": "https://l.jpg"},
            "prompt": "https://not-a-result.example",
        }
    )
    task = LumaTask(task_id="t", status="completed", output=output)
    assert task.media_urls == ["https://v/raw.mp4", "https://v/marked.mp4"]


def test_gemini_every_image_once() -> None:
    output = GeminiImageOutput(
        image_urls=["https://i/1.png", "https://i/2.png"], image_url="https://i/1.png"
    )
    task = GeminiTask(task_id="t", status="success", output=output)  # Gemini's word for done
    assert task.media_urls == ["https://i/1.png", "https://i/2.png"]
    read = parse_task(
        {
            "task_id": "t",
            "status": "completed",
            "model": "gemini",
            "task_type": "nano-banana-2",
            "output": {"image_urls": None},
        }
    )
    assert isinstance(read, GeminiTask)
    assert read.output is not None
    assert read.output.image_urls == []


def test_flux_the_image_url_not_its_base64() -> None:
    output = FluxImageOutput(image_url="https://i/out.png", image_base64="iVBORw0KGgo=" * 1000)
    assert "iVBOR" not in repr(output)  # a megabyte of base64 stays out of logs
    assert FluxTask(task_id="t", status="completed", output=output).media_urls == [
        "https://i/out.png"
    ]
