"""Lay out a spreadsheet from the plan, in one batchUpdate: the I/O of `python -m sheets setup`.

Reads: the tab list (1 request), every relevant tab's values (1 batchGet), and the validation and number
format of the first data row of existing tabs (1 request); `sheets.setup_plan.plan_setup` decides, and at
most one batchUpdate is sent. `dry_run` returns the requests instead of sending them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import gspread
from gspread.utils import absolute_range_name
from openpyxl import load_workbook

from reporting.errors import SourceError
from reporting.schema import UNITS_TAB
from reporting.text import fold
from sheets.client import service_account_email
from sheets.google import GoogleSheetSource
from sheets.setup_plan import SetupPlan, Unit, grid_probes, parse_grid, plan_setup, units_from_rows


def read_units_file(path: str | Path) -> list[Unit]:
    """Units from a .csv (UTF-8, comma or semicolon) or .xlsx file with the `Đơn vị` columns."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            book = load_workbook(path, read_only=True, data_only=True)
            sheet = next((s for s in book.worksheets if fold(s.title) == fold(UNITS_TAB)), book.worksheets[0])
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            book.close()
        else:
            text = path.read_text(encoding="utf-8-sig")
            dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t") if text.strip() else csv.excel
            rows = list(csv.reader(io.StringIO(text), dialect))
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        raise SourceError(f"Không đọc được danh sách đơn vị «{path}» ({type(exc).__name__}).") from None
    units = units_from_rows(rows)
    if not units:
        raise SourceError(
            f"Tệp «{path.name}» không có đơn vị nào: cần dòng tiêu đề có cột «Mã» và «Tên đơn vị» (tuỳ chọn: "
            "Nhóm, Email)."
        )
    return units


def run_setup(
    client: gspread.Client,
    spreadsheet: str,
    *,
    units: Iterable[Unit] | None = None,
    office_emails: Sequence[str] = (),
    dry_run: bool = False,
) -> SetupPlan:
    """Read the spreadsheet, plan, and (unless `dry_run`) send the one batchUpdate."""
    source = GoogleSheetSource(spreadsheet, client)
    http = client.http_client
    with source.errors():
        meta = http.fetch_sheet_metadata(
            source.key,
            params={
                "includeGridData": "false",
                "fields": "sheets(properties(sheetId,title,index,gridProperties),protectedRanges)",
            },
        )
        titles = [s["properties"]["title"] for s in meta.get("sheets", [])]
        raw = http.values_batch_get(
            source.key,
            [absolute_range_name(t) for t in titles],
            params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
        )
        values = {t: vr.get("values", []) for t, vr in zip(titles, raw.get("valueRanges", []), strict=True)}
        probes = grid_probes(meta, values)
        grid = {}
        if probes:
            grid = parse_grid(
                http.fetch_sheet_metadata(
                    source.key,
                    params={
                        "includeGridData": "true",
                        "ranges": probes,
                        "fields": "sheets(properties.title,data(startRow,startColumn,"
                        "rowData.values(dataValidation,userEnteredFormat.numberFormat)))",
                    },
                )
            )
        plan = plan_setup(meta, values, grid, units, office_emails, service_account_email(client))
        if plan.requests and not dry_run:
            http.batch_update(source.key, {"requests": plan.requests})
    return plan
