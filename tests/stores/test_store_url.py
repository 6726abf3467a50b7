"""Store URLs: the backend each names, SQLite's default file, and passwords never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from piapi.stores import StoreError, open_store
from piapi.stores._url import default_sqlite_path, parse_url, redact, scrub

SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    ("url", "backend", "target"),
    [
        ("sqlite:///var/lib/piapi.sqlite", "sqlite", "/var/lib/piapi.sqlite"),
        ("sqlite://relative/store.sqlite", "sqlite", "relative/store.sqlite"),
        ("sqlite://:memory:", "sqlite", ":memory:"),
        ("/plain/path.sqlite", "sqlite", "/plain/path.sqlite"),
        ("C:\\data\\store.sqlite", "sqlite", "C:\\data\\store.sqlite"),
        ("postgresql://u:p@db/piapi", "postgresql", "postgresql://u:p@db/piapi"),
        ("postgres://db/piapi", "postgresql", "postgres://db/piapi"),
        ("PostgreSQL://db/piapi", "postgresql", "PostgreSQL://db/piapi"),
    ],
)
def test_each_url_names_its_backend(url: str, backend: str, target: str) -> None:
    assert parse_url(url) == (backend, target)


def test_a_path_object_is_an_sqlite_file() -> None:
    assert parse_url(Path("/x/y.sqlite")) == ("sqlite", "/x/y.sqlite")


@pytest.mark.parametrize("url", [f"mysql://u:{SECRET}@db/x", f"redis:u:{SECRET}@db", "sqlite://"])
def test_other_schemes_are_refused_without_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="sqlite:///") as raised:
        parse_url(url)
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"postgresql://app:{SECRET}@db:5432/piapi", "postgresql://app:***@db:5432/piapi"),
        (f"postgres://app:{SECRET}@/piapi?host=/run", "postgres://app:***@/piapi?host=/run"),
        (f"postgresql://db/piapi?user=app&password={SECRET}", "postgresql://db/piapi?user=app&password=***"),
        (f"host=db password={SECRET} dbname=piapi", "host=db password=*** dbname=piapi"),
        (f"host=db password='{SECRET} x' dbname=piapi", "host=db password=*** dbname=piapi"),
        ("postgresql://app@db/piapi", "postgresql://app@db/piapi"),
        ("sqlite:///var/lib/piapi.sqlite", "sqlite:///var/lib/piapi.sqlite"),
    ],
)  # fmt: skip
def test_redact_hides_every_form_of_password(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_scrub_removes_the_password_from_any_message() -> None:
    url = f"postgresql://app:{SECRET}@db/piapi"
    message = f"could not connect to {url}; the password {SECRET} was refused"
    assert SECRET not in scrub(message, url)
    assert "postgresql://app:***@db/piapi" in scrub(message, url)


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, "/home/u/.local/share/piapi/store.sqlite"),
        ("linux", {"XDG_DATA_HOME": "/data"}, "/data/piapi/store.sqlite"),
        ("linux", {"XDG_DATA_HOME": "relative"}, "/home/u/.local/share/piapi/store.sqlite"),
        ("darwin", {}, "/home/u/Library/Application Support/piapi/store.sqlite"),
        ("win32", {"LOCALAPPDATA": "/appdata"}, "/appdata/piapi/store.sqlite"),
        ("win32", {}, "/home/u/AppData/Local/piapi/store.sqlite"),
    ],
)
def test_the_default_sqlite_store_is_in_the_users_data_folder(
    platform: str, environ: dict[str, str], expected: str
) -> None:
    assert default_sqlite_path(platform, environ, Path("/home/u")) == Path(expected)


def test_an_unreachable_server_fails_without_showing_the_password(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql://app:{SECRET}@/piapi?host={tmp_path}&connect_timeout=5"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as raised:
        open_store(url)
    assert SECRET not in str(raised.value)
    assert "app:***@" in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or SECRET not in str(raised.value.__context__)
    assert SECRET not in caplog.text


def test_a_stores_repr_never_shows_the_password(postgres_server: str) -> None:
    # The test server trusts local connections, so any password opens it.
    url = postgres_server.replace("piapi@", f"piapi:{SECRET}@")
    with open_store(url) as store:
        assert SECRET not in repr(store)
        assert SECRET not in store.url
        assert "piapi:***@" in repr(store)


def test_open_store_reads_the_environment_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIAPI_STORE_URL", f"sqlite://{tmp_path}/env.sqlite")
    with open_store() as store:
        assert store.url.endswith("env.sqlite")
    monkeypatch.delenv("PIAPI_STORE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr("sys.platform", "linux")
    with open_store() as store:
        assert (tmp_path / "data" / "piapi" / "store.sqlite").is_file()
