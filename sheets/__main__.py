"""Command line of the data layer.

    python -m sheets setup --spreadsheet URL [--units FILE] [--office-email EMAIL ...] [--dry-run]
                           [--credentials KEY.json]

setup   lays out the spreadsheet from the plan in one batchUpdate (tabs, headers, dropdowns, date format,
        protected unit tabs). Running it again changes nothing. --dry-run prints the requests instead.

The service account comes from --credentials, GOOGLE_APPLICATION_CREDENTIALS, or [gcp_service_account]
in .streamlit/secrets.toml; share the spreadsheet with its email as an editor first.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from reporting.errors import CredentialsInvalid, SourceError
from sheets.client import build_client
from sheets.factory import load_service_account
from sheets.setup import read_units_file, run_setup


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sheets", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser(
        "setup",
        help="lay out a Google spreadsheet from the plan (idempotent)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    setup.add_argument("--spreadsheet", required=True, help="Google Sheets URL or key")
    setup.add_argument("--units", help="units list (.csv or .xlsx with Mã, Tên đơn vị, Nhóm, Email)")
    setup.add_argument("--office-email", action="append", default=[], help="office editor (repeatable)")
    setup.add_argument("--credentials", help="service-account key file (JSON)")
    setup.add_argument("--dry-run", action="store_true", help="print the requests, send nothing")
    return parser


def main(argv: Sequence[str] | None = None, *, adapter: object | None = None) -> int:
    """Entry point; `adapter` is the transport seam tests use to reach the fake server."""
    args = build_parser().parse_args(argv)
    try:
        account = load_service_account(args.credentials)
        if account is None:
            raise CredentialsInvalid(
                "Không tìm thấy khoá tài khoản dịch vụ: dùng --credentials, biến GOOGLE_APPLICATION_CREDENTIALS "
                "hoặc mục [gcp_service_account] trong .streamlit/secrets.toml."
            )
        units = read_units_file(args.units) if args.units else None
        client = build_client(account, adapter=adapter)  # type: ignore[arg-type]
        plan = run_setup(client, args.spreadsheet, units=units, office_emails=args.office_email, dry_run=args.dry_run)
    except SourceError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(json.dumps({"requests": plan.requests}, ensure_ascii=False, indent=2))
    elif plan.requests:
        summary = ", ".join(f"{kind} × {n}" for kind, n in sorted(plan.kinds().items()))
        print(f"Đã cập nhật bảng tính trong một lần gửi: {summary}.")
    else:
        print("Bảng tính đã đúng bố cục: không có gì cần thay đổi.")
    for note in plan.notes:
        print(f"Lưu ý: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
