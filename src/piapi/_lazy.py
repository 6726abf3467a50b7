"""Public names that load their module on first use, so `import piapi` costs next to nothing.

A package lists its names once (`_EXPORTS`, module -> names): this module serves that table
at run time (`__getattr__`, `__dir__` and `__all__`), and `scripts/gen_exports.py` writes the
type checkers' imports from it (`from module import Name as Name`, a re-export).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def lazy_exports(
    package: str,
    exports: Mapping[str, tuple[str, ...]],
    namespace: dict[str, object],
    eager: tuple[str, ...] = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """The `__getattr__`, `__dir__` and `__all__` of `package`, whose public names (module
    -> names) are imported from their module when first asked for, then kept in `namespace`;
    `eager` names the package imports itself, also public."""
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

    return load, names, sorted([*module_of, *eager])
