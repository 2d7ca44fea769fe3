"""The fast .xlsx reader (python-calamine) gives exactly what openpyxl gives: the same rows, row numbers and
values, the same uncomputed formulas, so the same parse, on the demo, the hostile workbook and files holding
what programs write: cached formula results and errors, date formats of every kind, serials, text that looks
like numbers, rich text, merged cells, a sheet not starting at A1, a wrong stored size, hidden and chart
sheets, the 1904 date system (issue 15, goal 1)."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from reporting.parse import parse_snapshot
from sheets.workbook import WorkbookSource, read_with_calamine, read_with_openpyxl
from tests.fakesheets.fixtures import READ_AT
from tests.hostile import build_hostile
from tests.snapshots import ACTIVITY_HEADER, UNIT_HEADER, UNITS


def _typed(rows) -> list[tuple[int, list[tuple[str, object]]]]:
    """Rows with each value's type beside it: 1, 1.0 and True are equal in Python, not to the parser."""
    return [(row.number, [(type(v).__name__, v) for v in row.values]) for row in rows]


def _same(path: Path) -> None:
    fast, reference = read_with_calamine(path), read_with_openpyxl(path)
    assert list(fast[0]) == list(reference[0])  # the same tabs, in the same order
    for tab in reference[0]:
        assert _typed(fast[0][tab]) == _typed(reference[0][tab]), tab
    assert fast[1] == reference[1]


def _parsed_frames(path: Path, reader) -> list[pd.DataFrame]:
    tabs, uncomputed = reader(path)
    from reporting.snapshot import Snapshot

    parsed = parse_snapshot(Snapshot(tabs=tabs, read_at=READ_AT, source_name=path.name, uncomputed=uncomputed))
    return [parsed.activities, parsed.problems, parsed.units.drop(columns=["tabs"]), parsed.submissions]


def test_the_demo_reads_the_same_and_parses_the_same(private_demo: Path, first_year_demo: Path) -> None:
    for path in (private_demo, first_year_demo):
        _same(path)
        for fast, reference in zip(
            _parsed_frames(path, read_with_calamine), _parsed_frames(path, read_with_openpyxl), strict=True
        ):
            pd.testing.assert_frame_equal(fast, reference)


def test_the_hostile_workbook_reads_the_same(private_demo: Path, tmp_path: Path) -> None:
    _same(build_hostile(private_demo, tmp_path / "hostile.xlsx"))


def test_what_programs_write_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "programs.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("VP")
    sheet.write_row(0, 0, ACTIVITY_HEADER)
    dmy = book.add_format({"num_format": "dd/mm/yyyy"})
    cells = [
        ("A2", "formula", ("=1/0", None, "#DIV/0!")),
        ("B2", "formula", ("=NA()", None, "#N/A")),
        ("C2", "formula", ("=1+2", None, 3)),
        ("D2", "formula", ('=""', None, "")),
        ("E2", "formula", ('="văn bản"', None, "văn bản")),
        ("A3", "datetime", (datetime(2023, 1, 5), dmy)),
        ("B3", "number", (45000, book.add_format({"num_format": "[$-42A]dd/mm/yyyy;@"}))),
        ("C3", "number", (45000, book.add_format({"num_format": 'd "tháng" m yyyy'}))),
        ("D3", "number", (45000.25, book.add_format({"num_format": "hh:mm dd/mm/yy"}))),
        ("E3", "number", (0.5, book.add_format({"num_format": "hh:mm"}))),
        ("F3", "number", (45000, book.add_format({"num_format": "0.00"}))),
        ("G3", "number", (1.5, None)),
        ("H3", "boolean", (True,)),
        ("A4", "string", ("  ",)),
        ("B4", "string", ("45000",)),
        ("C4", "string", ("01/03/2023",)),
        ("D4", "string", ("=SUM(A1)",)),
        ("E4", "number", (2**53 + 2, None)),
        ("F4", "number", (1e-7, None)),
        ("G4", "number", (-0.0, None)),
    ]
    for ref, kind, args in cells:
        getattr(sheet, f"write_{kind}")(ref, *args)
    sheet.write_rich_string("H4", "đậm ", book.add_format({"bold": True}), "và thường")
    sheet.merge_range("A6:C6", "ô gộp", None)
    sheet.write_string("C9", "bắt đầu ở C9")
    later = book.add_worksheet("Không bắt đầu ở A1")
    later.write_string("D5", "chỉ một ô")
    later.write_number("E7", 3)
    hidden = book.add_worksheet("Ẩn")
    hidden.write_row(0, 0, ["Mã", "Tên đơn vị"])
    hidden.hide()
    book.add_worksheet("Trống")
    chart = book.add_chartsheet("Biểu đồ")
    bars = book.add_chart({"type": "column"})
    bars.add_series({"values": "=VP!$C$2:$C$3"})
    chart.set_chart(bars)
    book.close()
    _same(path)


def test_a_wrong_stored_size_and_a_1904_workbook_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "dimension.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "VP"
    sheet.append(ACTIVITY_HEADER)
    for day in range(1, 30):
        sheet.append([date(2023, 3, day), "a", "Khác", f"hoạt động {day}", day, None, None, None])
    book.save(path)
    with zipfile.ZipFile(path) as src:
        items = {info.filename: src.read(info.filename) for info in src.infolist()}
    items["xl/worksheets/sheet1.xml"] = items["xl/worksheets/sheet1.xml"].replace(b'ref="A1:H30"', b'ref="A1:B2"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items.items():
            out.writestr(name, data)
    _same(path)
    assert len(read_with_calamine(path)[0]["VP"]) == 30

    old = tmp_path / "1904.xlsx"
    book = xlsxwriter.Workbook(old, {"date_1904": True})
    sheet = book.add_worksheet("VP")
    sheet.write_row(0, 0, ACTIVITY_HEADER)
    sheet.write_datetime("A2", datetime(2023, 3, 1), book.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write_datetime("B2", datetime(2023, 3, 1, 9, 30), book.add_format({"num_format": "dd/mm/yyyy hh:mm"}))
    sheet.write_number("C2", 30000)
    book.close()
    _same(old)


def test_a_file_saved_by_an_office_suite_reads_the_same(tmp_path: Path, private_demo: Path) -> None:
    """The demo after openpyxl's own save with formulas, merged cells and a chart added: what a person's
    Excel session typically adds to the shared file."""
    path = Path(shutil.copy(private_demo, tmp_path / "edited.xlsx"))
    book = load_workbook(path)
    vp = book["VP"]
    vp["J2"] = "=1+1"  # no stored result: uncomputed
    vp.merge_cells("J3:K3")
    vp["J3"] = "gộp"
    chart = BarChart()
    chart.add_data(Reference(vp, min_col=5, min_row=1, max_row=10), titles_from_data=True)
    book.create_chartsheet("Biểu đồ").add_chart(chart)
    book.save(path)
    _same(path)


def test_the_source_falls_back_to_openpyxl_when_calamine_cannot_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "book.xlsx"
    book = Workbook()
    book.active.title = "Đơn vị"
    for row in (UNIT_HEADER, *UNITS):
        book.active.append(row)
    book.save(path)

    def refuse(_path):
        raise RuntimeError("not read")

    monkeypatch.setattr("sheets.workbook.read_with_calamine", refuse)
    snapshot = WorkbookSource(path).read()
    assert [r.values for r in snapshot.tabs["Đơn vị"]][1][0] == "VP"


@pytest.mark.parametrize("value", [time(9, 30), timedelta(hours=30)])
def test_times_and_durations_read_the_same(tmp_path: Path, value) -> None:
    path = tmp_path / "times.xlsx"
    book = Workbook()
    book.active.title = "T"
    book.active.append(["x", value])
    book.save(path)
    _same(path)
