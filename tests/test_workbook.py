"""The .xlsx source with real files: dates as dates, as serials and as text; formulas as cached values."""

from datetime import date, datetime

import pytest
from openpyxl import Workbook
from snapshots import ACTIVITY_HEADER, UNIT_HEADER, UNITS, workbook

from reporting.errors import SourceError, SourceNotFound
from reporting.parse import parse_snapshot
from sheets.workbook import WorkbookSource


def test_dates_in_every_form_read_the_same(tmp_path):
    path = workbook(
        tmp_path / "book.xlsx",
        {
            "Đơn vị": [UNIT_HEADER, *UNITS],
            "VP": [
                ACTIVITY_HEADER,
                [date(2023, 3, 1), "a", 1, "as date"],
                [datetime(2023, 3, 1, 0, 0), "a", 1, "as datetime"],
                [44986, "a", 1, "as serial"],
                ["01/03/2023", "a", 1, "as text"],
                ["ngày 1 tháng 3 năm 2023", "a", 1, "as words"],
            ],
            "TTR": [ACTIVITY_HEADER],
        },
    )
    snap = WorkbookSource(path).read()
    assert snap.source_name == "book.xlsx"
    assert [r.number for r in snap.tabs["VP"]] == [1, 2, 3, 4, 5, 6]
    parsed = parse_snapshot(snap)
    assert parsed.problems.empty
    assert set(parsed.activities["date"].dt.date) == {date(2023, 3, 1)}


def test_formulas_come_back_as_cached_values(tmp_path):
    # openpyxl cannot compute formulas; a file saved by Excel or Google holds cached values, which we read.
    path = tmp_path / "f.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "VP"
    sheet.append(ACTIVITY_HEADER)
    sheet.append([date(2023, 3, 1), "a", 1, "x", "=1+1"])
    book.save(path)
    snap = WorkbookSource(path).read()
    # Never computed, so no cached value: the cell reads as empty (and is dropped as a trailing empty cell).
    assert snap.tabs["VP"][1].values == (datetime(2023, 3, 1), "a", 1, "x")
    parsed = parse_snapshot(snap)
    assert parsed.activities.iloc[0]["quantity"] == 1


def test_trailing_blank_rows_and_cells_are_dropped(tmp_path):
    path = workbook(tmp_path / "b.xlsx", {"VP": [ACTIVITY_HEADER, [date(2023, 3, 1), "a", 1, None, None], [], [None]]})
    rows = WorkbookSource(path).read().tabs["VP"]
    assert len(rows) == 2 and rows[1].values == (datetime(2023, 3, 1), "a", 1)


def test_missing_and_broken_files_give_vietnamese_errors(tmp_path):
    with pytest.raises(SourceNotFound, match="Không tìm thấy tệp"):
        WorkbookSource(tmp_path / "nope.xlsx").read()
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(SourceError, match="Không mở được tệp"):
        WorkbookSource(bad).read()


def _rewrite_member(path, member: str, change) -> None:
    """Rewrite one file inside an .xlsx (a zip) with `change(text) -> text`."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = {info.filename: src.read(info.filename) for info in src.infolist()}
    items[member] = change(items[member].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items.items():
            out.writestr(name, data)


def test_every_cell_is_read_whatever_the_stored_sheet_size_says(tmp_path):
    """Some programs store a wrong (too small) <dimension>: no row or column may be lost to it."""
    import re

    from openpyxl import Workbook

    from sheets.workbook import WorkbookSource

    book = Workbook()
    sheet = book.active
    sheet.title = "VP"
    for i in range(1, 31):
        sheet.append([f"r{i}", 2, 3, 4, 5, 6, 7, 8, 9, f"j{i}"])
    path = tmp_path / "kich-thuoc-sai.xlsx"
    book.save(path)
    _rewrite_member(
        path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:B2"', xml)
    )
    rows = WorkbookSource(path).read().tabs["VP"]
    assert len(rows) == 30 and rows[-1].values[-1] == "j30" and rows[0].values[0] == "r1"


def test_a_damaged_sheet_inside_a_good_zip_is_a_message_not_a_traceback(tmp_path):
    from openpyxl import Workbook

    from reporting.errors import SourceError
    from sheets.workbook import WorkbookSource

    book = Workbook()
    book.active.append(["Mã", "Tên đơn vị"])
    path = tmp_path / "hong.xlsx"
    book.save(path)
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(SourceError, match="bị hỏng"):
        WorkbookSource(path).read()
