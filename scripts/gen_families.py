"""The family index and the public family modules, derived from the families' declarations.

`src/piapi/families/_index.py`: (model, task_type) -> the typed request and the task class
that reads it, as `"module:Class"` strings, read from each family module's source with `ast`
(its request classes' `MODEL` / `TASK_TYPE` constants and `task_class()` return type, its
task classes' `MODEL` when they read every task of a model); `src/piapi/<family>.py`: the
public path of each family. Only the standard library is used: nothing of piapi is imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

FAMILIES = Path("src/piapi/families")
ANY_TASK_TYPE = "*"
LINE_LENGTH = 100  # ruff's line-length (pyproject.toml)
EXPORTED_BY_PIAPI = {"sora2"}
"""Families whose classes `piapi` itself exports: no `piapi.<family>` module of their own."""


@dataclass
class _Class:
    bases: list[str]
    constants: dict[str, str] = field(default_factory=dict[str, str])
    task_class: str | None = None


def _text(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    """A string constant, or a module-level name bound to one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _bound(target: ast.expr, value: ast.expr | None, constants: dict[str, str]) -> dict[str, str]:
    """The string constants an assignment binds: `A = "x"`, `A, B = "x", "y"`."""
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
        pairs = zip(target.elts, value.elts, strict=False)
        return {name: text for t, v in pairs for name, text in _bound(t, v, constants).items()}
    text = _text(value, constants)
    return {target.id: text} if isinstance(target, ast.Name) and text is not None else {}


def _returned_class(function: ast.FunctionDef) -> str | None:
    """`X` of a `-> type[X]` (or `-> "type[X]"`) annotation."""
    annotation = function.returns
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Name):
        return annotation.slice.id
    return None


def _base_name(base: ast.expr) -> str:
    """`FamilyTask` of `FamilyTask[In, Out]`, `Base` of `Base`."""
    if isinstance(base, ast.Subscript):
        base = base.value
    return base.id if isinstance(base, ast.Name) else ""


def _classes(tree: ast.Module) -> dict[str, _Class]:
    constants: dict[str, str] = {}
    classes: dict[str, _Class] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                constants.update(_bound(target, node.value, constants))
        elif isinstance(node, ast.ClassDef):
            declared = _Class([_base_name(base) for base in node.bases])
            for item in node.body:
                if isinstance(item, ast.AnnAssign | ast.Assign):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    value = _text(item.value, constants)
                    for target in targets:
                        if isinstance(target, ast.Name) and value is not None:
                            declared.constants[target.id] = value
                elif isinstance(item, ast.FunctionDef) and item.name == "task_class":
                    declared.task_class = _returned_class(item)
            classes[node.name] = declared
    return classes


def _inherited(classes: dict[str, _Class], name: str, what: str) -> str | None:
    """A class constant (`MODEL`, ...) or `task_class`, from the class or its bases here."""
    declared = classes.get(name)
    if declared is None:
        return None
    own = declared.task_class if what == "task_class" else declared.constants.get(what)
    if own is not None:
        return own
    for base in declared.bases:
        found = _inherited(classes, base, what)
        if found is not None:
            return found
    return None


def index(root: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(model, task_type) lower case -> request class, and -> task class, from the sources."""
    requests: dict[tuple[str, str], str] = {}
    tasks: dict[tuple[str, str], str] = {}
    for path in sorted((root / FAMILIES).glob("[!_]*.py")):
        module = f"piapi.families.{path.stem}"
        classes = _classes(ast.parse(path.read_text(), filename=str(path)))
        for name in classes:
            if name.startswith("_"):
                continue
            model = _inherited(classes, name, "MODEL")
            task_type = _inherited(classes, name, "TASK_TYPE")
            task_class = _inherited(classes, name, "task_class")
            if model is not None and task_type is not None:  # a typed request
                key = (model.lower(), task_type)
                requests[key] = f"{module}:{name}"
                if task_class is not None:
                    tasks[key] = f"{module}:{task_class}"
            elif model is not None and "FamilyTask" in classes[name].bases:
                tasks[(model.lower(), ANY_TASK_TYPE)] = f"{module}:{name}"
    return requests, tasks


def _table(name: str, doc: str, rows: dict[tuple[str, str], str]) -> str:
    lines = [f"{name}: dict[tuple[str, str], str] = {{"]
    for (model, kind), target in rows.items():
        line = f'    ("{model}", "{kind}"): "{target}",'
        if len(line) > LINE_LENGTH:  # as ruff format writes it
            line = f'    ("{model}", "{kind}"): (\n        "{target}"\n    ),'
        lines.append(line)
    return "\n".join([*lines, "}", f'"""{doc}"""', ""])


def outputs(root: Path) -> dict[Path, str]:
    requests, tasks = index(root)
    text = "\n".join(
        [
            '"""Generated by scripts/gen_families.py from the family modules; do not edit.',
            "",
            "The typed request and the task class of each (model, task_type), lower case, as",
            '`"module:Class"` strings: `families._registry` imports a family only when needed.',
            '"""',
            "",
            _table("REQUEST_CLASSES", "The typed request of each `input` (its price).", requests),
            _table(
                "TASK_CLASSES",
                'The class that reads each task; task type "*": every task of that model.',
                tasks,
            ),
        ]
    )
    files = {root / FAMILIES / "_index.py": text}
    for path in sorted((root / FAMILIES).glob("[!_]*.py")):
        family = path.stem
        if family in EXPORTED_BY_PIAPI:
            continue
        files[root / "src/piapi" / f"{family}.py"] = (
            "# Generated by scripts/gen_families.py; do not edit.\n"
            f'"""`piapi.{family}`: the public path of `piapi.families.{family}`."""\n\n'
            f"from piapi.families.{family} import *  # noqa: F403\n"
            f"from piapi.families.{family} import __all__ as __all__\n"
        )
    return files
