"""What every export format shares: Vietnamese wording of dates and numbers, titles, and cell hygiene.

Numbers and dates in tables come from `reporting.fmt` (the dashboard's own wording); this module adds what
only documents need: titles, the period line and "ngày 05 tháng 3 năm 2023" in the place-and-date line,
with the leading zeros Nghị định 30/2020 asks for. Text from the sheets is data: `text` NFC-normalises
it, and `csv_safe` neutralises what a spreadsheet would run as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from typing import Any

import pandas as pd

from reporting.periods import VN_TZ, Period

TITLE_PREFIX = "KẾT QUẢ CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH"
MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
EMPTY_TEXT = "Không có hoạt động nào trong kỳ"

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# "-5" or "-1.200,5" is a number, not a formula: left alone so negative figures survive a round trip.
_NEGATIVE_NUMBER = re.compile(r"-\d[\d.,]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text(value: Any) -> str | None:
    """A cell's text as written, NFC-normalised, without the control characters XML cannot hold (a vertical
    tab pasted into a sheet would otherwise stop the .docx); None for blanks (None, NaN, '')."""
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)):
        return None
    out = _CONTROL.sub("", unicodedata.normalize("NFC", str(value))).strip()
    return out or None


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would read this text as a formula (a negative number is not one)."""
    return value.startswith(FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(value)


def csv_safe(value: str) -> str:
    """OWASP's neutralisation: a leading apostrophe makes a formula-like cell plain text."""
    return "'" + value if formula_like(value) else value


def local_naive(moment: datetime) -> datetime:
    """A moment as Vietnam's wall-clock time without a zone (what a spreadsheet cell can hold)."""
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return moment.replace(tzinfo=None)


def plain_date(day: date) -> str:
    """14/3/2023: the style of the plan's own dates ("trước ngày 15/3"), used in the period line."""
    return f"{day.day}/{day.month}/{day.year}"


def period_line(period: Period) -> str:
    """'(Từ ngày 15/12/2022 đến ngày 14/3/2023)'."""
    return f"(Từ ngày {plain_date(period.start)} đến ngày {plain_date(period.end)})"


def table_title(period: Period) -> str:
    """'BẢNG TỔNG HỢP KẾT QUẢ … QUÝ I NĂM 2023'."""
    return f"BẢNG TỔNG HỢP {TITLE_PREFIX} {period.label.upper()}"


def report_subject(period: Period) -> str:
    """The report's subject line: 'Kết quả công tác … quý I năm 2023'."""
    return f"{TITLE_PREFIX.capitalize()} {period.label}"


def place_date(place: str, now: datetime | None) -> str:
    """'Bình Định, ngày 05 tháng 3 năm 2023' (ND 30: days below 10 and months 1–2 take a leading zero).

    With `now` None the day and month are left as dots for the office to fill on issuing.
    """
    if now is None:
        return f"{place}, ngày … tháng … năm …"
    local = now.astimezone(VN_TZ) if now.tzinfo else now
    month = f"{local.month:02d}" if local.month <= 2 else str(local.month)
    return f"{place}, ngày {local.day:02d} tháng {month} năm {local.year}"


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx) with constant member times, so the same inputs always give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
