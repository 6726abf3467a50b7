"""Every model and task type the SDK knows: `piapi.models()` and `piapi.request_class()`.

`models()` reads the generated catalog (`families/_catalog.py`: the family modules'
declarations and PiAPI's own catalog), so listing every model imports no family; a family
loads only when its request class is asked for (`entry.request_class()`,
`entry.parameters()`, `request_class(model, task_type)`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from piapi._core.models import TaskInput

__all__ = ["ModelEntry", "ModelParameter", "models", "request_class"]


@dataclass(frozen=True)
class ModelParameter:
    """One parameter of a task type's `input`, as its typed request (or PiAPI's catalog) says."""

    name: str
    type: str
    """JSON types: "string", "integer", "number | null", "array of string", a class name..."""
    required: bool
    allowed: str = ""
    """The allowed values or range the request's JSON schema states ("16:9, 9:16",
    "4 to 15", "at most 2500 characters"); empty when it states none."""
    default: str = ""
    """The value sent when a caller leaves it out, as JSON text; empty for none."""
    description: str = ""


@dataclass(frozen=True)
class ModelEntry:
    """One `model` and `task_type` of PiAPI, with its typed request when the SDK has one."""

    model: str
    task_type: str
    class_name: str | None
    """The typed request's class name, e.g. "KlingVideoInput"; None for an untyped pair."""
    module: str | None
    """Where to import it from, e.g. "piapi.kling"; None for an untyped pair."""
    price: str
    """The price rule as the family states it ("Price per second: ...", "not published")."""
    page: str | None
    """The PiAPI docs page the values and price come from."""
    catalog_parameters: tuple[tuple[str, str], ...] = ()
    """(name, type) of each parameter PiAPI's catalog lists (all of them optional there)."""

    @property
    def typed(self) -> bool:
        """Whether the SDK checks and prices this pair's input before sending it."""
        return self.class_name is not None

    def request_class(self) -> type[TaskInput] | None:
        """The typed request class (its family is imported now); None when untyped."""
        return request_class(self.model, self.task_type)

    def parameters(self) -> list[ModelParameter]:
        """The parameters of `input`: from the typed request's JSON schema (its family is
        imported now), else the names and types PiAPI's catalog lists."""
        cls = self.request_class()
        if cls is None:
            return [ModelParameter(n, kind, required=False) for n, kind in self.catalog_parameters]
        return schema_parameters(cls)


@cache
def _entries() -> tuple[ModelEntry, ...]:
    from piapi.families._catalog import ENTRIES

    found: list[ModelEntry] = []
    for model, task_type, target, module, price, page, params in ENTRIES:
        class_name = target.partition(":")[2] if target else None
        found.append(ModelEntry(model, task_type, class_name, module, price, page, params))
    return tuple(found)


def models() -> list[ModelEntry]:
    """Every model and task type: those with a typed request, and the rest of PiAPI's catalog.

    Sorted by model and task type; no family module is imported.

    Returns:
        One `ModelEntry` per (model, task_type): `entry.typed`, `entry.price`,
        `entry.page`, and `entry.request_class()` / `entry.parameters()`.
    """
    return list(_entries())


def request_class(model: str, task_type: str) -> type[TaskInput] | None:
    """The typed request of a model and task type (case-insensitive), or None.

    `piapi.request_class("kling", "video_generation")` is `piapi.kling.KlingVideoInput`;
    its family module is imported by this call.
    """
    from piapi.families._registry import request_class_for

    return request_class_for(model, task_type)


# --- parameters from a JSON schema --------------------------------------------------------


def schema_parameters(cls: type[TaskInput]) -> list[ModelParameter]:
    """The parameters a typed request's JSON schema describes, in its order."""
    schema = cls.model_json_schema()
    properties = cast("Mapping[str, Mapping[str, Any]]", schema.get("properties") or {})
    required = set(cast("Sequence[str]", schema.get("required") or ()))
    defaults = cast("Mapping[str, Any]", getattr(cls, "CALLER_DEFAULTS", {}))
    found: list[ModelParameter] = []
    for name, prop in properties.items():
        default: object = defaults.get(name, prop.get("default"))
        found.append(
            ModelParameter(
                name=name,
                type=_type_text(prop),
                required=name in required,
                allowed=_allowed_text(prop),
                default="" if default in (None, "") else _json(default),
                description=" ".join(str(prop.get("description") or "").split()),
            )
        )
    return found


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _alternatives(prop: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = prop.get("anyOf") or prop.get("oneOf")
    if isinstance(options, list):
        return cast("list[Mapping[str, Any]]", options)
    return [prop]


def _type_text(prop: Mapping[str, Any]) -> str:
    names: list[str] = []
    for option in _alternatives(prop):
        name = _one_type(option)
        if name not in names:
            names.append(name)
    return " | ".join(names) or "any"


def _one_type(option: Mapping[str, Any]) -> str:
    ref = option.get("$ref")
    if isinstance(ref, str):
        return ref.rpartition("/")[2]
    kind = option.get("type")
    if kind == "array":
        items = option.get("items")
        return "array of " + (_type_text(cast("Mapping[str, Any]", items)) if items else "any")
    if isinstance(kind, str):
        return kind
    if "enum" in option or "const" in option:
        values = option.get("enum") or [option.get("const")]
        kinds = {type(v).__name__ for v in cast("list[object]", values)}
        return {"str": "string", "int": "integer", "float": "number"}.get(kinds.pop(), "any")
    return "any"


def _allowed_text(prop: Mapping[str, Any]) -> str:
    parts: list[str] = []
    options = _alternatives(prop)
    if options[0] is not prop:  # a nullable field: `json_schema_extra` lands beside anyOf
        options = [prop, *options]
    for option in options:
        if option.get("type") == "null":
            continue
        values = option.get("enum")
        if "const" in option:
            values = [option["const"]]
        if isinstance(values, list):
            parts.append(", ".join(_show(v) for v in cast("list[object]", values)))
        parts += _bounds(option)
    return "; ".join(parts)


def _show(value: object) -> str:
    return value if isinstance(value, str) else _json(value)


def _bounds(option: Mapping[str, Any]) -> list[str]:
    low = option.get("minimum", option.get("exclusiveMinimum"))
    high = option.get("maximum", option.get("exclusiveMaximum"))
    parts: list[str] = []
    if low is not None and high is not None:
        parts.append(f"{_show(low)} to {_show(high)}")
    elif low is not None:
        parts.append(f"{'above' if 'exclusiveMinimum' in option else 'at least'} {_show(low)}")
    elif high is not None:
        parts.append(f"{'below' if 'exclusiveMaximum' in option else 'at most'} {_show(high)}")
    for key, unit in (("maxLength", "characters"), ("maxItems", "items")):
        if key in option:
            parts.append(f"at most {option[key]} {unit}")
    for key, unit in (("minLength", "characters"), ("minItems", "items")):
        if option.get(key):
            parts.append(f"at least {option[key]} {unit}")
    return parts
