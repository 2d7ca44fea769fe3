"""Lay out a Google spreadsheet from the plan: `python -m sheets setup` (the provisioning command line).

    python -m sheets setup --spreadsheet URL [--units FILE] [--office-email EMAIL ...] [--dry-run]
                           [--credentials KEY.json]

The service account comes from --credentials, GOOGLE_APPLICATION_CREDENTIALS, or [gcp_service_account]
in .streamlit/secrets.toml; share the spreadsheet with its email as an editor first.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from cli import vietnamese
from reporting.errors import CredentialsInvalid, SourceError
from sheets.client import build_client
from sheets.factory import load_service_account
from sheets.setup import read_plan_file, read_units_file, run_setup

SETUP_HELP = """Dựng bố cục bảng tính Google theo Kế hoạch trong một lần gửi (batchUpdate): trang «Đơn vị»,
«Nộp báo cáo», một trang cho mỗi đơn vị, dòng tiêu đề, danh sách chọn Nội dung và Hình thức, định dạng
ngày dd/mm/yyyy, vùng bảo vệ cho trang của từng đơn vị. Chạy lại không thay đổi gì; --dry-run chỉ in các
yêu cầu mà không gửi.

Khoá tài khoản dịch vụ lấy từ --credentials, biến GOOGLE_APPLICATION_CREDENTIALS, hoặc mục
[gcp_service_account] trong .streamlit/secrets.toml; hãy chia sẻ bảng tính cho email của tài khoản đó
với quyền «Người chỉnh sửa» trước."""


def build_parser() -> argparse.ArgumentParser:
    vietnamese.install()
    parser = argparse.ArgumentParser(
        prog="python -m sheets", description="Chuẩn bị bảng tính Google dùng chung cho việc theo dõi truyền thông CCHC."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    setup = commands.add_parser(
        "setup",
        help="dựng bố cục bảng tính theo Kế hoạch (chạy lại không đổi gì)",
        description=SETUP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    setup.add_argument("--spreadsheet", required=True, help="đường dẫn hoặc mã bảng tính Google")
    setup.add_argument("--units", help="danh sách đơn vị (.csv hoặc .xlsx với các cột Mã, Tên đơn vị, Nhóm, Email)")
    setup.add_argument(
        "--office-email",
        action="append",
        default=[],
        help="email cán bộ Văn phòng Sở được sửa mọi trang (lặp lại được)",
    )
    setup.add_argument(
        "--plan",
        help="kế hoạch của một năm (.csv hoặc .xlsx theo bố cục trang «Kế hoạch»): ghi vào bảng tính nếu năm đó chưa có",
    )
    setup.add_argument(
        "--year", type=int, help="năm mà danh sách chọn Nội dung, Hình thức theo (mặc định: kế hoạch mới nhất)"
    )
    setup.add_argument("--credentials", help="tệp khoá JSON của tài khoản dịch vụ")
    setup.add_argument("--dry-run", action="store_true", help="chỉ in các yêu cầu, không gửi gì")
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
        plan_file = read_plan_file(args.plan) if args.plan else None
        client = build_client(account, adapter=adapter)  # type: ignore[arg-type]
        plan = run_setup(
            client,
            args.spreadsheet,
            units=units,
            office_emails=args.office_email,
            dry_run=args.dry_run,
            plan_file=plan_file,
            year=args.year,
        )
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
