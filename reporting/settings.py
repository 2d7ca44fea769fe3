"""Settings, read from a flat mapping (environment variables, or secrets flattened by the app loader).

Every setting has a default, so the app and the CLI run with no configuration at all (on the demo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reporting.periods import PeriodRules


@dataclass(frozen=True)
class Settings:
    """What an installation may change. Names in `from_mapping` are the documented keys."""

    source: str | None = None  # .xlsx path or Google Sheets URL/key; None → the demo workbook
    rules: PeriodRules = field(default_factory=PeriodRules)
    cache_ttl_seconds: int = 60
    auto_refresh_seconds: int = 0  # 0 = the overview does not refresh itself
    agency_parent: str = "UBND TỈNH BÌNH ĐỊNH"
    agency_name: str = "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"
    agency_code: str = "SLĐTBXH"
    place: str = "Bình Định"
    demo_writes: bool = False  # without sign-in, may the demo role picker write to a configured source?

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Build from keys such as CCHC_SOURCE / source, CCHC_CALENDAR_QUARTERS / calendar_quarters, …

        Both the environment's upper-case `CCHC_*` names and the secrets file's lower-case names work;
        a value that cannot be read raises ValueError with a Vietnamese message naming the key.
        """

        def get(name: str) -> Any:
            for key in (f"CCHC_{name.upper()}", name):
                if key in values and values[key] not in (None, ""):
                    return values[key]
            return None

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            try:
                number = int(str(raw).strip())
            except ValueError:
                raise ValueError(f"Cấu hình «{name}» phải là số nguyên, không phải «{raw}».") from None
            if not low <= number <= high:
                raise ValueError(f"Cấu hình «{name}» phải trong khoảng {low}–{high}, không phải {number}.")
            return number

        def flag(name: str) -> bool:
            return str(get(name) or "").strip().lower() in {"1", "true", "yes", "co", "có"}

        defaults = cls()
        return cls(
            source=(str(get("source")).strip() or None) if get("source") is not None else None,
            rules=PeriodRules(
                calendar=flag("calendar_quarters"),
                deadline_day=integer("deadline_day", 14, 1, 28),
            ),
            cache_ttl_seconds=integer("cache_ttl_seconds", 60, 0, 86400),
            auto_refresh_seconds=integer("auto_refresh_seconds", 0, 0, 86400),
            agency_parent=str(get("agency_parent") or defaults.agency_parent),
            agency_name=str(get("agency_name") or defaults.agency_name),
            agency_code=str(get("agency_code") or defaults.agency_code),
            place=str(get("place") or defaults.place),
            demo_writes=flag("demo_writes"),
        )
