"""A FastAPI service that makes Sora 2 videos on request, with one shared async client.

- `POST /videos` creates a task and answers at once with its id (202);
  `POST /videos?wait=true` awaits the finished video instead.
- `GET /videos/{task_id}` reports a task's status, video URL and cost.

One `AsyncPiAPIClient` is opened in the app's lifespan and shared by every request (it
holds the connection pool). SDK errors become HTTP answers in one exception handler.
Serve it with `uvicorn examples.fastapi_service:app`; run as a script it starts itself
on 127.0.0.1, makes one request to itself, prints the answer and exits. Uses the
embedded fake PiAPI unless `PIAPI_API_KEY` is set.

Install: `pip install "piapi-sdk[examples]"` (FastAPI and uvicorn).
"""

import asyncio
import socket
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from piapi import (
    APIStatusError,
    AsyncPiAPIClient,
    PiAPIError,
    Task,
    TaskFailedError,
)
from piapi.testing import fake_unless_configured


class VideoRequest(BaseModel):
    prompt: str
    duration: Literal[4, 8, 12] = 4
    aspect_ratio: Literal["16:9", "9:16"] = "16:9"


class VideoResponse(BaseModel):
    task_id: str
    status: str
    video_url: str | None
    cost_usd: str | None

    @classmethod
    def of(cls, task: Task[Any, Any]) -> "VideoResponse":
        cost = task.cost_usd  # None when PiAPI reports no usage
        return cls(
            task_id=task.task_id,
            status=str(task.status),
            # media_urls is [] until the task completes
            video_url=task.media_urls[0] if task.media_urls else None,
            cost_usd=None if cost is None else f"{cost:.2f}",
        )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncGenerator[None, None]:
    async with AsyncPiAPIClient() as client:  # reads PIAPI_API_KEY / PIAPI_BASE_URL
        app.state.piapi = client
        yield


app = FastAPI(title="Video service", lifespan=lifespan)


def piapi_client(request: Request) -> AsyncPiAPIClient:
    client: AsyncPiAPIClient = request.app.state.piapi
    return client


@app.exception_handler(PiAPIError)
async def piapi_error(request: Request, exc: PiAPIError) -> JSONResponse:
    status = 502  # PiAPI failed us
    if isinstance(exc, TaskFailedError):
        status = 422  # the video itself failed: nothing to retry as is
    elif isinstance(exc, APIStatusError) and exc.status_code == 404:
        status = 404
    return JSONResponse(
        {"error": type(exc).__name__, "detail": str(exc)}, status_code=status
    )


@app.post("/videos", status_code=202)
async def create_video(
    body: VideoRequest, request: Request, response: Response, wait: bool = False
) -> VideoResponse:
    client = piapi_client(request)
    if wait:  # the request stays open until the video is ready (minutes on real PiAPI)
        task = await client.sora2.create_and_wait(
            prompt=body.prompt,
            duration=body.duration,
            aspect_ratio=body.aspect_ratio,
            timeout=900,
        )
        response.status_code = 200
    else:  # answer at once; the caller polls GET /videos/{task_id}
        task = await client.sora2.create(
            prompt=body.prompt, duration=body.duration, aspect_ratio=body.aspect_ratio
        )
    return VideoResponse.of(task)


@app.get("/videos/{task_id}")
async def get_video(task_id: str, request: Request) -> VideoResponse:
    return VideoResponse.of(await piapi_client(request).tasks.get(task_id))


async def self_test() -> None:
    """Serve the app on a free loopback port, call it once with httpx, then stop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn has no started event)
            await asyncio.sleep(0.01)
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            answer = await http.post(
                "/videos",
                params={"wait": "true"},
                json={"prompt": "A koi pond in the rain"},
            )
            print("POST /videos?wait=true ->", answer.status_code)
            video = VideoResponse.model_validate(answer.json())
            print("video:", video.video_url)
            print(f"cost: ${video.cost_usd}")
            status = await http.get(f"/videos/{video.task_id}")
            answer_status = status.json()["status"]
            print(
                f"GET /videos/{video.task_id} -> {status.status_code} {answer_status}"
            )
    finally:
        server.should_exit = True
        await serving
        sock.close()


if __name__ == "__main__":
    with fake_unless_configured():
        asyncio.run(self_test())
