"""The agency block of every export, over time: who issues the report, by the date of its period.

Agencies change in the middle of a year (in 2025 this Sở's work moved into Sở Nội vụ on 1/3, and Bình
Định merged into Gia Lai on 1/7), so the block is not one setting but a dated list: the optional tab
`Cơ quan` of the spreadsheet (`reporting.schema.LETTERHEAD_COLUMNS`), one row per change, each valid from
its «Từ ngày». A period's documents take the last row valid on the period's last day; before the first
row, or with no tab, the settings (`agency_parent`, `agency_name`, `agency_code`, `place`) as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from reporting.periods import Period
from reporting.settings import Settings

SIGNER = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"  # the signer's title when the list does not give one
LETTERHEAD_FRAME_COLUMNS = ["since", "parent", "name", "code", "place", "signer", "tab", "row"]


@dataclass(frozen=True)
class Letterhead:
    parent: str  # cơ quan chủ quản, e.g. UBND TỈNH BÌNH ĐỊNH
    name: str  # the agency, e.g. SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI
    code: str  # its ký hiệu in document numbers, e.g. SLĐTBXH
    place: str  # địa danh of the place-and-date line, e.g. Bình Định
    signer: str = SIGNER  # the signer's title, a line break between its lines
    since: date | None = None

    @property
    def signer_lines(self) -> list[str]:
        return [line.strip() for line in self.signer.splitlines() if line.strip()]


def from_settings(settings: Settings) -> Letterhead:
    return Letterhead(settings.agency_parent, settings.agency_name, settings.agency_code, settings.place)


def letterhead_for(period: Period, dated: pd.DataFrame, settings: Settings) -> Letterhead:
    """The block for `period`: the last row of `dated` (`Parsed.letterheads`) valid on the period's last
    day; a blank cell of that row falls back to the settings' value."""
    default = from_settings(settings)
    if dated.empty:
        return default
    valid = dated[dated["since"] <= pd.Timestamp(period.end)]
    if valid.empty:
        return default
    row = valid.sort_values(["since", "row"], kind="stable").iloc[-1]

    def pick(key: str, fallback: str) -> str:
        value = row[key]
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
        return text or fallback

    # A title on two lines is typed with a line break in the cell, or as «KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC».
    signer = "\n".join(part.strip() for part in pick("signer", default.signer).replace(" / ", "\n").splitlines())
    return Letterhead(
        pick("parent", default.parent),
        pick("name", default.name),
        pick("code", default.code),
        pick("place", default.place),
        signer,
        row["since"].date(),
    )
