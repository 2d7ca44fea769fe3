"""The fake itself: A1 parsing, value rendering, append's table detection, faults and the token endpoint."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import requests

from tests.fakesheets import a1
from tests.fakesheets.model import format_date, to_serial


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1", a1.A1Range("Sheet1", None, None, None, None)),
        ("'Đơn vị'", a1.A1Range("Đơn vị", None, None, None, None)),
        ("'It''s'!A1", a1.A1Range("It's", 0, 1, 0, 1)),
        ("VP!A:A", a1.A1Range("VP", None, None, 0, 1)),
        ("'VP'!1:1", a1.A1Range("VP", 0, 1, None, None)),
        ("'VP'!A1:1", a1.A1Range("VP", 0, 1, 0, None)),
        ("'VP'!A2:C", a1.A1Range("VP", 1, None, 0, 3)),
        ("🌵 x 1!B2:D4", a1.A1Range("🌵 x 1", 1, 4, 1, 4)),
    ],
)
def test_a1_parsing(text, expected):
    assert a1.parse(text, {"Sheet1", "VP"}) == expected


@pytest.mark.parametrize(
    ("title", "quoted"),
    [("Sheet1", "Sheet1"), ("Đơn vị", "'Đơn vị'"), ("VP", "VP"), ("It's", "'It''s'"), ("A1", "'A1'")],
)
def test_title_quoting(title, quoted):
    assert a1.quote_title(title) == quoted


@pytest.mark.parametrize(
    ("value", "pattern", "text"),
    [
        (date(2023, 3, 15), "dd/mm/yyyy", "15/03/2023"),
        (datetime(2023, 3, 14, 17, 30), "dd/mm/yyyy hh:mm", "14/03/2023 17:30"),
        (date(2020, 1, 1), "yyyy-mm-dd", "2020-01-01"),
    ],
)
def test_date_formats(value, pattern, text):
    assert format_date(to_serial(value), pattern) == text


def test_append_detects_the_lowest_table_like_google(fake):
    book = fake.create_spreadsheet({"S": [["x", "", "y"]]})
    answer = book.append("S", [["a", "b", "c"]], "RAW", "INSERT_ROWS")
    assert answer["tableRange"] == "S!C1"
    assert answer["updates"]["updatedRange"] == "S!C2:E2"  # the recorded quirk
    answer = book.append("S!A:A", [["d"]], "RAW", "INSERT_ROWS")
    assert answer["updates"]["updatedRange"] == "S!A2"


def test_insert_rows_pushes_rows_below_down(fake):
    book = fake.create_spreadsheet({"S": [["h"], ["1"], [], ["below"]]})
    book.append("S!A1:A2", [["new"]], "RAW", "INSERT_ROWS")
    assert book.values("S", "FORMATTED_VALUE", "SERIAL_NUMBER")["values"] == [["h"], ["1"], ["new"], [], ["below"]]


def test_faults_are_consumed_in_order_and_counted(fake, gclient):
    book = fake.create_spreadsheet({"S": [["x"]]})
    fake.inject("status", status=404, op="values.get", times=2)
    http = gclient.http_client
    for _ in range(2):
        with pytest.raises(Exception, match="404"):
            http.values_get(book.spreadsheet_id, "S")
    assert http.values_get(book.spreadsheet_id, "S")["values"] == [["x"]]
    assert fake.count("values.get") == 3


def test_token_endpoint_refuses_a_forged_assertion(fake):
    answer = requests.post(
        fake.token_uri,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "e30.e30.c2ln"},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_api_calls_without_a_token_are_unauthenticated(fake):
    book = fake.create_spreadsheet()
    answer = requests.get(f"http://127.0.0.1:{fake.port}/v4/spreadsheets/{book.spreadsheet_id}", timeout=5)
    assert answer.status_code == 401
