"""Building snapshots and workbooks from literal rows, shared by the foundation tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from reporting.periods import VN_TZ
from reporting.snapshot import Snapshot, rows_from_values

READ_AT = datetime(2024, 1, 10, 9, 0, tzinfo=VN_TZ)
UNIT_HEADER = ["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"]
ACTIVITY_HEADER = [
    "Ngày",
    "Nội dung",
    "Hình thức",
    "Tên hoạt động",
    "Số lượng",
    "Số người tham gia",
    "Minh chứng",
    "Ghi chú",
]
SUBMISSION_HEADER = ["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"]
UNITS = [
    ["VP", "Văn phòng Sở", "Phòng chuyên môn, nghiệp vụ", "vp@example.vn", "Có"],
    ["TTR", "Thanh tra Sở", "Phòng chuyên môn, nghiệp vụ", "ttr@example.vn", "Có"],
]


def snapshot(tabs: dict[str, list[list[object]]], read_at: datetime = READ_AT) -> Snapshot:
    return Snapshot(tabs={t: rows_from_values(rows) for t, rows in tabs.items()}, read_at=read_at, source_name="test")


def workbook(path: Path, tabs: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
