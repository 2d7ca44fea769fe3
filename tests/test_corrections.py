"""Corrections from the app (issue 12, item 4): a unit fixes one of its error rows, edits or withdraws one of its
own activities. One row, only the changed cells, refused when the row changed since it was shown, every change
in `Nhật ký sửa`; on .xlsx and on the fake Sheets server, written by the real writers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.access import User
from reporting.corrections import (
    EditConflict,
    correct_activity,
    form_values,
    restore_activity,
    withdraw_activity,
)
from reporting.errors import NotAllowed, SourceError, WriteRefused
from reporting.parse import parse_snapshot
from reporting.schema import ACTIVITY_COLUMNS
from sheets.append import GoogleSheetWriter
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter
from tests.fakesheets.fixtures import READ_AT
from tests.snapshots import workbook

VN = READ_AT.tzinfo
AT = datetime(2023, 3, 20, 10, 0, tzinfo=VN)
HEADER = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Ghi chú"]
LOG_HEADER = ["Thời điểm", "Người sửa", "Mã đơn vị", "Trang", "Dòng", "Cột", "Giá trị cũ", "Giá trị mới", "Thao tác"]
TABS = {
    "Đơn vị": [["Mã", "Tên đơn vị", "Email"], ["VP", "Văn phòng Sở", "vp@x.vn"], ["TTR", "Thanh tra Sở", "ttr@x.vn"]],
    "VP": [
        HEADER,
        ["10/01/2023", "a,c", "Khác", "Họp cơ quan", 1, "giữ nguyên"],  # row 2: counts
        ["31/02/2023", "b", "Khác", "Tập huấn", 2, None],  # row 3: no such day, an error row
        ["15/02/2023", "d", "Khác", "Hội nghị", 3, None],  # row 4: counts
    ],
    "TTR": [HEADER, ["12/01/2023", "a", "Khác", "Thanh tra", 1, None]],
    "Nhật ký sửa": [LOG_HEADER],
}
VP_USER = User("vp@x.vn", "unit", "VP", "Văn phòng Sở")


@pytest.fixture(params=["xlsx", "google"])
def backend(request, tmp_path: Path, fake, gclient):
    """(read, editor) over the same tabs on an .xlsx file or on the fake Sheets server."""
    tabs = request.node.get_closest_marker("tabs")
    tabs = tabs.args[0] if tabs else TABS
    if request.param == "xlsx":
        path = workbook(tmp_path / "cchc.xlsx", tabs)
        return WorkbookSource(path, clock=lambda: READ_AT).read, WorkbookWriter(path)
    book = fake.create_spreadsheet(tabs)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    return source.read, GoogleSheetWriter(source)


def _cells(read, tab: str) -> dict[int, tuple]:
    return {row.number: row.values for row in read().tabs[tab]}


def _fix(read, editor, row: int, user: User = VP_USER, rid: str = "c1", **typed):
    parsed = parse_snapshot(read())
    shown = editor.read_row("VP", row, ACTIVITY_COLUMNS)
    fields = form_values(shown, parsed.plans) | typed
    return correct_activity(
        editor,
        user,
        parsed.units,
        unit_code="VP",
        shown=shown,
        typed=fields,
        at=AT,
        record_id=rid,
        log_tab=parsed.corrections_tab,
        plans=parsed.plans,
    )


def test_fixing_an_error_row_writes_that_cell_only_and_the_row_counts_at_once(backend) -> None:
    read, editor = backend
    before = parse_snapshot(read())
    assert 3 in set(before.problems[before.problems["tab"] == "VP"]["row"])
    cells_before = _cells(read, "VP")
    outcome = _fix(read, editor, 3, date="28/02/2023")
    assert outcome.result is not None and outcome.result.changed == ("date",)
    after = parse_snapshot(read())
    assert after.problems[after.problems["tab"] == "VP"].empty  # the fixed row left the quality page
    assert sorted(after.activities[after.activities["tab"] == "VP"]["row"]) == [2, 3, 4]
    assert after.activities.set_index("row").at[3, "date"].date() == date(2023, 2, 28)
    cells_after = _cells(read, "VP")
    assert {n: v for n, v in cells_after.items() if n != 3} == {n: v for n, v in cells_before.items() if n != 3}
    assert cells_after[3][1:] == cells_before[3][1:]  # only the date cell of row 3 changed
    assert _cells(read, "TTR") == {row.number: row.values for row in before.snapshot.tabs["TTR"]}
    (line,) = [v for n, v in _cells(read, "Nhật ký sửa").items() if n > 1]
    assert line[1:9] == ("vp@x.vn", "VP", "VP", 3, "Ngày", "31/02/2023", "28/02/2023", "Sửa")
    assert line[-1] == "c1"  # the request's record id


def test_an_untouched_field_is_never_rewritten(backend) -> None:
    read, editor = backend
    outcome = _fix(read, editor, 2, title="Họp cơ quan quý I")
    assert outcome.result is not None and outcome.result.changed == ("title",)
    row = _cells(read, "VP")[2]
    assert row[1] == "a,c" and row[3] == "Họp cơ quan quý I" and row[5] == "giữ nguyên"  # «a,c» as typed


def test_a_second_press_writes_nothing_more(backend) -> None:
    read, editor = backend
    parsed = parse_snapshot(read())
    shown = editor.read_row("VP", 3, ACTIVITY_COLUMNS)
    typed = form_values(shown, parsed.plans) | {"date": "28/02/2023"}
    kwargs = {"unit_code": "VP", "shown": shown, "typed": typed, "at": AT, "record_id": "same"}
    first = correct_activity(editor, VP_USER, parsed.units, **kwargs, log_tab=parsed.corrections_tab)
    again = correct_activity(editor, VP_USER, parsed.units, **kwargs, log_tab=parsed.corrections_tab)
    assert not first.result.duplicate and again.result.duplicate
    assert len(_cells(read, "Nhật ký sửa")) == 2  # the header and one line


def test_two_people_editing_one_row_one_succeeds_the_other_is_told_why(backend) -> None:
    read, editor = backend
    parsed = parse_snapshot(read())
    first_shown = editor.read_row("VP", 4, ACTIVITY_COLUMNS)
    second_shown = editor.read_row("VP", 4, ACTIVITY_COLUMNS)  # a colleague opened the same row
    start = form_values(first_shown, parsed.plans)
    done = correct_activity(
        editor, VP_USER, parsed.units, unit_code="VP", shown=first_shown, typed=start | {"quantity": "5"}, at=AT,
        record_id="first", log_tab=parsed.corrections_tab,
    )  # fmt: skip
    assert done.result is not None
    with pytest.raises(EditConflict, match=r"Dòng 4 của trang «VP» đã được thay đổi.*«Số lượng» nay là «5»"):
        correct_activity(
            editor, VP_USER, parsed.units, unit_code="VP", shown=second_shown, typed=start | {"title": "Khác"},
            at=AT, record_id="second", log_tab=parsed.corrections_tab,
        )  # fmt: skip
    row = _cells(read, "VP")[4]
    assert row[3] == "Hội nghị" and row[4] == 5  # the first edit stands, the second wrote nothing
    assert [v[-1] for n, v in _cells(read, "Nhật ký sửa").items() if n > 1] == ["first"]


def test_a_row_inserted_above_after_the_row_was_shown_is_a_conflict(backend, tmp_path) -> None:
    read, editor = backend
    parsed = parse_snapshot(read())
    shown = editor.read_row("VP", 2, ACTIVITY_COLUMNS)
    # Someone sorts the sheet: row 2 now holds another activity (here: row 4's).
    other = editor.read_row("VP", 4, ACTIVITY_COLUMNS)
    editor.update_row(
        "VP", 2, expected=shown.values, changes={k: other.values[k] for k in ("date", "areas", "title", "quantity")},
        columns=ACTIVITY_COLUMNS, log_tab="Nhật ký sửa", log=[{"note": "sắp xếp"}], record_id="sort",
    )  # fmt: skip
    with pytest.raises(EditConflict, match="không ghi gì"):
        correct_activity(
            editor, VP_USER, parsed.units, unit_code="VP", shown=shown,
            typed=form_values(shown, parsed.plans) | {"note": "x"}, at=AT, record_id="late",
            log_tab=parsed.corrections_tab,
        )  # fmt: skip


def test_a_correction_the_rules_refuse_writes_nothing_and_says_why(backend) -> None:
    read, editor = backend
    before = _cells(read, "VP"), _cells(read, "Nhật ký sửa")
    outcome = _fix(read, editor, 3, date="30/02/2023", areas=["b", "c"])
    assert outcome.result is None and any("Ngày" in e for e in outcome.check.errors)
    assert (_cells(read, "VP"), _cells(read, "Nhật ký sửa")) == before


def test_no_change_is_refused(backend) -> None:
    read, editor = backend
    with pytest.raises(WriteRefused, match="Chưa có thay đổi"):
        _fix(read, editor, 2)


def test_withdrawal_marks_the_row_and_restoring_brings_it_back(backend) -> None:
    read, editor = backend
    parsed = parse_snapshot(read())
    shown = editor.read_row("VP", 4, ACTIVITY_COLUMNS)
    result = withdraw_activity(
        editor, VP_USER, parsed.units, unit_code="VP", shown=shown, at=AT, record_id="w1",
        log_tab=parsed.corrections_tab, reason="Nhập trùng",
    )  # fmt: skip
    assert result.changed == ("status",)
    rows = _cells(read, "VP")
    assert rows[1][6] == "Trạng thái" and rows[4][6] == "Hủy" and len(rows) == 4  # marked, never deleted
    after = parse_snapshot(read())
    assert 4 not in set(after.activities[after.activities["tab"] == "VP"]["row"])
    assert after.withdrawn[["tab", "row", "title"]].values.tolist() == [["VP", 4, "Hội nghị"]]
    assert after.rows == len(after.activities) + after.error_rows  # rows read = counted + errors, withdrawn apart
    assert after.problems[(after.problems["tab"] == "VP") & (after.problems["row"] == 4)].empty
    log = [v for n, v in _cells(read, "Nhật ký sửa").items() if n > 1]
    assert [(line[5], line[6] or "", *line[7:9]) for line in log] == [("Trạng thái", "", "Hủy", "Hủy")]
    assert log[0][9] == "Nhập trùng"

    again = editor.read_row("VP", 4, ACTIVITY_COLUMNS)
    with pytest.raises(WriteRefused, match="đã được hủy"):
        _fix(read, editor, 4, title="x")
    restore_activity(
        editor, VP_USER, parsed.units, unit_code="VP", shown=again, at=AT, record_id="r1",
        log_tab=parsed.corrections_tab,
    )  # fmt: skip
    back = parse_snapshot(read())
    assert 4 in set(back.activities[back.activities["tab"] == "VP"]["row"]) and back.withdrawn.empty


@pytest.mark.parametrize(
    "user",
    [
        User("ttr@x.vn", "unit", "TTR", "Thanh tra Sở"),
        User("vp.office@x.vn", "office"),
        User("gd@x.vn", "leadership"),
        User(None, "viewer"),
    ],
    ids=["another unit", "the office", "leadership", "a viewer"],
)
def test_forged_roles_are_refused_with_nothing_written(backend, user) -> None:
    read, editor = backend
    before = read().tabs
    with pytest.raises(NotAllowed):
        _fix(read, editor, 3, user=user, date="28/02/2023")
    parsed = parse_snapshot(read())
    with pytest.raises(NotAllowed):
        withdraw_activity(
            editor, user, parsed.units, unit_code="VP", shown=editor.read_row("VP", 2, ACTIVITY_COLUMNS), at=AT,
            record_id="w", log_tab=parsed.corrections_tab,
        )  # fmt: skip
    assert read().tabs == before


def test_a_unit_cannot_edit_another_units_tab_through_its_own_code(backend) -> None:
    read, editor = backend
    parsed = parse_snapshot(read())
    before = read().tabs
    theirs = editor.read_row("TTR", 2, ACTIVITY_COLUMNS)
    with pytest.raises(WriteRefused, match="không phải trang của đơn vị VP"):
        withdraw_activity(
            editor, VP_USER, parsed.units, unit_code="VP", shown=theirs, at=AT, record_id="w",
            log_tab=parsed.corrections_tab,
        )  # fmt: skip
    assert read().tabs == before


@pytest.mark.tabs({k: v for k, v in TABS.items() if k != "Nhật ký sửa"})
def test_without_the_log_tab_nothing_is_changed(backend) -> None:
    read, editor = backend
    before = read().tabs
    with pytest.raises(WriteRefused, match="chưa có trang «Nhật ký sửa»"):
        _fix(read, editor, 3, date="28/02/2023")
    assert read().tabs == before


def test_the_header_and_blank_rows_are_not_rows_to_edit(backend) -> None:
    _read, editor = backend
    with pytest.raises(WriteRefused, match="dòng tiêu đề"):
        editor.read_row("VP", 1, ACTIVITY_COLUMNS)
    with pytest.raises(WriteRefused, match="đang trống"):
        editor.read_row("VP", 9, ACTIVITY_COLUMNS)


def test_an_xlsx_keeps_formulas_and_styles_of_the_cells_it_does_not_touch(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cchc.xlsx", TABS)
    book = load_workbook(path)
    book["VP"]["F2"] = '=CONCAT("ghi ","chú")'  # another row's formula, and row 4's own number format
    book["VP"]["E4"].number_format = "0.00"
    book.save(path)
    editor = WorkbookWriter(path)
    parsed = parse_snapshot(WorkbookSource(path, clock=lambda: READ_AT).read())
    shown = editor.read_row("VP", 4, ACTIVITY_COLUMNS)
    correct_activity(
        editor, VP_USER, parsed.units, unit_code="VP", shown=shown,
        typed=form_values(shown, parsed.plans) | {"title": "Hội nghị tổng kết"}, at=AT, record_id="f",
        log_tab=parsed.corrections_tab,
    )  # fmt: skip
    after = load_workbook(path)["VP"]
    assert after["F2"].value == '=CONCAT("ghi ","chú")' and after["E4"].number_format == "0.00"
    assert after["D4"].value == "Hội nghị tổng kết" and after["E4"].value == 3


@pytest.fixture
def google(fake, gclient):
    book = fake.create_spreadsheet(TABS)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    return source.read, GoogleSheetWriter(source)


def test_google_writes_exactly_the_changed_cells_raw_in_one_request(fake, google) -> None:
    read, editor = google
    fake.reset_counts()
    _fix(read, editor, 3, date="28/02/2023", note='=HYPERLINK("x")')
    assert fake.count("values.batchUpdate") == 1  # both cells of row 3 in one request
    assert fake.count("values.update") == 1  # the log tab's missing «Mã ghi» header; the unit tab needs none
    assert fake.count("values.append") == 1  # the two log lines, in one request
    row = _cells(read, "VP")[3]
    assert row[0] == 44985 and row[5] == '=HYPERLINK("x")'  # a serial date; a typed «=» stays text


def test_google_a_dropped_answer_to_the_update_writes_it_once_and_logs_it_once(fake, google) -> None:
    read, editor = google
    fake.inject("drop", op="values.batchUpdate", times=1)  # applied, but the answer never arrives
    outcome = _fix(read, editor, 3, date="28/02/2023")
    assert outcome.result is not None and not outcome.result.duplicate
    assert fake.count("values.batchUpdate") == 1  # the re-read found the change: not sent again
    assert len(_cells(read, "Nhật ký sửa")) == 2


def test_google_a_failed_log_append_is_finished_by_the_retry(fake, google) -> None:
    read, editor = google
    parsed = parse_snapshot(read())
    shown = editor.read_row("VP", 3, ACTIVITY_COLUMNS)  # the page keeps the row it showed, and the request's id
    press = {
        "unit_code": "VP",
        "shown": shown,
        "typed": form_values(shown, parsed.plans) | {"date": "28/02/2023"},
        "at": AT,
        "record_id": "press",
        "log_tab": parsed.corrections_tab,
    }
    fake.inject("status", status=500, op="values.append", times=None)
    with pytest.raises(SourceError):
        correct_activity(editor, VP_USER, parsed.units, **press)
    assert _cells(read, "VP")[3][0] == 44985 and len(_cells(read, "Nhật ký sửa")) == 1  # changed, not yet logged
    fake.clear_faults()
    fake.reset_counts()
    outcome = correct_activity(editor, VP_USER, parsed.units, **press)  # the person presses again
    assert outcome.result is not None and fake.count("values.batchUpdate") == 0  # the change was in place
    assert [v[5:8] for n, v in _cells(read, "Nhật ký sửa").items() if n > 1] == [("Ngày", "31/02/2023", "28/02/2023")]


def test_a_status_typed_in_the_sheet_is_read_as_people_type_it(parse_tabs) -> None:
    header = [*HEADER, "Trạng thái"]
    parsed = parse_tabs(
        {
            "Đơn vị": TABS["Đơn vị"],
            "VP": [
                header,
                ["10/01/2023", "a", "Khác", "Họp", 1, None, "Hủy"],
                ["31/02/2023", "f", "???", "Sai hết", "abc", None, " huy "],  # withdrawn: its errors no longer count
                ["12/01/2023", "b", "Khác", "Tập huấn", 1, None, "Đã thực hiện"],  # not a withdrawal: a warning
                ["13/01/2023", "c", "Khác", "Hội nghị", 1, None, None],
            ],
        }
    )
    assert parsed.withdrawn[["tab", "row", "title"]].values.tolist() == [["VP", 2, "Họp"], ["VP", 3, "Sai hết"]]
    assert sorted(parsed.activities["row"]) == [4, 5]
    vp = parsed.problems[parsed.problems["tab"] == "VP"]
    assert vp[["row", "column", "severity"]].values.tolist() == [[4, "Trạng thái", "warning"]]
    assert "chỉ ghi «Hủy»" in vp["message"].iloc[0]
    assert parsed.rows == len(parsed.activities) + parsed.error_rows == 2


def test_while_the_new_date_does_not_read_the_row_is_checked_by_its_own_years_plan(private_demo, tmp_path) -> None:
    """The demo's 2024 plan drops «m» and adds «n»: a 2023 row with a mistyped date is still told 2023's letters."""
    import shutil

    path = Path(shutil.copy(private_demo, tmp_path / "demo.xlsx"))
    parsed = parse_snapshot(WorkbookSource(path, clock=lambda: READ_AT).read())
    assert parsed.plans.many
    editor = WorkbookWriter(path)
    shown = editor.read_row("VP", 12, ACTIVITY_COLUMNS)  # 02/02/2023, «Nội dung» «f»
    typed = form_values(shown, parsed.plans) | {"date": "31/02/2023"}
    outcome = correct_activity(
        editor, User("vanphong@sldtbxh.example.vn", "unit", "VP", "Văn phòng Sở"), parsed.units, unit_code="VP",
        shown=shown, typed=typed, at=AT, record_id="d", log_tab=parsed.corrections_tab, plans=parsed.plans,
    )  # fmt: skip
    assert outcome.result is None
    (areas,) = [e for e in outcome.check.errors if e.startswith("Nội dung")]
    assert "a, b, c, d, e, g, h, k, l, m" in areas and "năm 2024" not in areas
