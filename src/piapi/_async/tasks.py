"""The public methods: `client.tasks` and `client.sora2`, sync and async.

Each method builds its request with `_protocol`, sends it through the client (any
`SyncShell` / `AsyncShell`), and reads the answer with `_protocol`; waiting is decided by
`_polling.WaitState`. The sync and async classes mirror each other line by line.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict, cast, overload

from pydantic import BaseModel
from typing_extensions import Required, Unpack

from piapi._core.deadline import NO_DEADLINE, Deadline
from piapi._core.errors import PiAPIError
from piapi._core.models import (
    Task,
    TaskConfig,
    TaskInput,
    TaskRequest,
    TaskT,
    TypedRequest,
    WebhookConfig,
)
from piapi._core.polling import WaitState, check_sync_callback, check_wait_options, refuse_awaitable
from piapi._core.protocol import (
    TASK_PATH,
    CreatePlan,
    Secrets,
    create_plan,
    estimate_cost,
    read_ack,
    read_task,
    task_url,
)
from piapi._core.spending import CreateCost, UsdAmount
from piapi.families.sora2 import (
    AspectRatio,
    Duration,
    Resolution,
    ServiceMode,
    Sora2ProVideoInput,
    Sora2Task,
    Sora2TaskType,
    Sora2VideoInput,
    build_sora2_input,
    estimate_sora2_cost,
)

if TYPE_CHECKING:
    from piapi._core.download import StrPath
    from piapi._core.shell import AsyncShell, SyncShell
    from piapi.batch._plan import BatchItem
    from piapi.batch._run import BatchOptions

__all__ = ["AsyncSora2", "AsyncTasks", "Sora2", "Sora2CreateParams", "Tasks"]

DEFAULT_WAIT_TIMEOUT = 1800.0


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


def _sora2_request(
    params: Sora2CreateParams,
) -> tuple[Sora2VideoInput | Sora2ProVideoInput, WebhookConfig | None, ServiceMode | None]:
    """The checked input of a `sora2` call, and its webhook and service mode."""
    video_input = build_sora2_input(
        prompt=params["prompt"],
        aspect_ratio=params.get("aspect_ratio", "16:9"),
        duration=params.get("duration", 4),
        task_type=params.get("task_type", "sora2-video"),
        image_url=params.get("image_url"),
        resolution=params.get("resolution"),
    )
    return video_input, params.get("webhook"), params.get("service_mode")


def _wait_deadline(
    timeout: float | None, poll_interval: float | None, now: float
) -> tuple[float | None, float | None, Deadline]:
    """A `create_and_wait`'s checked options and its deadline, which starts before the
    create: the whole call ends by `timeout`."""
    timeout, poll_interval = check_wait_options(timeout, poll_interval)
    return timeout, poll_interval, Deadline.after(timeout, now)


class Tasks:
    """Tasks of any PiAPI model: typed requests (`Sora2VideoInput`, ...) or plain ones, whose
    `input` is sent unchecked so that values PiAPI adds later pass through."""

    def __init__(self, client: SyncShell) -> None:
        self._client = client

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
        self, request: TaskRequest, /, *, max_cost_usd: UsdAmount | None = None
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
            webhook: Where PiAPI should POST status changes (typed requests).
            service_mode: "public" (pay as you go) or "private" (typed requests).
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
            request,
            webhook=webhook,
            service_mode=service_mode,
            model=model,
            task_type=task_type,
            input=input,
            config=config,
        )
        cost = CreateCost.of(
            request, model=model, task_type=task_type, input=input, max_cost_usd=max_cost_usd
        )
        return self._create(plan, NO_DEADLINE, cost)

    def _create(self, plan: CreatePlan, deadline: Deadline, cost: CreateCost) -> Task[Any, Any]:
        # The one place a create is sent (create, create_and_wait, sora2): the spending limit
        # counts it right before it is sent and settles it by its answer.
        read = partial(
            read_task,
            task_class=plan.task_class,
            is_create=True,
            secrets=Secrets((*self._client._secrets, *plan.secrets)),
        )
        url = self._client.base_url + TASK_PATH
        with self._client._spending.reserve(cost) as reservation:
            return reservation.settle(
                self._client._send(
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
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
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
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: Callable[[Task[Any, Any]], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]: ...

    def create_and_wait(
        self,
        request: TypedRequest[Any] | TaskRequest,
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: Callable[[Any], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]:
        """`create`, then `wait` for the finished task, and optionally download its results.

        Args:
            request: A typed request (`Sora2VideoInput(...)`) or a `TaskRequest`.
            webhook: Where PiAPI should POST status changes (typed requests).
            service_mode: "public" or "private" (typed requests).
            max_cost_usd: The most the task may cost (see `create`).
            timeout: Deadline in seconds for the whole call (create, wait and download);
                None waits forever.
            poll_interval: Fixed seconds between polls; default: by expected run time.
            on_update: Called with the task after every poll.
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
        timeout, poll_interval, deadline = _wait_deadline(
            timeout, poll_interval, self._client._now()
        )
        check_sync_callback(on_update)
        plan = create_plan(request, webhook=webhook, service_mode=service_mode)
        cost = CreateCost.of(request, max_cost_usd=max_cost_usd)
        task = self._create(plan, deadline, cost)
        return self._wait_and_save(task, timeout, poll_interval, on_update, download_to, deadline)

    def _wait_and_save(
        self,
        task: TaskT,
        timeout: float | None,
        poll_interval: float | None,
        on_update: Callable[[TaskT], object] | None,
        download_to: StrPath | None,
        deadline: Deadline,
    ) -> TaskT:
        task = cast("TaskT", self._wait(task, timeout, poll_interval, on_update, True, deadline))
        if download_to is not None:
            for state in self._client._plan_saves(task, download_to):
                self._client._download(state, None, deadline)
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
        from piapi._sync.batch import run_many  # a feature: loaded only when used

        return run_many(self._client, requests, **options)

    def estimate_cost(self, request: TaskInput | TaskRequest) -> Decimal | None:
        """The price in USD of a request before creating it; None where PiAPI publishes none.

        A `TaskRequest` is priced through the typed request of its model and task type.
        """
        return estimate_cost(request)

    def get(self, task_id: str) -> Task[Any, Any]:
        """Fetch a task's current state (`GET /api/v1/task/{task_id}`), typed by its model
        (a `Sora2Task` for Sora 2, else a `Task`)."""
        return self._get(task_id, None, NO_DEADLINE)

    @overload
    def _get(self, task_id: str, task_class: type[TaskT], deadline: Deadline) -> TaskT: ...

    @overload
    def _get(self, task_id: str, task_class: None, deadline: Deadline) -> Task[Any, Any]: ...

    def _get(
        self, task_id: str, task_class: type[Task[Any, Any]] | None, deadline: Deadline
    ) -> Task[Any, Any]:
        url = task_url(self._client.base_url, task_id)
        read = partial(
            read_task, task_class=task_class, task_id=task_id, secrets=self._client._secrets
        )
        return self._client._send("GET", url, read, deadline=deadline)

    def cancel(self, task_id: str) -> None:
        """Cancel a `pending` task (`DELETE /api/v1/task/{task_id}`).

        PiAPI supports this for some models only; its refusal is raised as `APIStatusError`.
        """
        url = task_url(self._client.base_url, task_id)
        read = partial(read_ack, task_id=task_id, secrets=self._client._secrets)
        self._client._send("DELETE", url, read)

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
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
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
            on_update: Called with the task after every successful poll.
            raise_on_failure: Raise `TaskFailedError` for a failed or cancelled task,
                or return it when False.

        Raises:
            TaskFailedError: The task failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            APIResponseValidationError: 3 answers in a row could not be read at all.
            APIStatusError: A poll was refused for good (401, 403, 404, ...).
            APIConnectionError: The client was closed while waiting.
        """
        check_sync_callback(on_update)
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
            started_at=self._client._now(),
            expectations=self._client._expectations,
            deadline=deadline,
        )
        while state.finished is None:
            delay = state.next_delay(self._client._now())
            try:
                if delay > 0:
                    self._client._sleep(delay)
                current = self._get(state.task_id, state.task_class, state.io_deadline)
            except PiAPIError as exc:
                state.observe_error(exc)
                continue
            if on_update is not None:
                refuse_awaitable(on_update(current))
            state.observe(current)
        return state.finished


class AsyncTasks:
    """Tasks of any PiAPI model: typed requests (`Sora2VideoInput`, ...) or plain ones, whose
    `input` is sent unchecked so that values PiAPI adds later pass through."""

    def __init__(self, client: AsyncShell) -> None:
        self._client = client

    @overload
    async def create(
        self,
        request: TypedRequest[TaskT],
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> TaskT: ...

    @overload
    async def create(
        self, request: TaskRequest, /, *, max_cost_usd: UsdAmount | None = None
    ) -> Task[Any, Any]: ...

    @overload
    async def create(
        self,
        /,
        *,
        model: str,
        task_type: str,
        input: Mapping[str, Any] | BaseModel,
        config: TaskConfig | Mapping[str, Any] | None = None,
        max_cost_usd: UsdAmount | None = None,
    ) -> Task[Any, Any]: ...

    async def create(
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
            webhook: Where PiAPI should POST status changes (typed requests).
            service_mode: "public" (pay as you go) or "private" (typed requests).
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
            request,
            webhook=webhook,
            service_mode=service_mode,
            model=model,
            task_type=task_type,
            input=input,
            config=config,
        )
        cost = CreateCost.of(
            request, model=model, task_type=task_type, input=input, max_cost_usd=max_cost_usd
        )
        return await self._create(plan, NO_DEADLINE, cost)

    async def _create(
        self, plan: CreatePlan, deadline: Deadline, cost: CreateCost
    ) -> Task[Any, Any]:
        # The one place a create is sent (create, create_and_wait, sora2): the spending limit
        # counts it right before it is sent and settles it by its answer.
        read = partial(
            read_task,
            task_class=plan.task_class,
            is_create=True,
            secrets=Secrets((*self._client._secrets, *plan.secrets)),
        )
        url = self._client.base_url + TASK_PATH
        with self._client._spending.reserve(cost) as reservation:
            return reservation.settle(
                await self._client._send(
                    "POST", url, read, content=plan.body, is_create=True, deadline=deadline
                )
            )

    @overload
    async def create_and_wait(
        self,
        request: TypedRequest[TaskT],
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: Callable[[TaskT], object] | None = None,
        download_to: StrPath | None = None,
    ) -> TaskT: ...

    @overload
    async def create_and_wait(
        self,
        request: TaskRequest,
        /,
        *,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: Callable[[Task[Any, Any]], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]: ...

    async def create_and_wait(
        self,
        request: TypedRequest[Any] | TaskRequest,
        /,
        *,
        webhook: WebhookConfig | None = None,
        service_mode: ServiceMode | None = None,
        max_cost_usd: UsdAmount | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: Callable[[Any], object] | None = None,
        download_to: StrPath | None = None,
    ) -> Task[Any, Any]:
        """`create`, then `wait` for the finished task, and optionally download its results.

        Args:
            request: A typed request (`Sora2VideoInput(...)`) or a `TaskRequest`.
            webhook: Where PiAPI should POST status changes (typed requests).
            service_mode: "public" or "private" (typed requests).
            max_cost_usd: The most the task may cost (see `create`).
            timeout: Deadline in seconds for the whole call (create, wait and download);
                None waits forever.
            poll_interval: Fixed seconds between polls; default: by expected run time.
            on_update: Called with the task after every poll; a plain function or a
                coroutine function.
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
        timeout, poll_interval, deadline = _wait_deadline(
            timeout, poll_interval, self._client._now()
        )
        plan = create_plan(request, webhook=webhook, service_mode=service_mode)
        cost = CreateCost.of(request, max_cost_usd=max_cost_usd)
        task = await self._create(plan, deadline, cost)
        return await self._wait_and_save(
            task, timeout, poll_interval, on_update, download_to, deadline
        )

    async def _wait_and_save(
        self,
        task: TaskT,
        timeout: float | None,
        poll_interval: float | None,
        on_update: Callable[[TaskT], object] | None,
        download_to: StrPath | None,
        deadline: Deadline,
    ) -> TaskT:
        finished = await self._wait(task, timeout, poll_interval, on_update, True, deadline)
        task = cast("TaskT", finished)
        if download_to is not None:
            for state in self._client._plan_saves(task, download_to):
                await self._client._download(state, None, deadline)
        return task

    async def run_many(
        self, requests: Iterable[TaskRequest | TaskInput], /, **options: Unpack[BatchOptions]
    ) -> list[BatchItem]:
        """Create many tasks, at most `concurrency` in flight, wait for each and download its
        results; one failing item never stops the others. With a `journal` file, a crash or
        Ctrl-C loses nothing and running again resumes without paying twice. See the
        Batches guide and `BatchOptions` for every option.

        Returns:
            One `BatchItem` per request, in request order.
        """
        from piapi._async.batch import run_many  # a feature: loaded only when used

        return await run_many(self._client, requests, **options)

    def estimate_cost(self, request: TaskInput | TaskRequest) -> Decimal | None:
        """The price in USD of a request before creating it; None where PiAPI publishes none.

        A `TaskRequest` is priced through the typed request of its model and task type.
        """
        return estimate_cost(request)

    async def get(self, task_id: str) -> Task[Any, Any]:
        """Fetch a task's current state (`GET /api/v1/task/{task_id}`), typed by its model
        (a `Sora2Task` for Sora 2, else a `Task`)."""
        return await self._get(task_id, None, NO_DEADLINE)

    @overload
    async def _get(self, task_id: str, task_class: type[TaskT], deadline: Deadline) -> TaskT: ...

    @overload
    async def _get(self, task_id: str, task_class: None, deadline: Deadline) -> Task[Any, Any]: ...

    async def _get(
        self, task_id: str, task_class: type[Task[Any, Any]] | None, deadline: Deadline
    ) -> Task[Any, Any]:
        url = task_url(self._client.base_url, task_id)
        read = partial(
            read_task, task_class=task_class, task_id=task_id, secrets=self._client._secrets
        )
        return await self._client._send("GET", url, read, deadline=deadline)

    async def cancel(self, task_id: str) -> None:
        """Cancel a `pending` task (`DELETE /api/v1/task/{task_id}`).

        PiAPI supports this for some models only; its refusal is raised as `APIStatusError`.
        """
        url = task_url(self._client.base_url, task_id)
        read = partial(read_ack, task_id=task_id, secrets=self._client._secrets)
        await self._client._send("DELETE", url, read)

    @overload
    async def wait(
        self,
        task: str,
        *,
        timeout: float | None = ...,
        poll_interval: float | None = ...,
        on_update: Callable[[Task[Any, Any]], object] | None = ...,
        raise_on_failure: bool = ...,
    ) -> Task[Any, Any]: ...

    @overload
    async def wait(
        self,
        task: TaskT,
        *,
        timeout: float | None = ...,
        poll_interval: float | None = ...,
        on_update: Callable[[TaskT], object] | None = ...,
        raise_on_failure: bool = ...,
    ) -> TaskT: ...

    async def wait(
        self,
        task: str | Task[Any, Any],
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
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
            on_update: Called with the task after every successful poll; a plain
                function or a coroutine function.
            raise_on_failure: Raise `TaskFailedError` for a failed or cancelled task,
                or return it when False.

        Raises:
            TaskFailedError: The task failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            APIResponseValidationError: 3 answers in a row could not be read at all.
            APIStatusError: A poll was refused for good (401, 403, 404, ...).
            APIConnectionError: The client was closed while waiting.
        """
        return await self._wait(task, timeout, poll_interval, on_update, raise_on_failure, None)

    async def _wait(
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
            started_at=self._client._now(),
            expectations=self._client._expectations,
            deadline=deadline,
        )
        while state.finished is None:
            delay = state.next_delay(self._client._now())
            try:
                if delay > 0:
                    await self._client._sleep(delay)
                current = await self._get(state.task_id, state.task_class, state.io_deadline)
            except PiAPIError as exc:
                state.observe_error(exc)
                continue
            if on_update is not None:
                result = on_update(current)
                if inspect.isawaitable(result):
                    await result
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

        Returns:
            The new task.

        Raises:
            pydantic.ValidationError: A value is not allowed; nothing was sent.
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
        return self._tasks.create(video_input, webhook=webhook, service_mode=service_mode)

    def create_and_wait(
        self,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
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
            on_update: Called with the task after every poll.
            download_to: Also download the video (its URL is ephemeral): to this file, or
                into this directory as `<task_id>.mp4`. The task is returned unchanged.
            **params: The arguments of `create`.

        Returns:
            The completed task.

        Raises:
            TaskFailedError: The video failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            DownloadError: The video could not be downloaded; `exc.task` is the task.
        """
        video_input, webhook, service_mode = _sora2_request(params)
        return self._tasks.create_and_wait(
            video_input,
            webhook=webhook,
            service_mode=service_mode,
            timeout=timeout,
            poll_interval=poll_interval,
            on_update=on_update,
            download_to=download_to,
        )

    def get(self, task_id: str) -> Sora2Task:
        """Fetch a Sora 2 task by id with typed input and output, e.g. to resume a wait."""
        return self._tasks._get(task_id, Sora2Task, NO_DEADLINE)

    @staticmethod
    def estimate_cost(*, duration: int = 4, task_type: str = "sora2-video") -> Decimal:
        """The price in USD of a video before creating it: seconds x price per second."""
        return estimate_sora2_cost(duration=duration, task_type=task_type)


class AsyncSora2:
    """OpenAI's Sora 2 video model: arguments are checked before anything is sent."""

    def __init__(self, tasks: AsyncTasks) -> None:
        self._tasks = tasks

    async def create(
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

        Returns:
            The new task.

        Raises:
            pydantic.ValidationError: A value is not allowed; nothing was sent.
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
        return await self._tasks.create(video_input, webhook=webhook, service_mode=service_mode)

    async def create_and_wait(
        self,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
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
            on_update: Called with the task after every poll; a plain function or a
                coroutine function.
            download_to: Also download the video (its URL is ephemeral): to this file, or
                into this directory as `<task_id>.mp4`. The task is returned unchanged.
            **params: The arguments of `create`.

        Returns:
            The completed task.

        Raises:
            TaskFailedError: The video failed or was cancelled.
            WaitTimeoutError: The deadline passed; the task goes on at PiAPI.
            DownloadError: The video could not be downloaded; `exc.task` is the task.
        """
        video_input, webhook, service_mode = _sora2_request(params)
        return await self._tasks.create_and_wait(
            video_input,
            webhook=webhook,
            service_mode=service_mode,
            timeout=timeout,
            poll_interval=poll_interval,
            on_update=on_update,
            download_to=download_to,
        )

    async def get(self, task_id: str) -> Sora2Task:
        """Fetch a Sora 2 task by id with typed input and output, e.g. to resume a wait."""
        return await self._tasks._get(task_id, Sora2Task, NO_DEADLINE)

    estimate_cost = staticmethod(Sora2.estimate_cost)
