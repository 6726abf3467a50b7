"""What the resources (`client.tasks`, `client.sora2`) need of a client: two protocols.

The resources depend on these, not on `_client`, so the client module can build them
without an import circle; both clients satisfy them structurally.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx

from piapi._core.deadline import Deadline
from piapi._core.protocol import Secrets

if TYPE_CHECKING:
    from piapi._core.download import DownloadState, StrPath
    from piapi._core.expectations import Expectations
    from piapi._core.models import Task
    from piapi._core.spending import Spending

__all__ = ["AsyncShell", "ProgressCallback", "SyncShell"]

T = TypeVar("T")
ProgressCallback = Callable[[int, "int | None"], object]
"""`on_progress(received_bytes, total_bytes_or_None)`."""


class SyncShell(Protocol):
    """A sync client as the resources use it: send (with retries), sleep, save results."""

    base_url: str
    _expectations: Expectations
    _secrets: Secrets
    _spending: Spending
    _now: Callable[[], float]
    _sleep: Callable[[float], None]

    def _send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
        deadline: Deadline = ...,
    ) -> T: ...

    def _plan_saves(self, task: Task[Any, Any], download_to: StrPath) -> list[DownloadState]: ...

    def _download(
        self, state: DownloadState, on_progress: ProgressCallback | None, deadline: Deadline
    ) -> Path: ...


class AsyncShell(Protocol):
    """An async client as the resources use it: send (with retries), sleep, save results."""

    base_url: str
    _expectations: Expectations
    _secrets: Secrets
    _spending: Spending
    _now: Callable[[], float]
    _sleep: Callable[[float], Awaitable[None]]

    async def _send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        is_create: bool = False,
        deadline: Deadline = ...,
    ) -> T: ...

    def _plan_saves(self, task: Task[Any, Any], download_to: StrPath) -> list[DownloadState]: ...

    async def _download(
        self, state: DownloadState, on_progress: ProgressCallback | None, deadline: Deadline
    ) -> Path: ...
