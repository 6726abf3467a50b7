"""`import piapi` loads no family module; an answer loads only its own family's."""

from __future__ import annotations

import json
import subprocess
import sys

from piapi.families._registry import REQUEST_CLASSES, TASK_CLASSES

# Every family module the registry names, so a family added later is covered too.
FAMILIES = sorted(
    {target.partition(":")[0] for target in [*REQUEST_CLASSES.values(), *TASK_CLASSES.values()]}
    - {"piapi.families.sora2"}
)


def loaded_after(code: str) -> list[str]:
    """The family modules loaded after running `code` in a fresh interpreter."""
    script = f"import sys\n{code}\nprint(sorted(m for m in {FAMILIES!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: list[str] = json.loads(result.stdout.strip().replace("'", '"'))
    return loaded


def test_import_piapi_loads_no_family() -> None:
    assert loaded_after("import piapi; piapi.PiAPIClient; piapi.parse_task") == []


def test_importing_the_clients_loads_no_family() -> None:
    assert loaded_after("from piapi import PiAPIClient") == []
    assert loaded_after("from piapi import AsyncPiAPIClient") == []


def test_a_client_and_a_sora2_answer_load_no_family() -> None:
    code = (
        "from piapi import PiAPIClient, Sora2Task, parse_task\n"
        "client = PiAPIClient(api_key='test', base_url='http://127.0.0.1:9')\n"
        "client.sora2, client.tasks\n"
        "task = parse_task({'task_id': 't', 'status': 'pending', 'model': 'sora2',"
        " 'task_type': 'sora2-video', 'input': {'prompt': 'p', 'duration': 4}})\n"
        "assert isinstance(task, Sora2Task)\n"
        "client.close()"
    )
    assert loaded_after(code) == []


def test_a_kling_answer_loads_only_kling() -> None:
    code = (
        "import piapi\n"
        "task = piapi.parse_task({'task_id': 't', 'status': 'pending', 'model': 'kling',"
        " 'task_type': 'video_generation'})\n"
        "assert type(task).__name__ == 'KlingTask'\n"
        "piapi.parse_task({'task_id': 't', 'status': 'pending', 'model': 'midjourney'})"
    )
    assert loaded_after(code) == ["piapi.families.kling"]


def test_using_a_family_loads_only_that_family() -> None:
    assert loaded_after("from piapi.veo import Veo31VideoInput") == ["piapi.families.veo"]
