"""Who may see and do what: roles from the unit list's emails and the `[roles]` setting.

Leadership sees everything, read-only; the office sees everything and exports; a unit sees the
overview and its own unit only, and writes only to its own unit. These checks are what the write path
calls: hiding a widget is never the protection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from reporting.errors import NotAllowed

Role = Literal["leadership", "office", "unit", "viewer", "unknown"]
ROLE_LABELS: dict[str, str] = {
    "leadership": "Lãnh đạo Sở",
    "office": "Văn phòng Sở",
    "unit": "Đơn vị",
    "viewer": "Màn hình chỉ xem",
    "unknown": "Chưa được cấp quyền",
}


# The app's pages by their url path, and which role sees which. Leadership sees everything, read-only;
# only the office exports; «Đôn đốc» (whom to chase; the office also reviews and reminds there) is the
# office's and leadership's; a unit sees the overview and its own unit page (narrowed to its unit by the
# sidebar), and the guide, which holds no data; the kiosk's read-only screen shows no data-quality page
# (it quotes cells) and no export. Anyone else sees one page saying whom to ask.
PAGES: tuple[str, ...] = ("tong-quan", "don-vi", "chat-luong-du-lieu", "don-doc", "xuat-bao-cao", "huong-dan")
EXPORT_PAGE = "xuat-bao-cao"
FOLLOWUP_PAGE = "don-doc"
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "office": PAGES,
    "leadership": ("tong-quan", "don-vi", "chat-luong-du-lieu", "don-doc", "huong-dan"),
    "unit": ("tong-quan", "don-vi", "huong-dan"),
    "viewer": ("tong-quan", "don-vi", "huong-dan"),
}


def pages_for(role: str) -> tuple[str, ...]:
    """The url paths of the pages `role` may open; none for an unknown role."""
    return ROLE_PAGES.get(role, ())


@dataclass(frozen=True)
class User:
    email: str | None
    role: Role
    unit_code: str | None = None
    unit_name: str | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in ("leadership", "office", "viewer")

    @property
    def sees_source_address(self) -> bool:
        """May the page link the spreadsheet? Not on the kiosk's anonymous screen."""
        return self.role != "viewer"

    @property
    def can_export(self) -> bool:
        return EXPORT_PAGE in pages_for(self.role)

    @property
    def follows_up(self) -> bool:
        """Is «Đôn đốc» (whom to chase) for this user? The office and leadership."""
        return FOLLOWUP_PAGE in pages_for(self.role)


def _emails(values: Iterable[str] | str | None) -> set[str]:
    if values is None:
        return set()
    if isinstance(values, str):
        values = values.replace(";", ",").split(",")
    return {v.strip().lower() for v in values if v and v.strip()}


def resolve_user(email: str | None, units: pd.DataFrame, roles: Mapping[str, Iterable[str] | str]) -> User:
    """The role of a signed-in email: office, then leadership (from `[roles]`), then a unit's `Email`.

    An email found in the `Email` cells of several units gets no unit role (never silently the first):
    the parser reports it to the office as a problem of the unit list.
    """
    if not email:
        return User(None, "unknown")
    key = email.strip().lower()
    if key in _emails(roles.get("office")):
        return User(key, "office")
    if key in _emails(roles.get("leadership")):
        return User(key, "leadership")
    matches = [unit for unit in units.itertuples(index=False) if key in {e.lower() for e in unit.emails}]
    if len(matches) == 1:  # an address listed for two units is a data problem: no unit role until fixed
        return User(key, "unit", str(matches[0].code), str(matches[0].name))
    return User(key, "unknown")


def demo_user(role: Role, unit_code: str | None, units: pd.DataFrame) -> User:
    """The user a demo-mode role picker stands for (no sign-in configured)."""
    if role != "unit":
        return User(f"demo-{role}@demo.local", role)
    row = units[units["code"] == unit_code]
    if row.empty:
        return User(None, "unknown")
    return User(f"demo-{str(unit_code).lower()}@demo.local", "unit", str(unit_code), str(row.iloc[0]["name"]))


def visible_units(user: User, units: pd.DataFrame) -> list[str]:
    """Unit codes whose own page and rows this user may see."""
    if user.sees_everything:
        return list(units["code"])
    if user.role == "unit" and user.unit_code in set(units["code"]):
        return [str(user.unit_code)]
    return []


def check_can_write(user: User, unit_code: str | None) -> None:
    """Raise NotAllowed (Vietnamese) unless `user` is that unit's own user: no one acts for another unit."""
    if user.role != "unit" or not unit_code or unit_code != user.unit_code:
        who = user.email or "người dùng chưa đăng nhập"
        raise NotAllowed(
            f"Tài khoản {who} không có quyền ghi dữ liệu cho đơn vị {unit_code or '(không rõ)'}: "
            "chỉ chính đơn vị đó được xác nhận báo cáo hoặc thêm hoạt động của mình."
        )


def check_can_review(user: User) -> None:
    """Raise NotAllowed (Vietnamese) unless `user` is the office: only Văn phòng Sở reviews reports."""
    if user.role != "office":
        who = user.email or "người dùng chưa đăng nhập"
        raise NotAllowed(
            f"Tài khoản {who} không có quyền duyệt báo cáo: chỉ Văn phòng Sở duyệt hoặc trả lại báo cáo quý."
        )


def check_can_remind(user: User) -> None:
    """Raise NotAllowed (Vietnamese) unless `user` is the office: only Văn phòng Sở sends reminders by email."""
    if user.role != "office":
        who = user.email or "người dùng chưa đăng nhập"
        raise NotAllowed(f"Tài khoản {who} không có quyền gửi thư nhắc: chỉ Văn phòng Sở được gửi nhắc các đơn vị.")
