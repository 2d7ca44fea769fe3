"""A small literal workbook for the export tests: three units, formula-like and NFD text, a late and a
missing report, an empty quarter (Q4 2023), and one activity outside Q1 on each side of its cut-offs."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from reporting.periods import VN_TZ
from tests import cli_run
from tests.cli_run import Done

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=VN_TZ)
NOW_TEXT = "2026-11-28T10:00:00"
FORMULA_TITLES = ['=HYPERLINK("http://evil.example","bấm")', "+1", "-abc", "@x"]
NFD_TITLE = unicodedata.normalize("NFD", "Tuyên truyền Đề án 06 về dữ liệu dân cư")
NEGATIVE_NOTE = "-5"

HEADER = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"]
TABS: dict[str, list[list[object]]] = {
    "Đơn vị": [
        ["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"],
        ["VP", "Văn phòng Sở", "Phòng chuyên môn, nghiệp vụ", "vp@example.vn", "Có"],
        ["TTR", "Thanh tra Sở", "Phòng chuyên môn, nghiệp vụ", "ttr@example.vn", "Có"],
        ["DTN", "Đoàn Thanh niên Sở", "Đoàn thể", "dtn@example.vn", "Có"],
    ],
    "VP": [
        HEADER,
        # 20/12/2022 belongs to Q1 2023 under Nghị định 09.
        ["20/12/2022", "a, b", "Tin bài trên trang thông tin điện tử", FORMULA_TITLES[0], 3, 0, "https://x.vn/1", "+1"],
        ["15/01/2023", "c", "Lồng ghép hội nghị, tập huấn, cuộc họp", FORMULA_TITLES[1], 1, "1.200", None, "-abc"],
        [
            "10/03/2023",
            "a",
            "Trực quan (pano, áp phích, khẩu hiệu, băng rôn)",
            FORMULA_TITLES[2],
            "1.200",
            0,
            None,
            None,
        ],
        ["11/03/2023", "h", "social", NFD_TITLE, 2, 0, None, NEGATIVE_NOTE],
        ["15/03/2023", "d", "Khác", "Ngoài quý I (thuộc quý II)", 1, 0, None, None],
    ],
    "TTR": [
        HEADER,
        ["14/03/2023", "g, a", "Fanpage Facebook, nhóm Zalo", FORMULA_TITLES[3], 4, 0, None, "@x"],
        ["01/08/2023", "k", "Lồng ghép hội nghị, tập huấn, cuộc họp", "Quý III", 1, 40, None, None],
    ],
    "DTN": [HEADER],
    "Nộp báo cáo": [
        ["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"],
        ["VP", 2023, 1, "10/03/2023 09:00", "vp@example.vn", None],
        ["TTR", 2023, 1, "17/03/2023 08:30", "ttr@example.vn", None],
    ],
}

# What Q1 2023 must add up to (hand-counted from TABS).
Q1_ACTIVITIES = 5
Q1_PARTICIPANTS = 1200
Q1_QUANTITY = 3 + 1 + 1200 + 2 + 4


def write_workbook(path: Path, tabs: dict[str, list[list[object]]] = TABS) -> Path:
    """Save `tabs` as .xlsx; text starting with '=' is stored as text, as a sheet user typing it would see it."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                cell = sheet.cell(r, c)
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def run_cli(*args: str) -> Done:
    """`python -m reporting …` in this process, with a clean environment: no CCHC_* setting leaks in."""
    return cli_run.run_cli(*args)
