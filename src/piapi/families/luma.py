"""Luma Dream Machine (`model: "luma"`): typed requests for Luma's video model.

`LumaVideoInput` (`video_generation`) answers a `LumaTask`: text-to-video, or
image-to-video with `key_frames`. Its output holds a clean (`video_raw`) and a watermarked
(`video`) copy; `task.media_urls` puts the clean one first. PiAPI publishes no price for
Luma, so `estimate_cost()` is None; it holds credits at creation (`usage.type` "point").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from piapi._core.models import TaskInput, WireModel
from piapi.families._base import FamilyInput, FamilyTask, require_text

if TYPE_CHECKING:
    from piapi._core.results import MediaKind

__all__ = [
    "LumaFrame",
    "LumaKeyFrames",
    "LumaMedia",
    "LumaTask",
    "LumaVideoInput",
    "LumaVideoOutput",
]

CREATE_TASK_PAGE = "https://piapi.ai/docs/dream-machine/create-task"
FRAME_TYPES = ("image",)  # CREATE_TASK_PAGE: "for image-to-video, type can only be image"


class LumaFrame(WireModel):
    """A key frame: `{"type": "image", "url": ...}`."""

    type: str = "image"
    url: str | None = None
    """A URL PiAPI can fetch (upload a local file first)."""


class LumaKeyFrames(WireModel):
    """The first (`frame0`) and/or last (`frame1`) frame of an image-to-video task."""

    frame0: LumaFrame | None = None
    frame1: LumaFrame | None = None


class LumaVideoInput(FamilyInput):
    """Input of Luma `video_generation` (https://piapi.ai/docs/dream-machine/create-task).

    Checked: `prompt` required; key frames of type "image" with a URL. Other values
    (`model_name` such as "ray-v2", `duration`, `aspect_ratio`) are sent as given: the docs
    show them only in examples. PiAPI publishes no price: `estimate_cost()` is None.
    """

    MODEL: ClassVar[str] = "luma"
    TASK_TYPE: ClassVar[str] = "video_generation"

    prompt: str | None = None
    key_frames: LumaKeyFrames | None = None
    """Image-to-video: set `frame0` and/or `frame1`; without it, text-to-video."""
    model_name: str | None = None
    """The docs' examples show "ray-v1" and "ray-v2"."""
    duration: int | None = None
    aspect_ratio: str | None = None
    expand_prompt: bool | None = None
    """PiAPI recommends False for now (its default)."""
    loop: bool | None = None

    @classmethod
    def task_class(cls) -> type[LumaTask]:
        """`LumaTask`."""
        return LumaTask

    def _check(self) -> None:
        require_text("prompt", self.prompt, CREATE_TASK_PAGE)
        frames = self.key_frames or LumaKeyFrames()
        for name, frame in (("frame0", frames.frame0), ("frame1", frames.frame1)):
            if frame is None:
                continue
            if frame.type not in FRAME_TYPES:
                raise ValueError(
                    f"key_frames.{name}.type must be image (got {frame.type!r}); "
                    f"see {CREATE_TASK_PAGE}"
                )
            require_text(f"key_frames.{name}.url", frame.url, CREATE_TASK_PAGE)


class LumaMedia(WireModel):
    """A file of a Luma result: its URL and size (null until the task completes)."""

    url: str | None = None
    width: int | None = None
    height: int | None = None


class LumaVideoOutput(WireModel):
    """Output of a Luma task: `video_raw` (no watermark) and `video` (watermarked) are
    results, `thumbnail` and `last_frame` previews."""

    MEDIA_KIND: ClassVar[MediaKind] = "video"

    video_raw: LumaMedia | None = None
    video: LumaMedia | None = None
    thumbnail: LumaMedia | None = None
    last_frame: LumaMedia | None = None
    prompt: str | None = None
    internal_state: str | None = None
    created_at: str | None = None
    """As Luma sends it (text; "" or Go's zero time until set)."""


class LumaTask(FamilyTask[LumaVideoInput, LumaVideoOutput]):
    """A Luma `video_generation` task, typed."""

    output: LumaVideoOutput | None = None
    INPUTS: ClassVar[tuple[type[TaskInput], ...]] = (LumaVideoInput,)
