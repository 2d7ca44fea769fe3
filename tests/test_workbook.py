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
