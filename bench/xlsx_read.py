"""Benchmark: `python -m reporting check` on a 200,000-row .xlsx, read by python-calamine against openpyxl.

Run: `.venv/bin/python bench/xlsx_read.py [ROWS]`. The workbook (`bench/synthetic.py` rows over 60 unit tabs,
written once by xlsxwriter into `bench/.data/`, git-ignored) is checked by two whole processes that differ
only in the reader: the app's own `check`, and the same command with calamine switched off
(`sheets.workbook.python_calamine = None`, what the app does on a platform without the wheel: openpyxl reads
alone). Wall and CPU time of each (children's CPU, from `resource`), median of 3; both outputs must be
identical, and the script exits 1 when they differ or the goal (5× faster) is missed.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench scripts run as plain files, outside pytest's pythonpath

import xlsxwriter  # noqa: E402

from bench.synthetic import HEADER, activity_rows, unit_codes  # noqa: E402

GOAL = 5.0
OPENPYXL = (
    "import sys, sheets.workbook as w; w.python_calamine = None; from cli.reports import main; "
    "raise SystemExit(main(sys.argv[1:]))"
)


def build(path: Path, rows: int, tabs: int = 60) -> Path:
    """The synthetic rows as a workbook a person's Excel would hold: dates as dates with a date format."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = unit_codes(tabs)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    dmy = book.add_format({"num_format": "dd/mm/yyyy"})
    units = book.add_worksheet("Đơn vị")
    for r, row in enumerate(
        [["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"]]
        + [[c, f"Đơn vị {c}", "Đơn vị trực thuộc", f"{c.lower()}@example.vn", "Có"] for c in codes]
    ):
        units.write_row(r, 0, row)
    data = activity_rows(rows)
    for t, code in enumerate(codes):
        sheet = book.add_worksheet(code)
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(data[t::tabs], start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if c == 0 and not isinstance(value, (str, int)):
                    sheet.write_datetime(r, c, value, dmy)
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def timed(command: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    path = build(ROOT / "bench" / ".data" / f"check-{rows}.xlsx", rows)
    args = ["check", "--source", str(path)]
    sides = {
        "python-calamine (the app)": [sys.executable, "-m", "reporting", *args],
        "openpyxl alone (before)": [sys.executable, "-c", OPENPYXL, *args],
    }
    results: dict[str, tuple[float, float]] = {}
    outputs: dict[str, str] = {}
    for name, command in sides.items():
        runs = [timed(command) for _ in range(3)]
        results[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        outputs[name] = runs[0][2]
    fast, slow = results["python-calamine (the app)"], results["openpyxl alone (before)"]
    print(f"`check` on {rows:,} activity rows over 60 tabs ({path.stat().st_size / 2**20:.1f} MiB), median of 3:\n")
    print("| reader | wall s | CPU s |\n| --- | ---: | ---: |")
    for name, (wall, cpu) in results.items():
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    ratio = slow[0] / fast[0]
    print(f"| **ratio** | {ratio:.1f}× | {slow[1] / fast[1]:.1f}× |")
    same = len(set(outputs.values())) == 1
    print(
        f"\nIdentical output: {'yes' if same else 'NO'} ({len(outputs['openpyxl alone (before)'].splitlines())} lines)"
    )
    return 0 if same and ratio >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
