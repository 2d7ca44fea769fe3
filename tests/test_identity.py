"""Identity claims are strict: an email counts only when `email_verified` is the boolean true (unless the
documented `email_verified_optional` says the provider never sends it), and an address in the `Email`
cells of two units is a data problem for the office and gives no unit role until it is fixed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from reporting.access import resolve_user
from reporting.parse import parse_snapshot
from sheets.workbook import WorkbookSource
from tests.app_fixtures import APP, assert_clean, cards, texts
from tests.test_app_roles import AUTH, CSCN, OFFICE, ROLES

TWICE = "chung@sldtbxh.example.vn"


@pytest.fixture
def shared_email(tmp_path: Path, private_demo: Path) -> Path:
    """The demo with one address written for two units (VP and CSCN), as a careless clerk might."""
    path = Path(shutil.copy(private_demo, tmp_path / "so.xlsx"))
    book = load_workbook(path)
    for row in book["Đơn vị"].iter_rows(min_row=2):
        if row[0].value in ("VP", "CSCN"):
            row[3].value = f"{row[3].value}, {TWICE.upper()}"
    book.save(path)
    return path


def signed_in(source: Path, user: dict, **secrets: object) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in {"source": str(source), "auth": AUTH, "roles": ROLES, **secrets}.items():
        at.secrets[key] = value
    at.user = user
    return at.run()


def test_an_email_listed_for_two_units_is_an_error_on_both_rows(shared_email) -> None:
    parsed = parse_snapshot(WorkbookSource(shared_email).read())
    found = parsed.problems[parsed.problems["value"] == TWICE]
    assert sorted(found["tab"]) == ["Đơn vị", "Đơn vị"] and set(found["severity"]) == {"error"}
    assert set(found["column"]) == {"Email"} and len(set(found["row"])) == 2
    assert all("nhiều đơn vị (VP, CSCN)" in m for m in found["message"])
    assert resolve_user(TWICE, parsed.units, ROLES).role == "unknown"  # never silently the first unit
    assert resolve_user(CSCN, parsed.units, ROLES).unit_code == "CSCN"  # the unit's own address still works


def test_a_shared_address_gets_no_unit_and_the_office_sees_why(app_env, shared_email) -> None:
    at = signed_in(shared_email, {"is_logged_in": True, "email": TWICE, "email_verified": True})
    assert_clean(at)
    assert at.title[0].value == "Chưa có quyền truy cập" and not cards(at)
    office = signed_in(shared_email, {"is_logged_in": True, "email": OFFICE, "email_verified": True})
    office.switch_page("content/quality.py").run()
    assert "nhiều đơn vị (VP, CSCN)" in texts(office)


@pytest.mark.parametrize(
    ("claims", "optional", "sees_unit"),
    [
        ({"email_verified": True}, False, True),
        ({}, False, False),
        ({"email_verified": "true"}, False, False),
        ({}, True, True),
        ({"email_verified": False}, True, False),
        ({"email_verified": "false"}, True, False),
    ],
    ids=["true", "absent", "the string true", "absent, provider never sends it", "false, setting or not", "a string"],
)
def test_email_verified_must_be_the_boolean_true(app_env, private_demo, claims, optional, sees_unit) -> None:
    user = {"is_logged_in": True, "email": CSCN, **claims}
    at = signed_in(private_demo, user, email_verified_optional=optional)
    assert_clean(at)
    assert (at.title[0].value != "Chưa có quyền truy cập") is sees_unit


def test_a_forged_login_flag_is_not_a_sign_in(app_env, private_demo) -> None:
    at = signed_in(private_demo, {"is_logged_in": "yes", "email": OFFICE, "email_verified": True})
    assert_clean(at)
    assert at.title[0].value == "Theo dõi truyền thông CCHC" and not cards(at)  # the sign-in page


@pytest.mark.parametrize(
    "other_cell",
    ["cscn@sldtbxh.example.vn, chung@sldtbxh.example.vn, khong-phai-email", "CHUNG@sldtbxh.example.vn;"],
    ids=["a typo beside it", "upper case and a stray semicolon"],
)
def test_a_shared_address_stays_shared_whatever_else_the_cell_holds(tmp_path, private_demo, other_cell) -> None:
    path = Path(shutil.copy(private_demo, tmp_path / "so.xlsx"))
    book = load_workbook(path)
    for row in book["Đơn vị"].iter_rows(min_row=2):
        if row[0].value == "VP":
            row[3].value = "vp@sldtbxh.example.vn, chung@sldtbxh.example.vn"
        if row[0].value == "CSCN":
            row[3].value = other_cell
        if row[0].value == "TTR":
            row[1].value = None  # a row with an error (no name) still claims its addresses
            row[3].value = "ttr@sldtbxh.example.vn, vp@sldtbxh.example.vn"
    book.save(path)
    parsed = parse_snapshot(WorkbookSource(path).read())
    assert resolve_user("chung@sldtbxh.example.vn", parsed.units, ROLES).role == "unknown"
    assert resolve_user("vp@sldtbxh.example.vn", parsed.units, ROLES).role == "unknown"  # shared with the bad row
    shared = parsed.problems[parsed.problems["reason"].str.contains("nhiều đơn vị", na=False)]
    assert {"chung@sldtbxh.example.vn", "vp@sldtbxh.example.vn"} <= set(shared["value"])
