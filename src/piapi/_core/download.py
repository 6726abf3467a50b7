"""Downloading a task's results: every decision (name, headers, resume, retry, size,
progress, batching) is here.

The clients only stream bytes, write and sleep; a `DownloadState` tells them what to send
next, what an answer means (a named `Step`), when to report progress and whether a failure
is worth another attempt, and a `PartFile` keeps unfinished bytes out of the destination.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from piapi._core.models import Task, TaskStatus
from piapi._core.protocol import http_url_problem
from piapi._core.retries import backoff
from piapi._core.task_errors import (
    DownloadError,
)

StrPath = str | os.PathLike[str]
ProgressCallback = Callable[[int, "int | None"], object]
"""`on_progress(received_bytes, total_bytes_or_None)`."""

MAX_REDIRECTS = 5
DEFAULT_SUFFIX = ".mp4"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRYABLE_STATUSES = frozenset({408, 425, 429})
_EXPIRED_STATUSES = frozenset({403, 404, 410})
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.-]+")  # \w: letters and digits of every script
MAX_NAME_BYTES = 200
SLUG_CHARS = 40
"""At most this many characters of a prompt in a file name (`007-red-fox.mp4`)."""
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate newlines
PROGRESS_STEP = 256 * 1024
"""`on_progress` is called when a body starts, every 256 KiB, and when it ends."""
WRITE_BATCH_BYTES = 1024 * 1024
"""The async client writes in batches this large: one thread hop per MiB, not per chunk."""


class RetryableDownloadFailure(Exception):
    """An attempt failed in a way worth retrying (dropped, cut short, 5xx); internal only."""


class Step(enum.Enum):
    """What to do with an answer whose status and headers have arrived."""

    FOLLOW = "follow"
    """A redirect: send the next request to `state.url`; there is no body to read."""
    WRITE_FROM_START = "write from start"
    """The whole file: empty the part file, then write the body."""
    APPEND = "append"
    """The rest of the file (a resumed range): append the body."""


# Not merged with the sender's BodyReader: one class for both (tried, then reverted) measured
# 35% slower downloads in benchmarks/run.py --only download (sync 388 against 601 MB/s).
class WriteBatch:
    """Gathers small chunks into `WRITE_BATCH_BYTES` writes (the async client writes in a
    worker thread, and a hop per 64 KiB chunk would cost more than the write)."""

    __slots__ = ("_chunks", "_size", "limit")

    def __init__(self, limit: int = WRITE_BATCH_BYTES) -> None:
        self.limit = limit
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> bytes | None:
        """Keep `chunk`; returns the bytes to write now once a batch is full."""
        self._chunks.append(chunk)
        self._size += len(chunk)
        return self.rest() if self._size >= self.limit else None

    def rest(self) -> bytes | None:
        """Whatever is kept (None if nothing), emptying the batch."""
        if not self._chunks:
            return None
        data = b"".join(self._chunks)
        self._chunks.clear()
        self._size = 0
        return data


@dataclass(frozen=True)
class DownloadSource:
    """What to download: the URL, the file name to use inside a directory, and its task."""

    url: str
    filename: str
    task: Task[Any, Any] | None


def _safe_name(name: str) -> str:
    """A file name from a URL or a task id: letters and digits of any script kept (two
    Cyrillic names must not both become `mp4`), nothing that climbs directories or hides
    as a dotfile, at most 200 bytes with its extension kept."""
    import unicodedata  # on first use: importing the SDK stays light

    cleaned = _UNSAFE_NAME_CHARS.sub("_", unicodedata.normalize("NFC", name))
    suffix = Path(cleaned).suffix
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix):
        suffix = ""
    stem = cleaned[: len(cleaned) - len(suffix)]
    stem = stem.encode()[: MAX_NAME_BYTES - len(suffix)].decode(errors="ignore").strip("._")
    return stem + suffix if stem else ""


def _suffix_of(url: str) -> str:
    suffix = Path(unquote(urlsplit(url).path)).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else DEFAULT_SUFFIX


def download_source(task_or_url: Task[Any, Any] | str) -> DownloadSource:
    """Check that there is something to download, before any I/O.

    Args:
        task_or_url: A completed task (its best result, `media_urls[0]`), or an http(s) URL.

    Returns:
        The URL and the file name to use when the destination is a directory:
        `<task_id>.<ext>` for a task (the extension from the URL), the URL's own file name
        for a URL.

    Raises:
        DownloadError: The task is not completed, has no result, or the URL is not http(s).
    """
    if isinstance(task_or_url, Task):
        best = download_sources(task_or_url)[0]
        return DownloadSource(best.url, _task_file_name(task_or_url, best.url, None), task_or_url)
    url = _checked_url(task_or_url, None)
    name = _safe_name(unquote(urlsplit(url).path).rsplit("/", 1)[-1])
    if not name:  # nothing nameable: named by the URL, so two URLs never share a file
        import hashlib

        name = f"download-{hashlib.sha256(url.encode()).hexdigest()[:12]}{_suffix_of(url)}"
    return DownloadSource(url, name, None)


def download_sources(task: Task[Any, Any], stem: str | None = None) -> list[DownloadSource]:
    """Every result of a completed task, best first, named `<task_id>.<ext>` for a single
    result and `<task_id>-1.<ext>`, `<task_id>-2.<ext>`, ... for several (`stem` instead
    of the task id when given: one of `file_stems`).

    Raises:
        DownloadError: The task is not completed, has no result, or a URL is not http(s).
    """
    if task.status is not TaskStatus.COMPLETED:
        raise DownloadError(
            f"Task {task.task_id} is {task.status.value}, not completed: there is no result "
            "to download yet. Wait for it first (client.tasks.wait).",
            task=task,
        )
    urls = task.media_urls
    if not urls:
        raise DownloadError(
            f"Task {task.task_id} is completed but its output has no result URL to download.",
            task=task,
        )
    numbered = len(urls) > 1
    return [
        DownloadSource(
            _checked_url(url, task),
            _task_file_name(task, url, number if numbered else None, stem),
            task,
        )
        for number, url in enumerate(urls, start=1)
    ]


def _task_file_name(
    task: Task[Any, Any], url: str, number: int | None, stem: str | None = None
) -> str:
    stem = stem or _safe_name(task.task_id) or "result"
    return (stem if number is None else f"{stem}-{number}") + _suffix_of(url)


def slug(text: str | None, limit: int = SLUG_CHARS) -> str:
    """A short ASCII name from a prompt: `"A red fox, at dawn!"` -> `a-red-fox-at-dawn`;
    cut at a word within `limit` characters; "" when nothing ASCII is left."""
    if not text:
        return ""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    name = ""
    for word in words:
        longer = f"{name}-{word}" if name else word
        if len(longer) > limit:
            return name or word[:limit]
        name = longer
    return name


def numbered_stem(number: int, width: int, prompt: str | None) -> str:
    """A result's file name without its extension, for people: the number zero-padded to
    `width` and a slug of the prompt (`007-red-fox`), decided from the input alone, so a
    resumed run finds the same files."""
    name = slug(prompt)
    return f"{number:0{width}d}-{name}" if name else f"{number:0{width}d}"


def file_stems(names: object, count: int) -> list[str]:
    """`run_many(file_names=...)` checked: one plain, unique file name (no extension, no
    folder) per request.

    Raises:
        ValueError: Not one name per request, a name that is not a plain file name, or
            two names that would be the same file (letter case aside).
    """
    if isinstance(names, str | bytes) or not isinstance(names, list | tuple):
        raise ValueError(
            f'file_names: expected a list of {count} names, one per request, or "prompt" '
            f"(got {type(names).__name__})"
        )
    given = cast("list[object] | tuple[object, ...]", names)
    if len(given) != count:
        raise ValueError(f"file_names: expected {count} names, one per request (got {len(given)})")
    seen: dict[str, int] = {}
    for position, name in enumerate(given):
        if not isinstance(name, str) or not name or _safe_name(name) != name:
            raise ValueError(
                f"file_names: name {position} ({name!r}) is not a plain file name: use "
                "letters, digits, '-', '_' and '.', not starting or ending with '.' or '_'"
            )
        key = name.casefold()
        if key in seen:
            raise ValueError(
                f"file_names: names {seen[key]} and {position} ({name!r}) are the same file"
            )
        seen[key] = position
    return [cast("str", name) for name in given]


def is_directory_destination(dest: StrPath) -> bool:
    """Whether `dest` names a directory: one exists there, or it ends with a separator."""
    text = os.fspath(dest)
    return Path(text).expanduser().is_dir() or text.endswith(("/", os.sep))


def _checked_url(url: str, task: Task[Any, Any] | None) -> str:
    """`url` if it can be requested: http(s), a host, a valid port, no control characters."""
    problem = http_url_problem(url)
    if problem is not None:
        raise DownloadError(
            f"Cannot download {url[:200]!r}: not an http(s) URL to request (it {problem}).",
            url=url,
            task=task,
        )
    return url


def destination_path(dest: StrPath, filename: str) -> Path:
    """The file to write: `dest` itself, or `dest/filename` when `dest` is a directory.

    `dest` counts as a directory when one exists there or when it ends with a separator.
    """
    path = Path(os.fspath(dest)).expanduser()
    return path / filename if is_directory_destination(dest) else path


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def is_same_origin(url: str, base_url: str) -> bool:
    """Whether `url` has the API's scheme, host and port: only then may it get the API key."""
    return _origin(url) == _origin(base_url)


def download_headers(url: str, base_url: str, api_headers: Mapping[str, str]) -> dict[str, str]:
    """Headers for one download request: the API's own (key included) only on its origin.

    A media CDN gets just the User-Agent, so a key never leaves for another host, not even
    through a redirect (each hop is decided again).
    """
    if is_same_origin(url, base_url):
        headers = dict(api_headers)
    else:
        headers = {k: v for k, v in api_headers.items() if k.lower() == "user-agent"}
    headers["Accept"] = "*/*"
    # Compressed bodies would make Content-Length and byte ranges mean the wrong bytes.
    headers["Accept-Encoding"] = "identity"
    return headers


def _content_range(value: str | None) -> tuple[int, int | None] | None:
    """(first byte, full size or None) of a `Content-Range: bytes a-b/size` header."""
    match = _CONTENT_RANGE.match(value or "")
    if match is None:
        return None
    total = match.group(3)
    return int(match.group(1)), None if total == "*" else int(total)


def _content_length(headers: Mapping[str, str]) -> int | None:
    encoding = headers.get("content-encoding", "identity").strip().lower()
    value = headers.get("content-length")
    if encoding not in ("", "identity") or value is None or not value.strip().isdigit():
        return None
    return int(value)


def _validator(headers: Mapping[str, str]) -> str | None:
    """What identifies this version of the file for `If-Range`: a strong ETag, else
    Last-Modified (a weak ETag may not be used there)."""
    etag = headers.get("etag", "").strip()
    if etag and not etag.startswith("W/"):
        return etag
    return headers.get("last-modified", "").strip() or None


class DownloadState:
    """The decisions of one download: which URL and range to ask for, what an answer means.

    Ask it for each request's `headers()`; feed it each response's status and headers
    (`start`, which names the next `Step`), each chunk's size (`advance`), the end of the
    body (`finish`) and each failure (`failed`, which says whether and when to try again);
    it raises `DownloadError` when the download cannot succeed.

    Resuming: after a drop it asks for the rest with `Range`, guarded by `If-Range` (the
    first answer's strong ETag, else its Last-Modified) so a file replaced meanwhile comes
    back whole. Without either, it resumes only when the file's size is known and checks
    it. A changed validator, a wrong `Content-Range` or a 206 nobody asked for restart the
    file from zero.
    """

    def __init__(
        self,
        source: DownloadSource,
        path: Path,
        *,
        base_url: str,
        api_headers: Mapping[str, str],
        max_retries: int,
    ) -> None:
        self.url = source.url
        self.task = source.task
        self.path = path
        self.base_url = base_url
        self.api_headers = api_headers
        self.max_retries = max_retries
        self.received = 0
        self.total: int | None = None
        self.failures = 0
        self.redirects = 0
        self.validator: str | None = None
        """The first full answer's strong ETag or Last-Modified, for `If-Range`."""
        self.asked_range = False
        """Whether the request in flight asked for a range."""
        self._reported: int | None = None

    def error(self, message: str) -> DownloadError:
        """A `DownloadError` carrying this download's URL, task and progress."""
        return DownloadError(
            message, url=self.url, task=self.task, received=self.received, total=self.total
        )

    def _restart(self) -> None:
        self.received = 0
        self.total = None
        self.validator = None
        self._reported = None

    def headers(self) -> dict[str, str]:
        """Headers of the next request; after a drop it asks for the rest with a Range."""
        headers = download_headers(self.url, self.base_url, self.api_headers)
        if self.received > 0 and self.validator is None and self.total is None:
            self._restart()  # nothing to check a resumed range against: start over
        self.asked_range = self.received > 0
        if self.asked_range:
            headers["Range"] = f"bytes={self.received}-"
            if self.validator is not None:
                headers["If-Range"] = self.validator
        return headers

    def start(self, status: int, headers: Mapping[str, str]) -> Step:
        """Read a response's status and headers before its body, and name the next step;
        for a body, its first progress report is then due.

        Raises:
            RetryableDownloadFailure: Worth another attempt (5xx, 429, a wrong or unasked
                range, a changed file); a wrong range also restarts from zero.
            DownloadError: Never going to work (404 on an expired URL, too many redirects,
                a redirect to a URL that cannot be requested).
        """
        if status in _REDIRECT_STATUSES and headers.get("location"):
            self.redirects += 1
            if self.redirects > MAX_REDIRECTS:
                raise self.error(
                    f"Download of {self.url} failed: more than {MAX_REDIRECTS} redirects."
                )
            self.url = _checked_url(urljoin(self.url, headers["location"]), self.task)
            return Step.FOLLOW
        if status == 206:
            return self._resumed(headers)
        if 200 <= status < 300:
            # A full body, also the answer of a server that ignored our Range or found the
            # file changed since (If-Range): start over.
            self._restart()
            self.total = _content_length(headers)
            self.validator = _validator(headers)
            return Step.WRITE_FROM_START
        if status == 416 and self.asked_range:
            self._restart()
            raise RetryableDownloadFailure("the server cannot serve the rest (HTTP 416)")
        if status in _RETRYABLE_STATUSES or status >= 500:
            raise RetryableDownloadFailure(f"HTTP {status}")
        hint = (
            " The URL may have expired: PiAPI's output URLs are ephemeral, download them soon "
            "after the task completes."
            if status in _EXPIRED_STATUSES
            else ""
        )
        raise self.error(f"Download of {self.url} failed: HTTP {status}.{hint}")

    def _resumed(self, headers: Mapping[str, str]) -> Step:
        if not self.asked_range:
            self._restart()
            raise RetryableDownloadFailure("the server sent part of the file unasked (HTTP 206)")
        content_range = _content_range(headers.get("content-range"))
        if content_range is None or content_range[0] != self.received:
            # Bytes from the wrong offset cannot be appended; ask for everything again.
            self._restart()
            raise RetryableDownloadFailure("the server resumed at the wrong byte")
        full = content_range[1]
        validator = _validator(headers)
        changed_version = (
            self.validator is not None and validator is not None and validator != self.validator
        )
        changed_size = self.total is not None and full is not None and full != self.total
        if changed_version or changed_size:
            self._restart()
            raise RetryableDownloadFailure("the file changed on the server")
        length = _content_length(headers)
        if full is not None:
            self.total = full
        elif length is not None:
            self.total = self.received + length
        self._reported = None
        return Step.APPEND

    def advance(self, size: int) -> None:
        """Count `size` more bytes received; raises if the body outgrows its Content-Length."""
        self.received += size
        if self.total is not None and self.received > self.total:
            raise self.error(
                f"Download of {self.url} failed: received more than the announced "
                f"{self.total} bytes."
            )

    def progress_due(self, *, ended: bool = False) -> bool:
        """Whether to call `on_progress` now: a body started (its first call), another
        `PROGRESS_STEP` bytes arrived, or the body `ended` with bytes not yet reported."""
        last = self._reported
        due = last is None or (
            self.received != last and (ended or self.received - last >= PROGRESS_STEP)
        )
        if due:
            self._reported = self.received
        return due

    def finish(self) -> None:
        """The body ended cleanly; raises `RetryableDownloadFailure` if it is short."""
        if self.total is not None and self.received != self.total:
            raise RetryableDownloadFailure(
                f"the body ended after {self.received} of {self.total} bytes"
            )

    def failed(
        self,
        exc: BaseException,
        *,
        jitter: float,
        time_left: float | None = None,
        closed: bool = False,
    ) -> float | None:
        """Record a failed attempt; returns the seconds to wait before trying again, or
        None when `exc` is not a download failure (the caller's own exception: re-raise it).

        Raises:
            DownloadError: No retries or time left, the client was closed, or the failure
                can never succeed (an invalid URL, a body that cannot be decoded).
        """
        if isinstance(exc, DownloadError):
            raise exc
        if closed:
            raise self.closed_error()
        if isinstance(exc, RetryableDownloadFailure):
            reason = str(exc)
        elif isinstance(exc, httpx.TransportError):
            reason = f"connection error ({type(exc).__name__})"
        elif isinstance(exc, httpx.HTTPError | httpx.InvalidURL | httpx.StreamError):
            raise self.error(f"Download of {self.url} failed: {type(exc).__name__}.")
        else:
            return None
        self.failures += 1
        if time_left is not None and time_left <= 0:
            raise self.deadline_error(reason)
        if self.failures > self.max_retries:
            raise self.error(
                f"Download of {self.url} failed after {self.failures} attempt(s): {reason}."
            )
        delay = backoff(self.failures, jitter=jitter)
        if time_left is not None and delay >= time_left:
            raise self.deadline_error(reason)
        return delay

    def closed_error(self) -> DownloadError:
        """The error of a download the client's closing stopped."""
        return self.error(f"Download of {self.url} stopped: the client was closed.")

    def deadline_error(self, reason: str | None = None) -> DownloadError:
        """The error of a download whose `timeout` passed."""
        last = f" (last failure: {reason})" if reason else ""
        return self.error(
            f"Download of {self.url} did not finish within its timeout{last}; "
            f"{self.received} bytes were received."
        )


class PartFile:
    """The temporary file beside the destination that receives the bytes; renamed at the end.

    Until `commit`, the destination is untouched; `discard` removes the temporary file.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            temp_path = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
            with contextlib.suppress(FileExistsError):  # taken: try another name
                # Mode 0o666 under the umask, like any new file (mkstemp would force 0o600).
                fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
                break
        self.path = path
        self.temp_path = temp_path
        self._file = os.fdopen(fd, "wb")
        self._done = False

    def write(self, chunk: bytes) -> None:
        """Append bytes."""
        self._file.write(chunk)

    def restart(self) -> None:
        """Drop everything written so far (the server sent the whole body again)."""
        self._file.seek(0)
        self._file.truncate()

    def commit(self) -> Path:
        """Flush to disk and rename into place atomically; returns the destination."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.temp_path, self.path)
        self._done = True
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary file, unless committed."""
        if self._done:
            return
        self._file.close()
        self.temp_path.unlink(missing_ok=True)
        self._done = True


def disk_error(state: DownloadState, exc: OSError) -> DownloadError:
    """A disk failure (full, read-only, no permission) as the download's error."""
    reason = exc.strerror or type(exc).__name__
    return state.error(f"Could not write {state.path}: {reason}.")
