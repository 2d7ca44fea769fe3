"""Lay out a spreadsheet from the plan, in one batchUpdate: the I/O of `python -m sheets setup`.

Reads: the tab list (1 request), every relevant tab's values (1 batchGet), and the validation and number
format of the first data row of existing tabs (1 request); `sheets.setup_plan.plan_setup` decides, and at
most one batchUpdate is sent. `dry_run` returns the requests instead of sending them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gspread
from gspread.utils import absolute_range_name
from openpyxl import load_workbook

from reporting.errors import SourceError
from reporting.parse import parse_snapshot
from reporting.plan import PLAN_2023, Plan, Plans
from reporting.schema import PLAN_COLUMNS, PLAN_TAB, UNIT_COLUMNS, UNITS_TAB, find_header
from reporting.snapshot import Snapshot, rows_from_values
from reporting.text import fold
from reporting.values import parse_year
from sheets.client import service_account_email
from sheets.google import GoogleSheetSource
from sheets.setup_plan import (
    SetupPlan,
    Unit,
    grid_probes,
    parse_grid,
    plan_records,
    plan_setup,
    plan_years,
    units_from_rows,
)


def _read_rows(path: Path, tab: str, what: str) -> list[list[Any]]:
    """The rows of a .csv (UTF-8, comma or semicolon) or of an .xlsx (its tab `tab`, else its first)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            book = load_workbook(path, read_only=True, data_only=True)
            sheet = next((s for s in book.worksheets if fold(s.title) == fold(tab)), book.worksheets[0])
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            book.close()
            return rows
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t") if text.strip() else csv.excel
        return list(csv.reader(io.StringIO(text), dialect))
    except (OSError, ValueError, KeyError, IndexError, csv.Error) as exc:
        raise SourceError(f"Không đọc được {what} «{path}» ({type(exc).__name__}).") from None


def read_units_file(path: str | Path) -> list[Unit]:
    """Units from a .csv (UTF-8, comma or semicolon) or .xlsx file with the `Đơn vị` columns."""
    path = Path(path)
    rows = _read_rows(path, UNITS_TAB, "danh sách đơn vị")
    units = units_from_rows(rows)
    if not units:
        raise SourceError(
            f"Tệp «{path.name}» không có đơn vị nào: cần dòng tiêu đề có cột «Mã» và «Tên đơn vị» (tuỳ chọn: "
            "Nhóm, Email)."
        )
    return units


def read_plan_file(path: str | Path) -> list[list[Any]]:
    """A year's plan (or several years') in the `Kế hoạch` layout, from a .csv or .xlsx file."""
    path = Path(path)
    rows = _read_rows(path, PLAN_TAB, "tệp kế hoạch")
    if not plan_records(rows):
        raise SourceError(
            f"Tệp «{path.name}» không có dòng kế hoạch nào: cần dòng tiêu đề có các cột «Năm», «Mục», «Ký hiệu» "
            "(xem README, mục Kế hoạch của từng năm)."
        )
    return rows


def _plans_with(
    values: dict[str, list[list[Any]]], plan_file: Sequence[Sequence[Any]] | None, adding: Iterable[Unit]
) -> tuple[Plans, Any]:
    """The plans the spreadsheet will hold once the file's new years (and the units being added) are in it,
    and the file's problems (read as the app reads the tab: the same rules and messages), or None."""
    listed = next((v for t, v in values.items() if fold(t) == fold(UNITS_TAB)), None)
    rows = [list(r) for r in listed] if listed else [["Mã", "Tên đơn vị"]]
    known = {fold(u.code) for u in units_from_rows(rows)}
    header = find_header(rows, UNIT_COLUMNS)
    for unit in adding:
        if header is not None and fold(unit.code) not in known:
            row: list[Any] = [None] * (max(header.positions.values()) + 1)
            row[header.positions["code"]], row[header.positions["name"]] = unit.code, unit.name
            rows.append(row)
    units = {UNITS_TAB: rows}
    held = next((v for t, v in values.items() if fold(t) == fold(PLAN_TAB)), [])
    if not plan_file:
        return parse_snapshot(_snapshot({**units, PLAN_TAB: held})).plans, None
    checked = parse_snapshot(_snapshot({**units, PLAN_TAB: [list(r) for r in plan_file]}))
    problems = checked.problems[checked.problems["tab"] == PLAN_TAB]
    new = plan_years(plan_file) - plan_years(held)
    records = [r for r in plan_records(plan_file) if parse_year(r.get("year", ""))[0] in new]
    found = find_header(held, PLAN_COLUMNS) if held else None
    if found is None:  # no tab yet (or no header in it): the rows as setup will write them
        merged = [[c.header for c in PLAN_COLUMNS], *([r.get(c.key) for c in PLAN_COLUMNS] for r in records)]
    else:
        width = max(found.positions.values()) + 1
        merged = [list(r) for r in held]
        for record in records:
            cells: list[Any] = [None] * width
            for key, at in found.positions.items():
                cells[at] = record.get(key)
            merged.append(cells)
    return parse_snapshot(_snapshot({**units, PLAN_TAB: merged})).plans, problems


def _dropdown_plan(plans: Plans, year: int | None) -> Plan:
    """The plan the unit tabs' dropdowns offer: `year`'s, else the newest in the spreadsheet, else 2023's."""
    if year is not None:
        return plans.for_year(year)
    return plans.plans[-1] if plans.from_tab else PLAN_2023


def _snapshot(tabs: dict[str, list[list[Any]]]) -> Snapshot:
    return Snapshot({t: rows_from_values(v) for t, v in tabs.items()}, datetime.now(UTC), "setup")


def run_setup(
    client: gspread.Client,
    spreadsheet: str,
    *,
    units: Iterable[Unit] | None = None,
    office_emails: Sequence[str] = (),
    dry_run: bool = False,
    plan_file: Sequence[Sequence[Any]] | None = None,
    year: int | None = None,
) -> SetupPlan:
    """Read the spreadsheet, plan, and (unless `dry_run`) send the one batchUpdate. `plan_file` (rows in the
    `Kế hoạch` layout) adds its years the spreadsheet lacks; the dropdowns follow the plan of `year` (by
    default the newest plan the spreadsheet will hold, or the built-in 2023 plan)."""
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
        units = list(units or [])
        plans, file_problems = _plans_with(values, plan_file, units)
        if file_problems is not None and (file_problems["severity"] == "error").any():
            errors = file_problems[file_problems["severity"] == "error"]["message"].tolist()
            more = f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else ""
            raise SourceError("Tệp kế hoạch có lỗi, chưa ghi gì vào bảng tính: " + " ".join(errors[:5]) + more)
        dropdowns = _dropdown_plan(plans, year)
        plan = plan_setup(
            meta,
            values,
            grid,
            units,
            office_emails,
            service_account_email(client),
            plan_records(plan_file) if plan_file else (),
            dropdowns,
        )
        if year is not None and dropdowns.year != year:
            plan.notes.append(f"Năm {year} chưa có kế hoạch riêng: danh sách chọn theo {dropdowns.name}.")
        if plan.requests and not dry_run:
            http.batch_update(source.key, {"requests": plan.requests})
    return plan
