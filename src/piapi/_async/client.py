"""`AsyncPiAPIClient`: configuration, the resources, downloads and closing.

A thin shell: the sender sends and sleeps, the resources build requests and read answers
with `_core`, and every decision lives there. The async code is the source of
`piapi._sync.client` (`PiAPIClient`).
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from typing_extensions import Self, Unpack

from piapi._async.account import AsyncAccount
from piapi._async.files import AsyncFiles
from piapi._async.sender import AsyncSender
from piapi._async.spending import close_shared, shared_budget
from piapi._async.tasks import AsyncSora2, AsyncTasks
from piapi._core.checks import UsdAmount, checked_seconds
from piapi._core.deadline import Deadline
from piapi._core.expectations import Expectations
from piapi._core.models import Task
from piapi._core.options import NOT_GIVEN, ClientOptions, NotGiven, Timeout, checked_max_retries
from piapi._core.protocol import resolve_api_key, resolve_base_url
from piapi._core.spending import Spending, SpendWindow
from piapi._core.uploads import resolve_upload_url

if TYPE_CHECKING:
    from piapi._core.download import ProgressCallback, StrPath


class AsyncPiAPIClient:
    """Asynchronous PiAPI client for asyncio and trio.

    Args:
        api_key: Your PiAPI key; defaults to the `PIAPI_API_KEY` environment variable.
        base_url: Defaults to `PIAPI_BASE_URL`, then `https://api.piapi.ai`.
        timeout: Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever.
            Default: 60 s, or the timeout of `http_client`.
        max_retries: Extra attempts for requests that are safe to resend.
        http_client: Your own `httpx.AsyncClient` (proxies, transports, auth, hooks); its
            timeout, params, cookies, auth, headers and event hooks apply to API calls
            (redirects are never followed). You close it.
        default_headers: Extra headers sent with every API request.
        spend_limit_usd: Refuse creates (`SpendLimitError`, nothing sent) once their
            estimated prices would pass this many USD; None: no limit.
        spend_store: Share the spending limit with every client using this store and
            `spend_limit_name`: `"sqlite:///path"` (one machine) or `"postgresql://..."`
            (`piapi-sdk[postgres]`). Each create reserves its price there before it is
            sent. Opened on first create; never shown with its password. None: this
            client's own total.
        spend_limit_name: The budget's name in `spend_store` (default "default").
        spend_window: With `spend_store`: the limit is over all time ("none"), each UTC
            "day" or each UTC "month".
        upload_url: Where `files.upload` POSTs; default PiAPI's upload service for
            PiAPI's API, else `base_url` + `/api/ephemeral_resource`.

    Raises:
        PiAPIError: No API key was given or found, or it is blank or malformed.
        ValueError: `base_url`, `timeout`, `max_retries` or a `spend_*` option is invalid.
    """

    tasks: AsyncTasks
    """Tasks of any PiAPI model: create, get, wait, cancel, estimate, batches."""
    sora2: AsyncSora2
    """Sora 2 video, with typed and validated arguments."""
    account: AsyncAccount
    """Your account: credits, plan, running tasks."""
    files: AsyncFiles
    """Uploads of local files, for tasks that take a file by URL."""
    # The clock of every client made from now on; `piapi.testing` points it at a fake one.
    _default_now: Callable[[], float] = staticmethod(time.monotonic)
    # The sleep of every client made from now on (None: the default, which closing ends).
    _default_sleep: Callable[[float], Awaitable[None]] | None = None

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        spend_limit_usd: UsdAmount | None = None,
        upload_url: str | None = None,
        spend_store: str | os.PathLike[str] | None = None,
        spend_limit_name: str = "default",
        spend_window: SpendWindow = "none",
    ) -> None:
        base_url = resolve_base_url(base_url)
        if isinstance(timeout, NotGiven):
            timeout = http_client.timeout if http_client is not None else 60.0
        self._sender = AsyncSender(
            api_key=resolve_api_key(api_key),
            base_url=base_url,
            timeout=timeout,
            max_retries=checked_max_retries(max_retries),
            http_client=http_client,
            default_headers=default_headers,
            now=self._default_now,
            sleep=self._default_sleep,
        )
        self.upload_url = resolve_upload_url(upload_url, base_url)
        # Shared with `with_options` copies (and, through a store, with other clients).
        self._spending = Spending.new(
            spend_limit_usd, shared_budget(spend_store, spend_limit_name, spend_window)
        )
        # Shared with `with_options` copies: what one copy learns about run times serves all.
        self._expectations = Expectations.for_base_url(base_url)
        self._is_copy = False
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.tasks = AsyncTasks(self._sender, self._spending, self._expectations)
        self.sora2 = AsyncSora2(self.tasks)
        self.account = AsyncAccount(self._sender)
        self.files = AsyncFiles(self._sender, self.upload_url)

    @property
    def base_url(self) -> str:
        """The API's address, without a trailing slash."""
        return self._sender.base_url

    @property
    def timeout(self) -> Timeout:
        """Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever."""
        return self._sender.timeout

    @property
    def max_retries(self) -> int:
        """Extra attempts for requests that are safe to resend."""
        return self._sender.max_retries

    @property
    def spent_usd(self) -> Decimal:
        """What this client and its `with_options` copies have spent, in USD: each task
        created at the charge or hold PiAPI reported, creates in flight or unanswered at
        their estimate (see Spending limit in the docs). Not your balance: `account.info()`."""
        return self._spending.ledger.spent_usd

    @property
    def spend_limit_usd(self) -> Decimal | None:
        """The spending limit in USD (None: none); creates past it raise `SpendLimitError`."""
        return self._spending.limit_usd

    @property
    def _now(self) -> Callable[[], float]:
        return self._sender.now

    @_now.setter
    def _now(self, now: Callable[[], float]) -> None:
        self._sender.now = now

    @property
    def _sleep(self) -> Callable[[float], Awaitable[None]]:
        return self._sender.sleep

    @_sleep.setter
    def _sleep(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        self._sender.sleep = sleep

    def __repr__(self) -> str:
        # The key is deliberately absent: reprs end up in logs and tracebacks.
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries})"
        )

    def with_options(self, **options: Unpack[ClientOptions]) -> Self:
        """A copy with another `timeout`, `max_retries` and/or `spend_limit_usd` that shares
        the connection pool and the running total of `spent_usd`.

        Closing the copy leaves the pool open; close the original when done.
        """
        clone = copy.copy(self)
        clone._is_copy = True
        clone._sender = self._sender.copy()
        if "timeout" in options:
            clone._sender.timeout = options["timeout"]
        if "max_retries" in options:
            clone._sender.max_retries = checked_max_retries(options["max_retries"])
        if "spend_limit_usd" in options:
            clone._spending = self._spending.with_limit(options["spend_limit_usd"])
        clone._bind_resources()
        return clone

    async def download(
        self,
        task_or_url: Task[Any, Any] | str,
        dest: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
    ) -> Path:
        """Download a completed task's result (or any URL) to `dest`, safely, for any model.

        The task's best result (`task.media_urls[0]`: the video, the image, ...) is saved.
        The bytes go to a temporary file beside `dest`, renamed into place only once complete
        and as long as announced; a dropped connection resumes with an HTTP Range request
        (guarded by `If-Range`, so a file replaced meanwhile restarts from zero). The API
        key and your client's default headers, cookies and auth go to the API's own origin
        only, never to the media CDN. The async client writes in a worker thread, in 1 MiB
        batches, so the event loop never waits for the disk.

        Args:
            task_or_url: A completed task, or a URL.
            dest: A file path, or a directory to put `<task_id>.<ext>` (the extension from
                the URL, `.mp4` if it has none; for a URL, its file name) in; missing parent
                directories are created, an existing file replaced.
            on_progress: Called as `on_progress(received_bytes, total_bytes_or_None)` when
                the body starts, every 256 KiB and at its end (the async client also awaits
                a coroutine function).
            timeout: Seconds for the whole download, retries included; None: no limit
                (each request still has the client's `timeout`).

        Returns:
            The path of the downloaded file.

        Raises:
            DownloadError: Nothing to download, or the download failed after `max_retries`
                retries or within `timeout`; no file (partial or temporary) is left behind.
        """
        # Imported on first use: a client that never downloads pays nothing for it.
        from piapi._async.download import download, plan_download

        deadline = Deadline.after(checked_seconds("timeout", timeout), self._sender.now())
        state = plan_download(self._sender, task_or_url, dest)
        return await download(self._sender, state, on_progress, deadline)

    async def download_all(
        self,
        task: Task[Any, Any],
        dest_dir: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
    ) -> list[Path]:
        """Download every result of a completed task (`task.media_urls`) into `dest_dir`.

        Each file as safely as `download`. One result is saved as `<task_id>.<ext>`,
        several as `<task_id>-1.<ext>`, `<task_id>-2.<ext>`, ... best first (a 4-image
        Gemini answer gives 4 files).

        Args:
            task: A completed task.
            dest_dir: The directory (created if missing).
            on_progress: Called per file as `on_progress(received_bytes, total_or_None)`.
            timeout: Seconds for all the files together; None: no limit.

        Returns:
            The paths of the downloaded files, best result first.

        Raises:
            DownloadError: Nothing to download, or a file failed after `max_retries`
                retries or within `timeout`; files already downloaded stay, no partial file
                is left behind.
        """
        from piapi._async.download import download, plan_downloads

        deadline = Deadline.after(checked_seconds("timeout", timeout), self._sender.now())
        return [
            await download(self._sender, state, on_progress, deadline)
            for state in plan_downloads(self._sender, task, dest_dir)
        ]

    async def aclose(self) -> None:
        """Close the client: calls in progress (waits included) end with
        `APIConnectionError`, and the connection pool closes unless it came from
        `http_client` or `with_options` (closing a copy changes nothing)."""
        if not self._is_copy:
            await self._sender.aclose()
            await close_shared(self._spending)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
