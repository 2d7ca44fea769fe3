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
MOTTO = "Độc lập - Tự do - Hạnh phúc"  # ND 30/2020, Phụ lục I: hyphens between the words, with spaces
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
    """14/03/2023: one date format, dd/mm/yyyy, in every table and sentence of the documents."""
    return f"{day:%d/%m/%Y}"


def period_line(period: Period) -> str:
    """'(Từ ngày 15/12/2022 đến ngày 14/03/2023)'."""
    return f"(Từ ngày {plain_date(period.start)} đến ngày {plain_date(period.end)})"


def table_title(period: Period) -> str:
    """'BẢNG TỔNG HỢP KẾT QUẢ … QUÝ I NĂM 2023'."""
    return f"BẢNG TỔNG HỢP {TITLE_PREFIX} {period.label.upper()}"


def report_subject(period: Period) -> str:
    """The report's subject line: 'Kết quả công tác … quý I năm 2023'."""
    return f"{TITLE_PREFIX.capitalize()} {period.label}"


def letterhead_lines(name: str) -> list[str]:
    """An agency's name as the letterhead prints it, in capitals, broken where the official name breaks.

    A line break typed in the setting is kept; otherwise a name too long for one line of the 7 cm column
    breaks before its last "VÀ" (SỞ LAO ĐỘNG – THƯƠNG BINH / VÀ XÃ HỘI), never inside a phrase.
    """
    lines = [line.strip() for line in name.upper().splitlines() if line.strip()]
    if len(lines) != 1 or len(lines[0]) <= LETTERHEAD_LINE:
        return lines
    words = lines[0].split(" ")
    if "VÀ" in words[1:]:
        at = len(words) - 1 - words[::-1].index("VÀ")
        return [" ".join(words[:at]), " ".join(words[at:])]
    return lines


LETTERHEAD_LINE = 30  # characters of 12 pt bold capitals that fit the letterhead's 7 cm column


def attachment_line(agency_code: str) -> str:
    """The line under an appendix table's title (ND 30/2020, appendix): the report it goes with, its number
    and date left blank for the office to fill when the report is issued."""
    return f"(Kèm theo Báo cáo số      /BC-{agency_code} ngày      tháng      năm        )"


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
