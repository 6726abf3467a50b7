"""Static typing of every model family: mypy --strict and pyright read this file, nobody runs
it. A typed request makes `create`/`create_and_wait`/`wait` return the family's task class,
so `task.output.<field>` and `task.input.<field>` are typed."""

from __future__ import annotations

from decimal import Decimal

from typing_extensions import assert_type

from piapi import AsyncPiAPIClient, PiAPIClient
from piapi.flux import (
    FluxDevImg2ImgInput,
    FluxImageOutput,
    FluxKontextInput,
    FluxSchnellTxt2ImgInput,
    FluxTask,
)
from piapi.gemini import GeminiImageOutput, GeminiTask, NanoBanana2Input, NanoBananaProInput
from piapi.hailuo import HailuoTask, HailuoVideoInput, HailuoVideoOutput
from piapi.kling import (
    KlingMedia,
    KlingOmniVideoInput,
    KlingTask,
    KlingVideoInput,
    KlingVideoOutput,
    KlingWork,
)
from piapi.luma import LumaMedia, LumaTask, LumaVideoInput, LumaVideoOutput
from piapi.seedance import Seedance2Input, Seedance2PreviewInput, SeedanceTask
from piapi.veo import Veo3FastVideoInput, Veo31VideoInput, VeoTask


def kling(client: PiAPIClient) -> None:
    task = client.tasks.create(KlingVideoInput(prompt="a dog", image_url="https://i/a.png"))
    assert_type(task, KlingTask)
    assert_type(task.input, KlingVideoInput | KlingOmniVideoInput)
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
