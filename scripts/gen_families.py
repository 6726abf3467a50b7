"""The family index and the public family modules, derived from the families' declarations.

`src/piapi/families/_index.py`: (model, task_type) -> the typed request and the task class
that reads it, as `"module:Class"` strings, read from each family module's source with `ast`
(its request classes' `model=` / `task_type=` class keywords and the task class they name,
`_KlingInput["KlingTask"]` or a `task_class()` return type, its task classes' `model=` when
they read every task of a model); `src/piapi/<family>.py`: the public path of each family;
`src/piapi/families/_catalog.py`: every model and task type (`piapi.models()`), the typed
ones with their price rule and source page, and the other pairs of PiAPI's catalog
(`scripts/data/piapi-catalog-*.json`) with the parameter names it lists.
Only the standard library is used: nothing of piapi is imported.

A request's price rule is its `PRICE_RULE` constant, else the sentence of its docstring (or
its module's) that gives the price ("Price per second: ...", "($0.08/s)", "No published
price."); its source page is its `PAGE` constant, else a module table of pages by task type,
else the first URL of its docstring, its bases' or its module's.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FAMILIES = Path("src/piapi/families")
CATALOG_DATA = Path("scripts/data")
"""PiAPI's catalog (`piapi-catalog-<date>.json`; the newest is read), copied from its MCP server."""
ANY_TASK_TYPE = "*"
MAX_LINE = 100  # ruff's line length
CLASS_KEYWORDS = {"model": "MODEL", "task_type": "TASK_TYPE"}
"""The class keywords a family class says what it is with, and the constants they set."""
EXPORTED_BY_PIAPI = {"sora2"}
"""Families whose classes `piapi` itself exports: no `piapi.<family>` module of their own."""


@dataclass
class _Class:
    bases: list[str]
    constants: dict[str, str] = field(default_factory=dict[str, str])
    task_class: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class Entry:
    """One (model, task_type) of the catalog: its typed request (if any), price and page."""

    model: str
    task_type: str
    target: str | None  # "module:Class" of the typed request
    public_module: str | None  # where users import it from: "piapi", "piapi.kling", ...
    price: str
    page: str | None
    params: tuple[tuple[str, str], ...]  # (name, type) from PiAPI's catalog


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


def _named_task(bases: list[ast.expr]) -> str | None:
    """`KlingTask` of `class KlingVideoInput(_KlingInput["KlingTask"])`."""
    for base in bases:
        named = base.slice if isinstance(base, ast.Subscript) else None
        if isinstance(named, ast.Constant) and isinstance(named.value, str):
            return named.value
    return None


def _base_name(base: ast.expr) -> str:
    """`FamilyTask` of `FamilyTask[In, Out]`, `Base` of `Base`."""
    if isinstance(base, ast.Subscript):
        base = base.value
    return base.id if isinstance(base, ast.Name) else ""


def _page_tables(tree: ast.Module) -> dict[str, dict[str, str]]:
    """Module-level tables of string constants (`PAGES = {"task-type": "https://..."}`)."""
    tables: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            rows = {
                key.value: value.value
                for key, value in zip(node.value.keys, node.value.values, strict=False)
                if isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            }
            for target in targets:
                if isinstance(target, ast.Name) and rows:
                    tables[target.id] = rows
    return tables


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
            declared.task_class = _named_task(node.bases)
            declared.doc = ast.get_docstring(node) or ""
            for keyword in node.keywords:
                value = _text(keyword.value, constants)
                if keyword.arg in CLASS_KEYWORDS and value is not None:
                    declared.constants[CLASS_KEYWORDS[keyword.arg]] = value
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
    """A class constant (`MODEL` of `model=`, `PAGE`, ...) or `task_class`, from the class or
    its bases here."""
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


URL = re.compile(r"https?://[^\s)>\]`'\"]+[^\s)>\]`'\".,;:]")
NO_PRICE = re.compile(r"\bno\b[^.]*\bprice\b|\bprice\b[^.]*\bnot published\b", re.IGNORECASE)
NOT_PUBLISHED = "not published"
UNTYPED_PRICE = "unknown (no typed request)"


def _sentences(doc: str) -> list[str]:
    """A docstring's sentences, each on one line (an URL's dots do not end one)."""
    text = " ".join(doc.split())
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-Z(`$])", text) if part.strip()]


def _price_in(doc: str) -> str | None:
    """The price a docstring states: its price sentence, or a "($0.08/s)" remark."""
    for sentence in _sentences(doc):
        if NO_PRICE.search(sentence):
            return NOT_PUBLISHED
        if re.search(r"\bprice\b", sentence, re.IGNORECASE) and "$" in sentence:
            return sentence.replace("`", "").rstrip(".")
    for sentence in _sentences(doc):
        aside = re.search(r"\(([^()]*\$[^()]*)\)", sentence)
        if aside:
            return aside.group(1)
        if "$" in sentence:  # "Input of `x` (Veo 3): $0.24/s with audio, $0.12/s without."
            return sentence[: sentence.index("$")].rpartition(": ")[0] and sentence.rpartition(
                ": "
            )[2].rstrip(".")
    return None


def _chain(classes: dict[str, _Class], name: str) -> list[_Class]:
    """The class and its bases declared in the same module, nearest first."""
    declared = classes.get(name)
    if declared is None:
        return []
    found = [declared]
    for base in declared.bases:
        found += _chain(classes, base)
    return found


def _price(classes: dict[str, _Class], name: str, module_doc: str) -> str:
    rule = _inherited(classes, name, "PRICE_RULE")
    if rule is not None:
        return rule
    for declared in _chain(classes, name):
        found = _price_in(declared.doc)
        if found:
            return found
    return _price_in(module_doc) or NOT_PUBLISHED


def _page(
    classes: dict[str, _Class],
    name: str,
    task_type: str,
    tables: dict[str, dict[str, str]],
    module_doc: str,
) -> str | None:
    page = _inherited(classes, name, "PAGE")
    if page is not None:
        return page
    for table in tables.values():
        if URL.fullmatch(table.get(task_type, "")):
            return table[task_type]
    for doc in [*(declared.doc for declared in _chain(classes, name)), module_doc]:
        found = URL.search(doc)
        if found:
            return found.group(0)
    return None


def _public_module(module: str) -> str:
    family = module.rpartition(".")[2]
    return "piapi" if family in EXPORTED_BY_PIAPI else f"piapi.{family}"


def _catalog(root: Path) -> dict[tuple[str, str], dict[str, object]]:
    """PiAPI's catalog entries by (model, task_type) lower case (the newest file)."""
    files = sorted((root / CATALOG_DATA).glob("piapi-catalog-*.json"))
    if not files:
        return {}
    entries: dict[str, dict[str, object]] = json.loads(files[-1].read_text())["entries"]
    return {
        (str(entry["model"]).lower(), str(entry["taskType"]).lower()): entry
        for entry in entries.values()
    }


def _params(entry: dict[str, object] | None) -> tuple[tuple[str, str], ...]:
    params = entry.get("params", []) if entry else []
    assert isinstance(params, list)
    return tuple((str(p["name"]), str(p["type"])) for p in params)  # pyright: ignore


def scan(
    root: Path,
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str], list[Entry]]:
    """(model, task_type) lower case -> request class, and -> task class, from the sources;
    and every catalog entry, typed or not, in order of model and task type."""
    requests: dict[tuple[str, str], str] = {}
    tasks: dict[tuple[str, str], str] = {}
    typed: dict[tuple[str, str], Entry] = {}
    catalog = _catalog(root)
    for path in sorted((root / FAMILIES).glob("[!_]*.py")):
        module = f"piapi.families.{path.stem}"
        tree = ast.parse(path.read_text(), filename=str(path))
        classes = _classes(tree)
        tables = _page_tables(tree)
        module_doc = ast.get_docstring(tree) or ""
        for name in classes:
            if name.startswith("_"):
                continue
            model = _inherited(classes, name, "MODEL")
            task_type = _inherited(classes, name, "TASK_TYPE")
            task_class = _inherited(classes, name, "task_class")
            if model is not None and task_type is not None:  # a typed request
                key = (model.lower(), task_type.lower())
                requests[key] = f"{module}:{name}"
                if task_class is not None:
                    tasks[key] = f"{module}:{task_class}"
                known = catalog.get(key)
                typed[key] = Entry(
                    model=model,
                    task_type=task_type,
                    target=f"{module}:{name}",
                    public_module=_public_module(module),
                    price=_price(classes, name, module_doc),
                    page=_page(classes, name, task_type, tables, module_doc),
                    params=_params(known),
                )
            elif model is not None and "FamilyTask" in classes[name].bases:
                tasks[(model.lower(), ANY_TASK_TYPE)] = f"{module}:{name}"
    entries = dict(typed)
    for key, entry in catalog.items():
        if key not in entries:
            entries[key] = Entry(
                model=str(entry["model"]),
                task_type=str(entry["taskType"]),
                target=None,
                public_module=None,
                price=UNTYPED_PRICE,
                page=None,
                params=_params(entry),
            )
    return requests, tasks, [entries[key] for key in sorted(entries)]


def index(root: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(model, task_type) lower case -> request class, and -> task class, from the sources."""
    requests, tasks, _ = scan(root)
    return requests, tasks


def _table(name: str, doc: str, rows: dict[tuple[str, str], str]) -> str:
    lines = [f"{name}: dict[tuple[str, str], str] = {{"]
    for (model, kind), target in rows.items():
        line = f'    ("{model}", "{kind}"): "{target}",'
        if len(line) > MAX_LINE:  # as ruff format splits it: the key's parts on lines of their own
            line = f'    (\n        "{model}",\n        "{kind}",\n    ): "{target}",'
        lines.append(line)
    return "\n".join([*lines, "}", f'"""{doc}"""', ""])


def _catalog_module(root: Path, entries: list[Entry]) -> str:
    from gen_unasync import _ruff  # the same tidying as every generated module

    lines = [
        "# Generated by scripts/gen_families.py; do not edit.",
        "# ruff: noqa: E501  (a price rule is one line of text)",
        '"""Written from the family modules and PiAPI\'s catalog.',
        "",
        "Every (model, task_type) the SDK knows, read by `piapi.models()` without importing a",
        'family: model, task_type, typed request as `"module:Class"` (None: untyped), its',
        "public module, price rule, source page, and PiAPI's catalog parameters (name, type).",
        '"""',
        "",
        "Params = tuple[tuple[str, str], ...]",
        "ENTRIES: tuple[tuple[str, str, str | None, str | None, str, str | None, Params], ...] = (",
    ]
    for entry in entries:
        fields = (
            entry.model,
            entry.task_type,
            entry.target,
            entry.public_module,
            entry.price,
            entry.page,
            entry.params,
        )
        lines.append(f"    {fields!r},")
    text = "\n".join([*lines, ")", ""])
    return _ruff(root, root / FAMILIES / "_catalog.py", text)


def outputs(root: Path) -> dict[Path, str]:
    requests, tasks, entries = scan(root)
    text = "\n".join(
        [
            "# Generated by scripts/gen_families.py; do not edit.",
            '"""Written from the family modules.',
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
    files = {
        root / FAMILIES / "_index.py": text,
        root / FAMILIES / "_catalog.py": _catalog_module(root, entries),
    }
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
