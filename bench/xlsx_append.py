"""Benchmark: appending to an .xlsx source of 25,000 activity rows (60 unit tabs), against the lock wait.

What it measures (issue 9, item 11):
- one append, whole (`WorkbookWriter.append_record`: load, plan, save beside, lock, check, rename), median of 3;
- how long the OS lock is held per append (from acquire to release), the maximum over every append here;
- three writer processes appending 3 rows each at the same moment: wall time, rows written, refusals.

A writer waits at most `sheets.xlsx_append.LOCK_TIMEOUT` for the lock. The lock is held either for the
check and rename (first try) or, when another writer replaced the file meanwhile, for a whole load and save
(second try), so the timeout must cover a few whole appends of the largest workbook.

Run: `make bench` or `.venv/bin/python -m bench.xlsx_append`. Prints a Markdown table.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sheets.xlsx_append as xlsx_append  # noqa: E402
from reporting.actions import append_activity  # noqa: E402
from reporting.schema import ACTIVITY_COLUMNS  # noqa: E402
from sheets.workbook import WorkbookSource  # noqa: E402

ROWS = 25_000
UNITS = 60
WRITERS = 3
APPENDS_EACH = 3


def build(path: Path, one_tab: bool = False) -> None:
    """ROWS activities over UNITS tabs, or (one_tab) all of them in DV00, the tab every append here writes."""
    book = Workbook(write_only=True)
    units = book.create_sheet("Đơn vị")
    units.append(["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"])
    header = [c.header for c in ACTIVITY_COLUMNS]
    for u in range(UNITS):
        units.append([f"DV{u:02d}", f"Đơn vị {u}", "", f"dv{u}@x.vn", "Có"])
        sheet = book.create_sheet(f"DV{u:02d}")
        sheet.append(header)
        count = (ROWS if u == 0 else 0) if one_tab else ROWS // UNITS + (u < ROWS % UNITS)
        for i in range(count):
            sheet.append([datetime(2023, 1 + i % 12, 1 + i % 28), "a, c", "Khác", f"Hoạt động {i}", 1, 20])
    book.create_sheet("Nộp báo cáo").append(["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"])
    book.save(path)


def append(path: Path, record_id: str) -> int | None:
    writer = xlsx_append.WorkbookWriter(path)
    day = date(2023, 3, 15)
    return append_activity(writer, "DV00", day=day, areas="a", channel="Khác", title=record_id, record_id=record_id).row


HELD: list[float] = []


def _timed_lock(original):  # the lock as the writer takes it, with its holding time recorded
    def lock(self, target):
        held = original(self, target)
        started = time.perf_counter()
        release = held.lock.release

        def timed_release(*args, **kwargs):
            HELD.append(time.perf_counter() - started)
            return release(*args, **kwargs)

        held.lock.release = timed_release
        return held

    return lock


def worker(path: str, prefix: str) -> None:
    xlsx_append.WorkbookWriter._lock = _timed_lock(xlsx_append.WorkbookWriter._lock)
    out = []
    for i in range(APPENDS_EACH):
        started = time.perf_counter()
        try:
            row = append(Path(path), f"{prefix}-{i}")
            out.append({"row": row, "seconds": time.perf_counter() - started})
        except Exception as exc:  # a refusal is a figure here
            out.append({"error": str(exc), "seconds": time.perf_counter() - started})
    print(json.dumps({"appends": out, "held": HELD}, ensure_ascii=False))


def main() -> int:
    xlsx_append.WorkbookWriter._lock = _timed_lock(xlsx_append.WorkbookWriter._lock)
    failures = 0
    for one_tab in (False, True):
        HELD.clear()
        failures += run(one_tab)
        print()
    return 1 if failures else 0


def run(one_tab: bool) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lon.xlsx"
        build(path, one_tab)
        size = path.stat().st_size
        singles = []
        for i in range(3):
            started = time.perf_counter()
            append(path, f"single-{i}")
            singles.append(time.perf_counter() - started)
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.xlsx_append", "worker", str(path), f"w{n}"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(WRITERS)
        ]
        results = [json.loads(p.communicate()[0]) for p in procs]
        together = time.perf_counter() - started
        appends = [a for r in results for a in r["appends"]]
        held = HELD + [h for r in results for h in r["held"]]
        rows = [a["row"] for a in appends if "row" in a]
        refused = [a for a in appends if "error" in a]
        tab = WorkbookSource(path).read().tabs["DV00"]
        written = sum(1 for r in tab if len(r.values) > 8 and str(r.values[8]).startswith(("w", "single")))
        where = "all in the tab written" if one_tab else f"over {UNITS} tabs"
        print(f"| workbook | {ROWS:,} rows {where}, {size / 1e6:.1f} MB |")
        print("|---|---:|")
        print(f"| one append, median of 3 | {statistics.median(singles):.2f} s |")
        print(f"| lock held, longest of {len(held)} appends | {max(held) * 1000:.0f} ms |")
        print(f"| lock held, median | {statistics.median(held) * 1000:.1f} ms |")
        print(f"| {WRITERS} writers × {APPENDS_EACH} appends at once, wall | {together:.2f} s |")
        print(f"| slowest of those appends | {max(a['seconds'] for a in appends):.2f} s |")
        print(f"| rows written / distinct rows reported / refused | {written} / {len(set(rows))} / {len(refused)} |")
        print(f"| lock wait limit (LOCK_TIMEOUT) | {xlsx_append.LOCK_TIMEOUT:.0f} s |")
        expected = 3 + WRITERS * APPENDS_EACH
        return 0 if written == expected and len(set(rows)) == len(rows) and not refused else 1


# Before this writer edited the XML (openpyxl loaded and saved the whole workbook), the same run over 60 tabs
# measured: one append 7.2 s, lock held up to 9.8 s, 3 × 3 appends 73 s, and one writer gave up (10 s wait).


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(main())
