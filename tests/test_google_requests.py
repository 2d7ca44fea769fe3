"""Request counts: one refresh costs 1 Sheets request warm and 2 cold, whatever the number of tabs."""

from __future__ import annotations

import pytest

from sheets.google import GoogleSheetSource
from sheets.tab_list import TabList
from tests.fakesheets.fixtures import READ_AT

HEADER = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"]


def spreadsheet_with_units(fake, units: int, rows: int = 3):
    codes = [f"DV{i:02d}" for i in range(units)]
    tabs = {"Đơn vị": [["Mã", "Tên đơn vị"], *([code, f"Đơn vị {code}"] for code in codes)]}
    tabs["Nộp báo cáo"] = [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"]]
    for code in codes:
        tabs[code] = [HEADER, *([f"{d + 1}/3/2023", "a", "Khác", f"Hoạt động {d}", 1] for d in range(rows))]
    return fake.create_spreadsheet(tabs)


@pytest.mark.parametrize("units", [5, 60])
def test_cold_refresh_is_two_requests_and_warm_is_one(fake, gclient, units):
    book = spreadsheet_with_units(fake, units)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)

    cold = source.read()
    assert fake.count() == 2
    assert [r.op for r in fake.requests if r.op != "token"] == ["metadata", "values.batchGet"]
    assert len(cold.tabs) == units + 2

    fake.reset_counts()
    warm = source.read()
    assert fake.count() == 1
    assert fake.count("values.batchGet") == 1
    assert warm.tabs == cold.tabs


def test_batch_get_asks_for_unformatted_values_and_serial_dates(fake, gclient):
    book = spreadsheet_with_units(fake, 2)
    GoogleSheetSource(book.spreadsheet_id, gclient).read()
    (batch,) = [r for r in fake.requests if r.op == "values.batchGet"]
    assert batch.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert batch.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert batch.query["ranges"] == ["'Đơn vị'", "'Nộp báo cáo'", "'DV00'", "'DV01'"]


def test_a_deleted_tab_refreshes_the_tab_list(fake, gclient):
    book = spreadsheet_with_units(fake, 3)
    source = GoogleSheetSource(book.spreadsheet_id, gclient)
    source.read()
    book.sheets.remove(book.sheet("DV02"))
    fake.reset_counts()

    snap = source.read()

    assert "DV02" not in snap.tabs
    assert [r.op for r in fake.requests] == ["values.batchGet", "metadata", "values.batchGet"]
    fake.reset_counts()
    source.read()
    assert fake.count() == 1


def test_a_new_unit_in_the_list_brings_its_new_tab(fake, gclient):
    book = spreadsheet_with_units(fake, 2)
    source = GoogleSheetSource(book.spreadsheet_id, gclient)
    source.read()
    book.batch_update([{"addSheet": {"properties": {"title": "DV09"}}}], None)
    book.update("'DV09'!A1", [HEADER, ["1/3/2023", "b", "Khác", "Mới", 1]], "RAW")
    book.append("'Đơn vị'", [["DV09", "Đơn vị mới"]], "RAW", "INSERT_ROWS")
    fake.reset_counts()

    snap = source.read()

    assert snap.tabs["DV09"][1].values[3] == "Mới"
    assert [r.op for r in fake.requests] == ["values.batchGet", "metadata", "values.batchGet"]
    fake.reset_counts()
    source.read()
    assert fake.count() == 1


def test_a_unit_that_never_gets_a_tab_costs_nothing_after_the_first_look(fake, gclient):
    book = spreadsheet_with_units(fake, 2)
    book.append("'Đơn vị'", [["DV77", "Chưa có trang"]], "RAW", "INSERT_ROWS")
    source = GoogleSheetSource(book.spreadsheet_id, gclient)
    source.read()
    fake.reset_counts()
    source.read()
    assert fake.count() == 1


def test_stale_tab_list_is_refetched_after_max_age(fake, gclient, fake_clock):
    book = spreadsheet_with_units(fake, 2)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, metadata_max_age=60)
    source.read()
    fake_clock.now += 61
    fake.reset_counts()
    source.read()
    assert [r.op for r in fake.requests] == ["metadata", "values.batchGet"]


# ---- after a restart: the tab list kept on disk (`sheets.tab_list`) ------------------------------------------


def test_a_restarted_process_reads_a_known_spreadsheet_in_one_request(fake, gclient, tmp_path):
    book = spreadsheet_with_units(fake, 5)
    first = GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path))
    before = first.read()
    assert fake.count() == 2  # never seen: the tab list, then the values
    assert not any(book.spreadsheet_id in p.name for p in tmp_path.iterdir())  # the file is named by a digest

    fake.reset_counts()
    restarted = GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path))  # a new process
    after = restarted.read()
    assert [r.op for r in fake.requests if r.op != "token"] == ["values.batchGet"]
    assert after.tabs == before.tabs and after.sheet_ids == before.sheet_ids


def test_after_a_restart_a_vanished_tab_or_a_new_units_tab_is_still_found(fake, gclient, tmp_path):
    book = spreadsheet_with_units(fake, 3)
    GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path)).read()
    book.sheets.remove(book.sheet("DV02"))  # while the app was down

    fake.reset_counts()
    snap = GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path)).read()
    assert "DV02" not in snap.tabs
    assert [r.op for r in fake.requests if r.op != "token"] == ["values.batchGet", "metadata", "values.batchGet"]

    book.batch_update([{"addSheet": {"properties": {"title": "DV09"}}}], None)  # again while the app was down
    book.update("'DV09'!A1", [HEADER, ["1/3/2023", "b", "Khác", "Mới", 1]], "RAW")
    book.append("'Đơn vị'", [["DV09", "Đơn vị mới"]], "RAW", "INSERT_ROWS")
    fake.reset_counts()
    snap = GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path)).read()
    assert snap.tabs["DV09"][1].values[3] == "Mới"  # a unit without a known tab: the list was fetched again
    assert [r.op for r in fake.requests if r.op != "token"] == ["values.batchGet", "metadata", "values.batchGet"]


def test_an_unreadable_tab_list_file_is_ignored(fake, gclient, tmp_path):
    book = spreadsheet_with_units(fake, 2)
    GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path)).read()
    for path in tmp_path.glob("*.tabs.json"):
        path.write_text("{not json")
    fake.reset_counts()
    snap = GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path)).read()
    assert fake.count() == 2 and len(snap.tabs) == 4


def test_a_tab_list_kept_longer_than_its_max_age_is_fetched_again(fake, gclient, tmp_path):
    book = spreadsheet_with_units(fake, 2)
    wall = [1_000_000.0]
    GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path, wall=lambda: wall[0])).read()
    book.batch_update([{"addSheet": {"properties": {"title": "Kế hoạch"}}}], None)  # added by hand meanwhile
    wall[0] += 601  # the next run of a command, ten minutes later
    fake.reset_counts()
    snap = GoogleSheetSource(book.spreadsheet_id, gclient, tab_list=TabList(tmp_path, wall=lambda: wall[0])).read()
    assert "Kế hoạch" in snap.tabs and fake.count("metadata") == 1
