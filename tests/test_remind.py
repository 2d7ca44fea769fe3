"""Reminders by email (issue 12, item 2): `python -m reporting remind` against a real SMTP server on loopback
(aiosmtpd), on a real .xlsx file and on the fake Sheets API — what each unit receives, the office's digest,
the `Nhắc việc` rows the app's own writers add, a second run the same day, a refused login, a connection
dropped mid-send, the retry of a failed send, --dry-run. Every moment is given with --now."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ
from reporting.remind import NO_TAB
from sheets import factory
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from tests.cli_run import Done, run_cli
from tests.fakesheets.fixtures import READ_AT, make_policy
from tests.smtpserver import Received, SmtpServer
from tests.snapshots import snapshot, workbook

NOW = datetime(2024, 3, 10, 9, 0, tzinfo=VN_TZ)  # quý I/2024 is due in 4 days; TTR also still owes quý IV/2023
LATER_THAT_DAY = datetime(2024, 3, 10, 16, 30, tzinfo=VN_TZ)
NEXT_DAY = datetime(2024, 3, 11, 8, 0, tzinfo=VN_TZ)
PASSWORD = "PLANTEDsmtp-Mật-khẩu-9x7q"  # beyond ASCII on purpose: smtplib alone could not send it
WRONG = "PLANTEDwrong-pass-4k2z"
OFFICE = "vanthu@so.example.vn"
APP_URL = "https://cchc.so.example.vn/"
ACT = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng"]
REMINDER_HEADER = ["Thời điểm", "Mã đơn vị", "Năm", "Quý", "Loại", "Gửi tới", "Kết quả", "Ghi chú", "Mã ghi"]
TABS: dict[str, list[list[Any]]] = {
    "Đơn vị": [
        ["Mã", "Tên đơn vị", "Email", "Báo cáo quý", "Từ ngày"],
        ["VP", "Văn phòng Sở", "vp@so.example.vn", "Có", "15/12/2023"],
        ["TTR", "Thanh tra Sở", "ttr@so.example.vn, ttr2@so.example.vn", "Có", "15/09/2023"],  # owes quý IV/2023
        ["KHTC", "Phòng Kế hoạch – Tài chính", "", "Có", "15/12/2023"],  # no address
        ["DTN", "Đoàn Thanh niên Sở", "dtn@so.example.vn", "Có", "15/12/2023"],  # already submitted
    ],
    "VP": [ACT, ["05/01/2024", "a, n", "Khác", "Họp đầu năm", 1]],
    "TTR": [ACT, ["20/09/2023", "b", "Khác", "Hội nghị quý IV", 1], ["31/02/2024", "a", "Khác", "Ngày sai", 1]],
    "KHTC": [ACT],
    "DTN": [ACT],
    "Nộp báo cáo": [
        ["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp"],
        ["DTN", 2024, 1, "01/03/2024 10:00", "dtn@so.example.vn"],
    ],
    "Kế hoạch": [  # 2024 has a plan of its own: areas a, b and a new n (no m); 2023 runs on the built-in plan
        ["Năm", "Mục", "Ký hiệu", "Tên"],
        [2024, "Kế hoạch", "15/KH-SLĐTBXH", "Kế hoạch truyền thông CCHC năm 2024"],
        [2024, "Nội dung", "a", "Vai trò của người đứng đầu"],
        [2024, "Nội dung", "b", "Chương trình CCHC"],
        [2024, "Nội dung", "n", "Chuyển đổi số trong giải quyết TTHC"],
    ],
    "Nhắc việc": [REMINDER_HEADER],
}
VP_SUBJECT = "Nhắc nộp báo cáo quý I/2024 công tác truyền thông CCHC: hạn 14/03/2024 (còn 4 ngày) – Văn phòng Sở"
TTR_SUBJECT = "Nhắc nộp 2 báo cáo quý công tác truyền thông CCHC chưa nộp – Thanh tra Sở"
DIGEST_SUBJECT = "Nhắc việc CCHC ngày 10/03/2024: đã gửi 2, chưa gửi được 0"


# ---- set-up ----------------------------------------------------------------------------------------------------


@dataclass
class Backend:
    """A spreadsheet the command line reads and writes: its --source, how to read it back, its environment."""

    source: str
    read: Callable[[], Parsed]
    env: dict[str, str]
    appended: Callable[[], int]  # rows the app appended so far (the fake counts requests; the file its rows)


@pytest.fixture
def xlsx(tmp_path: Path) -> Backend:
    path = workbook(tmp_path / "cchc.xlsx", TABS)
    read = lambda: parse_snapshot(WorkbookSource(path, clock=lambda: NOW).read())  # noqa: E731
    return Backend(str(path), read, {}, lambda: len(read().reminders))


@pytest.fixture
def google(fake, fake_clock, gclient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """The same sheet on the fake Sheets server; the command line opens it through the fake's adapter."""
    book = fake.create_spreadsheet(TABS)
    adapter, policy = fake.adapter(), make_policy(fake_clock)
    real_open = factory.open_google_source
    monkeypatch.setattr(
        factory,
        "open_google_source",
        lambda source, account, clock=None, **_: real_open(source, account, clock, adapter=adapter, policy=policy),
    )
    factory.forget_sources()
    key = tmp_path / "key.json"
    key.write_text(json.dumps(fake.service_account()))
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    yield Backend(
        f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        lambda: parse_snapshot(source.read()),
        {"GOOGLE_APPLICATION_CREDENTIALS": str(key)},
        lambda: fake.count("values.append"),
    )
    factory.forget_sources()


@pytest.fixture(params=["xlsx", "google"])
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.getfixturevalue(request.param)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(password=PASSWORD) as server:
        yield server


def _toml(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or list is a TOML one


def secrets(folder: Path, smtp_table: dict[str, Any] | None, **top: Any) -> str:
    """A secrets file as the office writes it: app_url, [roles] office, [smtp]."""
    lines = [f"app_url = {_toml(APP_URL)}", *(f"{k} = {_toml(v)}" for k, v in top.items())]
    lines += ["[roles]", f"office = {_toml([OFFICE])}"]
    if smtp_table is not None:
        lines += ["[smtp]", *(f"{k} = {_toml(v)}" for k, v in smtp_table.items())]
    path = folder / "secrets.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def remind(backend: Backend, secrets_path: str, at: datetime, *extra: str) -> Done:
    return run_cli(
        "remind", "--source", backend.source, "--now", at.isoformat(), *extra, env=backend.env, secrets=(secrets_path,)
    )


def by_subject(received: list[Received]) -> dict[str, Received]:
    return {r.message["Subject"]: r for r in received}


def rows(parsed: Parsed) -> list[tuple]:
    return [
        (r["unit_code"], r["year"], r["quarter"], r["kind"], r["result"]) for r in parsed.reminders.to_dict("records")
    ]


# ---- the Nhắc việc tab is part of the layout --------------------------------------------------------------------


def test_the_reminders_tab_is_a_known_tab_read_into_rows() -> None:
    tabs = {
        **TABS,
        "Nhắc việc": [
            REMINDER_HEADER,
            ["10/03/2024 09:00", "VP", 2024, 1, "Sắp đến hạn", "vp@so.example.vn", "Đã gửi", "", "id-1"],
            ["10/03/2024 09:00", "TTR", 2024, "Quý I", "Quá hạn", "ttr@so.example.vn", "ok", "", "id-2"],
        ],
        "nhắc  việc": [["ghi tay"]],
    }
    parsed = parse_snapshot(snapshot(tabs))
    assert parsed.reminders_tab == "Nhắc việc"
    assert rows(parsed) == [("VP", 2024, 1, "due_soon", "sent")]  # «ok» is no result: not a send
    assert parsed.reminders["at"].iloc[0] == datetime(2024, 3, 10, 9, 0, tzinfo=VN_TZ)
    by_tab = parsed.problems.set_index("tab")["message"]
    assert "«Kết quả» (G3): Giá trị «ok»: ghi «Đã gửi» hoặc «Gửi lỗi»" in by_tab["Nhắc việc"]
    assert "cùng là trang «Nhắc việc»" in by_tab["nhắc  việc"]  # a twin is named, not read as a stray unit tab
    assert not parsed.problems["message"].str.contains("không khớp mã hay tên đơn vị nào").any()
    assert parse_snapshot(snapshot({k: v for k, v in TABS.items() if k != "Nhắc việc"})).reminders_tab is None


# ---- a run -----------------------------------------------------------------------------------------------------


def test_a_run_emails_each_unit_its_reminder_and_the_office_a_digest(backend, smtp, tmp_path) -> None:
    done = remind(backend, secrets(tmp_path, smtp.table()), NOW)

    assert done.returncode == 0, done.stderr
    mails = by_subject(smtp.received)
    assert set(mails) == {VP_SUBJECT, TTR_SUBJECT, DIGEST_SUBJECT}
    assert mails[VP_SUBJECT].rcpt_tos == ["vp@so.example.vn"]
    assert mails[TTR_SUBJECT].rcpt_tos == ["ttr@so.example.vn", "ttr2@so.example.vn"]
    assert mails[DIGEST_SUBJECT].rcpt_tos == [OFFICE]
    assert mails[VP_SUBJECT].message["From"].addresses[0].addr_spec == "vanphong@so.example.vn"

    ttr = mails[TTR_SUBJECT].body
    q4, q1 = ttr.split("2. Quý I/2024")
    assert "Kính gửi: Thanh tra Sở" in ttr
    assert "1. Quý IV/2023: chưa nộp, quá hạn 87 ngày (hạn 14/12/2023)." in q4
    assert "kế hoạch năm 2023 chưa có hoạt động nào của đơn vị trong quý (9/10)" in q4  # b was covered
    assert "- m) Năng lực đội ngũ làm CCHC" in q4 and "- b)" not in q4
    assert q1.startswith(": chưa nộp, còn 4 ngày (hạn 14/03/2024).")
    assert "kế hoạch năm 2024 (số 15/KH-SLĐTBXH) chưa có hoạt động nào của đơn vị trong quý (3/3)" in q1
    assert "- n) Chuyển đổi số trong giải quyết TTHC" in q1 and "- m)" not in q1  # 2024's own areas
    assert "- Trang «TTR», dòng 3, cột «Ngày» (A3): Giá trị «31/02/2024»: không phải ngày hợp lệ" in ttr
    assert "Xem chi tiết và xác nhận đã nộp báo cáo tại: https://cchc.so.example.vn/don-vi" in ttr
    vp = mails[VP_SUBJECT].body
    assert "(1/3):\n   - b) Chương trình CCHC\n" in vp.replace("\r\n", "\n")
    assert "Dữ liệu của đơn vị không có dòng nào bị lỗi." in vp

    digest = mails[DIGEST_SUBJECT].body
    assert "- Văn phòng Sở (VP) · Quý I/2024: chưa nộp, còn 4 ngày (hạn 14/03/2024) · tới vp@so.example.vn" in digest
    assert "Chưa có email trong trang «Đơn vị»" in digest and "Phòng Kế hoạch – Tài chính (KHTC)" in digest

    parsed = backend.read()
    assert sorted(rows(parsed)) == [
        ("TTR", 2023, 4, "overdue", "sent"),
        ("TTR", 2024, 1, "due_soon", "sent"),
        ("VP", 2024, 1, "due_soon", "sent"),
    ]
    assert set(parsed.reminders["at"]) == {NOW}
    assert set(parsed.reminders["to"]) == {"vp@so.example.vn", "ttr@so.example.vn; ttr2@so.example.vn"}
    assert parsed.problems[parsed.problems["tab"] == "Nhắc việc"].empty
    assert "Thư nhắc lúc 09:00 10/03/2024: đã gửi 2, chưa gửi được 0." in done.stdout
    assert f"Đã gửi thư tổng hợp tới {OFFICE}." in done.stdout


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(backend, smtp, tmp_path) -> None:
    path = secrets(tmp_path, smtp.table())
    assert remind(backend, path, NOW).returncode == 0
    appended = backend.appended()

    again = remind(backend, path, LATER_THAT_DAY)

    assert again.returncode == 0, again.stderr
    assert len(smtp.received) == 3 and backend.appended() == appended  # nothing sent, nothing written
    assert "Không có thư nhắc nào cần gửi lúc 16:30 10/03/2024." in again.stdout
    assert "Đã nhắc trước đó trong ngày (không gửi lại):" in again.stdout
    assert "Thanh tra Sở (TTR) · Quý IV/2023: chưa nộp, quá hạn 87 ngày (hạn 14/12/2023) · lúc 09:00 10/03/2024" in (
        again.stdout
    )

    next_day = remind(backend, path, NEXT_DAY)
    assert next_day.returncode == 0 and len(smtp.received) == 6
    assert len(backend.read().reminders) == 6


def test_a_refused_login_is_reported_recorded_failed_and_retried_by_the_next_run(
    backend, smtp, tmp_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = secrets(tmp_path, smtp.table(password=WRONG))

    done = remind(backend, wrong, NOW)

    assert done.returncode == 1
    assert smtp.received == []
    assert "đã gửi 0, chưa gửi được 2" in done.stdout
    assert "từ chối đăng nhập (mã 535): kiểm tra «username» và «password» của mục [smtp]" in done.stdout
    assert "Chưa gửi được thư tổng hợp" in done.stdout
    parsed = backend.read()
    assert sorted(rows(parsed)) == [
        ("TTR", 2023, 4, "overdue", "failed"),
        ("TTR", 2024, 1, "due_soon", "failed"),
        ("VP", 2024, 1, "due_soon", "failed"),
    ]
    assert parsed.reminders["note"].str.contains("từ chối đăng nhập").all()
    logs = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    tab = parsed.reminders.astype(str).to_csv()
    for secret in (WRONG, PASSWORD):
        assert secret not in done.stdout + done.stderr + logs + tab
    failed_ids = set(parsed.reminders["record_id"])

    retry = remind(backend, secrets(tmp_path, smtp.table()), LATER_THAT_DAY)  # the password fixed

    assert retry.returncode == 0, retry.stdout
    assert {VP_SUBJECT, TTR_SUBJECT} <= set(by_subject(smtp.received))
    after = backend.read()
    sent = after.reminders[after.reminders["result"] == "sent"]
    assert len(after.reminders) == 6 and len(sent) == 3
    assert not set(sent["record_id"]) & failed_ids  # the retry is a new attempt: its own rows


def test_a_connection_dropped_mid_send_fails_that_unit_only_and_it_is_sent_next_run(backend, smtp, tmp_path) -> None:
    smtp.handler.drop_to.add("vp@so.example.vn")
    path = secrets(tmp_path, smtp.table())

    done = remind(backend, path, NOW)

    assert done.returncode == 1
    assert set(by_subject(smtp.received)) == {TTR_SUBJECT, "Nhắc việc CCHC ngày 10/03/2024: đã gửi 1, chưa gửi được 1"}
    assert (
        "Văn phòng Sở (VP) · Quý I/2024: chưa nộp, còn 4 ngày (hạn 14/03/2024) · Máy chủ thư 127.0.0.1" in done.stdout
    )
    assert "ngắt kết nối giữa chừng" in done.stdout
    assert sorted(rows(backend.read())) == [
        ("TTR", 2023, 4, "overdue", "sent"),
        ("TTR", 2024, 1, "due_soon", "sent"),
        ("VP", 2024, 1, "due_soon", "failed"),
    ]

    smtp.handler.drop_to.clear()
    retry = remind(backend, path, LATER_THAT_DAY)

    assert retry.returncode == 0
    assert [r.message["Subject"] for r in smtp.received].count(VP_SUBJECT) == 1
    assert [r.message["Subject"] for r in smtp.received].count(TTR_SUBJECT) == 1  # TTR was not sent twice
    assert sorted(rows(backend.read()))[-1] == ("VP", 2024, 1, "due_soon", "sent")


def test_dry_run_sends_nothing_and_writes_nothing(backend, smtp, tmp_path) -> None:
    before = backend.read().reminders
    appended = backend.appended()

    done = remind(backend, secrets(tmp_path, smtp.table()), NOW, "--dry-run")

    assert done.returncode == 0, done.stderr
    assert smtp.received == [] and backend.appended() == appended and backend.read().reminders.equals(before)
    assert "Chạy thử (--dry-run): không gửi thư, không ghi gì. Lúc 09:00 10/03/2024, sẽ gửi 2 thư:" in done.stdout
    assert f"tiêu đề «{VP_SUBJECT}»" in done.stdout
    assert "Phòng Kế hoạch – Tài chính (KHTC) · Quý I/2024: chưa nộp, còn 4 ngày (hạn 14/03/2024) · chưa có email" in (
        done.stdout
    )
    as_json = json.loads(remind(backend, secrets(tmp_path, None), NOW, "--dry-run", "--json").stdout)
    assert [(u["unit_code"], u["status"]) for u in as_json["units"]] == [
        ("TTR", "would_send"),
        ("VP", "would_send"),
        ("KHTC", "no_address"),
    ]
    assert as_json["dry_run"] is True and as_json["digest"] == {"to": [OFFICE], "status": "would_send", "reason": ""}
    assert smtp.received == []


def test_the_json_of_a_run_says_what_happened_to_each_unit(xlsx, smtp, tmp_path) -> None:
    done = remind(xlsx, secrets(tmp_path, smtp.table()), NOW, "--json")
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["day"] == "2024-03-10" and report["due_soon_days"] == 7
    ttr = next(u for u in report["units"] if u["unit_code"] == "TTR")
    assert ttr["status"] == "sent" and ttr["recorded"] is True and ttr["subject"] == TTR_SUBJECT
    assert ttr["quarters"] == [
        {"year": 2023, "quarter": 4, "reason": "overdue", "days": 87, "deadline": "2023-12-14"},
        {"year": 2024, "quarter": 1, "reason": "due_soon", "days": 4, "deadline": "2024-03-14"},
    ]
    assert report["digest"]["status"] == "sent"


def test_the_days_before_the_deadline_are_a_setting(xlsx, smtp, tmp_path) -> None:
    done = remind(xlsx, secrets(tmp_path, smtp.table(), due_soon_days=3), NOW, "--dry-run", "--json")
    units = json.loads(done.stdout)["units"]
    assert [(u["unit_code"], [q["quarter"] for q in u["quarters"]]) for u in units] == [("TTR", [4])]  # 4 days > 3


# ---- what stops a run before anything is sent --------------------------------------------------------------------


def test_without_the_reminders_tab_nothing_is_sent(tmp_path, smtp) -> None:
    path = workbook(tmp_path / "cchc.xlsx", {k: v for k, v in TABS.items() if k != "Nhắc việc"})
    before = path.read_bytes()
    done = run_cli(
        "remind", "--source", str(path), "--now", NOW.isoformat(), secrets=(secrets(tmp_path, smtp.table()),)
    )
    assert done.returncode == 2 and NO_TAB in done.stderr
    assert smtp.received == [] and path.read_bytes() == before


def test_without_smtp_a_run_refuses_and_writes_nothing(xlsx, tmp_path) -> None:
    appended = xlsx.appended()
    done = remind(xlsx, secrets(tmp_path, None), NOW)
    assert done.returncode == 2 and "chưa cấu hình gửi thư: thêm mục [smtp]" in done.stderr
    assert xlsx.appended() == appended


def test_a_record_that_cannot_be_written_stops_the_run(xlsx, smtp, tmp_path) -> None:
    """A send whose row cannot be written would be sent again next run: the run stops there."""
    path = Path(xlsx.source)
    done_flag = {"sent": 0}

    original = smtp.handler.handle_DATA

    async def lock_after_first(server, session, envelope):  # the file becomes read-only after the first send
        answer = await original(server, session, envelope)
        done_flag["sent"] += 1
        path.chmod(0o444)
        return answer

    smtp.handler.handle_DATA = lock_after_first  # type: ignore[method-assign]
    try:
        done = remind(xlsx, secrets(tmp_path, smtp.table()), NOW)
    finally:
        path.chmod(0o644)
    assert done.returncode == 1
    assert "dừng gửi các thư còn lại để lần chạy sau không gửi trùng" in done.stdout
    assert "Chưa gửi vì lần chạy đã dừng:" in done.stdout
    assert done_flag["sent"] == 2  # the first unit's email, then the digest; the second unit was not sent


def test_the_demo_workbook_is_never_mailed_only_tried(smtp, tmp_path, monkeypatch, private_demo) -> None:
    """Without a source the command line reads the demo workbook, whose addresses are made up."""
    from sheets import open as opening

    real_open = opening.open_source
    monkeypatch.setattr(
        opening,
        "open_source",
        lambda source, account=None, clock=None: (
            WorkbookSource(private_demo, clock=clock) if not source else real_open(source, account, clock)
        ),
    )
    done = run_cli("remind", "--now", "2024-01-10T09:00", secrets=(secrets(tmp_path, smtp.table()),))
    assert done.returncode == 2 and "sổ dữ liệu mẫu: không gửi thư nhắc" in done.stderr
    tried = run_cli("remind", "--now", "2024-01-10T09:00", "--dry-run", secrets=(secrets(tmp_path, smtp.table()),))
    assert tried.returncode == 0 and "Cơ sở Cai nghiện ma túy tỉnh (CSCN)" in tried.stdout
    assert smtp.received == []
