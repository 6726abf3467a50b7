"""Receive PiAPI webhooks: verify the secret, drop redeliveries, download finished videos.

PiAPI calls the endpoint several times per task (and again when a call fails), and the video
URL it sends is ephemeral, so the receiver answers at once and downloads in the background.

Run it (needs `pip install "piapi-sdk[webhooks]"`):

    export PIAPI_API_KEY=... PIAPI_WEBHOOK_SECRET=... PIAPI_DOWNLOAD_DIR=videos
    uvicorn --factory examples.webhook_receiver:app_from_env --port 8000

then create tasks with `webhook=WebhookConfig(endpoint="https://<your host>/webhook",
secret=<the same secret>)`. Try it for free against `piapi fake-server`.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from piapi import (
    AsyncPiAPIClient,
    DownloadError,
    Task,
    TaskStatus,
    WebhookParseError,
    WebhookVerificationError,
    webhooks,
)

logger = logging.getLogger("webhook_receiver")


class SeenKeys:
    """The dedup keys of the last `limit` notifications: memory stays bounded."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._keys: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> bool:
        """Remember `key`; False when it was already seen (a redelivery)."""
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self.limit:
            self._keys.popitem(last=False)
        return True


def create_app(
    *,
    secret: str,
    download_dir: str | os.PathLike[str],
    client: AsyncPiAPIClient | None = None,
) -> Starlette:
    """A Starlette app with `POST /webhook` that verifies, de-duplicates and downloads.

    Args:
        secret: The webhook secret given to PiAPI in `WebhookConfig`.
        download_dir: Where finished videos go, as `<task_id>.mp4`.
        client: The client used to download; default one from the environment, closed
            with the app (a client you pass stays yours to close).

    Returns:
        The app; `app.state.downloads` maps task ids to downloaded files.
    """
    if not secret:
        raise ValueError("a webhook secret is required: without one anyone can call you")
    directory = Path(download_dir)
    seen = SeenKeys()
    # Task ids being downloaded or done: a task may report `completed` more than once.
    claimed: set[str] = set()
    downloads: dict[str, Path] = {}
    api: AsyncPiAPIClient | None = client

    async def download(task: Task[Any, Any]) -> None:
        assert api is not None
        try:
            path = await api.download(task, directory)
        except DownloadError as exc:
            claimed.discard(task.task_id)  # let a later redelivery try again
            logger.error("download of task %s failed: %s", task.task_id, exc)
            return
        downloads[task.task_id] = path
        logger.info("task %s saved to %s", task.task_id, path)

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            event = webhooks.parse(body, request.headers, secret=secret)
        except WebhookVerificationError:
            return JSONResponse({"error": "invalid webhook secret"}, status_code=401)
        except WebhookParseError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        task = event.task
        if not seen.add(event.dedup_key):
            return JSONResponse({"status": "duplicate"})
        logger.info("task %s is %s", task.task_id, task.status.value)
        if task.status is TaskStatus.COMPLETED and task.task_id not in claimed:
            claimed.add(task.task_id)
            # Answer now and download after the response: PiAPI should not wait for it.
            return JSONResponse(
                {"status": "downloading"}, background=BackgroundTask(download, task)
            )
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncGenerator[None, None]:
        nonlocal api
        owned = api is None
        if api is None:
            api = AsyncPiAPIClient()
        try:
            yield
        finally:
            if owned:
                await api.aclose()

    app = Starlette(routes=[Route("/webhook", receive, methods=["POST"])], lifespan=lifespan)
    app.state.downloads = downloads
    return app


def app_from_env() -> Starlette:
    """The app configured from `PIAPI_WEBHOOK_SECRET` and `PIAPI_DOWNLOAD_DIR` (default ".")."""
    return create_app(
        secret=os.environ["PIAPI_WEBHOOK_SECRET"],
        download_dir=os.environ.get("PIAPI_DOWNLOAD_DIR", "."),
    )


if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app_from_env(), host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
