"""Review and return (issue 12, item 3): the office marks a submitted quarterly report «Đã duyệt» or «Trả lại»
in an append-only `Duyệt báo cáo` tab; a returned report counts as «Cần bổ sung» until the unit confirms
again, the first submission still decides on time; only the office reviews, enforced where it writes. On
.xlsx and on the fake Sheets server."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from reporting.access import User
from reporting.actions import review_report
from reporting.errors import WriteRefused
from reporting.followup import describe, followup
from reporting.metrics import summarize_quarter
from reporting.parse import parse_snapshot
from sheets.append import GoogleSheetWriter
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter
from tests.fakesheets.fixtures import READ_AT
from tests.snapshots import snapshot, workbook

VN = READ_AT.tzinfo
REVIEW_HEADER = ["Thời điểm", "Người duyệt", "Mã đơn vị", "Năm", "Quý", "Quyết định", "Nhận xét", "Mã ghi"]
TABS = {
    "Đơn vị": [["Mã", "Tên đơn vị", "Email"], ["VP", "Văn phòng Sở", "vp@x.vn"], ["TTR", "Thanh tra Sở", "ttr@x.vn"]],
    "VP": [["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"], ["10/1/2023", "a", "Khác", "Họp"]],
    "TTR": [["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"]],
    "Nộp báo cáo": [
        ["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"],
        ["VP", 2023, 1, "10/03/2023 09:00", "vp@x.vn", None],  # on time (deadline 14/03)
        ["TTR", 2023, 1, "20/03/2023 09:00", "ttr@x.vn", None],  # late by 6 days
    ],
    "Duyệt báo cáo": [REVIEW_HEADER],
}
OFFICE = User("vp.office@x.vn", "office")
AT = datetime(2023, 3, 22, 10, 0, tzinfo=VN)
LATER = datetime(2023, 4, 1, 9, 0, tzinfo=VN)


def _with(reviews: list[list[object]], submissions: list[list[object]] = ()) -> dict:
    tabs = {**TABS, "Duyệt báo cáo": [REVIEW_HEADER, *reviews]}
    tabs["Nộp báo cáo"] = [*TABS["Nộp báo cáo"], *submissions]
    return tabs


def test_a_returned_report_counts_as_needing_additions_until_the_unit_confirms_again() -> None:
    returned = ["22/03/2023 10:00", "vp.office@x.vn", "VP", 2023, "I", "Trả lại", "Thiếu minh chứng"]
    parsed = parse_snapshot(snapshot(_with([returned])))
    assert parsed.problems.empty, parsed.problems["message"].tolist()
    s = summarize_quarter(parsed, 2023, 1, LATER)
    vp = s.reports.set_index("unit_code").loc["VP"]
    assert (vp["status"], vp["status_label"], vp["review"], vp["review_comment"]) == (
        "returned",
        "Cần bổ sung",
        "returned",
        "Thiếu minh chứng",
    )
    assert (s.totals["reports_expected"], s.totals["reports_submitted"], s.totals["reports_on_time"]) == (2, 1, 0)
    chased = followup(parsed, LATER).query("reason == 'returned'").to_dict("records")
    assert [r["unit_code"] for r in chased] == ["VP"]
    assert describe(chased[0]) == "Quý I/2023: Văn phòng Sở trả lại, cần bổ sung: «Thiếu minh chứng»"

    again = ["VP", 2023, 1, "25/03/2023 08:00", "vp@x.vn", "Nộp cập nhật"]  # after the return, past the deadline
    parsed = parse_snapshot(snapshot(_with([returned], [again])))
    vp = summarize_quarter(parsed, 2023, 1, LATER).reports.set_index("unit_code").loc["VP"]
    # The first submission (10/03, on time) still decides; the report awaits review again.
    assert (vp["status"], vp["review"], vp["review_label"]) == ("on_time", "resubmitted", "Đã bổ sung, chờ duyệt")
    assert followup(parsed, LATER).query("reason == 'returned'").empty


def test_the_latest_decision_made_by_now_counts() -> None:
    rows = [
        ["22/03/2023 10:00", "", "TTR", 2023, 1, "Trả lại", "Sai số liệu"],
        ["23/03/2023 10:00", "", "TTR", 2023, 1, "Đã duyệt", ""],
        ["05/04/2023 10:00", "", "VP", 2023, 1, "tra lai", "Sau thời điểm xem"],  # after LATER: not yet
    ]
    reports = summarize_quarter(parse_snapshot(snapshot(_with(rows))), 2023, 1, LATER).reports.set_index("unit_code")
    assert (reports.at["TTR", "status"], reports.at["TTR", "review"]) == ("late", "approved")
    assert reports.at["VP", "status"] == "on_time" and pd.isna(reports.at["VP", "review"])
    assert reports.at["VP", "review_label"] == "Chưa duyệt"


def test_bad_review_rows_are_errors_with_tab_row_and_column() -> None:
    rows = [
        ["22/03/2023 10:00", "", "XYZ", 2023, 1, "Đã duyệt", ""],
        ["32/03/2023", "", "VP", 2023, 1, "Đã duyệt", ""],
        ["22/03/2023 10:00", "", "VP", 2023, 5, "Đã duyệt", ""],
        ["22/03/2023 10:00", "", "VP", 2023, 1, "Chưa biết", ""],
    ]
    parsed = parse_snapshot(snapshot(_with(rows)))
    mine = parsed.problems[parsed.problems["tab"] == "Duyệt báo cáo"]
    assert sorted(zip(mine["row"], mine["column"], strict=True)) == [
        (2, "Mã đơn vị"),
        (3, "Thời điểm"),
        (4, "Quý"),
        (5, "Quyết định"),
    ]
    assert set(mine["severity"]) == {"error"} and parsed.reviews.empty
    assert "ghi «Đã duyệt» hoặc «Trả lại»" in mine[mine["row"] == 5]["message"].iloc[0]


@pytest.fixture(params=["xlsx", "google"])
def backend(request, tmp_path: Path, fake, gclient):
    """(read, writer) over the same tabs on an .xlsx file or on the fake Sheets server."""
    if request.param == "xlsx":
        path = workbook(tmp_path / "cchc.xlsx", TABS)
        source = WorkbookSource(path, clock=lambda: READ_AT)
        return source.read, WorkbookWriter(path)
    book = fake.create_spreadsheet(TABS)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    return source.read, GoogleSheetWriter(source)


def _review(parsed, writer, user, **changes):
    fields = {"unit_code": "VP", "year": 2023, "quarter": 1, "decision": "returned", "comment": "Thiếu minh chứng"}
    fields |= changes
    return review_report(
        writer,
        user,
        parsed.units,
        parsed.submissions,
        at=AT,
        record_id=changes.get("rid", "r1"),
        **{k: v for k, v in fields.items() if k != "rid"},
    )


def test_the_office_writes_one_row_once_and_the_report_is_returned(backend) -> None:
    read, writer = backend
    parsed = parse_snapshot(read())
    first = _review(parsed, writer, OFFICE)
    again = _review(parsed, writer, OFFICE)  # a double click, or a retry: the same record id
    assert again.duplicate and not first.duplicate
    after = parse_snapshot(read())
    assert after.problems.empty, after.problems["message"].tolist()
    (row,) = after.reviews.to_dict("records")
    assert (row["unit_code"], row["decision"], row["comment"], row["reviewer"]) == (
        "VP",
        "returned",
        "Thiếu minh chứng",
        "vp.office@x.vn",
    )
    assert row["reviewed_at"] == AT.replace(microsecond=0)
    assert summarize_quarter(after, 2023, 1, LATER).reports.set_index("unit_code").at["VP", "status"] == "returned"


@pytest.mark.parametrize(
    "user",
    [
        User("vp@x.vn", "unit", "VP", "Văn phòng Sở"),
        User("gd@x.vn", "leadership"),
        User(None, "viewer"),
    ],
    ids=["the unit itself", "leadership", "a viewer"],
)
def test_anyone_but_the_office_is_refused_with_nothing_written(backend, user) -> None:
    read, writer = backend
    parsed = parse_snapshot(read())
    with pytest.raises(PermissionError, match="chỉ Văn phòng Sở duyệt"):
        _review(parsed, writer, user)
    assert parse_snapshot(read()).reviews.empty


def test_a_return_needs_a_comment_and_a_report_must_have_been_submitted(backend) -> None:
    read, writer = backend
    parsed = parse_snapshot(read())
    with pytest.raises(WriteRefused, match="hãy ghi nhận xét"):
        _review(parsed, writer, OFFICE, comment="   ")
    with pytest.raises(WriteRefused, match="chưa nộp báo cáo quý 2/2023"):
        _review(parsed, writer, OFFICE, quarter=2, decision="approved", comment="")
    with pytest.raises(WriteRefused, match="Không có đơn vị mã «ABC»"):
        _review(parsed, writer, OFFICE, unit_code="ABC")
    assert parse_snapshot(read()).reviews.empty
    assert _review(parsed, writer, OFFICE, decision="approved", comment="", rid="r2").row is not None
