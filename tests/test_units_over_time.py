"""Units over time (issue 11): «Từ ngày», «Đến ngày» and «Đơn vị tiếp nhận» in `Đơn vị`. Who owes a quarter's
report at a boundary (active on the quarter's last day, `reporting.units_over_time`), who each period lists,
trends that carry a predecessor's months, the exports of a period that spans a merger, and the warnings of dates
and successors the app cannot use."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from snapshots import ACTIVITY_HEADER, SUBMISSION_HEADER, UNIT_HEADER, snapshot

from reporting.export import export_bytes, progress_table, summary_table
from reporting.export.tables import NOT_EXPECTED
from reporting.metrics import monthly_counts, report_table, summarize, unit_area_matrix
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ, PeriodRules, half, quarter, whole_year
from reporting.settings import Settings
from reporting.units_over_time import active_at, active_during, lineage

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=VN_TZ)
HEADER = [*UNIT_HEADER, "Từ ngày", "Đến ngày", "Đơn vị tiếp nhận"]
OLD_NAME, NEW_NAME = "Phòng Người có công", "Phòng Lao động – Người có công"
# A merger on 1/7/2024: CU stops on 30/6 and hands over to MOI (named, not coded), which starts on 1/7.
UNITS = [
    HEADER,
    ["VP", "Văn phòng Sở", "Phòng chuyên môn, nghiệp vụ", "vp@example.vn", "Có"],
    ["CU", OLD_NAME, "Phòng chuyên môn, nghiệp vụ", "cu@example.vn", "Có", None, "30/06/2024", NEW_NAME],
    ["MOI", NEW_NAME, "Phòng chuyên môn, nghiệp vụ", "moi@example.vn", "Có", date(2024, 7, 1)],
]
TABS: dict[str, list[list[object]]] = {
    "Đơn vị": UNITS,
    "VP": [ACTIVITY_HEADER, [date(2023, 5, 2), "a", 1, "Hội nghị 2023"]],
    "CU": [
        ACTIVITY_HEADER,
        [date(2024, 1, 5), "b", 1, "Quý I"],
        [date(2024, 5, 2), "c", 1, "Quý II"],
        [date(2024, 6, 20), "d", 1, "Nửa tháng cuối, trong quý III"],
    ],
    "MOI": [ACTIVITY_HEADER, [date(2024, 8, 1), "e", 1, "Quý III"], [date(2024, 10, 1), "g", 1, "Quý IV"]],
    "Nộp báo cáo": [
        SUBMISSION_HEADER,
        ["CU", 2024, 2, "10/06/2024 09:00", "cu@example.vn"],
        ["MOI", 2024, 3, "10/09/2024 09:00", "moi@example.vn"],
    ],
}


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return parse_snapshot(snapshot(TABS))


def owed(parsed: Parsed, year: int, q: int) -> dict[str, bool]:
    """Unit code → owes the quarter's report, for the units the quarter lists."""
    reports = report_table(parsed, year, (q,), NOW)
    return dict(zip(reports["unit_code"], reports["expected"], strict=True))


def test_who_owes_quarters_ii_and_iii_across_a_merger(parse_tabs) -> None:
    """The old unit owes quarter II (it ended on 14/06, the old unit still active), the new one quarter III, which
    also covers the old unit's last fortnight (15/06–30/06): the old unit is listed there, owing nothing."""
    parsed = parse_tabs(TABS)
    assert parsed.problems.empty
    assert parsed.units.set_index("code").loc["CU", "successor"] == "MOI"
    assert owed(parsed, 2024, 1) == {"VP": True, "CU": True}
    assert owed(parsed, 2024, 2) == {"VP": True, "CU": True}
    assert owed(parsed, 2024, 3) == {"VP": True, "CU": False, "MOI": True}
    assert owed(parsed, 2024, 4) == {"VP": True, "MOI": True}
    q2, q3 = summarize(parsed, quarter(2024, 2), NOW), summarize(parsed, quarter(2024, 3), NOW)
    assert (q2.totals["reports_expected"], q2.totals["reports_submitted"]) == (2, 1)  # VP, CU (on time)
    assert (q3.totals["reports_expected"], q3.totals["reports_submitted"]) == (2, 1)  # VP, MOI (on time)
    assert monthly_counts(parsed, whole_year(2024), ["MOI"])["activities"].sum() == 5  # MOI's 2 and CU's 3


@pytest.mark.parametrize(
    ("period", "listed"),
    [
        (quarter(2023, 2), ["VP", "CU"]),  # MOI has not started: not in 2023 at all
        (whole_year(2023), ["VP", "CU"]),
        (quarter(2024, 1), ["VP", "CU"]),
        (quarter(2024, 2), ["VP", "CU"]),
        (half(2024, 1), ["VP", "CU"]),
        (quarter(2024, 3), ["VP", "CU", "MOI"]),  # 15/06–14/09: CU's last days, MOI's first
        (quarter(2024, 4), ["VP", "MOI"]),
        (half(2024, 2), ["VP", "CU", "MOI"]),
        (whole_year(2024), ["VP", "CU", "MOI"]),
        (quarter(2025, 1), ["VP", "MOI"]),
    ],
    ids=lambda p: p.slug if hasattr(p, "slug") else None,
)
def test_each_period_lists_the_units_active_in_it(parsed, period, listed) -> None:
    s = summarize(parsed, period, NOW)
    assert list(s.units["code"]) == listed
    assert list(unit_area_matrix(s.activities, s.units).index) == listed  # the heatmap's rows
    # Every quarter of the period lists the same units, so each can be looked up in each quarter.
    for q in period.quarters:
        assert list(s.reports.loc[s.reports["quarter"] == q, "unit_code"]) == listed


def test_a_unit_filter_keeps_its_unit_in_every_quarter_and_says_what_it_owes(parsed) -> None:
    reports = report_table(parsed, 2024, (1, 2, 3, 4), NOW, ["MOI"])
    assert list(reports["expected"]) == [False, False, True, True]
    assert list(report_table(parsed, 2023, (4,), NOW, ["MOI"])["expected"]) == [False]


@pytest.mark.parametrize(
    ("since", "until", "rules", "owes"),
    [
        (None, date(2024, 6, 14), PeriodRules(), {2: True, 3: None}),  # active on Q2's last day, then gone
        (None, date(2024, 6, 13), PeriodRules(), {2: False, 3: None}),  # gone the day before: listed, owes nothing
        (date(2024, 6, 14), None, PeriodRules(), {2: True, 3: True}),  # one day of Q2 is its last day
        (date(2024, 6, 15), None, PeriodRules(), {2: None, 3: True}),  # starts with Q3
        (date(2024, 3, 15), date(2024, 6, 14), PeriodRules(), {1: None, 2: True, 3: None}),
        (None, date(2024, 6, 30), PeriodRules(calendar=True), {2: True, 3: None}),  # calendar Q2 ends 30/6
        (date(2024, 7, 1), None, PeriodRules(calendar=True), {2: None, 3: True}),
    ],
)
def test_the_boundary_rule_active_on_the_quarters_last_day(since, until, rules, owes) -> None:
    """owes: quarter → True (owes), False (listed, owes nothing), None (not listed)."""
    tabs = {
        "Đơn vị": [HEADER, ["X", "Phòng X", "Phòng chuyên môn, nghiệp vụ", None, "Có", since, until]],
        "X": [ACTIVITY_HEADER],
    }
    parsed = parse_snapshot(snapshot(tabs), rules)
    assert parsed.problems.empty
    for q, expected in owes.items():
        assert owed(parsed, 2024, q).get("X") is expected, q


def test_monthly_counts_of_a_successor_include_its_predecessors_months(parsed) -> None:
    new = monthly_counts(parsed, whole_year(2024), ["MOI"]).set_index("month")["activities"]
    old = monthly_counts(parsed, whole_year(2024), ["CU"]).set_index("month")["activities"]
    # Reporting months (Nghị định 09): January is 15/12–14/01, July 15/06–14/07, and so on.
    assert {m.month: n for m, n in new.items() if n} == {1: 1, 5: 1, 7: 1, 8: 1, 10: 1}
    assert {m.month: n for m, n in old.items() if n} == {1: 1, 5: 1, 7: 1}  # never its successor's
    # The period's own figures stay the unit's own: MOI's quarter III is its one activity.
    assert summarize(parsed, quarter(2024, 3), NOW, ["MOI"]).totals["activities"] == 1


def test_a_chain_of_successors_carries_every_predecessor() -> None:
    tabs = {
        "Đơn vị": [
            HEADER,
            ["A", "Phòng A", None, None, "Có", None, "31/12/2023", "B"],
            ["B", "Phòng B", None, None, "Có", "01/01/2024", "30/06/2024", "c"],  # codes match leniently
            ["C", "Phòng C", None, None, "Có", "01/07/2024"],
        ],
        "A": [ACTIVITY_HEADER, [date(2023, 11, 2), "a", 1, "A"]],
        "B": [ACTIVITY_HEADER, [date(2024, 2, 2), "a", 1, "B"]],
        "C": [ACTIVITY_HEADER, [date(2024, 8, 2), "a", 1, "C"]],
    }
    parsed = parse_snapshot(snapshot(tabs))
    assert parsed.problems.empty
    assert lineage(parsed.units, ["C"]) == ["C", "B", "A"]
    period = half(2024, 1)  # 15/12/2023 … 14/06/2024
    assert monthly_counts(parsed, quarter(2024, 1), ["C"])["activities"].sum() == 1  # B's
    assert monthly_counts(parsed, whole_year(2023), ["C"])["activities"].sum() == 1  # A's
    assert monthly_counts(parsed, whole_year(2023), ["B"])["activities"].sum() == 1
    assert monthly_counts(parsed, period, ["A"])["activities"].sum() == 0


# (why, the unit's row, column header (None: nothing said), its letter, the value shown, reason)
UNUSABLE = [
    (
        "a successor that is no unit",
        ["X1", "Phòng X1", None, None, "Có", None, "30/06/2024", "Phòng Không Có"],
        "Đơn vị tiếp nhận",
        "H",
        "Phòng Không Có",
        "không khớp mã hay tên đơn vị nào trong trang «Đơn vị»",
    ),
    (
        "a unit that takes over from itself",
        ["X2", "Phòng X2", None, None, "Có", None, "30/06/2024", "phòng x2"],
        "Đơn vị tiếp nhận",
        "H",
        "phòng x2",
        "đơn vị không thể tiếp nhận chính nó",
    ),
    (
        "Đến ngày before Từ ngày",
        ["X3", "Phòng X3", None, None, "Có", "01/07/2024", "30/06/2024"],
        "Đến ngày",
        "G",
        "2024-06-30",
        "«Đến ngày» sớm hơn «Từ ngày»; hai ngày này không được dùng",
    ),
    (
        "a successor without Đến ngày",
        ["X4", "Phòng X4", None, None, "Có", None, None, "VP"],
        "Đơn vị tiếp nhận",
        "H",
        "VP",
        "có đơn vị tiếp nhận nhưng chưa ghi «Đến ngày»; đơn vị vẫn được coi là còn báo cáo",
    ),
    (
        "a Từ ngày that is no date",
        ["X5", "Phòng X5", None, None, "Có", "hôm qua"],
        "Từ ngày",
        "F",
        "hôm qua",
        "không phải ngày hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2023",
    ),
]


def test_dates_and_successors_that_cannot_be_used_are_warnings_and_the_unit_stays(parse_tabs) -> None:
    tabs = {
        "Đơn vị": [HEADER, ["VP", "Văn phòng Sở", None, None, "Có"], *(u[1] for u in UNUSABLE)],
        **{u[1][0]: [ACTIVITY_HEADER] for u in UNUSABLE},
        "VP": [ACTIVITY_HEADER],
    }
    parsed = parse_tabs(tabs)
    problems = parsed.problems.sort_values("row", kind="stable").reset_index(drop=True)
    assert list(problems["row"]) == list(range(3, 3 + len(UNUSABLE)))
    for (why, _unit, header, letter, value, reason), problem in zip(UNUSABLE, problems.to_dict("records"), strict=True):
        row = problem["row"]
        assert (problem["tab"], problem["severity"], problem["column"], problem["reason"]) == (
            "Đơn vị",
            "warning",
            header,
            reason,
        ), why
        assert problem["value"] == value, why
        assert problem["message"].startswith(f"Trang «Đơn vị», dòng {row}, cột «{header}» ({letter}{row}): "), why
    units = parsed.units.set_index("code")
    assert list(units.index) == ["VP", "X1", "X2", "X3", "X4", "X5"]  # a warning keeps the unit
    assert units.loc[["X1", "X2", "X3"], "successor"].isna().all()
    assert units.loc["X4", "successor"] == "VP"
    assert units.loc[["X3", "X5"], ["since", "until"]].isna().all().all()  # unusable dates: always active
    assert owed(parsed, 2024, 2) == dict.fromkeys(units.index, True)  # all active on 14/06/2024


@pytest.mark.parametrize(
    "header",
    [
        ["mã", "TÊN ĐƠN VỊ", "Ngày bắt đầu", "Ngày kết thúc", "Sáp nhập vào"],
        ["code", "name", "since", "until", "successor"],
        ["Mã đơn vị", "Tên", "tu ngay", "den ngay", "Đơn vị kế thừa"],
    ],
)
@pytest.mark.parametrize(
    ("since", "until"),
    [("1/7/2024", "ngày 30 tháng 6 năm 2025"), (date(2024, 7, 1), "2025-06-30"), ("01.07.2024", 45838)],
)
def test_the_new_columns_are_read_leniently(header, since, until) -> None:
    tabs = {
        "Đơn vị": [header, ["A", "Phòng A", since, until, "phòng b"], ["B", "Phòng B", "01/07/2025"]],
        "A": [ACTIVITY_HEADER],
        "B": [ACTIVITY_HEADER],
    }
    parsed = parse_snapshot(snapshot(tabs))
    assert parsed.problems.empty
    a = parsed.units.set_index("code").loc["A"]
    assert (a["since"], a["until"], a["successor"]) == (pd.Timestamp(2024, 7, 1), pd.Timestamp(2025, 6, 30), "B")


def test_a_unit_list_without_the_new_columns_keeps_every_unit_always_active() -> None:
    tabs = {"Đơn vị": [UNIT_HEADER, ["A", "Phòng A", None, None, "Có"]], "A": [ACTIVITY_HEADER]}
    parsed = parse_snapshot(snapshot(tabs))
    assert parsed.units[["since", "until"]].isna().all().all() and parsed.units["successor"].isna().all()
    assert owed(parsed, 2019, 1) == {"A": True} and owed(parsed, 2030, 4) == {"A": True}


# ---------------------------------------------------------------------------------------------------------------
# The exports of periods that span the merger


@pytest.mark.parametrize("period", [quarter(2024, 3), half(2024, 2), whole_year(2024)], ids=lambda p: p.slug)
@pytest.mark.parametrize("kind", ["xlsx", "docx", "csv"])
def test_a_period_that_spans_the_merger_exports(parsed, period, kind) -> None:
    assert export_bytes(parsed, Settings(), period, NOW, kind)


def test_the_year_table_says_which_quarters_each_unit_owed(parsed) -> None:
    s = summarize(parsed, whole_year(2024), NOW)
    table = summary_table(s)
    by_name = {row[1]: row for row in table.rows if isinstance(row[0], int)}
    old, new = by_name[OLD_NAME][-4:], by_name[NEW_NAME][-4:]
    assert old[0].startswith("Chưa nộp, quá hạn") and old[1:] == ["Đúng hạn", NOT_EXPECTED, NOT_EXPECTED]
    assert new[:3] == [NOT_EXPECTED, NOT_EXPECTED, "Đúng hạn"] and new[3].startswith("Chưa nộp, quá hạn")
    progress = progress_table(s)
    assert sum(row[1] == OLD_NAME for row in progress.rows) == 4  # each quarter, owed or not
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(parsed, Settings(), whole_year(2024), NOW, "xlsx")))
    texts = [c.value for row in book["Tổng hợp"].iter_rows() for c in row if isinstance(c.value, str)]
    assert OLD_NAME in texts and NEW_NAME in texts


def test_an_activity_typed_after_a_unit_stopped_is_counted_and_owes_nothing() -> None:
    tabs = {**TABS, "CU": [*TABS["CU"], [date(2024, 10, 2), "h", 1, "Sau ngày dừng"]]}
    parsed = parse_snapshot(snapshot(tabs))
    s = summarize(parsed, quarter(2024, 4), NOW)
    assert list(s.units["code"]) == ["VP", "CU", "MOI"]  # nothing typed is left out
    assert owed(parsed, 2024, 4) == {"VP": True, "CU": False, "MOI": True}
    assert s.totals["reports_expected"] == 2 and s.totals["activities"] == 2
    for kind in ("xlsx", "docx", "csv"):
        assert export_bytes(parsed, Settings(), quarter(2024, 4), NOW, kind)


# ---------------------------------------------------------------------------------------------------------------
# The pure functions on small frames

FRAME = pd.DataFrame(
    {
        "code": ["A", "B", "C", "D"],
        "since": pd.to_datetime([None, "2024-07-01", None, "2024-01-01"]),
        "until": pd.to_datetime(["2024-06-30", None, None, "2024-03-31"]),
        "successor": ["B", None, None, "B"],
    }
)


@pytest.mark.parametrize(
    ("start", "end", "active"),
    [
        (date(2024, 6, 15), date(2024, 9, 14), ["A", "B", "C"]),
        (date(2024, 6, 30), date(2024, 6, 30), ["A", "C"]),
        (date(2024, 7, 1), date(2024, 7, 1), ["B", "C"]),
        (date(2023, 1, 1), date(2023, 12, 31), ["A", "C"]),
        (date(2024, 3, 31), date(2024, 4, 1), ["A", "C", "D"]),
        (date(2024, 4, 1), date(2024, 6, 29), ["A", "C"]),
    ],
)
def test_active_during_both_ends_inclusive(start, end, active) -> None:
    assert list(FRAME.loc[active_during(FRAME, start, end), "code"]) == active
    if start == end:
        assert list(FRAME.loc[active_at(FRAME, start), "code"]) == active


def test_a_frame_without_dates_is_always_active_and_without_successors_has_no_lineage() -> None:
    bare = pd.DataFrame({"code": ["A", "B"]})
    assert active_during(bare, date(2000, 1, 1), date(2000, 1, 1)).all()
    assert lineage(bare, ["A"]) == ["A"]


def test_lineage_follows_chains_in_order_and_stops_on_a_cycle() -> None:
    assert lineage(FRAME, ["B"]) == ["B", "A", "D"]
    assert lineage(FRAME, ["C", "C"]) == ["C"]
    cycle = pd.DataFrame({"code": ["A", "B", "C"], "successor": ["B", "A", "A"]})
    assert sorted(lineage(cycle, ["A"])) == ["A", "B", "C"]
