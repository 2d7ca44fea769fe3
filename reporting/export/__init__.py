"""Exports of the consolidated table: .xlsx (official layout), .csv (`Chi tiết`) and a .docx report draft.

Every figure comes from `reporting.metrics.summarize` for the chosen period (a quarter, a half-year or the
year, with the Nghị định 09/2019 cut-offs), so a download always equals the screen. The writers are pure
functions `Summary → bytes`; the same inputs, `now` included, give the same bytes, so the page's download
and the CLI's file can be compared byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from reporting.export.csv_file import to_csv, to_csv_semicolon
from reporting.export.docx_file import to_docx
from reporting.export.tables import Table, all_tables, area_table, detail_table, progress_table, summary_table
from reporting.export.xlsx import to_xlsx
from reporting.metrics import Summary, summarize
from reporting.parse import Parsed
from reporting.periods import DEFAULT_RULES, Period, PeriodRules, half, quarter, whole_year
from reporting.settings import Settings

__all__ = [
    "FORMATS",
    "MIME_TYPES",
    "Table",
    "all_tables",
    "area_table",
    "detail_table",
    "export_bytes",
    "export_file",
    "file_name",
    "period_from_args",
    "progress_table",
    "summary_table",
    "to_csv",
    "to_csv_semicolon",
    "to_docx",
    "to_xlsx",
]

Writer = Callable[[Summary, Parsed, Settings], bytes]
# Kind → writer. "csv-excel" is the .csv with semicolons, for Excel set to Vietnamese (a double-click opens
# it in columns); "csv" is RFC 4180 with commas, for other programs.
FORMATS: dict[str, Writer] = {"xlsx": to_xlsx, "csv": to_csv, "csv-excel": to_csv_semicolon, "docx": to_docx}
MIME_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "csv-excel": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def period_from_args(
    year: int,
    quarter_index: int | None = None,
    half_index: int | None = None,
    whole: bool = False,
    rules: PeriodRules = DEFAULT_RULES,
) -> Period:
    """The period named by exactly one of a quarter (1–4), a half (1–2) or the whole year."""
    chosen = sum([quarter_index is not None, half_index is not None, bool(whole)])
    if chosen != 1:
        raise ValueError("Chọn đúng một kỳ: một quý (1–4), 6 tháng (1–2) hoặc cả năm.")
    if quarter_index is not None:
        return quarter(year, quarter_index, rules)
    if half_index is not None:
        return half(year, half_index, rules)
    return whole_year(year, rules)


def file_name(period: Period, kind: str) -> str:
    """'tong-hop-cchc-2023-Q1.xlsx', 'tong-hop-cchc-2023-H2.docx', 'tong-hop-cchc-2023.csv',
    'tong-hop-cchc-2023-Q1-excel.csv' (the semicolon .csv)."""
    kind = kind.lstrip(".").lower()
    if kind == "csv-excel":
        return f"tong-hop-cchc-{period.slug}-excel.csv"
    return f"tong-hop-cchc-{period.slug}.{kind}"


def export_bytes(parsed: Parsed, settings: Settings, period: Period, now: datetime, kind: str) -> bytes:
    """One file's bytes for `period` at moment `now`: what the page offers and the CLI writes. `kind` is a
    key of FORMATS (an extension, or "csv-excel")."""
    kind = kind.lstrip(".").lower()
    if kind not in FORMATS:
        raise ValueError(f"Không xuất được định dạng «.{kind}»; hãy dùng .xlsx, .csv hoặc .docx.")
    return FORMATS[kind](summarize(parsed, period, now), parsed, settings)


def export_file(
    parsed: Parsed,
    settings: Settings,
    out: Path | str,
    *,
    year: int,
    quarter: int | None = None,
    half: int | None = None,
    whole_year: bool = False,
    now: datetime,
    semicolon: bool = False,
) -> Path:
    """Write the period's file to `out`, its format chosen by the extension (a .csv with semicolons when
    `semicolon`); ValueError for a bad request."""
    out = Path(out)
    period = period_from_args(year, quarter, half, whole_year, parsed.rules)
    kind = out.suffix.lstrip(".").lower()
    if semicolon:
        if kind != "csv":
            raise ValueError("--semicolon chỉ dùng cho tệp .csv.")
        kind = "csv-excel"
    data = export_bytes(parsed, settings, period, now, kind)
    out.write_bytes(data)
    return out
