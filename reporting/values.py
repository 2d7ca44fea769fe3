"""Interpreting one messy cell: dates, times, content codes, channels, numbers, quarters, yes/no.

Each parser takes a raw cell (never blank: callers handle blanks) and returns `(value, None)` or
`(None, reason)`, the reason a Vietnamese phrase saying what is wrong and what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from reporting import fmt
from reporting.catalog import AREA_LETTERS, CHANNELS, GROUPS
from reporting.periods import VN_TZ
from reporting.text import fold, nfc

CellReading = tuple[Any, str | None]

EXCEL_EPOCH = datetime(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 2000, 2100

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?:[ T,]+(.*))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](.*))?$")
_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_TIME = re.compile(r"^(\d{1,2})\s*[:hg]\s*(\d{2})?(?:\s*:\s*(\d{2}))?\s*$")
_DATE_HINT = "ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2023"


def to_serial(value: date) -> int | float:
    """A date as Excel's and Google's serial number: whole days for a date, a fraction (8 decimals) for a
    date-time, an aware one read in Vietnam's time zone."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VN_TZ).replace(tzinfo=None)
        return round((value - EXCEL_EPOCH).total_seconds() / 86400, 8)
    return (value - EXCEL_EPOCH.date()).days


def _serial_to_datetime(serial: float) -> datetime | None:
    if not 1 <= serial < 2958466:  # 31/12/9999 is Excel's last day
        return None
    return EXCEL_EPOCH + timedelta(days=float(serial))


def _year_ok(day: date) -> str | None:
    if MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return f"năm {day.year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}; {_DATE_HINT}"


def _build_date(d: str, m: str, y: str) -> date | None:
    year = int(y) + 2000 if len(y) == 2 else int(y)
    try:
        return date(year, int(m), int(d))
    except ValueError:
        return None


def _split_date_text(text: str) -> tuple[date | None, str | None]:
    """Find the date in a text cell; returns (date, rest-of-text-after-date)."""
    if m := _DMY.match(text):
        return _build_date(*m.group(1, 2, 3)), m.group(4)
    if m := _ISO.match(text):
        return _build_date(m.group(3), m.group(2), m.group(1)), m.group(4)
    if m := _WORDS.search(fold(text)):
        return _build_date(*m.group(1, 2, 3)), None
    return None, None


_ANY_DATE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}")


def _not_one_full_date(text: str) -> str | None:
    """Why a date text is not to be guessed: two dates in one cell, or a two-digit year."""
    if len(_ANY_DATE.findall(text)) + len(_WORDS.findall(fold(text))) > 1:
        return f"ô có nhiều hơn một ngày; mỗi dòng ghi một hoạt động với một ngày, {_DATE_HINT}"
    if (m := _DMY.match(text)) and len(m.group(3)) == 2:
        return f"năm «{m.group(3)}» chỉ có hai chữ số nên không đoán; ghi đủ bốn chữ số, ví dụ 15/03/2023"
    return None


def parse_date(value: Any) -> CellReading:
    """Real dates, serial numbers and the text forms of DESIGN.md; slashed dates are day first.

    Nothing is guessed: a two-digit year, two dates in one cell or an impossible day is an error."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = _serial_to_datetime(value)
        if moment is None:
            return None, f"số {value} không phải ngày; {_DATE_HINT}"
        day = moment.date()
    else:
        text = nfc(str(value))
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return parse_date(float(text))
        if reason := _not_one_full_date(text):
            return None, reason
        found, _rest = _split_date_text(text)
        if found is None:
            return None, f"không phải ngày hợp lệ; {_DATE_HINT}"
        day = found
    if reason := _year_ok(day):
        return None, reason
    return day, None


def _parse_clock(text: str | None) -> time | None:
    if not text:
        return time(0)
    if m := _TIME.match(text.strip().lower()):
        hour, minute, second = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    return None


def parse_datetime(value: Any) -> CellReading:
    """A submission time as an aware datetime in Asia/Ho_Chi_Minh; naive values are Vietnam time."""
    hint = "ghi theo dạng ngày/tháng/năm giờ:phút, ví dụ 14/03/2023 17:30"
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = _serial_to_datetime(value)
        if moment is None:
            return None, f"số {value} không phải thời điểm; {hint}"
        moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    else:
        text = nfc(str(value))
        try:
            moment = datetime.fromisoformat(text) if _ISO.match(text) else None
        except ValueError:
            moment = None
        if moment is None:
            if reason := _not_one_full_date(text):
                return None, reason
            day, rest = _split_date_text(text)
            clock = _parse_clock(rest)
            if day is None or clock is None:
                return None, f"không phải thời điểm hợp lệ; {hint}"
            moment = datetime.combine(day, clock)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    moment = moment.astimezone(VN_TZ)
    if reason := _year_ok(moment.date()):
        return None, reason
    return moment, None


_AREA_PREFIX = re.compile(r"^(noi dung|nd|muc)\s+")
_AREA_SPLIT = re.compile(r"[\s,;/&+]+")
AREA_HINT = "dùng các chữ a, b, c, d, e, g, h, k, l, m (không có f, i, j), ví dụ «a, b»"


def area_hint(letters: Sequence[str]) -> str:
    """What to type in «Nội dung» under a plan with these letters (the 2023 plan's hint as it always was)."""
    if tuple(letters) == AREA_LETTERS:
        return AREA_HINT
    example = ", ".join(letters[:2])
    return f"dùng các chữ {', '.join(letters)}, ví dụ «{example}»"


def parse_areas(value: Any) -> CellReading:
    """Content areas of an activity under the 2023 plan (`read_areas`)."""
    return read_areas(value, AREA_LETTERS)


def read_areas(value: Any, letters: Sequence[str], hint: str | None = None, plan_name: str = "") -> CellReading:
    """Content areas: 'a', 'a, b', 'a; b', 'b)', 'A', 'Nội dung a', 'a - Tuyên truyền …', each one of
    `letters` (a plan's, in its order); `plan_name` («năm 2024») says which plan a stray letter is not in."""
    hint = hint or area_hint(letters)
    text = _AREA_PREFIX.sub("", fold(nfc(str(value))))
    tokens = [t for t in _AREA_SPLIT.split(text) if t and t != "va"]
    # "a - Tuyên truyền vai trò…": one letter followed by the area's own words names that area alone.
    if tokens and len(tokens[0]) == 1 and sum(len(t) > 1 for t in tokens[1:]) >= 2:
        tokens = tokens[:1]
    if not tokens:
        return None, f"không đọc được nội dung; {hint}"
    bad = [t for t in tokens if t not in letters]
    if bad:
        shown = ", ".join(dict.fromkeys(bad))
        plan = f"kế hoạch {plan_name}" if plan_name else "kế hoạch"
        return None, f"không có nội dung «{shown}» trong {plan}; {hint}"
    order = list(letters)
    return tuple(sorted(set(tokens), key=order.index)), None


# Other words people type for the 2023 plan's channels; a later plan's channel with one of these codes
# keeps them.
CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    "meeting": ("hoi nghi", "tap huan", "cuoc hop", "long ghep", "hoi thao", "lop tap huan"),
    "web_section": ("chuyen trang", "chuyen muc", "chuyen trang chuyen muc"),
    "web_news": ("tin bai", "website", "trang thong tin dien tu", "cong thong tin dien tu", "tin"),
    "visual": ("truc quan", "pano", "ap phich", "khau hieu", "bang ron", "bang zon"),
    "social": ("fanpage", "facebook", "zalo", "mang xa hoi", "nhom zalo"),
    "other": ("khac",),
}


def channel_lookup(channels: Iterable[Any]) -> dict[str, str]:
    """Folded label, code, number and known aliases → channel code, for a plan's channels (objects with
    `number`, `code`, `label`)."""
    channels = list(channels)
    table: dict[str, str] = {}
    for ch in channels:
        table[fold(ch.label)] = ch.code
        table[fold(ch.code)] = ch.code
        table[str(ch.number)] = ch.code
        table[fold(ch.label.split("(")[0])] = ch.code
    codes = {ch.code for ch in channels}
    for code, names in CHANNEL_ALIASES.items():
        if code in codes:
            for name in names:
                table.setdefault(name, code)  # a plan's own label wins over an old alias
    return table


def channel_hint(channels: Iterable[Any]) -> str:
    return "chọn một trong: " + "; ".join(f"{c.number}. {c.label}" for c in channels)


_CHANNELS = channel_lookup(CHANNELS)
CHANNEL_HINT = channel_hint(CHANNELS)


def parse_channel(value: Any) -> CellReading:
    """A channel of the 2023 plan (`read_channel`)."""
    return read_channel(value, _CHANNELS, CHANNEL_HINT)


def read_channel(value: Any, lookup: dict[str, str], hint: str) -> CellReading:
    """A channel by its label (any case, with or without diacritics), its code or its number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = fold(value)
    if key in lookup:
        return lookup[key], None
    numbered = re.match(r"^(\d+)\s+(.+)$", key)
    if numbered and numbered.group(1) in lookup:
        return lookup[numbered.group(1)], None
    if len(key) >= 4:
        matches = {code for name, code in lookup.items() if name.startswith(key) or key.startswith(name + " ")}
        if len(matches) == 1:
            return matches.pop(), None
    return None, f"không khớp hình thức nào của kế hoạch; {hint}"


_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


# Plausibility of one activity (one row), from what a Sở's communication work looks like: a conference
# of a few hundred people (a provincial one some thousands), posters by the hundred or thousand for a
# campaign (the demo's 1.200). Above the error bound the value is surely a typo (extra zeros, a phone
# number in the wrong column) and the row is kept out of the figures; above the warning bound it is
# possible but worth a look on the quality page.
MAX_QUANTITY, WARN_QUANTITY = 100_000, 2_000
MAX_PARTICIPANTS, WARN_PARTICIPANTS = 1_000_000, 10_000
_MAX_DIGITS = 12  # longer digit strings are never a count (and int() of a huge text is slow or refused)


def parse_count(value: Any, limit: int = MAX_QUANTITY) -> CellReading:
    """A non-negative whole number up to `limit`: 3, 3.0, '1.200' (one thousand two hundred), '1 200'.

    Never raises, whatever the cell holds: NaN, infinity, 1e30, a 40-digit text are errors with a reason.
    """
    if isinstance(value, bool):
        return None, "phải là số nguyên không âm"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, "không phải một số; ghi số nguyên không âm, ví dụ 1.200"
        if not value.is_integer():
            return None, f"{value:g} không phải số nguyên; ghi số nguyên không âm, ví dụ 1.200"
        if abs(value) > 10**_MAX_DIGITS:
            return None, _too_many_digits(limit)
        number = int(value)
    else:
        text = nfc(str(value)).replace(" ", "").replace("\u00a0", "")
        if _THOUSANDS.match(text):
            text = re.sub(r"[.,]", "", text)
        if not re.fullmatch(r"-?\d+", text):
            return None, "không phải số nguyên; ghi số nguyên không âm, ví dụ 1.200"
        if len(text.lstrip("-")) > _MAX_DIGITS:
            return None, _too_many_digits(limit)
        number = int(text)
    if number < 0:
        return None, "số không được âm"
    if number > limit:
        return None, f"số quá lớn cho một hoạt động (trên {fmt.number(limit)}); kiểm tra lại ô này"
    return number, None


def _too_many_digits(limit: int) -> str:
    return f"số quá lớn (trên {fmt.number(limit)}); kiểm tra lại ô này"


def parse_quantity(value: Any) -> CellReading:
    """«Số lượng» of one activity: sessions, articles, banners, posts — at most MAX_QUANTITY."""
    return parse_count(value, MAX_QUANTITY)


def parse_participants(value: Any) -> CellReading:
    """«Số người tham gia» of one activity — at most MAX_PARTICIPANTS."""
    return parse_count(value, MAX_PARTICIPANTS)


def surprising_quantity(number: Any) -> str | None:
    if isinstance(number, int) and number > WARN_QUANTITY:
        return f"số lượng {fmt.number(number)} cho một hoạt động là nhiều bất thường; kiểm tra lại nếu gõ nhầm"
    return None


def surprising_participants(number: Any) -> str | None:
    if isinstance(number, int) and number > WARN_PARTICIPANTS:
        return f"{fmt.number(number)} người tham gia một hoạt động là nhiều bất thường; kiểm tra lại nếu gõ nhầm"
    return None


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_quarter(value: Any) -> CellReading:
    """A quarter: 1–4, I–IV, 'Quý I', 'Q2'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = fold(value)
    key = re.sub(r"^(quy|q)\s*", "", key)
    number = int(key) if key.isdigit() else _ROMAN.get(key)
    if number not in (1, 2, 3, 4):
        return None, "quý phải là 1, 2, 3, 4 (hoặc I, II, III, IV)"
    return number, None


def parse_year(value: Any) -> CellReading:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = fold(value).replace("nam ", "")
    if key.isdigit() and MIN_YEAR <= int(key) <= MAX_YEAR:
        return int(key), None
    return None, f"năm phải là số có 4 chữ số trong khoảng {MIN_YEAR}–{MAX_YEAR}"


MAX_TARGET = 1000


def parse_target(value: Any) -> CellReading:
    """A plan's «Chỉ tiêu mỗi quý»: a whole number of activities from 1 to 1,000."""
    number, reason = parse_count(value, MAX_TARGET)
    if reason is not None or number == 0:
        return None, f"chỉ tiêu là một số nguyên từ 1 đến {fmt.number(MAX_TARGET)}; để trống nếu không đặt chỉ tiêu"
    return number, reason


DECISIONS = {"approved": "Đã duyệt", "returned": "Trả lại"}
_DECISION_WORDS = {
    "da duyet": "approved",
    "duyet": "approved",
    "approved": "approved",
    "tra lai": "returned",
    "returned": "returned",
    "yeu cau bo sung": "returned",
}


def _one_of(value: Any, words: dict[str, str], reason: str) -> CellReading:
    """A cell naming one of a few things by a word (any case, with or without diacritics)."""
    key = fold(value)
    return (words[key], None) if key in words else (None, reason)


def parse_decision(value: Any) -> CellReading:
    """The office's decision on a quarterly report: «Đã duyệt» or «Trả lại»."""
    return _one_of(value, _DECISION_WORDS, "ghi «Đã duyệt» hoặc «Trả lại»")


PLAN_KINDS: dict[str, str] = {
    "ke hoach": "plan",
    "kh": "plan",
    "plan": "plan",
    "noi dung": "area",
    "area": "area",
    "hinh thuc": "channel",
    "channel": "channel",
    "don vi": "unit",
    "unit": "unit",
    "han bao cao": "due",
    "han nop": "due",
    "han nop bao cao": "due",
}


def parse_plan_kind(value: Any) -> CellReading:
    """The «Mục» of a row of the `Kế hoạch` tab: Kế hoạch, Nội dung, Hình thức or Đơn vị."""
    return _one_of(value, PLAN_KINDS, "ghi một trong: «Kế hoạch», «Nội dung», «Hình thức», «Đơn vị», «Hạn báo cáo»")


# The `Nhắc việc` tab (`reporting.remind`): what kind of reminder a row records and whether it went out.
REMINDER_KINDS = {"qua han": "overdue", "overdue": "overdue", "sap den han": "due_soon", "den han": "due_soon"}
REMINDER_RESULTS = {"da gui": "sent", "sent": "sent", "gui loi": "failed", "loi": "failed", "failed": "failed"}


def parse_reminder_kind(value: Any) -> CellReading:
    """«Loại» of a reminder: «Quá hạn» or «Sắp đến hạn»."""
    return _one_of(value, REMINDER_KINDS, "ghi «Quá hạn» hoặc «Sắp đến hạn»")


def parse_reminder_result(value: Any) -> CellReading:
    """«Kết quả» of a reminder: «Đã gửi» or «Gửi lỗi» (anything else is not a send: it is sent again)."""
    return _one_of(value, REMINDER_RESULTS, "ghi «Đã gửi» hoặc «Gửi lỗi»; dòng này không được coi là đã gửi")


WITHDRAWN = "Hủy"  # the «Trạng thái» of an activity its unit withdrew
_STATUS_WORDS = {"huy": "withdrawn", "da huy": "withdrawn", "huy bo": "withdrawn", "withdrawn": "withdrawn"}


def parse_status(value: Any) -> CellReading:
    """«Trạng thái» of an activity: «Hủy» when its unit withdrew it (anything else: the row still counts)."""
    return _one_of(value, _STATUS_WORDS, f"chỉ ghi «{WITHDRAWN}» (hoạt động đã hủy) hoặc để trống; dòng vẫn được tính")


_YES = {"co", "c", "x", "yes", "y", "true", "1", "dung"}
_NO = {"khong", "k", "no", "n", "false", "0", "sai"}


def parse_yes_no(value: Any) -> CellReading:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = fold(value)
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    return None, "ghi «Có» hoặc «Không»"


_GROUP_WORDS = (
    ("doan_the", ("doan the", "cong doan", "doan thanh nien", "doan tn", "cdcs", "chi doan")),
    ("truc_thuoc", ("truc thuoc", "su nghiep", "trung tam", "co so", "don vi truc thuoc")),
    ("phong", ("phong", "van phong", "thanh tra", "chuyen mon", "nghiep vu")),
)


def parse_group(value: Any) -> CellReading:
    key = fold(value)
    for group in GROUPS:
        if key in (group.code.replace("_", " "), fold(group.label)):
            return group.code, None
    for code, words in _GROUP_WORDS:
        if any(word in key for word in words):
            return code, None
    labels = ", ".join(f"«{g.label}»" for g in GROUPS)
    return None, f"không rõ nhóm đơn vị; dùng một trong {labels}"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_emails(value: Any) -> CellReading:
    """One or more emails separated by commas, semicolons or spaces; returned lower-cased."""
    parts = [p for p in re.split(r"[,;\s]+", nfc(str(value)).lower()) if p]
    bad = [p for p in parts if not _EMAIL.match(p)]
    if bad:
        return None, f"địa chỉ email không hợp lệ: {', '.join(bad)}"
    return tuple(parts), None
