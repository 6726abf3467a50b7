"""Downloads of results: what `_core.download.DownloadState` decides, performed.

The bytes go to a part file beside the destination, renamed into place once complete;
a dropped connection resumes with a Range request. Disk work runs off the event loop in
1 MiB batches. The async code is the source of `piapi._sync.download`.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

from piapi._async._backend import body_chunks, call_back, to_thread
from piapi._async.sender import AsyncSender
from piapi._core.deadline import Deadline
from piapi._core.download import (
    DownloadSource,
    DownloadState,
    PartFile,
    ProgressCallback,
    Step,
    StrPath,
    WriteBatch,
    destination_path,
    disk_error,
    download_source,
    download_sources,
    is_directory_destination,
)
from piapi._core.models import Task

logger = logging.getLogger("piapi")


def plan_download(
    sender: AsyncSender, task_or_url: Task[Any, Any] | str, dest: StrPath
) -> DownloadState:
    """The download of a task's best result (or of a URL) to a file or into a directory."""
    source = download_source(task_or_url)
    return _state(sender, source, destination_path(dest, source.filename))


def plan_downloads(
    sender: AsyncSender, task: Task[Any, Any], dest_dir: StrPath, stem: str | None = None
) -> list[DownloadState]:
    """The downloads of every result of a task into a directory, best first (named `stem`
    instead of the task id when given)."""
    directory = Path(dest_dir).expanduser()
    return [
        _state(sender, source, directory / source.filename)
        for source in download_sources(task, stem)
    ]


def plan_saves(
    sender: AsyncSender, task: Task[Any, Any], download_to: StrPath
) -> list[DownloadState]:
    """`download_to=` of a wait: every result into a directory, else the best one to that file."""
    if is_directory_destination(download_to):
        return plan_downloads(sender, task, download_to)
    return [plan_download(sender, task, download_to)]


def _state(sender: AsyncSender, source: DownloadSource, path: Path) -> DownloadState:
    return DownloadState(
        source,
        path,
        base_url=sender.base_url,
        api_headers=sender.headers,
        max_retries=sender.max_retries,
    )


async def download(
    sender: AsyncSender,
    state: DownloadState,
    on_progress: ProgressCallback | None,
    deadline: Deadline,
) -> Path:
    """Perform one planned download; the part file is removed whatever happens."""
    try:
        part = await to_thread(PartFile, state.path)
    except OSError as exc:
        raise disk_error(state, exc) from exc
    try:
        with sender.lifetime.scope(deadline.remaining(sender.now())) as scope:
            await _download_into(sender, part, state, on_progress, deadline)
        if scope.cancelled_caught:
            raise state.closed_error() if sender.lifetime.closed else state.deadline_error()
        path = await to_thread(part.commit)
    except OSError as exc:
        raise disk_error(state, exc) from exc
    finally:
        part.discard()
    logger.info("downloaded %s bytes to %s", state.received, path)
    return path


async def _download_into(
    sender: AsyncSender,
    part: PartFile,
    state: DownloadState,
    on_progress: ProgressCallback | None,
    deadline: Deadline,
) -> None:
    """Request, write and resume until the body is complete, or `state` gives up."""
    while True:
        try:
            if deadline.expired(sender.now()):
                raise state.deadline_error()
            step = await _attempt(sender, part, state, on_progress, deadline)
            if step is Step.FOLLOW:
                continue
            state.finish()
            return
        except Exception as exc:
            delay = state.failed(
                exc,
                jitter=random.random(),
                time_left=deadline.remaining(sender.now()),
                closed=sender.lifetime.closed,
            )
            if delay is None:
                raise
            logger.debug("download interrupted (%s); resuming in %.2f s", exc, delay)
        await sender.sleep(delay)


async def _attempt(
    sender: AsyncSender,
    part: PartFile,
    state: DownloadState,
    on_progress: ProgressCallback | None,
    deadline: Deadline,
) -> Step:
    """One request: its answer decides the step; a body is written in 1 MiB batches."""
    request = sender.media_request(state.url, state.headers(), deadline)
    response = await sender.http.send(request, stream=True, follow_redirects=False, auth=None)
    try:
        step = state.start(response.status_code, response.headers)
        if step is Step.FOLLOW:
            return step
        if step is Step.WRITE_FROM_START:
            await to_thread(part.restart)
        await _report(state, on_progress)
        batch = WriteBatch()
        try:
            async with body_chunks(response) as chunks:
                async for chunk in chunks:
                    state.advance(len(chunk))
                    full = batch.add(chunk)
                    if full is not None:
                        await to_thread(part.write, full)
                    await _report(state, on_progress)
                    if deadline.expired(sender.now()):
                        raise state.deadline_error()
        finally:
            # Also after a drop: a resumed range appends to every byte counted.
            rest = batch.rest()
            if rest is not None:
                await to_thread(part.write, rest)
    finally:
        await response.aclose()
    await _report(state, on_progress, ended=True)
    return step


async def _report(
    state: DownloadState, on_progress: ProgressCallback | None, ended: bool = False
) -> None:
    if on_progress is not None and state.progress_due(ended=ended):
        await call_back(on_progress, state.received, state.total)
