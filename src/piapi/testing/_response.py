"""`FakeResponse`: what the fake answers, before a transport or the server turns it into I/O.

Below both the fake (which builds answers) and the transports (which send them), so that
neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = ["FakeResponse"]


class BodyCut(Exception):
    """The body stopped at `cut_at` bytes: the connection drops there."""


@dataclass
class FakeResponse:
    """What the handler answers; transports turn `drop`, `delay` and `cut_at` into I/O."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    # Large media bodies are produced lazily; `headers` carry their Content-Length.
    chunks: Callable[[], Iterator[bytes]] | None = None
    delay: float = 0.0
    drop: Literal["before", "after"] | None = None
    cut_at: int | None = None
    fault: str | None = None

    @classmethod
    def of(cls, status: int, body: bytes, content_type: str) -> FakeResponse:
        """An answer of `body`, with its `content-type` and `content-length`."""
        return cls(
            status, [("content-type", content_type), ("content-length", str(len(body)))], body
        )

    def iter_body(self) -> Iterator[bytes]:
        """The body in chunks (a media body is generated as it is read)."""
        if self.chunks is not None:
            yield from self.chunks()
        elif self.body:
            yield self.body

    def header(self, name: str) -> str | None:
        """A response header by name, case-insensitively."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def sent_body(response: FakeResponse) -> Iterator[bytes]:
    """The body as it goes out: whole, or its first `cut_at` bytes and then `BodyCut`.

    One rule for both shells: the in-process transport raises httpx's error for a dropped
    download there, the loopback server drops the connection."""
    sent, cut_at = 0, response.cut_at
    for chunk in response.iter_body():
        if cut_at is not None and sent + len(chunk) >= cut_at:
            if cut_at > sent:
                yield chunk[: cut_at - sent]
            raise BodyCut
        sent += len(chunk)
        yield chunk
