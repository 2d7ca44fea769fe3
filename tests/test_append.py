"""Appends: one row per record id whatever happens on the wire; never a rewrite; "=…" stays text.

Google appends go through gspread to the fake over HTTP; .xlsx appends go to a real file.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.actions import AppendResult, append_activity, append_submission, new_record_id
from reporting.errors import SourceNotFound, SourceUnavailable, WriteRefused
from reporting.parse import parse_snapshot
from sheets.append import GoogleSheetWriter, open_writer
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter
from tests.fakesheets.fixtures import READ_AT
from tests.snapshots import ACTIVITY_HEADER, workbook

VN = READ_AT.tzinfo
TABS = {
    "Đơn vị": [["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"], ["VP", "Văn phòng Sở", "", "vp@x.vn", "Có"]],
    "VP": [ACTIVITY_HEADER, ["10/1/2023", "a", "Khác", "Họp đầu năm", 1], ["12/1/2023", "b", 3, "Tin bài", 2]],
    "Nộp báo cáo": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"]],
}
HYPERLINK = '=HYPERLINK("https://soldtbxh.binhdinh.gov.vn/tin-123","Bài viết")'


def activity(writer, record_id: str, **changes) -> AppendResult:
    values = {
        "day": date(2023, 3, 15),
        "areas": "a, b",
        "channel": "Khác",
        "title": "Hội nghị CCHC",
        "quantity": 1,
        "participants": 40,
        "evidence": HYPERLINK,
    }
    values.update(changes)
    return append_activity(writer, "VP", record_id=record_id, **values)


@pytest.fixture
def google(fake, gclient):
    book = fake.create_spreadsheet(TABS)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    return book, source, GoogleSheetWriter(source)


@pytest.fixture
def xlsx(tmp_path: Path):
    path = workbook(tmp_path / "cchc.xlsx", TABS)
    return path, WorkbookSource(path, clock=lambda: READ_AT), WorkbookWriter(path)


def test_google_append_lands_after_the_last_row_with_an_id(fake, google):
    _book, source, writer = google
    fake.reset_counts()

    result = activity(writer, "r-001")

    assert result == AppendResult("VP", 4, "r-001")
    rows = source.read().tabs["VP"]
    assert rows[0].values == (*ACTIVITY_HEADER, "Mã ghi")
    assert rows[1].values == ("10/1/2023", "a", "Khác", "Họp đầu năm", 1)  # untouched
    assert rows[3].values == (45000, "a, b", "Khác", "Hội nghị CCHC", 1, 40, HYPERLINK, "", "r-001")
    (append,) = [r for r in fake.requests if r.op == "values.append"]
    assert append.query["valueInputOption"] == ["RAW"]
    assert append.query["insertDataOption"] == ["INSERT_ROWS"]


def test_google_formula_text_is_stored_as_text(google):
    book, _source, writer = google
    activity(writer, "r-002")
    cell = book.sheet("VP").get(3, 6)
    assert cell.value == HYPERLINK and cell.formula is None


def test_google_retry_after_a_dropped_response_writes_one_row(fake, google, fake_clock):
    _book, source, writer = google
    fake.inject("drop", op="values.append", times=1)  # applied, but the answer never arrives

    result = activity(writer, "r-003")

    assert result.row == 4 and not result.duplicate
    ids = [r.values[8] for r in source.read().tabs["VP"][1:] if len(r.values) > 8]
    assert ids == ["r-003"]
    assert fake.count("values.append") == 1


def test_google_retry_after_a_5xx_that_did_not_apply_writes_once(fake, google):
    _book, source, writer = google
    fake.inject("status", status=503, op="values.append", times=1)

    activity(writer, "r-004")

    ids = [r.values[8] for r in source.read().tabs["VP"][1:] if len(r.values) > 8]
    assert ids == ["r-004"]
    assert fake.count("values.append") == 2


def test_google_append_that_keeps_failing_says_so(fake, google):
    fake.inject("status", status=500, op="values.append", times=None)
    with pytest.raises(SourceUnavailable, match="mã 500"):
        activity(google[2], "r-005")


def test_google_quota_on_append_is_retried_by_the_client(fake, google, fake_clock):
    _book, _source, writer = google
    fake.inject("status", status=429, retry_after="3", op="values.append", times=1)
    activity(writer, "r-006")
    assert fake_clock.sleeps == [3.0]
    assert fake.count("values.append") == 2


def test_google_submission_is_parsed_back(google):
    _book, source, writer = google
    result = append_submission(
        writer,
        unit_code="VP",
        year=2023,
        quarter=1,
        record_id="s-1",
        submitted_at=datetime(2023, 3, 14, 17, 30, tzinfo=VN),
        submitted_by="vp@x.vn",
    )
    assert result.row == 2
    parsed = parse_snapshot(source.read())
    assert parsed.problems.empty, parsed.problems.to_dict("records")
    (row,) = parsed.submissions.to_dict("records")
    assert row["unit_code"] == "VP" and row["year"] == 2023 and row["quarter"] == 1
    assert row["record_id"] == "s-1"


@pytest.mark.parametrize("backend", ["google", "xlsx"])
def test_double_click_writes_one_row(request, backend):
    _store, source, writer = request.getfixturevalue(backend)
    first = activity(writer, "r-010")
    second = activity(writer, "r-010")
    assert second == AppendResult("VP", first.row, "r-010", duplicate=True)
    assert len(source.read().tabs["VP"]) == 4


@pytest.mark.parametrize("backend", ["google", "xlsx"])
def test_parallel_appends_from_one_process_keep_every_row_once(request, backend):
    _store, source, _writer = request.getfixturevalue(backend)
    ids = [f"p-{i}" for i in range(6)] * 2  # every record submitted twice, concurrently
    # A writer per click, as a page rerun would make: the lock must not live in the writer object.
    threads = [threading.Thread(target=activity, args=(open_writer(source), rid)) for rid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = source.read().tabs["VP"]
    written = sorted(r.values[8] for r in rows[3:])
    assert written == sorted(set(ids))


@pytest.mark.parametrize("backend", ["google", "xlsx"])
def test_same_rows_from_both_backends(request, backend):
    _store, source, writer = request.getfixturevalue(backend)
    activity(writer, "r-020", evidence="https://x.vn/1")
    append_submission(
        writer,
        unit_code="VP",
        year=2023,
        quarter=2,
        record_id="s-2",
        submitted_at=datetime(2023, 6, 14, 8, 0),
        submitted_by="Nguyễn Văn A",
    )
    parsed = parse_snapshot(source.read())
    assert parsed.problems.empty, parsed.problems.to_dict("records")
    new = parsed.activities[parsed.activities["record_id"] == "r-020"].to_dict("records")
    assert len(new) == 1
    assert new[0]["date"] == date(2023, 3, 15) or str(new[0]["date"])[:10] == "2023-03-15"
    assert new[0]["channel"] == "other" and new[0]["participants"] == 40
    assert parsed.submissions["record_id"].tolist() == ["s-2"]


def test_xlsx_append_keeps_formula_text_as_text_and_existing_rows(xlsx):
    path, source, writer = xlsx
    before = source.read().tabs["VP"]

    result = activity(writer, "r-030")

    assert result.row == 4
    after = source.read().tabs["VP"]
    assert after[1:3] == before[1:3]
    sheet = load_workbook(path)["VP"]
    assert sheet.cell(4, 7).data_type == "s" and sheet.cell(4, 7).value == HYPERLINK
    assert sheet.cell(4, 1).value == datetime(2023, 3, 15)
    assert sheet.cell(4, 1).number_format == "DD/MM/YYYY"
    assert sheet.cell(1, 9).value == "Mã ghi"
    assert sorted(p.name for p in path.parent.iterdir()) == ["cchc.xlsx", "cchc.xlsx.lock"]  # no temporary file


def test_header_below_a_title_row_is_found(fake, gclient):
    tabs = {"VP": [["Nhật ký truyền thông CCHC — Văn phòng"], [*ACTIVITY_HEADER, "Mã ghi"], ["1/2/2023", "c", 1, "x"]]}
    book = fake.create_spreadsheet(tabs)
    writer = GoogleSheetWriter(GoogleSheetSource(book.spreadsheet_id, gclient))
    assert activity(writer, "r-040").row == 4
    assert book.sheet("VP").get(3, 8).value == "r-040"


def test_missing_tab_is_not_found(google, xlsx):
    for writer in (google[2], xlsx[2]):
        with pytest.raises(SourceNotFound):
            append_activity(
                writer, "KHONG-CO", day=date(2023, 1, 1), areas="a", channel="Khác", title="x", record_id="r"
            )


def test_invalid_records_are_refused_before_writing(google):
    with pytest.raises(WriteRefused):
        append_submission(
            google[2],
            unit_code="VP",
            year=2023,
            quarter=5,
            record_id="s",
            submitted_at=datetime(2023, 1, 1),
            submitted_by="x",
        )
    with pytest.raises(WriteRefused):
        activity(google[2], "r", areas=" ")


def test_record_ids_are_unique():
    assert len({new_record_id() for _ in range(1000)}) == 1000


def test_google_append_applied_after_its_timeout_is_found_by_the_check_window(fake, google, fake_clock):
    _book, source, writer = google
    # Google takes the append in, the client hears nothing, and Google applies it a little later: while
    # the writer is still checking (its second read). One check and a re-send would write it twice.
    fake.inject("late", op="values.append", after=2)

    result = activity(writer, "r-007")

    ids = [r.values[8] for r in source.read().tabs["VP"][1:] if len(r.values) > 8]
    assert ids == ["r-007"] and result.row == 4
    assert fake.count("values.append") == 1
    assert sum(fake_clock.sleeps) <= writer.settle  # the window, in the policy's (fake) time


def test_google_append_not_applied_within_the_window_is_sent_again_once(fake, google, fake_clock):
    _book, source, writer = google
    fake.inject("late", op="values.append", after=50)  # never applied while anyone looks

    activity(writer, "r-008")

    ids = [r.values[8] for r in source.read().tabs["VP"][1:] if len(r.values) > 8]
    assert ids == ["r-008"]
    assert fake.count("values.append") == 2
    assert writer.settle <= sum(fake_clock.sleeps) <= writer.settle + 1
