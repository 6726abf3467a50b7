"""Video files served by the fake: valid MP4 boxes, full and ranged downloads, large files."""

from __future__ import annotations

import struct

import httpx
import pytest
from _fakeutil import KEY, sora_body

from piapi.testing import FakeClock, FakePiAPI, Mp4Media


def boxes(data: bytes, total: int | None = None) -> list[tuple[bytes, int]]:
    """Top-level ISO-BMFF boxes as (type, size) of a file of `total` bytes starting with `data`."""
    total = len(data) if total is None else total
    found: list[tuple[bytes, int]] = []
    pos = 0
    while pos < min(total, len(data)):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
        found.append((kind, size))
        pos += size
    assert pos == total
    return found


def finished_video(fake: FakePiAPI, client: httpx.Client) -> str:
    task_id = client.post("/api/v1/task", json=sora_body(), headers=KEY).json()["data"]["task_id"]
    fake.complete(task_id)
    url: str = client.get(f"/api/v1/task/{task_id}", headers=KEY).json()["data"]["output"]["video"]
    return url


def test_small_file_is_a_valid_mp4_without_api_key(fake: FakePiAPI) -> None:
    with fake.client() as client:
        url = finished_video(fake, client)
        response = client.get(url)  # no X-API-Key, like the real CDN
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"
    assert int(response.headers["content-length"]) == len(response.content)
    assert [kind for kind, _ in boxes(response.content)] == [b"ftyp", b"moov", b"mdat"]
    assert response.content[8:12] == b"isom"
    assert b"mvhd" in response.content


@pytest.mark.parametrize(
    ("header", "status", "start", "end"),
    [
        ("bytes=0-99", 206, 0, 100),
        ("bytes=1000-", 206, 1000, 5000),
        ("bytes=-10", 206, 4990, 5000),
        ("bytes=4990-99999", 206, 4990, 5000),
    ],
)
def test_range_requests(fake: FakePiAPI, header: str, status: int, start: int, end: int) -> None:
    fake.media_size = 5000
    with fake.client() as client:
        url = finished_video(fake, client)
        whole = client.get(url).content
        part = client.get(url, headers={"Range": header})
    assert part.status_code == status
    assert part.content == whole[start:end]
    assert part.headers["content-range"] == f"bytes {start}-{end - 1}/5000"


def test_unsatisfiable_range_is_416(fake: FakePiAPI) -> None:
    with fake.client() as client:
        url = finished_video(fake, client)
        response = client.get(url, headers={"Range": "bytes=999999-"})
    assert response.status_code == 416
    assert response.headers["content-range"].startswith("bytes */")


def test_head_reports_size_without_body(fake: FakePiAPI) -> None:
    fake.media_size = 12345
    with fake.client() as client:
        url = finished_video(fake, client)
        response = client.head(url)
    assert response.status_code == 200
    assert response.headers["content-length"] == "12345"
    assert response.content == b""


def test_large_file_streams_lazily_and_resumes() -> None:
    fake = FakePiAPI(clock=FakeClock(), media_size=64 * 1024 * 1024 + 17)
    with fake.client() as client:
        url = finished_video(fake, client)
        media = fake.media(url)
        received = 0
        with client.stream("GET", url) as response:
            for chunk in response.iter_raw():
                assert len(chunk) <= 65536
                received += len(chunk)
        assert received == media.size
        tail = client.get(url, headers={"Range": f"bytes={media.size - 70000}-"})
    assert tail.content == media.read(media.size - 70000)
    assert [kind for kind, _ in boxes(media.read(0, 148), media.size)] == [
        b"ftyp",
        b"moov",
        b"mdat",
    ]


def test_media_bytes_are_position_dependent() -> None:
    media = Mp4Media(300_000)
    assert media.read(200_000, 200_100) != media.read(200_001, 200_101)
    assert media.read(0, media.size) == b"".join(media.iter_range(0, media.size, 777))


def test_huge_file_uses_a_64_bit_mdat_box() -> None:
    media = Mp4Media(5 * 2**30)
    head = media.read(0, 160)
    mdat_at = head.index(b"mdat") - 4
    assert struct.unpack(">I", head[mdat_at : mdat_at + 4]) == (1,)
    assert struct.unpack(">Q", head[mdat_at + 8 : mdat_at + 16]) == (5 * 2**30 - mdat_at,)


def test_too_small_file_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        Mp4Media(10)
