"""Figures for a period: totals, channel mix, content-area coverage, per-unit figures, report status.

Everything the dashboard shows and every export writes comes from `summarize`, so they always agree.
An activity tagged "a, b" counts once under a and once under b; coverage is the share of the areas of the
period's plan (`Parsed.plan_for`: ten in 2023) with at least one activity. Units follow their dates
(`reporting.units_over_time`): a period lists the units active in it, and owes a report only from those
active on its last day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from reporting.parse import Parsed
from reporting.periods import (
    DEFAULT_RULES,
    STATUS_LABELS,
    VN_TZ,
    Period,
    PeriodRules,
    deadline,
    quarter,
    report_status,
    reporting_months,
)
from reporting.plan import PLAN_2023, Plan
from reporting.review import NOT_REVIEWED, review_state
from reporting.targets import completion, empty_completion
from reporting.units_over_time import active_at, active_during, lineage

REPORT_COLUMNS = [
    "unit_code",
    "name",
    "year",
    "quarter",
    "deadline",
    "expected",
    "status",
    "status_label",
    "submitted_at",
    "days_late",
    "review",  # the office's review (`reporting.review`): approved, returned, resubmitted or None
    "review_label",
    "review_comment",
]


@dataclass(frozen=True)
class Summary:
    """The figures of one period (and optional unit filter) at one moment."""

    period: Period
    now: datetime
    activities: pd.DataFrame  # the period's activities, filtered
    units: pd.DataFrame  # one row per unit: figures, areas covered, report status (quarters only)
    reports: pd.DataFrame  # one row per unit and quarter of the period: REPORT_COLUMNS
    channels: pd.Series  # channel code → activities (every channel of the plan, zeros kept)
    channel_quantity: pd.Series  # channel code → sum of «Số lượng» (units differ by channel: never add them up)
    channel_participants: pd.Series  # channel code → participants
    areas: pd.Series  # area letter → activities (every area of the plan, zeros kept)
    totals: dict[str, Any]
    problems: dict[str, int]
    # Error rows kept out of these figures: dated within the period, and with no readable date (which may be).
    excluded: dict[str, int] = field(default_factory=lambda: {"in_period": 0, "undated": 0})
    plan: Plan = PLAN_2023  # the plan of the period's year
    plan_notice: str | None = None  # said when that year has no plan of its own (`Plans.notice`)
    rules: PeriodRules = DEFAULT_RULES  # the period's rules, with its plan's deadline (`Parsed.rules_for`)
    # The plan's targets (`reporting.targets`), quarter by quarter from quarter I to the period's last:
    # the period's own rows and the year to date. Empty when the plan sets no target.
    completion: pd.DataFrame = field(default_factory=empty_completion)

    @property
    def completion_in_period(self) -> pd.DataFrame:
        return self.completion[self.completion["quarter"].isin(self.period.quarters)]

    @property
    def uncovered_areas(self) -> list[str]:
        return [letter for letter in self.plan.letters if self.areas[letter] == 0]

    def to_json(self) -> dict[str, Any]:
        """The `summary` command's JSON (DESIGN.md)."""
        by_unit = self.reports.set_index("unit_code") if self.period.kind == "quarter" else None
        units = []
        for row in self.units.itertuples(index=False):
            entry: dict[str, Any] = {
                "code": row.code,
                "name": row.name,
                "activities": int(row.activities),
                "quantity": int(row.quantity),
                "participants": int(row.participants),
                "channels": {code: int(getattr(row, f"ch_{code}")) for code in self.plan.channel_codes},
                "areas": list(row.areas),
            }
            if by_unit is not None and row.code in by_unit.index:
                report = by_unit.loc[row.code]
                entry["report"] = {
                    "status": report["status"],
                    "submitted_at": None if pd.isna(report["submitted_at"]) else report["submitted_at"].isoformat(),
                    "days_late": None if pd.isna(report["days_late"]) else int(report["days_late"]),
                }
            units.append(entry)
        period = self.period
        return {
            "period": {
                "year": period.year,
                "quarter": period.index if period.kind == "quarter" else None,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "deadline": (
                    deadline(period.year, period.quarters[-1], self.rules) if period.kind == "quarter" else period.end
                ).isoformat(),
            },
            "totals": {
                k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in self.totals.items()
                if k not in ("areas_covered", "units", "units_active")
            },
            "channels": {code: int(n) for code, n in self.channels.items()},
            "areas": {letter: int(n) for letter, n in self.areas.items()},
            "units": units,
            "problems": self.problems,
        }


def uncovered(covered: tuple[str, ...] | list[str], plan: Plan = PLAN_2023) -> list[str]:
    """The plan's areas not in `covered` (one unit's `areas`), in the plan's order."""
    return [letter for letter in plan.letters if letter not in covered]


def severity_counts(problems: pd.DataFrame) -> dict[str, int]:
    """{"errors": n, "warnings": m} of a problems frame: the one place problems are counted by severity."""
    severity = problems["severity"]
    return {"errors": int((severity == "error").sum()), "warnings": int((severity == "warning").sum())}


def select_units(parsed: Parsed, units: list[str] | tuple[str, ...] | None) -> pd.DataFrame:
    frame = parsed.units
    return frame if not units else frame[frame["code"].isin(units)]


def activities_in(parsed: Parsed, period: Period, units: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The activities dated within the period (inclusive), optionally of some units only."""
    frame = parsed.activities
    dates = frame["date"]
    mask = (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))
    if units:
        mask &= frame["unit_code"].isin(units)
    return frame[mask]


def excluded_counts(parsed: Parsed, period: Period, units: list[str] | tuple[str, ...] | None = None) -> dict[str, int]:
    """Error rows the period's figures leave out: {"in_period": dated within it, "undated": no readable date}."""
    frame = parsed.excluded
    if units:
        frame = frame[frame["unit_code"].isin(units)]
    dates = frame["date"]
    inside = (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))
    return {"in_period": int(inside.sum()), "undated": int(dates.isna().sum())}


def _tagged(activities: pd.DataFrame, plan: Plan) -> np.ndarray:
    """Per activity, per area letter of the plan, how often the activity is tagged with it (0 or 1).

    The few distinct tuples of letters are looked at once each, rather than every activity exploded into
    one row per letter: the same counts, without building a frame several times the activities' size."""
    codes, uniques = pd.factorize(activities["areas"].to_numpy(dtype=object), use_na_sentinel=True)
    per_unique = np.zeros((len(uniques) + 1, len(plan.letters)), dtype=np.int64)  # the last row: no areas
    for i, areas in enumerate(uniques):
        per_unique[i] = [areas.count(letter) for letter in plan.letters]
    return per_unique[codes]


def area_counts(activities: pd.DataFrame, plan: Plan = PLAN_2023) -> pd.Series:
    """Activities per content area (an activity counts once in each area it is tagged with)."""
    letters = pd.Index(list(plan.letters), name="areas")  # named as value_counts names them
    return pd.Series(_tagged(activities, plan).sum(axis=0), index=letters, dtype="int64", name="count")


def channel_counts(activities: pd.DataFrame, plan: Plan = PLAN_2023) -> pd.Series:
    return activities["channel"].value_counts().reindex(list(plan.channel_codes), fill_value=0).astype("int64")


def channel_sums(activities: pd.DataFrame, column: str, plan: Plan = PLAN_2023) -> pd.Series:
    """Sum of `column` (quantity, participants) per channel code, every channel of the plan present."""
    sums = activities.groupby("channel")[column].sum() if len(activities) else pd.Series(dtype="int64")
    return sums.reindex(list(plan.channel_codes), fill_value=0).astype("int64")


def _cross(frame: pd.DataFrame, rows: str, columns: str, values: str | None = None) -> pd.DataFrame:
    """Count (or sum `values`) per rows × columns. A groupby, not `pd.crosstab`/`pivot_table`: same table,
    a fraction of the fixed cost, which matters because the dashboard computes it on every filter change."""
    if not len(frame):
        return pd.DataFrame()
    grouped = frame.groupby([rows, columns], sort=False)
    return (grouped.size() if values is None else grouped[values].sum()).unstack(fill_value=0)


def unit_area_matrix(activities: pd.DataFrame, units: pd.DataFrame, plan: Plan = PLAN_2023) -> pd.DataFrame:
    """Unit code × area letter → activities, every unit and area present (zeros where uncovered)."""
    letters = list(plan.letters)
    table = pd.DataFrame()
    if len(activities):  # named as a cross table of the two columns is (charts melt it by these names)
        by_unit = pd.Index(activities["unit_code"].to_numpy(), name="unit_code")
        table = pd.DataFrame(_tagged(activities, plan), columns=pd.Index(letters, name="areas")).groupby(by_unit).sum()
    return table.reindex(index=list(units["code"]), columns=letters, fill_value=0).astype("int64")


def area_channel_matrix(activities: pd.DataFrame, plan: Plan = PLAN_2023) -> pd.DataFrame:
    """Area letter × channel code → activities."""
    exploded = activities[["channel", "areas"]].explode("areas")
    table = pd.crosstab(exploded["areas"], exploded["channel"]) if len(exploded) else pd.DataFrame()
    return table.reindex(index=list(plan.letters), columns=list(plan.channel_codes), fill_value=0).astype("int64")


def report_table(
    parsed: Parsed,
    year: int,
    quarters: tuple[int, ...],
    now: datetime,
    units: list[str] | tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Each unit's report for each quarter: deadline, status at `now`, first submission, days late."""
    chosen = select_units(parsed, units)
    subs = parsed.submissions
    # The units of the quarters' whole span, as `summarize` lists them (active on one of its days, or with an
    # activity in it): each quarter of a half-year or a year lists the same units, so the tables can look up
    # every unit of the summary in every quarter; a quarter a unit does not owe says so (`expected`).
    first, last = quarter(year, quarters[0], parsed.rules), quarter(year, quarters[-1], parsed.rules)
    dates = parsed.activities["date"]
    dated = (dates >= pd.Timestamp(first.start)) & (dates <= pd.Timestamp(last.end))
    in_span = active_during(chosen, first.start, last.end) | chosen["code"].isin(
        parsed.activities.loc[dated, "unit_code"]
    )
    rows = []
    rules = parsed.rules_for(year)  # the deadline of that year's plan, if it sets one
    for q in quarters:
        span = quarter(year, q, parsed.rules)
        owing = active_at(chosen, span.end)
        # A unit filter keeps its units (their pages say "no report owed"); otherwise a unit shows only
        # in the periods it existed in (or typed an activity in).
        listed = chosen if units else chosen[in_span | subs_of(subs, year, q, chosen)]
        of_quarter = subs[(subs["year"] == year) & (subs["quarter"] == q)]
        times = of_quarter.groupby("unit_code")["submitted_at"].apply(list).to_dict()
        decided = parsed.reviews[(parsed.reviews["year"] == year) & (parsed.reviews["quarter"] == q)]
        for unit, owes in zip(listed.itertuples(index=False), owing[listed.index], strict=True):
            sent = times.get(unit.code, [])
            status = report_status(sent, year, q, now, rules)
            review = (
                review_state(decided[decided["unit_code"] == unit.code], sent, now) if len(decided) else NOT_REVIEWED
            )
            returned = review.state == "returned" and status.status in ("on_time", "late")
            rows.append(
                {
                    "unit_code": unit.code,
                    "name": unit.name,
                    "year": year,
                    "quarter": q,
                    "deadline": deadline(year, q, rules),
                    "expected": bool(unit.reports) and bool(owes),
                    "status": "returned" if returned else status.status,
                    "status_label": STATUS_LABELS["returned"] if returned else status.label,
                    "submitted_at": status.submitted_at,
                    "days_late": status.days_late,
                    "review": review.state,
                    "review_label": review.label,
                    "review_comment": review.comment,
                }
            )
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    frame["days_late"] = frame["days_late"].astype("Int64")
    frame["review"] = frame["review"].astype(object).where(frame["review"].notna(), None)  # None, never NaN
    return frame


def subs_of(subs: pd.DataFrame, year: int, q: int, units: pd.DataFrame) -> pd.Series:
    """Per unit: it submitted a report for year/q (shown even outside its dates: nothing typed is hidden)."""
    of_quarter = subs[(subs["year"] == year) & (subs["quarter"] == q)]
    return units["code"].isin(of_quarter["unit_code"])


def _unit_figures(activities: pd.DataFrame, units: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    grouped = activities.groupby("unit_code")
    figures = pd.DataFrame(
        {
            "activities": grouped.size(),
            "quantity": grouped["quantity"].sum(),
            "participants": grouped["participants"].sum(),
        }
    )
    by_channel = _cross(activities, "unit_code", "channel")
    by_channel = by_channel.reindex(columns=list(plan.channel_codes), fill_value=0).add_prefix("ch_")
    qty_channel = _cross(activities, "unit_code", "channel", "quantity")
    qty_channel = qty_channel.reindex(columns=list(plan.channel_codes), fill_value=0).add_prefix("qty_")
    matrix = unit_area_matrix(activities, units, plan)
    covered = pd.Series(
        [tuple(a for a, n in zip(plan.letters, row, strict=True) if n > 0) for row in matrix.to_numpy()],
        index=matrix.index,
        dtype=object,
    )
    out = units[["code", "name", "group"]].set_index("code", drop=False)
    out = out.join(figures).join(by_channel).join(qty_channel)
    numeric = [c for c in out.columns if c not in ("code", "name", "group")]
    out[numeric] = out[numeric].fillna(0).astype("int64")
    out["areas"] = covered.reindex(out.index).map(lambda t: t if isinstance(t, tuple) else ())
    return out.reset_index(drop=True)


def summarize(
    parsed: Parsed, period: Period, now: datetime, units: list[str] | tuple[str, ...] | None = None
) -> Summary:
    """All figures of `period` at moment `now`, for all units or the given unit codes."""
    plan = parsed.plan_for(period.year)
    chosen = select_units(parsed, units)
    acts = activities_in(parsed, period, list(chosen["code"]) if units else None)
    if not units:  # the units of the period: those active in it, and any with an activity in it
        chosen = chosen[active_during(chosen, period.start, period.end) | chosen["code"].isin(acts["unit_code"])]
    unit_frame = _unit_figures(acts, chosen, plan)
    reports = report_table(parsed, period.year, period.quarters, now, units)
    if period.kind == "quarter":
        unit_frame = unit_frame.merge(
            reports[["unit_code", "status", "status_label", "submitted_at", "days_late"]],
            left_on="code",
            right_on="unit_code",
            how="left",
        ).drop(columns="unit_code")
    areas = area_counts(acts, plan)
    expected = reports[reports["expected"].astype(bool)]  # an empty column is object: [] would select columns
    if period.kind != "quarter":  # over several quarters, a report not yet due is not yet owed
        expected = expected[expected["status"] != "not_due"]
    totals = {
        "activities": len(acts),
        "quantity": int(acts["quantity"].sum()),
        "participants": int(acts["participants"].sum()),
        "coverage": float((areas > 0).sum() / len(plan.letters)),
        "areas_covered": int((areas > 0).sum()),
        "reports_expected": len(expected),
        "reports_submitted": int(expected["status"].isin(["on_time", "late"]).sum()),
        "reports_on_time": int((expected["status"] == "on_time").sum()),
        "units": len(unit_frame),
        "units_active": int((unit_frame["activities"] > 0).sum()),
    }
    problems = parsed.problems
    if units:
        problems = problems[problems["unit_code"].isin(units)]
    return Summary(
        period,
        now,
        acts,
        unit_frame,
        reports,
        channel_counts(acts, plan),
        channel_sums(acts, "quantity", plan),
        channel_sums(acts, "participants", plan),
        areas,
        totals,
        severity_counts(problems),
        excluded_counts(parsed, period, units),
        plan,
        parsed.plans.notice(period.year),
        parsed.rules_for(period.year),
        _completion(parsed, plan, period, now, units),
    )


def _completion(
    parsed: Parsed, plan: Plan, period: Period, now: datetime, units: list[str] | tuple[str, ...] | None
) -> pd.DataFrame:
    if not plan.targets:
        return empty_completion()
    spans = {}
    for q in range(1, period.quarters[-1] + 1):
        span = quarter(period.year, q, parsed.rules)
        spans[q] = (span.start, span.end)
    today = now.astimezone(VN_TZ).date()
    return completion(parsed.activities, parsed.units, plan, period.year, spans, today, list(units) if units else None)


def summarize_quarter(
    parsed: Parsed, year: int, index: int, now: datetime, units: list[str] | tuple[str, ...] | None = None
) -> Summary:
    return summarize(parsed, quarter(year, index, parsed.rules), now, units)


def latest_quarter_with_data(parsed: Parsed) -> tuple[int, int] | None:
    """The most recent (year, quarter) that has at least one activity."""
    if parsed.activities.empty:
        return None
    last = parsed.activities.sort_values(["year", "quarter"]).iloc[-1]
    return int(last["year"]), int(last["quarter"])


def monthly_counts(parsed: Parsed, period: Period, units: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Activities per reporting month of the period (`reporting.periods.reporting_months`: under ND 09 month M
    runs 15/(M−1)–14/M, so a quarter's months add up to the quarter): columns month (the calendar month the
    reporting month is named after, its first day), start, end, activities. A unit's months include those of
    the units it took over (`reporting.units_over_time.lineage`)."""
    acts = activities_in(parsed, period, lineage(parsed.units, units) if units else None)
    months = reporting_months(period, parsed.rules)
    dates = acts["date"].to_numpy()
    counts = [
        int(((dates >= np.datetime64(first)) & (dates < np.datetime64(last + timedelta(days=1)))).sum())
        for _year, _month, first, last in months
    ]
    return pd.DataFrame(
        {
            "month": [date(year, month, 1) for year, month, _first, _last in months],
            "start": [first for _y, _m, first, _l in months],
            "end": [last for _y, _m, _f, last in months],
            "activities": counts,
        }
    )
