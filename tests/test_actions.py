"""The write path of the unit page: only a unit's own user writes for it, one row per request, and the
activity form's check is the parser's. Run against a real .xlsx file and the loopback fake Sheets API."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from reporting.access import User
from reporting.actions import add_activity, confirm_report, own_tab
from reporting.errors import WriteRefused
from reporting.forms import check_activity
from reporting.parse import parse_snapshot
from sheets.append import GoogleSheetWriter
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter
from tests.fakesheets.fixtures import READ_AT
from tests.snapshots import workbook

VN = READ_AT.tzinfo
ACTIVITY_HEADER = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng"]
TABS = {
    "Đơn vị": [
        ["Mã", "Tên đơn vị", "Email"],
        ["VP", "Văn phòng Sở", "vp@x.vn"],
        ["TTR", "Thanh tra Sở", "ttr@x.vn"],
        ["KHTC", "Phòng Kế hoạch – Tài chính", "khtc@x.vn"],
    ],
    "VP": [ACTIVITY_HEADER, ["10/1/2023", "a", "Khác", "Họp đầu năm", 1]],
    "Thanh tra Sở": [ACTIVITY_HEADER],  # a tab titled with the unit's name
    "Nộp báo cáo": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"]],
}
VP_USER = User("vp@x.vn", "unit", "VP", "Văn phòng Sở")
AT = datetime(2023, 3, 10, 16, 45, 12, 345678, tzinfo=VN)
FIELDS = {
    "date": date(2023, 3, 8),
    "areas": ["b", "a"],
    "channel": "Tin bài trên trang thông tin điện tử",
    "title": "Tin về một cửa liên thông",
    "quantity": "",
    "participants": "1.200",
    "evidence": "https://soldtbxh.binhdinh.gov.vn/tin-1",
    "note": "",
}


@pytest.fixture
def google(fake, gclient):
    book = fake.create_spreadsheet(TABS)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    return source, GoogleSheetWriter(source)


@pytest.fixture
def xlsx(tmp_path: Path):
    path = workbook(tmp_path / "cchc.xlsx", TABS)
    return WorkbookSource(path, clock=lambda: READ_AT), WorkbookWriter(path)


BACKENDS = ["google", "xlsx"]


def _problems(parsed, tab: str) -> list[str]:
    return list(parsed.problems.loc[parsed.problems["tab"] == tab, "message"])


def _tabs(source) -> dict[str, list[tuple]]:
    return {title: [r.values for r in rows] for title, rows in source.read().tabs.items()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_confirm_writes_one_row_with_the_server_time_and_the_email(request, backend):
    source, writer = request.getfixturevalue(backend)
    units = parse_snapshot(source.read()).units

    result = confirm_report(writer, VP_USER, units, unit_code="VP", year=2023, quarter=1, at=AT, record_id="c-1")

    assert (result.tab, result.row, result.duplicate) == ("Nộp báo cáo", 2, False)
    parsed = parse_snapshot(source.read())
    assert _problems(parsed, "Nộp báo cáo") == []
    (row,) = parsed.submissions.to_dict("records")
    assert (row["unit_code"], row["year"], row["quarter"], row["submitter"], row["record_id"]) == (
        "VP",
        2023,
        1,
        "vp@x.vn",
        "c-1",
    )
    assert row["submitted_at"] == datetime(2023, 3, 10, 16, 45, 12, tzinfo=VN)  # to the second, Vietnam time


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_same_request_twice_writes_one_row(request, backend):
    source, writer = request.getfixturevalue(backend)
    units = parse_snapshot(source.read()).units
    confirm_report(writer, VP_USER, units, unit_code="VP", year=2023, quarter=1, at=AT, record_id="c-2")
    again = confirm_report(writer, VP_USER, units, unit_code="VP", year=2023, quarter=1, at=AT, record_id="c-2")
    first = add_activity(writer, VP_USER, units, unit_code="VP", fields=FIELDS, record_id="a-2")
    second = add_activity(writer, VP_USER, units, unit_code="VP", fields=FIELDS, record_id="a-2")

    assert again.duplicate and second.result.duplicate and second.result.row == first.result.row
    tabs = _tabs(source)
    assert len(tabs["Nộp báo cáo"]) == 2 and len(tabs["VP"]) == 3


FORGED = [
    pytest.param(VP_USER, "TTR", id="a unit for another unit"),
    pytest.param(User("vp@x.vn", "unit", "TTR", "Thanh tra Sở"), "VP", id="a unit claiming another's code"),
    pytest.param(User("office@x.vn", "office"), "VP", id="the office"),
    pytest.param(User("gd@x.vn", "leadership"), "VP", id="leadership"),
    pytest.param(User(None, "unknown"), "VP", id="unknown"),
    pytest.param(User("demo-vp@demo.local", "unit", None), "VP", id="a unit user without a unit"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("user", "unit"), FORGED)
def test_no_one_writes_for_another_unit_and_nothing_is_written(request, backend, user, unit):
    source, writer = request.getfixturevalue(backend)
    units = parse_snapshot(source.read()).units
    before = _tabs(source)

    with pytest.raises(PermissionError, match="không có quyền ghi dữ liệu"):
        confirm_report(writer, user, units, unit_code=unit, year=2023, quarter=1, at=AT, record_id="f-1")
    with pytest.raises(PermissionError, match="không có quyền ghi dữ liệu"):
        add_activity(writer, user, units, unit_code=unit, fields=FIELDS, record_id="f-2")

    assert _tabs(source) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_activity_lands_in_the_units_own_tab_as_the_sheet_would_have_it(request, backend):
    source, writer = request.getfixturevalue(backend)
    units = parse_snapshot(source.read()).units
    ttr = User("ttr@x.vn", "unit", "TTR", "Thanh tra Sở")

    outcome = add_activity(writer, ttr, units, unit_code="TTR", fields=FIELDS, record_id="a-1")

    assert (outcome.result.tab, outcome.result.row, outcome.check.errors) == ("Thanh tra Sở", 2, [])
    parsed = parse_snapshot(source.read())
    assert _problems(parsed, "Thanh tra Sở") == []
    (row,) = parsed.activities[parsed.activities["unit_code"] == "TTR"].to_dict("records")
    assert row["date"].date() == date(2023, 3, 8) and row["areas"] == ("a", "b") and row["channel"] == "web_news"
    assert (row["quantity"], row["participants"], row["record_id"]) == (1, 1200, "a-1")
    raw = _tabs(source)["Thanh tra Sở"][1]
    assert raw[1:4] == ("a, b", "Tin bài trên trang thông tin điện tử", "Tin về một cửa liên thông")
    assert raw[4] in ("", None)  # a blank quantity stays blank, as a person leaves it


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_activity_with_errors_is_refused_with_the_parsers_messages(request, backend):
    source, writer = request.getfixturevalue(backend)
    units = parse_snapshot(source.read()).units
    bad = {**FIELDS, "areas": [], "channel": "Báo giấy", "quantity": "abc", "participants": "-5"}
    before = _tabs(source)

    outcome = add_activity(writer, VP_USER, units, unit_code="VP", fields=bad, record_id="a-3")

    assert outcome.result is None
    assert outcome.check.errors == check_activity(bad).errors
    assert [e.split(":")[0] for e in outcome.check.errors] == ["Nội dung", "Hình thức", "Số lượng", "Số người tham gia"]
    assert _tabs(source) == before


def test_a_unit_without_a_tab_is_told_so_before_any_write(xlsx):
    source, writer = xlsx
    units = parse_snapshot(source.read()).units
    khtc = User("khtc@x.vn", "unit", "KHTC", "Phòng Kế hoạch – Tài chính")
    with pytest.raises(WriteRefused, match="chưa có trang riêng"):
        add_activity(writer, khtc, units, unit_code="KHTC", fields=FIELDS, record_id="a-4")
    assert own_tab(units, "VP") == "VP"


def test_the_submission_time_must_be_the_servers_aware_clock(xlsx):
    source, writer = xlsx
    units = parse_snapshot(source.read()).units
    with pytest.raises(ValueError, match="timezone-aware"):
        confirm_report(
            writer, VP_USER, units, unit_code="VP", year=2023, quarter=1, at=AT.replace(tzinfo=None), record_id="c-9"
        )


def test_a_missing_required_field_is_named_without_a_value():
    errors = check_activity({"date": date(2023, 3, 8), "areas": [], "channel": ""}).errors
    assert errors == [
        "Nội dung: ô «Nội dung» đang trống; cột này là bắt buộc",
        "Hình thức: ô «Hình thức» đang trống; cột này là bắt buộc",
    ]
