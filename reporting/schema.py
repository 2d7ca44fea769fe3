"""The spreadsheet's schema, defined once: tab names, each tab's columns with their aliases, and the one
header finder every reader and writer uses (the parser, the .xlsx and Google writers, provisioning, the
Google source's check for new unit tabs).

Headers are matched leniently: case, diacritics, NFC/NFD, spacing and punctuation do not matter
(`reporting.text.fold`), English aliases are accepted, and an alias followed by extra words counts
("Số lượng (tin, bài)"). The header is the first of the top `HEADER_SEARCH_ROWS` rows that names at
least two known columns, so title rows above it are allowed. When none of them does, the first such row
further down is the header, marked `moved`: a sheet sorted together with its header puts it among the data,
and the parser reports that, and every filled row above it, instead of reading the tab as empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reporting import values as v
from reporting.snapshot import Cell
from reporting.text import fold, show

UNITS_TAB = "Đơn vị"
SUBMISSIONS_TAB = "Nộp báo cáo"
GUIDE_TAB = "Hướng dẫn"
LETTERHEAD_TAB = "Cơ quan"  # optional: the agency block of the exports over time (`reporting.letterhead`)
REVIEWS_TAB = "Duyệt báo cáo"  # the office's decisions on quarterly reports (append-only)
PLAN_TAB = "Kế hoạch"  # optional: the plans of the years, their targets (`reporting.plan_tab`)
REMINDERS_TAB = "Nhắc việc"  # the reminders sent by email, one row per unit and quarter (`reporting.remind`)
CORRECTIONS_TAB = "Nhật ký sửa"  # every change the app made to an existing row (`reporting.corrections`)
RECORD_ID_KEY = "record_id"  # the `Mã ghi` column the app writes on every row it adds
HEADER_SEARCH_ROWS = 10  # the header may sit below a few title rows


@dataclass(frozen=True)
class Column:
    """A field of a tab: its canonical Vietnamese header, accepted aliases (folded), and its parser."""

    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False
    parser: Callable[[Any], v.CellReading] | None = None
    severity: str = "error"  # of a value the parser rejects; "warning" keeps the row in
    warn: Callable[[Any], str | None] | None = None  # a usable but surprising value: a warning on its row


ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("date", "Ngày", ("ngay", "date", "ngay thuc hien", "thoi gian", "ngay to chuc"), True, v.parse_date),
    Column("areas", "Nội dung", ("noi dung", "content", "areas", "area", "noi dung tuyen truyen"), True, v.parse_areas),
    Column("channel", "Hình thức", ("hinh thuc", "channel", "hinh thuc tuyen truyen"), True, v.parse_channel),
    Column("title", "Tên hoạt động", ("ten hoat dong", "title", "activity", "hoat dong")),
    Column(
        "quantity", "Số lượng", ("so luong", "quantity", "qty"), False, v.parse_quantity, warn=v.surprising_quantity
    ),
    Column(
        "participants",
        "Số người tham gia",
        ("so nguoi tham gia", "participants", "so nguoi"),
        False,
        v.parse_participants,
        warn=v.surprising_participants,
    ),
    Column("evidence", "Minh chứng", ("minh chung", "evidence", "link", "duong dan")),
    Column("note", "Ghi chú", ("ghi chu", "note", "notes")),
    # «Hủy»: the unit withdrew the activity (`reporting.corrections`); the row stays, read as withdrawn.
    Column("status", "Trạng thái", ("trang thai", "status", "tinh trang"), False, v.parse_status, "warning"),
    Column("record_id", "Mã ghi", ("ma ghi", "record id")),
)
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", ("ma", "ma don vi", "code", "unit code"), True),
    Column("name", "Tên đơn vị", ("ten don vi", "ten", "name", "unit", "unit name"), True),
    Column("group", "Nhóm", ("nhom", "group", "nhom don vi"), False, v.parse_group, "warning"),
    Column("emails", "Email", ("email", "e mail", "emails", "thu dien tu"), False, v.parse_emails, "warning"),
    Column(
        "reports",
        "Báo cáo quý",
        ("bao cao quy", "bao cao", "reports", "reports quarterly"),
        False,
        v.parse_yes_no,
        "warning",
    ),
    # Units over time (`reporting.units_over_time`): when a unit starts and stops reporting, who takes over.
    Column("since", "Từ ngày", ("tu ngay", "bat dau", "ngay bat dau", "since", "from"), False, v.parse_date, "warning"),
    Column("until", "Đến ngày", ("den ngay", "ket thuc", "ngay ket thuc", "until"), False, v.parse_date, "warning"),
    Column(
        "successor",
        "Đơn vị tiếp nhận",
        ("don vi tiep nhan", "tiep nhan", "sap nhap vao", "don vi ke thua", "successor"),
    ),
)
SUBMISSION_COLUMNS: tuple[Column, ...] = (
    Column("unit", "Mã đơn vị", ("ma don vi", "don vi", "unit", "ma", "unit code"), True),
    Column("year", "Năm", ("nam", "year"), True, v.parse_year),
    Column("quarter", "Quý", ("quy", "quarter"), True, v.parse_quarter),
    Column(
        "submitted_at",
        "Thời điểm nộp",
        ("thoi diem nop", "submitted at", "ngay nop", "thoi gian nop"),
        True,
        v.parse_datetime,
    ),
    Column("submitter", "Người nộp", ("nguoi nop", "submitted by", "submitter")),
    Column("note", "Ghi chú", ("ghi chu", "note", "notes")),
    Column("record_id", "Mã ghi", ("ma ghi", "record id")),
)


# Written by the app only (`reporting.remind`): one row per unit, quarter and attempt to send a reminder.
REMINDER_COLUMNS: tuple[Column, ...] = (
    Column("at", "Thời điểm", ("thoi diem", "thoi diem gui", "thoi gian", "sent at", "at"), True, v.parse_datetime),
    Column("unit", "Mã đơn vị", ("ma don vi", "don vi", "unit", "ma", "unit code"), True),
    Column("year", "Năm", ("nam", "year"), True, v.parse_year),
    Column("quarter", "Quý", ("quy", "quarter"), True, v.parse_quarter),
    Column("kind", "Loại", ("loai", "loai nhac", "kind"), False, v.parse_reminder_kind, "warning"),
    Column("to", "Gửi tới", ("gui toi", "gui den", "nguoi nhan", "to", "recipients")),
    Column("result", "Kết quả", ("ket qua", "result", "trang thai"), True, v.parse_reminder_result),
    Column("note", "Ghi chú", ("ghi chu", "note", "notes")),
    Column("record_id", "Mã ghi", ("ma ghi", "record id")),
)


# Written by the app only (`reporting.corrections`): one row per cell a unit changed from its page, the
# rows of one change sharing its `Mã ghi`.
CORRECTION_COLUMNS: tuple[Column, ...] = (
    Column("at", "Thời điểm", ("thoi diem", "thoi diem sua", "thoi gian", "at"), True, v.parse_datetime),
    Column("editor", "Người sửa", ("nguoi sua", "editor")),
    Column("unit", "Mã đơn vị", ("ma don vi", "don vi", "unit", "unit code")),
    Column("tab", "Trang", ("trang", "trang tinh", "tab", "sheet")),
    Column("row", "Dòng", ("dong", "row")),
    Column("column", "Cột", ("cot", "column")),
    Column("old", "Giá trị cũ", ("gia tri cu", "old value", "old")),
    Column("new", "Giá trị mới", ("gia tri moi", "new value", "new")),
    Column("action", "Thao tác", ("thao tac", "action")),
    Column("note", "Ghi chú", ("ghi chu", "ly do", "note")),
    Column("record_id", "Mã ghi", ("ma ghi", "record id")),
)


LETTERHEAD_COLUMNS: tuple[Column, ...] = (
    Column("since", "Từ ngày", ("tu ngay", "ap dung tu", "hieu luc tu", "from", "since"), True, v.parse_date),
    Column("parent", "Cơ quan chủ quản", ("co quan chu quan", "parent")),
    Column("name", "Tên cơ quan", ("ten co quan", "co quan", "agency", "agency name"), True),
    Column("code", "Ký hiệu", ("ky hieu", "ky hieu co quan", "code")),
    Column("place", "Địa danh", ("dia danh", "place")),
    Column("signer", "Chức vụ người ký", ("chuc vu nguoi ky", "nguoi ky", "signer")),
)


REVIEW_COLUMNS: tuple[Column, ...] = (
    Column(
        "reviewed_at",
        "Thời điểm",
        ("thoi diem", "thoi diem duyet", "ngay duyet", "reviewed at"),
        True,
        v.parse_datetime,
    ),
    Column("reviewer", "Người duyệt", ("nguoi duyet", "reviewer")),
    Column("unit", "Mã đơn vị", ("ma don vi", "don vi", "unit", "ma", "unit code"), True),
    Column("year", "Năm", ("nam", "year"), True, v.parse_year),
    Column("quarter", "Quý", ("quy", "quarter"), True, v.parse_quarter),
    Column("decision", "Quyết định", ("quyet dinh", "ket qua", "decision"), True, v.parse_decision),
    Column("comment", "Nhận xét", ("nhan xet", "y kien", "ghi chu", "comment")),
    Column("record_id", "Mã ghi", ("ma ghi", "record id")),
)
PLAN_COLUMNS: tuple[Column, ...] = (
    Column("year", "Năm", ("nam", "year", "nam ke hoach"), True, v.parse_year),
    Column("kind", "Mục", ("muc", "loai", "kind"), True, v.parse_plan_kind),
    Column("key", "Ký hiệu", ("ky hieu", "so hieu", "chu", "so", "ma", "key"), True),
    Column("label", "Tên", ("ten", "ten ngan", "label", "name")),
    Column("text", "Diễn giải", ("dien giai", "noi dung day du", "toan van", "text")),
    Column("noun", "Đơn vị tính", ("don vi tinh", "dvt", "unit of count")),
    Column("target", "Chỉ tiêu mỗi quý", ("chi tieu moi quy", "chi tieu", "target"), False, v.parse_target),
    Column("assigned", "Nội dung được giao", ("noi dung duoc giao", "duoc giao", "assigned")),
    Column("issued", "Ngày ban hành", ("ngay ban hanh", "ngay ky", "issued"), False, v.parse_date),
)


def match_header(text: Any, columns: tuple[Column, ...]) -> Column | None:
    """The column a header cell names, leniently: an alias, or an alias followed by extra words."""
    key = fold(text)
    if not key:
        return None
    for column in columns:
        if key in column.aliases:
            return column
    # "Số lượng (tin, bài)" → "so luong tin bai": accept an alias followed by extra words, longest first.
    best = max(
        ((len(a), c) for c in columns for a in c.aliases if key.startswith(a + " ")),
        default=None,
        key=lambda pair: pair[0],
    )
    return best[1] if best else None


@dataclass(frozen=True)
class Header:
    """Where a tab's header is and what it names.

    `index` is the header's 0-based position in the rows searched; `positions` maps a column key to its
    0-based column (the first one, when a header is repeated) and `headers` to the text as typed;
    `repeats` lists (column index, key, first column index) of each repeated header.
    """

    index: int
    positions: dict[str, int]
    headers: dict[str, str]
    repeats: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        """The header sits below the rows a header may sit in: the sheet was sorted with its header."""
        return self.index >= HEADER_SEARCH_ROWS


def find_header(rows: Iterable[Sequence[Cell]], columns: tuple[Column, ...]) -> Header | None:
    """The header of a tab (see the module's rule), or None when no row is one. `rows` is read only as far as
    the header."""
    for index, row in enumerate(rows):
        matched = [match_header(cell, columns) for cell in row]
        if sum(m is not None for m in matched) < 2:
            continue
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        repeats: list[tuple[int, str, int]] = []
        for col, column in enumerate(matched):
            if column is None:
                continue
            if column.key in positions:
                repeats.append((col, column.key, positions[column.key]))
                continue
            positions[column.key] = col
            headers[column.key] = show(row[col])
        return Header(index, positions, headers, repeats)
    return None
