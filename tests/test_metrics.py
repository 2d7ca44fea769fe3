"""Metrics for a quarter: totals, channels, areas counted once per tag, coverage, units, report rates."""

from datetime import date, datetime

import pytest
from snapshots import ACTIVITY_HEADER, SUBMISSION_HEADER, UNIT_HEADER, UNITS, snapshot

from reporting.metrics import (
    area_channel_matrix,
    latest_quarter_with_data,
    monthly_counts,
    summarize,
    summarize_quarter,
    unit_area_matrix,
)
from reporting.parse import parse_snapshot
from reporting.periods import VN_TZ, quarter, whole_year

NOW = datetime(2024, 1, 10, 9, tzinfo=VN_TZ)


@pytest.fixture
def parsed():
    return parse_snapshot(
        snapshot(
            {
                "Đơn vị": [UNIT_HEADER, *UNITS, ["CD", "Công đoàn", "Đoàn thể", None, "Không"]],
                "VP": [
                    ACTIVITY_HEADER,
                    [date(2023, 1, 5), "a, b", "meeting", "Họp", 1, 30],
                    [date(2023, 2, 5), "a", "web_news", "Tin", 3, None],
                    [date(2023, 3, 14), "c", "web_news", "Tin", 2, None],
                    [date(2023, 3, 15), "d", "social", "Q2", 1, None],
                    ["31/02/2023", "e", "social", "sai", 1, None],
                ],
                "TTR": [ACTIVITY_HEADER, [date(2022, 12, 15), "b", "visual", "Pano", 4, None]],
                "CD": [ACTIVITY_HEADER],
                "Nộp báo cáo": [
                    SUBMISSION_HEADER,
                    ["VP", 2023, 1, "14/03/2023 23:00"],
                    ["TTR", 2023, 1, "16/03/2023 08:00"],
                    ["VP", 2023, 1, "20/03/2023 08:00"],
                ],
            }
        )
    )


def test_quarter_totals(parsed):
    s = summarize_quarter(parsed, 2023, 1, NOW)
    assert s.totals == {
        "activities": 4,
        "quantity": 10,
        "participants": 30,
        "coverage": 0.3,
        "areas_covered": 3,
        "reports_expected": 2,
        "reports_submitted": 2,
        "reports_on_time": 1,
        "units": 3,
        "units_active": 2,
    }
    assert dict(s.channels) == {"meeting": 1, "web_section": 0, "web_news": 2, "visual": 1, "social": 0, "other": 0}
    # "a, b" counts once under a and once under b
    assert dict(s.areas) == {"a": 2, "b": 2, "c": 1, "d": 0, "e": 0, "g": 0, "h": 0, "k": 0, "l": 0, "m": 0}
    assert s.uncovered_areas == ["d", "e", "g", "h", "k", "l", "m"]
    assert s.problems == {"errors": 1, "warnings": 0}


def test_per_unit_figures_and_status(parsed):
    units = summarize_quarter(parsed, 2023, 1, NOW).units.set_index("code")
    assert units.loc["VP", ["activities", "quantity", "participants", "ch_web_news", "qty_web_news"]].tolist() == [
        3,
        6,
        30,
        2,
        5,
    ]
    assert units.loc["VP", "areas"] == ("a", "b", "c")
    assert units.loc["CD", "activities"] == 0 and units.loc["CD", "areas"] == ()
    assert units.loc["VP", "status"] == "on_time"  # the earliest of two submissions decides
    assert (units.loc["TTR", "status"], units.loc["TTR", "days_late"]) == ("late", 2)
    assert units.loc["TTR", "status_label"] == "Trễ hạn 2 ngày"


def test_unit_filter(parsed):
    s = summarize_quarter(parsed, 2023, 1, NOW, units=["TTR"])
    assert s.totals["activities"] == 1 and list(s.units["code"]) == ["TTR"]
    assert s.totals["reports_expected"] == 1 and s.problems["errors"] == 0


def test_units_not_reporting_are_not_expected(parsed):
    s = summarize_quarter(parsed, 2023, 2, NOW)
    assert s.totals["reports_expected"] == 2 and s.totals["reports_submitted"] == 0
    assert set(s.reports.loc[s.reports["expected"], "status"]) == {"missing"}


def test_not_due_before_deadline(parsed):
    s = summarize_quarter(parsed, 2023, 2, datetime(2023, 6, 1, tzinfo=VN_TZ))
    assert set(s.reports["status"]) == {"not_due"}


def test_year_summary_and_matrices(parsed):
    s = summarize(parsed, whole_year(2023), NOW)
    assert s.totals["activities"] == 5 and len(s.reports) == 3 * 4
    matrix = unit_area_matrix(s.activities, parsed.units)
    assert matrix.loc["VP", "a"] == 2 and matrix.loc["TTR", "b"] == 1 and matrix.loc["CD"].sum() == 0
    assert area_channel_matrix(s.activities).loc["a", "meeting"] == 1


def test_json_shape(parsed):
    data = summarize_quarter(parsed, 2023, 1, NOW).to_json()
    assert data["period"] == {
        "year": 2023,
        "quarter": 1,
        "start": "2022-12-15",
        "end": "2023-03-14",
        "deadline": "2023-03-14",
    }
    vp = data["units"][0]
    assert vp["report"] == {"status": "on_time", "submitted_at": "2023-03-14T23:00:00+07:00", "days_late": None}
    assert data["units"][1]["report"]["days_late"] == 2


def test_latest_quarter_and_months(parsed):
    assert latest_quarter_with_data(parsed) == (2023, 2)
    months = monthly_counts(parsed, quarter(2023, 1))
    # Reporting months of Nghị định 09: 15/12–14/1, 15/1–14/2, 15/2–14/3; they add up to the quarter.
    assert [m.month for m in months["month"]] == [1, 2, 3]
    assert [str(d) for d in months["start"]] == ["2022-12-15", "2023-01-15", "2023-02-15"]
    assert months["activities"].sum() == summarize_quarter(parsed, 2023, 1, NOW).totals["activities"]


def test_a_year_counts_only_the_reports_already_due(parsed):
    from datetime import datetime

    from reporting.metrics import summarize
    from reporting.periods import VN_TZ, whole_year

    in_may = datetime(2023, 5, 20, 9, 0, tzinfo=VN_TZ)  # quý I due, quý II–IV not yet
    totals = summarize(parsed, whole_year(2023), in_may).totals
    quarter_one = summarize_quarter(parsed, 2023, 1, in_may).totals
    assert totals["reports_expected"] == quarter_one["reports_expected"]


def test_area_counts_match_one_row_per_tag():
    # Counted from each distinct tuple of letters: the same as exploding every activity into its tags.
    import pandas as pd

    from reporting.metrics import area_counts
    from reporting.plan import PLAN_2023

    acts = pd.DataFrame(
        {
            "unit_code": ["VP", "VP", "TTR", "TTR", "XX"],
            "areas": [("a", "c"), (), ("a",), ("a", "c"), ("m",)],
        }
    )
    units = pd.DataFrame({"code": ["VP", "TTR", "CD"]})
    exploded = acts.explode("areas").dropna()
    expected = pd.crosstab(exploded["unit_code"], exploded["areas"])
    matrix = unit_area_matrix(acts, units, PLAN_2023)
    assert list(matrix.index) == ["VP", "TTR", "CD"] and list(matrix.columns) == list(PLAN_2023.letters)
    for unit in ("VP", "TTR"):
        for letter in PLAN_2023.letters:
            assert matrix.at[unit, letter] == expected.get(letter, {}).get(unit, 0)
    assert matrix.loc["CD"].sum() == 0  # no activity: zeros, still listed; XX is not a unit of the period
    counts = area_counts(acts, PLAN_2023)
    assert counts.to_dict() == {**dict.fromkeys(PLAN_2023.letters, 0), "a": 3, "c": 2, "m": 1}
