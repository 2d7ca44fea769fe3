"""The letterhead over time: the optional `Cơ quan` tab dates each agency block, and a period's documents
are headed by the block valid on the period's last day (issue 11, item 4). Without the tab, the settings,
byte for byte as before."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from reporting.export import to_docx, to_xlsx
from reporting.letterhead import letterhead_for
from reporting.metrics import summarize
from reporting.parse import parse_snapshot
from reporting.periods import VN_TZ, quarter
from reporting.settings import Settings
from sheets.workbook import WorkbookSource
from tests.snapshots import ACTIVITY_HEADER, UNIT_HEADER, UNITS, workbook

NOW = datetime(2026, 1, 10, 9, 0, tzinfo=VN_TZ)
LETTERHEADS = [
    ["Từ ngày", "Cơ quan chủ quản", "Tên cơ quan", "Ký hiệu", "Địa danh", "Chức vụ người ký"],
    ["01/01/2023", "UBND TỈNH BÌNH ĐỊNH", "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", "SLĐTBXH", "Bình Định", None],
    ["01/03/2025", "UBND TỈNH BÌNH ĐỊNH", "SỞ NỘI VỤ", "SNV", "Bình Định", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"],
    ["01/07/2025", "UBND TỈNH GIA LAI", "SỞ NỘI VỤ", "SNV", "Gia Lai", "GIÁM ĐỐC"],
]


@pytest.fixture
def parsed(tmp_path: Path):
    tabs = {
        "Đơn vị": [UNIT_HEADER, *UNITS],
        "VP": [ACTIVITY_HEADER, [date(2024, 2, 1), "a", "Khác", "x", 1], [date(2025, 9, 1), "b", "Khác", "y", 1]],
        "TTR": [ACTIVITY_HEADER],
        "Cơ quan": LETTERHEADS,
    }
    return parse_snapshot(WorkbookSource(workbook(tmp_path / "co-quan.xlsx", tabs)).read())


@pytest.mark.parametrize(
    ("year", "q", "name", "parent", "place", "signer"),
    [
        (
            2024,
            1,
            "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI",
            "UBND TỈNH BÌNH ĐỊNH",
            "Bình Định",
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        ),
        (2025, 2, "SỞ NỘI VỤ", "UBND TỈNH BÌNH ĐỊNH", "Bình Định", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),  # ends 14/06
        (2025, 3, "SỞ NỘI VỤ", "UBND TỈNH GIA LAI", "Gia Lai", ["GIÁM ĐỐC"]),
    ],
)
def test_each_period_is_headed_by_the_agency_of_its_last_day(parsed, year, q, name, parent, place, signer) -> None:
    head = letterhead_for(quarter(year, q), parsed.letterheads, Settings())
    assert (head.name, head.parent, head.place, head.signer_lines) == (name, parent, place, signer)

    summary = summarize(parsed, quarter(year, q), NOW)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(summary, parsed, Settings())))["Tổng hợp"]
    assert sheet["A1"].value == parent and sheet["A2"].value.replace("\n", " ") == name
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith(f"{place}, ngày ") for t in texts)
    assert any(f"/BC-{head.code} ngày" in t for t in texts)
    doc = Document(io.BytesIO(to_docx(summary, parsed, Settings())))
    cells = "\n".join(p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs)
    assert parent in cells and f"/BC-{head.code}" in cells and "\n".join(signer) in cells


def test_a_period_before_the_first_row_and_a_sheet_without_the_tab_use_the_settings(parsed, tmp_path) -> None:
    head = letterhead_for(quarter(2022, 4), parsed.letterheads, Settings(agency_name="SỞ CŨ"))
    assert head.name == "SỞ CŨ"
    plain = parse_snapshot(WorkbookSource(workbook(tmp_path / "khong.xlsx", {"Đơn vị": [UNIT_HEADER, *UNITS]})).read())
    assert plain.letterheads.empty
    assert letterhead_for(quarter(2025, 3), plain.letterheads, Settings()).name == Settings().agency_name


def test_a_row_without_its_date_or_name_is_an_error_with_its_place_and_the_tab_is_no_stray_unit(tmp_path) -> None:
    tabs = {
        "Đơn vị": [UNIT_HEADER, *UNITS],
        "Cơ quan": [LETTERHEADS[0], ["1/3/2025", None, None], ["hôm qua", None, "SỞ NỘI VỤ"], LETTERHEADS[1]],
    }
    parsed = parse_snapshot(WorkbookSource(workbook(tmp_path / "sai.xlsx", tabs)).read())
    messages = parsed.problems.loc[parsed.problems["tab"] == "Cơ quan", "message"].tolist()
    assert any(m.startswith("Trang «Cơ quan», dòng 2, cột «Tên cơ quan»") for m in messages)
    assert any(m.startswith("Trang «Cơ quan», dòng 3, cột «Từ ngày»") for m in messages)
    assert len(parsed.letterheads) == 1  # the good row only
    assert not any("không khớp mã hay tên đơn vị" in m for m in messages)
