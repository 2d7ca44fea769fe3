"""Benchmark: a Google read warm, cold after a restart, and cold on a spreadsheet never seen, against the
one-round-trip floor, through the fake Sheets API with a round trip's latency.

    python -m bench.google_restart [--tabs 20] [--rows 200] [--latency 0.15] [--repeat 5]

Every side reads the same spreadsheet (`Đơn vị`, `Nộp báo cáo`, T unit tabs of R rows) over real HTTP on
loopback, the fake answering each Sheets API request after `--latency` seconds:
- floor: one bare `values:batchGet` of every tab through the same client (the request no read can avoid);
- warm: `GoogleSheetSource.read()` again on a source that has read before;
- after a restart: a new source and a new client (a new process, token exchange excluded from the time as
  from the floor's) with the tab list kept on disk (`sheets.tab_list`) by an earlier one;
- never seen: a new source without a kept tab list (metadata, then batchGet).
Times are medians of `--repeat`; the script exits 1 when warm > 1.1× or after-a-restart > 1.3× the floor.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from gspread.utils import absolute_range_name

from bench.google_refresh import spreadsheet_tabs
from sheets.client import build_client, retrying_http
from sheets.google import READ_PARAMS, GoogleSheetSource
from sheets.tab_list import TabList
from tests.fakesheets import FakeSheetsServer

GOALS = {"warm": 1.1, "after a restart": 1.3}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tabs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with FakeSheetsServer() as fake, tempfile.TemporaryDirectory() as folder:
        account = fake.service_account()
        fake.trust(account)
        key = fake.create_spreadsheet(spreadsheet_tabs(args.tabs, args.rows)).spreadsheet_id
        ranges = [absolute_range_name(t) for t in spreadsheet_tabs(args.tabs, 0)]
        kept = TabList(Path(folder))
        GoogleSheetSource(key, build_client(account, adapter=fake.adapter()), tab_list=kept).read()  # seen once
        fake.latency = args.latency
        times: dict[str, list[float]] = {"floor": [], "warm": [], "after a restart": [], "never seen": []}
        requests: dict[str, int] = {}
        warm_source = GoogleSheetSource(key, build_client(account, adapter=fake.adapter()), tab_list=kept)
        warm_source.read()
        for _ in range(args.repeat):
            client = build_client(account, adapter=fake.adapter())
            http = retrying_http(client)
            http.values_batch_get(key, ranges[:1], params=dict(READ_PARAMS))  # the token, outside the time
            sides = {
                "floor": lambda http=http: http.values_batch_get(key, ranges, params=dict(READ_PARAMS)),
                "warm": warm_source.read,
            }
            fresh = build_client(account, adapter=fake.adapter())
            retrying_http(fresh).values_batch_get(key, ranges[:1], params=dict(READ_PARAMS))
            unseen = build_client(account, adapter=fake.adapter())
            retrying_http(unseen).values_batch_get(key, ranges[:1], params=dict(READ_PARAMS))
            sides["after a restart"] = lambda c=fresh: GoogleSheetSource(key, c, tab_list=TabList(Path(folder))).read()
            sides["never seen"] = lambda c=unseen: GoogleSheetSource(key, c, tab_list=TabList(None)).read()
            for name, action in sides.items():
                before = fake.count()
                start = time.perf_counter()
                action()
                times[name].append(time.perf_counter() - start)
                requests[name] = fake.count() - before
    floor = statistics.median(times["floor"])
    print(
        f"One read of {args.tabs + 2} tabs × {args.rows} rows, {args.latency * 1000:.0f} ms per Sheets request, "
        f"median of {args.repeat}:\n"
    )
    print("| read | Sheets requests | s | × floor |\n| --- | ---: | ---: | ---: |")
    ok = True
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / floor
        goal = GOALS.get(name)
        ok &= goal is None or ratio <= goal
        mark = f" (goal ≤ {goal}×)" if goal else ""
        print(f"| {name} | {requests[name]} | {median:.3f} | {ratio:.2f}×{mark} |")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
