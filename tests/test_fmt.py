"""reporting.fmt: the Vietnamese way of writing numbers, shares, dates and moments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from reporting import fmt
from reporting.periods import VN_TZ, quarter


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (7, 0, "7"),
        (1200, 0, "1.200"),
        (1234567, 0, "1.234.567"),
        (-3, 0, "-3"),
        (-1159, 0, "-1.159"),
        (1234.5, 1, "1.234,5"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),
        (np.int64(3765), 0, "3.765"),
        (None, 0, ""),
        (float("nan"), 0, ""),
        (pd.NA, 0, ""),
        (float("inf"), 0, ""),
    ],
)
def test_number(value, decimals, expected) -> None:
    assert fmt.number(value, decimals) == expected


@pytest.mark.parametrize(("value", "expected"), [(12, "+12"), (-10, "-10"), (0, "0"), (2379, "+2.379"), (None, "")])
def test_signed(value, expected) -> None:
    assert fmt.signed(value) == expected


@pytest.mark.parametrize(("share", "decimals", "expected"), [(0.855, 1, "85,5%"), (1, 0, "100%"), (0.75, 0, "75%")])
def test_percent(share, decimals, expected) -> None:
    assert fmt.percent(share, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2023, 3, 5), "05/03/2023"),
        (datetime(2023, 12, 14, 23, 59, tzinfo=VN_TZ), "14/12/2023"),
        (datetime(2023, 12, 14, 17, 30, tzinfo=UTC), "15/12/2023"),  # 00:30 on the 15th in Vietnam
        (pd.Timestamp("2023-06-01"), "01/06/2023"),
        (pd.NaT, ""),
        (None, ""),
    ],
)
def test_day(value, expected) -> None:
    assert fmt.day(value) == expected


def test_moment_is_in_vietnam_time() -> None:
    utc = datetime(2024, 1, 10, 2, 0, 5, tzinfo=UTC)
    assert fmt.moment(utc) == "09:00 10/01/2024"
    assert fmt.moment(utc, seconds=True) == "09:00:05 10/01/2024"
    assert fmt.moment(pd.NaT) == "" and fmt.moment(None, blank="—") == "—"


def test_names_and_ranges() -> None:
    assert [fmt.quarter_name(q) for q in (1, 2, 3, 4)] == ["Quý I", "Quý II", "Quý III", "Quý IV"]
    assert fmt.period_range(quarter(2023, 1)) == "15/12/2022 – 14/03/2023"
    assert fmt.month_name(date(2023, 3, 1)) == "Tháng 3/2023"
    assert fmt.days(1200) == "1.200 ngày"
    assert fmt.capitalize("quý I năm 2023") == "Quý I năm 2023"
