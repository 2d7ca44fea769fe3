"""Parity: the same messy content read from the fake Google Sheet and from an .xlsx gives identical frames.

Dates are real dates in both (a date-formatted number in Google, a datetime cell in Excel), so this also
checks that serial numbers from UNFORMATTED_VALUE reads and openpyxl's datetimes parse the same.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from reporting.parse import parse_snapshot
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from tests.fakesheets.fixtures import READ_AT

NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731 - a one-word helper for the table

MESSY: dict[str, list[list[object]]] = {
    "Đơn vị": [
        ["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"],
        ["VP", "Văn phòng Sở", "Phòng chuyên môn, nghiệp vụ", "vp@example.vn", "Có"],
        ["TTR", NFD("Thanh tra Sở"), "phong", "ttr@example.vn; ttr2@example.vn", "x"],
        ["CD", "Công đoàn cơ sở", "Đoàn thể", "", "Có"],
    ],
    "VP": [
        ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"],
        [date(2023, 3, 15), "a", "Lồng ghép hội nghị, tập huấn, cuộc họp", "Hội nghị", 1, 45],
        ["15/3/2023", "a, b", "web_news", "Tin bài", "1.200"],
        [],
        ["15-03-2023", "a; b", 3, "Tin 2", 2, "", "https://x.vn/2"],
        ["2023-03-15", "b)", NFD("TIN BÀI TRÊN TRANG THÔNG TIN ĐIỆN TỬ"), "Tin 3"],
        ["ngày 15 tháng 3 năm 2023", "Nội dung a", "tin bai tren trang thong tin dien tu", "Tin 4"],
        [date(2023, 12, 20), "A", "Khác", "Cuối năm"],
        [45000, "a - Tuyên truyền vai trò", "5", "Zalo"],
        ["không rõ", "z", "Hình thức lạ", "Hàng lỗi"],
    ],
    "Thanh tra Sở": [
        [" Hình thức ", "NGÀY", "noi dung", "Tên hoạt động"],
        ["Trực quan (pano, áp phích, khẩu hiệu, băng rôn)", "15.03.2023", "c", "Pano"],
        ["social", date(2023, 6, 1), "d, e", "Fanpage"],
    ],
    "Nộp báo cáo": [
        ["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"],
        ["VP", 2023, 1, datetime(2023, 3, 14, 17, 30), "A"],
        ["TTR", 2023, "Quý I", "14/03/2023 17:30", "B"],
        ["VP", 2023, "II", "2023-06-20T08:00:00", "A", "nộp muộn"],
        ["CD", 2023, 1, datetime(2023, 3, 16, 9, 0), "C"],
        ["VP", 2023, 1, datetime(2023, 3, 10, 8, 0), "A", "nộp lần đầu"],
    ],
    "Trang tính lạ": [["gì đó"]],
}


def save_xlsx(path: Path, tabs: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
    book.save(path)
    return path


def test_google_and_xlsx_give_identical_frames(fake, gclient, tmp_path):
    book = fake.create_spreadsheet(MESSY)
    google = parse_snapshot(GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT).read())
    excel = parse_snapshot(WorkbookSource(save_xlsx(tmp_path / "messy.xlsx", MESSY), clock=lambda: READ_AT).read())

    assert len(google.activities) >= 9 and not google.problems.empty  # the data really is messy
    for name in ("units", "activities", "submissions", "problems"):
        pd.testing.assert_frame_equal(getattr(google, name), getattr(excel, name), obj=name)
    assert (google.rows, google.blank_rows, google.error_rows) == (excel.rows, excel.blank_rows, excel.error_rows)
