"""Roles from emails, the write check that refuses acting for another unit, and form checks = parser rules."""

from datetime import date

import pandas as pd
import pytest

from reporting.access import User, check_can_write, demo_user, resolve_user, visible_units
from reporting.forms import check_activity

UNITS = pd.DataFrame(
    {
        "code": ["VP", "TTR"],
        "name": ["Văn phòng Sở", "Thanh tra Sở"],
        "emails": [("vp@example.vn", "vp2@example.vn"), ("ttr@example.vn",)],
    }
)
ROLES = {"office": ["office@example.vn"], "leadership": "gd@example.vn; pgd@example.vn"}


@pytest.mark.parametrize(
    ("email", "role", "unit"),
    [
        ("office@example.vn", "office", None),
        ("PGD@example.vn", "leadership", None),
        ("vp2@example.vn", "unit", "VP"),
        (" ttr@example.vn ", "unit", "TTR"),
        ("la@example.vn", "unknown", None),
        (None, "unknown", None),
    ],
)
def test_resolve_user(email, role, unit):
    user = resolve_user(email, UNITS, ROLES)
    assert (user.role, user.unit_code) == (role, unit)


def test_visibility():
    assert visible_units(resolve_user("gd@example.vn", UNITS, ROLES), UNITS) == ["VP", "TTR"]
    assert visible_units(resolve_user("vp@example.vn", UNITS, ROLES), UNITS) == ["VP"]
    assert visible_units(User("x@y.vn", "unknown"), UNITS) == []


@pytest.mark.parametrize(
    ("user", "unit", "allowed"),
    [
        (User("vp@example.vn", "unit", "VP"), "VP", True),
        (User("vp@example.vn", "unit", "VP"), "TTR", False),
        (User("office@example.vn", "office"), "VP", False),
        (User("gd@example.vn", "leadership"), "VP", False),
        (User(None, "unknown"), "VP", False),
        (User("vp@example.vn", "unit", "VP"), None, False),
    ],
)
def test_only_a_unit_writes_for_itself(user, unit, allowed):
    if allowed:
        check_can_write(user, unit)
    else:
        with pytest.raises(PermissionError, match="không có quyền ghi dữ liệu"):
            check_can_write(user, unit)


def test_demo_user():
    assert demo_user("unit", "TTR", UNITS).unit_code == "TTR"
    assert demo_user("unit", "XYZ", UNITS).role == "unknown"
    assert demo_user("office", None, UNITS).can_export


def test_form_accepts_what_the_sheet_accepts():
    check = check_activity(
        {
            "date": date(2023, 3, 1),
            "areas": ["a", "b"],
            "channel": "Fanpage Facebook, nhóm Zalo",
            "title": "Bài đăng",
            "quantity": "1.200",
            "participants": None,
        }
    )
    assert check.ok and check.activity["areas"] == ("a", "b") and check.activity["quantity"] == 1200


def test_form_rejects_with_the_parsers_reasons():
    check = check_activity({"date": "31/02/2023", "areas": "f", "channel": "Báo giấy", "title": "x", "quantity": -1})
    assert not check.ok and check.activity is None
    assert [e.split(":")[0] for e in check.errors] == ["Ngày", "Nội dung", "Hình thức", "Số lượng"]
    assert "không có nội dung «f» trong kế hoạch" in check.errors[1]


def test_form_warns_on_missing_title_and_rejects_empty():
    assert check_activity({"date": date(2023, 3, 1), "areas": "a", "channel": 1}).warnings
    assert "Biểu mẫu đang trống" in check_activity({}).errors[0]
