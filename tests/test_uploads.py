"""`client.files.upload`: the pure decisions by tables (where, name, size, answers), then
uploads on the sync, asyncio and trio clients, refusals before sending, and the key going
to the API and the upload host only."""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from _support import API_KEY, Api, fake_handler
from piapi import (
    APIResponseValidationError,
    BadRequestError,
    InternalServerError,
    PermissionDeniedError,
    PiAPIClient,
)
from piapi._core.uploads import (
    MAX_UPLOAD_BYTES,
    PIAPI_UPLOAD_URL,
    read_upload_url,
    resolve_upload_url,
    upload_body,
    upload_name,
)
from piapi.kling import KlingVideoInput
from piapi.testing import FakePiAPI, FakePiAPIServer, Fault, PngMedia

MakeApi = Callable[..., Api]
PNG = PngMedia(7).read()
UPLOADED = "https://img.theapi.app/ephemeral/frame.png"

# --- where uploads go ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload_url", "base_url", "expected"),
    [
        (None, "https://api.piapi.ai", PIAPI_UPLOAD_URL),
        (None, "https://API.PiAPI.ai", PIAPI_UPLOAD_URL),
        # Another API URL (a proxy, the fake): the same host, never a host not named.
        (None, "http://127.0.0.1:8000", "http://127.0.0.1:8000/api/ephemeral_resource"),
        (None, "https://proxy.example/piapi", "https://proxy.example/piapi/api/ephemeral_resource"),
        (None, "https://api.piapi.ai.evil.example", "https://api.piapi.ai.evil.example"
         "/api/ephemeral_resource"),
        ("https://files.example/up", "https://api.piapi.ai", "https://files.example/up"),
    ],
)  # fmt: skip
def test_where_uploads_go(upload_url: str | None, base_url: str, expected: str) -> None:
    assert resolve_upload_url(upload_url, base_url) == expected
    assert PIAPI_UPLOAD_URL == "https://upload.theapi.app/api/ephemeral_resource"


@pytest.mark.parametrize("bad", ["upload.theapi.app", "ftp://x/y", "https://", "http://[::1"])
def test_a_bad_upload_url_is_refused_when_the_client_is_built(bad: str) -> None:
    with pytest.raises(ValueError, match="upload_url must be an http"):
        PiAPIClient(api_key="k", upload_url=bad)


def test_the_client_says_where_it_uploads() -> None:
    assert PiAPIClient(api_key="k").upload_url == PIAPI_UPLOAD_URL
    client = PiAPIClient(api_key="k", base_url="http://127.0.0.1:9/")
    assert client.upload_url == "http://127.0.0.1:9/api/ephemeral_resource"


# --- names, sizes, bodies --------------------------------------------------------------------


class Named(io.BytesIO):
    name = "/somewhere/clip.MP4"


@pytest.mark.parametrize(
    ("file", "file_name", "expected"),
    [
        ("/tmp/frame.png", None, "frame.png"),
        (Path("~/pics/Frame.JPG"), None, "Frame.JPG"),  # extensions in any case
        (Named(b""), None, "clip.MP4"),
        (b"...", "frame.webp", "frame.webp"),
        ("/tmp/frame.png", "other.jpg", "other.jpg"),  # file_name wins
        (io.BytesIO(b""), "a.mp3", "a.mp3"),
    ],
)
def test_upload_name(file: Any, file_name: str | None, expected: str) -> None:
    assert upload_name(file, file_name) == expected


@pytest.mark.parametrize(
    ("file", "file_name", "words"),
    [
        (b"...", None, "needs file_name="),
        (io.BytesIO(b""), None, "needs file_name="),
        ("/tmp/notes.txt", None, r"does not take \.txt uploads"),
        ("/tmp/archive.png.zip", None, r"\.zip"),
        ("/tmp/README", None, "files without an extension"),
        (b"...", "x" * 125 + ".png", "at most 128 characters"),
    ],
)
def test_upload_name_refusals(file: Any, file_name: str | None, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        upload_name(file, file_name)


def test_the_body_is_the_name_and_the_bytes_in_base64() -> None:
    body = json.loads(upload_body("frame.png", PNG))
    assert body == {"file_name": "frame.png", "file_data": base64.b64encode(PNG).decode()}


def test_the_body_refuses_more_than_10_mb() -> None:
    upload_body("big.png", b"\0" * MAX_UPLOAD_BYTES)  # exactly the limit is fine
    with pytest.raises(ValueError, match=r"10\.0 MB; PiAPI takes uploads of at most 10 MB"):
        upload_body("big.png", b"\0" * (MAX_UPLOAD_BYTES + 1))


# --- reading answers -------------------------------------------------------------------------


def answer(status: int, body: object) -> httpx.Response:
    request = httpx.Request("POST", PIAPI_UPLOAD_URL)
    if isinstance(body, str):
        return httpx.Response(status, text=body, request=request)
    return httpx.Response(status, json=body, request=request)


@pytest.mark.parametrize(
    "body",
    [
        {"code": 200, "data": {"url": UPLOADED}, "message": "success"},  # the docs
        {"url": UPLOADED},  # PiAPI's CLI reads it at the top level
        {"code": 0, "data": None, "url": UPLOADED},
    ],
    ids=["data.url", "top-level url", "code 0"],
)
def test_both_spellings_of_the_url_are_read(body: object) -> None:
    assert read_upload_url(answer(200, body)) == UPLOADED


@pytest.mark.parametrize(
    "body",
    [
        {"code": 200, "data": {}, "message": "success"},
        {"code": 200, "data": {"url": 42}},
        {"code": 200, "data": {"url": "not a url"}},
        {"code": 200, "data": {"url": "ftp://x/y.png"}},
        {"code": 200, "data": ["https://x/y.png"]},
        "<html>a proxy</html>",
        '{"code": 200, "data": {"url": "https://x',  # cut short
    ],
)
def test_a_garbled_answer_is_unreadable(body: object) -> None:
    with pytest.raises(APIResponseValidationError):
        read_upload_url(answer(200, body))


def test_an_unreadable_answer_that_echoes_the_key_keeps_it_out_of_the_error() -> None:
    body = {"code": 200, "data": {"echo": f"x-api-key: {API_KEY}"}}
    with pytest.raises(APIResponseValidationError) as caught:
        read_upload_url(answer(200, body), secrets=[API_KEY])
    assert API_KEY not in f"{caught.value!s} {caught.value!r} {caught.value.text}"


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (403, {"code": 403, "message": "Insufficient plan level"}, PermissionDeniedError,
         r"Creator plan or higher.*\(Insufficient plan level\)"),
        (200, {"code": 403, "message": "Insufficient plan level"}, PermissionDeniedError,
         "Creator plan or higher"),
        (400, {"code": 400, "message": "Invalid request parameters"}, BadRequestError,
         r"refused the file.*\(Invalid request parameters\)"),
        (403, "", PermissionDeniedError, r"Creator plan or higher.*\(HTTP 403\)"),
        (500, {"code": 500, "message": "boom"}, InternalServerError, "boom"),
    ],
)  # fmt: skip
def test_error_answers(status: int, body: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words) as caught:
        read_upload_url(answer(status, body))
    assert not caught.value.task_may_exist  # type: ignore[attr-defined]


# --- the clients -----------------------------------------------------------------------------


def _ok(url: str = UPLOADED) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": 200, "data": {"url": url}, "message": "ok"})

    return handle


def _sent(api: Api) -> tuple[str, bytes]:
    (request,) = api.requests
    assert request.method == "POST"
    assert str(request.url) == PIAPI_UPLOAD_URL
    assert request.headers["x-api-key"] == API_KEY
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.content)
    return body["file_name"], base64.b64decode(body["file_data"])


def test_upload_a_path(make_api: MakeApi, tmp_path: Path) -> None:
    path = tmp_path / "frame.png"
    path.write_bytes(PNG)
    api = make_api(_ok())
    assert api("files.upload", path) == UPLOADED
    assert _sent(api) == ("frame.png", PNG)


def test_upload_bytes_with_a_name(make_api: MakeApi) -> None:
    api = make_api(_ok())
    assert api("files.upload", PNG, file_name="first.png") == UPLOADED
    assert _sent(api) == ("first.png", PNG)


def test_upload_a_binary_file_object(make_api: MakeApi, tmp_path: Path) -> None:
    path = tmp_path / "take.webp"
    path.write_bytes(PNG)
    api = make_api(_ok())
    with path.open("rb") as file:
        api("files.upload", file)
    assert _sent(api) == ("take.webp", PNG)


def test_upload_a_text_file_object_is_refused(make_api: MakeApi, tmp_path: Path) -> None:
    path = tmp_path / "frame.png"
    path.write_text("not binary")
    api = make_api(_ok())
    with path.open("r") as file, pytest.raises(TypeError, match="binary mode"):
        api("files.upload", file)
    assert api.requests == []


@pytest.mark.parametrize(
    ("make_file", "file_name", "error", "words"),
    [
        (lambda tmp: b"x" * (MAX_UPLOAD_BYTES + 1), "big.png", ValueError, "at most 10 MB"),
        (lambda tmp: io.BytesIO(b"x" * (MAX_UPLOAD_BYTES + 5)), "big.mp4", ValueError, "10 MB"),
        (lambda tmp: PNG, None, ValueError, "needs file_name="),
        (lambda tmp: b"", "empty.png", ValueError, "empty.png is empty"),
        (lambda tmp: PNG, "frame.heic", ValueError, r"\.heic"),
        (lambda tmp: tmp / "missing.png", None, FileNotFoundError, "missing.png"),
    ],
    ids=["bytes over 10 MB", "file object over 10 MB", "no name", "empty", "extension", "missing"],
)
def test_bad_files_are_refused_before_sending(
    make_api: MakeApi,
    tmp_path: Path,
    make_file: Callable[[Path], Any],
    file_name: str | None,
    error: type[Exception],
    words: str,
) -> None:
    api = make_api(_ok())
    with pytest.raises(error, match=words):
        api("files.upload", make_file(tmp_path), file_name=file_name)
    assert api.requests == []


def test_a_large_path_is_refused_without_reading_it(make_api: MakeApi, tmp_path: Path) -> None:
    path = tmp_path / "huge.mp4"
    with path.open("wb") as file:  # sparse: 5 GB on paper, nothing on disk
        file.truncate(5 * 1024**3)
    api = make_api(_ok())
    with pytest.raises(ValueError, match=r"5120\.0 MB"):
        api("files.upload", path)
    assert api.requests == []


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo", "directory"])
def test_a_path_that_is_not_a_regular_file_is_refused_before_reading(
    make_api: MakeApi, tmp_path: Path, kind: str
) -> None:
    # Before: /dev/zero ended in MemoryError, a FIFO hung forever, a directory raised
    # IsADirectoryError: `stat()` says 0 bytes for all three.
    path = tmp_path / "frame.png"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    api = make_api(_ok())
    with pytest.raises(ValueError, match=r"frame\.png is not a regular file"):
        api("files.upload", path)
    assert api.requests == []


def test_a_file_stat_calls_empty_is_read_up_to_the_limit_only(
    make_api: MakeApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As /proc files are: a size of 0 on paper, more when read.
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\0" * (MAX_UPLOAD_BYTES + 5))
    real_fstat = os.fstat

    def zero_size(fd: int) -> os.stat_result:
        result = real_fstat(fd)
        return os.stat_result((result.st_mode, *result[1:6], 0, *result[7:]))

    monkeypatch.setattr(os, "fstat", zero_size)
    api = make_api(_ok())
    with pytest.raises(ValueError, match=r"clip.mp4 is 10\.0 MB"):
        api("files.upload", path)
    assert api.requests == []


def test_a_403_says_the_plan_is_too_low(make_api: MakeApi) -> None:
    fake = FakePiAPI(api_key=None, plan="free")
    api = make_api(fake_handler(fake))
    with pytest.raises(PermissionDeniedError, match="Creator plan or higher") as caught:
        api("files.upload", PNG, file_name="frame.png")
    assert caught.value.status_code == 403
    assert len(api.requests) == 1  # refused for good, not retried
    fake.plan = "creator"
    assert api("files.upload", PNG, file_name="frame.png").endswith(".png")


def test_a_file_piapi_refuses_is_a_bad_request(make_api: MakeApi) -> None:
    fake = FakePiAPI(api_key=None)
    fake.faults.add(Fault.http_status(400, message="Invalid request parameters"), nth=1)
    api = make_api(fake_handler(fake))
    with pytest.raises(BadRequestError, match="refused the file") as caught:
        api("files.upload", PNG, file_name="frame.png")
    assert caught.value.message == "Invalid request parameters"
    assert len(api.requests) == 1


def test_the_fake_refuses_what_piapi_refuses() -> None:
    fake = FakePiAPI(api_key=None)
    url = "https://upload.theapi.app/api/ephemeral_resource"
    headers = {"x-api-key": "k"}
    png = base64.b64encode(PNG).decode()
    bodies = [
        {"file_name": "a.txt", "file_data": png},
        {"file_name": "a" * 125 + ".png", "file_data": png},
        {"file_name": "a.png", "file_data": "not base64!"},
        {"file_name": "a.png", "file_data": f"data:image/jpeg;base64,{png}"},  # type mismatch
        {"file_name": "a.png", "file_data": base64.b64encode(b"x" * (10 * 1024**2 + 1)).decode()},
        {"file_name": "a.png"},
    ]
    for body in bodies:
        answer = fake.handle("POST", url, headers, json.dumps(body).encode())
        assert (answer.status, json.loads(answer.body)["message"]) == (
            400,
            "Invalid request parameters",
        ), body
    good = {"file_name": "a.PNG", "file_data": f"data:image/png;base64,{png}"}
    assert fake.handle("POST", url, headers, json.dumps(good).encode()).status == 200
    assert fake.handle("POST", url, {}, json.dumps(good).encode()).status == 401


def test_an_upload_is_retried_through_a_maintenance_answer(make_api: MakeApi) -> None:
    fake = FakePiAPI(api_key=None)
    fake.faults.add(Fault.maintenance(), endpoint="upload", nth=1)
    api = make_api(fake_handler(fake))
    url = api("files.upload", PNG, file_name="frame.png")
    assert fake.request_counts["upload"] == 2
    assert fake.media(url).read() == PNG


def test_upload_then_create_on_the_fake(make_api: MakeApi) -> None:
    """The documented way: upload the first frame, then pass its URL."""
    fake = FakePiAPI(api_key=None, queue_delay=0, task_duration=0)
    api = make_api(fake_handler(fake))
    url = api("files.upload", PNG, file_name="frame.png")
    assert fake.uploads == {url: "frame.png"}
    task = api("tasks.create_and_wait", KlingVideoInput(prompt="it moves", image_url=url))
    assert task.input.image_url == url
    assert task.result_url.endswith(".mp4")


# --- the key goes to the API and the upload host, nowhere else -----------------------------


class KeyWatch(httpx.BaseTransport):
    """Forwards to the fake; records each request's host, path and whether it had the key."""

    def __init__(self, fake: FakePiAPI) -> None:
        self.inner = fake.transport()
        self.seen: list[tuple[str, str, str, bool]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        has_key = "x-api-key" in request.headers or API_KEY.encode() in request.content
        self.seen.append((request.method, request.url.host, request.url.path, has_key))
        return self.inner.handle_request(request)


def test_the_key_goes_to_the_api_and_the_upload_host_only(tmp_path: Path) -> None:
    fake = FakePiAPI(api_key=API_KEY, queue_delay=0, task_duration=0)
    watch = KeyWatch(fake)
    with PiAPIClient(api_key=API_KEY, http_client=httpx.Client(transport=watch)) as client:
        url = client.files.upload(PNG, file_name="frame.png")
        task = client.tasks.create_and_wait(KlingVideoInput(prompt="x", image_url=url))
        client.download(task, tmp_path / "video.mp4")
        client.download(url, tmp_path / "frame.png")  # the uploaded file, back
    assert (tmp_path / "frame.png").read_bytes() == PNG
    with_key = {(method, host, path) for method, host, path, has_key in watch.seen if has_key}
    assert {host for _, host, _ in with_key} == {"api.piapi.ai", "upload.theapi.app"}
    assert ("POST", "upload.theapi.app", "/api/ephemeral_resource") in with_key
    assert all(
        host == "api.piapi.ai" for _, host, path in with_key if path != "/api/ephemeral_resource"
    )
    # The uploaded file comes back from the upload host without the key: only the upload
    # itself carries it there (results on the API's own host get it, as downloads decide).
    from_upload_host = [seen for seen in watch.seen if seen[1] == "upload.theapi.app"]
    assert [(method, has_key) for method, _, _, has_key in from_upload_host] == [
        ("POST", True),
        ("GET", False),
    ]


def test_with_another_api_url_uploads_stay_on_its_host(tmp_path: Path) -> None:
    fake = FakePiAPI(api_key=API_KEY)
    watch = KeyWatch(fake)
    http = httpx.Client(transport=watch)
    with PiAPIClient(api_key=API_KEY, base_url="https://proxy.example", http_client=http) as c:
        url = c.files.upload(PNG, file_name="frame.png")
    assert url.startswith("https://proxy.example/ephemeral/")
    assert {host for _, host, _, _ in watch.seen} == {"proxy.example"}


def test_upload_and_download_back_over_a_real_socket(tmp_path: Path) -> None:
    with FakePiAPIServer(FakePiAPI(api_key="test")) as server:
        with PiAPIClient(api_key="test", base_url=server.url) as client:
            url = client.files.upload(io.BytesIO(PNG), file_name="frame.png")
            saved = client.download(url, tmp_path)
        recorded = [r for r in server.fake.requests if r.endpoint == "upload"]
    assert saved.read_bytes() == PNG
    assert [(r.status, r.host) for r in recorded] == [(200, f"127.0.0.1:{server.port}")]
    assert "test" not in repr(recorded)
