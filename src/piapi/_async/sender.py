"""`AsyncSender`: a client's way to PiAPI: its pool, headers, timeouts and retries.

It sends one request under a deadline and hands the answer to a reader from `_core`;
tenacity runs the retries as `_core.retries` decides. Every resource (`tasks`, `sora2`,
`account`, `files`) and every download goes through it. The async code is the source of
`piapi._sync.sender`.
"""

from __future__ import annotations

import copy
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import httpx

from piapi._async._backend import Gate, Lifetime, body_chunks, own_pool
from piapi._core.deadline import NO_DEADLINE, Deadline, TimeoutValue, checked_client_timeout
from piapi._core.errors import ClientClosedError, PiAPIError
from piapi._core.pools import gate_of
from piapi._core.protocol import (
    BodyReader,
    Secrets,
    closed_error,
    cut_short_error,
    deadline_error,
    request_failure,
    request_headers,
)

logger = logging.getLogger("piapi")

T = TypeVar("T")


class AsyncSender:
    """Sends a client's requests with retries and deadlines, and sleeps until closed.

    `with_options` copies of a client share the pool, its gate and the lifetime (closing
    the original ends the copies' calls too); each copy has its own timeout and retries.
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: TimeoutValue,
        max_retries: int,
        http_client: httpx.AsyncClient | None,
        default_headers: Mapping[str, str] | None,
        now: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] | None,
    ) -> None:
        self.base_url = base_url
        self.secrets = Secrets((api_key,))
        self.headers = request_headers(api_key, default_headers)
        """The API's headers (the key among them): sent to the API's origin only."""
        self.owns_pool = http_client is None
        http, watch_sockets = own_pool(timeout) if http_client is None else (http_client, False)
        self.http = http
        self.lifetime = Lifetime(watch_sockets)
        self.gate = gate_of(http, base_url, Gate)
        """The gate of the pool, shared by every client on it."""
        self.timeout = timeout
        self.max_retries = max_retries
        self.now = now
        """The clock of deadlines and polls; `piapi.testing` gives a fake one."""
        self.sleep = sleep or self.lifetime.sleep
        """How waits, retries and batches pause; the default ends when the client closes."""
        # A caller's pool is used as httpx uses it (its params, cookies, auth, hooks and
        # headers): its requests are built by it. Ours has none of those, so its headers are
        # merged once, not per request: with the pool's defaults the largest avoidable cost
        # of a fast poll.
        headers = httpx.Headers(http.headers if self.owns_pool else self.headers)
        headers.update(self.headers)
        json_headers = httpx.Headers(headers)
        json_headers["Content-Type"] = "application/json"
        self._headers = (headers, json_headers)
        """Without a body, with a JSON body (a caller's pool adds its own when it builds)."""

    @property
    def timeout(self) -> TimeoutValue:
        """Seconds (or an `httpx.Timeout`) for each HTTP request; None waits forever."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: TimeoutValue) -> None:
        self._timeout = checked_client_timeout(value)
        self._timeout_extension = httpx.Timeout(self._timeout).as_dict()

    def copy(self) -> AsyncSender:
        """A sender on the same pool, gate and lifetime, whose options may then change."""
        return copy.copy(self)

    async def send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
        deadline: Deadline = NO_DEADLINE,
    ) -> T:
        """Send, retrying as `_core.retries` decides; return what `read` makes of the answer."""
        request = self._build_request(method, url, content)
        try:
            return await self._send_once(request, read, 1, is_create, deadline)
        except PiAPIError as failure:
            return await self._retry(request, read, is_create, deadline, failure)

    async def _retry(
        self,
        request: httpx.Request,
        read: Callable[[httpx.Response], T],
        is_create: bool,
        deadline: Deadline,
        failure: PiAPIError,
    ) -> T:
        """Attempts 2, 3, ... after `failure`, run by tenacity (imported on a first failure
        only: a request that succeeds pays nothing for it)."""
        from tenacity import AsyncRetrying

        from piapi._core.retrying import retry_options

        numbers = itertools.count(1)

        async def attempt() -> T:
            number = next(numbers)
            if number == 1:
                raise failure  # tenacity decides on the first attempt's failure too
            return await self._send_once(request, read, number, is_create, deadline)

        retrying = AsyncRetrying(
            **retry_options(
                is_create=is_create,
                max_retries=self.max_retries,
                deadline=deadline,
                now=self.now,
                sleep=self.sleep,
            )
        )
        try:
            return await retrying(attempt)
        except ClientClosedError as exc:
            if exc.request is None:  # closed during a retry's pause: name the request
                raise closed_error(request, is_create=False) from None
            raise

    async def _send_once(
        self,
        request: httpx.Request,
        read: Callable[[httpx.Response], T],
        attempt: int,
        is_create: bool,
        deadline: Deadline,
    ) -> T:
        if self.lifetime.closed:
            raise closed_error(request, is_create=False)
        if deadline.expired(self.now()):
            raise deadline_error(request, is_create=False)
        request.extensions["timeout"] = timeouts = self._timeouts(deadline)
        left = deadline.remaining(self.now())
        started = time.perf_counter()
        response: httpx.Response | None = None
        sent = False
        # The scope ends the whole exchange, a dripping body included, at the deadline and
        # when the client closes (a cancel scope, or the sockets of a sync pool).
        with self.lifetime.deadline(left) as scope:
            try:
                async with self.gate.slot(timeouts["pool"]):
                    sent = True
                    response = await self.http.send(request, stream=True, follow_redirects=False)
                    try:
                        reader = BodyReader()
                        async with body_chunks(response) as chunks:
                            async for chunk in chunks:
                                reader.add(chunk)
                                if left is not None and deadline.expired(self.now()):
                                    raise deadline_error(request, is_create=is_create)
                        # What Response.read() stores: the body was read here, to count it.
                        response._content = reader.body()
                    finally:
                        await response.aclose()
            except Exception as exc:
                failure = request_failure(
                    exc,
                    request,
                    is_create=is_create,
                    response=response,
                    closed=self.lifetime.closed,
                )
                if failure is None:
                    raise
                _log_attempt(request, type(exc).__name__, attempt, started)
                if failure is exc:
                    raise
                raise failure from exc
        if scope.cancelled_caught:
            _log_attempt(request, "cancelled", attempt, started)
            raise cut_short_error(
                request, is_create=is_create, sent=sent, closed=self.lifetime.closed
            )
        assert response is not None
        _log_attempt(request, response.status_code, attempt, started)
        return read(response)

    def _build_request(self, method: str, url: str, content: bytes | None) -> httpx.Request:
        """The request of one call, without its timeout: each attempt sets that from the
        call's deadline (`_send_once`)."""
        headers = self._headers[content is not None]
        if not self.owns_pool:  # a caller's pool builds its requests
            return self.http.build_request(method, url, headers=headers, content=content)
        return httpx.Request(method, url, headers=headers, content=content)

    def _timeouts(self, deadline: Deadline) -> dict[str, float | None]:
        """The client's timeouts, each cut to the time left before `deadline`."""
        if deadline.at is None:
            return self._timeout_extension
        return deadline.cap_timeouts(self._timeout_extension, self.now())

    def media_request(
        self, url: str, headers: Mapping[str, str], deadline: Deadline
    ) -> httpx.Request:
        """A download's request. Built here, not by a caller's pool: its default headers,
        cookies and params must not reach a media CDN (the key goes to the API's origin only)."""
        return httpx.Request(
            "GET", url, headers=headers, extensions={"timeout": self._timeouts(deadline)}
        )

    async def aclose(self) -> None:
        """End the calls in progress, and close the pool if this sender built it."""
        self.lifetime.close()
        if self.owns_pool:
            await self.http.aclose()


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
