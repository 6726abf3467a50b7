"""Run examples and demos offline by default: a fake PiAPI unless a real key is configured."""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from contextlib import contextmanager

from piapi.testing._fake import FakePiAPI
from piapi.testing._server import FakePiAPIServer

FAKE_API_KEY = "fake-piapi-key"
_VARIABLES = ("PIAPI_API_KEY", "PIAPI_BASE_URL")


@contextmanager
def fake_unless_configured(
    *, task_duration: float = 3.0, queue_delay: float = 0.5
) -> Generator[FakePiAPIServer | None, None, None]:
    """Serve a fake PiAPI on 127.0.0.1 and point `PIAPI_*` at it, unless `PIAPI_API_KEY` is set.

    With a key in the environment nothing changes (the real service is used) and it yields
    None; otherwise it yields the running `FakePiAPIServer` and restores the environment on
    exit. Clients built inside the block (`PiAPIClient()`) pick the settings up.

    Args:
        task_duration: Seconds a fake task spends `processing`.
        queue_delay: Seconds a fake task spends `pending`.
    """
    if os.environ.get("PIAPI_API_KEY"):
        yield None
        return
    fake = FakePiAPI(api_key=FAKE_API_KEY, task_duration=task_duration, queue_delay=queue_delay)
    saved = {name: os.environ.get(name) for name in _VARIABLES}
    with FakePiAPIServer(fake) as server:
        print(
            f"[piapi] PIAPI_API_KEY is not set: using the embedded fake PiAPI at {server.url}",
            file=sys.stderr,
        )
        os.environ["PIAPI_API_KEY"] = FAKE_API_KEY
        os.environ["PIAPI_BASE_URL"] = server.url
        try:
            yield server
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
