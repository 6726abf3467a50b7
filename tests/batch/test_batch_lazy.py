"""Batches are a feature on top of the clients: `import piapi` and using a client load no
batch module and no `sqlite3`; `run_many` loads them on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

WATCHED = ["piapi.batch._plan", "piapi.batch._journal", "piapi.batch._run", "piapi._sync.batch",
           "piapi._async.batch", "sqlite3"]  # fmt: skip


def loaded_after(code: str) -> list[str]:
    """The watched modules loaded after running `code` in a fresh interpreter."""
    script = f"import sys\n{code}\nprint(sorted(m for m in {WATCHED!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: list[str] = json.loads(result.stdout.strip().replace("'", '"'))
    return loaded


def test_import_piapi_and_a_client_load_no_batch_module_nor_sqlite3() -> None:
    code = (
        "import piapi\n"
        "client = piapi.PiAPIClient(api_key='k')\n"
        "aclient = piapi.AsyncPiAPIClient(api_key='k')\n"
        "client.tasks.estimate_cost(piapi.Sora2VideoInput(prompt='a'))\n"
        "import piapi.cli"
    )
    assert loaded_after(code) == []


def test_run_many_loads_the_sync_runner_only() -> None:
    code = (
        "import piapi\n"
        "from piapi.testing import FakePiAPI\n"
        "fake = FakePiAPI(queue_delay=0, task_duration=0)\n"
        "client = piapi.PiAPIClient(api_key='test', http_client=fake.client())\n"
        "client.tasks.run_many([piapi.Sora2VideoInput(prompt='a')])"
    )
    loaded = loaded_after(code)
    assert "piapi._sync.batch" in loaded
    assert "sqlite3" in loaded
    assert "piapi._async.batch" not in loaded


def test_a_batch_on_a_journal_file_loads_no_store_nor_psycopg(tmp_path: Path) -> None:
    journal = f"sqlite://{tmp_path}/journal.sqlite"
    script = (
        "import sys\nimport piapi\n"
        "from piapi.testing import FakePiAPI\n"
        "fake = FakePiAPI(queue_delay=0, task_duration=0)\n"
        "client = piapi.PiAPIClient(api_key='test', http_client=fake.client())\n"
        f"client.tasks.run_many([piapi.Sora2VideoInput(prompt='a')], journal={journal!r})\n"
        "print(sorted(m for m in ('piapi.stores', 'piapi.batch._shared', 'psycopg') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "journal.sqlite").exists()
