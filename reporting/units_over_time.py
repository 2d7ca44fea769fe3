"""Units over time: when a unit reports, and whose history it carries on.

`Đơn vị` may give a unit «Từ ngày» (it reports from that day), «Đến ngày» (its last day) and «Đơn vị tiếp
nhận» (who takes its work over: a merger, or the main heir of a split). The rule at a boundary, on
Nghị định 09 periods: a unit owes the report of a quarter when it is active on the quarter's last day
(the deadline day, 14/3, 14/6, 14/9, 14/12 by default). So for a merger on 1/7/2024 (the old units end on
30/6, the new one starts on 1/7) the old units owe quarter II (it ended on 14/6) and the new unit owes
quarter III, which also covers the old units' last fortnight. A period lists every unit active on any of its
days, and any unit with an activity in it, so nothing typed is left out. In the monthly trend chart a
unit's figures include those of the units it took over (the cards compare the unit's own figures).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd


def _dates(units: pd.DataFrame, key: str) -> pd.Series:
    if key in units:
        return pd.to_datetime(units[key])
    return pd.Series(pd.NaT, index=units.index, dtype="datetime64[ns]")


def active_during(units: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Per unit: active on at least one day of start…end (both inclusive)."""
    since, until = _dates(units, "since"), _dates(units, "until")
    return (since.isna() | (since <= pd.Timestamp(end))) & (until.isna() | (until >= pd.Timestamp(start)))


def active_at(units: pd.DataFrame, day: date) -> pd.Series:
    """Per unit: active on `day`, so it owes the report of a period ending that day."""
    return active_during(units, day, day)


def lineage(units: pd.DataFrame, codes: Iterable[str]) -> list[str]:
    """`codes` and every unit whose work passed to one of them, directly or through other units."""
    found = list(dict.fromkeys(codes))
    if "successor" not in units:
        return found
    heirs = dict(zip(units["code"], units["successor"], strict=True))
    changed = True
    while changed:
        changed = False
        for code, heir in heirs.items():
            if heir in found and code not in found:
                found.append(code)
                changed = True
    return found
