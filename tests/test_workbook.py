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

    from reporting.errors import SourceError
    from sheets.workbook import WorkbookSource

    book = Workbook()
    book.active.append(["Mã", "Tên đơn vị"])
    path = tmp_path / "hong.xlsx"
    book.save(path)
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(SourceError, match="bị hỏng"):
        WorkbookSource(path).read()


def test_formulas_saved_without_results_are_errors_on_their_rows_never_blank_rows(tmp_path):
    # openpyxl, like some converters and scripts, saves formulas without computing them: no <v> in the file.
    path = workbook(
        tmp_path / "cong-thuc.xlsx",
        {
            "Đơn vị": [UNIT_HEADER, *UNITS, ['=UPPER("dv")', "Đơn vị công thức"]],
            "VP": [
                ACTIVITY_HEADER,
                ["=DATE(2023,3,1)", "a", "Khác", "ngày là công thức", 1],
                ["=TODAY()", '="a"', '="Khác"'],  # every cell a formula: reads as a blank row
                [date(2023, 3, 15), "a", "Khác", "số lượng là công thức", "=1+1"],
                [date(2023, 3, 16), "b", "Khác", "dòng thường", 2],
            ],
            "TTR": [ACTIVITY_HEADER],
        },
    )
    snap = WorkbookSource(path).read()
    assert snap.uncomputed["VP"] == ((2, 0), (3, 0), (3, 1), (3, 2), (4, 4))

    parsed = parse_snapshot(snap)

    assert parsed.activities["title"].tolist() == ["dòng thường"]
    assert parsed.rows == 4 and parsed.error_rows == 3
    messages = parsed.problems["message"].tolist()
    assert "Trang «VP», dòng 3: Ô A3, B3, C3 có công thức nhưng tệp không lưu kết quả tính" in " ".join(messages)
    assert any(m.startswith("Trang «Đơn vị»: Các ô A4 có công thức") and "LibreOffice" in m for m in messages)


def test_a_sheet_sorted_with_its_header_is_reported_with_the_fix_and_no_row_is_lost(tmp_path):
    rows = [[date(2023, 3, d), "a", "Khác", f"hoạt động {d}", 1] for d in range(1, 13)]
    path = workbook(
        tmp_path / "sap-xep.xlsx",
        {"Đơn vị": [UNIT_HEADER, *UNITS], "VP": [*rows[:11], ACTIVITY_HEADER, rows[11]], "TTR": [ACTIVITY_HEADER]},
    )
    parsed = parse_snapshot(WorkbookSource(path).read())

    assert parsed.rows == 12 and len(parsed.activities) == 1 and parsed.error_rows == 11
    vp = parsed.problems[parsed.problems["tab"] == "VP"]
    (tab_level,) = vp.loc[vp["row"].isna(), "message"]
    assert "Dòng tiêu đề đang ở dòng 12" in tab_level and "Dữ liệu có hàng tiêu đề" in tab_level
    assert set(vp["row"].dropna()) == set(range(1, 12))


def test_data_typed_above_the_header_and_values_without_a_header_are_reported(tmp_path):
    path = workbook(
        tmp_path / "tren.xlsx",
        {
            "Đơn vị": [UNIT_HEADER, *UNITS],
            "VP": [
                ["Nhật ký truyền thông CCHC"],  # a title: fine
                [date(2023, 3, 1), "a", "Khác", "gõ nhầm trên tiêu đề", 1],
                ACTIVITY_HEADER,
                [date(2023, 3, 2), "a", "Khác", "có ghi chú lạc cột", 1, None, None, None, None, "ghi chú lạc"],
            ],
            "TTR": [ACTIVITY_HEADER],
        },
    )
    parsed = parse_snapshot(WorkbookSource(path).read())

    assert parsed.activities["title"].tolist() == ["có ghi chú lạc cột"]
    problems = parsed.problems.set_index("row")
    assert problems.loc[2, "severity"] == "error" and "nằm trên dòng tiêu đề (dòng 3)" in problems.loc[2, "message"]
    assert problems.loc[4, "severity"] == "warning"
    assert "ô J4 có giá trị nhưng cột J chưa có tiêu đề" in problems.loc[4, "message"]
    assert 1 not in problems.index


def test_a_letterhead_above_the_header_is_a_title_not_data(tmp_path):
    path = workbook(
        tmp_path / "tieu-de.xlsx",
        {
            "Đơn vị": [UNIT_HEADER, *UNITS],
            "VP": [
                ["SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                ["VĂN PHÒNG SỞ", None, None, None, "Độc lập - Tự do - Hạnh phúc"],
                ACTIVITY_HEADER,
                [date(2023, 3, 2), "a", "Khác", "hoạt động", 1],
            ],
            "TTR": [ACTIVITY_HEADER],
        },
    )
    parsed = parse_snapshot(WorkbookSource(path).read())
    assert parsed.error_rows == 0 and len(parsed.activities) == 1
    assert parsed.problems.query("tab == 'VP'").empty
