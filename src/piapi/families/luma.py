"""Luma Dream Machine (`model: "luma"`): typed requests for Luma's video model.

`LumaVideoInput` (`video_generation`: text-to-video, or image-to-video with `start_image` /
`end_image`) and `LumaExtendVideoInput` (`extend_video`) answer a `LumaTask`. Its output
holds a clean (`video_raw`) and a watermarked (`video`) copy; `task.media_urls` puts the clean
one first. PiAPI publishes no price for Luma, so `estimate_cost()` is None; it holds credits
at creation (`usage.type` "point").

PiAPI's page changed its field set: the current one (and PiAPI's catalog) is `model`,
`start_image`, `end_image`, `loop`, `duration`, `aspect_ratio`; older answers echo
`model_name`, `key_frames` and `expand_prompt`, which are still read (and may still be sent).
"""

from __future__ import annotations

from piapi._core.models import WireModel
from piapi.families._base import FamilyInput, FamilyTask, TaskT, VideoOutput, require_text

__all__ = [
    "LumaExtendVideoInput",
    "LumaFrame",
    "LumaKeyFrames",
    "LumaMedia",
    "LumaTask",
    "LumaVideoInput",
    "LumaVideoOutput",
]

CREATE_TASK_PAGE = "https://piapi.ai/docs/dream-machine/create-task"  # the older field set
VIDEO_CREATION_PAGE = "https://piapi.ai/docs/dream-machine/video-creation"  # the current one
VIDEO_EXTEND_PAGE = "https://piapi.ai/docs/dream-machine/video-extend"
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


class _LumaInput(FamilyInput[TaskT], model="luma"):
    prompt: str | None = None
    key_frames: LumaKeyFrames | None = None
    """The older field set's frames: `frame0` and/or `frame1`, each of type "image"."""

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


class LumaVideoInput(_LumaInput["LumaTask"], task_type="video_generation"):
    """Input of Luma `video_generation` (https://piapi.ai/docs/dream-machine/video-creation).

    The current fields: `model` (the page's example: "ray-v2"), `prompt`, `start_image`,
    `end_image`, `loop`, `duration`, `aspect_ratio`. Checked: `prompt` required
    (https://piapi.ai/docs/dream-machine/create-task), and key frames, if the older
    `key_frames` is used, of type "image" with a URL. Other values are sent as given: the docs
    show them only in examples. PiAPI publishes no price: `estimate_cost()` is None.
    """

    model: str | None = None
    """The Luma model; the page's example: "ray-v2"."""
    start_image: str | None = None
    """The first frame (image-to-video): a URL PiAPI can fetch (upload a local file first)."""
    end_image: str | None = None
    """The last frame."""
    duration: int | None = None
    """Seconds; the page's example: 5."""
    aspect_ratio: str | None = None
    """The page's example: "16:9"."""
    loop: bool | None = None
    """Loop the video (default False)."""
    model_name: str | None = None
    """The older field set's model ("ray-v1", "ray-v2"); use `model`."""
    expand_prompt: bool | None = None
    """The older field set: PiAPI recommended False (its default)."""


class LumaExtendVideoInput(_LumaInput["LumaTask"], task_type="extend_video"):
    """Input of Luma `extend_video` (https://piapi.ai/docs/dream-machine/video-extend): continue
    an earlier generation, named in `key_frames` (PiAPI's catalog lists `prompt` and
    `key_frames`). Checked: `prompt` required (https://piapi.ai/docs/dream-machine/create-task).
    No published price.
    """


class LumaMedia(WireModel):
    """A file of a Luma result: its URL and size (null until the task completes)."""

    url: str | None = None
    width: int | None = None
    height: int | None = None


class LumaVideoOutput(VideoOutput):
    """Output of a Luma task: `video_raw` (no watermark) and `video` (watermarked) are
    results, `thumbnail` and `last_frame` previews."""

    video_raw: LumaMedia | None = None
    video: LumaMedia | None = None
    thumbnail: LumaMedia | None = None
    last_frame: LumaMedia | None = None
    prompt: str | None = None
    internal_state: str | None = None
    created_at: str | None = None
    """As Luma sends it (text; "" or Go's zero time until set)."""


LumaInput = LumaVideoInput | LumaExtendVideoInput


class LumaTask(FamilyTask[LumaInput, LumaVideoOutput]):
    """A Luma `video_generation` or `extend_video` task, typed."""
