"""Fixtures for the core tests: one harness drives the sync and the async client alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from _support import Api, FakeTime, Handler

pytest_plugins = ["pytester"]  # test_readme.py runs the README's pytest example for real


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(params=["sync", "asyncio", "trio"])
def make_api(request: pytest.FixtureRequest, fake_time: FakeTime) -> Callable[..., Api]:
    """Build an `Api` harness for each of: the sync client, async on asyncio, async on trio."""

    def make(handler: Handler, **options: Any) -> Api:
        return Api(str(request.param), handler, fake_time, **options)

    return make


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_piapi_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real key or URL from the environment."""
    monkeypatch.delenv("PIAPI_API_KEY", raising=False)
    monkeypatch.delenv("PIAPI_BASE_URL", raising=False)
