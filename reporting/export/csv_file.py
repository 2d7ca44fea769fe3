"""The .csv export: the `Chi tiết` table, UTF-8 with a byte-order mark so Excel shows Vietnamese correctly.

RFC 4180 (comma, CRLF, quotes as needed); `to_csv_semicolon` is the same table separated by semicolons, which
Excel set to Vietnamese (list separator ";") opens in columns with a double-click. Numbers are plain
digits so the file stays machine-readable;
dates are dd/mm/yyyy. Text that a spreadsheet would run as a formula gets OWASP's leading apostrophe,
while numbers, negative ones included, are left alone. An empty period gives the header line only.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from reporting import fmt
from reporting.export.common import csv_safe
from reporting.export.tables import DETAIL_COLUMNS, detail_columns
from reporting.metrics import Summary
from reporting.parse import Parsed
from reporting.settings import Settings


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return csv_safe(str(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return fmt.day(value)
    return csv_safe(str(value))


def _column(values: list[Any]) -> list[str]:
    """A column's cells as text, each distinct value worked out once (25,000 rows repeat a lot)."""
    seen: dict[Any, str] = {}
    out = []
    for value in values:
        shown = seen.get(value)
        if shown is None:
            shown = seen[value] = _cell(value)
        out.append(shown)
    return out


def to_csv(
    summary: Summary, parsed: Parsed | None = None, settings: Settings | None = None, delimiter: str = ","
) -> bytes:
    """Every activity of the period, as the `Chi tiết` sheet lists them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow([c.header for c in DETAIL_COLUMNS])
    if not summary.activities.empty:
        writer.writerows(zip(*(_column(values) for values in detail_columns(summary)), strict=True))
    return buffer.getvalue().encode("utf-8-sig")


def to_csv_semicolon(summary: Summary, parsed: Parsed | None = None, settings: Settings | None = None) -> bytes:
    """`to_csv` with semicolons: for Excel in Vietnamese, where a comma is the decimal mark."""
    return to_csv(summary, parsed, settings, delimiter=";")
