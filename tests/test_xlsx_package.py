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
    book = Workbook()
    book.active.title = "Đơn vị"
    for row in UNIT_TABS["Đơn vị"]:
        book.active.append(row)
    vp = book.create_sheet("VP")
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
    book = Workbook()
    book.active.title = "Đơn vị"
    for row in UNIT_TABS["Đơn vị"]:
        book.active.append(row)
    vp = book.create_sheet("VP")
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
    book = Workbook()
    book.active.title = "Đơn vị"
    for row in UNIT_TABS["Đơn vị"]:
        book.active.append(row)
    vp = book.create_sheet("VP")
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
    book = Workbook()
    book.active.title = "Đơn vị"
    for row in UNIT_TABS["Đơn vị"]:
        book.active.append(row)
    vp = book.create_sheet("VP")
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
