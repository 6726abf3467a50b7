"""The documentation covers the public API: every public name has a reference entry."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import runpy
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import piapi
import piapi.testing
import piapi.webhooks
from _support import runpytest_forked

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"


def documented() -> set[str]:
    """Every object path rendered by a `::: path` line in the reference pages."""
    text = "\n".join(page.read_text("utf-8") for page in REFERENCE.glob("*.md"))
    return set(re.findall(r"^:::\s+([\w.]+)\s*$", text, re.M))


FAMILIES = [
    importlib.import_module(f"piapi.{name}")
    for name in ("kling", "veo", "seedance", "hailuo", "luma", "gemini", "flux")
]


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (piapi, piapi.__all__),
        (piapi.testing, piapi.testing.__all__),
        *[(family, family.__all__) for family in FAMILIES],
    ],
    ids=lambda value: getattr(value, "__name__", "names"),
)
def test_every_public_name_is_in_the_reference(module: object, names: list[str]) -> None:
    prefix = getattr(module, "__name__", "")
    missing = [
        name
        for name in names
        if not name.startswith("__") and f"{prefix}.{name}" not in documented()
    ]
    assert not missing, f"add `::: {prefix}.<name>` to docs/reference/ for: {missing}"


def test_webhooks_module_is_in_the_reference() -> None:
    assert piapi.webhooks.__name__ in documented()


def test_changelog_has_the_current_version() -> None:
    changelog = (ROOT / "docs" / "changelog.md").read_text("utf-8")
    assert f"## {piapi.__version__} - " in changelog


def _public_members(module: ModuleType) -> Iterator[tuple[str, object]]:
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if name == "__version__" or not (inspect.isclass(obj) or callable(obj)):
            continue
        yield f"{module.__name__}.{name}", obj
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if member.startswith("_"):
                    continue
                if isinstance(value, staticmethod | classmethod):
                    value = value.__func__
                if callable(value) or isinstance(value, property):
                    yield f"{module.__name__}.{name}.{member}", value


def test_every_public_class_method_and_function_has_a_docstring() -> None:
    from piapi._async import account, files, tasks
    from piapi._core import account as account_records
    from piapi._sync import account as sync_account
    from piapi._sync import files as sync_files
    from piapi._sync import tasks as sync_tasks

    # The resources (client.tasks, client.sora2, client.account, client.files) of both
    # clients, and the records they return.
    modules = [
        piapi,
        piapi.webhooks,
        piapi.testing,
        tasks,
        account,
        files,
        sync_tasks,
        sync_account,
        sync_files,
        account_records,
        *FAMILIES,
    ]
    missing = [
        name
        for module in modules
        for name, obj in _public_members(module)
        if not inspect.getdoc(obj)
    ]
    assert missing == []


def _documented_error_tree() -> list[tuple[str, str]]:
    """(class, documented parent) for each `PiAPIError` line of the tree on errors.md."""
    text = (ROOT / "docs" / "errors.md").read_text("utf-8")
    block = text.split("```text\n", 1)[1].split("```", 1)[0]
    tree = block[block.index("PiAPIError") :]
    stack: list[tuple[int, str]] = []
    pairs: list[tuple[str, str]] = []
    for line in tree.splitlines():
        match = re.match(r"^([│├└─ ]*)([A-Z]\w*Error)\b", line)
        if match is None:
            continue
        depth, name = len(match[1]), match[2]
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            pairs.append((name, stack[-1][1]))
        stack.append((depth, name))
    return pairs


def test_the_error_tree_on_the_errors_page_is_the_class_hierarchy() -> None:
    pairs = _documented_error_tree()
    assert len(pairs) >= 14
    wrong = [
        (name, parent)
        for name, parent in pairs
        if getattr(piapi, name).__bases__[0] is not getattr(piapi, parent)
    ]
    assert wrong == []
    assert issubclass(piapi.WaitTimeoutError, TimeoutError)  # "(also a built-in TimeoutError)"


def _page_code(page: Path) -> str:
    """The Python a page shows, in page order, as it stands in the page."""
    return "\n".join(re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), re.S))


def test_the_testing_pages_snippets_run_as_shown(pytester: pytest.Pytester) -> None:
    """Read top to bottom, the page is a complete test module: nothing is left unimported."""
    code = _page_code(ROOT / "docs" / "testing.md")
    tests = len(re.findall(r"^(?:async )?def test_", code, re.M))
    pytester.makepyfile(test_page=code)
    result = runpytest_forked(pytester, "-q", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= tests, result.stdout.str()
    assert "failed" not in outcomes
    assert "errors" not in outcomes


def test_the_docs_build_of_dev_py_fails_on_a_warning(tmp_path: Path) -> None:
    """`dev.py test` builds the docs with `DOCS_BUILD`: a broken anchor must fail it (with
    `--quiet` the same build passed while the strict build aborted)."""
    dev = runpy.run_path(str(ROOT / "scripts" / "dev.py"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [a](other.md#nowhere).\n")
    (tmp_path / "docs" / "other.md").write_text("# Other\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nnav:\n  - index.md\n  - other.md\nvalidation:\n  anchors: warn\n"
    )
    build = subprocess.run(
        [sys.executable, *dev["DOCS_BUILD"], "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=120,
    )
    assert build.returncode != 0
    assert "#nowhere" in build.stderr


CODE_WIDTH = 88  # what a code block shows without scrolling on the site and on GitHub
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)


def _long_code_lines(page: Path) -> Iterator[str]:
    """`page:line: text` for each line of a fenced block wider than CODE_WIDTH, measured
    without the block's own indentation (a block in a list or an admonition)."""
    text = page.read_text("utf-8")
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start("body")) + 1
        for number, line in enumerate(textwrap.dedent(block["body"]).splitlines(), first):
            if len(line) > CODE_WIDTH:
                yield f"{page.relative_to(ROOT)}:{number}: {line}"


@pytest.mark.parametrize(
    "page",
    [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))],
    ids=lambda page: str(page.relative_to(ROOT)),
)
def test_code_blocks_fit_88_columns(page: Path) -> None:
    """No code block scrolls sideways: examples/ is formatted at 88 (examples/ruff.toml);
    the test code the pages show and hand-written blocks are kept to it by hand."""
    assert list(_long_code_lines(page)) == []


def _reference_objects() -> Iterator[object]:
    """Every function and attribute of piapi as the API reference reads it (griffe, with
    the extension mkdocs.yml loads)."""
    griffe = pytest.importorskip("griffe")
    extension = f"{ROOT / 'scripts' / 'griffe_docs.py'}:DocsValues"
    package = griffe.load(
        "piapi",
        search_paths=[ROOT / "src"],
        extensions=griffe.load_extensions(extension),
    )
    todo = [package]
    while todo:
        for member in todo.pop().members.values():
            if member.is_alias:
                continue
            yield member
            if member.is_module or member.is_class:
                todo.append(member)


def test_the_reference_shows_values_not_the_code_behind_them() -> None:
    """A default reads `4` or `http_client.timeout if http_client else 60.0`, not
    `DEFAULT_CONCURRENCY` or `NOT_GIVEN`; `self.task_id = task_id` shows no `= task_id`."""
    constants = [
        f"{obj.path}({parameter.name}={parameter.default})"
        for obj in _reference_objects()
        if getattr(obj, "is_function", False)
        for parameter in obj.parameters
        if re.fullmatch(r"_?[A-Z][A-Z0-9_]{2,}", str(parameter.default))
    ]
    assert constants == []
    code = [
        f"{obj.path} = {obj.value}"
        for obj in _reference_objects()
        if getattr(obj, "is_attribute", False)
        and obj.labels == {"instance-attribute"}
        and not isinstance(obj.value, str | None)
        and any(type(part).__name__ in ("ExprName", "ExprAttribute") for part in obj.value)
    ]
    assert code == []
