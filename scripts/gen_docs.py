"""Code in the docs, copied from the files the tests run, so pages read well anywhere (on
GitHub too) and never show code that was not tested.

A block in a page:

    <!-- snippet: tests/test_docs_user_example.py:basic_imports tests/...:basic -->
    ```python
    (generated)
    ```

gets the named sections (between `# --8<-- [start:NAME]` and `# --8<-- [end:NAME]` in that
file; a path without `:NAME` is the whole file), joined by a blank line, in its fence. A
section from inside a function is dedented: the page shows it from column 0.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

SNIPPET = re.compile(
    r"^(?P<indent>[ \t]*)<!-- snippet: (?P<sources>[^>]+?) -->\n"
    r"(?P=indent)```(?P<lang>\w*)\n.*?^(?P=indent)```$",
    re.M | re.S,
)
MARKER = re.compile(r"^\s*# --8<-- \[(start|end):(\w+)\]\s*$")


def section(root: Path, source: str) -> list[str]:
    """The lines of `path` or `path:name`, dedented."""
    path, _, name = source.partition(":")
    lines = (root / path).read_text().splitlines()
    if not name:
        return [line for line in lines if not MARKER.match(line)]
    inside, found = False, []
    for line in lines:
        marker = MARKER.match(line)
        if marker and marker.group(2) == name:
            inside = marker.group(1) == "start"
        elif inside and not marker:
            found.append(line)
    if not found:
        raise ValueError(f"{source}: no section {name!r}")
    while found and not found[-1].strip():
        found.pop()
    return textwrap.dedent("\n".join(found)).splitlines()


def render(root: Path, page: str) -> str:
    """`page` with every snippet block filled in from its sources."""

    def fill(match: re.Match[str]) -> str:
        indent, lang = match["indent"], match["lang"]
        code: list[str] = []
        for source in match["sources"].split():
            lines = section(root, source)
            if code and lines and lines[0].strip():  # imports, then code: a blank line between
                code.append("")
            code += lines
        body = "\n".join(f"{indent}{line}" if line else "" for line in code)
        return (
            f"{indent}<!-- snippet: {match['sources']} -->\n{indent}```{lang}\n{body}\n{indent}```"
        )

    return SNIPPET.sub(fill, page)


def outputs(root: Path) -> dict[Path, str]:
    """Every docs page that holds a snippet, filled in."""
    pages: dict[Path, str] = {}
    for path in sorted((root / "docs").rglob("*.md")):
        text = path.read_text()
        if "<!-- snippet: " in text:
            pages[path] = render(root, text)
    return pages
