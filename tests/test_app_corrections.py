"""Corrections from the unit page (issue 12, item 4), in the app (AppTest) on a copy of the demo workbook: the
unit fixes an error row and it leaves its list of rows to fix at once; withdraws and restores an activity;
is told, with nothing written, when the row changed in the sheet after it was opened; other roles and other
units get no form."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from components import corrections_form as fix
from tests.app_fixtures import assert_clean, shown, table, texts
from tests.test_app_roles import CSCN, OFFICE, read_book, signed_in_app, unit_page

VP = "vanphong@sldtbxh.example.vn"  # the demo's Văn phòng Sở


@pytest.fixture
def workbook(tmp_path: Path, first_year_demo: Path) -> Path:
    return Path(shutil.copy(first_year_demo, tmp_path / "cchc.xlsx"))


@pytest.fixture
def app(app_env: None, workbook: Path) -> Callable[..., AppTest]:
    return partial(signed_in_app, workbook)


def _log_lines(path) -> list[tuple]:
    sheet = load_workbook(path)["Nhật ký sửa"]
    return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _open(at, tab: str, row: int):
    at.selectbox(key=fix.PICK_KEY).set_value((tab, row))
    return at.run()


def test_a_unit_fixes_its_error_row_and_it_counts_at_once(app, workbook) -> None:
    at = unit_page(app(VP).run(), 2023, 1)
    options = at.selectbox(key=fix.PICK_KEY).options
    assert options[:4] == [
        "⚠ VP · dòng 5 · lỗi ở «Ngày»",
        "⚠ VP · dòng 12 · lỗi ở «Nội dung»",
        "⚠ VP · dòng 19 · lỗi ở «Hình thức»",
        "VP · dòng 2 · 15/12 · Tập huấn kỹ năng giải quyết…",
    ]  # the error rows first (where it is wrong), then the activities of the quarter shown; short, for a phone
    assert max(len(o) for o in options) <= 60
    at = _open(at, "VP", 12)
    assert_clean(at)
    assert "Ô «Nội dung» đang ghi «f»: chọn lại theo Kế hoạch." in texts(at)
    (warning,) = [shown(w.value) for w in at.warning if w.value.startswith("Dòng này đang có lỗi")]
    assert "Nội dung: không có nội dung «f» trong kế hoạch" in warning
    assert at.text_input(key=fix.FIELD_KEYS["title"]).value.startswith("Lồng ghép nội dung CCHC")
    at.multiselect(key=fix.FIELD_KEYS["areas"]).set_value(["g"])
    at.button(key=fix.SAVE_KEY).click()
    at = at.run()
    assert_clean(at)
    assert "Đã sửa trang «VP», dòng 12 (ghi vào «Nhật ký sửa»): Nội dung: «f» → «g»." in texts(at)
    parsed = read_book(workbook)
    assert parsed.problems[(parsed.problems["tab"] == "VP") & (parsed.problems["row"] == 12)].empty
    assert 12 in set(parsed.activities[parsed.activities["tab"] == "VP"]["row"])
    problems = table(at, "Trang", "Dòng", "Ô")
    rows = set(problems.loc[problems["Trang"] == "VP", "Dòng"])
    assert "12" not in rows and {"5", "19"} <= rows  # it left the rows to fix at once; the others stay
    ((when, who, unit, tab, row, column, old, new, action, _note, rid),) = _log_lines(workbook)
    assert (who, unit, tab, row, column, old, new, action) == (VP, "VP", "VP", 12, "Nội dung", "f", "g", "Sửa")
    assert rid and when is not None
    assert at.selectbox(key=fix.PICK_KEY).value is None  # the picker starts again, its labels from the new read


def test_a_unit_withdraws_an_activity_and_restores_it(app, workbook) -> None:
    at = _open(unit_page(app(VP).run(), 2023, 1), "VP", 6)
    at.text_input(key=fix.WITHDRAW_REASON_KEY).input("Nhập trùng")
    at.checkbox(key=fix.WITHDRAW_SURE_KEY).check()
    at = at.run()
    at.button(key=fix.WITHDRAW_KEY).click()
    at = at.run()
    assert_clean(at)
    assert "Đã hủy hoạt động ở trang «VP», dòng 6; dòng vẫn còn trong bảng tính." in texts(at)
    parsed = read_book(workbook)
    assert parsed.withdrawn[["tab", "row"]].values.tolist() == [["VP", 6]]
    assert 6 not in set(parsed.activities[parsed.activities["tab"] == "VP"]["row"])
    office = app(OFFICE).run()
    office.switch_page("content/quality.py").run()
    assert "Ngoài ra 1 dòng đã được đơn vị hủy (ô «Trạng thái» ghi «Hủy»)" in texts(office)  # never silently gone
    at.selectbox(key=fix.RESTORE_PICK_KEY).set_value(("VP", 6))
    at = at.run()
    at.button(key=fix.RESTORE_KEY).click()
    at = at.run()
    assert_clean(at)
    assert "Đã khôi phục hoạt động ở trang «VP», dòng 6." in texts(at)
    assert read_book(workbook).withdrawn.empty
    assert [line[8] for line in _log_lines(workbook)] == ["Hủy", "Khôi phục"]


def test_a_row_changed_in_the_sheet_after_it_was_opened_is_not_overwritten(app, workbook) -> None:
    at = _open(unit_page(app(VP).run(), 2023, 1), "VP", 7)
    book = load_workbook(workbook)
    book["VP"]["D7"] = "Sửa trực tiếp trong bảng tính"  # a colleague, in the sheet, meanwhile
    book.save(workbook)
    at.text_input(key=fix.FIELD_KEYS["quantity"]).input("9")
    at.button(key=fix.SAVE_KEY).click()
    at = at.run()
    assert_clean(at)
    (error,) = [e.value for e in at.error]
    assert "Dòng 7 của trang «VP» đã được thay đổi" in error and "Sửa trực tiếp trong bảng tính" in error
    assert load_workbook(workbook)["VP"]["D7"].value == "Sửa trực tiếp trong bảng tính"
    assert _log_lines(workbook) == []
    # The form shows the row as it is now, with what the person typed kept on top of it.
    assert at.text_input(key=fix.FIELD_KEYS["title"]).value == "Sửa trực tiếp trong bảng tính"
    assert at.text_input(key=fix.FIELD_KEYS["quantity"]).value == "9"
    at.button(key=fix.SAVE_KEY).click()  # pressed again, knowing
    at = at.run()
    assert_clean(at)
    row = [c.value for c in load_workbook(workbook)["VP"][7]]
    assert row[3] == "Sửa trực tiếp trong bảng tính" and row[4] == 9  # both edits stand
    assert [(line[5], line[7]) for line in _log_lines(workbook)] == [("Số lượng", "9")]


def test_the_office_gets_no_correction_form_and_another_unit_only_its_own_rows(app, workbook) -> None:
    before = workbook.read_bytes()
    at = unit_page(app(OFFICE).run(), 2023, 1)
    at = at.selectbox(key="unit_pick").set_value("VP").run()  # the office picks the unit
    assert_clean(at)
    assert "Văn phòng Sở" in texts(at) and fix.PICK_KEY not in [s.key for s in at.selectbox]
    at = unit_page(app(CSCN).run(), 2023, 1)
    assert_clean(at)
    options = at.selectbox(key=fix.PICK_KEY).options
    assert options and all(o.removeprefix("⚠ ").startswith("CSCN · dòng ") for o in options)
    assert workbook.read_bytes() == before


def test_a_forged_pick_of_another_units_row_opens_nothing_and_writes_nothing(app, workbook) -> None:
    before = workbook.read_bytes()
    at = app(CSCN)
    at.session_state[fix.PICK_KEY] = ("VP", 12)  # forged through session state
    at = unit_page(at.run(), 2023, 1)
    assert_clean(at)
    assert fix.SAVE_KEY not in [b.key for b in at.button]  # no VP row opened
    assert workbook.read_bytes() == before
