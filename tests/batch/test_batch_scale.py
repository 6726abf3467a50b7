"""A 1,000-item batch at concurrency 50 against the fake (benchmarks/bench_batch.py's child,
a fresh interpreter): no item lost, one create per item, one file per item, peak memory
growth under 100 MB and a journal under 2 MB. The figures are printed (`pytest -s`).

The sync client, which `piapi batch` uses (50 threads); the benchmark runs both clients.
The child's peak is its own, not the memory of the pytest worker that spawned it.
"""

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
    child = subprocess.run(
        [sys.executable, str(BENCH), "--child", "sync", str(COUNT), str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    result: dict[str, Any] = json.loads(child.stdout)
    growth = result["peak_rss_mb"] - result["base_rss_mb"]
    print(
        f"{COUNT} items in {result['wall']:.1f} s, RSS +{growth:.1f} MB, "
        f"journal {result['journal_bytes'] / MB:.2f} MB, states {result['states']}"
    )
    assert result["lost"] == 0, result["states"]
    assert result["creates"] == COUNT
    assert result["most_creates_per_item"] == 1
    assert result["files"] == COUNT
    assert growth < 100, f"memory grew {growth:.1f} MB"
    assert result["journal_bytes"] < 2 * MB


def test_a_childs_peak_memory_is_its_own_not_its_parents() -> None:
    # Linux hands a parent's peak RSS to its child across exec (ru_maxrss): a 4-worker
    # suite once charged a 1,000-item batch with its pytest worker's ~100 MB.
    ballast = bytearray(200 * MB)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # pages really touched
    child = subprocess.run(
        [sys.executable, "-c", "from _common import peak_rss_mb; print(peak_rss_mb())"],
        cwd=BENCH.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    del ballast
    assert float(child.stdout) < 100
