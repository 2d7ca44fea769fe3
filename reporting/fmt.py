"""Vietnamese display formatting shared by the dashboard and the exports: 1.200, 85,5%, dd/mm/yyyy.

Every function takes a plain value and returns the text a reader in a Vietnamese office expects; a
missing value (None, NaN, NaT, pd.NA) becomes `blank` (an empty string by default), never "nan".
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from reporting.periods import ROMAN, VN_TZ, Period


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA (which refuses `bool()` and `==`)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes are never "missing" here
        return False


def number(value: Any, decimals: int = 0, blank: str = "") -> str:
    """1200 → '1.200'; 1234.5 with decimals=1 → '1.234,5'; -3 → '-3'."""
    if is_missing(value):
        return blank
    amount = float(value)
    if math.isinf(amount):
        return blank
    text = f"{abs(amount):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"-{text}" if amount < 0 and text.strip("0.,") else text


def signed(value: Any, decimals: int = 0) -> str:
    """A change with its sign: '+12', '-3', '0'."""
    if is_missing(value):
        return ""
    text = number(value, decimals)
    return f"+{text}" if float(value) > 0 else text


def percent(share: Any, decimals: int = 0, blank: str = "") -> str:
    """0.855 → '86%' (decimals=0) or '85,5%' (decimals=1)."""
    if is_missing(share):
        return blank
    return f"{number(float(share) * 100, decimals)}%"


def _as_datetime(value: Any) -> datetime | None:
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value if isinstance(value, datetime) else None


def day(value: Any, blank: str = "") -> str:
    """A date (or a date-time, read in Vietnam's time zone) as dd/mm/yyyy."""
    if is_missing(value):  # before the isinstance checks: NaT is a datetime too
        return blank
    moment = _as_datetime(value)
    if moment is not None:
        if moment.tzinfo is not None:
            moment = moment.astimezone(VN_TZ)
        return f"{moment:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return blank


def moment(value: Any, seconds: bool = False, blank: str = "") -> str:
    """A date-time in Vietnam's time zone: 'HH:MM dd/mm/yyyy' (or 'HH:MM:SS dd/mm/yyyy')."""
    when = _as_datetime(value)
    if when is None:
        return blank
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    return f"{when:%H:%M:%S %d/%m/%Y}" if seconds else f"{when:%H:%M %d/%m/%Y}"


def quarter_name(index: int) -> str:
    """3 → 'Quý III'."""
    return f"Quý {ROMAN[int(index)]}"


def period_range(period: Period) -> str:
    """'15/12/2022 – 14/03/2023'."""
    return f"{day(period.start)} – {day(period.end)}"


def month_name(value: date) -> str:
    """date(2023, 3, 1) → 'Tháng 3/2023'."""
    return f"Tháng {value.month}/{value.year}"


def days(count: int) -> str:
    """3 → '3 ngày'; 1.200 keeps its dot."""
    return f"{number(count)} ngày"


def capitalize(text: str) -> str:
    """Upper-case only the first letter: 'quý I năm 2023' → 'Quý I năm 2023' (str.capitalize lowers the I)."""
    return text[:1].upper() + text[1:]


_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")


def count_word(n: int) -> str:
    """A small count in words, as Vietnamese prose writes it ('mười nội dung'); digits above ten."""
    return _WORDS[n] if 0 <= n <= 10 else number(n)


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut at a word to at most `width` characters with «…» when longer."""
    one_line = " ".join(str(text).split())
    if len(one_line) <= width:
        return one_line
    cut = one_line[: width - 1].rsplit(" ", 1)[0] or one_line[: width - 1]
    return cut + "…"
