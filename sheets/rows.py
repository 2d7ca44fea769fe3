"""Where a written row's values go, for both writers: the tab's header as the parser finds it, the
columns to add, the row holding a record id; and, for a correction, the row as it is now and what to write."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reporting.corrections import RowState, conflict, differences
from reporting.errors import WriteRefused
from reporting.schema import RECORD_ID_KEY, Column, Header, find_header
from reporting.snapshot import Cell


@dataclass
class RowPlan:
    header_row: int  # 1-based
    positions: dict[str, int]  # column key -> 0-based index
    new_headers: dict[int, str]  # header cells to add (index -> text)
    id_col: int


def plan_columns(
    rows: list[list[Cell]], columns: tuple[Column, ...], wanted: set[str], *, with_id: bool = True
) -> RowPlan:
    """The header as the parser finds it (`reporting.schema.find_header`; the first row of an empty or
    headerless tab); headers added for the record id (unless `with_id` is False: a correction writes none)
    and any missing wanted column, to the right of every filled cell of the header and the rows below it (a
    note typed in a column without a header stays a note, never becomes a record id)."""
    found = find_header(rows, columns)
    header_index = found.index if found is not None else 0
    positions: dict[str, int] = dict(found.positions) if found is not None else {}
    used = max((_width(row) for row in rows[header_index:]), default=0)
    new_headers: dict[int, str] = {}
    for column in columns:
        if column.key in positions or (column.key not in wanted and (column.key != RECORD_ID_KEY or not with_id)):
            continue
        positions[column.key] = used
        new_headers[used] = column.header
        used += 1
    return RowPlan(header_index + 1, positions, new_headers, positions.get(RECORD_ID_KEY, -1))


def _width(row: list[Cell]) -> int:
    """Columns up to the last filled cell."""
    used = len(row)
    while used and (row[used - 1] is None or row[used - 1] == ""):
        used -= 1
    return used


def find_record(rows: list[list[Cell]], plan: RowPlan, record_id: str) -> int | None:
    """The 1-based row holding `record_id` below the header, or None (spaces around either do not count)."""
    wanted = record_id.strip()
    for offset, row in enumerate(rows[plan.header_row :]):
        if plan.id_col < len(row) and str(row[plan.id_col]).strip() == wanted:
            return plan.header_row + offset + 1
    return None


def build_row(plan: RowPlan, record: Mapping[str, Cell], record_id: str, convert: Callable[[Cell], Any]) -> list[Any]:
    values = {**record, RECORD_ID_KEY: record_id}
    width = max(plan.positions.values()) + 1
    row: list[Any] = [""] * width
    for key, value in values.items():
        if key in plan.positions and value is not None:
            row[plan.positions[key]] = convert(value)
    return row


def wanted_columns(record: Mapping[str, Cell]) -> set[str]:
    """The columns the record fills (a missing one gets a header)."""
    return {key for key, value in record.items() if value not in (None, "")}


# ---- corrections ---------------------------------------------------------------------------------------------
def _data_header(rows: list[list[Cell]], tab: str, row: int, columns: tuple[Column, ...]) -> Header:
    header = find_header(rows, columns)
    if header is None:
        raise WriteRefused(f"Trang «{tab}» không có dòng tiêu đề nhận ra được nên không sửa được dòng nào từ ứng dụng.")
    if row <= header.index + 1:
        raise WriteRefused(f"Dòng {row} của trang «{tab}» là dòng tiêu đề hoặc ở trên nó, không phải một hoạt động.")
    return header


def _cells(rows: list[list[Cell]], header: Header, row: int) -> dict[str, Cell]:
    values = rows[row - 1] if row - 1 < len(rows) else []
    return {key: values[pos] if pos < len(values) else None for key, pos in header.positions.items()}


def row_state(rows: list[list[Cell]], tab: str, row: int, columns: tuple[Column, ...]) -> RowState:
    """Row `row` (1-based) of a tab's rows, by the tab's header: what a correction form starts from."""
    header = _data_header(rows, tab, row, columns)
    values = _cells(rows, header, row)
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
        raise WriteRefused(f"Dòng {row} của trang «{tab}» đang trống: không có gì để sửa.")
    return RowState(tab, row, values, dict(header.headers))


def plan_update(
    rows: list[list[Cell]],
    tab: str,
    row: int,
    expected: Mapping[str, Cell],
    changes: Mapping[str, Cell],
    columns: tuple[Column, ...],
) -> tuple[RowPlan, dict[int, Cell] | None]:
    """Where the changed cells go (0-based column → value; None: a cell to clear), after checking the row still
    holds `expected`. None instead of the cells when it already holds the change (a retry whose first try
    landed). Raises EditConflict when it holds anything else."""
    header = _data_header(rows, tab, row, columns)
    now = _cells(rows, header, row)
    changed = differences(now, expected)
    if changed:
        if not differences(now, {**expected, **changes}):
            return plan_columns(rows, columns, set(changes), with_id=False), None
        raise conflict(RowState(tab, row, expected, dict(header.headers)), changed, now)
    plan = plan_columns(rows, columns, set(changes), with_id=False)
    return plan, {plan.positions[key]: value for key, value in changes.items()}
