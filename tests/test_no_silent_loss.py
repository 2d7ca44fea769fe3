"""Property: for any messy rows, rows read = activities + rows with errors, and every error row says where; every
row of a `Kế hoạch` tab is in a plan or a problem on its row, and the `Đơn vị` dates and successors only warn."""

from dataclasses import replace
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshots import ACTIVITY_HEADER, UNIT_HEADER, UNITS, snapshot

from reporting.export import all_tables
from reporting.metrics import summarize
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ, whole_year
from reporting.text import fold, show
from reporting.values import parse_plan_kind, parse_year

cells = st.one_of(
    st.none(),
    st.just(""),
    st.just("  "),
    st.booleans(),
    st.integers(-5, 60000),
    st.floats(-10, 60000, allow_nan=False),
    st.integers(),  # beyond int64 too
    st.floats(),  # NaN, infinities, 1e308
    st.sampled_from([2**63, 2**64 + 1, 1e30, -1e30, "9" * 30, "15/3/23", "15/03/2023 - 20/03/2023", "\x00\x07"]),
    st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    st.datetimes(datetime(2015, 1, 1), datetime(2030, 1, 1)),
    st.sampled_from(
        [
            "a",
            "a, b",
            "f",
            "x;y",
            "Nội dung k",
            "Trực quan",
            "social",
            "7",
            "1.200",
            "31/02/2023",
            "15/3/2023",
            "Quý I",
            '=HYPERLINK("x")',
            "Khác",
            "-1",
        ]
    ),
    st.text(max_size=12),
    st.text(alphabet=st.characters(), max_size=300),  # any Unicode, control characters included
)
rows = st.lists(st.lists(cells, min_size=0, max_size=9), max_size=25)

# A `Kế hoạch` tab: each column mostly what people type there (so rows often form a plan), sometimes anything.
PLAN_HEADER = ["Năm", "Mục", "Ký hiệu", "Tên", "Diễn giải", "Đơn vị tính", "Chỉ tiêu mỗi quý", "Nội dung được giao"]
PLAN_HEADER += ["Ngày ban hành"]
plan_row = st.tuples(
    st.one_of(st.sampled_from([2023, 2024, 2025, "2024", "năm 2025", 2024.0]), cells),
    st.one_of(st.sampled_from(["Nội dung", "nội dung", "Hình thức", "HINH THUC", "Đơn vị", "Kế hoạch"]), cells),
    st.one_of(st.sampled_from(["a", "b)", "N", "m", "ab", 1, "2", 3.0, 7, "VP", "ttr", "XYZ", "30/KH"]), cells),
    st.one_of(st.sampled_from(["Khác", "Podcast", "Lồng ghép hội nghị, tập huấn, cuộc họp", "Chuyển đổi số"]), cells),
    st.one_of(st.none(), st.text(max_size=20)),
    st.sampled_from([None, "", "tập", "tin, bài"]),
    st.one_of(st.sampled_from([None, 1, 3, 0, "x", "1.200", 2.0]), cells),
    st.one_of(st.sampled_from([None, "a", "n", "m", "a, n", "z"]), cells),
    st.one_of(st.sampled_from([None, "05/02/2024", "31/02/2024", date(2024, 2, 5)]), cells),
).map(list)
plan_tabs = st.one_of(st.none(), st.lists(plan_row, max_size=12))
# «Từ ngày», «Đến ngày» and «Đơn vị tiếp nhận» of a unit: dates, text, successors (itself and each other too).
unit_dates = st.one_of(
    st.none(), st.dates(date(2022, 1, 1), date(2025, 12, 31)), st.sampled_from(["1/7/2024", "hôm qua"]), cells
)
successors = st.one_of(st.none(), st.sampled_from(["VP", "TTR", "Thanh tra Sở", "ttr", "XYZ", " "]), cells)
over_time = st.tuples(unit_dates, unit_dates, successors).map(list)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _in_a_plan(parsed: Parsed, row: list) -> bool:
    """Whether the plan of the row's year holds what the row says (an area, a channel, a unit, the plan's number)."""
    year, kind = parse_year(row[0])[0], parse_plan_kind(row[1])[0]
    if year is None or kind is None or parsed.plans.for_year(year).year != year:
        return False
    plan, key = parsed.plans.for_year(year), fold(show(row[2]))
    if kind == "plan":
        return fold(plan.number) == key
    if kind == "area":
        return key in plan.letters
    if kind == "channel":
        return key.isdigit() and int(key) in {c.number for c in plan.channels}
    code = {"vp": "VP", "ttr": "TTR"}.get(key)
    return code in dict(plan.targets.units) or code in dict(plan.targets.unit_areas)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vp=rows, ttr=rows, plan=plan_tabs, vp_unit=over_time, ttr_unit=over_time)
def test_rows_read_equal_activities_plus_error_rows(vp, ttr, plan, vp_unit, ttr_unit):
    tabs = {
        "Đơn vị": [[*UNIT_HEADER, "Từ ngày", "Đến ngày", "Đơn vị tiếp nhận"], UNITS[0] + vp_unit, UNITS[1] + ttr_unit],
        "VP": [ACTIVITY_HEADER, *vp],
        "TTR": [ACTIVITY_HEADER, *ttr],
    }
    if plan is not None:
        tabs["Kế hoạch"] = [PLAN_HEADER, *plan]
    parsed = parse_snapshot(snapshot(tabs))
    non_blank = sum(
        1 for r in vp + ttr if any(not (c is None or (isinstance(c, str) and not c.strip())) for c in r[:8])
    )
    assert parsed.rows == non_blank
    assert parsed.rows == len(parsed.activities) + parsed.error_rows
    errors = parsed.problems[(parsed.problems["severity"] == "error") & parsed.problems["tab"].isin(["VP", "TTR"])]
    error_rows = set(zip(errors["tab"], errors["row"], strict=True))
    activity_rows = set(zip(parsed.activities["tab"], parsed.activities["row"], strict=True))
    assert len(error_rows) == parsed.error_rows
    assert not error_rows & activity_rows
    assert errors["message"].str.startswith("Trang «").all()
    # The unit list's dates and successors are warnings at most: both units stay, each with its row.
    assert list(parsed.units["code"]) == ["VP", "TTR"]
    listed = parsed.problems[parsed.problems["tab"] == "Đơn vị"]
    assert listed["row"].notna().all() and listed["severity"].eq("warning").all()
    # Each activity is read by the plan of its year.
    for year, areas, channel in zip(
        parsed.activities["year"], parsed.activities["areas"], parsed.activities["channel"], strict=True
    ):
        judged = parsed.plan_for(int(year))
        assert set(areas) <= set(judged.letters) and channel in judged.channel_codes
    # No silent loss in the plan tab: a filled row is in its year's plan, or a problem on its own row.
    planned = parsed.problems[parsed.problems["tab"] == "Kế hoạch"]
    assert planned["row"].notna().all() and planned["message"].str.startswith("Trang «Kế hoạch», dòng ").all()
    for number, row in enumerate(plan or [], start=2):
        if not all(_blank(c) for c in row):
            assert number in set(planned["row"]) or _in_a_plan(parsed, row), (number, row)
    # Whatever the cells held, the figures are computed without overflow or exception, and so are the tables of
    # the year the plans and the units' dates change in.
    for year in (2022, 2023, 2024):
        summary = summarize(parsed, whole_year(year), datetime(2024, 6, 1, tzinfo=VN_TZ))
        assert 0 <= summary.totals["quantity"] < 2**62 and summary.totals["activities"] >= 0
    assert all_tables(summary)


def _filled(row: list) -> bool:
    return any(not (c is None or (isinstance(c, str) and not c.strip())) for c in row)


# A unit tab as people leave it: title rows, data typed above the header, a header sorted in among the data,
# values in columns without a header, formulas whose results the file never stored.
titles = st.lists(st.text(min_size=1, max_size=20).filter(str.strip).map(lambda t: [t]), max_size=3)
above = st.lists(st.lists(cells, min_size=0, max_size=6).map(lambda r: ["x", "a", *r]), max_size=3)
wide_rows = st.lists(st.lists(cells, min_size=0, max_size=11), max_size=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    top=titles,
    early=above,
    sorted_in=st.booleans(),
    below=wide_rows,
    formula_picks=st.lists(st.tuples(st.integers(0, 19), st.integers(0, 7)), max_size=6),
)
def test_nothing_is_lost_wherever_the_header_is_and_whatever_the_file_left_out(
    top, early, sorted_in, below, formula_picks
):
    filler = [["15/3/2023", "a", "Khác", f"Dòng {i}"] for i in range(10)] if sorted_in else []
    before = [*top, *early, *filler]
    header_row = len(before) + 1
    uncomputed = set()
    for index, col in formula_picks:  # the reader gives a formula without a stored result as a blank cell
        if index < len(below):
            row = below[index] = list(below[index]) + [None] * (8 - len(below[index]))
            row[col] = None
            uncomputed.add((header_row + 1 + index, col))
    base = snapshot({"Đơn vị": [UNIT_HEADER, *UNITS], "VP": [*before, ACTIVITY_HEADER, *below]})
    parsed = parse_snapshot(replace(base, uncomputed={"VP": tuple(sorted(uncomputed))}))

    assert parsed.rows == len(parsed.activities) + parsed.error_rows
    problems = parsed.problems[parsed.problems["tab"] == "VP"]
    errors = problems[(problems["severity"] == "error") & problems["row"].notna()]
    error_rows = {int(r) for r in errors["row"]}
    counted = set(parsed.activities.loc[parsed.activities["tab"] == "VP", "row"])
    assert len(error_rows) == parsed.error_rows and not error_rows & counted
    # Every filled row is counted or an error with its row: titles only may stay silent, and only above a
    # header in its usual place.
    expect = {i + 1 for i, r in enumerate(early, start=len(top))} | {
        i + 1 for i, r in enumerate(filler, len(top) + len(early))
    }
    if sorted_in:
        expect |= {i + 1 for i in range(len(top))}
        assert problems["row"].isna().any() and "sắp xếp" in " ".join(problems["message"])
    expect |= {header_row + 1 + i for i, r in enumerate(below) if _filled(r[:8])}
    expect |= {row for row, _ in uncomputed}
    assert expect <= error_rows | counted
    assert {row for row, _ in uncomputed} <= error_rows
    warned = set(problems.loc[problems["severity"] == "warning", "row"].dropna().astype(int))
    assert {header_row + 1 + i for i, r in enumerate(below) if _filled(r[8:])} <= warned | error_rows
    assert problems["message"].str.startswith("Trang «VP»").all()
