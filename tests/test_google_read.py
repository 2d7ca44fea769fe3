"""The Google source reads the whole spreadsheet in one batchGet, through a real token exchange."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reporting.parse import parse_snapshot
from reporting.snapshot import SheetRow
from sheets.google import GoogleSheetSource, spreadsheet_key
from tests.fakesheets.fixtures import READ_AT

UNITS = [["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"], ["VP", "Văn phòng Sở", "Phòng", "vp@x.vn", "Có"]]
VP = [
    ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"],
    [date(2023, 3, 15), "a", "Khác", "Họp", 2, "", "", ""],
    [],
    ["15/3/2023", "a, b", 3, "Tin bài", "1.200"],
]


def test_read_shapes_rows_like_google(fake, gclient):
    book = fake.create_spreadsheet({"Đơn vị": UNITS, "VP": VP})
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)

    snap = source.read()

    assert list(snap.tabs) == ["Đơn vị", "VP"]
    assert snap.tabs["VP"] == [
        SheetRow(1, tuple(VP[0])),
        SheetRow(2, (45000, "a", "Khác", "Họp", 2)),
        SheetRow(3, ()),
        SheetRow(4, ("15/3/2023", "a, b", 3, "Tin bài", "1.200")),
    ]
    assert snap.read_at == READ_AT
    assert snap.sheet_ids == {"Đơn vị": 0, "VP": book.sheets[1].sheet_id}
    assert snap.cell_url("VP", "B2") == (
        f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit#gid={book.sheets[1].sheet_id}&range=B2"
    )
    assert fake.count("token") == 1  # google-auth really exchanged a signed JWT for a token


def test_half_a_character_from_the_api_becomes_a_visible_replacement(fake, gclient):
    # JSON can carry a lone surrogate; nothing can encode one, so it would break pandas' text columns, the
    # page and every export. It arrives as «�» and the rest of the cell is kept.
    rows = [VP[0] + ["Mã ghi"], [date(2023, 3, 15), "a", "Khác", "Họp \ud800 lẻ", 2, None, None, None, "r-\udfff"]]
    book = fake.create_spreadsheet({"Đơn vị": UNITS, "VP": rows})
    snap = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT).read()

    assert snap.tabs["VP"][1].values[3] == "Họp \ufffd lẻ" and snap.tabs["VP"][1].values[-1] == "r-\ufffd"
    parsed = parse_snapshot(snap)
    assert list(parsed.activities["title"]) == ["Họp \ufffd lẻ"]
    assert list(parsed.activities["record_id"]) == ["r-\ufffd"]
    warned = parsed.problems[parsed.problems["reason"].str.contains("«\ufffd»")]
    assert list(warned["cell"]) == ["D2", "I2"] and set(warned["severity"]) == {"warning"}  # the cells to retype


def test_datetime_cells_come_back_as_serials_with_fraction(fake, gclient):
    book = fake.create_spreadsheet({"Nộp báo cáo": [["Thời điểm nộp"], [datetime(2023, 3, 14, 18, 0)]]})
    snap = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT).read()
    assert snap.tabs["Nộp báo cáo"][1].values == (44999.75,)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0",
            "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        ),
        ("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
        (
            "  https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789  ",
            "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        ),
    ],
)
def test_spreadsheet_key_from_url_or_key(text, key):
    assert spreadsheet_key(text) == key
