"""Benchmark: one dashboard refresh from Google Sheets, ours vs streamlit's st-gsheets-connection.

Both talk real HTTP to the same fake Sheets API on loopback (tests/fakesheets), holding the same data:
`Đơn vị`, `Nộp báo cáo` and T unit tabs × R activity rows. Measured: Sheets API requests and wall time of
a cold refresh (new client: token exchange, tab list, values) and a warm one (the same client again).
Ours is `GoogleSheetSource.read()`; theirs is `conn.read(worksheet=tab, ttl=0)` for every tab, run by
`bench/gsheets_conn_driver.py` in bench/.venv-gsheets (it pins gspread<6). Loopback has no network
latency, so real-world gaps are larger: each request to Google costs 100–300 ms.

    python -m bench.google_refresh [--tabs 5 20 60] [--rows 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synthetic import HEADER, activity_rows, unit_codes
from sheets.client import build_client
from sheets.google import GoogleSheetSource
from tests.fakesheets import FakeSheetsServer

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / "bench" / ".venv-gsheets" / "bin" / "python"
SETUP_HINT = (
    "python -m venv bench/.venv-gsheets && bench/.venv-gsheets/bin/pip install -r bench/requirements-gsheets.txt"
)


def spreadsheet_tabs(tabs: int, rows: int) -> dict[str, list[list[Any]]]:
    codes = unit_codes(tabs)
    units = [["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"]]
    units += [[code, f"Đơn vị {code}", "Đơn vị trực thuộc", f"{code.lower()}@example.vn", "Có"] for code in codes]
    data: dict[str, list[list[Any]]] = {"Đơn vị": units, "Nộp báo cáo": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"]]}
    for i, code in enumerate(codes):
        data[code] = [HEADER, *activity_rows(rows, seed=i)]
    return data


def ours(fake: FakeSheetsServer, key: str, account: dict[str, Any], repeat: int) -> dict[str, float]:
    colds, warms, cold_req, warm_req = [], [], 0, 0
    for _ in range(repeat):
        base = fake.count()
        start = time.perf_counter()
        source = GoogleSheetSource(key, build_client(account, adapter=fake.adapter()))
        snap = source.read()
        colds.append(time.perf_counter() - start)
        cold_req = fake.count() - base
        base = fake.count()
        start = time.perf_counter()
        source.read()
        warms.append(time.perf_counter() - start)
        warm_req = fake.count() - base
    rows = sum(len(r) for r in snap.tabs.values())
    return {
        "cold_s": statistics.median(colds),
        "warm_s": statistics.median(warms),
        "cold_requests": cold_req,
        "warm_requests": warm_req,
        "rows": rows,
    }


def theirs(fake: FakeSheetsServer, key: str, account: dict[str, Any], tabs: list[str], repeat: int) -> dict[str, float]:
    url = f"https://docs.google.com/spreadsheets/d/{key}/edit"
    runs = []
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(account, handle)
    for _ in range(repeat):
        done = subprocess.run(
            [
                str(VENV_PYTHON),
                str(ROOT / "bench" / "gsheets_conn_driver.py"),
                str(fake.port),
                url,
                handle.name,
                json.dumps(tabs),
                str(ROOT),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    Path(handle.name).unlink()
    return {
        "cold_s": statistics.median(r["cold_s"] for r in runs),
        "warm_s": statistics.median(r["warm_s"] for r in runs),
        "cold_requests": runs[-1]["cold_requests"],
        "warm_requests": runs[-1]["warm_requests"],
        "rows": runs[-1]["rows"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, nargs="+", default=[5, 20, 60])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not VENV_PYTHON.exists():
        print(f"st-gsheets-connection's venv is missing; create it with:\n  {SETUP_HINT}", file=sys.stderr)
        return 2
    print("| unit tabs × rows | | cold requests | cold s | warm requests | warm s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    with FakeSheetsServer() as fake:
        account = fake.service_account()
        for tabs in args.tabs:
            data = spreadsheet_tabs(tabs, args.rows)
            book = fake.create_spreadsheet(data, rows=args.rows + 100)
            a = ours(fake, book.spreadsheet_id, account, args.repeat)
            b = theirs(fake, book.spreadsheet_id, account, list(data), args.repeat)
            for name, r in (("ours", a), ("st-gsheets-connection", b)):
                print(
                    f"| {tabs} × {args.rows} | {name} | {r['cold_requests']} | {r['cold_s']:.3f} | "
                    f"{r['warm_requests']} | {r['warm_s']:.3f} |"
                )
            print(
                f"| {tabs} × {args.rows} | **ratio** | {b['cold_requests'] / a['cold_requests']:.0f}× | "
                f"{b['cold_s'] / a['cold_s']:.1f}× | {b['warm_requests'] / a['warm_requests']:.0f}× | "
                f"{b['warm_s'] / a['warm_s']:.1f}× |",
                flush=True,
            )
            with fake.lock:
                fake.spreadsheets.clear()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
