"""`PiAPIClient` and `AsyncPiAPIClient`: thin shells that send requests, sleep and write.

Every decision (what to send, how to read the answer, whether to retry, how long is left)
lives in the sans-I/O modules; the two clients only differ in how they do I/O, and each
method of one mirrors the same method of the other line by line.
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
import os
import random
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import AbstractContextManager, aclosing, nullcontext
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, cast

import httpx
from typing_extensions import Self, Unpack

from piapi._async.tasks import AsyncSora2, AsyncTasks, Sora2, Tasks
from piapi._core.deadline import NO_DEADLINE, Deadline, checked_client_timeout, checked_seconds
from piapi._core.errors import ClientClosedError, PiAPIError
from piapi._core.expectations import Expectations
from piapi._core.gate import AsyncGate, SyncGate, gate_for
from piapi._core.models import Task
from piapi._core.protocol import (
    BodyReader,
    Secrets,
    closed_error,
    deadline_error,
    request_failure,
    request_headers,
    resolve_api_key,
    resolve_base_url,
)
from piapi._core.shell import ProgressCallback
from piapi._core.spending import Spending, UsdAmount
from piapi._core.uploads import resolve_upload_url

if TYPE_CHECKING:
    import ssl
    from decimal import Decimal

    import anyio

    from piapi._async.account import Account, AsyncAccount
    from piapi._async.files import AsyncFiles, Files
    from piapi._core.download import DownloadSource, DownloadState, PartFile, StrPath
    from piapi._core.retrying import Sleep

__all__ = ["AsyncPiAPIClient", "NotGiven", "PiAPIClient"]

logger = logging.getLogger("piapi")

T = TypeVar("T")
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)
Timeout = float | httpx.Timeout | None
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


class NotGiven:
    """The default of `timeout`: 60 s, or the timeout of the `http_client` you pass."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


class ClientOptions(TypedDict, total=False):
    """What `with_options` can change; an option not given keeps its value."""

    timeout: Timeout
    max_retries: int
    spend_limit_usd: UsdAmount | None


def _checked_max_retries(max_retries: object) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"max_retries must be an int (got {type(max_retries).__name__})")
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0 (got {max_retries})")
    return max_retries


class _BaseClient(Generic[HttpClientT]):
    """Configuration shared by both clients; holds no I/O."""

    _http: HttpClientT
    # The clock of every client made from now on; `piapi.testing` points it at a fake clock.
    _default_now: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: HttpClientT | None = None,
        default_headers: Mapping[str, str] | None = None,
        spend_limit_usd: UsdAmount | None = None,
        upload_url: str | None = None,
    ) -> None:
        self._api_key = resolve_api_key(api_key)
        self._secrets = Secrets((self._api_key,))
        self.base_url = resolve_base_url(base_url)
        if isinstance(timeout, NotGiven):
            timeout = http_client.timeout if http_client is not None else DEFAULT_TIMEOUT
        self.upload_url = resolve_upload_url(upload_url, self.base_url)
        self._spending = Spending.new(spend_limit_usd)  # shared with `with_options` copies
        self.timeout = timeout
        self.max_retries = _checked_max_retries(max_retries)
        self._headers = request_headers(self._api_key, default_headers)
        self._owns_http_client = http_client is None
        self._is_copy = False
        self._http = http_client if http_client is not None else self._new_http_client(timeout)
        # A caller's client is used as httpx uses it (its params, cookies, auth, hooks,
        # headers): requests are built by it. Ours has none of those, so its headers are
        # merged once, not per request as httpx's build_request would: with the pool's own
        # defaults this is a fast poll's largest avoidable cost.
        self._builds_requests = http_client is not None
        self._json_only_headers = {**self._headers, "Content-Type": "application/json"}
        self._api_headers = httpx.Headers(self._http.headers)
        self._api_headers.update(self._headers)
        self._json_headers = httpx.Headers(self._api_headers)
        self._json_headers["Content-Type"] = "application/json"
        # Shared with `with_options` copies: what one copy learns about run times serves all.
        self._expectations = Expectations.for_base_url(self.base_url)
        self._now: Callable[[], float] = self._default_now
        self._bind_resources()

    @property
    def timeout(self) -> Timeout:
        """Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: Timeout) -> None:
        self._timeout = checked_client_timeout(value)
        self._timeout_extension = httpx.Timeout(self._timeout).as_dict()

    def _new_http_client(self, timeout: Timeout) -> HttpClientT:
        raise NotImplementedError

    def _bind_resources(self) -> None:
        raise NotImplementedError

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
        clone._is_copy = True
        if "timeout" in options:
            clone.timeout = options["timeout"]
        if "max_retries" in options:
            clone.max_retries = _checked_max_retries(options["max_retries"])
        if "spend_limit_usd" in options:
            clone._spending = self._spending.with_limit(options["spend_limit_usd"])
        clone._bind_resources()
        return clone

    def _build_request(self, method: str, url: str, content: bytes | None) -> httpx.Request:
        """The request of one call, without its timeout: each attempt sets that from the
        call's deadline (`_send_once`)."""
        if self._builds_requests:
            return self._http.build_request(
                method,
                url,
                headers=self._headers if content is None else self._json_only_headers,
                content=content,
            )
        return httpx.Request(
            method,
            url,
            headers=self._api_headers if content is None else self._json_headers,
            content=content,
        )

    def _timeouts(self, deadline: Deadline) -> dict[str, float | None]:
        """The client's timeouts, each cut to the time left before `deadline`."""
        if deadline.at is None:
            return self._timeout_extension
        return deadline.cap_timeouts(self._timeout_extension, self._now())

    def _retry_options(self, is_create: bool, deadline: Deadline, sleep: Sleep) -> dict[str, Any]:
        """tenacity's options for retrying one call after its first failure."""
        # Imported here: only a failed request needs tenacity.
        from piapi._core.retrying import retry_options

        return retry_options(
            is_create=is_create,
            max_retries=self.max_retries,
            deadline=deadline,
            now=self._now,
            sleep=sleep,
        )

    def _plan_download(self, task_or_url: Task[Any, Any] | str, dest: StrPath) -> DownloadState:
        # Imported here: only downloads need it, and `import piapi` should not pay for it.
        from piapi._core.download import destination_path, download_source

        source = download_source(task_or_url)
        return self._download_state(source, destination_path(dest, source.filename))

    def _plan_downloads(self, task: Task[Any, Any], dest_dir: StrPath) -> list[DownloadState]:
        from piapi._core.download import download_sources

        directory = Path(dest_dir).expanduser()
        return [
            self._download_state(source, directory / source.filename)
            for source in download_sources(task)
        ]

    def _plan_saves(self, task: Task[Any, Any], download_to: StrPath) -> list[DownloadState]:
        """`create_and_wait(download_to=...)`: every result into a directory, else the best
        one to that file."""
        from piapi._core.download import is_directory_destination

        if is_directory_destination(download_to):
            return self._plan_downloads(task, download_to)
        return [self._plan_download(task, download_to)]

    def _download_state(self, source: DownloadSource, path: Path) -> DownloadState:
        from piapi._core.download import DownloadState

        return DownloadState(
            source,
            path,
            base_url=self.base_url,
            api_headers=self._headers,
            max_retries=self.max_retries,
        )

    def _download_request(self, state: DownloadState, deadline: Deadline) -> httpx.Request:
        # Built here, not by the caller's client: its default headers, cookies and params
        # must not reach a media CDN (the API key goes to the API's origin only).
        return httpx.Request(
            "GET",
            state.url,
            headers=state.headers(),
            extensions={"timeout": self._timeouts(deadline)},
        )


def _shared_ssl_context() -> ssl.SSLContext:
    """httpx's default TLS verification for the pools the SDK builds, made once per process
    (and per `SSL_CERT_FILE` / `SSL_CERT_DIR`): making it reads the whole CA bundle, ~20 ms,
    nearly all that building a client cost."""
    return _ssl_context_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _ssl_context_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context()  # reads the same two variables


def _deadline_after(timeout: object, now: float) -> Deadline:
    return Deadline.after(checked_seconds("timeout", timeout), now)


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


class _SyncLifetime:
    """Whether a sync client (and its `with_options` copies) is closed; sleeps wake on it."""

    __slots__ = ("closed",)

    def __init__(self) -> None:
        self.closed = threading.Event()


_NO_IO_DEADLINE = nullcontext()


def _no_io_deadline(seconds_left: float | None) -> AbstractContextManager[None]:
    return _NO_IO_DEADLINE


class PiAPIClient(_BaseClient[httpx.Client]):
    """Synchronous PiAPI client; safe to share between threads.

    Args:
        api_key: Your PiAPI key; defaults to the `PIAPI_API_KEY` environment variable.
        base_url: Defaults to `PIAPI_BASE_URL`, then `https://api.piapi.ai`.
        timeout: Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever.
            Default: 60 s, or the timeout of `http_client`.
        max_retries: Extra attempts for requests that are safe to resend.
        http_client: Your own `httpx.Client` (proxies, transports, auth, hooks); its
            timeout, params, cookies, auth, headers and event hooks apply to API calls
            (redirects are never followed). You close it.
        default_headers: Extra headers sent with every API request.
        spend_limit_usd: Refuse creates (`SpendLimitError`, nothing sent) once their
            estimated prices would pass this many USD; None: no limit.
        upload_url: Where `files.upload` POSTs; default PiAPI's upload service for
            PiAPI's API, else `base_url` + `/api/ephemeral_resource`.

    Raises:
        PiAPIError: No API key was given or found, or it is blank or malformed.
        ValueError: `base_url`, `timeout` or `max_retries` is invalid.
    """

    tasks: Tasks
    """Generic tasks of any PiAPI model: create, get, wait, cancel."""
    sora2: Sora2
    """Sora 2 video, with typed and validated arguments."""
    _gate: SyncGate
    # The sleep of every client made from now on (None: the default, which closing ends).
    _default_sleep: Callable[[float], None] | None = None

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        spend_limit_usd: UsdAmount | None = None,
        upload_url: str | None = None,
    ) -> None:
        self._lifetime = _SyncLifetime()
        # Replaced in tests by a fake clock; waits and retries sleep only through this.
        self._sleep: Callable[[float], None] = self._default_sleep or self._interruptible_sleep
        # The pool the SDK builds keeps deadlines at its sockets (`_socket_deadline`);
        # a caller's pool is left as it is.
        self._io_deadline: Callable[[float | None], AbstractContextManager[None]] = _no_io_deadline
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            spend_limit_usd=spend_limit_usd,
            upload_url=upload_url,
        )

    def _new_http_client(self, timeout: Timeout) -> httpx.Client:
        from piapi._sync.socket_deadline import install, io_deadline

        http = httpx.Client(timeout=timeout, verify=_shared_ssl_context())
        if install(http):  # every socket operation keeps the call's deadline
            self._io_deadline = io_deadline
        return http

    def _bind_resources(self) -> None:
        self._gate = gate_for(self._http, self.base_url)  # the pool's own: copies share it
        self.tasks = Tasks(self)
        self.sora2 = Sora2(self.tasks)

    @property
    def account(self) -> Account:
        """Your account: credits, plan, running tasks."""
        from piapi._async.account import Account

        return Account(self)

    @property
    def files(self) -> Files:
        """Uploads of local files, for tasks that take a file by URL."""
        from piapi._async.files import Files

        return Files(self)

    def _interruptible_sleep(self, seconds: float) -> None:
        if self._lifetime.closed.wait(seconds):
            raise closed_error(None, is_create=False)

    def _send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
        deadline: Deadline = NO_DEADLINE,
    ) -> T:
        """Send, with retries run by tenacity as `_retries` decides; return what `read`
        makes of the answer."""
        request = self._build_request(method, url, content)
        try:
            return self._send_once(request, read, 1, is_create, deadline)
        except PiAPIError as exc:
            first_failure = exc
        # The first attempt ran outside tenacity so that a request that succeeds pays
        # nothing for it; tenacity takes its failure as attempt 1 and runs the retries.
        from tenacity import Retrying

        try:
            retrying = Retrying(**self._retry_options(is_create, deadline, self._sleep))
            for attempt in retrying:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    if number == 1:
                        raise first_failure
                    return self._send_once(request, read, number, is_create, deadline)
        except ClientClosedError as exc:
            if exc.request is None:  # closed during a retry's sleep: name the request
                raise closed_error(request, is_create=False) from None
            raise
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _send_once(
        self,
        request: httpx.Request,
        read: Callable[[httpx.Response], T],
        attempt: int,
        is_create: bool,
        deadline: Deadline,
    ) -> T:
        if self._lifetime.closed.is_set():
            raise closed_error(request, is_create=False)
        if deadline.expired(self._now()):
            raise deadline_error(request, is_create=is_create, sent=False)
        request.extensions["timeout"] = timeouts = self._timeouts(deadline)
        left = deadline.remaining(self._now())
        started = time.perf_counter()
        response: httpx.Response | None = None
        try:
            with self._gate.slot(timeouts["pool"]), self._io_deadline(left):
                response = self._http.send(request, stream=True, follow_redirects=False)
                try:
                    reader = BodyReader()
                    for chunk in response.iter_bytes():
                        reader.add(chunk)
                        if left is not None and deadline.expired(self._now()):
                            raise deadline_error(request, is_create=is_create, sent=True)
                    # What Response.read() stores: the body was read here, to count it.
                    response._content = reader.body()
                finally:
                    response.close()
        except Exception as exc:
            failure = request_failure(
                exc,
                request,
                is_create=is_create,
                response=response,
                closed=self._lifetime.closed.is_set(),
            )
            if failure is None:
                raise
            _log_attempt(request, type(exc).__name__, attempt, started)
            if failure is exc:
                raise
            raise failure from exc
        _log_attempt(request, response.status_code, attempt, started)
        return read(response)

    def download(
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
        only, never to the media CDN.

        Args:
            task_or_url: A completed task, or a URL.
            dest: A file path, or a directory to put `<task_id>.<ext>` (the extension from
                the URL, `.mp4` if it has none; for a URL, its file name) in; missing parent
                directories are created, an existing file replaced.
            on_progress: Called as `on_progress(received_bytes, total_bytes_or_None)` when
                the body starts, every 256 KiB and at its end.
            timeout: Seconds for the whole download, retries included; None: no limit
                (each request still has the client's `timeout`).

        Returns:
            The path of the downloaded file.

        Raises:
            DownloadError: Nothing to download, or the download failed after `max_retries`
                retries or within `timeout`; no file (partial or temporary) is left behind.
        """
        deadline = _deadline_after(timeout, self._now())
        return self._download(self._plan_download(task_or_url, dest), on_progress, deadline)

    def download_all(
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
        deadline = _deadline_after(timeout, self._now())
        return [
            self._download(state, on_progress, deadline)
            for state in self._plan_downloads(task, dest_dir)
        ]

    def _download(
        self, state: DownloadState, on_progress: ProgressCallback | None, deadline: Deadline
    ) -> Path:
        from piapi._core.download import Step, writing

        with writing(state) as part:
            while True:
                try:
                    if deadline.expired(self._now()):
                        raise state.deadline_error()
                    request = self._download_request(state, deadline)
                    with self._io_deadline(deadline.remaining(self._now())):
                        response = self._http.send(
                            request, stream=True, follow_redirects=False, auth=None
                        )
                        try:
                            step = state.start(response.status_code, response.headers)
                            if step is Step.FOLLOW:
                                continue
                            if step is Step.WRITE_FROM_START:
                                part.restart()
                            state.body_started()
                            if on_progress is not None and state.progress_due():
                                on_progress(state.received, state.total)
                            for chunk in response.iter_bytes():
                                state.advance(len(chunk))
                                part.write(chunk)
                                if on_progress is not None and state.progress_due():
                                    on_progress(state.received, state.total)
                                if deadline.expired(self._now()):
                                    raise state.deadline_error()
                        finally:
                            response.close()
                    if on_progress is not None and state.progress_due(ended=True):
                        on_progress(state.received, state.total)
                    state.finish()
                    break
                except Exception as exc:
                    delay = state.failed(
                        exc,
                        jitter=random.random(),
                        time_left=deadline.remaining(self._now()),
                        closed=self._lifetime.closed.is_set(),
                    )
                    if delay is None:
                        raise
                    logger.debug("download interrupted (%s); resuming in %.2f s", exc, delay)
                self._sleep(delay)
            path = part.commit()
        logger.info("downloaded %s bytes to %s", state.received, path)
        return path

    def close(self) -> None:
        """Close the client: calls in progress (waits included) end with
        `APIConnectionError`, and the connection pool closes unless it came from
        `http_client` or `with_options` (closing a copy changes nothing)."""
        if self._owns_http_client:
            self._lifetime.closed.set()
            self._http.close()
        elif not self._is_copy:
            self._lifetime.closed.set()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _AsyncLifetime:
    """Whether an async client (and its copies) is closed, and the cancel scopes of the
    calls in progress, which closing cancels."""

    __slots__ = ("closed", "scopes")

    def __init__(self) -> None:
        self.closed = False
        self.scopes: set[anyio.CancelScope] = set()

    def scope(self, seconds: float | None) -> _LifetimeScope:
        """`with lifetime.scope(seconds) as scope:` a cancel scope ending after `seconds`
        (None: no limit) or when the client closes."""
        return _LifetimeScope(self, seconds)

    def close(self) -> None:
        self.closed = True
        for scope in list(self.scopes):
            scope.cancel()


class _LifetimeScope:
    __slots__ = ("_lifetime", "_scope", "_seconds")

    def __init__(self, lifetime: _AsyncLifetime, seconds: float | None) -> None:
        self._lifetime = lifetime
        self._seconds = seconds

    @property
    def cancelled_caught(self) -> bool:
        """Whether the deadline or a close ended the block."""
        return self._scope.cancelled_caught

    def __enter__(self) -> _LifetimeScope:
        import anyio

        scope = self._scope = (
            anyio.CancelScope()
            if self._seconds is None
            else anyio.CancelScope(deadline=anyio.current_time() + self._seconds)
        )
        if self._lifetime.closed:
            scope.cancel()
        self._lifetime.scopes.add(scope)
        scope.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self._lifetime.scopes.discard(self._scope)
        return bool(self._scope.__exit__(exc_type, exc, tb))


class _NoScope:
    """A request without a deadline runs unscoped (a close ends it by closing the pool)."""

    __slots__ = ()
    cancelled_caught = False

    def __enter__(self) -> _NoScope:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


_NO_SCOPE = _NoScope()


class AsyncPiAPIClient(_BaseClient[httpx.AsyncClient]):
    """Asynchronous PiAPI client for asyncio and trio; the same API as `PiAPIClient`.

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
        upload_url: Where `files.upload` POSTs; default PiAPI's upload service for
            PiAPI's API, else `base_url` + `/api/ephemeral_resource`.

    Raises:
        PiAPIError: No API key was given or found, or it is blank or malformed.
        ValueError: `base_url`, `timeout` or `max_retries` is invalid.
    """

    tasks: AsyncTasks
    """Generic tasks of any PiAPI model: create, get, wait, cancel."""
    sora2: AsyncSora2
    """Sora 2 video, with typed and validated arguments."""
    # The sleep of every client made from now on (None: the default, which closing ends).
    _default_sleep: Callable[[float], Awaitable[None]] | None = None
    _gate: AsyncGate

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        spend_limit_usd: UsdAmount | None = None,
        upload_url: str | None = None,
    ) -> None:
        self._lifetime = _AsyncLifetime()
        self._sleep: Callable[[float], Awaitable[None]] = (
            self._default_sleep or self._interruptible_sleep
        )
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            spend_limit_usd=spend_limit_usd,
            upload_url=upload_url,
        )

    def _new_http_client(self, timeout: Timeout) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout, verify=_shared_ssl_context())

    def _bind_resources(self) -> None:
        self._gate = gate_for(self._http, self.base_url)  # the pool's own: copies share it
        self.tasks = AsyncTasks(self)
        self.sora2 = AsyncSora2(self.tasks)

    @property
    def account(self) -> AsyncAccount:
        """Your account: credits, plan, running tasks."""
        from piapi._async.account import AsyncAccount

        return AsyncAccount(self)

    @property
    def files(self) -> AsyncFiles:
        """Uploads of local files, for tasks that take a file by URL."""
        from piapi._async.files import AsyncFiles

        return AsyncFiles(self)

    async def _interruptible_sleep(self, seconds: float) -> None:
        import anyio

        with self._lifetime.scope(None):
            await anyio.sleep(seconds)
        if self._lifetime.closed:
            raise closed_error(None, is_create=False)

    async def _send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
        deadline: Deadline = NO_DEADLINE,
    ) -> T:
        """Send, with retries run by tenacity as `_retries` decides; return what `read`
        makes of the answer."""
        request = self._build_request(method, url, content)
        try:
            return await self._send_once(request, read, 1, is_create, deadline)
        except PiAPIError as exc:
            first_failure = exc
        # As in `PiAPIClient._send`: tenacity only steps in after a failure.
        from tenacity import AsyncRetrying

        try:
            retrying = AsyncRetrying(**self._retry_options(is_create, deadline, self._sleep))
            async for attempt in retrying:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    if number == 1:
                        raise first_failure
                    return await self._send_once(request, read, number, is_create, deadline)
        except ClientClosedError as exc:
            if exc.request is None:  # closed during a retry's sleep: name the request
                raise closed_error(request, is_create=False) from None
            raise
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    async def _send_once(
        self,
        request: httpx.Request,
        read: Callable[[httpx.Response], T],
        attempt: int,
        is_create: bool,
        deadline: Deadline,
    ) -> T:
        if self._lifetime.closed:
            raise closed_error(request, is_create=False)
        if deadline.expired(self._now()):
            raise deadline_error(request, is_create=is_create, sent=False)
        request.extensions["timeout"] = timeouts = self._timeouts(deadline)
        left = deadline.remaining(self._now())
        started = time.perf_counter()
        response: httpx.Response | None = None
        sent = False
        # The scope ends the whole exchange, a dripping body included, at the deadline, and
        # at once when the client closes: cancellation is safe here.
        with self._lifetime.scope(left) if left is not None else _NO_SCOPE as scope:
            try:
                async with self._gate.slot(timeouts["pool"]):
                    sent = True
                    response = await self._http.send(request, stream=True, follow_redirects=False)
                    try:
                        reader = BodyReader()
                        chunks = cast("AsyncGenerator[bytes, None]", response.aiter_bytes())
                        async with aclosing(chunks):
                            async for chunk in chunks:
                                reader.add(chunk)
                        # What Response.aread() stores: the body was read here, to count it.
                        response._content = reader.body()
                    finally:
                        await response.aclose()
            except Exception as exc:
                failure = request_failure(
                    exc,
                    request,
                    is_create=is_create,
                    response=response,
                    closed=self._lifetime.closed,
                )
                if failure is None:
                    raise
                _log_attempt(request, type(exc).__name__, attempt, started)
                if failure is exc:
                    raise
                raise failure from exc
        if scope.cancelled_caught:
            _log_attempt(request, "cancelled", attempt, started)
            if self._lifetime.closed:
                raise closed_error(request, is_create=is_create and sent)
            raise deadline_error(request, is_create=is_create, sent=sent)
        assert response is not None
        _log_attempt(request, response.status_code, attempt, started)
        return read(response)

    async def download(
        self,
        task_or_url: Task[Any, Any] | str,
        dest: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the whole download, as in the sync client
    ) -> Path:
        """Download a completed task's result (or any URL) to `dest`, safely, for any model.

        Same as `PiAPIClient.download`; `on_progress` may also be a coroutine function.
        The file is written, flushed and renamed in a worker thread, in 1 MiB batches,
        so the event loop never waits for the disk.

        Args:
            task_or_url: A completed task (its best result, `task.media_urls[0]`), or a URL.
            dest: A file path, or a directory to put `<task_id>.<ext>` (or the URL's file
                name) in.
            on_progress: Called as `on_progress(received_bytes, total_bytes_or_None)`.
            timeout: Seconds for the whole download, retries included; None: no limit.

        Returns:
            The path of the downloaded file.

        Raises:
            DownloadError: Nothing to download, or the download failed after `max_retries`
                retries or within `timeout`; no file (partial or temporary) is left behind.
        """
        deadline = _deadline_after(timeout, self._now())
        state = self._plan_download(task_or_url, dest)
        return await self._download(state, on_progress, deadline)

    async def download_all(
        self,
        task: Task[Any, Any],
        dest_dir: StrPath,
        *,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - as in the sync client
    ) -> list[Path]:
        """Download every result of a completed task (`task.media_urls`) into `dest_dir`.

        Same as `PiAPIClient.download_all`; `on_progress` may also be a coroutine function.

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
        deadline = _deadline_after(timeout, self._now())
        return [
            await self._download(state, on_progress, deadline)
            for state in self._plan_downloads(task, dest_dir)
        ]

    async def _download(
        self, state: DownloadState, on_progress: ProgressCallback | None, deadline: Deadline
    ) -> Path:
        import anyio.to_thread

        from piapi._core.download import PartFile, disk_error

        try:
            part = await anyio.to_thread.run_sync(PartFile, state.path)
        except OSError as exc:
            raise disk_error(state, exc) from exc
        try:
            with self._lifetime.scope(deadline.remaining(self._now())) as scope:
                await self._download_into(part, state, on_progress, deadline)
            if scope.cancelled_caught:
                raise state.closed_error() if self._lifetime.closed else state.deadline_error()
            path = await anyio.to_thread.run_sync(part.commit)
        except OSError as exc:
            raise disk_error(state, exc) from exc
        finally:
            part.discard()
        logger.info("downloaded %s bytes to %s", state.received, path)
        return path

    async def _download_into(
        self,
        part: PartFile,
        state: DownloadState,
        on_progress: ProgressCallback | None,
        deadline: Deadline,
    ) -> None:
        import anyio.to_thread

        from piapi._core.download import Step, WriteBatch

        async def report(ended: bool = False) -> None:
            if on_progress is not None and state.progress_due(ended=ended):
                result = on_progress(state.received, state.total)
                if inspect.isawaitable(result):
                    await result

        while True:
            try:
                request = self._download_request(state, deadline)
                response = await self._http.send(
                    request, stream=True, follow_redirects=False, auth=None
                )
                try:
                    step = state.start(response.status_code, response.headers)
                    if step is Step.FOLLOW:
                        continue
                    if step is Step.WRITE_FROM_START:
                        await anyio.to_thread.run_sync(part.restart)
                    state.body_started()
                    await report()
                    batch = WriteBatch()
                    try:
                        # aclosing: a body abandoned midway must not be left to the GC (trio).
                        chunks = cast("AsyncGenerator[bytes, None]", response.aiter_bytes())
                        async with aclosing(chunks):
                            async for chunk in chunks:
                                state.advance(len(chunk))
                                full = batch.add(chunk)
                                if full is not None:
                                    await anyio.to_thread.run_sync(part.write, full)
                                await report()
                    finally:
                        # Also after a drop: a resumed range appends to every byte counted.
                        rest = batch.rest()
                        if rest is not None:
                            await anyio.to_thread.run_sync(part.write, rest)
                finally:
                    await response.aclose()
                await report(ended=True)
                state.finish()
                return
            except Exception as exc:
                delay = state.failed(
                    exc,
                    jitter=random.random(),
                    time_left=deadline.remaining(self._now()),
                    closed=self._lifetime.closed,
                )
                if delay is None:
                    raise
                logger.debug("download interrupted (%s); resuming in %.2f s", exc, delay)
            await self._sleep(delay)

    async def aclose(self) -> None:
        """Close the client: calls in progress (waits included) end with
        `APIConnectionError`, and the connection pool closes unless it came from
        `http_client` or `with_options` (closing a copy changes nothing)."""
        if self._owns_http_client:
            self._lifetime.close()
            await self._http.aclose()
        elif not self._is_copy:
            self._lifetime.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
