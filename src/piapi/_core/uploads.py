"""Uploads: where a file goes, what is checked and sent, and how the answer is read.

PiAPI's page https://piapi.ai/docs/tools/file-upload: `POST
https://upload.theapi.app/api/ephemeral_resource`, `x-api-key`, JSON `{"file_name",
"file_data"}` (base64; the name up to 128 characters with a supported extension, the data
up to 10 MB); answer `{"code": 200, "data": {"url": ...}}` (PiAPI's CLI reads `url` at the
top level: both are read); 400 for a bad file, 403 below the Creator plan; files are
deleted after 24 h. Pure: the shells read the file and send.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from typing import IO, Any, cast
from urllib.parse import urlsplit

import httpx

from piapi._core.errors import (
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    PermissionDeniedError,
)
from piapi._core.protocol import DEFAULT_BASE_URL, http_url_problem, read_envelope, redact

UploadSource = str | os.PathLike[str] | bytes | IO[bytes]
"""What `files.upload` takes: a path, the bytes, or a binary file object."""

PIAPI_API_HOST = urlsplit(DEFAULT_BASE_URL).hostname
UPLOAD_PATH = "/api/ephemeral_resource"
PIAPI_UPLOAD_URL = "https://upload.theapi.app" + UPLOAD_PATH
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # "max 10MB"; the larger reading, so PiAPI has the say
MAX_FILE_NAME = 128
# The page renders its list in a widget no copy of it kept: these are the image, video and
# audio types PiAPI's models take as URLs. A type PiAPI refuses gets its 400, worded below.
SUPPORTED_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".gif",
    ".mp4",
    ".mov",
    ".webm",
    ".mp3",
    ".wav",
    ".m4a",
)

PLAN_TOO_LOW = (
    "PiAPI refused the upload: uploads need the Creator plan or higher. On the Free "
    "plan, put the file where PiAPI can fetch it over HTTPS and pass that URL instead"
)
FILE_REFUSED = (
    "PiAPI refused the file: its type is not one PiAPI accepts, or it is larger than "
    "10 MB, or its content does not match its extension"
)


def resolve_upload_url(upload_url: str | None, base_url: str) -> str:
    """Where uploads are POSTed: `upload_url` when given; PiAPI's upload service when the
    API is PiAPI's own (api.piapi.ai); else the same host as `base_url` (a proxy or a fake
    serves both), so the key never goes to a host the caller did not name."""
    if upload_url is not None:
        if http_url_problem(upload_url) is not None:
            raise ValueError(f"upload_url must be an http(s) URL (got {upload_url!r})")
        return upload_url
    if urlsplit(base_url).hostname == PIAPI_API_HOST:
        return PIAPI_UPLOAD_URL
    return base_url + UPLOAD_PATH


def _own_name(file: UploadSource) -> str | None:
    """A path's file name, or the name of a file object opened from a path."""
    source: object = file if isinstance(file, str | os.PathLike) else getattr(file, "name", None)
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fsdecode(cast("str | os.PathLike[str]", source)))
    return None


def upload_name(file: UploadSource, file_name: str | None) -> str:
    """The name sent with a file (its extension tells PiAPI the type), checked.

    `file_name` when given, else the path's or the file object's own name.

    Raises:
        ValueError: No name (bytes without `file_name`), too long, or an extension PiAPI
            does not take.
    """
    name = file_name if file_name is not None else _own_name(file)
    if not name:
        raise ValueError(
            "files.upload needs file_name= for bytes or an unnamed file object: its "
            "extension tells PiAPI the type (e.g. file_name='frame.png')"
        )
    if len(name) > MAX_FILE_NAME:
        raise ValueError(
            f"file_name must be at most {MAX_FILE_NAME} characters (got {len(name)}); "
            "pass a shorter file_name="
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise ValueError(
            f"PiAPI does not take {extension or 'files without an extension'} uploads "
            f"({name!r}); supported: {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    return name


def check_upload_size(size: int, name: str) -> None:
    """Refuse a file over PiAPI's 10 MB before it is read or sent."""
    if size > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"{name} is {size / 1024 / 1024:.1f} MB; PiAPI takes uploads of at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        )


def upload_body(file_name: str, data: bytes) -> bytes:
    """The JSON body PiAPI expects: the name and the bytes in base64 (an empty file or one
    over 10 MB is refused)."""
    if not data:
        raise ValueError(f"{file_name} is empty: there is nothing to upload")
    check_upload_size(len(data), file_name)
    encoded = base64.b64encode(data).decode("ascii")
    return json.dumps({"file_name": file_name, "file_data": encoded}).encode()


def _reworded(error: APIStatusError, explanation: str) -> APIStatusError:
    detail = error.message or f"HTTP {error.status_code}"
    return type(error)(
        f"{explanation} ({detail})",
        response=error.response,
        body=error.body,
        code=error.code,
        api_message=error.message,
    )


def read_upload_url(response: httpx.Response, *, secrets: Sequence[str] = ()) -> str:
    """The uploaded file's URL (`data.url`, or `url` at the top level), or the error the
    answer stands for: a 403 says the plan is too low, a 400 that the file was refused."""
    try:
        envelope = read_envelope(response, secrets=secrets)
    except PermissionDeniedError as exc:
        raise _reworded(exc, PLAN_TOO_LOW) from None
    except BadRequestError as exc:
        raise _reworded(exc, FILE_REFUSED) from None
    data = envelope.get("data")
    url: Any = cast("Mapping[str, Any]", data).get("url") if isinstance(data, Mapping) else None
    if url is None:
        url = envelope.get("url")
    if not (isinstance(url, str) and http_url_problem(url) is None):
        raise APIResponseValidationError(
            f"HTTP {response.status_code}: the upload's answer has no file URL in `data.url`",
            response=response,
            text=redact(response.text, secrets),
        )
    return url
