"""Receive PiAPI webhooks: verify the secret, drop redeliveries, download the videos.

PiAPI calls the endpoint several times per task (and again when a call fails), and the
video URL it sends is ephemeral, so the receiver answers at once and downloads in the
background.
The secret header is checked before the body is read, and a body over 1 MB is refused.

Install: `pip install "piapi-sdk[webhooks]"`. Serve it for PiAPI with

    export PIAPI_API_KEY=... PIAPI_WEBHOOK_SECRET=... PIAPI_DOWNLOAD_DIR=videos
    uvicorn --factory examples.webhook_receiver:app_from_env --port 8000

then create tasks with `webhook=WebhookConfig(endpoint="https://<your host>/webhook",
secret=<the same secret>)`. Run as a script with nothing set, it tries itself offline:
the embedded fake PiAPI sends a task's webhooks to it (with a secret made up for the
run) and the video is saved to a temporary directory (or `PIAPI_DOWNLOAD_DIR`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import tempfile
from collections import OrderedDict
from collections.abc import AsyncGenerator
from contextlib import aclosing, asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
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
    WebhookConfig,
    WebhookParseError,
    WebhookVerificationError,
    webhooks,
)
from piapi.testing import fake_unless_configured

logger = logging.getLogger("webhook_receiver")
MAX_BODY = 1_000_000  # bytes: a notification is a few KB; anything bigger is not PiAPI


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


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async with aclosing(request.stream()) as chunks:  # closed even when left early
        async for chunk in chunks:
            body += chunk
            if len(body) > limit:
                return None
    return bytes(body)


def create_app(
    *,
    secret: str,
    download_dir: str | os.PathLike[str],
    client: AsyncPiAPIClient | None = None,
    max_body: int = MAX_BODY,
) -> Starlette:
    """A Starlette app with `POST /webhook` that verifies, de-duplicates and downloads.

    Args:
        secret: The webhook secret given to PiAPI in `WebhookConfig`.
        download_dir: Where finished videos go, as `<task_id>.mp4`.
        client: The client used to download; default one from the environment, closed
            with the app (a client you pass stays yours to close).
        max_body: The largest body read, in bytes; a larger one is refused (413).

    Returns:
        The app; `app.state.downloads` maps task ids to downloaded files.
    """
    if not secret:
        raise ValueError("a webhook secret is required: without one anyone can call")
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
        try:  # before reading the body: a stranger's POST costs nothing
            webhooks.verify(request.headers, secret)
        except WebhookVerificationError:
            return JSONResponse({"error": "invalid webhook secret"}, status_code=401)
        body = await read_body(request, max_body)
        if body is None:
            return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            event = webhooks.parse_unverified(body)  # verified above
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

    routes = [Route("/webhook", receive, methods=["POST"])]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.downloads = downloads
    return app


def secret_from_env() -> str:
    """`PIAPI_WEBHOOK_SECRET`, or a random secret for this run when it is not set."""
    secret = os.environ.get("PIAPI_WEBHOOK_SECRET")
    if secret:
        return secret
    logger.warning(
        "PIAPI_WEBHOOK_SECRET is not set: using a random secret that only this process "
        "knows (fine for a try-out; for PiAPI, set the secret of your WebhookConfig)"
    )
    return secrets.token_urlsafe(32)


def app_from_env() -> Starlette:
    """The app set up from `PIAPI_WEBHOOK_SECRET` and `PIAPI_DOWNLOAD_DIR` (or ".")."""
    return create_app(
        secret=secret_from_env(), download_dir=os.environ.get("PIAPI_DOWNLOAD_DIR", ".")
    )


async def try_it_offline(download_dir: Path) -> None:
    """Serve the receiver on a loopback port; the fake PiAPI calls it for a task."""
    secret = secret_from_env()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    async with AsyncPiAPIClient() as client:
        app = create_app(secret=secret, download_dir=download_dir, client=client)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            while not server.started:  # noqa: ASYNC110 (uvicorn has no started event)
                await asyncio.sleep(0.01)
            endpoint = f"http://127.0.0.1:{port}/webhook"
            hook = WebhookConfig(endpoint=endpoint, secret=secret)
            task = await client.sora2.create_and_wait(prompt="A koi pond", webhook=hook)
            downloads: dict[str, Path] = app.state.downloads
            deadline = asyncio.get_running_loop().time() + 60
            while task.task_id not in downloads:
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError("the webhook's download did not end within 60 s")
                await asyncio.sleep(0.01)
            path = downloads[task.task_id]
            size = path.stat().st_size
            print(f"saved {path} ({size} bytes) from task {task.task_id}")
        finally:
            server.should_exit = True
            await serving
            sock.close()


if __name__ == "__main__":
    logging.basicConfig(format="%(name)s: %(message)s")
    logger.setLevel(logging.INFO)
    with fake_unless_configured() as fake:
        if fake is None:  # a real key: serve, for PiAPI to call
            port = int(os.environ.get("PORT", "8000"))
            uvicorn.run(app_from_env(), host="127.0.0.1", port=port)
        else:
            folder = os.environ.get("PIAPI_DOWNLOAD_DIR")
            folder = folder or tempfile.mkdtemp(prefix="videos-")
            asyncio.run(try_it_offline(Path(folder)))
