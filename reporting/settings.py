"""Settings, read from a flat mapping (environment variables, or the secrets file's top-level keys).

Every setting has a default, so the app and the CLI run with no configuration at all (on the demo).
`SETTINGS` is the one table of them: name, environment variable, kind, default and help; README's
table and `.streamlit/secrets.toml.example` list the same names (a test checks).

Messages name the setting, never its value: a value typed in the wrong place may be a password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reporting.periods import PeriodRules
from reporting.redact import looks_secret

Kind = Literal["text", "int", "bool", "url", "emails"]
DUE_SOON_DAYS = 7  # a report due within this many days, with nothing submitted, is chased and reminded
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "co", "có"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "khong", "không"})


class SettingsError(ValueError):
    """One or more settings cannot be read; `problems` are Vietnamese sentences naming each key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Setting:
    """One documented setting: its secrets key, its `CCHC_*` variable, its kind, range and default."""

    name: str
    kind: Kind
    default: Any
    help: str
    low: int = 0
    high: int = 0

    @property
    def env(self) -> str:
        return f"CCHC_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("source", "text", None, "data source: an .xlsx path or a Google Sheets URL/key; none: the demo workbook"),
    Setting("calendar_quarters", "bool", False, "calendar quarters instead of Nghị định 09/2019 periods"),
    Setting("deadline_day", "int", 14, "last on-time day of the quarter's last month", 1, 28),
    Setting("cache_ttl_seconds", "int", 60, "how long a read is cached, seconds (0: no cache)", 0, 86400),
    Setting("auto_refresh_seconds", "int", 0, "the overview refreshes itself every N seconds (0: off)", 0, 86400),
    Setting("agency_parent", "text", "UBND TỈNH BÌNH ĐỊNH", "governing body on exports (cơ quan chủ quản)"),
    Setting("agency_name", "text", "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", "the agency on exports and pages"),
    Setting("agency_code", "text", "SLĐTBXH", "the agency's code in document numbers (ký hiệu)"),
    Setting("place", "text", "Bình Định", "place name on exports (địa danh)"),
    Setting(
        "demo_mode",
        "bool",
        False,
        "without [auth], run the demo role picker even though a secrets file or a source is configured",
    ),
    Setting(
        "demo_writes",
        "bool",
        False,
        "in demo mode, let the role picker write to the configured source (a training copy)",
    ),
    Setting(
        "kiosk",
        "bool",
        False,
        "without [auth], a read-only screen for everyone (leadership's pages, no writes, no export), network allowed",
    ),
    Setting(
        "email_verified_optional",
        "bool",
        False,
        "the sign-in provider never sends `email_verified`: accept an email without that claim",
    ),
    Setting(
        "due_soon_days",
        "int",
        DUE_SOON_DAYS,
        "a report due within N days with nothing submitted is chased (Cần đôn đốc) and reminded by email",
        0,
        92,
    ),
    Setting("app_url", "url", None, "the app's address (https://…), for the link to a unit's page in reminders"),
    Setting(
        "reminder_digest_to",
        "emails",
        (),
        "who gets the digest of each reminder run (a list of emails); none: the [roles] office addresses",
    ),
)
SETTING_NAMES = frozenset(s.name for s in SETTINGS)


@dataclass(frozen=True)
class Settings:
    """What an installation may change. Names in `SETTINGS` are the documented keys."""

    source: str | None = None  # .xlsx path or Google Sheets URL/key; None → the demo workbook
    rules: PeriodRules = field(default_factory=PeriodRules)
    cache_ttl_seconds: int = 60
    auto_refresh_seconds: int = 0  # 0 = the overview does not refresh itself
    agency_parent: str = "UBND TỈNH BÌNH ĐỊNH"
    agency_name: str = "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"
    agency_code: str = "SLĐTBXH"
    place: str = "Bình Định"
    demo_mode: bool = False  # asked for explicitly: the role picker although secrets or a source exist
    demo_writes: bool = False  # without sign-in, may the demo role picker write to a configured source?
    kiosk: bool = False  # without sign-in: read-only for everyone
    email_verified_optional: bool = False  # accept a signed-in email that carries no email_verified claim
    due_soon_days: int = DUE_SOON_DAYS  # Cần đôn đốc and the reminders: due within this many days
    app_url: str | None = None  # the app's address, for links in reminders; None: no link
    reminder_digest_to: tuple[str, ...] = ()  # the reminders' digest; empty: the [roles] office addresses

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Build from keys such as CCHC_SOURCE / source, CCHC_DEADLINE_DAY / deadline_day, …

        Both the environment's upper-case `CCHC_*` names and the secrets file's lower-case names work
        (the environment wins when both are given). Raises SettingsError listing every bad key.
        """
        problems: list[str] = []
        read: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = _raw(values, setting)
            try:
                read[setting.name] = setting.default if raw is None else _convert(setting, raw)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise SettingsError(problems)
        return cls(
            source=read["source"],
            rules=PeriodRules(calendar=read["calendar_quarters"], deadline_day=read["deadline_day"]),
            cache_ttl_seconds=read["cache_ttl_seconds"],
            auto_refresh_seconds=read["auto_refresh_seconds"],
            agency_parent=read["agency_parent"],
            agency_name=read["agency_name"],
            agency_code=read["agency_code"],
            place=read["place"],
            demo_mode=read["demo_mode"],
            demo_writes=read["demo_writes"],
            kiosk=read["kiosk"],
            email_verified_optional=read["email_verified_optional"],
            due_soon_days=read["due_soon_days"],
            app_url=read["app_url"],
            reminder_digest_to=read["reminder_digest_to"],
        )


def _raw(values: Mapping[str, Any], setting: Setting) -> Any:
    for key in (setting.env, setting.name):
        if key in values and values[key] is not None and str(values[key]).strip() != "":
            return values[key]
    return None


def _where(setting: Setting) -> str:
    return f"Cấu hình «{setting.name}» (biến môi trường {setting.env})"


def _convert(setting: Setting, raw: Any) -> Any:
    """The setting's value from what was typed; ValueError (Vietnamese, no value quoted) when it can't."""
    if setting.kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"{_where(setting)} phải là true hoặc false (hoặc 1/0).")
    if setting.kind == "int":
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):  # also NaN, infinity
            raise ValueError(f"{_where(setting)} phải là số nguyên.")
        try:
            number = int(str(raw).strip()) if not isinstance(raw, (int, float)) else int(raw)
        except ValueError:
            raise ValueError(f"{_where(setting)} phải là số nguyên.") from None
        if not setting.low <= number <= setting.high:
            raise ValueError(f"{_where(setting)} phải trong khoảng {setting.low}–{setting.high}.")
        return number
    if setting.kind == "emails":
        return _emails(setting, raw)
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueError(f"{_where(setting)} phải là một chuỗi chữ.")
    if looks_secret(str(raw)):  # a key pasted into the wrong field: never shown as a path or a heading
        raise ValueError(
            f"{_where(setting)} chứa thứ giống một khoá bí mật (khoá riêng, mã truy cập): ghi lại cho đúng."
        )
    text = str(raw).strip()
    if setting.kind == "url" and not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", text):
        raise ValueError(
            f"{_where(setting)} phải là một địa chỉ bắt đầu bằng https:// (hoặc http://), không có dấu cách."
        )
    return text


def _emails(setting: Setting, raw: Any) -> tuple[str, ...]:
    """A list of emails: a TOML list of strings, or (from the environment) one string split at «,» or «;»."""
    if isinstance(raw, str):
        items: list[Any] = [part for part in re.split(r"[,;]", raw) if part.strip()]
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise ValueError(f'{_where(setting)} phải là một danh sách email, ví dụ {setting.name} = ["ten@example.vn"].')
    emails: list[str] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, str) or not EMAIL.match(item.strip()):
            raise ValueError(
                f"Phần tử thứ {position} của cấu hình «{setting.name}» (biến môi trường {setting.env}) không phải "
                "một địa chỉ email."
            )
        if item.strip().lower() not in emails:
            emails.append(item.strip().lower())
    return tuple(emails)
