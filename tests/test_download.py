"""Downloads: naming, resume, size checks, no partial files, no API key for the CDN.

Every client-level test runs on the sync client and on the async one under asyncio and trio.
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from piapi import (
    AsyncPiAPIClient,
    DownloadError,
    PiAPIClient,
    Sora2Task,
    Sora2VideoOutput,
    Task,
)
from piapi._core.download import (
    DownloadState,
    RetryableDownloadFailure,
    Step,
    destination_path,
    download_headers,
    download_source,
    download_sources,
    is_directory_destination,
    is_same_origin,
)
from piapi.testing import FakePiAPI, Fault

API = "https://api.piapi.ai"
CDN = "https://img.theapi.app"
KEY = "test"

Handler = Callable[[httpx.Request], httpx.Response]
Transport = httpx.BaseTransport


@pytest.fixture(params=["sync", "asyncio", "trio"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Runner:
    """Runs `client.download` with the sync client or the async one (asyncio or trio)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sleeps: list[float] = []

    def download(
        self,
        transport: Any,
        task_or_url: Task[Any, Any] | str,
        dest: Path,
        *,
        max_retries: int = 2,
        on_progress: Callable[[int, int | None], object] | None = None,
    ) -> Path:
        if self.mode == "sync":
            with httpx.Client(transport=transport) as http:
                client = PiAPIClient(
                    api_key=KEY, base_url=API, http_client=http, max_retries=max_retries
                )
                client._sleep = self.sleeps.append
                return client.download(task_or_url, dest, on_progress=on_progress)

        async def run() -> Path:
            async with httpx.AsyncClient(transport=transport) as http:
                client = AsyncPiAPIClient(
                    api_key=KEY, base_url=API, http_client=http, max_retries=max_retries
                )

                async def sleep(seconds: float) -> None:
                    self.sleeps.append(seconds)

                client._sleep = sleep
                return await client.download(task_or_url, dest, on_progress=on_progress)

        return anyio.run(run, backend=self.mode)


@pytest.fixture
def runner(mode: str) -> Runner:
    return Runner(mode)


def completed_task(piapi_client: PiAPIClient, piapi_fake: FakePiAPI) -> Sora2Task:
    task = piapi_client.sora2.create(prompt="A red fox in fresh snow")
    piapi_fake.complete(task.task_id)
    return piapi_client.tasks.wait(task)


def on_cdn(task: Sora2Task) -> Sora2Task:
    """The same task with its video on another host, as PiAPI's real CDN is."""
    assert task.output is not None
    assert task.output.video is not None
    path = httpx.URL(task.output.video).path
    return task.model_copy(update={"output": Sora2VideoOutput(video=CDN + path)})


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def task_json(status: str = "completed", video: str | None = CDN + "/ephemeral/v.mp4") -> Task:
    return Task.model_validate(
        {
            "task_id": "abc-123",
            "model": "sora2",
            "task_type": "sora2-video",
            "status": status,
            "output": None if video is None else {"video": video},
        }
    )


# --- pure decisions ---------------------------------------------------------------------------


def test_source_of_a_task_is_named_after_its_id() -> None:
    source = download_source(task_json())
    assert (source.url, source.filename) == (CDN + "/ephemeral/v.mp4", "abc-123.mp4")


@pytest.mark.parametrize(
    ("output", "names"),
    [
        ({"image_url": CDN + "/i/a.PNG"}, ["abc-123.png"]),
        ({"image_urls": [CDN + "/1.png", CDN + "/2.jpeg"]}, ["abc-123-1.png", "abc-123-2.jpeg"]),
        (
            {"video": {"url": CDN + "/w.mp4"}, "video_raw": {"url": CDN + "/raw"}},
            ["abc-123-1.mp4", "abc-123-2.mp4"],  # no extension in the URL: .mp4
        ),
        ({"model_file": CDN + "/m.glb", "cover_url": CDN + "/c.png"}, ["abc-123.glb"]),
    ],
)
def test_sources_of_every_result_are_named_after_the_task(
    output: dict[str, Any], names: list[str]
) -> None:
    task = Task.model_validate({"task_id": "abc-123", "status": "completed", "output": output})
    sources = download_sources(task)
    assert [source.filename for source in sources] == names
    assert [source.url for source in sources] == task.media_urls
    assert download_source(task).filename == "abc-123" + Path(names[0]).suffix


def test_a_directory_is_an_existing_one_or_a_path_ending_with_a_separator(
    tmp_path: Path,
) -> None:
    assert is_directory_destination(tmp_path)
    assert is_directory_destination(f"{tmp_path}/new/")
    assert not is_directory_destination(tmp_path / "new")
    assert not is_directory_destination(tmp_path / "file.mp4")


def test_source_of_a_url_keeps_its_file_name_made_safe() -> None:
    assert download_source(CDN + "/ephemeral/a%20b.mp4").filename == "a_b.mp4"
    assert download_source(CDN + "/x/..%2F..%2Fetc%2Fpasswd").filename == "passwd"
    nameless = download_source(CDN + "/").filename
    assert re.fullmatch(r"download-[0-9a-f]{12}\.mp4", nameless)
    assert download_source(CDN + "/").filename == nameless  # the same URL, the same name
    assert download_source(CDN + "/?v=2").filename != nameless


def test_names_in_any_script_stay_distinct_and_long_ones_keep_their_extension() -> None:
    # Before: every non-ASCII name became "mp4", so two downloads into one folder overwrote
    # each other, and names of 200+ characters lost their extension.
    first = download_source(CDN + "/%D0%B2%D0%B8%D0%B4%D0%B5%D0%BE.mp4").filename
    second = download_source(CDN + "/%E5%8B%95%E7%94%BB.mp4").filename
    assert (first, second) == ("видео.mp4", "動画.mp4")
    long = download_source(CDN + "/" + "ж" * 300 + ".webm").filename
    assert long.endswith("ж.webm")
    assert len(long.encode()) <= 200
    assert download_source(CDN + "/%E2%98%85%E2%98%85.mp4").filename.startswith("download-")


@pytest.mark.parametrize(
    ("task", "words"),
    [
        (task_json(status="processing", video=None), "processing, not completed"),
        (task_json(status="failed", video=None), "failed, not completed"),
        (task_json(video=None), "no result URL"),
        (task_json(video=""), "no result URL"),
    ],
)
def test_nothing_to_download_is_refused_before_any_io(
    runner: Runner, tmp_path: Path, task: Task, words: str
) -> None:
    def no_io(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    with pytest.raises(DownloadError, match=words) as info:
        runner.download(httpx.MockTransport(no_io), task, tmp_path)
    assert info.value.task is task
    assert leftovers(tmp_path) == []


def test_a_non_http_url_is_refused() -> None:
    with pytest.raises(DownloadError, match="not an http"):
        download_source("file:///etc/passwd")


def test_destination_is_a_file_or_a_directory(tmp_path: Path) -> None:
    assert destination_path(tmp_path, "t.mp4") == tmp_path / "t.mp4"
    assert destination_path(tmp_path / "out.mp4", "t.mp4") == tmp_path / "out.mp4"
    assert destination_path(f"{tmp_path}/new/", "t.mp4") == tmp_path / "new" / "t.mp4"


@pytest.mark.parametrize(
    ("url", "same"),
    [
        (API + "/media/x.mp4", True),
        ("https://API.piapi.ai:443/x", True),
        ("http://api.piapi.ai/x", False),
        ("https://api.piapi.ai:8443/x", False),
        (CDN + "/x.mp4", False),
        ("https://api.piapi.ai.evil.example/x", False),
    ],
)
def test_same_origin(url: str, same: bool) -> None:
    assert is_same_origin(url, API) is same


def test_the_cdn_gets_no_api_key_but_the_api_origin_does() -> None:
    api_headers = {"User-Agent": "piapi-python/x", "X-API-Key": KEY, "X-Custom": "1"}
    cdn = download_headers(CDN + "/v.mp4", API, api_headers)
    assert {k.lower() for k in cdn} == {"user-agent", "accept", "accept-encoding"}
    assert download_headers(API + "/v.mp4", API, api_headers)["X-API-Key"] == KEY


def test_resume_asks_for_the_rest_and_accepts_only_the_right_range(tmp_path: Path) -> None:
    state = DownloadState(
        download_source(CDN + "/v.mp4"), tmp_path / "v", base_url=API, api_headers={}, max_retries=2
    )
    assert "Range" not in state.headers()
    assert state.start(200, {"content-length": "100"}) is Step.WRITE_FROM_START
    state.advance(40)
    with pytest.raises(RetryableDownloadFailure):
        state.finish()
    assert state.headers()["Range"] == "bytes=40-"
    step = state.start(206, {"content-range": "bytes 40-99/100", "content-length": "60"})
    assert step is Step.APPEND
    assert state.total == 100
    state.advance(60)
    state.finish()


def test_a_200_answer_to_a_range_restarts_from_zero(tmp_path: Path) -> None:
    state = DownloadState(
        download_source(CDN + "/v.mp4"), tmp_path / "v", base_url=API, api_headers={}, max_retries=2
    )
    state.headers()
    state.start(200, {"content-length": "100"})
    state.advance(40)
    state.headers()
    assert state.start(200, {"content-length": "100"}) is Step.WRITE_FROM_START
    assert state.received == 0


# --- the clients, against the fake PiAPI --------------------------------------------------


def test_download_a_completed_task_into_a_directory(
    runner: Runner, piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    task = completed_task(piapi_client, piapi_fake)
    assert task.output is not None
    assert task.output.video is not None
    progress: list[tuple[int, int | None]] = []

    path = runner.download(
        piapi_fake.transport(), task, tmp_path, on_progress=lambda r, t: progress.append((r, t))
    )

    assert path == tmp_path / f"{task.task_id}.mp4"
    assert path.read_bytes() == piapi_fake.media(task.output.video).read()
    assert leftovers(tmp_path) == [path.name]
    assert progress[-1] == (path.stat().st_size, path.stat().st_size)


def test_no_api_key_is_sent_to_the_media_cdn(
    runner: Runner, piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    task = on_cdn(completed_task(piapi_client, piapi_fake))
    runner.download(piapi_fake.transport(), task, tmp_path / "fox.mp4")
    media = [r for r in piapi_fake.requests if r.endpoint == "media"]
    assert media
    assert all("x-api-key" not in r.headers for r in media)
    assert (tmp_path / "fox.mp4").exists()


def test_a_cut_download_resumes_with_a_range_request(
    runner: Runner, piapi_fake: FakePiAPI, piapi_client: PiAPIClient, tmp_path: Path
) -> None:
    piapi_fake.media_size = 1_000_000
    task = on_cdn(completed_task(piapi_client, piapi_fake))
    assert task.output is not None
    assert task.output.video is not None
    piapi_fake.faults.add(Fault.cut_media(0.4), endpoint="media", times=1)

    path = runner.download(piapi_fake.transport(), task, tmp_path)

    assert path.read_bytes() == piapi_fake.media(task.output.video).read()
    ranges = [r.headers.get("range") for r in piapi_fake.requests if r.endpoint == "media"]
    assert ranges == [None, "bytes=400000-"]
    assert len(runner.sleeps) == 1
    assert leftovers(tmp_path) == [path.name]


def test_a_download_cut_every_time_leaves_nothing_behind(
    runner: Runner, piapi_fake: FakePiAPI, piapi_client: PiAPIClient, tmp_path: Path
) -> None:
    piapi_fake.media_size = 200_000
    task = on_cdn(completed_task(piapi_client, piapi_fake))
    piapi_fake.faults.add(Fault.cut_media(0.3), endpoint="media")

    with pytest.raises(DownloadError, match="after 3 attempt") as info:
        runner.download(piapi_fake.transport(), task, tmp_path / "out.mp4", max_retries=2)

    assert info.value.task is not None
    assert info.value.task.task_id == task.task_id
    assert leftovers(tmp_path) == []


def test_memory_stays_flat_for_a_large_video(
    piapi_fake: FakePiAPI, piapi_client: PiAPIClient, tmp_path: Path
) -> None:
    piapi_fake.media_size = 32 * 1024 * 1024
    task = on_cdn(completed_task(piapi_client, piapi_fake))
    tracemalloc.start()
    try:
        path = piapi_client.download(task, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert path.stat().st_size == 32 * 1024 * 1024
    assert peak < 4 * 1024 * 1024


def test_create_and_wait_downloads_to(
    piapi_client: PiAPIClient, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    task = piapi_client.sora2.create_and_wait(prompt="A fox", download_to=tmp_path)
    assert (tmp_path / f"{task.task_id}.mp4").stat().st_size == piapi_fake.media_size


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_async_create_and_wait_downloads_to_with_async_progress(
    piapi_async_client: AsyncPiAPIClient, tmp_path: Path
) -> None:
    task = await piapi_async_client.sora2.create_and_wait(
        prompt="A fox", download_to=tmp_path / "fox.mp4"
    )
    seen: list[int] = []

    async def progress(received: int, total: int | None) -> None:
        seen.append(received)

    again = await piapi_async_client.download(task, tmp_path / "again.mp4", on_progress=progress)
    assert again.read_bytes() == (tmp_path / "fox.mp4").read_bytes()
    assert seen[-1] == again.stat().st_size


# --- the clients, against scripted answers ------------------------------------------------


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body for both clients that may fail after some chunks."""

    def __init__(self, *chunks: bytes, error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def serve(
    *answers: Callable[[httpx.Request], httpx.Response],
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1](request)

    return httpx.MockTransport(handler), seen


def body(
    data: bytes, status: int = 200, *, length: int | None = None, location: str = ""
) -> Handler:
    headers = {"location": location} if location else {}
    if length is not None:
        headers["content-length"] = str(length)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, content=data)

    return answer


def test_a_server_ignoring_range_restarts_from_zero(runner: Runner, tmp_path: Path) -> None:
    data = bytes(range(256)) * 40

    def cut(request: httpx.Request) -> httpx.Response:
        stream = Body(data[:1000], error=httpx.ReadError("connection reset"))
        return httpx.Response(200, headers={"content-length": str(len(data))}, stream=stream)

    transport, seen = serve(cut, body(data))
    path = runner.download(transport, CDN + "/v.mp4", tmp_path)

    assert path.read_bytes() == data
    assert seen[1].headers["range"] == "bytes=1000-"


def test_a_short_body_is_retried_then_refused(runner: Runner, tmp_path: Path) -> None:
    transport, seen = serve(body(b"x" * 50, length=100))
    with pytest.raises(DownloadError, match="ended after 50 of 100 bytes"):
        runner.download(transport, CDN + "/v.mp4", tmp_path / "v.mp4", max_retries=1)
    assert len(seen) == 2
    assert leftovers(tmp_path) == []


# httpx's aiter_bytes leaves its inner aiter_raw generator to the GC when a body is
# abandoned midway; trio reports that as unraisable. Our own generator is closed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_body_longer_than_announced_is_refused(runner: Runner, tmp_path: Path) -> None:
    def long(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "10"}, stream=Body(b"x" * 20))

    transport, _ = serve(long)
    with pytest.raises(DownloadError, match="more than the announced 10 bytes"):
        runner.download(transport, CDN + "/v.mp4", tmp_path / "v.mp4")
    assert leftovers(tmp_path) == []


def test_an_expired_url_fails_at_once_with_a_hint(runner: Runner, tmp_path: Path) -> None:
    transport, seen = serve(body(b"gone", 404))
    with pytest.raises(DownloadError, match=r"HTTP 404\. The URL may have expired"):
        runner.download(transport, CDN + "/v.mp4", tmp_path)
    assert len(seen) == 1


def test_server_errors_are_retried(runner: Runner, tmp_path: Path) -> None:
    transport, seen = serve(body(b"", 503), body(b"video", length=5))
    path = runner.download(transport, CDN + "/v.mp4", tmp_path)
    assert path.read_bytes() == b"video"
    assert len(seen) == 2
    assert len(runner.sleeps) == 1


def test_a_redirect_to_the_cdn_drops_the_key(runner: Runner, tmp_path: Path) -> None:
    transport, seen = serve(body(b"", 302, location=CDN + "/real.mp4"), body(b"video", length=5))
    path = runner.download(transport, API + "/media/v.mp4", tmp_path)
    assert path == tmp_path / "v.mp4"
    assert path.read_bytes() == b"video"
    assert seen[0].headers["x-api-key"] == KEY
    assert seen[1].url.host == "img.theapi.app"
    assert "x-api-key" not in seen[1].headers


def test_an_existing_file_is_replaced_only_when_complete(runner: Runner, tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    dest.write_bytes(b"old video")
    transport, _ = serve(body(b"", 500))
    with pytest.raises(DownloadError):
        runner.download(transport, CDN + "/v.mp4", dest)
    assert dest.read_bytes() == b"old video"
    transport, _ = serve(body(b"new", length=3))
    runner.download(transport, CDN + "/v.mp4", dest)
    assert dest.read_bytes() == b"new"
    assert leftovers(tmp_path) == ["v.mp4"]


def test_ctrl_c_during_a_download_leaves_nothing_behind(runner: Runner, tmp_path: Path) -> None:
    transport, _ = serve(body(b"x" * 10, length=10))

    def interrupt(received: int, total: int | None) -> None:
        if received:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.download(transport, CDN + "/v.mp4", tmp_path / "v.mp4", on_progress=interrupt)
    assert leftovers(tmp_path) == []


def test_an_unwritable_destination_is_a_download_error(runner: Runner, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    transport, seen = serve(body(b"video"))
    with pytest.raises(DownloadError, match="Could not write"):
        runner.download(transport, CDN + "/v.mp4", tmp_path / "file" / "v.mp4")
    assert seen == []


# --- the decisions of the download loop, by table ---------------------------------------------


def state_for(tmp_path: Path, *, max_retries: int = 2) -> DownloadState:
    return DownloadState(
        download_source(CDN + "/v.mp4"),
        tmp_path / "v",
        base_url=API,
        api_headers={},
        max_retries=max_retries,
    )


def cut_at(state: DownloadState, headers: dict[str, str], received: int) -> None:
    """A first full answer with `headers`, cut after `received` bytes."""
    state.headers()
    state.start(200, headers)
    state.advance(received)


@pytest.mark.parametrize(
    ("first", "if_range"),
    [
        ({"content-length": "100", "etag": '"abc"'}, '"abc"'),
        (
            {"content-length": "100", "etag": 'W/"weak"', "last-modified": "Tue, 1 Jul 2025"},
            "Tue, 1 Jul 2025",
        ),
        ({"content-length": "100", "last-modified": "Tue, 1 Jul 2025"}, "Tue, 1 Jul 2025"),
        ({"content-length": "100"}, None),  # no validator: the size is checked instead
    ],
)
def test_a_resume_is_guarded_by_if_range(
    tmp_path: Path, first: dict[str, str], if_range: str | None
) -> None:
    state = state_for(tmp_path)
    cut_at(state, first, 40)
    headers = state.headers()
    assert headers["Range"] == "bytes=40-"
    assert headers.get("If-Range") == if_range


def test_without_a_validator_or_a_size_a_drop_starts_over(tmp_path: Path) -> None:
    state = state_for(tmp_path)
    cut_at(state, {}, 40)
    assert "Range" not in state.headers()
    assert state.received == 0


@pytest.mark.parametrize(
    ("first", "answer", "why"),
    [
        (
            {"content-length": "100", "etag": '"a"'},
            {"content-range": "bytes 40-99/100", "etag": '"b"'},
            "changed ETag",
        ),
        ({"content-length": "100"}, {"content-range": "bytes 40-119/120"}, "changed size"),
        ({"content-length": "100"}, {"content-range": "bytes 0-99/100"}, "wrong offset"),
        ({"content-length": "100"}, {}, "no Content-Range"),
    ],
)  # fmt: skip
def test_a_range_that_does_not_fit_restarts_from_zero(
    tmp_path: Path, first: dict[str, str], answer: dict[str, str], why: str
) -> None:
    state = state_for(tmp_path)
    cut_at(state, first, 40)
    state.headers()
    with pytest.raises(RetryableDownloadFailure):
        state.start(206, answer)
    assert state.received == 0, why
    assert "Range" not in state.headers(), why


def test_a_partial_answer_nobody_asked_for_is_not_the_file(tmp_path: Path) -> None:
    state = state_for(tmp_path)
    state.headers()
    with pytest.raises(RetryableDownloadFailure, match="unasked"):
        state.start(206, {"content-range": "bytes 0-99/100"})


def test_an_unsatisfiable_range_restarts(tmp_path: Path) -> None:
    state = state_for(tmp_path)
    cut_at(state, {"content-length": "100"}, 40)
    state.headers()
    with pytest.raises(RetryableDownloadFailure, match="416"):
        state.start(416, {})
    assert state.received == 0


def test_redirects_are_followed_five_times_then_refused(tmp_path: Path) -> None:
    state = state_for(tmp_path)
    for hop in range(5):
        assert state.start(302, {"location": f"/hop{hop}"}) is Step.FOLLOW
    assert state.url == CDN + "/hop4"
    with pytest.raises(DownloadError, match="more than 5 redirects"):
        state.start(302, {"location": "/hop5"})


@pytest.mark.parametrize("location", ["ftp://x/y", "https://cdn.example:99999/x", "http://h/\x00"])
def test_a_redirect_to_a_url_that_cannot_be_requested_is_refused(
    tmp_path: Path, location: str
) -> None:
    with pytest.raises(DownloadError, match="Cannot download"):
        state_for(tmp_path).start(307, {"location": location})


@pytest.mark.parametrize(
    ("failure", "retried"),
    [
        (RetryableDownloadFailure("HTTP 503"), True),
        (httpx.ReadError("reset"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.DecodingError("gzip"), False),
        (httpx.InvalidURL("bad"), False),
        (KeyError("the caller's"), None),
    ],
)
def test_which_failures_are_worth_another_attempt(
    tmp_path: Path, failure: Exception, retried: bool | None
) -> None:
    state = state_for(tmp_path)
    if retried is None:
        assert state.failed(failure, jitter=0.0) is None  # not ours: re-raised as it is
    elif retried:
        assert state.failed(failure, jitter=0.0) == 0.5
    else:
        with pytest.raises(DownloadError):
            state.failed(failure, jitter=0.0)


@pytest.mark.parametrize(
    ("time_left", "closed", "words"),
    [
        (0.0, False, "did not finish within its timeout"),
        (0.3, False, "did not finish within its timeout"),  # the 0.5 s pause would not fit
        (None, True, "client was closed"),
    ],
)
def test_no_retry_outlives_the_timeout_or_the_client(
    tmp_path: Path, time_left: float | None, closed: bool, words: str
) -> None:
    with pytest.raises(DownloadError, match=words):
        state_for(tmp_path).failed(
            httpx.ReadError("x"), jitter=0.0, time_left=time_left, closed=closed
        )


def test_retries_run_out(tmp_path: Path) -> None:
    state = state_for(tmp_path, max_retries=1)
    assert state.failed(httpx.ReadError("x"), jitter=0.0) == 0.5
    with pytest.raises(DownloadError, match="after 2 attempt"):
        state.failed(httpx.ReadError("x"), jitter=0.0)


def test_progress_is_reported_at_start_every_step_and_at_the_end(tmp_path: Path) -> None:
    from piapi._core.download import PROGRESS_STEP

    state = state_for(tmp_path)
    state.headers()
    state.start(200, {"content-length": str(3 * PROGRESS_STEP + 10)})
    reports = [state.received] if state.progress_due() else []
    for _ in range(12):
        state.advance(PROGRESS_STEP // 4)
        if state.progress_due():
            reports.append(state.received)
    state.advance(10)
    if state.progress_due():
        reports.append(state.received)
    if state.progress_due(ended=True):
        reports.append(state.received)
    assert reports[0] == 0
    assert reports[1:4] == [PROGRESS_STEP, 2 * PROGRESS_STEP, 3 * PROGRESS_STEP]
    assert reports[-1] == state.received
    assert not state.progress_due(ended=True)  # nothing new since


def test_write_batches_gather_small_chunks() -> None:
    from piapi._core.download import WriteBatch

    batch = WriteBatch(limit=10)
    assert batch.add(b"1234") is None
    assert batch.add(b"5678") is None
    assert batch.add(b"90ab") == b"1234567890ab"
    assert batch.rest() is None
    assert batch.add(b"c") is None
    assert batch.rest() == b"c"
