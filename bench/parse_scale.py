"""Benchmark (issue 15, goal 5): parse + metrics CPU at 100,000 and 1,000,000 activity rows, and how it grows.

Run: `.venv/bin/python bench/parse_scale.py` (about two minutes; `--quick` for 100,000 rows only).

The snapshot is `bench/synthetic.py`'s (60 unit tabs, dates as dates, text and serials, about 1% wrong
rows), made once per size; one parse is run first and not counted. Each run is
`reporting.parse.parse_snapshot` then `reporting.metrics.summarize_quarter` for one quarter, timed as CPU
time of this process (`time.process_time`) and wall time; medians of 7 runs at 100,000 rows and 3 at
1,000,000. The exponent is log(t(1M) / t(100k)) / log(10): 1.0 is linear.
Goals: 100,000 rows ≤ 0.4 s CPU; 1,000,000 rows ≤ 4 s CPU, linear from 100,000.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench scripts run as plain files, outside pytest's pythonpath

from bench.synthetic import snapshot  # noqa: E402
from reporting.metrics import summarize_quarter  # noqa: E402
from reporting.parse import parse_snapshot  # noqa: E402
from reporting.periods import VN_TZ  # noqa: E402

NOW = datetime(2024, 1, 10, 9, tzinfo=VN_TZ)
GOALS = {100_000: 0.4, 1_000_000: 4.0}


def measure(rows: int, runs: int) -> tuple[float, float]:
    """Median CPU and wall seconds of parse + metrics over `runs` runs."""
    snap = snapshot(rows, 60)
    summarize_quarter(parse_snapshot(snap), 2023, 2, NOW)  # warm: imports, first-use caches
    cpu, wall = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        summarize_quarter(parse_snapshot(snap), 2023, 2, NOW)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return statistics.median(cpu), statistics.median(wall)


def main() -> int:
    sizes = {100_000: 7} if "--quick" in sys.argv else {100_000: 7, 1_000_000: 3}
    figures = {rows: measure(rows, runs) for rows, runs in sizes.items()}
    print(f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.\n")
    print("| activity rows | CPU s (median) | wall s (median) | goal (CPU s) | met |")
    print("|---:|---:|---:|---:|:---:|")
    met = True
    for rows, (cpu, wall) in figures.items():
        ok = cpu <= GOALS[rows]
        met &= ok
        print(f"| {rows:,} | {cpu:.3f} | {wall:.3f} | ≤ {GOALS[rows]} | {'yes' if ok else 'no'} |")
    if len(figures) == 2:
        exponent = math.log(figures[1_000_000][0] / figures[100_000][0]) / math.log(10)
        print(f"\nGrowth from 100,000 to 1,000,000 rows: ×{figures[1_000_000][0] / figures[100_000][0]:.1f}, "
              f"exponent {exponent:.2f} (1.00 is linear).")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
