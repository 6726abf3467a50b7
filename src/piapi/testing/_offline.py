"""Run examples and demos offline by default: a fake PiAPI unless a real key is configured."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Generator
from contextlib import ExitStack, contextmanager
from typing import Literal

from piapi.testing._clock import FakeClock
from piapi.testing._fake import FakePiAPI
from piapi.testing._server import FakePiAPIServer

__all__ = ["FAKE_TIMING_ENV", "Timing", "fake_unless_configured"]

FAKE_API_KEY = "fake-piapi-key"
FAKE_TIMING_ENV = "PIAPI_FAKE_TIMING"
_VARIABLES = ("PIAPI_API_KEY", "PIAPI_BASE_URL")
Timing = Literal["real", "instant"]
_TIMINGS: tuple[Timing, ...] = ("real", "instant")


@contextmanager
def fake_unless_configured(
    *, task_duration: float = 3.0, queue_delay: float = 0.5, timing: Timing | None = None
) -> Generator[FakePiAPIServer | None, None, None]:
    """Serve a fake PiAPI on 127.0.0.1 and point `PIAPI_*` at it, unless `PIAPI_API_KEY` is set.

    With a key in the environment nothing changes (the real service is used) and it yields
    None; otherwise it yields the running `FakePiAPIServer` and restores the environment on
    exit. Clients built inside the block (`PiAPIClient()`) pick the settings up.

    Args:
        task_duration: Seconds a fake task spends `processing`.
        queue_delay: Seconds a fake task spends `pending`.
        timing: `"real"`: tasks take real seconds, as a demo should feel. `"instant"`: the
            fake runs on a `FakeClock` and the SDK clients' waits inside the block advance
            it instead of sleeping, so a script prints the same statuses and finishes at
            once (tests use it). Default: `$PIAPI_FAKE_TIMING`, else `"real"`.
    """
    if os.environ.get("PIAPI_API_KEY"):
        yield None
        return
    chosen = _timing(timing)
    clock = FakeClock(start_wall_ns=time.time_ns()) if chosen == "instant" else None
    fake = FakePiAPI(
        api_key=FAKE_API_KEY, clock=clock, task_duration=task_duration, queue_delay=queue_delay
    )
    saved = {name: os.environ.get(name) for name in _VARIABLES}
    with FakePiAPIServer(fake) as server, _sdk_waits_on(clock):
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


def _timing(timing: Timing | None) -> Timing:
    if timing is not None:
        return timing
    value = os.environ.get(FAKE_TIMING_ENV, "real").strip().lower() or "real"
    if value in _TIMINGS:
        return value
    raise ValueError(f"{FAKE_TIMING_ENV} must be one of {', '.join(_TIMINGS)} (got {value!r})")


@contextmanager
def _sdk_waits_on(clock: FakeClock | None) -> Generator[None, None, None]:
    """Make every SDK client's sleeps advance `clock` (and read it), then put things back.

    The clients read time only through `_sleep` and `_now`, which a new client takes from
    the class attributes `_default_sleep` and `_default_now`.
    """
    if clock is None:
        yield
        return
    from unittest.mock import patch  # loaded only for fake time, like the clients below

    import anyio.lowlevel

    from piapi._async.client import AsyncPiAPIClient
    from piapi._sync.client import PiAPIClient

    async def advance(seconds: float) -> None:
        clock.advance(seconds)
        await anyio.lowlevel.checkpoint()  # other tasks run, cancellation is seen

    with ExitStack() as stack:
        for cls, sleep in ((PiAPIClient, clock.sleep), (AsyncPiAPIClient, advance)):
            stack.enter_context(patch.object(cls, "_default_sleep", staticmethod(sleep)))
            stack.enter_context(patch.object(cls, "_default_now", staticmethod(clock.monotonic)))
        yield
