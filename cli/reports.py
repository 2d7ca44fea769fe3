"""The command line of the reports, `python -m reporting`: demo, check, summary, export.

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
from reporting import redact
from reporting.config import Config, ConfigError, load_secrets_files, read_config
from reporting.metrics import severity_counts
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ
from reporting.settings import Settings
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
    return parse_snapshot(snapshot, settings.rules), settings


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

    parsed, _ = _load(args)
    frame = followup(parsed, _now(args.now), args.within)
    if args.json:
        rows = [
            {**row, "deadline": row["deadline"].isoformat(), "emails": list(row["emails"])}
            for row in frame.to_dict("records")
        ]
        print(json.dumps({"within_days": args.within, "units": rows}, ensure_ascii=False, indent=2))
        return 0
    if frame.empty:
        print(
            f"Không có đơn vị nào cần đôn đốc: không có báo cáo quá hạn, không có báo cáo đến hạn trong {args.within} ngày."
        )
        return 0
    for row in frame.to_dict("records"):
        errors = f"; {row['errors']} lỗi dữ liệu chưa sửa" if row["errors"] else ""
        print(
            f"{REASONS[row['reason']]} · {row['name']} ({row['unit_code']}) · {describe(row)}{errors} · {', '.join(row['emails']) or 'chưa có email'}"
        )
    print(f"\nEmail để gửi: {email_list(frame) or '(chưa có)'}")
    return 0


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
        ("summary", cmd_summary, "số liệu tổng hợp của một quý (JSON)"),
        ("export", cmd_export, "xuất bảng tổng hợp .xlsx, .csv hoặc .docx"),
    ):
        sub = add(name, func, help_text)
        sub.add_argument("--source", help="tệp .xlsx hoặc URL Google Sheets (mặc định: CCHC_SOURCE, rồi sổ mẫu)")
        sub.add_argument(
            "--now", type=_moment_arg, help="thời điểm tính trạng thái báo cáo, ISO 8601 (mặc định: bây giờ)"
        )
        if name in ("check", "followup"):
            sub.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        if name == "followup":
            sub.add_argument(
                "--within", type=_days_arg, default=7, metavar="N", help="báo cáo đến hạn trong N ngày tới (mặc định 7)"
            )
        if name not in ("check", "followup"):
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
