"""Periods by Nghị định 09/2019 and calendar quarters; report status at a given moment."""

import itertools
from datetime import date, datetime

import pandas as pd
import pytest

from reporting.periods import (
    VN_TZ,
    PeriodRules,
    current_quarter,
    days_to_deadline,
    deadline,
    half,
    period_of,
    periods_of,
    quarter,
    report_status,
    whole_year,
)

CAL = PeriodRules(calendar=True)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 3, 14), (2023, 1)),
        (date(2023, 3, 15), (2023, 2)),
        (date(2023, 6, 14), (2023, 2)),
        (date(2023, 6, 15), (2023, 3)),
        (date(2023, 9, 14), (2023, 3)),
        (date(2023, 9, 15), (2023, 4)),
        (date(2023, 12, 14), (2023, 4)),
        (date(2023, 12, 15), (2024, 1)),
        (date(2023, 12, 20), (2024, 1)),
        (date(2023, 1, 1), (2023, 1)),
        (date(2024, 2, 29), (2024, 1)),
        (date(2022, 12, 15), (2023, 1)),
    ],
)
def test_period_of_nd09(day, expected):
    assert period_of(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2023, 3, 31), (2023, 1)), (date(2023, 4, 1), (2023, 2)), (date(2023, 12, 31), (2023, 4))],
)
def test_period_of_calendar(day, expected):
    assert period_of(day, CAL) == expected


def test_vectorised_periods_match_scalar():
    days = pd.Series(pd.date_range("2022-12-01", "2024-03-31", freq="D"))
    years, quarters = periods_of(days)
    for d, y, q in zip(days, years, quarters, strict=True):
        assert period_of(d.date()) == (y, q)
    years, quarters = periods_of(days, CAL)
    assert all(period_of(d.date(), CAL) == (y, q) for d, y, q in zip(days, years, quarters, strict=True))


@pytest.mark.parametrize(
    ("q", "start", "end"),
    [
        (1, date(2022, 12, 15), date(2023, 3, 14)),
        (2, date(2023, 3, 15), date(2023, 6, 14)),
        (3, date(2023, 6, 15), date(2023, 9, 14)),
        (4, date(2023, 9, 15), date(2023, 12, 14)),
    ],
)
def test_quarter_bounds(q, start, end):
    p = quarter(2023, q)
    assert (p.start, p.end) == (start, end)
    assert deadline(2023, q) == end


def test_leap_year_quarter_and_calendar_bounds():
    assert quarter(2024, 1).contains(date(2024, 2, 29))
    assert (quarter(2024, 1, CAL).start, quarter(2024, 1, CAL).end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter(2023, 4, CAL).end == date(2023, 12, 31)


def test_half_and_year():
    assert (half(2023, 1).start, half(2023, 1).end) == (date(2022, 12, 15), date(2023, 6, 14))
    assert (half(2023, 2).start, half(2023, 2).end) == (date(2023, 6, 15), date(2023, 12, 14))
    year = whole_year(2023)
    assert (year.start, year.end) == (date(2022, 12, 15), date(2023, 12, 14))
    assert year.label == "năm 2023" and quarter(2023, 1).label == "quý I năm 2023"
    assert half(2023, 1).label == "6 tháng đầu năm 2023"


def test_bad_quarter_raises_vietnamese():
    with pytest.raises(ValueError, match="Quý phải từ 1 đến 4"):
        quarter(2023, 5)


def vn(*args):
    return datetime(*args, tzinfo=VN_TZ)


LATER = vn(2024, 1, 1)


@pytest.mark.parametrize(
    ("subs", "now", "status", "days_late"),
    [
        ([], vn(2023, 3, 14, 23, 59), "not_due", None),
        ([], vn(2023, 3, 15, 0, 0), "missing", None),
        ([vn(2023, 3, 14, 23, 59)], LATER, "on_time", None),
        ([vn(2023, 3, 15, 0, 0)], LATER, "late", 1),
        ([vn(2023, 3, 20, 8)], LATER, "late", 6),
        ([vn(2023, 3, 20, 8), vn(2023, 3, 1, 8)], LATER, "on_time", None),  # the earliest decides
        ([vn(2023, 3, 20, 8)], vn(2023, 3, 18), "missing", None),  # not yet submitted at `now`
        # 23:30 on the 14th in Hanoi is 16:30 UTC: time zone must not make it late.
        ([datetime.fromisoformat("2023-03-14T16:30:00+00:00")], LATER, "on_time", None),
        ([datetime.fromisoformat("2023-03-14T17:30:00+00:00")], LATER, "late", 1),
    ],
)
def test_report_status(subs, now, status, days_late):
    result = report_status(subs, 2023, 1, now)
    assert (result.status, result.days_late) == (status, days_late)


def test_status_labels():
    assert report_status([vn(2023, 3, 17)], 2023, 1, LATER).label == "Trễ hạn 3 ngày"
    overdue = (LATER.date() - date(2023, 3, 14)).days
    assert report_status([], 2023, 1, LATER).label == f"Chưa nộp, quá hạn {overdue} ngày"  # says the deadline passed
    assert report_status([], 2023, 1, vn(2023, 3, 15, 0, 1)).label == "Chưa nộp, quá hạn 1 ngày"
    assert report_status([], 2023, 1, vn(2023, 1, 1)).label == "Chưa đến hạn"


def test_current_quarter_uses_vietnam_time():
    # 17:30 UTC on 14/3 is 00:30 on 15/3 in Vietnam: already Q2.
    assert current_quarter(datetime.fromisoformat("2023-03-14T17:30:00+00:00")) == (2023, 2)
    assert days_to_deadline(2023, 1, vn(2023, 3, 10)) == 4
    assert days_to_deadline(2023, 1, vn(2023, 3, 16)) == -2


def test_every_choice_of_the_sidebar_is_a_period_and_has_a_previous_one():
    from reporting.periods import PERIOD_CHOICES, choice_label, chosen_period, previous_period

    labels = [choice_label(c) for c in PERIOD_CHOICES]
    assert labels == ["Quý I", "Quý II", "Quý III", "Quý IV", "6 tháng đầu năm", "6 tháng cuối năm", "Cả năm"]
    assert chosen_period(2023, "H2").label == "6 tháng cuối năm 2023"
    assert previous_period(chosen_period(2023, 1)).label == "quý IV năm 2022"
    assert previous_period(chosen_period(2023, "H1")).label == "6 tháng cuối năm 2022"
    assert previous_period(chosen_period(2023, "H2")).label == "6 tháng đầu năm 2023"
    assert previous_period(chosen_period(2023, "Y")).label == "năm 2022"


def test_reporting_months_tile_the_period_without_gaps():
    from datetime import timedelta

    from reporting.periods import PeriodRules, reporting_months, whole_year

    for rules, year in [
        (PeriodRules(), 2024),
        (PeriodRules(calendar=True), 2024),
        (PeriodRules(deadline_day=28), 2023),
    ]:
        months = reporting_months(whole_year(year, rules), rules)
        assert len(months) == 12 and months[0][2] == whole_year(year, rules).start
        assert months[-1][3] == whole_year(year, rules).end
        assert all(a[3] + timedelta(days=1) == b[2] for a, b in itertools.pairwise(months))
