"""Reminders by email (issue 12, item 2): every unit «Cần đôn đốc» lists at a moment gets one email saying
which quarterly report is due or overdue and when, what that quarter still lacks (areas of the year's plan
not covered yet, the unit's targets not met), its data error rows and a link to its page; the office gets a
digest of the run.

The rules only. Sending goes through a `Mailer` (the SMTP adapter `mailer.smtp.SmtpMailer`, injected) and
recording through a `reporting.actions.RowWriter` (the app's own writers, `sheets.append`), so nothing here
does I/O.

Idempotent by the `Nhắc việc` tab, one row per unit, quarter and attempt: a (unit, year, quarter) with a row
«Đã gửi» dated today (Asia/Ho_Chi_Minh, the date of `now`) is not sent again that day; a failed send is a row
«Gửi lỗi» and is sent again by the next run. A row's `Mã ghi` is derived from (day, unit, year, quarter,
attempt), so a retried write of the same attempt finds its row instead of adding another. A send whose row
cannot be written stops the run: what cannot be recorded would be sent again next time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal, Protocol

import pandas as pd

from reporting import fmt
from reporting.access import User, check_can_remind
from reporting.actions import RowWriter
from reporting.errors import MailError, SourceError, WriteRefused
from reporting.followup import REASONS, describe, followup
from reporting.metrics import summarize
from reporting.parse import Parsed
from reporting.periods import ROMAN, VN_TZ, quarter
from reporting.schema import REMINDER_COLUMNS, REMINDERS_TAB, UNITS_TAB

log = logging.getLogger(__name__)

SENT, FAILED = "Đã gửi", "Gửi lỗi"  # «Kết quả» as written (`reporting.values.parse_reminder_result` reads them)
UNIT_PAGE = "don-vi"  # the unit page's address under `app_url` (app.py's PAGES)
MAX_PROBLEM_LINES = 30  # error rows listed in one email; the rest are counted and on the unit's page
NO_TAB = (
    f"Bảng tính chưa có trang «{REMINDERS_TAB}», nơi ghi lại các thư nhắc đã gửi (để không gửi trùng), nên chưa "
    f"gửi thư nào. Thêm một trang trống tên «{REMINDERS_TAB}» (hoặc chạy python -m sheets setup với bảng tính "
    "Google) rồi chạy lại."
)


@dataclass(frozen=True)
class Mail:
    """One plain-text email."""

    to: tuple[str, ...]
    subject: str
    body: str


class Mailer(Protocol):
    """Delivers one email, or raises `reporting.errors.MailError` with a Vietnamese reason naming no secret.

    Returns the recipients the server refused while it took the message for the others (usually none)."""

    def send(self, mail: Mail) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Due:
    """One quarterly report a unit is reminded of (a row of `reporting.followup.followup`)."""

    year: int
    quarter: int
    reason: str  # "overdue" or "due_soon"
    days: int  # past the deadline (overdue) or left (due soon)
    deadline: date
    attempt: int = 1  # 1 + the failed sends of it recorded today

    @property
    def text(self) -> str:
        """«Quý IV/2023: chưa nộp, quá hạn 27 ngày (hạn 14/12/2023)»."""
        return describe(
            {
                "year": self.year,
                "quarter": self.quarter,
                "reason": self.reason,
                "days": self.days,
                "deadline": self.deadline,
            }
        )

    def record_id(self, day: date, unit_code: str) -> str:
        """The `Mã ghi` of this attempt's row: the same on every retry of the write, new for the next attempt."""
        key = f"nhac-viec|{day.isoformat()}|{unit_code}|{self.year}|{self.quarter}|{self.attempt}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Reminder:
    """One unit's email: the reports it is reminded of and the message (None when it has no address)."""

    unit_code: str
    name: str
    to: tuple[str, ...]
    dues: tuple[Due, ...]
    mail: Mail | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.unit_code})"


@dataclass(frozen=True)
class AlreadySent:
    """A report whose reminder went out earlier the same day: not sent again."""

    unit_code: str
    name: str
    due: Due
    at: datetime


@dataclass(frozen=True)
class Batch:
    """What a run would send at `now`: `prepare`'s answer, shown as it is by `--dry-run`."""

    now: datetime
    within_days: int
    tab: str | None  # the `Nhắc việc` tab as the sheet spells it; None: the sheet has none
    reminders: tuple[Reminder, ...]  # to send
    no_address: tuple[Reminder, ...]  # to remind, but `Đơn vị` gives no email
    already: tuple[AlreadySent, ...]

    @property
    def day(self) -> date:
        return self.now.astimezone(VN_TZ).date()


Status = Literal["sent", "failed", "not_attempted"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one reminder: sent or not (and why), and whether its rows were written."""

    reminder: Reminder
    status: Status
    reason: str = ""
    recorded: bool = False
    record_error: str = ""
    refused: tuple[str, ...] = ()  # sent, but these addresses of the unit were refused by the server


@dataclass(frozen=True)
class RunReport:
    """A run: each reminder's outcome, why it stopped early (if it did), and the office's digest."""

    batch: Batch
    outcomes: tuple[Outcome, ...]
    stopped: str = ""
    digest_to: tuple[str, ...] = ()
    digest: Literal["none", "sent", "failed"] = "none"
    digest_reason: str = ""

    def of(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        """Everything attempted went out and was recorded (units without an address are not failures here:
        the digest lists them for the office to fix)."""
        return (
            not self.stopped
            and all(o.status == "sent" and o.recorded for o in self.outcomes)
            and self.digest != "failed"
        )


# ---- what to send ---------------------------------------------------------------------------------------------


def _sent_today(
    parsed: Parsed, day: date
) -> tuple[dict[tuple[str, int, int], datetime], dict[tuple[str, int, int], int]]:
    """From `Nhắc việc`: (unit, year, quarter) → when its reminder went out on `day`, and → failed sends on `day`."""
    sent: dict[tuple[str, int, int], datetime] = {}
    failed: dict[tuple[str, int, int], int] = {}
    for row in parsed.reminders.itertuples(index=False):
        at = row.at
        if not isinstance(at, datetime) or at.astimezone(VN_TZ).date() != day:
            continue
        key = (str(row.unit_code), int(row.year), int(row.quarter))
        if row.result == "sent":
            sent[key] = min(sent.get(key, at), at)
        else:
            failed[key] = failed.get(key, 0) + 1
    return sent, failed


def prepare(
    parsed: Parsed,
    now: datetime,
    *,
    within_days: int,
    app_url: str | None = None,
    agency_name: str = "",
    only_unit: str | None = None,
) -> Batch:
    """The reminders to send at `now`: the units `followup(parsed, now, within_days)` lists (or `only_unit`),
    one email each, less the reports already reminded of today."""
    day = now.astimezone(VN_TZ).date()
    frame = followup(parsed, now, within_days)
    if only_unit is not None:
        frame = frame[frame["unit_code"] == only_unit]
    sent, failed = _sent_today(parsed, day)
    names: dict[str, str] = {}
    emails: dict[str, tuple[str, ...]] = {}
    dues: dict[str, list[Due]] = {}
    already: list[AlreadySent] = []
    for row in frame.to_dict("records"):
        code = str(row["unit_code"])
        key = (code, int(row["year"]), int(row["quarter"]))
        due = Due(
            key[1], key[2], str(row["reason"]), int(row["days"]), _as_date(row["deadline"]), failed.get(key, 0) + 1
        )
        names[code], emails[code] = str(row["name"]), tuple(row["emails"])
        if key in sent:
            already.append(AlreadySent(code, names[code], due, sent[key]))
        else:
            dues.setdefault(code, []).append(due)
    reminders: list[Reminder] = []
    no_address: list[Reminder] = []
    for code, unit_dues in dues.items():
        to = emails[code]
        mail = compose(parsed, now, code, names[code], unit_dues, to, app_url, agency_name) if to else None
        (reminders if to else no_address).append(Reminder(code, names[code], to, tuple(unit_dues), mail))
    return Batch(now, within_days, parsed.reminders_tab, tuple(reminders), tuple(no_address), tuple(already))


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _one_line(text: str) -> str:
    """Text from the sheet in a header: no line breaks, no runs of spaces."""
    return " ".join(str(text).split())


def subject(name: str, dues: Sequence[Due]) -> str:
    """The subject of a unit's reminder: which report, and how late or how soon."""
    who = _one_line(name)
    if len(dues) > 1:
        return f"Nhắc nộp {len(dues)} báo cáo quý công tác truyền thông CCHC chưa nộp – {who}"
    due = dues[0]
    which = f"báo cáo quý {ROMAN[due.quarter]}/{due.year}"
    if due.reason == "overdue":
        return f"Nhắc nộp {which} công tác truyền thông CCHC: đã quá hạn {fmt.days(due.days)} – {who}"
    left = "hôm nay là hạn cuối" if due.days == 0 else f"còn {fmt.days(due.days)}"
    return f"Nhắc nộp {which} công tác truyền thông CCHC: hạn {fmt.day(due.deadline)} ({left}) – {who}"


def _lacking(parsed: Parsed, now: datetime, unit_code: str, due: Due) -> list[str]:
    """What the quarter still lacks for the unit: areas of that year's plan with no activity, unmet targets."""
    summary = summarize(parsed, quarter(due.year, due.quarter, parsed.rules), now, [unit_code])
    plan = summary.plan
    lines: list[str] = []
    if summary.plan_notice:
        lines.append(f"   ({summary.plan_notice})")
    missing = summary.uncovered_areas
    whole = len(plan.letters)
    if missing:
        lines.append(
            f"   Nội dung của {plan.name} chưa có hoạt động nào của đơn vị trong quý ({len(missing)}/{whole}):"
        )
        lines += [f"   - {letter}) {plan.area_by_letter[letter].label}" for letter in missing]
    else:
        lines.append(f"   Đơn vị đã có hoạt động cho cả {whole} nội dung của {plan.name} trong quý.")
    unmet = summary.completion_in_period
    unmet = unmet[~unmet["met"].astype(bool)] if len(unmet) else unmet
    if len(unmet):
        lines.append("   Chỉ tiêu của đơn vị chưa đạt:")
        assigned = dict(plan.targets.unit_areas)
        for target in unmet.to_dict("records"):
            gap = f", {target['gap']}" if target["gap"] else ""
            if target["kind"] == "unit_areas":
                what = f"Nội dung được giao ({', '.join(assigned.get(unit_code, ()))}): đã có"
            else:
                what = "Số hoạt động trong quý: đạt"
            lines.append(f"   - {what} {target['actual']}/{target['target']}{gap}")
    return lines


def compose(
    parsed: Parsed,
    now: datetime,
    unit_code: str,
    name: str,
    dues: Sequence[Due],
    to: tuple[str, ...],
    app_url: str | None = None,
    agency_name: str = "",
) -> Mail:
    """A unit's reminder, in Vietnamese: each report due or overdue, what its quarter lacks, the unit's data
    error rows (tab, row, reason), and a link to its page when `app_url` is set."""
    lines = [f"Kính gửi: {name}", ""]
    lines.append("Văn phòng Sở xin nhắc đơn vị về báo cáo quý công tác truyền thông cải cách hành chính (CCHC):")
    lines.append("")
    for number, due in enumerate(dues, start=1):
        lines.append(f"{number}. {due.text}.")
        lines += _lacking(parsed, now, unit_code, due)
        lines.append("")
    problems = parsed.problems
    errors = problems[(problems["unit_code"] == unit_code) & (problems["severity"] == "error")]
    if len(errors):
        lines.append(
            f"Dòng dữ liệu có lỗi của đơn vị ({fmt.number(len(errors))} lỗi; các dòng này không được tính vào số "
            "liệu cho đến khi sửa):"
        )
        lines += [f"- {message}" for message in errors["message"].head(MAX_PROBLEM_LINES)]
        if len(errors) > MAX_PROBLEM_LINES:
            lines.append(f"- … và {fmt.number(len(errors) - MAX_PROBLEM_LINES)} lỗi khác (xem trang của đơn vị).")
    else:
        lines.append("Dữ liệu của đơn vị không có dòng nào bị lỗi.")
    lines.append("")
    if app_url:
        lines.append(f"Xem chi tiết và xác nhận đã nộp báo cáo tại: {app_url.rstrip('/')}/{UNIT_PAGE}")
        lines.append("")
    sender = f" của {agency_name}" if agency_name else ""
    lines.append(
        f"Thư này được gửi tự động từ ứng dụng Theo dõi truyền thông CCHC{sender} lúc {fmt.moment(now)}. "
        "Nếu đơn vị đã nộp báo cáo, xin bỏ qua thư này."
    )
    return Mail(to, subject(name, dues), "\n".join(lines) + "\n")


# ---- sending and recording -------------------------------------------------------------------------------------


def _refused_text(refused: Sequence[str]) -> str:
    return f"máy chủ thư từ chối địa chỉ {', '.join(refused)}" if refused else ""


def _record(
    writer: RowWriter, batch: Batch, reminder: Reminder, at: datetime, status: Status, reason: str, origin: str
) -> None:
    assert batch.tab is not None
    note = f"{reason} ({origin})" if reason else origin
    for due in reminder.dues:
        record = {
            "at": at,
            "unit": reminder.unit_code,
            "year": due.year,
            "quarter": due.quarter,
            "kind": REASONS[due.reason],
            "to": "; ".join(reminder.to),
            "result": SENT if status == "sent" else FAILED,
            "note": note,
        }
        writer.append_record(batch.tab, record, REMINDER_COLUMNS, due.record_id(batch.day, reminder.unit_code))


def send_batch(
    batch: Batch,
    mailer: Mailer,
    writer: RowWriter,
    *,
    origin: str,
    digest_to: Sequence[str] = (),
    agency_name: str = "",
) -> RunReport:
    """Send each reminder and record it in `Nhắc việc` (sent or failed); then the digest to `digest_to` when
    anything was attempted. WriteRefused, before anything is sent, when the sheet has no `Nhắc việc` tab.

    `origin` goes in «Ghi chú» (which command or which person sent it)."""
    if batch.reminders and batch.tab is None:
        raise WriteRefused(NO_TAB)
    at = batch.now.astimezone(VN_TZ).replace(microsecond=0, tzinfo=None)
    outcomes: list[Outcome] = []
    stopped = ""
    for reminder in batch.reminders:
        if stopped:
            outcomes.append(Outcome(reminder, "not_attempted"))
            continue
        assert reminder.mail is not None
        refused: tuple[str, ...] = ()
        try:
            refused = mailer.send(reminder.mail)
            status: Status = "sent"
            reason = ""
        except MailError as exc:
            status, reason = "failed", str(exc)
        try:
            note = f"{origin}; {_refused_text(refused)}" if refused else origin
            _record(writer, batch, reminder, at, status, reason, note)
        except Exception as exc:
            if not isinstance(exc, SourceError):
                log.exception("recording a reminder failed")
            problem = str(exc) if isinstance(exc, SourceError) else f"lỗi ngoài ý muốn ({type(exc).__name__})"
            outcomes.append(Outcome(reminder, status, reason, False, problem, refused))
            stopped = (
                f"Không ghi được vào trang «{batch.tab}» ({problem}); dừng gửi các thư còn lại để lần chạy sau không "
                "gửi trùng."
            )
            continue
        outcomes.append(Outcome(reminder, status, reason, True, refused=refused))
    report = RunReport(batch, tuple(outcomes), stopped, tuple(digest_to))
    if digest_to and outcomes:
        try:
            mailer.send(digest(report, agency_name))
        except MailError as exc:
            return replace(report, digest="failed", digest_reason=str(exc))
        return replace(report, digest="sent")
    return report


def remind_unit(
    user: User,
    parsed: Parsed,
    now: datetime,
    unit_code: str,
    mailer: Mailer,
    writer: RowWriter,
    *,
    within_days: int,
    app_url: str | None = None,
    agency_name: str = "",
) -> RunReport:
    """«Gửi nhắc» on the Cần đôn đốc view: the same reminder for one unit, sent by the office only.

    Raises NotAllowed unless `user` is the office (before anything is read, sent or written), WriteRefused
    when the unit is not to be chased now or has no address."""
    check_can_remind(user)
    batch = prepare(parsed, now, within_days=within_days, app_url=app_url, agency_name=agency_name, only_unit=unit_code)
    if not (batch.reminders or batch.no_address or batch.already):
        raise WriteRefused(f"Đơn vị «{unit_code}» không có báo cáo nào cần đôn đốc lúc này, nên không gửi thư nhắc.")
    if batch.no_address:
        raise WriteRefused(
            f"Đơn vị «{unit_code}» chưa có email trong trang «{UNITS_TAB}», nên chưa gửi được thư nhắc. Thêm email "
            "vào cột «Email» rồi thử lại."
        )
    return send_batch(batch, mailer, writer, origin=f"gửi từ ứng dụng bởi {user.email or 'Văn phòng Sở'}")


# ---- what the office reads --------------------------------------------------------------------------------------


def _quarters(dues: Sequence[Due]) -> str:
    return "; ".join(due.text for due in dues)


def report_lines(report: RunReport) -> list[str]:
    """The run in words, a line per unit, grouped by what happened: the digest's body and the command's output."""
    lines: list[str] = []

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append(title)
            lines.extend(f"- {item}" for item in items)
            lines.append("")

    batch = report.batch
    section(
        "Đã gửi:",
        [
            f"{o.reminder.label} · {_quarters(o.reminder.dues)} · tới {', '.join(o.reminder.to)}"
            + (f" ({_refused_text(o.refused)})" if o.refused else "")
            for o in report.of("sent")
        ],
    )
    section(
        "Gửi lỗi (sẽ gửi lại ở lần chạy sau):",
        [f"{o.reminder.label} · {_quarters(o.reminder.dues)} · {o.reason}" for o in report.of("failed")],
    )
    unrecorded = [o for o in report.outcomes if o.record_error]
    section(
        f"Không ghi được vào trang «{batch.tab}»:",
        [f"{o.reminder.label} · {o.record_error}" for o in unrecorded],
    )
    section(
        "Chưa gửi vì lần chạy đã dừng:",
        [f"{o.reminder.label} · {_quarters(o.reminder.dues)}" for o in report.of("not_attempted")],
    )
    section(
        f"Chưa có email trong trang «{UNITS_TAB}» (không gửi được; thêm email vào cột «Email»):",
        [f"{r.label} · {_quarters(r.dues)}" for r in batch.no_address],
    )
    section(
        "Đã nhắc trước đó trong ngày (không gửi lại):",
        [f"{a.name} ({a.unit_code}) · {a.due.text} · lúc {fmt.moment(a.at)}" for a in batch.already],
    )
    return lines


def digest(report: RunReport, agency_name: str = "") -> Mail:
    """The office's email about a run: what was sent, what failed and why, who has no address."""
    batch = report.batch
    sent, failed = len(report.of("sent")), len(report.of("failed")) + len(report.of("not_attempted"))
    lines = [
        f"Kết quả gửi thư nhắc báo cáo quý công tác truyền thông CCHC lúc {fmt.moment(batch.now)}: "
        f"đã gửi {sent}, chưa gửi được {failed}.",
        "",
    ]
    if report.stopped:
        lines += [report.stopped, ""]
    lines += report_lines(report)
    sender = f" của {agency_name}" if agency_name else ""
    lines.append(f"Thư tổng hợp này được gửi tự động từ ứng dụng Theo dõi truyền thông CCHC{sender}.")
    title = f"Nhắc việc CCHC ngày {fmt.day(batch.day)}: đã gửi {sent}, chưa gửi được {failed}"
    return Mail(tuple(report.digest_to), title, "\n".join(lines) + "\n")


def preview_lines(batch: Batch) -> list[str]:
    """`--dry-run`: what a run would send, a line per email, and what it would not."""
    lines = [
        f"{r.label} · {_quarters(r.dues)} · tới {', '.join(r.to)} · tiêu đề «{r.mail.subject if r.mail else ''}»"
        for r in batch.reminders
    ]
    lines += [f"{r.label} · {_quarters(r.dues)} · chưa có email, không gửi được" for r in batch.no_address]
    lines += [
        f"{a.name} ({a.unit_code}) · {a.due.text} · đã nhắc lúc {fmt.moment(a.at)}, không gửi lại"
        for a in batch.already
    ]
    return lines


def _due_json(due: Due) -> dict[str, object]:
    return {
        "year": due.year,
        "quarter": due.quarter,
        "reason": due.reason,
        "days": due.days,
        "deadline": due.deadline.isoformat(),
    }


def to_json(batch: Batch, report: RunReport | None = None, digest_to: Sequence[str] = ()) -> dict[str, object]:
    """The command's `--json`: each unit with its quarters and what happened (or would happen, without a report)."""
    units: list[dict[str, object]] = []
    outcomes = {o.reminder.unit_code: o for o in report.outcomes} if report is not None else {}
    for reminder in batch.reminders:
        entry: dict[str, object] = {
            "unit_code": reminder.unit_code,
            "name": reminder.name,
            "to": list(reminder.to),
            "quarters": [_due_json(d) for d in reminder.dues],
            "subject": reminder.mail.subject if reminder.mail else None,
        }
        outcome = outcomes.get(reminder.unit_code)
        if outcome is None:
            entry.update(status="would_send", reason="", recorded=False)
        else:
            entry.update(status=outcome.status, reason=outcome.reason, recorded=outcome.recorded)
            if outcome.record_error:
                entry["record_error"] = outcome.record_error
        units.append(entry)
    for reminder in batch.no_address:
        units.append(
            {
                "unit_code": reminder.unit_code,
                "name": reminder.name,
                "to": [],
                "quarters": [_due_json(d) for d in reminder.dues],
                "status": "no_address",
                "reason": f"chưa có email trong trang «{UNITS_TAB}»",
                "recorded": False,
            }
        )
    for sent in batch.already:
        units.append(
            {
                "unit_code": sent.unit_code,
                "name": sent.name,
                "quarters": [_due_json(sent.due)],
                "status": "already_sent",
                "sent_at": sent.at.isoformat(),
                "recorded": True,
            }
        )
    if report is None:
        digest_status, digest_reason = ("would_send" if digest_to and batch.reminders else "none"), ""
    else:
        digest_status, digest_reason = report.digest, report.digest_reason
    return {
        "now": batch.now.isoformat(),
        "day": batch.day.isoformat(),
        "dry_run": report is None,
        "due_soon_days": batch.within_days,
        "tab": batch.tab,
        "units": units,
        "digest": {"to": list(digest_to), "status": digest_status, "reason": digest_reason},
        "stopped": report.stopped if report is not None else "",
        "ok": report.ok if report is not None else True,
    }
