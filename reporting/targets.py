"""«Mức độ hoàn thành kế hoạch»: each target of the plan, quarter by quarter, met or not.

A plan's targets (`reporting.plan.Targets`) are per quarter: at least N activities of a content area across
the agency, at least N of a channel, at least N of a unit, or every area assigned to a unit covered by it.
Each (target, quarter) is one row; the share met is over rows. A quarter still running is measured as of
now and marked `closed=False` (its figure can still rise). A unit's targets count only in the quarters it is
active in (`reporting.units_over_time`): a merged unit owes nothing after its last day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from reporting import fmt
from reporting.plan import Plan
from reporting.units_over_time import active_during

COMPLETION_COLUMNS = ["year", "quarter", "kind", "key", "label", "target", "actual", "met", "closed", "gap"]
KIND_LABELS = {
    "area": "Nội dung",
    "channel": "Hình thức",
    "unit": "Đơn vị",
    "unit_areas": "Nội dung được giao",
}


def empty_completion() -> pd.DataFrame:
    return pd.DataFrame(columns=COMPLETION_COLUMNS)


def completion(
    activities: pd.DataFrame,
    units: pd.DataFrame,
    plan: Plan,
    year: int,
    spans: Mapping[int, tuple[date, date]],
    today: date,
    only_units: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per target and quarter of `spans` (quarter → its first and last day): target, actual, met.
    `activities` is `Parsed.activities` (its year and quarter columns place each activity); with
    `only_units`, only those units' own targets."""
    targets = plan.targets
    if not targets:
        return empty_completion()
    names = dict(zip(units["code"], units["name"], strict=True))
    rows: list[dict[str, object]] = []
    for q, (start, end) in spans.items():
        acts = activities[(activities["year"] == year) & (activities["quarter"] == q)]
        closed = end < today

        def add(
            kind: str, key: str, label: str, target: int, actual: int, gap: str = "", q: int = q, closed: bool = closed
        ) -> None:
            rows.append(_row(year, q, closed, kind, key, label, target, actual, gap))

        if only_units is None:
            per_area = acts["areas"].explode().value_counts()
            for letter, n in targets.areas:
                add("area", letter, f"{letter}) {plan.area_by_letter[letter].label}", n, int(per_area.get(letter, 0)))
            per_channel = acts["channel"].value_counts()
            for code, n in targets.channels:
                channel = plan.channel_by_code[code]
                add("channel", code, f"{channel.number}. {channel.label}", n, int(per_channel.get(code, 0)))
        active = set(units.loc[active_during(units, start, end), "code"])
        wanted = set(only_units) if only_units is not None else None
        per_unit = acts["unit_code"].value_counts()
        for code, n in targets.units:
            if code in active and (wanted is None or code in wanted):
                add("unit", code, names.get(code, code), n, int(per_unit.get(code, 0)))
        for code, letters in targets.unit_areas:
            if code in active and (wanted is None or code in wanted):
                covered = set(acts.loc[acts["unit_code"] == code, "areas"].explode().dropna())
                missing = [a for a in letters if a not in covered]
                gap = f"chưa có nội dung {', '.join(missing)}" if missing else ""
                label = f"{names.get(code, code)}: nội dung {', '.join(letters)}"
                add("unit_areas", code, label, len(letters), len(letters) - len(missing), gap)
    frame = pd.DataFrame(rows, columns=COMPLETION_COLUMNS)
    return frame


def _row(
    year: int, q: int, closed: bool, kind: str, key: str, label: str, target: int, actual: int, gap: str
) -> dict[str, object]:
    met = actual >= target
    if not gap and not met:
        gap = f"còn thiếu {fmt.number(target - actual)} hoạt động"
    return {
        "year": year,
        "quarter": q,
        "kind": kind,
        "key": key,
        "label": label,
        "target": target,
        "actual": actual,
        "met": met,
        "closed": closed,
        "gap": "" if met else gap,
    }


def share(frame: pd.DataFrame) -> tuple[int, int]:
    """(targets met, targets) of a completion frame."""
    return int(frame["met"].astype(bool).sum()), len(frame)


def share_text(frame: pd.DataFrame) -> str:
    """«7/9 chỉ tiêu (77,8%)», or «chưa có chỉ tiêu»."""
    met, total = share(frame)
    if not total:
        return "chưa có chỉ tiêu"
    return f"{met}/{total} chỉ tiêu ({fmt.percent(met / total, 1)})"
