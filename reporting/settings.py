"""Settings, read from a flat mapping (environment variables, or the secrets file's top-level keys).

Every setting has a default, so the app and the CLI run with no configuration at all (on the demo).
`SETTINGS` is the one table of them: name, environment variable, kind, default and help; README's
table and `.streamlit/secrets.toml.example` list the same names (a test checks).

Messages name the setting, never its value: a value typed in the wrong place may be a password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reporting.periods import PeriodRules
from reporting.redact import looks_secret

Kind = Literal["text", "int", "bool"]
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
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueError(f"{_where(setting)} phải là một chuỗi chữ.")
    if looks_secret(str(raw)):  # a key pasted into the wrong field: never shown as a path or a heading
        raise ValueError(
            f"{_where(setting)} chứa thứ giống một khoá bí mật (khoá riêng, mã truy cập): ghi lại cho đúng."
        )
    return str(raw).strip()
