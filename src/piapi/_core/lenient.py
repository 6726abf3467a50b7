"""How a task PiAPI sent is read when part of it is not what the docs say: the repair rules.

Pure functions over the JSON data and pydantic's error list. A value that fails is dropped,
so its field takes its default, and kept aside under its path; a number where text is
expected is kept as text. Only `task_id` and `status` cannot be done without.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

ESSENTIAL_FIELDS = frozenset({"task_id", "status"})
"""Without these a task cannot be followed: an answer failing on them is unreadable."""

DataPath = tuple[str | int, ...]


@dataclass
class Repair:
    """The data with every failing value dropped or converted, and what was dropped."""

    data: dict[str, Any]
    unreadable: dict[str, Any] = field(default_factory=dict[str, Any])


def data_path(data: object, loc: Sequence[str | int]) -> DataPath:
    """The part of a pydantic error location that exists in `data`.

    A location also names union members and validators (`"Sora2VideoInput"`), and ends
    with the missing key for a missing field: those parts are not in the data.
    """
    node = data
    path: list[str | int] = []
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            mapping = cast("dict[str, Any]", node)
            if part not in mapping:
                continue
            node = mapping[part]
        elif isinstance(node, list) and isinstance(part, int):
            items: list[Any] = node  # pyright: ignore[reportUnknownVariableType]
            if not 0 <= part < len(items):
                continue
            node = items[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def repair(data: Mapping[str, Any], errors: Sequence[Mapping[str, Any]]) -> Repair | None:
    """A copy of `data` in which each value that failed validation is dropped or converted.

    Args:
        data: The task object as PiAPI sent it (left unchanged).
        errors: `ValidationError.errors()` of reading it.

    Returns:
        The repaired copy and the raw values dropped, by dotted path (`"meta.created_at"`);
        None when an essential field failed or nothing could be repaired.
    """
    fixed = copy.deepcopy(dict(data))
    unreadable: dict[str, Any] = {}
    drops: set[DataPath] = set()
    converted = False
    for error in errors:
        path = data_path(fixed, error["loc"])
        if not path or path[0] in ESSENTIAL_FIELDS:
            return None
        parent = _parent(fixed, path)
        value = parent[path[-1]]
        if error["type"] == "string_type" and _is_number(value):
            parent[path[-1]] = str(value)  # a number where text is expected is kept, as text
            converted = True
            continue
        drops.add(path)
    # Deepest and last first, so that dropping a list item does not shift the others.
    for path in sorted(drops, key=_drop_order, reverse=True):
        if any(path[:n] in drops for n in range(1, len(path))):
            continue  # an enclosing value is dropped anyway
        value = _parent(fixed, path).pop(path[-1])  # a key of a dict, an index of a list
        if value is not None:
            unreadable[".".join(str(part) for part in path)] = value
    if not drops and not converted:
        return None
    return Repair(fixed, unreadable)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _drop_order(path: DataPath) -> tuple[int, tuple[str, ...]]:
    return len(path), tuple(f"{part:>20}" if isinstance(part, int) else part for part in path)


def _parent(data: dict[str, Any], path: DataPath) -> Any:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    return node
