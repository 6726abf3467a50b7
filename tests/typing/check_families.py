"""Static typing of every model family: mypy --strict and pyright read this file, nobody runs
it. A typed request makes `create`/`create_and_wait`/`wait` return the family's task class,
so `task.output.<field>` and `task.input.<field>` are typed."""

from __future__ import annotations

from decimal import Decimal

from typing_extensions import assert_type

from piapi import AsyncPiAPIClient, PiAPIClient, Sora2Task, TaskInput
from piapi.families._base import FamilyInput, FamilyTask, VideoOutput
from piapi.flux import (
    FluxDevImg2ImgInput,
    FluxImageOutput,
    FluxKontextInput,
    FluxSchnellTxt2ImgInput,
    FluxTask,
)
from piapi.framepack import FramePackImg2VideoInput, FramePackTask
from piapi.gemini import GeminiImageOutput, GeminiTask, NanoBanana2Input, NanoBananaProInput
from piapi.hailuo import HailuoTask, HailuoVideoInput, HailuoVideoOutput
from piapi.hunyuan import HunyuanFastTxt2VideoInput, HunyuanTask
from piapi.kling import (
    KlingAvatarInput,
    KlingEffectsInput,
    KlingExtendVideoInput,
    KlingLipSyncInput,
    KlingMedia,
    KlingMotionControlInput,
    KlingOmniVideoInput,
    KlingSoundInput,
    KlingSoundOutput,
    KlingSoundTask,
    KlingTask,
    KlingTryOnInput,
    KlingTryOnTask,
    KlingTurboVideoInput,
    KlingVideoInput,
    KlingVideoOutput,
    KlingWork,
)
from piapi.luma import LumaMedia, LumaTask, LumaVideoInput, LumaVideoOutput
from piapi.seedance import Seedance2Input, Seedance2PreviewInput, SeedanceTask
from piapi.skyreels import SkyReelsImg2VideoInput, SkyReelsTask
from piapi.veo import Veo3FastVideoInput, Veo31VideoInput, VeoTask
from piapi.videotoolkit import VideoFaceSwapInput, VideoToolkitTask
from piapi.wan import Wan26Txt2VideoInput, WanTask, WanTxt2Video13bInput


def kling(client: PiAPIClient) -> None:
    task = client.tasks.create(KlingVideoInput(prompt="a dog", image_url="https://i/a.png"))
    assert_type(task, KlingTask)
    assert_type(
        task.input,
        KlingVideoInput
        | KlingOmniVideoInput
        | KlingLipSyncInput
        | KlingExtendVideoInput
        | KlingEffectsInput
        | KlingAvatarInput
        | KlingMotionControlInput
        | KlingTurboVideoInput,
    )
    assert_type(task.output, KlingVideoOutput | None)
    done = client.tasks.wait(task)
    assert_type(done, KlingTask)
    if done.output is not None:
        assert_type(done.output.video, str | None)
        assert_type(done.output.works, list[KlingWork])
        assert_type(done.output.works[0].video, KlingMedia | None)
    assert_type(done.result_url, str)
    omni = client.tasks.create_and_wait(KlingOmniVideoInput(prompt="x", resolution="1080p"))
    assert_type(omni, KlingTask)
    assert_type(KlingVideoInput.task_class(), type[KlingTask])
    assert_type(client.tasks.estimate_cost(KlingVideoInput(prompt="x")), Decimal | None)
    assert_type(KlingVideoInput(prompt="x").estimate_cost(), Decimal | None)
    assert_type(client.tasks.create(KlingTurboVideoInput(prompt="x")), KlingTask)
    assert_type(client.tasks.create(KlingExtendVideoInput(origin_task_id="t")), KlingTask)
    try_on = client.tasks.create(KlingTryOnInput(model_input="https://i/p.png", batch_size=1))
    assert_type(try_on, KlingTryOnTask)
    assert_type(try_on.input, KlingTryOnInput)
    sound = client.tasks.create_and_wait(KlingSoundInput(prompt="rain", duration=5))
    assert_type(sound, KlingSoundTask)
    assert_type(sound.output, KlingSoundOutput | None)


def task_classes_read_their_header(data: dict[str, object]) -> None:
    # A task class names its request classes and output once, in `FamilyTask[In, Out]`
    # (one request class, or a union of them): its `output` and `INPUTS` come from there.
    assert_type(KlingSoundTask.model_validate(data).output, KlingSoundOutput | None)
    assert_type(KlingTask.model_validate(data).output, KlingVideoOutput | None)
    assert_type(KlingSoundTask.INPUTS, tuple[type[TaskInput], ...])
    assert_type(KlingTask.INPUTS, tuple[type[TaskInput], ...])


def qubico_video(client: PiAPIClient) -> None:
    swap = VideoFaceSwapInput(swap_image="https://i/f.png", target_video="https://v/a.mp4")
    assert_type(client.tasks.create(swap), VideoToolkitTask)
    assert_type(client.tasks.create(HunyuanFastTxt2VideoInput(prompt="x")), HunyuanTask)
    sky = SkyReelsImg2VideoInput(prompt="x", image="https://i/a.png")
    assert_type(client.tasks.create(sky), SkyReelsTask)
    assert_type(client.tasks.create(FramePackImg2VideoInput(prompt="x")), FramePackTask)
    wan = client.tasks.create_and_wait(WanTxt2Video13bInput(prompt="x"))
    assert_type(wan, WanTask)
    if wan.output is not None:
        assert_type(wan.output.video_url, str | None)
    assert_type(client.tasks.create(Wan26Txt2VideoInput(prompt="x")), WanTask)


def veo(client: PiAPIClient) -> None:
    task = client.tasks.create_and_wait(Veo31VideoInput(prompt="x", duration="8s"))
    assert_type(task, VeoTask)
    if task.output is not None:
        assert_type(task.output.video, str | None)
    assert_type(client.tasks.create(Veo3FastVideoInput(prompt="x", duration="4s")), VeoTask)
    assert_type(Veo31VideoInput(prompt="x").seconds, int | None)


def seedance(client: PiAPIClient) -> None:
    task = client.tasks.create(Seedance2Input(prompt="x", resolution="1080p", duration=10))
    assert_type(task, SeedanceTask)
    assert_type(task.input, Seedance2Input | Seedance2PreviewInput)
    assert_type(client.tasks.create(Seedance2PreviewInput(prompt="x")), SeedanceTask)
    if task.output is not None:
        assert_type(task.output.video, str | None)


def hailuo(client: PiAPIClient) -> None:
    task = client.tasks.create_and_wait(HailuoVideoInput(model="t2v-01", prompt="x"))
    assert_type(task, HailuoTask)
    assert_type(task.input, HailuoVideoInput)
    assert_type(task.input.model, str | None)
    assert_type(task.output, HailuoVideoOutput | None)
    if task.output is not None:
        assert_type(task.output.video_url, str | None)


def luma(client: PiAPIClient) -> None:
    task = client.tasks.create_and_wait(LumaVideoInput(prompt="x"))
    assert_type(task, LumaTask)
    assert_type(task.output, LumaVideoOutput | None)
    if task.output is not None:
        assert_type(task.output.video_raw, LumaMedia | None)


def gemini(client: PiAPIClient) -> None:
    task = client.tasks.create_and_wait(NanoBananaProInput(prompt="x"))
    assert_type(task, GeminiTask)
    assert_type(task.output, GeminiImageOutput | None)
    if task.output is not None:
        assert_type(task.output.image_urls, list[str])
    assert_type(client.tasks.create(NanoBanana2Input(prompt="x")), GeminiTask)


def flux(client: PiAPIClient) -> None:
    task = client.tasks.create_and_wait(FluxSchnellTxt2ImgInput(prompt="x", batch_size=2))
    assert_type(task, FluxTask)
    assert_type(task.output, FluxImageOutput | None)
    if task.output is not None:
        assert_type(task.output.image_url, str | None)
    assert_type(client.tasks.create(FluxDevImg2ImgInput(prompt="x", image="https://i")), FluxTask)
    assert_type(client.tasks.create(FluxKontextInput(prompt="x", image="https://i")), FluxTask)


async def every_family_async(client: AsyncPiAPIClient) -> None:
    assert_type(await client.tasks.create(KlingVideoInput(prompt="x")), KlingTask)
    assert_type(await client.tasks.create_and_wait(Veo31VideoInput(prompt="x")), VeoTask)
    assert_type(await client.tasks.create(Seedance2Input(prompt="x")), SeedanceTask)
    hailuo = await client.tasks.create(HailuoVideoInput(model="t2v-01", prompt="x"))
    assert_type(await client.tasks.wait(hailuo), HailuoTask)
    assert_type(await client.tasks.create_and_wait(LumaVideoInput(prompt="x")), LumaTask)
    assert_type(await client.tasks.create(NanoBananaProInput(prompt="x")), GeminiTask)
    assert_type(await client.tasks.create(FluxKontextInput(prompt="x", image="i")), FluxTask)


def wrong_types_are_type_errors() -> None:
    # pyright reads pydantic's constructors (mypy's plugin leaves them untyped)
    KlingVideoInput(prompt="x", duration="5")  # pyright: ignore[reportArgumentType]
    Seedance2Input(prompt="x", image_urls="https://i")  # pyright: ignore[reportArgumentType]


def a_family_class_says_what_it_is_in_its_header() -> None:
    # Type checkers accept `model=` / `task_type=` in a class's header, and read the classes'
    # `MODEL` / `TASK_TYPE` as text.
    assert_type(KlingVideoInput.MODEL, str)
    assert_type(KlingVideoInput.TASK_TYPE, str)
    assert_type(Sora2Task.MODEL, str)

    class ExampleInput(FamilyInput["ExampleTask"], model="example", task_type="plain"):
        pass

    class ExampleTask(FamilyTask[ExampleInput, VideoOutput], model="example"):
        pass

    assert_type(ExampleInput.task_class(), type[ExampleTask])
    assert_type(ExampleTask.MODEL, str)
