# Generated from src/piapi/_async/tasks.py by scripts/gen_unasync.py: do not edit.
"""`client.tasks` (every model) and `client.sora2` (typed Sora 2 arguments).

Each method builds its request with `_core.protocol`, sends it through the sender and
reads the answer with `_core.protocol`; `_core.polling.WaitState` decides how a wait
goes. Generated from `piapi._async.tasks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, overload

from pydantic import BaseModel
from typing_extensions import Required, Unpack

from piapi._core.checks import UsdAmount
from piapi._core.deadline import NO_DEADLINE, Deadline
from piapi._core.errors import PiAPIError
from piapi._core.expectations import Expectations
from piapi._core.models import (
    Task,
    TaskConfig,
    TaskInput,
    TaskRequest,
    TaskT,
    TypedRequest,
    WebhookConfig,
)
from piapi._core.polling import WaitState, check_wait_options
from piapi._core.protocol import (
    TASK_PATH,
    CreatePlan,
    Secrets,
    create_plan,
    estimate_cost,
    read_envelope,
    task_url,
)
from piapi._core.spending import Spending
from piapi._sync._backend import call_back, check_callback
from piapi._sync.sender import Sender
from piapi._sync.spending import CreateReservation
from piapi.families._registry import read_task
from piapi.families.sora2 import (
    AspectRatio,
    Duration,
    Resolution,
    ServiceMode,
    Sora2Task,
    Sora2TaskType,
    build_sora2_input,
    estimate_sora2_cost,
)

if TYPE_CHECKING:
    from piapi._core.download import StrPath
    from piapi._sync.batch import Batch, BatchSteps
    from piapi.batch._plan import BatchItem
    from piapi.batch._run import BatchOptions

__all__ = ["Sora2", "Sora2CreateParams", "Tasks"]


class Sora2CreateParams(TypedDict, total=False):
    """The arguments of `sora2.create`, also accepted by `sora2.create_and_wait`."""

    prompt: Required[str]
    aspect_ratio: AspectRatio
    duration: Duration
    task_type: Sora2TaskType
    image_url: str | None
    resolution: Resolution | None
    webhook: WebhookConfig | None
    service_mode: ServiceMode | None
    max_cost_usd: UsdAmount | None


class Tasks:
    """Tasks of any PiAPI model: typed requests (`Sora2VideoInput`, ...) or plain ones, whose
    `input` is sent unchecked so that values PiAPI adds later pass through."""

    def __init__(self, sender: Sender, spending: Spending, expectations: Expectations) -> None:
        self._sender = sender
        self._spending = spending
        self._expectations = expectations

    @overload
    def create(
        self,
        request: TypedRequest[TaskT],
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> TaskT: ...

    @overload
    def create(
        self,
        request: TaskRequest,
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> Task[Any, Any]: ...

    @overload
    def create(
        self,
        /,
        *,
        model: str,
        task_type: str,
        input: Mapping[str, Any] | BaseModel,
        config: TaskConfig | Mapping[str, Any] | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> Task[Any, Any]: ...

    def create(
        self,
        request: TypedRequest[Any] | TaskRequest | None = None,
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        model: str | None = None,
        task_type: str | None = None,
        input: Mapping[str, Any] | BaseModel | None = None,
        config: TaskConfig | Mapping[str, Any] | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> Task[Any, Any]:
        """Create a task (`POST /api/v1/task`) and return it, usually `pending`.

        Three forms: a typed request (`create(Sora2VideoInput(prompt=...))` returns a
        `Sora2Task`), a `TaskRequest`, or `create(model=..., task_type=..., input={...})`.
        Never resent after it may have reached PiAPI: see `PiAPIError.task_may_exist`.

        Args:
            request: A typed request (checked when built) or a `TaskRequest`.
            webhook: Where PiAPI should POST status changes (not with `config=`).
            service_mode: "public" (pay as you go) or "private" (not with `config=`).
            model: The model, for the keyword form (e.g. "kling").
            task_type: The task type, for the keyword form (e.g. "video_generation").
            input: The input, sent as given, for the keyword form.
            config: `TaskConfig` (webhook, service mode), for the keyword form.
            max_cost_usd: The most this task may cost: refused if its estimate is more;
                under the client's spending limit, what counts for a task without a price.

        Returns:
            The new task: the request's task class, or the class of its model.

        Raises:
            ValueError: The arguments mix forms or miss one; nothing was sent.
            SpendLimitError: Over the spending limit or `max_cost_usd`; nothing was sent.
            APIConnectionError: The request failed; see `task_may_exist`.
            APIStatusError: PiAPI refused it; see `task_may_exist` for a 5xx.
        """
        plan = create_plan(
            request, webhook, service_mode, model, task_type, input, config, max_cost_usd
        )
        return self._create(plan, NO_DEADLINE)

    def _create(self, plan: CreatePlan, deadline: Deadline) -> Task[Any, Any]:
        # The one place a create is sent (create, create_and_wait, sora2, batches): the
        # spending limit counts it right before it is sent and settles it by its answer.
        read = partial(
            read_task,
            task_class=plan.task_class,
            is_create=True,
            secrets=Secrets((*self._sender.secrets, *plan.secrets)),
        )
        url = self._sender.base_url + TASK_PATH
        with CreateReservation(self._spending, plan.cost) as reservation:
            return reservation.settle(
                self._sender.send(
                    "POST", url, read, content=plan.body, is_create=True, deadline=deadline
                )
            )

    @overload
    def create_and_wait(
        self,
        request: TypedRequest[TaskT],
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = 1800.0,
        poll_interval: float | None = None,
        on_update: Callable[[TaskT], object] | None = None,
        download_to: StrPath | None = None,
    ) -> TaskT: ...

    @overload
    def create_and_wait(
        self,
        request: TaskRequest,
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = 1800.0,
        poll_interval: float | None = None,
        on_update: Callable[[Task[Any, Any]], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]: ...

    @overload
    def create_and_wait(
        self,
        /,
        *,
        model: str,
        task_type: str,
        input: Mapping[str, Any] | BaseModel,
        config: TaskConfig | Mapping[str, Any] | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = 1800.0,
        poll_interval: float | None = None,
        on_update: Callable[[Task[Any, Any]], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]: ...

    def create_and_wait(
        self,
        request: TypedRequest[Any] | TaskRequest | None = None,
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        model: str | None = None,
        task_type: str | None = None,
        input: Mapping[str, Any] | BaseModel | None = None,
        config: TaskConfig | Mapping[str, Any] | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = 1800.0,
        poll_interval: float | None = None,
        on_update: Callable[[Any], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]:
        """`create` (any of its forms), then `wait` for the finished task, and optionally
        download its results.

        Args:
            request: A typed request (`Sora2VideoInput(...)`) or a `TaskRequest`.
            webhook: Where PiAPI should POST status changes (not with `config=`).
            service_mode: "public" or "private" (not with `config=`).
            model: The model, for the keyword form.
            task_type: The task type, for the keyword form.
            input: The input, sent as given, for the keyword form.
            config: `TaskConfig` (webhook, service mode), for the keyword form.
            max_cost_usd: The most the task may cost (see `create`).
            timeout: Deadline in seconds for the whole call (create, wait and download);
                None waits forever.
            poll_interval: Fixed seconds between polls; default: by expected run time.
            on_update: Called with the task after every poll (the async client also
                awaits a coroutine function).
            download_to: Also download the results (their URLs are ephemeral): the best one
                to this file, or every one into this directory (`<task_id>.<ext>`, or
                `<task_id>-1.png`, ... for several). The task is returned unchanged.

        Returns:
            The completed task.

        Raises:
            SpendLimitError: Over the spending limit or `max_cost_usd`; nothing was sent.
            TaskFailedError: The task failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            DownloadError: A result could not be downloaded; `exc.task` is the task.
            PiAPIError: Anything else after the create names the task (`exc.task_id`).
        """
        timeout, poll_interval = check_wait_options(timeout, poll_interval)
        # The deadline starts before the create: the whole call ends by `timeout`.
        deadline = Deadline.after(timeout, self._sender.now())
        check_callback(on_update)
        plan = create_plan(
            request, webhook, service_mode, model, task_type, input, config, max_cost_usd
        )
        task = self._create(plan, deadline)
        task = self._wait(task, timeout, poll_interval, on_update, True, deadline)
        if download_to is not None:
            from piapi._sync.download import download, plan_saves  # only when saving

            for state in plan_saves(self._sender, task, download_to):
                download(self._sender, state, None, deadline)
        return task

    def run_many(
        self, requests: Iterable[TaskRequest | TaskInput], /, **options: Unpack[BatchOptions]
    ) -> list[BatchItem]:
        """Create many tasks, at most `concurrency` in flight, wait for each and download its
        results; one failing item never stops the others. With a `journal` file, a crash or
        Ctrl-C loses nothing and running again resumes without paying twice. See the
        Batches guide and `BatchOptions` for every option.

        Returns:
            One `BatchItem` per request, in request order.
        """
        with self.plan_many(requests, **options) as batch:
            return batch.run()

    def plan_many(
        self, requests: Iterable[TaskRequest | TaskInput], /, **options: Unpack[BatchOptions]
    ) -> Batch:
        """`run_many` in two steps: every request is checked and the journal opened (and
        locked) now; `batch.preview()` says what would be created, resumed or skipped and
        at what cost; `batch.run()` runs it. Use it as a context manager.

        Returns:
            The batch, not started: nothing is sent before `run`.
        """
        from piapi._sync.batch import Batch  # a feature: loaded only when used

        return Batch(self._batch_steps, self._sender.sleep, requests, options, now=self._sender.now)

    def _batch_steps(self, sleep: Callable[[float], None]) -> BatchSteps:
        """What a batch does, on a sender whose pauses (`sleep`) end when the batch stops."""
        from piapi._sync.batch import BatchSteps

        sender = self._sender.copy()
        sender.sleep = sleep
        tasks = Tasks(sender, self._spending, self._expectations)
        return BatchSteps(tasks._create_one, tasks._wait_one, tasks._save_all, sleep)

    def _create_one(self, request: TaskRequest | TaskInput) -> Task[Any, Any]:
        return self._create(create_plan(request), NO_DEADLINE)

    def _wait_one(self, task: Task[Any, Any] | str, timeout: float | None) -> Task[Any, Any]:
        return self._wait(task, timeout, None, None, False, None)

    def _save_all(self, task: Task[Any, Any], folder: Path, name: str | None) -> list[Path]:
        from piapi._sync.download import download, plan_downloads

        return [
            download(self._sender, state, None, NO_DEADLINE)
            for state in plan_downloads(self._sender, task, folder, name)
        ]

    def estimate_cost(self, request: TaskInput | TaskRequest) -> Decimal | None:
        """The price in USD of a request before creating it; None where PiAPI publishes none.

        A `TaskRequest` is priced through the typed request of its model and task type.
        """
        return estimate_cost(request)

    def get(self, task_id: str) -> Task[Any, Any]:
        """Fetch a task's current state (`GET /api/v1/task/{task_id}`), typed by its model
        (a `Sora2Task` for Sora 2, a `KlingTask` for Kling, ..., else a `Task`)."""
        return self._get(task_id, None, NO_DEADLINE)

    @overload
    def _get(self, task_id: str, task_class: type[TaskT], deadline: Deadline) -> TaskT: ...

    @overload
    def _get(self, task_id: str, task_class: None, deadline: Deadline) -> Task[Any, Any]: ...

    def _get(
        self, task_id: str, task_class: type[Task[Any, Any]] | None, deadline: Deadline
    ) -> Task[Any, Any]:
        url = task_url(self._sender.base_url, task_id)
        read = partial(
            read_task, task_class=task_class, task_id=task_id, secrets=self._sender.secrets
        )
        return self._sender.send("GET", url, read, deadline=deadline)

    def cancel(self, task_id: str) -> None:
        """Cancel a `pending` task (`DELETE /api/v1/task/{task_id}`).

        PiAPI supports this for some models only; its refusal is raised as `APIStatusError`.
        """
        url = task_url(self._sender.base_url, task_id)
        read = partial(read_envelope, task_id=task_id, secrets=self._sender.secrets)
        self._sender.send("DELETE", url, read)

    @overload
    def wait(
        self,
        task: str,
        *,
        timeout: float | None = ...,
        poll_interval: float | None = ...,
        on_update: Callable[[Task[Any, Any]], object] | None = ...,
        raise_on_failure: bool = ...,
    ) -> Task[Any, Any]: ...

    @overload
    def wait(
        self,
        task: TaskT,
        *,
        timeout: float | None = ...,
        poll_interval: float | None = ...,
        on_update: Callable[[TaskT], object] | None = ...,
        raise_on_failure: bool = ...,
    ) -> TaskT: ...

    def wait(
        self,
        task: str | Task[Any, Any],
        *,
        timeout: float | None = 1800.0,
        poll_interval: float | None = None,
        on_update: Callable[[Any], object] | None = None,
        raise_on_failure: bool = True,
    ) -> Task[Any, Any]:
        """Poll until the task is completed, failed or cancelled, and return it.

        Odd answers do not lose a finished task: an answer with a readable `task_id` and a
        terminal `status` ends the wait whatever else it holds.

        Args:
            task: A task id (read typed by its model), or a task (its class is kept).
            timeout: Deadline in seconds for the whole wait: it returns or raises at most
                0.5 s after it, whatever the server does; None waits forever.
            poll_interval: Fixed seconds between polls; default: by expected run time.
            on_update: Called with the task after every successful poll (the async client
                also awaits a coroutine function).
            raise_on_failure: Raise `TaskFailedError` for a failed or cancelled task,
                or return it when False.

        Raises:
            TaskFailedError: The task failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            APIResponseValidationError: 3 answers in a row could not be read at all.
            APIStatusError: A poll was refused for good (401, 403, 404, ...).
            APIConnectionError: The client was closed while waiting.
        """
        check_callback(on_update)
        return self._wait(task, timeout, poll_interval, on_update, raise_on_failure, None)

    def _wait(
        self,
        task: str | Task[Any, Any],
        timeout: float | None,
        poll_interval: float | None,
        on_update: Callable[[Any], object] | None,
        raise_on_failure: bool,
        deadline: Deadline | None,
    ) -> Task[Any, Any]:
        state = WaitState(
            task,
            timeout=timeout,
            poll_interval=poll_interval,
            raise_on_failure=raise_on_failure,
            started_at=self._sender.now(),
            expectations=self._expectations,
            deadline=deadline,
        )
        while state.finished is None:
            delay = state.next_delay(self._sender.now())
            try:
                if delay > 0:
                    self._sender.sleep(delay)
                current = self._get(state.task_id, state.task_class, state.io_deadline)
            except PiAPIError as exc:
                state.observe_error(exc)
                continue
            if on_update is not None:
                call_back(on_update, current)
            state.observe(current)
        return state.finished


class Sora2:
    """OpenAI's Sora 2 video model: arguments are checked before anything is sent."""

    def __init__(self, tasks: Tasks) -> None:
        self._tasks = tasks

    def create(
        self,
        *,
        prompt: str,
        aspect_ratio: AspectRatio = "16:9",
        duration: Duration = 4,
        task_type: Sora2TaskType = "sora2-video",
        image_url: str | None = None,
        resolution: Resolution | None = None,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> Sora2Task:
        """Create a Sora 2 video task and return it (usually `pending`).

        Args:
            prompt: What the video shows; must not be empty.
            aspect_ratio: "16:9" or "9:16".
            duration: 4, 8 or 12 seconds; the price is per second.
            task_type: "sora2-video" ($0.08/s) or "sora2-pro-video" ($0.24/s).
            image_url: First frame for image-to-video ("sora2-video" only).
            resolution: "720p" or "1080p" ("sora2-pro-video" only; default 720p).
            webhook: Where PiAPI should POST status changes.
            service_mode: "public" (pay as you go) or "private" (host-your-account).
            max_cost_usd: The most this video may cost: refused if its price is more.

        Returns:
            The new task.

        Raises:
            pydantic.ValidationError: A value is not allowed; nothing was sent.
            SpendLimitError: Over the spending limit or `max_cost_usd`; nothing was sent.
            APIConnectionError: The request failed; see `task_may_exist`.
            APIStatusError: PiAPI refused it; see `task_may_exist` for a 5xx.
        """
        video_input = build_sora2_input(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            task_type=task_type,
            image_url=image_url,
            resolution=resolution,
        )
        return self._tasks.create(
            video_input, webhook=webhook, service_mode=service_mode, max_cost_usd=max_cost_usd
        )

    def create_and_wait(
        self,
        *,
        timeout: float | None = 1800.0,
        poll_interval: float | None = None,
        on_update: Callable[[Sora2Task], object] | None = None,
        download_to: StrPath | None = None,
        **params: Unpack[Sora2CreateParams],
    ) -> Sora2Task:
        """`create` with the same arguments, then `tasks.wait` for the finished video.

        Args:
            timeout: Deadline in seconds for the whole call (create, wait and download);
                None waits forever.
            poll_interval: Fixed seconds between polls; default: by expected run time.
            on_update: Called with the task after every poll (the async client also
                awaits a coroutine function).
            download_to: Also download the video (its URL is ephemeral): to this file, or
                into this directory as `<task_id>.mp4`. The task is returned unchanged.
            **params: The arguments of `create`.

        Returns:
            The completed task.

        Raises:
            SpendLimitError: Over the spending limit or `max_cost_usd`; nothing was sent.
            TaskFailedError: The video failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            DownloadError: The video could not be downloaded; `exc.task` is the task.
        """
        video_input = build_sora2_input(  # checked before anything is sent
            prompt=params["prompt"],
            aspect_ratio=params.get("aspect_ratio", "16:9"),
            duration=params.get("duration", 4),
            task_type=params.get("task_type", "sora2-video"),
            image_url=params.get("image_url"),
            resolution=params.get("resolution"),
        )
        return self._tasks.create_and_wait(
            video_input,
            webhook=params.get("webhook"),
            service_mode=params.get("service_mode"),
            max_cost_usd=params.get("max_cost_usd"),
            timeout=timeout,
            poll_interval=poll_interval,
            on_update=on_update,
            download_to=download_to,
        )

    def get(self, task_id: str) -> Sora2Task:
        """Fetch a Sora 2 task by id with typed input and output, e.g. to resume a wait."""
        return self._tasks._get(task_id, Sora2Task, NO_DEADLINE)

    @staticmethod
    def estimate_cost(
        *, duration: Duration = 4, task_type: Sora2TaskType = "sora2-video"
    ) -> Decimal:
        """The price in USD of a video before creating it: seconds x price per second."""
        return estimate_sora2_cost(duration=duration, task_type=task_type)
