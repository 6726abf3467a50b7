"""Write the generated files, or with `--check` fail when one is stale.

    python3 scripts/generate.py          # rewrite them
    python3 scripts/generate.py --check  # exit 1 naming each stale file (run by dev.py test)

Each generator (a `gen_*.py` module beside this one) returns `{path: text}` for the files it
owns; a generated file says so in its first lines and is never edited by hand. The generators
use the standard library and ruff, except gen_models_page, which imports piapi to read each
typed request's JSON schema: run this with the virtual environment's Python (dev.py does).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATORS = ["gen_unasync", "gen_families", "gen_exports", "gen_docs", "gen_models_page"]


def outputs() -> dict[Path, str]:
    """Every generated file and the text it should have."""
    sys.path.insert(0, str(ROOT / "scripts"))
    files: dict[Path, str] = {}
    for name in GENERATORS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a generator not written yet
        files.update(module.outputs(ROOT))
    return files


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    stale: list[str] = []
    for path, text in outputs().items():
        if path.exists() and path.read_text() == text:
            continue
        if check:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("Generated files are stale (run python3 scripts/generate.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
