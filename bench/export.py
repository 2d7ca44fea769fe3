"""Benchmark: exporting one quarter with 25,000 activities (60 units) as .xlsx, .csv and .docx.

Budget (issue 5): .xlsx under 5 s, .csv under 1 s. Each writer is timed from the same `Summary` (median of
3 runs), then run once more under tracemalloc for its peak memory (a separate run, since tracing slows
the code it measures). `summarize` itself is timed apart, since the page and the CLI pay it once for
all three files.

The .xlsx is also compared with its floor (issue 15): xlsxwriter's constant_memory mode writing the same
cells with none of the layout; the goal is ≤ 1.2× its time and under 50 MiB at 100,000 activities (above
`CONSTANT_MEMORY_ROWS` the export itself streams; below, it is built in memory, faster).

Run: `make bench` or `.venv/bin/python bench/export.py [ACTIVITIES]` (25,000 by default; the 5 s and 1 s
budgets apply at 25,000). Prints a Markdown table; exits 1 when a goal is missed.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench scripts run as plain files, outside pytest's pythonpath

from bench.synthetic import snapshot  # noqa: E402
from reporting.export import to_csv, to_docx, to_xlsx  # noqa: E402
from reporting.export.tables import all_tables  # noqa: E402
from reporting.metrics import summarize  # noqa: E402
from reporting.parse import Parsed, parse_snapshot  # noqa: E402
from reporting.periods import VN_TZ, quarter  # noqa: E402
from reporting.settings import Settings  # noqa: E402

NOW = datetime(2024, 1, 10, 9, tzinfo=VN_TZ)
ACTIVITIES = 25_000
PERIOD = quarter(2023, 2)  # 15/3/2023 – 14/6/2023
BUDGET = {"xlsx": 5.0, "csv": 1.0}


def quarter_of(count: int) -> Parsed:
    """`count` parsed activities, all dated within PERIOD (the synthetic rows spread over a year)."""
    parsed = parse_snapshot(snapshot(int(count * 1.03), 60))
    acts = parsed.activities.head(count).copy()
    assert len(acts) == count, len(acts)
    days = (PERIOD.end - PERIOD.start).days + 1
    offsets = pd.to_timedelta(acts.index.to_numpy() % days, unit="D")
    acts["date"] = (pd.Timestamp(PERIOD.start) + offsets).astype("datetime64[ns]")
    acts["year"], acts["quarter"] = PERIOD.year, PERIOD.index
    return replace(parsed, activities=acts.reset_index(drop=True))


def timed(func: Callable[[], object], runs: int = 3) -> tuple[float, float, object]:
    """Median wall time, median CPU time (less sensitive to other work on the machine), last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def peak_mib(func: Callable[[], object]) -> float:
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def floor(summary) -> bytes:
    """xlsxwriter's constant_memory mode writing the same cells (every table's rows, one format per kind of
    value) with none of the layout: the least any writer of these cells can cost."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    plain, day = book.add_format({"border": 1}), book.add_format({"border": 1, "num_format": "dd/mm/yyyy"})
    for table in all_tables(summary):
        sheet = book.add_worksheet(table.sheet)
        for r, values in enumerate(table.rows):
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value, plain)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value, plain)
                elif isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, day)
                else:
                    sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()), day)
    book.close()
    return out.getvalue()


def main() -> int:
    global ACTIVITIES
    if len(sys.argv) > 1:
        ACTIVITIES = int(sys.argv[1])
    parsed = quarter_of(ACTIVITIES)
    settings = Settings()
    seconds, cpu, summary = timed(lambda: summarize(parsed, PERIOD, NOW))
    assert summary.totals["activities"] == ACTIVITIES
    print(f"Export of {PERIOD.label} with {ACTIVITIES:,} activities over {len(parsed.units)} units\n")
    print(f"Load average before the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)\n")
    print("| step | wall, median of 3 (s) | CPU (s) | budget (s) | peak memory (MiB) | file size (KiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    peak = peak_mib(lambda: summarize(parsed, PERIOD, NOW))
    print(f"| summarize | {seconds:.2f} | {cpu:.2f} | – | {peak:.0f} | – |")
    failed = False
    floor_s, floor_cpu, floor_data = timed(lambda: floor(summary))
    floor_peak = peak_mib(lambda: floor(summary))
    print(f"| xlsxwriter floor (same cells) | {floor_s:.2f} | {floor_cpu:.2f} | – | {floor_peak:.0f} | "
          f"{len(floor_data) / 1024:,.0f} |")  # fmt: skip
    for ext, writer in (("xlsx", to_xlsx), ("csv", to_csv), ("docx", to_docx)):
        seconds, cpu, data = timed(lambda writer=writer: writer(summary, parsed, settings))
        peak = peak_mib(lambda writer=writer: writer(summary, parsed, settings))
        budget = BUDGET.get(ext) if ACTIVITIES <= 25_000 else None
        failed |= budget is not None and seconds >= budget
        print(
            f"| .{ext} | {seconds:.2f} | {cpu:.2f} | {budget if budget else '–'} | {peak:.0f} "
            f"| {len(data) / 1024:,.0f} |"  # type: ignore[arg-type]
        )
        if ext == "xlsx":  # issue 15, at 100,000 activities: within 1.2× the floor's time, under 50 MiB
            ratio = seconds / floor_s
            failed |= ACTIVITIES >= 100_000 and (ratio > 1.2 or peak >= 50)
            print(f"| .xlsx ÷ floor | {ratio:.2f}× | {cpu / floor_cpu:.2f}× | – | goal: ≤ 1.2×, < 50 MiB | – |")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
