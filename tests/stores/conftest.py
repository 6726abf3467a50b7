"""Fixtures of the store tests: every test runs on SQLite and on a real PostgreSQL server.

The server is started by the tests themselves, one per pytest-xdist worker (a session
fixture lives in its worker's process), on a Unix socket in a temporary folder; each test
gets a schema of its own. No server here is a failure with a message, never a skip.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from _store_clock import FakeClock

from piapi.stores import Store, open_store
from piapi.stores._local_postgres import LocalPostgres, PostgresNotFound


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    server = LocalPostgres()
    try:
        url = server.start()
    except (PostgresNotFound, RuntimeError) as exc:
        server.stop()
        pytest.fail(f"The PostgreSQL store tests need a PostgreSQL server: {exc}")
    try:
        yield url
    finally:
        server.stop()


def new_schema(server_url: str) -> str:
    """A URL of `server_url` whose tables go to a new, empty schema."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]  # a literal name
    return f"{server_url}&options={quote(f'-c search_path={schema}')}"


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    return new_schema(postgres_server)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/store.sqlite"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(store_url: str, clock: FakeClock) -> Iterator[Store]:
    with open_store(store_url, clock=clock) as opened:
        yield opened
