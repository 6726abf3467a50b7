"""`PiAPIClient` and `AsyncPiAPIClient`: thin shells that send requests and sleep.

Every decision (what to send, how to read the answer, whether to retry) lives in the
sans-I/O modules; the two clients only differ in how they do I/O.
"""

from __future__ import annotations

import copy
import inspect
import logging
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import aclosing
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, cast

import httpx
from tenacity import AsyncRetrying, Retrying
from typing_extensions import Self, Unpack

from piapi._exceptions import PiAPIError
from piapi._expectations import Expectations
from piapi._gate import AsyncGate, SyncGate, gate_for
from piapi._models import Task
from piapi._protocol import (
    TASK_PATH,
    request_headers,
    resolve_api_key,
    resolve_base_url,
    transport_error,
)
from piapi._resources import AsyncSora2, AsyncTasks, Sora2, Tasks
from piapi._retries import retry_options
from piapi._spending import Spending, UsdAmount
from piapi._uploads import resolve_upload_url

if TYPE_CHECKING:
    from decimal import Decimal

    from piapi._account_resources import Account, AsyncAccount
    from piapi._download import DownloadSource, DownloadState, StrPath
    from piapi._files_resources import AsyncFiles, Files

__all__ = ["AsyncPiAPIClient", "PiAPIClient"]

logger = logging.getLogger("piapi")

T = TypeVar("T")
ProgressCallback = Callable[[int, "int | None"], object]
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)
Timeout = float | httpx.Timeout | None
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


class ClientOptions(TypedDict, total=False):
    """What `with_options` can change; an option not given keeps its value."""

    timeout: Timeout
    max_retries: int
    spend_limit_usd: UsdAmount | None


def _checked_max_retries(max_retries: int) -> int:
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0 (got {max_retries})")
    return max_retries


class _BaseClient(Generic[HttpClientT]):
    """Configuration shared by both clients; holds no I/O."""

    _http: HttpClientT

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: HttpClientT | None = None,
        default_headers: Mapping[str, str] | None = None,
        spend_limit_usd: UsdAmount | None = None,
        upload_url: str | None = None,
    ) -> None:
        self._api_key = resolve_api_key(api_key)
        self.base_url = resolve_base_url(base_url)
        self.upload_url = resolve_upload_url(upload_url, self.base_url)
        self._spending = Spending.new(spend_limit_usd)  # shared with `with_options` copies
        self.timeout = timeout
        self.max_retries = _checked_max_retries(max_retries)
        self._headers = request_headers(self._api_key, default_headers)
        self._owns_http_client = http_client is None
        self._http = http_client if http_client is not None else self._new_http_client(timeout)
        # Merged once, not per request as httpx's build_request would: with the pool's own
        # defaults (and a given http_client's headers, read now) this is a fast poll's
        # largest avoidable cost.
        self._api_headers = httpx.Headers(self._http.headers)
        self._api_headers.update(self._headers)
        self._json_headers = httpx.Headers(self._api_headers)
        self._json_headers["Content-Type"] = "application/json"
        # Shared with `with_options` copies: what one copy learns about run times serves all.
        self._expectations = Expectations.for_base_url(self.base_url)
        self._bind_resources()

    @property
    def timeout(self) -> Timeout:
        """Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: Timeout) -> None:
        self._timeout = value
        self._timeout_extension = httpx.Timeout(value).as_dict()

    def _new_http_client(self, timeout: Timeout) -> HttpClientT:
        raise NotImplementedError

    def _bind_resources(self) -> None:
        raise NotImplementedError

    @property
    def _create_url(self) -> str:
        return self.base_url + TASK_PATH

    def __repr__(self) -> str:
        # The key is deliberately absent: reprs end up in logs and tracebacks.
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries})"
        )

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

    def with_options(self, **options: Unpack[ClientOptions]) -> Self:
        """A copy with another `timeout`, `max_retries` and/or `spend_limit_usd` that shares
        the connection pool and the running total of `spent_usd`.

        Closing the copy leaves the pool open; close the original when done.
        """
        clone = copy.copy(self)
        clone._owns_http_client = False
        if "timeout" in options:
            clone.timeout = options["timeout"]
        if "max_retries" in options:
            clone.max_retries = _checked_max_retries(options["max_retries"])
        if "spend_limit_usd" in options:
            clone._spending = self._spending.with_limit(options["spend_limit_usd"])
        clone._bind_resources()
        return clone

    def _build_request(self, method: str, url: str, content: bytes | None) -> httpx.Request:
        headers = self._api_headers if content is None else self._json_headers
        return httpx.Request(
            method,
            url,
            headers=headers,
            content=content,
            extensions={"timeout": self._timeout_extension},
        )

    def _plan_download(self, task_or_url: Task[Any, Any] | str, dest: StrPath) -> DownloadState:
        # Imported here: only downloads need it, and `import piapi` should not pay for it.
        from piapi._download import destination_path, download_source

        source = download_source(task_or_url)
        return self._download_state(source, destination_path(dest, source.filename))

    def _plan_downloads(self, task: Task[Any, Any], dest_dir: StrPath) -> list[DownloadState]:
        from piapi._download import download_sources

        directory = Path(dest_dir).expanduser()
        return [
            self._download_state(source, directory / source.filename)
            for source in download_sources(task)
        ]

    def _download_state(self, source: DownloadSource, path: Path) -> DownloadState:
        from piapi._download import DownloadState

        return DownloadState(
            source,
            path,
            base_url=self.base_url,
            api_headers=self._headers,
            max_retries=self.max_retries,
        )


def _log_attempt(request: httpx.Request, outcome: object, attempt: int, started: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %s (attempt %d, %.0f ms)",
            request.method,
            request.url.path,
            outcome,
            attempt,
            (time.perf_counter() - started) * 1000,
        )


class PiAPIClient(_BaseClient[httpx.Client]):
    """Synchronous PiAPI client; safe to share between threads.

    Args:
        api_key: Your PiAPI key; defaults to the `PIAPI_API_KEY` environment variable.
        base_url: Defaults to `PIAPI_BASE_URL`, then `https://api.piapi.ai`.
        timeout: Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever.
        max_retries: Extra attempts for requests that are safe to resend.
        http_client: Your own `httpx.Client` (proxies, transports); you close it.
        default_headers: Extra headers sent with every request.
        spend_limit_usd: Refuse creates (`SpendLimitError`, nothing sent) once their
            estimated prices would pass this many USD; None: no limit.
        upload_url: Where `files.upload` POSTs; default PiAPI's upload service for
            PiAPI's API, else `base_url` + `/api/ephemeral_resource`.

    Raises:
        PiAPIError: No API key was given or found in the environment.
    """

    tasks: Tasks
    """Generic tasks of any PiAPI model: create, get, wait, cancel."""
    sora2: Sora2
    """Sora 2 video, with typed and validated arguments."""
    _gate: SyncGate

    def _new_http_client(self, timeout: Timeout) -> httpx.Client:
        return httpx.Client(timeout=timeout)

    def _bind_resources(self) -> None:
        self._gate = gate_for(self._http, self.base_url)  # the pool's own: copies share it
        self.tasks = Tasks(self)
        self.sora2 = Sora2(self)

    @property
    def account(self) -> Account:
        """Your account: credits, plan, running tasks."""
        from piapi._account_resources import Account

        return Account(self)

    @property
    def files(self) -> Files:
        """Uploads of local files, for tasks that take a file by URL."""
        from piapi._files_resources import Files

        return Files(self)

    # Replaced in tests by a fake clock; the waits and retries read time only through these.
    _sleep: Callable[[float], None] = staticmethod(time.sleep)
    _now: Callable[[], float] = staticmethod(time.monotonic)

    def _send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
    ) -> T:
        """Send with retries as `_retries` decides, and return what `read` makes of the answer."""
        request = self._build_request(method, url, content)
        try:
            return self._send_once(request, read, 1, is_create)
        except PiAPIError as exc:
            first_failure = exc
        # The first attempt ran outside tenacity so that the common case pays nothing for
        # it; tenacity takes its failure as attempt 1 and decides everything from there.
        retrying = Retrying(
            sleep=self._sleep, **retry_options(is_create=is_create, max_retries=self.max_retries)
        )
        for attempt in retrying:
            with attempt:
                number = attempt.retry_state.attempt_number
                if number == 1:
                    raise first_failure
                return self._send_once(request, read, number, is_create)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _send_once(
        self,
        request: httpx.Request,
        read: Callable[[httpx.Response], T],
        attempt: int,
        is_create: bool,
    ) -> T:
        started = time.perf_counter()
        try:
            with self._gate.slot(self._timeout_extension["pool"]):
                response = self._http.send(request)
        except httpx.TransportError as exc:
            _log_attempt(request, type(exc).__name__, attempt, started)
            raise transport_error(exc, request, is_create=is_create) from exc
        _log_attempt(request, response.status_code, attempt, started)
        return read(response)

    def download(
        self,
        task_or_url: Task[Any, Any] | str,
        dest: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Download a completed task's result (or any URL) to `dest`, safely, for any model.

        The task's best result (`task.media_urls[0]`: the video, the image, ...) is saved.
        The bytes go to a temporary file beside `dest`, renamed into place only once complete
        and as long as announced; a dropped connection resumes with an HTTP Range request.
        The API key is sent only to the API's own origin, never to the media CDN.

        Args:
            task_or_url: A completed task, or a URL.
            dest: A file path, or a directory to put `<task_id>.<ext>` (the extension from
                the URL, `.mp4` if it has none; for a URL, its file name) in; missing parent
                directories are created, an existing file replaced.
            on_progress: Called as `on_progress(received_bytes, total_bytes_or_None)`.

        Returns:
            The path of the downloaded file.

        Raises:
            DownloadError: Nothing to download, or the download failed after `max_retries`
                retries; no file (partial or temporary) is left behind.
        """
        return self._download(self._plan_download(task_or_url, dest), on_progress)

    def download_all(
        self,
        task: Task[Any, Any],
        dest_dir: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> list[Path]:
        """Download every result of a completed task (`task.media_urls`) into `dest_dir`.

        Each file as safely as `download`. One result is saved as `<task_id>.<ext>`,
        several as `<task_id>-1.<ext>`, `<task_id>-2.<ext>`, ... best first (a 4-image
        Gemini answer gives 4 files).

        Args:
            task: A completed task.
            dest_dir: The directory (created if missing).
            on_progress: Called per file as `on_progress(received_bytes, total_or_None)`.

        Returns:
            The paths of the downloaded files, best result first.

        Raises:
            DownloadError: Nothing to download, or a file failed after `max_retries`
                retries; files already downloaded stay, no partial file is left behind.
        """
        return [
            self._download(state, on_progress) for state in self._plan_downloads(task, dest_dir)
        ]

    def _download(self, state: DownloadState, on_progress: ProgressCallback | None) -> Path:
        from piapi._download import RetryableDownloadFailure, describe_failure, writing

        with writing(state) as part:
            while True:
                request = self._http.build_request(
                    "GET", state.url, headers=state.headers(), timeout=self.timeout
                )
                try:
                    response = self._http.send(request, stream=True, follow_redirects=False)
                    try:
                        restart = state.start(response.status_code, response.headers)
                        if restart is None:
                            continue
                        if restart:
                            part.restart()
                        if on_progress is not None:
                            on_progress(state.received, state.total)
                        for chunk in response.iter_bytes():
                            state.advance(len(chunk))
                            part.write(chunk)
                            if on_progress is not None:
                                on_progress(state.received, state.total)
                    finally:
                        response.close()
                    state.finish()
                    break
                except (httpx.TransportError, RetryableDownloadFailure) as exc:
                    reason = describe_failure(exc)
                    delay = state.failed(reason, jitter=random.random())
                    logger.debug("download interrupted (%s); resuming in %.2f s", reason, delay)
                    self._sleep(delay)
            path = part.commit()
        logger.info("downloaded %s bytes to %s", state.received, path)
        return path

    def close(self) -> None:
        """Close the connection pool, unless it came from `http_client` or `with_options`."""
        if self._owns_http_client:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def _anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


class AsyncPiAPIClient(_BaseClient[httpx.AsyncClient]):
    """Asynchronous PiAPI client for asyncio and trio; the same API as `PiAPIClient`.

    Args:
        api_key: Your PiAPI key; defaults to the `PIAPI_API_KEY` environment variable.
        base_url: Defaults to `PIAPI_BASE_URL`, then `https://api.piapi.ai`.
        timeout: Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever.
        max_retries: Extra attempts for requests that are safe to resend.
        http_client: Your own `httpx.AsyncClient` (proxies, transports); you close it.
        default_headers: Extra headers sent with every request.
        spend_limit_usd: Refuse creates (`SpendLimitError`, nothing sent) once their
            estimated prices would pass this many USD; None: no limit.
        upload_url: Where `files.upload` POSTs; default PiAPI's upload service for
            PiAPI's API, else `base_url` + `/api/ephemeral_resource`.

    Raises:
        PiAPIError: No API key was given or found in the environment.
    """

    tasks: AsyncTasks
    """Generic tasks of any PiAPI model: create, get, wait, cancel."""
    sora2: AsyncSora2
    """Sora 2 video, with typed and validated arguments."""
    _gate: AsyncGate

    def _new_http_client(self, timeout: Timeout) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout)

    def _bind_resources(self) -> None:
        self._gate = gate_for(self._http, self.base_url)  # the pool's own: copies share it
        self.tasks = AsyncTasks(self)
        self.sora2 = AsyncSora2(self)

    @property
    def account(self) -> AsyncAccount:
        """Your account: credits, plan, running tasks."""
        from piapi._account_resources import AsyncAccount

        return AsyncAccount(self)

    @property
    def files(self) -> AsyncFiles:
        """Uploads of local files, for tasks that take a file by URL."""
        from piapi._files_resources import AsyncFiles

        return AsyncFiles(self)

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(_anyio_sleep)
    _now: Callable[[], float] = staticmethod(time.monotonic)

    async def _send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
    ) -> T:
        """Send with retries as `_retries` decides, and return what `read` makes of the answer."""
        request = self._build_request(method, url, content)
        try:
            return await self._send_once(request, read, 1, is_create)
        except PiAPIError as exc:
            first_failure = exc
        # As in `PiAPIClient._send`: tenacity only steps in after a failure.
        retrying = AsyncRetrying(
            sleep=self._sleep, **retry_options(is_create=is_create, max_retries=self.max_retries)
        )
        async for attempt in retrying:
            with attempt:
                number = attempt.retry_state.attempt_number
                if number == 1:
                    raise first_failure
                return await self._send_once(request, read, number, is_create)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    async def _send_once(
        self,
        request: httpx.Request,
        read: Callable[[httpx.Response], T],
        attempt: int,
        is_create: bool,
    ) -> T:
        started = time.perf_counter()
        try:
            async with self._gate.slot(self._timeout_extension["pool"]):
                response = await self._http.send(request)
        except httpx.TransportError as exc:
            _log_attempt(request, type(exc).__name__, attempt, started)
            raise transport_error(exc, request, is_create=is_create) from exc
        _log_attempt(request, response.status_code, attempt, started)
        return read(response)

    async def download(
        self,
        task_or_url: Task[Any, Any] | str,
        dest: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Download a completed task's result (or any URL) to `dest`, safely, for any model.

        Same as `PiAPIClient.download`; `on_progress` may also be a coroutine function.

        Args:
            task_or_url: A completed task (its best result, `task.media_urls[0]`), or a URL.
            dest: A file path, or a directory to put `<task_id>.<ext>` (or the URL's file
                name) in.
            on_progress: Called as `on_progress(received_bytes, total_bytes_or_None)`.

        Returns:
            The path of the downloaded file.

        Raises:
            DownloadError: Nothing to download, or the download failed after `max_retries`
                retries; no file (partial or temporary) is left behind.
        """
        return await self._download(self._plan_download(task_or_url, dest), on_progress)

    async def download_all(
        self,
        task: Task[Any, Any],
        dest_dir: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> list[Path]:
        """Download every result of a completed task (`task.media_urls`) into `dest_dir`.

        Same as `PiAPIClient.download_all`; `on_progress` may also be a coroutine function.

        Args:
            task: A completed task.
            dest_dir: The directory (created if missing).
            on_progress: Called per file as `on_progress(received_bytes, total_or_None)`.

        Returns:
            The paths of the downloaded files, best result first.

        Raises:
            DownloadError: Nothing to download, or a file failed after `max_retries`
                retries; files already downloaded stay, no partial file is left behind.
        """
        return [
            await self._download(state, on_progress)
            for state in self._plan_downloads(task, dest_dir)
        ]

    async def _download(self, state: DownloadState, on_progress: ProgressCallback | None) -> Path:
        from piapi._download import RetryableDownloadFailure, describe_failure, writing

        async def report() -> None:
            if on_progress is not None:
                result = on_progress(state.received, state.total)
                if inspect.isawaitable(result):
                    await result

        with writing(state) as part:
            while True:
                request = self._http.build_request(
                    "GET", state.url, headers=state.headers(), timeout=self.timeout
                )
                try:
                    response = await self._http.send(request, stream=True, follow_redirects=False)
                    try:
                        restart = state.start(response.status_code, response.headers)
                        if restart is None:
                            continue
                        if restart:
                            part.restart()
                        await report()
                        # aclosing: a body abandoned midway must not be left to the GC (trio).
                        chunks = cast("AsyncGenerator[bytes, None]", response.aiter_bytes())
                        async with aclosing(chunks):
                            async for chunk in chunks:
                                state.advance(len(chunk))
                                # Small local writes; a thread hop per chunk would cost more.
                                part.write(chunk)
                                await report()
                    finally:
                        await response.aclose()
                    state.finish()
                    break
                except (httpx.TransportError, RetryableDownloadFailure) as exc:
                    reason = describe_failure(exc)
                    delay = state.failed(reason, jitter=random.random())
                    logger.debug("download interrupted (%s); resuming in %.2f s", reason, delay)
                    await self._sleep(delay)
            path = part.commit()
        logger.info("downloaded %s bytes to %s", state.received, path)
        return path

    async def aclose(self) -> None:
        """Close the connection pool, unless it came from `http_client` or `with_options`."""
        if self._owns_http_client:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
