"""A griffe extension for the API reference (mkdocs.yml): values read as values.

mkdocstrings shows the source text of a default or an attribute's value. Here:

- a default that names a constant shows the constant's value (`DEFAULT_CONCURRENCY` reads
  `4`), and a sentinel shows what it stands for, as Python (the signature is formatted as
  code): its `__repr__` if that parses, else its entry in `READS_AS`;
- an attribute whose value is code (`self.task_id = task_id`, `Field(default_factory=...)`,
  `resolve_upload_url(...)`) shows its name and type only; a literal value (an enum
  member's string, a field's `None` or `0`) is kept.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from typing import Any

import griffe

LITERALS = (bool, int, float, str, bytes, type(None))
# Sentinels whose repr is prose ("60 s, or http_client's timeout"): what they stand for.
READS_AS = {"piapi._core.options.NOT_GIVEN": "http_client.timeout if http_client else 60.0"}


def _runtime(path: str) -> tuple[bool, Any]:
    """The object at a dotted path, imported; (False, None) if it cannot be had."""
    parts = path.split(".")
    if len(parts) == 1 and hasattr(builtins, path):
        return True, getattr(builtins, path)
    for cut in range(len(parts) - 1, 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                value = getattr(value, name)
        except AttributeError:
            return False, None
        return True, value
    return False, None


def _as_value(expr: griffe.Expr) -> str | None:
    """The text of what a name stands for, when that reads better than the name."""
    if not isinstance(expr, griffe.ExprName | griffe.ExprAttribute):
        return None
    if expr.canonical_path in READS_AS:
        return READS_AS[expr.canonical_path]
    found, value = _runtime(expr.canonical_path)
    if not found:
        return None
    if isinstance(value, LITERALS):
        return repr(value)
    if isinstance(value, tuple | frozenset) and all(isinstance(v, LITERALS) for v in value):
        return repr(value) if len(repr(value)) <= 60 else None
    own_repr = type(value).__repr__ is not object.__repr__
    if own_repr and type(value).__module__.startswith("piapi") and _parses(repr(value)):
        return repr(value)
    return None


def _parses(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _attribute_value(attribute: griffe.Attribute, value: griffe.Expr) -> str | griffe.Expr | None:
    """What an attribute's entry shows after its name and type, if anything."""
    if "class-attribute" not in attribute.labels:  # `self.name = <code>` in a method
        return _as_value(value)
    if isinstance(value, griffe.ExprCall) and value.function.canonical_name in ("field", "Field"):
        default = next(
            (arg.value for arg in value.arguments if getattr(arg, "name", "") == "default"),
            None,
        )
        if isinstance(default, str):  # a literal
            return default
        factory = next(
            (arg.value for arg in value.arguments if getattr(arg, "name", "") == "default_factory"),
            None,
        )  # a dataclass or pydantic field: its default, if made by a plain call
        if default is None and factory is None:  # no default: the name and type say it all
            return None
        if isinstance(factory, griffe.ExprSubscript):
            factory = factory.left
        if isinstance(factory, griffe.ExprName | griffe.ExprAttribute):
            found, make = _runtime(factory.canonical_path)
            if found and callable(make):
                text = repr(make())
                if len(text) <= 40 and _parses(text):
                    return text
        return value
    return _as_value(value) or value


def _is_literal(expr: griffe.Expr) -> bool:
    """No name in it: a string, a number, a tuple of those, ..."""
    return not any(
        isinstance(part, griffe.ExprName | griffe.ExprAttribute) for part in expr.iterate(flat=True)
    )


class DocsValues(griffe.Extension):
    """Rewrites defaults and attribute values once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._visit(pkg, set())

    def _visit(self, obj: griffe.Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        for member in obj.members.values():
            if isinstance(member, griffe.Alias):
                continue
            if isinstance(member, griffe.Function):
                for parameter in member.parameters:
                    if isinstance(parameter.default, griffe.Expr):
                        parameter.default = _as_value(parameter.default) or parameter.default
            elif (
                isinstance(member, griffe.Attribute)
                and isinstance(member.value, griffe.Expr)
                and not _is_literal(member.value)
            ):
                member.value = _attribute_value(member, member.value)
            if isinstance(member, griffe.Module | griffe.Class):
                self._visit(member, seen)
