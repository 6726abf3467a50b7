"""Run the benchmarks and print one table: does the SDK cost anything on top of httpx?

    .venv/bin/python benchmarks/run.py            # full run (a few minutes)
    .venv/bin/python benchmarks/run.py --quick    # small counts: proves they run (< 60 s)
    .venv/bin/python benchmarks/run.py --only import,polling

Every figure is compared with a baseline measured in the same run. A missed target is
reported, not failed: the exit status is 0 unless a benchmark itself crashed.
All traffic stays on 127.0.0.1 (a fake PiAPI started in a separate process).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch
import bench_download
import bench_import
import bench_polling
import bench_request
import bench_stores
import bench_waits
from _common import Row

BENCHMARKS: dict[str, tuple[str, Callable[[bool], list[Row]]]] = {
    "import": ("1. import and first use", bench_import.run),
    "request": ("2. per-request overhead", bench_request.run),
    "waits": ("3. concurrent waits", bench_waits.run),
    "polling": ("4. polling efficiency", bench_polling.run),
    "download": ("5. download", bench_download.run),
    "batch": ("6. batch (run_many: 1,000 items; 200 with --quick)", bench_batch.run),
    "stores": ("7. shared stores (SQLite, PostgreSQL)", bench_stores.run),
}
HEADERS = ("Benchmark", "Figure", "Baseline", "Ratio", "Target", "Met")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def verdict(row: Row) -> str:
    if row.met is None:
        return row.note or "-"
    return "yes" if row.met else "missed"


def table(rows: list[Row]) -> str:
    cells = [
        (
            row.name,
            row.figure,
            row.baseline,
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            verdict(row),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [HEADERS, *cells]) for i in range(len(HEADERS))]

    def render(line: tuple[str, ...]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    divider = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([render(HEADERS), divider, *(render(line) for line in cells)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for CI")
    parser.add_argument("--only", default="", help=f"comma-separated: {','.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    selected = [name.strip() for name in args.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in selected if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    mode = "quick" if args.quick else "full"
    print(
        f"piapi benchmarks ({mode}): Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}",
        flush=True,
    )
    rows: list[Row] = []
    crashed: list[str] = []
    started = time.perf_counter()
    for name in selected:
        title, bench = BENCHMARKS[name]
        print(f"\n{title}", flush=True)
        bench_started = time.perf_counter()
        try:
            rows.extend(bench(args.quick))
        except Exception:
            traceback.print_exc()
            crashed.append(name)
            rows.append(Row(title, "crashed", "-", None, "-", False))
        print(f"  ({time.perf_counter() - bench_started:.1f} s)", flush=True)

    print(f"\nResults ({mode} run, {time.perf_counter() - started:.0f} s):\n", flush=True)
    print(table(rows))
    missed = [row.name.strip() for row in rows if row.met is False]
    # One line, information only: a missed target is something to look at, not a failure.
    print(f"\nTargets missed (information, not a failure): {', '.join(missed) or 'none'}")
    if crashed:
        print(f"Crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
