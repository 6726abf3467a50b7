"""The tests' own PostgreSQL server: found on this machine, else the pgserver wheel."""

from __future__ import annotations

from piapi.stores import open_store
from piapi.stores._local_postgres import LocalPostgres, find_bindir


def test_the_system_postgresql_is_found() -> None:
    bindir = find_bindir()
    assert bindir is not None, "no PostgreSQL on PATH, pg_config or /usr/lib/postgresql"
    assert (bindir / "postgres").is_file()


def test_the_pgserver_wheel_runs_a_store_too() -> None:
    with LocalPostgres(use_pgserver=True) as server, open_store(server.url) as store:
        assert store.claim_delivery("k") is True
        assert store.claim_delivery("k") is False
    assert not server.root.exists()
