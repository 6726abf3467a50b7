"""`import piapi` loads no store, `sqlite3` or `psycopg`; `piapi.stores` loads a backend's
driver only when a store of that kind is opened."""

from __future__ import annotations

import json
import subprocess
import sys

WATCHED = ["piapi.stores", "sqlite3", "psycopg"]


def loaded_after(code: str) -> list[str]:
    script = (
        f"import sys\n{code}\nimport json\n"
        f"print(json.dumps(sorted(m for m in {WATCHED!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_import_piapi_loads_no_store_nor_driver() -> None:
    assert loaded_after("import piapi\npiapi.PiAPIClient(api_key='k')") == []


def test_a_client_loads_its_store_s_driver_only_when_a_create_is_counted() -> None:
    assert loaded_after("import piapi\npiapi.AsyncPiAPIClient(api_key='k')") == []
    assert loaded_after(
        "import piapi\npiapi.PiAPIClient(api_key='k', spend_store='sqlite:///x.sqlite')"
    ) == ["piapi.stores"]
    assert loaded_after("import piapi.webhooks") == []
    assert loaded_after(
        "from piapi import webhooks\nwebhooks.Deduplicator('postgresql://h/d')"
    ) == ["piapi.stores"]


def test_the_stores_package_loads_a_driver_only_to_open_a_store() -> None:
    assert loaded_after("import piapi.stores") == ["piapi.stores"]
    assert loaded_after(
        "from piapi.stores import open_store\nopen_store('sqlite://:memory:').close()"
    ) == ["piapi.stores", "sqlite3"]
