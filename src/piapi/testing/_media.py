"""Files the fake serves, generated in code (an MP4 of any size, a small PNG) or uploaded.

The MP4 (ISO-BMFF `ftyp` + `moov` + `mdat`) is never held in memory: any byte range is
computed on demand, so download tests can stream gigabytes and resume with Range requests.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

__all__ = ["MIN_MP4_SIZE", "MP3", "Mp4Media", "PngMedia", "UploadedMedia"]

_PERIOD = 65536
# A non-trivial repeating payload so a test notices misplaced or duplicated chunks.
_PATTERN = bytes(((i * 7) ^ (i >> 8)) & 0xFF for i in range(_PERIOD)) * 2


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mvhd(duration_ms: int) -> bytes:
    identity = (0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
    payload = (
        b"\x00\x00\x00\x00"  # version 0, flags
        + struct.pack(">IIII", 0, 0, 1000, duration_ms)  # times, timescale, duration
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + b"\x00" * 10  # reserved
        + struct.pack(">9I", *identity)  # unity matrix
        + b"\x00" * 24  # pre_defined
        + struct.pack(">I", 1)  # next_track_ID
    )
    return _box(b"mvhd", payload)


_FTYP = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isom" + b"mp41")
_MOOV = _box(b"moov", _mvhd(4000))
MIN_MP4_SIZE = len(_FTYP) + len(_MOOV) + 8


class Mp4Media:
    """An MP4 file of exactly `size` bytes whose bytes are computed from their offset."""

    content_type = "video/mp4"

    def __init__(self, size: int = MIN_MP4_SIZE) -> None:
        if size < MIN_MP4_SIZE:
            raise ValueError(f"an MP4 needs at least {MIN_MP4_SIZE} bytes")
        self.size = size
        mdat_size = size - len(_FTYP) - len(_MOOV)
        if mdat_size < 2**32:
            mdat_header = struct.pack(">I", mdat_size) + b"mdat"
        else:  # 64-bit "largesize" box for files past 4 GiB (room enough for its 8 more bytes)
            mdat_header = struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", mdat_size)
        self._head = _FTYP + _MOOV + mdat_header

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """Bytes `[start, end)`; meant for small files and test assertions."""
        return b"".join(self.iter_range(start, self.size if end is None else end))

    def iter_range(self, start: int, end: int, chunk_size: int = _PERIOD) -> Iterator[bytes]:
        """Yield bytes `[start, end)` in chunks of at most `chunk_size` (<= 64 KiB)."""
        chunk_size = min(chunk_size, _PERIOD)
        end = min(end, self.size)
        head = self._head
        pos = start
        while pos < end:
            if pos < len(head):
                stop = min(end, len(head), pos + chunk_size)
                yield head[pos:stop]
            else:
                stop = min(end, pos + chunk_size)
                offset = pos % _PERIOD
                yield _PATTERN[offset : offset + (stop - pos)]
            pos = stop

    def __repr__(self) -> str:
        return f"Mp4Media(size={self.size})"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png(width: int, height: int, seed: int) -> bytes:
    # 8-bit RGB, filter 0 on every row; the colour depends on `seed` so images differ.
    red, green, blue = (seed * 67) % 256, (seed * 131) % 256, (seed * 29) % 256
    row = b"\x00" + bytes((red, green, blue)) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(row * height))
        + _png_chunk(b"IEND", b"")
    )


class UploadedMedia:
    """A file uploaded to the fake (`POST /api/ephemeral_resource`), served like a result."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self._data = data
        self.size = len(data)
        self.content_type = content_type

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """Bytes `[start, end)`."""
        return self._data[start : self.size if end is None else end]

    def iter_range(self, start: int, end: int, chunk_size: int = _PERIOD) -> Iterator[bytes]:
        """Yield bytes `[start, end)` in chunks of at most `chunk_size`."""
        end = min(end, self.size)
        for pos in range(start, end, chunk_size):
            yield self._data[pos : min(end, pos + chunk_size)]

    def __repr__(self) -> str:
        return f"UploadedMedia(size={self.size}, content_type={self.content_type!r})"


class PngMedia(UploadedMedia):
    """A small valid PNG image (one flat colour, chosen by `seed`), served for image results."""

    def __init__(self, seed: int = 0, *, width: int = 64, height: int = 64) -> None:
        super().__init__(_png(width, height, seed), "image/png")

    def __repr__(self) -> str:
        return f"PngMedia(size={self.size})"


# An MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz) and a frame of silence.
_MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)
# A small MP3 (ID3 tag and four silent frames), served for audio results.
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + _MP3_FRAME * 4
