"""Helpers shared by the fake's tests (importable thanks to pytest's rootdir sys.path)."""

from __future__ import annotations

from typing import Any

KEY = {"X-API-Key": "test"}


def sora_body(prompt: str = "a fox", **extra: Any) -> dict[str, Any]:
    """A create request body like the seed example's."""
    body: dict[str, Any] = {
        "model": "sora2",
        "task_type": "sora2-video",
        "input": {"prompt": prompt, "aspect_ratio": "16:9", "duration": 4},
    }
    body.update(extra)
    return body
