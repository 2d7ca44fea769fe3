"""The .xlsx append edits the package's XML: everything it does not need to touch stays as it was — stored
formula results, styles, other tabs, parts openpyxl would drop — and the row it adds reads back the same in
openpyxl, in our reader and in LibreOffice."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Border, Font, Side

from reporting.actions import append_activity
from reporting.errors import SourceError, WriteRefused
from reporting.parse import parse_snapshot
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter
from tests.snapshots import ACTIVITY_HEADER, UNIT_HEADER, UNITS

UNIT_TABS = {"Đơn vị": [UNIT_HEADER, *UNITS]}


def _units_and_vp() -> tuple[Workbook, Any]:
    """A workbook with the unit list and an empty «VP» tab, built with openpyxl so a test can style cells."""
    book = Workbook()
    book.active.title = "Đơn vị"
    for row in UNIT_TABS["Đơn vị"]:
        book.active.append(row)
    return book, book.create_sheet("VP")


def _append(path: Path, record_id: str, **changes):
    values = {"day": date(2023, 3, 15), "areas": "a, b", "channel": "Khác", "title": "Hội nghị", "quantity": 2}
    values.update(changes)
    return append_activity(WorkbookWriter(path), "VP", record_id=record_id, **values)


def _with_stored_results(path: Path, results: dict[str, str]) -> None:
    """Put results into formula cells, as Excel or LibreOffice store them (openpyxl writes none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet2.xml"].decode()
    for ref, value in results.items():
        text = ' t="str"' if not value.replace(".", "").isdigit() else ""  # a formula's text result
        pattern = rf'<c r="{ref}"([^>]*)>(<f>[^<]*</f>)(?:<v>\s*</v>|<v/>)?'
        sheet, count = re.subn(
            pattern, lambda m, r=ref, v=value, t=text: f'<c r="{r}"{m.group(1)}{t}>{m.group(2)}<v>{v}</v>', sheet
        )
        assert count == 1, ref
    parts["xl/worksheets/sheet2.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.fixture
def formulas(tmp_path: Path) -> Path:
    book, vp = _units_and_vp()
    vp.append(ACTIVITY_HEADER)
    vp.append(["=DATE(2023,3,1)", "a", "Khác", "Ngày bằng công thức", "=1+1"])
    vp.append([date(2023, 3, 2), "b", "Khác", '=HYPERLINK("https://x.vn","Bài viết")', 1])
    path = tmp_path / "cong-thuc.xlsx"
    book.save(path)
    _with_stored_results(path, {"A2": "44986", "E2": "2", "D3": "Bài viết"})
    return path


def test_stored_formula_results_survive_an_append(formulas: Path) -> None:
    before = parse_snapshot(WorkbookSource(formulas).read())
    assert before.problems.query("severity == 'error'").empty, before.problems["message"].tolist()

    _append(formulas, "r-1")

    after = parse_snapshot(WorkbookSource(formulas).read())
    assert after.problems.query("severity == 'error'").empty, after.problems["message"].tolist()
    assert len(after.activities) == len(before.activities) + 1
    first = after.activities[after.activities["row"] == 2].iloc[0]
    assert first["quantity"] == 2 and str(first["date"])[:10] == "2023-03-01"  # the stored results, still read
    sheet = load_workbook(formulas)["VP"]
    assert sheet["A2"].value == "=DATE(2023,3,1)" and sheet["E2"].value == "=1+1"  # the formulas themselves


def test_only_the_tab_written_changes_and_the_other_parts_are_byte_identical(formulas: Path) -> None:
    with zipfile.ZipFile(formulas) as archive:
        before = {i.filename: archive.read(i) for i in archive.infolist()}

    _append(formulas, "r-2")

    with zipfile.ZipFile(formulas) as archive:
        after = {i.filename: archive.read(i) for i in archive.infolist()}
    assert list(after) == list(before)  # same parts, same order
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"xl/worksheets/sheet2.xml", "xl/styles.xml"}
    old, new = before["xl/worksheets/sheet2.xml"].decode(), after["xl/worksheets/sheet2.xml"].decode()
    dimension = re.compile(r'<dimension ref="[^"]*"/>')
    head = old[: old.index("<sheetData>")]
    assert dimension.sub("", new).startswith(dimension.sub("", head))  # all before the rows but the dimension
    assert '<dimension ref="A1:I4"/>' in new
    assert old[old.index('<row r="2"') : old.index("</sheetData>")] in new  # the data rows, byte for byte
    assert new.endswith(old[old.index("</sheetData>") :])


def test_a_preformatted_table_keeps_its_styles_and_the_row_goes_into_the_first_empty_styled_row(
    tmp_path: Path,
) -> None:
    book, vp = _units_and_vp()
    vp.append(ACTIVITY_HEADER)
    vp.append([date(2023, 3, 1), "a", "Khác", "Hoạt động có sẵn", 1])
    thin = Side(style="thin")
    for r in range(2, 8):  # borders drawn down to row 7, as offices prepare a table to fill in
        for c in range(1, 9):
            vp.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    vp["D2"].font = Font(bold=True)
    path = tmp_path / "ke-bang.xlsx"
    book.save(path)

    result = _append(path, "r-3", title="Mới")

    assert result.row == 3
    sheet = load_workbook(path)["VP"]
    assert sheet["D3"].value == "Mới" and sheet["D3"].border.left.style == "thin"  # the row's own style
    assert not sheet["D3"].font.bold  # …not the cell above's, which the office formatted on purpose
    assert sheet["H3"].border.left.style == "thin"  # an empty styled cell of that row keeps its style
    assert sheet["A3"].number_format.upper().startswith("DD/MM/YYYY") or sheet["A3"].is_date
    assert sheet["A4"].border.left.style == "thin" and sheet["A4"].value is None  # the rows below untouched
    assert sheet["I1"].value == "Mã ghi" and sheet["I3"].value == "r-3"


def test_a_new_row_takes_the_style_of_the_row_above(tmp_path: Path) -> None:
    path = _plain(tmp_path, bold_title=True)
    _append(path, "r-9", title="Mới")
    sheet = load_workbook(path)["VP"]
    assert sheet["D3"].font.bold and sheet["D3"].value == "Mới"
    assert sheet["A3"].is_date and sheet["A3"].value.date() == date(2023, 3, 15)


def test_text_that_looks_like_a_formula_or_markup_stays_text(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    _append(path, "r-4", title="=1+1 <b>&amp;</b> \"x\" 'y'", note="  lề  ")
    sheet = load_workbook(path)["VP"]
    assert sheet["D3"].value == "=1+1 <b>&amp;</b> \"x\" 'y'" and sheet["D3"].data_type == "s"
    assert sheet["H3"].value == "  lề  "


def test_control_characters_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    before = path.read_bytes()
    with pytest.raises(WriteRefused, match="ký tự điều khiển"):
        _append(path, "r-5", title="bell\x07")
    assert path.read_bytes() == before


def test_a_sheet_it_does_not_understand_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(b'<row r="2"', b"<row")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    before = path.read_bytes()

    with pytest.raises(SourceError, match=r"cấu trúc lạ.*nhập trực tiếp"):
        _append(path, "r-6")

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_a_prefixed_sheet_xml_is_written_with_its_prefix(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = parts["xl/worksheets/sheet2.xml"].decode()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = re.sub(r"<(/?)(?!\?)([A-Za-z]+)", r"<\1x:\2", sheet).replace(f'xmlns="{main}"', f'xmlns:x="{main}"')
    parts["xl/worksheets/sheet2.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    _append(path, "r-7", title="Có tiền tố")

    rows = WorkbookSource(path).read().tabs["VP"]
    assert rows[2].values[3] == "Có tiền tố" and rows[2].values[8] == "r-7"


def _plain(tmp_path: Path, bold_title: bool = False) -> Path:
    book, vp = _units_and_vp()
    vp.append(ACTIVITY_HEADER)
    vp.append([date(2023, 3, 1), "a", "Khác", "Có sẵn", 1])
    vp["D2"].font = Font(bold=bold_title)
    path = tmp_path / "thuong.xlsx"
    book.save(path)
    return path


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice: make office-deps (CI installs it)",
)
def test_libreoffice_reads_the_appended_row(formulas: Path, tmp_path: Path) -> None:
    _append(formulas, "r-8", title="Đọc bằng LibreOffice", quantity=7)
    out = tmp_path / "csv"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
            "--outdir",
            str(out),
            str(formulas),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (vp,) = [p for p in out.iterdir() if p.name.endswith("-VP.csv")]
    lines = vp.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("03/01/2023,a,Khác,Ngày bằng công thức,2") or "Ngày bằng công thức,2" in lines[1]
    assert "Đọc bằng LibreOffice,7" in lines[3] and lines[3].endswith("r-8")


def _long(tmp_path: Path, rows: list[list]) -> Path:
    book, vp = _units_and_vp()
    for row in rows:
        vp.append(row)
    path = tmp_path / "dai.xlsx"
    book.save(path)
    return path


def test_a_long_tab_gets_the_row_after_its_last_filled_row_and_an_old_id_is_found_deep_down(tmp_path: Path) -> None:
    header = [*ACTIVITY_HEADER, "Mã ghi"]
    data = [[date(2023, 3, 1), "a", "Khác", f"Dòng {i}", 1, None, None, None, f"cu-{i}"] for i in range(40)]
    path = _long(tmp_path, [header, *data, [], [None, None, None, "=1+1"]])  # a formula without result, last

    assert _append(path, "moi").row == 44  # after the formula row, which counts as filled
    again = _append(path, "cu-30")
    assert again.duplicate and again.row == 32
    assert _append(path, "moi").duplicate


def test_a_header_sorted_in_among_the_data_gets_the_id_column_and_the_row_goes_last(tmp_path: Path) -> None:
    data = [[date(2023, 3, d), "a", "Khác", f"Dòng {d}", 1] for d in range(1, 15)]
    path = _long(tmp_path, [*data[:12], ACTIVITY_HEADER, *data[12:]])

    result = _append(path, "sau-sap-xep")

    sheet = load_workbook(path)["VP"]
    assert result.row == 16 and sheet["I13"].value == "Mã ghi" and sheet["I16"].value == "sau-sap-xep"
    assert sheet["I1"].value is None  # not written into a data row


# ---- what a hostile pass found, each kept as a test ------------------------------------------------------------


def _rezip(path: Path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("cell", ["XFD1", "D1048576"], ids=["last column", "last row"])
def test_a_sheet_filled_to_its_edge_is_refused_not_written_past_it(tmp_path: Path, cell: str) -> None:
    path = _plain(tmp_path)
    book = load_workbook(path)
    book["VP"][cell] = "x"
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(WriteRefused, match="dòng hoặc cột cuối cùng"):
        _append(path, "r-edge")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "record_id", [" r-space ", "a&b<c>", "mã-ghi-tiếng-việt"], ids=["spaces", "xml-escaped", "non-ascii"]
)
def test_an_id_already_deep_in_a_long_tab_is_found_however_it_is_stored(tmp_path: Path, record_id: str) -> None:
    header = [*ACTIVITY_HEADER, "Mã ghi"]
    data = [[date(2023, 3, 1), "a", "Khác", f"Dòng {i}", 1, None, None, None, f"cu-{i}"] for i in range(20)]
    path = _long(tmp_path, [header, *data])
    first = _append(path, record_id)
    again = _append(path, record_id)
    assert again.duplicate and again.row == first.row == 22


def test_an_id_split_into_rich_text_runs_in_the_shared_strings_is_found(tmp_path: Path) -> None:
    header = [*ACTIVITY_HEADER, "Mã ghi"]
    data = [[date(2023, 3, 1), "a", "Khác", f"Dòng {i}", 1, None, None, None, f"cu-{i}"] for i in range(12)]
    path = _long(tmp_path, [header, *data])

    def as_rich_shared_string(parts: dict) -> None:  # cu-11 (row 13) as Excel stores a formatted cell
        sheet = parts["xl/worksheets/sheet2.xml"].decode()
        sheet, count = re.subn(
            r'<c r="I13" t="inlineStr"><is><t>cu-11</t></is></c>', '<c r="I13" t="s"><v>0</v></c>', sheet
        )
        assert count == 1
        parts["xl/worksheets/sheet2.xml"] = sheet.encode()
        parts["xl/sharedStrings.xml"] = (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            b"<si><r><t>cu-</t></r><r><rPr><b/></rPr><t>11</t></r></si></sst>"
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument'
            b'.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships'
            b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )

    _rezip(path, as_rich_shared_string)
    again = _append(path, "cu-11")
    assert again.duplicate and again.row == 13


def test_text_that_no_xlsx_can_hold_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    for title in ("lẻ \ud800 nửa ký tự", "x" * 32_768):
        with pytest.raises(WriteRefused):
            _append(path, "r-bad", title=title)


@pytest.mark.parametrize("damage", ["deflate", "encrypted", "workbook-xml"])
def test_a_damaged_package_is_a_message_for_the_reader_and_the_writer(tmp_path: Path, damage: str) -> None:
    path = _plain(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "deflate":
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/worksheets/sheet2.xml")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        data[start : start + 8] = b"\xff" * 8
        path.write_bytes(bytes(data))
    elif damage == "encrypted":
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/worksheets/sheet2.xml")
        data[info.header_offset + 6] |= 1  # the "encrypted" flag of the local header…
        for match in re.finditer(rb"PK\x01\x02", data):
            name_len = int.from_bytes(data[match.start() + 28 : match.start() + 30], "little")
            if data[match.start() + 46 : match.start() + 46 + name_len] == info.filename.encode():
                data[match.start() + 8] |= 1  # …and of the central directory
        path.write_bytes(bytes(data))
    else:
        _rezip(
            path, lambda parts: parts.update({"xl/workbook.xml": parts["xl/workbook.xml"].replace(b"</workbook>", b"")})
        )
    with pytest.raises(SourceError):
        WorkbookSource(path).read()
    if damage != "workbook-xml":  # the writer reads no more than that tab's XML and the workbook's list
        with pytest.raises(SourceError):
            _append(path, "r-damaged")


def test_a_prefilled_empty_row_keeps_its_fill_and_the_date_is_still_a_date(tmp_path: Path) -> None:
    from openpyxl.styles import PatternFill

    path = _plain(tmp_path)
    book = load_workbook(path)
    yellow = PatternFill("solid", fgColor="FFFF00")
    for col in "ABCDE":
        book["VP"][f"{col}3"].fill = yellow
    book.save(path)

    _append(path, "r-fill")

    sheet = load_workbook(path)["VP"]
    assert sheet["A3"].is_date and sheet["A3"].fill.fgColor.rgb.endswith("FFFF00")
    assert sheet["D3"].value == "Hội nghị" and sheet["D3"].fill.fgColor.rgb.endswith("FFFF00")


def test_a_date_format_of_conditional_formatting_is_never_taken_for_a_cell_format(tmp_path: Path) -> None:
    path = _plain(tmp_path)

    def add_dxf(parts: dict) -> None:
        styles = parts["xl/styles.xml"].decode()
        dxf = '<dxfs count="1"><dxf><numFmt numFmtId="170" formatCode="DD/MM/YYYY"/></dxf></dxfs>'
        styles = re.sub(r"<dxfs[^>]*/>|<dxfs[^>]*>.*?</dxfs>", "", styles, flags=re.S)
        parts["xl/styles.xml"] = styles.replace("</cellStyles>", f"</cellStyles>{dxf}").encode()

    _rezip(path, add_dxf)
    book = load_workbook(path)
    book["VP"]["A2"].number_format = "General"  # no date format above the new row to reuse
    book.save(path)
    _rezip(path, add_dxf)

    _append(path, "r-dxf")

    cell = load_workbook(path)["VP"]["A3"]
    assert cell.is_date and cell.number_format.upper() == "DD/MM/YYYY"


def test_an_empty_tab_takes_its_header_and_its_first_row(tmp_path: Path) -> None:
    path = _long(tmp_path, [])
    result = _append(path, "dau-tien", title="Hoạt động đầu tiên")
    rows = WorkbookSource(path).read().tabs["VP"]
    assert result.row == 2 and rows[0].values[0] == "Ngày" and rows[1].values[3] == "Hoạt động đầu tiên"
    parsed = parse_snapshot(WorkbookSource(path).read())
    assert parsed.activities["title"].tolist() == ["Hoạt động đầu tiên"]


def test_a_note_in_a_column_without_a_header_stays_a_note(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    book = load_workbook(path)
    book["VP"]["I2"] = "gọi lại anh Nam"
    book.save(path)

    _append(path, "r-note")

    sheet = load_workbook(path)["VP"]
    assert sheet["I1"].value is None and sheet["I2"].value == "gọi lại anh Nam"
    assert sheet["J1"].value == "Mã ghi" and sheet["J3"].value == "r-note"


def test_a_row_under_a_merged_range_is_refused_rather_than_hidden(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    book = load_workbook(path)
    book["VP"].merge_cells("A3:H3")
    book.save(path)
    with pytest.raises(SourceError, match="cấu trúc lạ"):
        _append(path, "r-merged")


def test_a_carriage_return_is_kept(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    _append(path, "r-cr", note="dòng 1\rdòng 2")
    assert load_workbook(path)["VP"]["H3"].value == "dòng 1\rdòng 2"
