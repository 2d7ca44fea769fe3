"""The exports, opened the way the office opens them: .xlsx with openpyxl, .docx with python-docx, .csv with csv.

Every figure is checked against `summarize` for the same period; text from the sheets must come back as
written (NFC), formula-like text must stay text, and an empty quarter must still give a file that says so.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pytest
from docx import Document
from export_data import (
    FORMULA_TITLES,
    NEGATIVE_NOTE,
    NFD_TITLE,
    NOW,
    Q1_ACTIVITIES,
    Q1_PARTICIPANTS,
    Q1_QUANTITY,
    write_workbook,
)

from reporting import fmt
from reporting.catalog import CHANNELS, ITEM_CHANNELS
from reporting.export import (
    export_bytes,
    export_file,
    file_name,
    period_from_args,
    summary_table,
    to_csv,
    to_docx,
    to_xlsx,
)
from reporting.export.common import (
    EMPTY_TEXT,
    MOTTO,
    MOTTO_COUNTRY,
    csv_safe,
    period_line,
    place_date,
    report_subject,
    table_title,
)
from reporting.export.tables import DETAIL_COLUMNS
from reporting.export.xlsx import NUMBER_FORMAT
from reporting.metrics import summarize
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ, PeriodRules, half, quarter, whole_year
from reporting.settings import Settings
from reporting.snapshot import Snapshot, rows_from_values
from sheets.workbook import WorkbookSource

SETTINGS = Settings()
SHEETS = ["Tổng hợp", "Theo nội dung", "Chi tiết", "Tiến độ báo cáo"]
APPENDIX_ROW, TITLE_ROW, ATTACHED_ROW, PERIOD_ROW = 5, 6, 7, 8  # 1-based rows of the block above every table
HEADER_ROW = 10  # the first header row
FIRST_DATA_ROW = 13  # after the two header rows (10–11) and the column numbering (12) of a grouped header


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    path = write_workbook(tmp_path_factory.mktemp("export") / "nguon.xlsx")
    return parse_snapshot(WorkbookSource(path, clock=lambda: NOW).read())


@pytest.fixture(scope="module")
def q1(parsed: Parsed):
    return summarize(parsed, quarter(2023, 1), NOW)


@pytest.fixture(scope="module")
def q1_book(parsed: Parsed, q1) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(q1, parsed, SETTINGS)))


def _texts(sheet) -> list[str]:
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def _row_of(sheet, column: int, value: str) -> int:
    for row in sheet.iter_rows(min_col=column, max_col=column):
        if row[0].value == value:
            return row[0].row
    raise AssertionError(f"no row with {value!r} in column {column} of {sheet.title}")


def _header_columns(sheet) -> dict[str, int]:
    """(upper header – lower header) or header → 1-based column, from the two header rows."""
    out: dict[str, int] = {}
    upper = None
    for col in range(1, sheet.max_column + 1):
        top, bottom = sheet.cell(HEADER_ROW, col).value, sheet.cell(HEADER_ROW + 1, col).value
        upper = top if top is not None else upper
        if bottom is None:
            out[top] = col
        else:
            out[f"{upper} – {bottom}"] = col
    return out


# ---------------------------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("args", "slug", "label", "start", "end"),
    [
        ((2023, 1, None, False), "2023-Q1", "quý I năm 2023", date(2022, 12, 15), date(2023, 3, 14)),
        ((2023, 4, None, False), "2023-Q4", "quý IV năm 2023", date(2023, 9, 15), date(2023, 12, 14)),
        ((2023, None, 1, False), "2023-H1", "6 tháng đầu năm 2023", date(2022, 12, 15), date(2023, 6, 14)),
        ((2023, None, 2, False), "2023-H2", "6 tháng cuối năm 2023", date(2023, 6, 15), date(2023, 12, 14)),
        ((2023, None, None, True), "2023", "năm 2023", date(2022, 12, 15), date(2023, 12, 14)),
    ],
)
def test_period_from_args(args, slug: str, label: str, start: date, end: date) -> None:
    period = period_from_args(*args)
    assert (period.slug, period.label, period.start, period.end) == (slug, label, start, end)


def test_period_from_args_calendar_rules() -> None:
    period = period_from_args(2023, 1, rules=PeriodRules(calendar=True))
    assert (period.start, period.end) == (date(2023, 1, 1), date(2023, 3, 31))


@pytest.mark.parametrize("args", [(2023, None, None, False), (2023, 1, 1, False), (2023, 1, None, True)])
def test_period_from_args_wants_exactly_one(args) -> None:
    with pytest.raises(ValueError, match="Chọn đúng một kỳ"):
        period_from_args(*args)


@pytest.mark.parametrize(
    ("period", "ext", "name"),
    [
        (quarter(2023, 1), "xlsx", "tong-hop-cchc-2023-Q1.xlsx"),
        (quarter(2023, 4), ".CSV", "tong-hop-cchc-2023-Q4.csv"),
        (half(2023, 2), "docx", "tong-hop-cchc-2023-H2.docx"),
        (whole_year(2023), "xlsx", "tong-hop-cchc-2023.xlsx"),
    ],
)
def test_file_name(period, ext: str, name: str) -> None:
    assert file_name(period, ext) == name


# ------------------------------------------------------------------------------------- wording helpers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-abc", "'-abc"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),
        ("-1.200", "-1.200"),
        ("-1.200,5", "-1.200,5"),
        ("- gạch đầu dòng", "'- gạch đầu dòng"),
        ("Đoàn Thanh niên", "Đoàn Thanh niên"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_csv_safe(value: str, expected: str) -> None:
    assert csv_safe(value) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2023, 3, 5, 9, tzinfo=VN_TZ), "Bình Định, ngày 05 tháng 3 năm 2023"),
        (datetime(2023, 1, 20, 9, tzinfo=VN_TZ), "Bình Định, ngày 20 tháng 01 năm 2023"),
        (datetime(2023, 2, 1, 9, tzinfo=VN_TZ), "Bình Định, ngày 01 tháng 02 năm 2023"),
        (datetime(2023, 12, 31, 20, tzinfo=UTC), "Bình Định, ngày 01 tháng 01 năm 2024"),  # 03:00 in Vietnam
        (None, "Bình Định, ngày … tháng … năm …"),
    ],
)
def test_place_date(moment, expected: str) -> None:
    assert place_date("Bình Định", moment) == expected


def test_wording() -> None:
    assert period_line(quarter(2023, 1)) == "(Từ ngày 15/12/2022 đến ngày 14/03/2023)"
    assert table_title(quarter(2023, 1)) == (
        "BẢNG TỔNG HỢP KẾT QUẢ CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2023"
    )
    assert table_title(half(2023, 1)).endswith("6 THÁNG ĐẦU NĂM 2023")
    assert report_subject(whole_year(2023)) == ("Kết quả công tác thông tin, tuyên truyền cải cách hành chính năm 2023")


# --------------------------------------------------------------------------------------------------- xlsx


def test_xlsx_sheets_titles_and_header_block(q1_book) -> None:
    assert q1_book.sheetnames == SHEETS
    for sheet in q1_book.worksheets:
        texts = _texts(sheet)
        assert sheet["A1"].value == "UBND TỈNH BÌNH ĐỊNH"
        assert sheet["A2"].value == "SỞ LAO ĐỘNG – THƯƠNG BINH\nVÀ XÃ HỘI"  # broken where the name breaks
        assert MOTTO_COUNTRY in texts and MOTTO in texts
        assert "Bình Định, ngày 28 tháng 11 năm 2026" in texts
        title = sheet.cell(TITLE_ROW, 1).value
        assert title.endswith("QUÝ I NĂM 2023") and "\n" not in title
        assert sheet.cell(APPENDIX_ROW, 1).value == f"Phụ lục {['I', 'II', 'III', 'IV'][SHEETS.index(sheet.title)]}"
        assert sheet.cell(ATTACHED_ROW, 1).value.startswith("(Kèm theo Báo cáo số ")
        assert "/BC-SLĐTBXH ngày " in sheet.cell(ATTACHED_ROW, 1).value
        assert sheet.cell(PERIOD_ROW, 1).value == "(Từ ngày 15/12/2022 đến ngày 14/03/2023)"
    titles = [sheet.cell(TITLE_ROW, 1).value for sheet in q1_book.worksheets]
    assert titles[0] == table_title(quarter(2023, 1))
    assert all(t.count("BẢNG TỔNG HỢP") <= 1 for t in titles) and len(set(titles)) == 4  # no repetition


def test_xlsx_print_setup_and_panes(q1_book) -> None:
    for sheet in q1_book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == "9"  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the file format's default, so often omitted
        assert sheet.page_setup.fitToHeight == 0  # as many pages down as the rows need
        header_rows = "$10:$12" if sheet.title != "Chi tiết" and sheet.title != "Tiến độ báo cáo" else "$10:$11"
        assert sheet.print_title_rows == header_rows
        first_data = 13 if header_rows == "$10:$12" else 12
        assert sheet.freeze_panes == f"C{first_data}"
        assert sheet.column_dimensions["B"].width > 20  # unit names have room


def test_xlsx_every_cell_is_times_new_roman(q1_book) -> None:
    for sheet in q1_book.worksheets:
        fonts = {c.font.name for row in sheet.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, sheet.title


def test_xlsx_summary_totals_equal_summarize(q1_book, q1) -> None:
    sheet = q1_book["Tổng hợp"]
    columns = _header_columns(sheet)
    total = _row_of(sheet, 2, "Tổng cộng")
    value = lambda header: sheet.cell(total, columns[header]).value  # noqa: E731
    assert value("Tổng số hoạt động") == q1.totals["activities"] == Q1_ACTIVITIES
    assert value("Số người tham gia") == q1.totals["participants"] == Q1_PARTICIPANTS
    items = sum(value(f"{c.number}. {c.label} – Số hoạt động") for c in CHANNELS)
    assert items == q1.totals["activities"]
    for channel in CHANNELS:
        assert value(f"{channel.number}. {channel.label} – Số hoạt động") == q1.channels[channel.code]
    assert value("4. Trực quan (pano, áp phích, khẩu hiệu, băng rôn) – Số sản phẩm") == 1200
    assert sum(q1.units[f"qty_{c.code}"].sum() for c in CHANNELS) == q1.totals["quantity"] == Q1_QUANTITY
    items = [c for c in CHANNELS if c.code in ITEM_CHANNELS]
    assert sum(
        value(h) for h in columns if h.startswith(tuple(f"{c.number}. " for c in items)) and "Số hoạt" not in h
    ) == (sum(q1.units[f"qty_{c.code}"].sum() for c in items))
    assert value("Nội dung đã tuyên truyền") == f"{q1.totals['areas_covered']}/10 nội dung" == "5/10 nội dung"
    assert value("Báo cáo quý – Tình trạng") == "Đã nộp 2/3"
    # The unit rows add up to the total row, column by column.
    rows = [_row_of(sheet, 2, name) for name in ("Văn phòng Sở", "Thanh tra Sở", "Đoàn Thanh niên Sở")]
    for header in ("Tổng số hoạt động", "Số người tham gia"):
        assert sum(sheet.cell(r, columns[header]).value for r in rows) == value(header)
    assert sheet.cell(total, columns["Tổng số hoạt động"]).number_format == NUMBER_FORMAT


def test_xlsx_summary_unit_rows(q1_book) -> None:
    sheet = q1_book["Tổng hợp"]
    columns = _header_columns(sheet)
    vp, ttr, dtn = (_row_of(sheet, 2, n) for n in ("Văn phòng Sở", "Thanh tra Sở", "Đoàn Thanh niên Sở"))
    assert sheet.cell(vp, columns["Nội dung đã tuyên truyền"]).value == "a, b, c, h"
    assert sheet.cell(vp, columns["Báo cáo quý – Tình trạng"]).value == "Đúng hạn"
    assert sheet.cell(vp, columns["Báo cáo quý – Ngày nộp"]).value == datetime(2023, 3, 10)
    assert sheet.cell(vp, columns["Báo cáo quý – Ngày nộp"]).number_format == "dd/mm/yyyy"
    assert sheet.cell(ttr, columns["Báo cáo quý – Tình trạng"]).value == "Trễ hạn 3 ngày"
    assert sheet.cell(dtn, columns["Báo cáo quý – Tình trạng"]).value.startswith("Chưa nộp, quá hạn ")
    assert sheet.cell(dtn, columns["Tổng số hoạt động"]).value == 0
    # Units are grouped as the plan groups them, with Roman-numbered group rows.
    assert sheet.cell(vp - 1, 1).value == "I" and sheet.cell(vp - 1, 2).value == "Phòng chuyên môn, nghiệp vụ"
    assert sheet.cell(dtn - 1, 1).value == "II" and sheet.cell(dtn - 1, 2).value == "Đoàn thể"
    notes = " ".join(_texts(sheet))
    assert "Báo cáo phải nộp: 3; đã nộp: 2 (66,7%), trong đó đúng hạn: 1 (33,3%)" in notes
    assert "tính đến ngày 28/11/2026" in notes and "10:00" not in notes  # a day, not a clock time


def test_xlsx_detail_keeps_text_as_text(q1_book) -> None:
    sheet = q1_book["Chi tiết"]
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, 11)]
    assert headers == [
        "STT",
        "Đơn vị",
        "Ngày",
        "Nội dung",
        "Hình thức",
        "Tên hoạt động",
        "Số lượng",
        "Số người tham gia",
        "Minh chứng",
        "Ghi chú",
    ]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=12, max_row=11 + Q1_ACTIVITIES, max_col=10)]
    titles = [row[5].value for row in rows]
    for title in FORMULA_TITLES:
        cell = rows[titles.index(title)][5]
        assert cell.data_type == "s" and cell.value == title  # text, not a formula
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    nfc = unicodedata.normalize("NFC", NFD_TITLE)
    assert nfc in titles and NFD_TITLE not in titles
    notes = {row[9].value for row in rows}
    assert NEGATIVE_NOTE in notes and "'-5" not in notes  # a negative number is not neutralised
    # Sorted by unit (in the unit list's order), then date.
    assert [(row[1].value, row[2].value) for row in rows] == [
        ("Văn phòng Sở", datetime(2022, 12, 20)),
        ("Văn phòng Sở", datetime(2023, 1, 15)),
        ("Văn phòng Sở", datetime(2023, 3, 10)),
        ("Văn phòng Sở", datetime(2023, 3, 11)),
        ("Thanh tra Sở", datetime(2023, 3, 14)),
    ]
    assert [row[0].value for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0][2].number_format == "dd/mm/yyyy"
    assert rows[2][6].value == 1200 and rows[2][6].data_type == "n"
    assert rows[0][3].value == "a, b" and rows[0][4].value == "Tin bài trên trang thông tin điện tử"


def test_xlsx_areas_and_progress(q1_book, q1) -> None:
    areas = q1_book["Theo nội dung"]
    a = _row_of(areas, 1, "a)")
    assert areas.cell(a, 2).value == "Vai trò, trách nhiệm của cấp ủy, người đứng đầu"
    assert areas.cell(a, 9).value == q1.areas["a"] == 3
    assert areas.cell(a, 10).value == "Văn phòng Sở; Thanh tra Sở"
    assert areas.cell(_row_of(areas, 1, "m)"), 9).value == 0
    progress = q1_book["Tiến độ báo cáo"]
    ttr = _row_of(progress, 2, "Thanh tra Sở")
    assert [progress.cell(ttr, c).value for c in range(3, 8)] == [
        "Quý I/2023",
        datetime(2023, 3, 14),
        datetime(2023, 3, 17),  # the day it came in (openpyxl reads a date cell as a datetime)
        "Trễ hạn 3 ngày",
        3,
    ]
    assert progress.cell(ttr, 5).number_format == "dd/mm/yyyy"


def test_xlsx_negative_number_stays_a_number(parsed: Parsed) -> None:
    acts = parsed.activities.copy()
    acts.loc[acts["title"] == "+1", "quantity"] = -3
    summary = summarize(replace(parsed, activities=acts), quarter(2023, 1), NOW)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(summary, parsed, SETTINGS)))["Chi tiết"]
    row = _row_of(sheet, 6, "+1")
    assert sheet.cell(row, 7).value == -3 and sheet.cell(row, 7).data_type == "n"
    lines = list(csv.reader(io.StringIO(to_csv(summary).decode("utf-8-sig"))))
    assert next(line for line in lines if line[5] == "'+1")[6] == "-3"


def test_xlsx_settings_name_the_agency(parsed: Parsed, q1) -> None:
    settings = replace(SETTINGS, agency_parent="UBND TỈNH PHÚ YÊN", agency_name="SỞ NỘI VỤ", place="Phú Yên")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(q1, parsed, settings)))["Tổng hợp"]
    assert (sheet["A1"].value, sheet["A2"].value) == ("UBND TỈNH PHÚ YÊN", "SỞ NỘI VỤ")
    assert "Phú Yên, ngày 28 tháng 11 năm 2026" in _texts(sheet)


@pytest.mark.parametrize(
    ("period", "quarters", "activities"),
    [(half(2023, 1), ["Quý I", "Quý II"], 6), (whole_year(2023), ["Quý I", "Quý II", "Quý III", "Quý IV"], 7)],
)
def test_xlsx_half_and_year(parsed: Parsed, period, quarters: list[str], activities: int) -> None:
    summary = summarize(parsed, period, NOW)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(summary, parsed, SETTINGS)))
    sheet = book["Tổng hợp"]
    assert sheet.cell(TITLE_ROW, 1).value == table_title(period)
    assert sheet.cell(PERIOD_ROW, 1).value == period_line(period)
    columns = _header_columns(sheet)
    assert [h.split(" – ")[1] for h in columns if h.startswith("Tình trạng báo cáo")] == quarters
    total = _row_of(sheet, 2, "Tổng cộng")
    assert sheet.cell(total, columns["Tổng số hoạt động"]).value == summary.totals["activities"] == activities
    assert book["Chi tiết"].cell(11 + activities, 1).value == activities
    progress = book["Tiến độ báo cáo"]
    assert sum(1 for c in progress["C"] if isinstance(c.value, str) and c.value.startswith("Quý ")) == 3 * len(quarters)


def test_xlsx_empty_quarter_says_so(parsed: Parsed) -> None:
    summary = summarize(parsed, quarter(2023, 4), NOW)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(summary, parsed, SETTINGS)))
    message = f"{EMPTY_TEXT} (quý IV năm 2023)."
    assert book["Chi tiết"].cell(12, 1).value == message
    assert message in _texts(book["Tổng hợp"])
    sheet = book["Tổng hợp"]
    assert sheet.cell(_row_of(sheet, 2, "Tổng cộng"), 3).value == 0


# ---------------------------------------------------------------------------------------------------- csv


def test_csv_is_the_detail_table(parsed: Parsed, q1, q1_book) -> None:
    data = to_csv(q1, parsed, SETTINGS)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert lines[0] == [c.value for c in q1_book["Chi tiết"][HEADER_ROW][:10]]
    body = lines[1:]
    assert len(body) == q1.totals["activities"]
    assert sum(int(r[7]) for r in body) == q1.totals["participants"]
    assert sum(int(r[6]) for r in body) == Q1_QUANTITY
    titles = [r[5] for r in body]
    assert {'\'=HYPERLINK("http://evil.example","bấm")', "'+1", "'-abc", "'@x"} <= set(titles)
    assert unicodedata.normalize("NFC", NFD_TITLE) in titles
    notes = [r[9] for r in body]
    assert "'+1" in notes and "'-abc" in notes and NEGATIVE_NOTE in notes
    assert [r[2] for r in body] == ["20/12/2022", "15/01/2023", "10/03/2023", "11/03/2023", "14/03/2023"]
    assert body[0][1] == "Văn phòng Sở" and body[0][3] == "a, b"
    assert all(unicodedata.is_normalized("NFC", cell) for row in lines for cell in row)
    assert b"\r\n" in data and b"nan" not in data


def test_csv_empty_quarter_is_the_header(parsed: Parsed) -> None:
    data = to_csv(summarize(parsed, quarter(2023, 4), NOW))
    assert [c.header for c in DETAIL_COLUMNS][-2:] == ["Minh chứng", "Ghi chú"]
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [[c.header for c in DETAIL_COLUMNS]]


# --------------------------------------------------------------------------------------------------- docx


def _docx_text(data: bytes) -> tuple[Document, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return doc, "\n".join(parts)


def test_docx_report_draft(parsed: Parsed, q1) -> None:
    doc, text = _docx_text(to_docx(q1, parsed, SETTINGS))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in paragraphs
    # The subject, then the period on its own line: the year never left alone on a line.
    assert "Kết quả công tác thông tin, tuyên truyền cải cách hành chính\nquý I năm 2023" in paragraphs
    assert "(Từ ngày 15/12/2022 đến ngày 14/03/2023)" in paragraphs
    for line in ("UBND TỈNH BÌNH ĐỊNH", "SỞ LAO ĐỘNG – THƯƠNG BINH", "VÀ XÃ HỘI", MOTTO_COUNTRY, MOTTO):
        assert line in text
    assert "/BC-SLĐTBXH" in text and "Bình Định, ngày … tháng … năm …" in text
    assert "đã tổ chức 5 hoạt động" in text and "1.200 lượt người tham gia" in text
    assert "- Nội dung a) Vai trò, trách nhiệm của cấp ủy, người đứng đầu: 3 hoạt động." in text
    assert "- Trực quan (pano, áp phích, khẩu hiệu, băng rôn): 1 hoạt động, 1.200 sản phẩm." in text
    assert "nộp trễ: Thanh tra Sở (3 ngày, nộp 17/03/2023)" in text and "chưa nộp: Đoàn Thanh niên Sở" in text
    assert text.count("[Văn phòng Sở bổ sung:") == 5  # đánh giá ×2, nhiệm vụ, kiến nghị, người ký
    assert "Nơi nhận:" in text and "KT. GIÁM ĐỐC" in text


def test_docx_summary_table_equals_summarize(parsed: Parsed, q1) -> None:
    doc = Document(io.BytesIO(to_docx(q1, parsed, SETTINGS)))
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Đơn vị",
        "Tổng số hoạt động",
        "Số người tham gia",
        "Nội dung đã tuyên truyền",
        "Báo cáo quý",
    ]
    total = next(r for r in table.rows if r.cells[1].text == "Tổng cộng")
    assert [c.text for c in total.cells[2:]] == [
        str(q1.totals["activities"]),
        fmt.number(q1.totals["participants"]),
        "5/10 nội dung",
        "Đã nộp 2/3",
    ]
    expected = [r for r in summary_table(q1).rows if isinstance(r[0], int)]
    shown = [r for r in table.rows if r.cells[0].text.isdigit()]
    assert [r.cells[1].text for r in shown] == [r[1] for r in expected]


def test_docx_is_times_new_roman(parsed: Parsed, q1) -> None:
    doc = Document(io.BytesIO(to_docx(q1, parsed, SETTINGS)))
    assert doc.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and {r.font.name for r in runs if r.text.strip()} == {"Times New Roman"}
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


@pytest.mark.parametrize("period", [half(2023, 2), whole_year(2023)])
def test_docx_half_and_year(parsed: Parsed, period) -> None:
    summary = summarize(parsed, period, NOW)
    _, text = _docx_text(to_docx(summary, parsed, SETTINGS))
    assert (
        report_subject(period).replace(f" {period.label}", f"\n{period.label}") in text and period_line(period) in text
    )
    for q in period.quarters:
        assert f"Quý {['', 'I', 'II', 'III', 'IV'][q]}/2023 (hạn nộp đến hết ngày" in text


def test_docx_empty_quarter_says_so(parsed: Parsed) -> None:
    _, text = _docx_text(to_docx(summarize(parsed, quarter(2023, 4), NOW), parsed, SETTINGS))
    assert f"{EMPTY_TEXT} (quý IV năm 2023)" in text
    assert "chưa nộp: Văn phòng Sở, Thanh tra Sở, Đoàn Thanh niên Sở" in text


# -------------------------------------------------------------------------------------- one for all three


@pytest.mark.parametrize("ext", ["xlsx", "csv", "docx"])
def test_same_inputs_same_bytes(parsed: Parsed, ext: str) -> None:
    first = export_bytes(parsed, SETTINGS, quarter(2023, 1), NOW, ext)
    assert export_bytes(parsed, SETTINGS, quarter(2023, 1), NOW, ext) == first


def test_document_times_are_now(parsed: Parsed, q1) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(q1, parsed, SETTINGS)))
    assert book.properties.created == datetime(2026, 11, 28, 3, 0)  # 10:00 in Vietnam, stored as UTC
    props = Document(io.BytesIO(to_docx(q1, parsed, SETTINGS))).core_properties
    assert props.created == props.modified == datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def test_export_file_by_extension(parsed: Parsed, tmp_path) -> None:
    out = export_file(parsed, SETTINGS, tmp_path / "bang.xlsx", year=2023, half=1, now=NOW)
    assert out.read_bytes() == export_bytes(parsed, SETTINGS, half(2023, 1), NOW, "xlsx")
    with pytest.raises(ValueError, match=r"«\.pdf»"):
        export_file(parsed, SETTINGS, tmp_path / "bang.pdf", year=2023, quarter=1, now=NOW)
    with pytest.raises(ValueError, match="Chọn đúng một kỳ"):
        export_file(parsed, SETTINGS, tmp_path / "bang.csv", year=2023, now=NOW)


def test_docx_half_year_counts_reports_per_unit(parsed: Parsed) -> None:
    summary = summarize(parsed, half(2023, 1), NOW)
    table = Document(io.BytesIO(to_docx(summary, parsed, SETTINGS))).tables[1]
    assert table.rows[0].cells[-1].text == "Báo cáo các quý"
    shown = {row.cells[1].text: row.cells[-1].text for row in table.rows[1:]}
    assert shown["Văn phòng Sở"] == "Đã nộp 1/2 (1 đúng hạn)"
    assert shown["Thanh tra Sở"] == "Đã nộp 1/2 (0 đúng hạn)"
    assert shown["Đoàn Thanh niên Sở"] == "Đã nộp 0/2 (0 đúng hạn)"
    assert shown["Tổng cộng"] == "Đã nộp 2/6 (1 đúng hạn)"
    assert shown["Tổng cộng"].startswith(f"Đã nộp {summary.totals['reports_submitted']}/")


def test_xlsx_text_is_nfc_everywhere(q1_book) -> None:
    for sheet in q1_book.worksheets:
        assert all(unicodedata.is_normalized("NFC", t) for t in _texts(sheet)), sheet.title


def test_units_without_groups_and_units_not_reporting() -> None:
    """No `Đơn vị` tab: units come from tab titles, ungrouped; a unit marked "Không" is not expected to report."""
    header = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"]
    snap = Snapshot(
        tabs={
            "VP": rows_from_values([header, ["10/01/2023", "a", "Khác", "Họp"]]),
            "TTR": rows_from_values([header, ["11/01/2023", "b", "Khác", "Họp"]]),
        },
        read_at=NOW,
        source_name="khong-danh-sach.xlsx",
    )
    parsed = parse_snapshot(snap)
    summary = summarize(parsed, quarter(2023, 1), NOW)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(summary, parsed, SETTINGS)))["Tổng hợp"]
    assert [sheet.cell(r, 1).value for r in range(13, 16)] == [1, 2, None]  # no group rows, then the total
    assert sheet.cell(15, 2).value == "Tổng cộng" and sheet.cell(15, 3).value == 2

    units = replace(parsed, units=parsed.units.assign(reports=[True, False]))
    summary = summarize(units, quarter(2023, 1), NOW)
    rows = {r[1]: r for r in summary_table(summary).rows}
    assert rows["TTR"][-2] == "Không phải báo cáo" and rows["VP"][-2].startswith("Chưa nộp, quá hạn ")
    assert rows["Tổng cộng"][-2] == "Đã nộp 0/1"


def test_control_characters_do_not_stop_the_docx(parsed: Parsed) -> None:
    units = parsed.units.assign(name=parsed.units["name"].where(parsed.units["code"] != "VP", "Văn phòng\x0b Sở\x01"))
    summary = summarize(replace(parsed, units=units), quarter(2023, 1), NOW)
    _, text = _docx_text(to_docx(summary, parsed, SETTINGS))
    assert "Văn phòng Sở" in text
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(summary, parsed, SETTINGS)))["Tổng hợp"]
    assert _row_of(sheet, 2, "Văn phòng Sở")


@pytest.mark.parametrize("ext", ["xlsx", "csv", "docx"])
def test_a_sheet_with_no_units_still_exports(ext: str) -> None:
    snap = Snapshot(tabs={"Đơn vị": rows_from_values([["Mã", "Tên đơn vị"]])}, read_at=NOW, source_name="trong.xlsx")
    parsed = parse_snapshot(snap)
    data = export_bytes(parsed, SETTINGS, quarter(2023, 1), NOW, ext)
    if ext == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book["Tiến độ báo cáo"].cell(12, 1).value == "Không có đơn vị nào trong danh sách."
        assert f"{EMPTY_TEXT} (quý I năm 2023)." in _texts(book["Tổng hợp"])
    elif ext == "docx":
        assert "Không có hoạt động nào trong kỳ" in _docx_text(data)[1]
    else:
        assert data.decode("utf-8-sig").count("\r\n") == 1


def test_a_cell_beyond_excels_limit_is_cut_with_a_marker_and_said(tmp_path) -> None:
    """Excel keeps 32,767 characters in a cell: a longer text is cut visibly and counted under the table."""
    from openpyxl import load_workbook as open_book

    from reporting.export import export_file
    from reporting.export.xlsx import CUT_MARK, MAX_CELL
    from tests.snapshots import ACTIVITY_HEADER, UNIT_HEADER, UNITS, snapshot

    long_title = "Tuyên truyền " + "rất dài " * 6000  # about 48,000 characters
    parsed = parse_snapshot(
        snapshot({"Đơn vị": [UNIT_HEADER, *UNITS], "VP": [ACTIVITY_HEADER, ["20/11/2023", "a", "Khác", long_title]]})
    )
    out = export_file(parsed, SETTINGS, tmp_path / "dai.xlsx", year=2023, quarter=4, now=NOW)
    book = open_book(out)
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    cut = [v for v in cells if v.endswith(CUT_MARK)]
    assert cut and all(len(v) == MAX_CELL for v in cut)
    assert any("ô dài quá 32.767 ký tự" in v for v in cells)


def test_a_large_export_written_in_constant_memory_holds_what_the_in_memory_one_holds(parsed, q1, monkeypatch) -> None:
    """Above `CONSTANT_MEMORY_ROWS` table rows the .xlsx streams its rows to disk: every value, format, merge,
    row height and print setting is the same as when it is built in memory (only how text is stored differs,
    and rows of the default height rely on the sheet's default instead of each saying it)."""
    from reporting.export import xlsx as xlsx_module

    def cells(data: bytes) -> list[tuple]:
        book = openpyxl.load_workbook(io.BytesIO(data))
        out: list[tuple] = []
        for sheet in book.worksheets:
            out.append((sheet.title, sorted(str(m) for m in sheet.merged_cells.ranges), sheet.print_title_rows,
                        sheet.freeze_panes, sheet.page_setup.orientation))  # fmt: skip
            out += [
                (
                    sheet.title,
                    c.coordinate,
                    c.value,
                    c.number_format,
                    c.font.b,
                    c.border.left.style,
                    c.alignment.wrap_text,
                )
                for row in sheet.iter_rows()
                for c in row
                if c.value is not None or c.border.left.style
            ]
            default = sheet.sheet_format.defaultRowHeight  # a row of that height may say it or not
            out.append((sheet.title, default, sheet.sheet_format.customHeight))
            out += [
                (sheet.title, r, d.height)
                for r, d in sorted(sheet.row_dimensions.items())
                if d.height and d.height != default
            ]
        return out

    in_memory = to_xlsx(q1, parsed, SETTINGS)
    monkeypatch.setattr(xlsx_module, "CONSTANT_MEMORY_ROWS", 0)
    streamed = to_xlsx(q1, parsed, SETTINGS)
    assert b"sharedStrings" in in_memory and b"sharedStrings" not in streamed  # the two modes really ran
    assert cells(streamed) == cells(in_memory)
