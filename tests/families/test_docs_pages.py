"""Each family's guide page runs as written against the fake, and every price its code
comments claim (`print(...)  # 0.75: ...`) is what the line prints."""

from __future__ import annotations

import contextlib
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from piapi import PiAPIClient

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["kling", "veo", "seedance", "hailuo", "luma", "gemini", "flux"]
PRINT_WITH_VALUE = re.compile(r"^\s*print\(.*\)\s+#\s*([^:]+?)(?::|$)")


def blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / f"{page}.md").read_text(), flags=re.DOTALL)


def is_value(text: str) -> bool:
    """`0.75`, `1.00 2.50`, `None`: a printed value, not a remark."""
    try:
        return all(word == "None" or Decimal(word).is_finite() for word in text.split())
    except InvalidOperation:
        return False


def claimed(block: str) -> list[tuple[int, str]]:
    """(index of the print in the block, the value its comment claims) for value comments."""
    prints = [line for line in block.splitlines() if line.lstrip().startswith("print(")]
    matches = [(index, PRINT_WITH_VALUE.match(line)) for index, line in enumerate(prints)]
    return [
        (index, match.group(1).strip())
        for index, match in matches
        if match is not None and is_value(match.group(1))
    ]


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_on_the_fake_and_prints_what_it_says(
    page: str, piapi_client: PiAPIClient
) -> None:
    found = blocks(page)
    assert found, page
    checked = 0
    for block in found:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(block, f"docs/{page}.md", "exec"), {"client": piapi_client})
        lines = output.getvalue().splitlines()
        for index, value in claimed(block):
            assert lines[index] == value, (page, block)
            checked += 1
    assert checked, f"docs/{page}.md claims no price to check"
