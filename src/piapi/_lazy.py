"""Public names that load their module on first use, so `import piapi` costs next to nothing.

A package lists its names once (`_EXPORTS`, module -> names); `scripts/gen_exports.py` writes
the type checkers' imports and `__all__` from that table, and this module serves it at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, exports: Mapping[str, tuple[str, ...]], namespace: dict[str, object]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of `package`, whose public names (module -> names)
    are imported from their module when first asked for, then kept in `namespace`."""
    module_of = {name: module for module, names in exports.items() for name in names}

    def load(name: str) -> object:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later lookups skip this function
        return value

    def names() -> list[str]:
        return sorted(set(namespace) | set(module_of))

    return load, names
