"""AppTest of the dashboard on the Google source: the real gspread path against the loopback fake Sheets
API (tests/fakesheets), holding the demo workbook's rows. Figures equal `reporting`'s, problems link to
their cell, and when Google fails the last good data stays with the warning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import loader
from components.notices import STALE_TITLE
from reporting import fmt
from reporting.metrics import summarize_quarter
from reporting.parse import parse_snapshot
from sheets import factory
from sheets.workbook import WorkbookSource
from tests.app_fixtures import NOW, assert_clean, metrics, shown, table
from tests.fakesheets.fixtures import make_policy


@pytest.fixture
def google(fake, fake_clock, private_demo: Path, monkeypatch: pytest.MonkeyPatch, make_app) -> Iterator[dict]:
    """The demo workbook as a Google spreadsheet on the fake; the loader's seam reaches it over loopback."""
    snapshot = WorkbookSource(private_demo).read()
    book = fake.create_spreadsheet({title: [list(r.values) for r in rows] for title, rows in snapshot.tabs.items()})
    url = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    adapter, policy = fake.adapter(), make_policy(fake_clock)

    def open_on_fake(source, account, clock):
        return factory.open_google_source(source, account, clock, adapter=adapter, policy=policy)

    monkeypatch.setattr(loader, "open_source", open_on_fake)
    factory.forget_sources()
    yield {"book": book, "url": url, "account": fake.service_account()}
    factory.forget_sources()


def _open(make_app, google):
    at = make_app(source=google["url"], gcp_service_account=google["account"])
    at.selectbox(key="sidebar_year").set_value(2023)
    at.selectbox(key="sidebar_quarter").set_value(4)
    return at.run()


def test_the_overview_on_google_equals_reporting(make_app, google, private_demo) -> None:
    at = _open(make_app, google)
    assert_clean(at)
    parsed = parse_snapshot(WorkbookSource(private_demo).read())
    totals = summarize_quarter(parsed, 2023, 4, NOW).totals
    cards = metrics(at)
    assert cards["Hoạt động"] == fmt.number(totals["activities"])
    assert cards["Đơn vị có hoạt động"] == f"{totals['units_active']}/{totals['units']}"
    assert cards["Báo cáo đúng hạn"] == f"{totals['reports_on_time']}/{totals['reports_expected']}"
    source = next(shown(c.value) for c in at.sidebar.caption if c.value.startswith("Nguồn:"))
    assert source.startswith("Nguồn: [Google Sheets") and source.endswith(f"]({google['url']})")


def test_unit_problems_open_their_cell_in_google_sheets(make_app, google) -> None:
    at = _open(make_app, google)
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    at.switch_page("content/unit.py").run()
    shown = table(at, "Lỗi và cách sửa")
    vp = next(s for s in google["book"].sheets if s.title == "VP")
    link = shown.loc[shown["Ô"] == "A5", "Mở ô"].item()
    assert link == f"{google['url']}#gid={vp.sheet_id}&range=A5"


def test_when_google_fails_the_last_good_data_stays_with_a_warning(make_app, google, fake) -> None:
    at = _open(make_app, google)
    good = metrics(at)
    fake.inject("status", status=503, op="values.batchGet", times=None)
    at.button(key="sidebar_refresh").click().run()
    assert_clean(at)
    (warning,) = [w.value for w in at.warning if STALE_TITLE in w.value]
    assert "lúc 09:00:00 10/01/2024" in warning
    assert metrics(at) == good
    fake.clear_faults()
    at.button(key="sidebar_refresh").click().run()
    assert not [w for w in at.warning if STALE_TITLE in w.value]


def test_without_a_service_account_the_page_says_what_to_add(make_app, google) -> None:
    at = make_app(source=google["url"])
    assert_clean(at)
    assert "[gcp_service_account]" in shown(at.error[0].value)
