"""The sync shells, generated from the async ones (httpcore's way): `src/piapi/_async/X.py`
becomes `src/piapi/_sync/X.py` by renaming tokens.

Only what renaming can translate lives in the generated modules; threads, locks, sleeping
and socket deadlines are in the hand-written pair `_async/_backend.py` / `_sync/_backend.py`.
The output is cleaned and formatted with ruff (unused imports, import order, line breaks),
so it reads as if written by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SOURCES = ["sender", "spending", "download", "tasks", "account", "files", "batch", "client"]

# Whole words (or dotted names) renamed everywhere, code and prose.
TOKENS = {
    "AsyncPiAPIClient": "PiAPIClient",
    "AsyncTasks": "Tasks",
    "AsyncSora2": "Sora2",
    "AsyncAccount": "Account",
    "AsyncFiles": "Files",
    "AsyncSender": "Sender",
    "AsyncBatch": "Batch",
    "AsyncRetrying": "Retrying",
    "AsyncClient": "Client",
    "aclose": "close",
    "aiter_bytes": "iter_bytes",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "piapi._async": "piapi._sync",
    "_async/": "_sync/",
}
# Keywords of async code.
KEYWORDS = [
    (re.compile(r"\basync (def|with|for)\b"), r"\1"),
    (re.compile(r"\bawait "), ""),
]
# Sentences that differ between the two clients.
PHRASES = {
    "Asynchronous PiAPI client for asyncio and trio.": (
        "Synchronous PiAPI client; safe to share between threads."
    ),
    "async with client.tasks.plan_many": "with client.tasks.plan_many",
}
SOURCE_NOTE = re.compile(r"The async code is the source of\s+`piapi\._sync\.\w+`( \(`\w+`\))?")


def _strip_awaitable(text: str) -> str:
    """`Awaitable[X]` -> `X`, brackets matched."""
    out: list[str] = []
    position = 0
    while (start := text.find("Awaitable[", position)) != -1:
        out.append(text[position:start])
        depth, index = 0, start + len("Awaitable")
        while True:
            char = text[index]
            depth += char == "["
            depth -= char == "]"
            index += 1
            if depth == 0:
                break
        out.append(text[start + len("Awaitable[") : index - 1])
        position = index
    out.append(text[position:])
    return "".join(out)


def unasync(source: str, name: str) -> str:
    """The sync module made from the async module `source` (`_async/<name>.py`)."""
    text = source
    for old, new in PHRASES.items():
        text = text.replace(old, new)
    for pattern, replacement in KEYWORDS:
        text = pattern.sub(replacement, text)
    for old, new in TOKENS.items():
        text = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text)
    text = SOURCE_NOTE.sub(f"Generated from `piapi._async.{name}`", text)
    text = _strip_awaitable(text)
    header = (
        f"# Generated from src/piapi/_async/{name}.py by scripts/gen_unasync.py: do not edit.\n"
    )
    return header + text


def _ruff(root: Path, path: Path, text: str) -> str:
    """`text` as ruff leaves it: unused imports gone, imports sorted, formatted."""
    stdin = str(path.relative_to(root))
    for command in (
        ["check", "--fix", "--exit-zero", "--quiet"],
        ["format"],
    ):
        text = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", stdin, "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=root,
        ).stdout
    return text


def outputs(root: Path) -> dict[Path, str]:
    """`{src/piapi/_sync/<name>.py: text}` for every async source."""
    package = root / "src" / "piapi"
    files: dict[Path, str] = {}
    for name in SOURCES:
        target = package / "_sync" / f"{name}.py"
        files[target] = _ruff(
            root, target, unasync((package / "_async" / f"{name}.py").read_text(), name)
        )
    return files
