"""Reading `piapi batch FILE`: JSON Lines, each a Sora 2 shorthand or a full request.

Pure: text in, requests and line-numbered errors out, so that every invalid line is
reported before anything is created. Blank lines are skipped; items keep their line numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import ValidationError

from piapi._core.download import numbered_stem
from piapi._core.models import TaskInput, TaskRequest
from piapi.cli._exit import problems
from piapi.families._registry import request_class_for
from piapi.families.sora2 import build_sora2_input

SHORTHAND_FIELDS = ("prompt", "duration", "aspect_ratio", "pro", "resolution", "image_url")
REQUEST_FIELDS = ("model", "task_type", "input", "config")
EXPECTED = (
    'expected a Sora 2 shorthand {"prompt": ..., "duration": 8, ...} or a full request '
    '{"model": ..., "task_type": ..., "input": {...}}'
)


@dataclass(frozen=True)
class BatchLine:
    """One request of the file and the line it is on (1-based)."""

    number: int
    request: TaskRequest | TaskInput


@dataclass(frozen=True)
class BatchFile:
    """The requests of a file, or what is wrong with it (`line N: ...`)."""

    lines: list[BatchLine] = field(default_factory=list[BatchLine])
    errors: list[str] = field(default_factory=list[str])
    line_count: int = 0
    """How many lines the file has (the width of its line numbers in file names)."""

    def file_names(self) -> list[str]:
        """The results' file names (no extension) of each request, for people: its line
        number, zero-padded to the width of the file's line count, and a slug of its prompt
        (`007-red-fox`); decided from the file alone, so a resumed run finds the same files."""
        from piapi.batch._plan import request_identity  # the batch loads with the command

        width = len(str(self.line_count))
        return [
            numbered_stem(line.number, width, request_identity(line.request).prompt)
            for line in self.lines
        ]


def read_batch_file(text: str) -> BatchFile:
    """Every request of `text`, or an error for each line that is not one.

    Lines end at `\n` only (a `\r` before it is dropped): `str.splitlines` would also
    split at U+2028, U+2029 and U+0085, which JSON strings may hold raw. A UTF-8 byte
    order mark at the start is skipped.
    """
    raws = text.removeprefix("\ufeff").split("\n")
    result = BatchFile(line_count=len(raws) - (raws[-1] == ""))
    for number, raw in enumerate(raws, start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip():
            continue
        try:
            result.lines.append(BatchLine(number, _request(raw)))
        except ValueError as exc:
            result.errors.append(f"line {number}: {_reason(exc)}")
    return result


def _request(raw: str) -> TaskRequest | TaskInput:
    try:
        value: object = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError("nested too deep to be a request") from None
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object; {EXPECTED}")
    fields = cast("dict[str, Any]", value)
    if any(name in fields for name in REQUEST_FIELDS[:3]):
        return _full_request(fields)
    if "prompt" in fields:
        return _shorthand(fields)
    raise ValueError(EXPECTED)


def _unknown(fields: dict[str, Any], known: tuple[str, ...], kind: str) -> None:
    unknown = [name for name in fields if name not in known]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in a {kind} (allowed: {', '.join(known)})")


def _full_request(fields: dict[str, Any]) -> TaskRequest | TaskInput:
    _unknown(fields, REQUEST_FIELDS, "full request")
    missing = [name for name in REQUEST_FIELDS[:3] if name not in fields]
    if missing:
        raise ValueError(f"a full request needs {', '.join(missing)}")
    for name in ("model", "task_type"):
        if not isinstance(fields[name], str) or not fields[name].strip():
            raise ValueError(f"{name} must be a non-empty string")
    if not isinstance(fields["input"], dict):
        raise ValueError("input must be a JSON object")
    if fields.get("config") is not None and not isinstance(fields["config"], dict):
        raise ValueError("config must be a JSON object")
    request = TaskRequest.model_validate(fields)
    typed_class = request_class_for(request.model, request.task_type)
    if typed_class is None:  # a model the SDK has no typed request for: sent as given
        return request
    # Read as its typed request, as `tasks.create(KlingVideoInput(...))` would be: checked
    # now (with the line's number), priced, so capped by --max-cost.
    try:
        typed = typed_class.model_validate(request.input)
    except ValidationError as exc:
        raise ValueError(_reason(exc, within="input")) from None
    if request.config is None:
        return typed
    return request.model_copy(
        update={"model": typed.MODEL, "task_type": typed.TASK_TYPE, "input": typed}
    )


def _shorthand(fields: dict[str, Any]) -> TaskInput:
    _unknown(fields, SHORTHAND_FIELDS, "Sora 2 shorthand")
    pro = fields.get("pro", False)
    if not isinstance(pro, bool):
        raise ValueError(f"pro must be true or false (got {pro!r})")
    prompt, duration = fields["prompt"], fields.get("duration", 4)
    if not isinstance(prompt, str):
        raise ValueError("prompt must be a string")
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise ValueError(f"duration must be 4, 8 or 12 (got {duration!r})")
    return build_sora2_input(
        prompt=prompt,
        aspect_ratio=fields.get("aspect_ratio", "16:9"),
        duration=duration,
        task_type="sora2-pro-video" if pro else "sora2-video",
        image_url=fields.get("image_url"),
        resolution=fields.get("resolution"),
    )


def _reason(exc: ValueError, within: str = "") -> str:
    """The first reason of a validation error, in our words (its place `within` a field);
    any other error's text."""
    found = problems(exc, within) if isinstance(exc, ValidationError) else []
    return found[0] if found else str(exc)
