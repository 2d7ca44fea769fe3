"""The command line of the reports, `python -m reporting`: demo, check, followup, remind, summary, export.

Each command is a docstring and a call into the library. SRC is an .xlsx path or a Google Sheets URL;
when omitted, CCHC_SOURCE is used, and without it the demo workbook. Exit codes: 0 fine, 1 the data
has errors (check), 2 bad usage or the source could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from cli import vietnamese
from reporting import fmt, redact
from reporting.config import Config, ConfigError, load_secrets_files, read_config
from reporting.metrics import severity_counts
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ
from reporting.settings import Settings
from reporting.snapshot import Source
from reporting.values import MAX_YEAR, MIN_YEAR


def _now(text: str | None) -> datetime:
    if not text:
        return datetime.now(VN_TZ)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def _moment_arg(text: str) -> str:
    """--now: an ISO 8601 moment (naive means Vietnam time), checked when the arguments are read."""
    try:
        _now(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{text}» không phải thời điểm theo ISO 8601, ví dụ 2024-01-10T09:00 hoặc 2024-01-10"
        ) from None
    return text


def _days_arg(text: str) -> int:
    """A number of days, 0–92 (a quarter at most)."""
    try:
        days = int(text.strip())
    except ValueError:
        days = -1
    if not 0 <= days <= 92:
        raise argparse.ArgumentTypeError(f"«{text}»: số ngày phải là số nguyên từ 0 đến 92")
    return days


def _year_arg(text: str) -> int:
    """--year: a year the data can hold (MIN_YEAR–MAX_YEAR)."""
    if not text.strip().isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise argparse.ArgumentTypeError(f"năm phải là số từ {MIN_YEAR} đến {MAX_YEAR}")
    return int(text)


def _check_out(out: Path, source_text: str | None) -> str | None:
    """Why --out cannot be written, or None: never the source itself, and only into a folder that exists."""
    from sheets.open import is_google

    target = out.expanduser().resolve()
    source = Path(source_text).expanduser().resolve() if source_text and not is_google(source_text) else None
    if source is None and not source_text:
        from reporting.demo import DEFAULT_PATH

        source = Path(DEFAULT_PATH).resolve()
    if source is not None and target == source:
        return "tệp kết quả --out trùng với tệp nguồn dữ liệu: chọn một tên tệp khác để không ghi đè dữ liệu"
    if not target.parent.is_dir():
        return f"thư mục «{target.parent}» của tệp kết quả chưa có"
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        return f"không có quyền ghi tệp kết quả vào «{target.parent}»"
    return None


# Where Streamlit looks for its secrets by default; the command line reads the same files, just as strictly.
SECRETS_FILES = ("~/.streamlit/secrets.toml", ".streamlit/secrets.toml")


def _configuration() -> Config:
    """The app's configuration (secrets file and `CCHC_*`); exit 2 with its Vietnamese problems when unusable."""
    try:
        return read_config(load_secrets_files(list(SECRETS_FILES)), os.environ)
    except ConfigError as exc:
        print("Lỗi: cấu hình chưa đúng.", file=sys.stderr)
        for problem in exc.problems:
            print(f"- {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def _load(args: argparse.Namespace, config: Config | None = None) -> tuple[Parsed, Settings]:
    _source, parsed, settings = _open(args, config)
    return parsed, settings


def _open(args: argparse.Namespace, config: Config | None = None) -> tuple[Source, Parsed, Settings]:
    """The source of --source (or the settings'), read and parsed; exit 2 with a sentence when it cannot be."""
    from reporting.errors import SourceError
    from sheets.open import is_google, open_source

    config = config or _configuration()
    settings = config.settings
    if args.source and redact.looks_secret(args.source):  # a key pasted as the source: never echo it
        print(
            "Lỗi: giá trị của --source giống một khoá bí mật (khoá riêng, mã truy cập): ghi lại cho đúng.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    source_text = args.source or settings.source
    try:
        # Only a Google source needs the key (and gspread's imports, a good part of a second).
        account = _service_account(config) if source_text and is_google(source_text) else None
        source = open_source(source_text, account, clock=lambda: _now(args.now))
        snapshot = source.read()
    except SourceError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return source, parse_snapshot(snapshot, settings.rules), settings


def _service_account(config: Config) -> dict | None:
    """The service-account dict for a Google source: GOOGLE_APPLICATION_CREDENTIALS, else the secrets file."""
    from sheets.factory import load_key_file

    from_file = load_key_file()
    if from_file is not None:
        return from_file
    return dict(config.service_account) if config.service_account is not None else None


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo workbook (a realistic 2023, fixed seed) to --out."""
    from reporting.demo import build_demo

    path = build_demo(args.out)
    print(f"Đã ghi sổ mẫu: {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """List the data problems; exit 1 when there is at least one error."""
    parsed, _ = _load(args)
    problems = parsed.problems
    errors = severity_counts(problems)["errors"]
    if args.json:
        payload = {
            "rows": parsed.rows,
            "activities": len(parsed.activities),
            "blank_rows": parsed.blank_rows,
            "withdrawn_rows": len(parsed.withdrawn),
            "problems": [
                {
                    "tab": p.tab,
                    "row": None if p.row is None or p.row != p.row else int(p.row),
                    "column": p.column,
                    "value": p.value,
                    "severity": p.severity,
                    "message": p.message,
                }
                for p in problems.astype(object).where(problems.notna(), None).itertuples(index=False)
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        from reporting.report_text import check_report

        print(check_report(parsed))
    return 1 if errors else 0


def cmd_followup(args: argparse.Namespace) -> int:
    """The units to chase at --now (the dashboard's «Cần đôn đốc»): a line each, or --json."""
    from reporting.followup import REASONS, describe, email_list, followup

    parsed, settings = _load(args)
    within = settings.due_soon_days if args.within is None else args.within
    frame = followup(parsed, _now(args.now), within)
    if args.json:
        rows = [
            {**row, "deadline": row["deadline"].isoformat(), "emails": list(row["emails"])}
            for row in frame.to_dict("records")
        ]
        print(json.dumps({"within_days": within, "units": rows}, ensure_ascii=False, indent=2))
        return 0
    if frame.empty:
        print(
            f"Không có đơn vị nào cần đôn đốc: không có báo cáo quá hạn, không có báo cáo đến hạn trong {within} ngày."
        )
        return 0
    for row in frame.to_dict("records"):
        errors = f"; {row['errors']} lỗi dữ liệu chưa sửa" if row["errors"] else ""
        print(
            f"{REASONS[row['reason']]} · {row['name']} ({row['unit_code']}) · {describe(row)}{errors} · {', '.join(row['emails']) or 'chưa có email'}"
        )
    print(f"\nEmail để gửi: {email_list(frame) or '(chưa có)'}")
    return 0


REMIND_ORIGIN = "gửi tự động bằng python -m reporting remind"


def cmd_remind(args: argparse.Namespace) -> int:
    """Email each unit to chase at --now (the units `followup` lists, `due_soon_days`) its reminder, record
    each send in «Nhắc việc», then email the office a digest. --dry-run prints what would be sent and sends
    and writes nothing. Exit 1 when a send, a record or the digest failed (a failed send is retried by the
    next run), 2 when it cannot run (configuration, source, no [smtp], no «Nhắc việc» tab)."""
    from reporting.errors import SourceError
    from reporting.remind import NO_TAB, RunReport, prepare, preview_lines, report_lines, send_batch, to_json

    config = _configuration()
    source, parsed, settings = _open(args, config)
    now = _now(args.now)
    batch = prepare(
        parsed, now, within_days=settings.due_soon_days, app_url=settings.app_url, agency_name=settings.agency_name
    )
    digest_to = config.digest_to
    if args.dry_run:
        if args.json:
            print(json.dumps(to_json(batch, None, digest_to), ensure_ascii=False, indent=2))
            return 0
        print(
            f"Chạy thử (--dry-run): không gửi thư, không ghi gì. Lúc {fmt.moment(now)}, sẽ gửi {len(batch.reminders)} thư:"
        )
        for line in preview_lines(batch) or ["(không có đơn vị nào cần nhắc)"]:
            print(f"- {line}")
        if batch.reminders:
            print(
                f"Thư tổng hợp gửi tới: {', '.join(digest_to) or '(không ai: chưa có reminder_digest_to hay [roles] office)'}"
            )
        if config.smtp is None:
            print("Lưu ý: chưa cấu hình mục [smtp] nên lần chạy thật sẽ không gửi được.")
        if batch.tab is None:
            print(f"Lưu ý: {NO_TAB}")
        return 0
    if not batch.reminders:  # nothing to send (none due, or all sent earlier today): no SMTP, no write, no digest
        nothing = RunReport(batch, ())
        if args.json:
            print(json.dumps(to_json(batch, nothing, digest_to), ensure_ascii=False, indent=2))
        else:
            print(f"Không có thư nhắc nào cần gửi lúc {fmt.moment(now)}.")
            for line in report_lines(nothing):
                print(line)
        return 0
    if not (args.source or settings.source):  # the demo's units have made-up addresses: never mail them
        print(
            "Lỗi: chưa chọn nguồn dữ liệu (--source hoặc CCHC_SOURCE), nên đây là sổ dữ liệu mẫu: không gửi thư "
            "nhắc tới các địa chỉ giả của nó. Dùng --dry-run để xem thử.",
            file=sys.stderr,
        )
        return 2
    if config.smtp is None:
        print(
            "Lỗi: chưa cấu hình gửi thư: thêm mục [smtp] (host, port, security, username, password, from_address) vào "
            ".streamlit/secrets.toml (xem README).",
            file=sys.stderr,
        )
        return 2
    from mailer.smtp import SmtpMailer
    from sheets.append import open_writer

    try:
        writer = open_writer(source)
        with SmtpMailer(config.smtp, sender_name=settings.agency_name) as mailer:
            report = send_batch(
                batch, mailer, writer, origin=REMIND_ORIGIN, digest_to=digest_to, agency_name=settings.agency_name
            )
    except SourceError as exc:  # WriteRefused: no «Nhắc việc» tab, a source that cannot be written; nothing sent
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_json(batch, report, digest_to), ensure_ascii=False, indent=2))
    else:
        sent, failed = len(report.of("sent")), len(report.outcomes) - len(report.of("sent"))
        print(f"Thư nhắc lúc {fmt.moment(now)}: đã gửi {sent}, chưa gửi được {failed}.")
        if report.stopped:
            print(report.stopped)
        for line in report_lines(report):
            print(line)
        if report.digest == "sent":
            print(f"Đã gửi thư tổng hợp tới {', '.join(report.digest_to)}.")
        elif report.digest == "failed":
            print(f"Chưa gửi được thư tổng hợp: {report.digest_reason}")
        else:
            print("Không gửi thư tổng hợp: chưa có địa chỉ (reminder_digest_to, hoặc office trong [roles]).")
    return 0 if report.ok else 1


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the quarter's figures as JSON (DESIGN.md's format)."""
    from reporting.metrics import summarize_quarter

    parsed, _ = _load(args)
    summary = summarize_quarter(parsed, args.year, args.quarter, _now(args.now))
    print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the consolidated table of a period to --out: .xlsx, .csv or .docx by its extension."""
    from reporting.export import export_file

    out = Path(args.out)
    config = _configuration()
    refused = _check_out(out, args.source or config.settings.source)
    if refused:
        print(f"Lỗi: {refused}.", file=sys.stderr)
        return 2
    parsed, settings = _load(args, config)
    try:
        export_file(
            parsed,
            settings,
            out,
            year=args.year,
            quarter=args.quarter,
            half=args.half,
            whole_year=args.whole_year,
            now=_now(args.now),
            semicolon=getattr(args, "semicolon", False),
        )
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a file locked by Excel…: a sentence, never a traceback
        print(
            f"Lỗi: không ghi được tệp «{out.name}» ({type(exc).__name__}: {exc.strerror or 'lỗi hệ thống'}).",
            file=sys.stderr,
        )
        return 2
    print(f"Đã ghi {out}")
    return 0


DESCRIPTIONS = {
    "demo": "Ghi sổ dữ liệu mẫu (một năm 2023 như thật, luôn giống nhau) vào tệp --out.",
    "check": "Liệt kê lỗi và cảnh báo dữ liệu, kèm trang, dòng, cột. Mã thoát 1 khi có lỗi, 0 khi không có.",
    "followup": "Liệt kê các đơn vị cần đôn đốc: báo cáo quý quá hạn, hoặc sắp đến hạn mà chưa nộp, kèm email và số lỗi dữ liệu.",
    "remind": (
        "Gửi thư nhắc tới từng đơn vị cần đôn đốc (báo cáo quá hạn hoặc đến hạn trong due_soon_days ngày): hạn nộp, "
        "nội dung còn thiếu trong quý, các dòng dữ liệu lỗi, đường dẫn tới trang của đơn vị; ghi mỗi lần gửi vào "
        "trang «Nhắc việc» (chạy lại trong ngày không gửi trùng, thư gửi lỗi được gửi lại lần sau) và gửi Văn phòng "
        "Sở một thư tổng hợp. Dùng cho cron hoặc Task Scheduler. Mã thoát 0: gửi hết; 1: có thư chưa gửi được; "
        "2: không chạy được."
    ),
    "summary": "In số liệu tổng hợp của một quý dưới dạng JSON: kỳ, tổng số, hình thức, nội dung, từng đơn vị.",
    "export": "Ghi bảng tổng hợp của một kỳ (quý, 6 tháng hoặc cả năm) ra tệp .xlsx, .csv hoặc .docx theo đuôi tệp.",
}


def build_parser() -> argparse.ArgumentParser:
    vietnamese.install()
    parser = argparse.ArgumentParser(
        prog="python -m reporting",
        description="Theo dõi công tác truyền thông CCHC: kiểm tra dữ liệu, tổng hợp số liệu, xuất báo cáo.",
    )
    parser.add_argument("--debug", action="store_true", help="khi có lỗi ngoài ý muốn, in cả chi tiết kỹ thuật")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=DESCRIPTIONS[name])
        sub.set_defaults(func=func)
        return sub

    demo = add("demo", cmd_demo, "ghi sổ dữ liệu mẫu (năm 2023 và 2024)")
    demo.add_argument("--out", required=True, help="tệp .xlsx sẽ ghi")

    for name, func, help_text in (
        ("check", cmd_check, "kiểm tra lỗi dữ liệu"),
        ("followup", cmd_followup, "các đơn vị cần đôn đốc"),
        ("remind", cmd_remind, "gửi thư nhắc các đơn vị cần đôn đốc"),
        ("summary", cmd_summary, "số liệu tổng hợp của một quý (JSON)"),
        ("export", cmd_export, "xuất bảng tổng hợp .xlsx, .csv hoặc .docx"),
    ):
        sub = add(name, func, help_text)
        sub.add_argument("--source", help="tệp .xlsx hoặc URL Google Sheets (mặc định: CCHC_SOURCE, rồi sổ mẫu)")
        sub.add_argument(
            "--now", type=_moment_arg, help="thời điểm tính trạng thái báo cáo, ISO 8601 (mặc định: bây giờ)"
        )
        if name in ("check", "followup", "remind"):
            sub.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        if name == "followup":
            sub.add_argument(
                "--within",
                type=_days_arg,
                metavar="N",
                help="báo cáo đến hạn trong N ngày tới (mặc định: cấu hình due_soon_days, 7)",
            )
        if name == "remind":
            sub.add_argument(
                "--dry-run", action="store_true", help="chỉ in những thư sẽ gửi; không gửi thư, không ghi gì"
            )
        if name not in ("check", "followup", "remind"):
            sub.add_argument("--year", type=_year_arg, required=True, help="năm, ví dụ 2023")
        if name == "summary":
            sub.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4], help="quý 1–4")
        if name == "export":
            group = sub.add_mutually_exclusive_group(required=True)
            group.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="quý 1–4")
            group.add_argument("--half", type=int, choices=[1, 2], help="6 tháng đầu (1) hoặc cuối (2) năm")
            group.add_argument("--whole-year", action="store_true", help="cả năm")
            sub.add_argument("--out", required=True, help="tệp kết quả: .xlsx, .csv hoặc .docx")
            sub.add_argument(
                "--semicolon",
                action="store_true",
                help="tệp .csv ngăn cách bằng dấu chấm phẩy, để Excel tiếng Việt mở thành cột",
            )
    return parser


CRASH_DIR_VARIABLE = "CCHC_CRASH_DIR"  # where the details of an unexpected error go (default: the temp folder)


def _write_crash_report(detail: str) -> Path | None:
    """The traceback (secrets blanked) in a new file only its owner may read; None when it cannot be written."""
    folder = os.environ.get(CRASH_DIR_VARIABLE) or None
    try:
        fd, name = tempfile.mkstemp(prefix="cchc-loi-", suffix=".txt", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(detail)
    except OSError:
        return None
    return Path(name)


def main(argv: list[str] | None = None) -> int:
    """Run one command. An unexpected error prints one Vietnamese line, with where its details were written
    (a traceback could quote a secret a library was given, so it is blanked and never printed unasked);
    `--debug` prints the traceback too."""
    redact.install()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # SystemExit (bad input, exit 2) passes through
        detail = redact.REDACTOR.clean(traceback.format_exc())
        report = _write_crash_report(detail)
        where = f"chi tiết đã ghi vào tệp {report}" if report else "không ghi được tệp chi tiết"
        print(
            f"Lỗi ngoài ý muốn ({type(exc).__name__}); {where}. Chạy lại với --debug để xem chi tiết ngay, "
            "hoặc gửi tệp đó cho người quản trị ứng dụng.",
            file=sys.stderr,
        )
        if args.debug:
            print(detail, file=sys.stderr)
        return 2
