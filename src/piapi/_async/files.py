"""`client.files`: upload a local file (a first frame, a clip) for a task to use; the
decisions are in `_core.uploads`. The async code is the source of `piapi._sync.files`."""

from __future__ import annotations

import os
import stat
from functools import partial
from pathlib import Path

from piapi._async._backend import to_thread
from piapi._async.sender import AsyncSender
from piapi._core.uploads import (
    MAX_UPLOAD_BYTES,
    UploadSource,
    check_upload_size,
    read_upload_url,
    upload_body,
    upload_name,
)

__all__ = ["AsyncFiles"]


class AsyncFiles:
    """Uploads to PiAPI's temporary storage, for tasks that take a file by URL."""

    def __init__(self, sender: AsyncSender, upload_url: str) -> None:
        self._sender = sender
        self.upload_url = upload_url
        """Where uploads are POSTed."""

    async def upload(self, file: UploadSource, *, file_name: str | None = None) -> str:
        """Upload a file and return its URL, for a task's `image_url` (or any file field).

        The file stays 24 hours. PiAPI takes up to 10 MB, images, videos and audio by
        extension; uploads need the Creator plan or higher. Free of charge. The file is read
        and encoded off the event loop (async client).

        Args:
            file: A path, the bytes, or a file opened in binary mode.
            file_name: The name to send (its extension gives the type); default the
                path's or the file object's name. Required for bytes.

        Returns:
            The file's URL.

        Raises:
            ValueError: No name, an unsupported extension, or over 10 MB; nothing was sent.
            PermissionDeniedError: The plan is below Creator (403).
            BadRequestError: PiAPI refused the file (400).
        """
        body = await to_thread(_prepare_upload, file, file_name)
        read = partial(read_upload_url, secrets=self._sender.secrets)
        return await self._sender.send("POST", self.upload_url, read, content=body)


def _prepare_upload(file: UploadSource, file_name: str | None) -> bytes:
    """The upload's body: the name checked first, then the size (a path's before it is
    read, a file object's after at most 10 MB + 1 byte), then the bytes in base64."""
    name = upload_name(file, file_name)
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        data = _read_regular_file(Path(file).expanduser(), name)
    else:
        data = _binary(file.read(MAX_UPLOAD_BYTES + 1))
    return upload_body(name, data)


def _read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of a regular file (a link to one is fine), never more than the limit.

    A FIFO, a device (`/dev/zero`), a socket or a directory is refused before a byte is
    read; a file whose size `stat` does not tell (`/proc`) is read up to the limit only.
    """
    # O_NONBLOCK: opening a FIFO with no writer would wait forever.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise ValueError(f"{name} is not a regular file: only files are uploaded")
        check_upload_size(status.st_size, name)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as opened:
        data = opened.read(MAX_UPLOAD_BYTES + 1)
    check_upload_size(len(data), name)
    return data


def _binary(chunk: object) -> bytes:
    # `object`: a file opened in text mode reads `str`, whatever its annotation says.
    if not isinstance(chunk, bytes):
        raise TypeError("files.upload needs a file opened in binary mode ('rb')")
    return chunk
