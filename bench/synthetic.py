"""Synthetic snapshots of any size for the benchmarks: N activity rows spread over T unit tabs.

Values are drawn in the forms people type (real dates, text dates, serials, labels, numbers), with
about 1% wrong rows, so parsing does realistic work.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from reporting.catalog import AREA_LETTERS, CHANNELS
from reporting.periods import VN_TZ
from reporting.snapshot import Snapshot, rows_from_values

HEADER = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"]


def unit_codes(tabs: int) -> list[str]:
    return [f"DV{i:02d}" for i in range(1, tabs + 1)]


def activity_rows(count: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    start = date(2022, 12, 15)
    rows: list[list[object]] = []
    for i in range(count):
        day = start + timedelta(days=rng.randrange(365))
        form = rng.random()
        when: object = (
            day if form < 0.7 else (day.strftime("%d/%m/%Y") if form < 0.9 else (day - date(1899, 12, 30)).days)
        )
        areas = ", ".join(sorted(set(rng.choices(AREA_LETTERS, k=rng.choice([1, 1, 2])))))
        channel = rng.choice(CHANNELS)
        rows.append(
            [
                when if rng.random() > 0.01 else "31/02/2023",
                areas,
                channel.label if rng.random() < 0.8 else channel.number,
                f"Hoạt động tuyên truyền CCHC số {i}",
                rng.choice([1, 1, 2, 3, "1.200"]),
                rng.choice([None, 20, 35, 100]),
                f"https://example.vn/{i}" if rng.random() < 0.5 else None,
                None,
            ]
        )
    return rows


def snapshot(rows: int, tabs: int, seed: int = 7) -> Snapshot:
    codes = unit_codes(tabs)
    data = activity_rows(rows, seed)
    per_tab = {code: [HEADER] for code in codes}
    for i, row in enumerate(data):
        per_tab[codes[i % tabs]].append(row)
    units = [["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"]] + [
        [code, f"Đơn vị {code}", "Đơn vị trực thuộc", f"{code.lower()}@example.vn", "Có"] for code in codes
    ]
    subs = [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"]] + [
        [code, 2023, q, datetime(2023, q * 3, 10, 9)] for code in codes for q in (1, 2, 3, 4)
    ]
    tabs_rows = {"Đơn vị": units, **per_tab, "Nộp báo cáo": subs}
    return Snapshot(
        tabs={t: rows_from_values(r) for t, r in tabs_rows.items()},
        read_at=datetime(2024, 1, 10, 9, tzinfo=VN_TZ),
        source_name=f"synthetic-{rows}x{tabs}",
    )
