"""A 1,000-item batch at concurrency 50 against the fake (benchmarks/bench_batch.py's child,
a fresh interpreter each): no item lost, one create per item, one file per item, peak memory
growth under 100 MB and a journal under 2 MB. The figures are printed (`pytest -s`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "bench_batch.py"
COUNT = 1000
MB = 1024 * 1024


def test_a_thousand_items_at_concurrency_50_lose_nothing(tmp_path: Path) -> None:
    # Both clients at once, each in its own process (the machine has two cores).
    children = {
        mode: subprocess.Popen(
            [sys.executable, str(BENCH), "--child", mode, str(COUNT), str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("sync", "asyncio")
    }
    results: dict[str, dict[str, Any]] = {}
    for mode, child in children.items():
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        results[mode] = json.loads(out)
    for mode, result in results.items():
        growth = result["peak_rss_mb"] - result["base_rss_mb"]
        print(
            f"{mode}: {COUNT} items in {result['wall']:.1f} s, RSS +{growth:.1f} MB, "
            f"journal {result['journal_bytes'] / MB:.2f} MB, states {result['states']}"
        )
        assert result["lost"] == 0, result["states"]
        assert result["creates"] == COUNT
        assert result["most_creates_per_item"] == 1
        assert result["files"] == COUNT
        assert growth < 100, f"{mode}: memory grew {growth:.1f} MB"
        assert result["journal_bytes"] < 2 * MB
