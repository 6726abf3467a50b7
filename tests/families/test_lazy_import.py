"""`import piapi` loads no family module; an answer loads only its own family's."""

from __future__ import annotations

import json
import subprocess
import sys

FAMILIES = [
    "piapi.kling",
    "piapi.veo",
    "piapi.seedance",
    "piapi.hailuo",
    "piapi.luma",
    "piapi.gemini",
    "piapi.flux",
]


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


def test_a_kling_answer_loads_only_kling() -> None:
    code = (
        "import piapi\n"
        "task = piapi.parse_task({'task_id': 't', 'status': 'pending', 'model': 'kling',"
        " 'task_type': 'video_generation'})\n"
        "assert type(task).__name__ == 'KlingTask'\n"
        "piapi.parse_task({'task_id': 't', 'status': 'pending', 'model': 'midjourney'})"
    )
    assert loaded_after(code) == ["piapi.kling"]


def test_using_a_family_loads_only_that_family() -> None:
    assert loaded_after("from piapi.veo import Veo31VideoInput") == ["piapi.veo"]
