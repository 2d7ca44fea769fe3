"""«Gửi nhắc» in «Cần đôn đốc» of the «Đôn đốc» page (AppTest, signed in): the office emails one unit its reminder
through a real SMTP server on loopback, recorded in `Nhắc việc` of a temporary workbook or of the fake Sheets
API, never twice the same day; leadership, with the button shown to it by mistake, is refused with nothing
sent or written; a unit never sees it; demo mode sends nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import loader
from components import remind_button
from reporting.parse import Parsed, parse_snapshot
from sheets import factory
from sheets.workbook import WorkbookSource
from tests.app_fixtures import APP, assert_clean, texts
from tests.fakesheets.fixtures import make_policy
from tests.smtpserver import SmtpServer
from tests.test_app_roles import AUTH, CSCN, CSCN_NAME, LEADER, OFFICE, ROLES

SUBJECT = f"Nhắc nộp 2 báo cáo quý công tác truyền thông CCHC chưa nộp – {CSCN_NAME}"  # quý I and IV of 2023


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def workbook(tmp_path: Path, first_year_demo: Path) -> Path:
    """A copy of the demo's 2023 (with its empty «Nhắc việc»); at NOW (10/01/2024) CSCN still owes quý I and IV."""
    return Path(shutil.copy(first_year_demo, tmp_path / "cchc.xlsx"))


@pytest.fixture
def signed_in(app_env: None, smtp: SmtpServer) -> Callable[..., AppTest]:
    def build(email: str, source: str, **secrets: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.secrets["source"] = source
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = ROLES
        at.secrets["smtp"] = smtp.table()
        at.secrets["app_url"] = "https://cchc.so.example.vn"
        for key, value in secrets.items():
            at.secrets[key] = value
        at.user = {"is_logged_in": True, "email": email, "email_verified": True}
        return at.run()

    return build


def read_book(path: Path) -> Parsed:
    return parse_snapshot(WorkbookSource(path).read())


FOLLOWUP = "content/followup.py"


def press(at: AppTest, code: str = "CSCN") -> AppTest:
    at.switch_page(FOLLOWUP).run()
    at.selectbox(key=remind_button.UNIT_KEY).set_value(code).run()
    return at.button(key=remind_button.SEND_KEY).click().run()


def test_the_office_reminds_one_unit_and_a_second_press_the_same_day_sends_nothing(signed_in, workbook, smtp):
    at = signed_in(OFFICE, str(workbook)).switch_page(FOLLOWUP).run()
    assert_clean(at)
    assert CSCN_NAME in at.selectbox(key=remind_button.UNIT_KEY).options  # shown by name

    at = press(at)

    assert_clean(at)
    (mail,) = smtp.received
    assert mail.rcpt_tos == [CSCN] and mail.message["Subject"] == SUBJECT
    assert "1. Quý I/2023: chưa nộp, quá hạn 302 ngày (hạn 14/03/2023)." in mail.body
    assert "2. Quý IV/2023: chưa nộp, quá hạn 27 ngày (hạn 14/12/2023)." in mail.body
    assert "https://cchc.so.example.vn/don-vi" in mail.body
    assert f"Đã gửi thư nhắc tới {CSCN_NAME} (CSCN) ({CSCN})" in texts(at)
    recorded = read_book(workbook).reminders.to_dict("records")
    assert [(r["unit_code"], r["year"], r["quarter"], r["result"]) for r in recorded] == [
        ("CSCN", 2023, 1, "sent"),
        ("CSCN", 2023, 4, "sent"),
    ]
    assert {r["note"] for r in recorded} == {f"gửi từ ứng dụng bởi {OFFICE}"}

    at = press(at)

    assert_clean(at)
    assert len(smtp.received) == 1 and len(read_book(workbook).reminders) == 2
    assert "đã được nhắc hôm nay lúc 09:00 10/01/2024 về Quý IV/2023" in texts(at)


def test_a_refused_login_from_the_button_is_said_and_recorded_failed(signed_in, workbook, tmp_path):
    with SmtpServer(password="PLANTEDsmtp-dung-9x7q") as guarded:
        at = signed_in(OFFICE, str(workbook), smtp=guarded.table(password="PLANTEDsmtp-sai-4k2z"))
        at = press(at)
        assert_clean(at)
        said = texts(at)
        assert "Chưa gửi được thư nhắc tới" in said and "từ chối đăng nhập (mã 535)" in said
        assert "PLANTED" not in said and guarded.received == []
    recorded = read_book(workbook).reminders
    assert len(recorded) == 2 and set(recorded["result"]) == {"failed"}
    assert recorded["note"].str.contains("từ chối đăng nhập").all()


def test_leadership_with_the_button_shown_by_mistake_is_refused_and_nothing_is_sent(
    signed_in, workbook, smtp, monkeypatch
):
    monkeypatch.setattr(remind_button, "sends_for", lambda view: view.user)  # a bug that shows it to everyone
    before = workbook.read_bytes()
    at = signed_in(LEADER, str(workbook))

    at = press(at)

    assert_clean(at)
    (refused,) = [e.value for e in at.error if "không có quyền gửi thư nhắc" in e.value]
    assert LEADER in refused.replace("\\", "").replace("\u2060", "")
    assert smtp.received == [] and workbook.read_bytes() == before


def test_leadership_and_a_unit_see_no_button(signed_in, workbook):
    leader = signed_in(LEADER, str(workbook)).switch_page(FOLLOWUP).run()
    assert_clean(leader)
    assert "Cần đôn đốc" in [s.value for s in leader.subheader] and leader.dataframe  # the list, no button
    assert remind_button.SEND_KEY not in [b.key for b in leader.button]
    unit = signed_in(CSCN, str(workbook))
    assert remind_button.UNIT_KEY not in [s.key for s in unit.selectbox]


def test_demo_mode_sends_no_email(app_env, workbook, smtp):
    """Without sign-in anyone may pick the office: no email goes out then."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["source"] = str(workbook)
    at.secrets["demo_mode"] = True
    at.secrets["smtp"] = smtp.table()
    at = press(at.run())
    assert_clean(at)
    assert [e.value for e in at.error if "không gửi thư nhắc" in e.value]
    assert smtp.received == [] and read_book(workbook).reminders.empty


def test_on_google_the_button_sends_and_records_one_row(
    signed_in, fake, fake_clock, first_year_demo, smtp, monkeypatch
):
    snapshot = WorkbookSource(first_year_demo).read()
    book = fake.create_spreadsheet({title: [list(r.values) for r in rows] for title, rows in snapshot.tabs.items()})
    url = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    adapter, policy = fake.adapter(), make_policy(fake_clock)
    account = fake.service_account()

    def open_on_fake(source, service_account, clock):
        return factory.open_google_source(source, service_account, clock, adapter=adapter, policy=policy)

    monkeypatch.setattr(loader, "open_source", open_on_fake)
    factory.forget_sources()
    try:
        at = press(signed_in(OFFICE, url, gcp_service_account=account))
        assert_clean(at)
        at = press(at)  # again the same day: nothing more
        assert_clean(at)
        parsed = parse_snapshot(open_on_fake(url, account, None).read())
    finally:
        factory.forget_sources()
    assert [m.message["Subject"] for m in smtp.received] == [SUBJECT]
    assert [(r["unit_code"], r["result"]) for r in parsed.reminders.to_dict("records")] == [("CSCN", "sent")] * 2
    assert fake.count("values.append") == 2  # one row per quarter, once


def test_the_guide_tells_the_office_how_to_remind_and_no_one_else(signed_in, workbook):
    office = signed_in(OFFICE, str(workbook))
    office.switch_page("content/guide.py").run()
    assert_clean(office)
    assert "Nhắc các đơn vị qua email" in [h.value for h in office.header]
    assert "python -m reporting remind --dry-run" in texts(office)
    leader = signed_in(LEADER, str(workbook))
    leader.switch_page("content/guide.py").run()
    assert "Nhắc các đơn vị qua email" not in [h.value for h in leader.header]
