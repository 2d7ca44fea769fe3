"""Benchmark: parse + metrics at 1k, 10k and 100k activity rows over 60 unit tabs; `summary` CLI wall time.

Run: `make bench` or `.venv/bin/python bench/foundation.py`. Prints a Markdown table (median of 5 runs;
peak memory by tracemalloc in a separate run, since tracing slows the code it measures).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench scripts run as plain files, outside pytest's pythonpath

from bench.synthetic import snapshot  # noqa: E402
from reporting.metrics import summarize_quarter  # noqa: E402
from reporting.parse import parse_snapshot  # noqa: E402
from reporting.periods import VN_TZ  # noqa: E402

NOW = datetime(2024, 1, 10, 9, tzinfo=VN_TZ)


def run(rows: int, tabs: int = 60) -> tuple[float, float, float]:
    """Median wall time, median CPU time of this process, peak traced memory (MiB)."""
    snap = snapshot(rows, tabs)
    times, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        parsed = parse_snapshot(snap)
        summarize_quarter(parsed, 2023, 2, NOW)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    tracemalloc.start()
    parsed = parse_snapshot(snap)
    summarize_quarter(parsed, 2023, 2, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), statistics.median(cpu), peak / 2**20


def cli_summary() -> float:
    demo = ROOT / "data" / "demo-2023.xlsx"
    subprocess.run(
        [sys.executable, "-m", "reporting", "demo", "--out", str(demo)], check=True, cwd=ROOT, capture_output=True
    )
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "reporting", "summary", "--source", str(demo), "--year", "2023", "--quarter", "4"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(
        "| activity rows | unit tabs | parse + metrics, wall (median of 5) | CPU (median of 5) | peak traced memory |"
    )
    print("|---:|---:|---:|---:|---:|")
    for rows in (1_000, 10_000, 100_000):
        median, cpu, peak = run(rows)
        print(f"| {rows:,} | 60 | {median * 1000:.0f} ms | {cpu * 1000:.0f} ms | {peak:.0f} MiB |")
    print(
        f"\n`python -m reporting summary` on the demo workbook, wall time with interpreter start, median of 5: "
        f"{cli_summary() * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
