"""AppTest of live data: the TTL cache and "Làm mới", the stale fallback when the source fails, errors in
words instead of tracebacks, settings, the clock and the default quarter of a configured source."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import loader
from components.notices import STALE_TITLE
from reporting import fmt
from reporting.errors import SourceUnavailable
from reporting.metrics import summarize_quarter
from reporting.parse import parse_snapshot
from sheets.workbook import WorkbookSource
from tests.app_fixtures import NOW, assert_clean, cards, metrics, shown, table, texts


@pytest.fixture
def workbook(tmp_path: Path, first_year_demo: Path) -> Path:
    """A copy of the demo's 2023 configured as the app's source (these tests run early in 2024)."""
    path = tmp_path / "so-theo-doi.xlsx"
    shutil.copy(first_year_demo, path)
    return path


def _on_q4_2023(at):
    """A configured source opens on the current quarter (2024 Q1 at NOW, empty): look at 2023 Q4 instead."""
    at.selectbox(key="sidebar_year").set_value(2023)
    at.selectbox(key="sidebar_quarter").set_value(4)
    return at.run()


def _stale(at) -> list[str]:
    return [w.value for w in at.warning if STALE_TITLE in w.value]


def _add_activity(path: Path, unit_tab: str = "VP") -> None:
    book = load_workbook(path)
    book[unit_tab].append([date(2023, 11, 20), "a", "Khác", "Hoạt động thêm", 1, None, None, None])
    book.save(path)


def test_a_configured_source_opens_on_the_current_nd09_quarter(make_app, workbook, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_NOW", "2023-08-01T10:00")
    at = make_app(source=str(workbook))
    assert_clean(at)
    assert (at.selectbox(key="sidebar_year").value, at.selectbox(key="sidebar_quarter").value) == (2023, 3)
    assert "Nguồn: so-theo-doi.xlsx" in "\n".join(shown(c.value) for c in at.sidebar.caption)


def test_after_the_cutoff_the_default_is_next_years_first_quarter(make_app, workbook, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_NOW", "2023-12-20T10:00")
    at = make_app(source=str(workbook))
    assert (at.selectbox(key="sidebar_year").value, at.selectbox(key="sidebar_quarter").value) == (2024, 1)
    assert at.selectbox(key="sidebar_year").options == ["2023", "2024"]
    assert "Chưa có hoạt động nào được ghi cho quý I năm 2024" in texts(at)


def test_the_cache_holds_until_refresh(make_app, workbook) -> None:
    at = _on_q4_2023(make_app(source=str(workbook)))
    before = metrics(at)["Hoạt động"]
    _add_activity(workbook)
    at.run()  # within the TTL: the cached read
    assert metrics(at)["Hoạt động"] == before
    at.button(key="sidebar_refresh").click().run()
    assert_clean(at)
    assert metrics(at)["Hoạt động"] == fmt.number(int(before) + 1)


def test_without_cache_every_run_reads_the_source(make_app, workbook, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_CACHE_TTL_SECONDS", "0")
    at = _on_q4_2023(make_app(source=str(workbook)))
    before = metrics(at)["Hoạt động"]
    _add_activity(workbook)
    at.run()
    assert metrics(at)["Hoạt động"] == fmt.number(int(before) + 1)


def test_a_failing_source_shows_the_last_good_data_with_a_warning(make_app, workbook, monkeypatch) -> None:
    at = _on_q4_2023(make_app(source=str(workbook)))
    good = metrics(at)
    assert not _stale(at)
    workbook.unlink()
    monkeypatch.setenv("CCHC_NOW", "2024-01-10T10:30")
    at.button(key="sidebar_refresh").click().run()
    assert_clean(at)
    (warning,) = _stale(at)
    assert "lúc 10:30:00 10/01/2024" in warning  # when the refresh failed
    assert "Không tìm thấy tệp" in warning  # why, in the source's own words
    assert "gần nhất, lúc 09:00:00 10/01/2024" in warning  # since when the data is
    assert metrics(at) == good  # the last good figures are still there
    for page in ("content/unit.py", "content/quality.py", "content/guide.py"):
        at.switch_page(page).run()
        assert_clean(at)
        assert len(_stale(at)) == 1


def test_the_warning_goes_once_the_source_is_back(make_app, workbook, tmp_path) -> None:
    at = make_app(source=str(workbook))
    saved = tmp_path / "saved.xlsx"
    shutil.move(workbook, saved)
    at.button(key="sidebar_refresh").click().run()
    assert len(_stale(at)) == 1
    shutil.move(saved, workbook)
    at.button(key="sidebar_refresh").click().run()
    assert not _stale(at)


def test_a_source_that_never_worked_explains_itself(make_app, tmp_path) -> None:
    at = make_app(source=str(tmp_path / "khong-co.xlsx"))
    assert_clean(at)
    message = at.error[0].value
    assert STALE_TITLE in message and "Không tìm thấy tệp" in message
    assert "Chưa có bản dữ liệu nào" in message
    assert not cards(at)
    assert "Làm mới" not in message  # the page has no sidebar: it offers its own button


def test_the_page_that_has_no_data_offers_a_retry_that_works(make_app, tmp_path, private_demo) -> None:
    missing = tmp_path / "se-co.xlsx"
    at = make_app(source=str(missing))
    retry = at.button(key="notice_retry")
    assert retry.label == "Đọc lại nguồn dữ liệu"
    shutil.copy(private_demo, missing)  # the office puts the file in place
    retry.click().run()
    assert_clean(at)
    assert not at.error and cards(at)  # the data is read at once, not after the cache expires


class _Exploding:
    name = "hỏng"

    def read(self):
        raise RuntimeError("private_key=-----BEGIN PRIVATE KEY----- (must never be shown)")


def test_an_unexpected_error_is_named_not_dumped(make_app, monkeypatch) -> None:
    monkeypatch.setattr(loader, "open_source", lambda *args: _Exploding())
    at = make_app()
    assert_clean(at)
    page = texts(at)
    assert "Lỗi không xác định khi đọc nguồn dữ liệu (RuntimeError)." in page
    assert "PRIVATE KEY" not in page


class _FlakyGoogle:
    """A Google-like source: the demo rows with a sheet URL and gids, failing after its first read."""

    name = "Sổ theo dõi CCHC"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reads = 0

    def read(self):
        self.reads += 1
        if self.reads > 1:
            raise SourceUnavailable("Google Sheets đang quá tải (mã 503); đã thử lại 4 lần.")
        snapshot = WorkbookSource(self.path, clock=lambda: NOW).read()
        ids = {title: 1000 + i for i, title in enumerate(snapshot.tabs)}
        return replace(snapshot, url="https://docs.google.com/spreadsheets/d/abc123/edit", sheet_ids=ids)


def test_google_problems_link_to_their_cell_and_survive_an_outage(make_app, monkeypatch, private_demo) -> None:
    source = _FlakyGoogle(private_demo)
    monkeypatch.setattr(loader, "open_source", lambda *args: source)
    at = make_app(source="https://docs.google.com/spreadsheets/d/abc123/edit")
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    at.switch_page("content/unit.py").run()
    shown = table(at, "Lỗi và cách sửa")
    gid = 1000 + list(WorkbookSource(private_demo).read().tabs).index("VP")
    link = shown.loc[shown["Ô"] == "A5", "Mở ô"].iloc[0]
    assert link == f"https://docs.google.com/spreadsheets/d/abc123/edit#gid={gid}&range=A5"
    at.button(key="sidebar_refresh").click().run()
    assert_clean(at)
    assert "Google Sheets đang quá tải" in _stale(at)[0]
    assert table(at, "Lỗi và cách sửa")["Mở ô"].notna().all()


def test_a_bad_setting_is_explained(make_app, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_CACHE_TTL_SECONDS", "một phút")
    at = make_app()
    assert_clean(at)
    said = shown(at.error[0].value)
    assert "Cấu hình «cache_ttl_seconds» (biến môi trường CCHC_CACHE_TTL_SECONDS) phải là số nguyên" in said
    assert "một phút" not in said  # a message names the setting, never the value typed


def test_auto_refresh_overview_runs_in_a_fragment(make_app, demo_parsed, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_AUTO_REFRESH_SECONDS", "30")
    at = make_app()
    assert_clean(at)
    expected = summarize_quarter(demo_parsed, 2023, 4, NOW).totals
    assert metrics(at)["Hoạt động"] == fmt.number(expected["activities"])


def test_calendar_quarters_setting_reaches_the_pages(make_app, monkeypatch, private_demo) -> None:
    monkeypatch.setenv("CCHC_CALENDAR_QUARTERS", "true")
    at = make_app()
    caption = "\n".join(shown(c.value) for c in at.sidebar.caption)
    assert "01/10/2023 – 31/12/2023" in caption and "(quý dương lịch)" in caption
    parsed = parse_snapshot(WorkbookSource(private_demo, clock=lambda: NOW).read(), loader.settings().rules)
    q4 = summarize_quarter(parsed, 2023, 4, NOW).totals
    assert metrics(at)["Hoạt động"] == fmt.number(q4["activities"])


def test_the_clock_comes_from_cchc_now(monkeypatch) -> None:
    monkeypatch.setenv("CCHC_NOW", "2024-01-10T09:00")
    assert loader.now() == NOW
    monkeypatch.setenv("CCHC_NOW", "2024-01-10T02:00:00+00:00")
    assert loader.now() == NOW
    assert loader.now().utcoffset().total_seconds() == 7 * 3600


def test_a_unit_without_a_tab_is_told_how_to_make_one(make_app, workbook) -> None:
    book = load_workbook(workbook)
    book["Đơn vị"].append(["MOI", "Phòng mới thành lập", "Phòng chuyên môn, nghiệp vụ", "moi@example.vn", "Có"])
    book.save(workbook)
    at = _on_q4_2023(make_app(source=str(workbook)))
    at.selectbox(key="sidebar_unit").set_value("MOI").run()
    at.switch_page("content/unit.py").run()
    assert_clean(at)
    assert "Đơn vị chưa có trang riêng trong bảng tính. Hãy tạo một trang đặt tên «MOI»" in texts(at)
    assert "Báo cáo quý: **Chưa nộp**" in texts(at)


def test_an_empty_spreadsheet_shows_empty_states_not_errors(make_app, tmp_path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "trong.xlsx"
    book = Workbook()
    book.active.title = "Đơn vị"
    book.active.append(["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"])
    book.create_sheet("Nộp báo cáo").append(["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"])
    book.save(path)
    at = make_app(source=str(path))
    for page in ("content/overview.py", "content/unit.py", "content/quality.py", "content/guide.py"):
        at.switch_page(page).run()
        assert_clean(at)
    at.switch_page("content/overview.py").run()
    assert metrics(at)["Hoạt động"] == "0"
    assert "Chưa có hoạt động nào được ghi cho quý I năm 2024" in texts(at)
    assert "Không có đơn vị nào phải báo cáo" in texts(at)


def test_the_demo_workbook_is_shown_at_its_fixed_moment_and_a_configured_source_never_is(monkeypatch) -> None:
    from datetime import datetime, timedelta

    from reporting.periods import VN_TZ

    monkeypatch.delenv(loader.NOW_ENV, raising=False)
    assert loader.now(demo=True) == loader.DEMO_MOMENT == datetime(2025, 1, 10, 9, 0, tzinfo=VN_TZ)
    assert abs(loader.now() - datetime.now(VN_TZ)) < timedelta(seconds=5)  # a configured source: the real clock
    monkeypatch.setenv(loader.NOW_ENV, "2024-03-10T09:00")
    assert loader.now(demo=True) == datetime(2024, 3, 10, 9, 0, tzinfo=VN_TZ)  # CCHC_NOW wins, for screenshots
