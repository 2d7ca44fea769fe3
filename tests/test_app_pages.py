"""AppTest of every page on the demo workbook: it runs clean, and what it shows equals `reporting`'s figures."""

from __future__ import annotations

import pandas as pd
import pytest

from components import tables
from components.charts import heatmap_frame
from components.filters import unit_names
from reporting import fmt
from reporting.catalog import AREA_BY_LETTER, AREA_LETTERS, AREAS
from reporting.metrics import monthly_counts, summarize, summarize_quarter, unit_area_matrix
from reporting.parse import Parsed
from reporting.periods import quarter, whole_year
from tests.app_fixtures import NOW, PAGE_FILES, assert_clean, cards, chart_frames, metrics, shown, table, texts


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_clean_on_the_demo(make_app, page: str) -> None:
    at = make_app()
    at.switch_page(page).run()
    assert_clean(at)
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_clean_for_one_unit(make_app, page: str) -> None:
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value("CSCN").run()
    at.switch_page(page).run()
    assert_clean(at)


def test_sidebar_opens_on_the_latest_quarter_with_data(make_app) -> None:
    at = make_app()
    assert at.selectbox(key="sidebar_year").value == 2023
    assert at.selectbox(key="sidebar_quarter").value == 4
    assert at.selectbox(key="sidebar_unit").value == ""
    sidebar = "\n".join(shown(c.value) for c in at.sidebar.caption)
    assert "Nguồn: demo-2023.xlsx (sổ dữ liệu mẫu)" in sidebar
    assert "Dữ liệu lúc 09:00:00 10/01/2024" in sidebar
    assert "15/09/2023 – 14/12/2023 · hạn báo cáo 14/12/2023" in sidebar
    assert at.button(key="sidebar_refresh").label == "Làm mới"


def _expected_cards(parsed: Parsed, year: int, q: int, units: list[str] | None) -> dict[str, str]:
    s = summarize_quarter(parsed, year, q, NOW, units)
    t = s.totals
    return {
        "Hoạt động": fmt.number(t["activities"]),
        "Đơn vị có hoạt động": f"{t['units_active']}/{t['units']}",
        "Người tham gia": fmt.number(t["participants"]),
        "Nội dung đã phủ": f"{t['areas_covered']}/10",
        "Báo cáo đúng hạn": f"{t['reports_on_time']}/{t['reports_expected']}",
        "Lỗi dữ liệu": fmt.number(s.problems["errors"]),
    }


@pytest.mark.parametrize(
    ("year", "q", "unit"),
    [(2023, 4, None), (2023, 2, None), (2023, 1, "VP"), (2023, 3, "CSCN"), (2023, 4, "NCC")],
)
def test_overview_cards_equal_reporting_for_the_filter(make_app, demo_parsed, year, q, unit) -> None:
    at = make_app()
    at.selectbox(key="sidebar_quarter").set_value(q)
    at.selectbox(key="sidebar_unit").set_value(unit or "")
    at.run()
    assert_clean(at)
    assert metrics(at) == _expected_cards(demo_parsed, year, q, [unit] if unit else None)
    assert at.title[0].value == f"Tổng quan {quarter(year, q).label}"


def test_changing_the_quarter_changes_the_figures(make_app) -> None:
    at = make_app()
    before = metrics(at)
    at.selectbox(key="sidebar_quarter").set_value(2).run()
    after = metrics(at)
    assert before["Hoạt động"] != after["Hoạt động"]
    assert at.title[0].value == "Tổng quan quý II năm 2023"


def test_overview_deltas_are_against_the_previous_quarter(make_app, demo_parsed) -> None:
    at = make_app()
    q4 = summarize_quarter(demo_parsed, 2023, 4, NOW).totals
    q3 = summarize_quarter(demo_parsed, 2023, 3, NOW).totals
    by_label = {m.label: m for m in cards(at)}
    assert by_label["Hoạt động"].delta == fmt.signed(q4["activities"] - q3["activities"])
    assert by_label["Đơn vị có hoạt động"].delta == fmt.signed(q4["units_active"] - q3["units_active"])
    assert "Số lượng" not in by_label  # sessions, articles and posters are never added up
    assert "Mũi tên: thay đổi so với quý III năm 2023." in texts(at)


def test_overview_heatmap_channels_and_months_equal_reporting(make_app, demo_parsed) -> None:
    at = make_app()
    at.selectbox(key="sidebar_quarter").set_value(1).run()
    heat, channels, months = chart_frames(at)
    s = summarize_quarter(demo_parsed, 2023, 1, NOW)
    matrix = unit_area_matrix(s.activities, s.units)  # the units of 2023: TTCTXH starts in 2024
    assert "TTCTXH" not in matrix.index and len(matrix) == len(demo_parsed.units) - 1
    expected = heatmap_frame(matrix, unit_names(demo_parsed))
    pd.testing.assert_frame_equal(
        heat[["unit", "letter", "count"]].reset_index(drop=True),
        expected[["unit", "letter", "count"]].reset_index(drop=True),
        check_dtype=False,
    )
    # Q1 2023 of the demo leaves l and m untouched: every unit's cell there is an uncovered cell.
    assert set(heat.loc[heat["count"] == 0, "letter"]) >= {"l", "m"}
    assert heat["area"].str.startswith(tuple(f"{a}) " for a in AREA_LETTERS)).all()
    assert dict(zip(channels["code"], channels["activities"], strict=True)) == s.channels.to_dict()
    expected_months = monthly_counts(demo_parsed, whole_year(2023))
    assert months["activities"].tolist() == expected_months["activities"].tolist()


def test_overview_lists_uncovered_areas_with_the_plan_text(make_app, demo_parsed) -> None:
    at = make_app()
    at.selectbox(key="sidebar_quarter").set_value(1).run()
    uncovered = summarize_quarter(demo_parsed, 2023, 1, NOW).uncovered_areas
    assert uncovered == ["l", "m"]
    labels = [shown(e.label) for e in at.expander if shown(e.label)[1:3] == ") "]
    assert labels == [f"{a}) {AREA_BY_LETTER[a].label}" for a in uncovered]
    assert AREA_BY_LETTER["m"].text in texts(at)


def test_overview_compliance_table_equals_reporting(make_app, demo_parsed) -> None:
    at = make_app()
    shown = table(at, "Hạn nộp", "Trạng thái")
    s = summarize_quarter(demo_parsed, 2023, 4, NOW)
    expected = tables.compliance_frame(s.reports).drop(columns="_status")
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected, check_dtype=False)
    statuses = set(shown["Trạng thái"])
    assert "■ Chưa nộp, quá hạn 27 ngày" in statuses and "● Đúng hạn" in statuses  # the deadline passed: by how much
    assert any(v.startswith("▲ Trễ hạn ") and v.endswith(" ngày") for v in statuses)


def test_overview_empty_quarter_says_why(make_app) -> None:
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value("CSCN")
    at.selectbox(key="sidebar_quarter").set_value(3).run()
    assert_clean(at)
    assert "Chưa có hoạt động nào được ghi cho quý III năm 2023" in texts(at)


def test_unit_page_asks_for_a_unit_then_shows_its_quarter(make_app, demo_parsed) -> None:
    at = make_app()
    at.switch_page("content/unit.py").run()
    assert "Chọn một đơn vị" in texts(at)
    at.selectbox(key="unit_pick").set_value("VP").run()
    assert_clean(at)
    assert at.selectbox(key="sidebar_unit").value == "VP"
    s = summarize(demo_parsed, quarter(2023, 4), NOW, ["VP"])
    row = s.units.iloc[0]
    assert metrics(at) == {
        "Hoạt động": fmt.number(row["activities"]),
        "Người tham gia": fmt.number(row["participants"]),
        "Nội dung đã phủ": f"{len(row['areas'])}/10",
    }
    assert shown(at.header[0].value) == "Văn phòng Sở — quý IV năm 2023"
    listed = table(at, "Tên hoạt động", "Hình thức")
    assert len(listed) == row["activities"]
    missing = [a for a in AREA_LETTERS if a not in row["areas"]]
    area_boxes = [shown(e.label) for e in at.expander if shown(e.label)[1:3] == ") "]
    assert area_boxes == [f"{a}) {AREA_BY_LETTER[a].label}" for a in missing]


def test_unit_page_problems_have_tab_row_column_value_and_message(make_app, demo_parsed) -> None:
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    at.switch_page("content/unit.py").run()
    shown = table(at, "Lỗi và cách sửa")
    vp = demo_parsed.problems[demo_parsed.problems["unit_code"] == "VP"]
    assert len(shown) == len(vp) == 4  # three rows of 2023 and one of 2024 (area m, dropped by the 2024 plan)
    first = shown[shown["Ô"] == "A5"].iloc[0]
    assert (first["Trang"], first["Dòng"], first["Cột"], first["Giá trị"]) == ("VP", "5", "Ngày", "31/02/2023")
    assert first["Lỗi và cách sửa"] == "Không phải ngày hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2023"
    assert "Mở ô" not in shown.columns  # an .xlsx source has no cell links
    # The whole message, which a table cell would cut, is readable below the table.
    assert "Đọc đầy đủ 4 thông báo" in [e.label for e in at.expander]
    assert "1. Trang «VP», dòng 5, cột «Ngày» (A5): Giá trị «31/02/2023»" in texts(at)


@pytest.mark.parametrize(
    ("unit", "q", "says"),
    [
        ("VP", 4, "Báo cáo quý: **Đúng hạn**"),
        ("TTDD", 4, "Báo cáo quý: **Trễ hạn"),
        ("CSCN", 4, "Báo cáo quý: **Chưa nộp** — đã quá hạn 27 ngày (hạn 14/12/2023)"),
    ],
)
def test_unit_page_report_status_in_words(make_app, unit, q, says) -> None:
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value(unit)
    at.selectbox(key="sidebar_quarter").set_value(q).run()
    at.switch_page("content/unit.py").run()
    assert says in texts(at)


def test_unit_page_counts_days_left_before_the_deadline(make_app, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_NOW", "2023-12-04T10:00")
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value("CSCN").run()
    at.switch_page("content/unit.py").run()
    assert "Báo cáo quý: **Chưa đến hạn** — còn 10 ngày để nộp (hạn 14/12/2023)." in texts(at)


def test_unit_page_with_no_activity_this_quarter_says_so(make_app) -> None:
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value("CSCN")
    at.selectbox(key="sidebar_quarter").set_value(3).run()
    at.switch_page("content/unit.py").run()
    assert "Chưa có hoạt động nào của đơn vị trong quý III năm 2023 (15/06/2023 – 14/09/2023)." in texts(at)


def test_quality_page_counts_equal_the_parser(make_app, demo_parsed) -> None:
    at = make_app()
    at.switch_page("content/quality.py").run()
    assert_clean(at)
    problems = demo_parsed.problems
    assert metrics(at) == {
        "Dòng đã đọc": fmt.number(demo_parsed.rows),
        "Dòng được tính": fmt.number(len(demo_parsed.activities)),
        "Dòng bị loại do lỗi": fmt.number(demo_parsed.error_rows),
        "Lỗi": fmt.number((problems["severity"] == "error").sum()),
        "Cảnh báo": fmt.number((problems["severity"] == "warning").sum()),
    }
    assert len(table(at, "Lỗi và cách sửa")) == len(problems)
    counts = table(at, "Dòng bị loại")
    assert counts["Dòng bị loại"].sum() == demo_parsed.error_rows
    assert counts["Lỗi"].sum() + counts["Cảnh báo"].sum() == len(problems)


def test_quality_page_filters_by_severity_and_unit(make_app, demo_parsed) -> None:
    at = make_app()
    at.switch_page("content/quality.py").run()
    at.segmented_control(key="quality_severity").set_value("warning").run()
    shown = table(at, "Lỗi và cách sửa")
    assert set(shown["Mức độ"]) == {"Cảnh báo"}
    assert len(shown) == (demo_parsed.problems["severity"] == "warning").sum()
    at.segmented_control(key="quality_severity").set_value("error")
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    shown = table(at, "Lỗi và cách sửa")
    assert set(shown["Đơn vị"]) == {"Văn phòng Sở"} and set(shown["Mức độ"]) == {"Lỗi"}
    assert metrics(at)["Dòng bị loại do lỗi"] == "4"


def test_guide_page_has_the_plan_areas_channels_and_deadlines(make_app) -> None:
    at = make_app()
    at.switch_page("content/guide.py").run()
    assert_clean(at)
    assert [shown(e.label) for e in at.expander] == [f"{a.letter}) {a.label}" for a in AREAS]
    page = texts(at)
    assert "6. Khác" in page and "1. Lồng ghép hội nghị, tập huấn, cuộc họp" in page
    periods = table(at, "Từ ngày", "Đến ngày")
    assert periods.iloc[0].tolist() == ["Quý I năm 2023", "15/12/2022", "14/03/2023", "14/03/2023"]
    assert periods.iloc[3].tolist() == ["Quý IV năm 2023", "15/09/2023", "14/12/2023", "14/12/2023"]


def test_no_english_leftovers_in_titles_and_captions(make_app) -> None:
    at = make_app()
    seen = []
    for page in PAGE_FILES:
        at.switch_page(page).run()
        seen.append(texts(at))
    page_text = "\n".join(seen).lower()
    for word in ("nan", "none", "error", "traceback", "quarter", "unit "):
        assert f" {word} " not in f" {page_text} ", word


@pytest.mark.parametrize(("unit", "q"), [("VP", 1), ("VP", 3), ("TTDVVL", 2), ("DTN", 4)])
def test_unit_page_cards_follow_the_quarter(make_app, demo_parsed, unit, q) -> None:
    at = make_app()
    at.selectbox(key="sidebar_unit").set_value(unit).run()
    at.switch_page("content/unit.py").run()
    at.selectbox(key="sidebar_quarter").set_value(q).run()
    assert_clean(at)
    row = summarize(demo_parsed, quarter(2023, q), NOW, [unit]).units.iloc[0]
    assert metrics(at)["Hoạt động"] == fmt.number(row["activities"])
    quantities = table(at, "Hoạt động", "Số lượng")  # per channel, in its own unit
    assert (
        quantities["Số lượng"].str.len().gt(0).sum()
        == (summarize(demo_parsed, quarter(2023, q), NOW, [unit]).channels > 0).sum()
    )
    assert metrics(at)["Nội dung đã phủ"] == f"{len(row['areas'])}/10"
    assert len(table(at, "Tên hoạt động", "Hình thức")) == row["activities"]


# ---- a half-year, the year, and honest comparisons ----------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "label"), [("H1", "6 tháng đầu năm 2023"), ("H2", "6 tháng cuối năm 2023"), ("Y", "năm 2023")]
)
def test_the_dashboard_shows_a_half_year_and_the_year(make_app, demo_parsed, choice, label) -> None:
    from reporting.periods import chosen_period

    at = make_app()
    at.selectbox(key="sidebar_quarter").set_value(choice).run()
    assert_clean(at)
    period = chosen_period(2023, choice)
    s = summarize(demo_parsed, period, NOW)
    assert at.title[0].value == f"Tổng quan {label}"
    assert metrics(at)["Hoạt động"] == fmt.number(s.totals["activities"])
    compliance = table(at, "Hạn nộp", "Trạng thái")
    wanted = {"H1": ["Quý I", "Quý II"], "H2": ["Quý III", "Quý IV"], "Y": ["Quý I", "Quý II", "Quý III", "Quý IV"]}
    assert list(compliance["Quý"].unique()) == wanted[choice]
    assert len(compliance) == len(s.reports[s.reports["expected"].astype(bool)])
    sidebar = "\n".join(shown(c.value) for c in at.sidebar.caption)
    assert "mỗi quý một báo cáo" in sidebar


def test_a_unit_sees_each_quarters_report_of_a_half_year_and_confirms_only_a_quarter(make_app) -> None:
    at = make_app()
    at.selectbox(key="sidebar_demo_role").set_value("unit").run()
    at.selectbox(key="sidebar_demo_unit").set_value("VP").run()
    at.switch_page("content/unit.py").run()
    at.selectbox(key="sidebar_quarter").set_value("H2").run()
    assert_clean(at)
    said = texts(at)
    assert "Báo cáo quý III:" in said and "Báo cáo quý IV:" in said
    assert "chọn một quý ở mục «Kỳ» trên thanh bên để xác nhận" in said


def test_no_change_is_shown_against_a_period_without_data(make_app) -> None:
    at = make_app()
    at.selectbox(key="sidebar_quarter").set_value(1).run()  # quý IV năm 2022 has no activity in the demo
    assert_clean(at)
    assert all(m.delta in (None, "") for m in cards(at))
    assert "Không so sánh với quý IV năm 2022: kỳ đó chưa có hoạt động nào được ghi." in texts(at)
    at.selectbox(key="sidebar_quarter").set_value(2).run()  # against quý I, which has data
    assert any(m.delta for m in cards(at))


def test_the_chosen_quarters_monthly_bars_add_up_to_its_card(make_app, demo_parsed) -> None:
    at = make_app()
    for q in (1, 2, 3, 4):
        at.selectbox(key="sidebar_quarter").set_value(q).run()
        months = monthly_counts(demo_parsed, whole_year(2023))
        inside = months[(months["start"] >= quarter(2023, q).start) & (months["end"] <= quarter(2023, q).end)]
        assert fmt.number(int(inside["activities"].sum())) == metrics(at)["Hoạt động"]


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        (
            "unit",
            ["Việc của đơn vị mỗi quý", "Thêm hoạt động", "Xác nhận đã nộp báo cáo quý"],
            ["python -m reporting", "Xuất bảng tổng hợp"],
        ),
        ("leadership", ["Đọc trang Tổng quan"], ["python -m reporting", "Việc của đơn vị mỗi quý"]),
        (
            "office",
            ["Xuất bảng tổng hợp", "python -m reporting export", "tong-hop-cchc-2023-Q4-excel.csv"],
            ["Việc của đơn vị mỗi quý"],
        ),
    ],
)
def test_the_guide_speaks_to_the_role_looking(make_app, role, has, lacks) -> None:
    at = make_app()
    at.selectbox(key="sidebar_demo_role").set_value(role).run()
    at.switch_page("content/guide.py").run()
    assert_clean(at)
    said = texts(at) + "\n".join(h.value for h in at.header)
    for words in has:
        assert words in said, words
    for words in lacks:
        assert words not in said, words


def test_a_2024_quarter_runs_on_the_2024_plan_with_its_targets_and_the_merger(make_app, demo_parsed) -> None:
    """The demo's 2024: area m dropped and n added, targets, and TTDD + CSBTXH merged into TTCTXH on 1/7."""
    from reporting.targets import share_text

    at = make_app()
    at.selectbox(key="sidebar_year").set_value(2024).run()
    at.selectbox(key="sidebar_quarter").set_value(3).run()
    assert_clean(at)
    s = summarize_quarter(demo_parsed, 2024, 3, NOW)
    assert s.plan.year == 2024 and "n" in s.plan.letters and "m" not in s.plan.letters
    assert metrics(at)["Nội dung đã phủ"] == f"{s.totals['areas_covered']}/10"
    heat, _channels, _months = chart_frames(at)
    assert set(heat["letter"]) == set(s.plan.letters)
    assert {"TTCTXH", "TTDD"} <= set(heat["unit"])  # TTDD worked until 30/06, inside quý III's 15/06–14/09
    compliance = table(at, "Đơn vị", "Hạn nộp", "Trạng thái")
    owed = dict(zip(compliance["Đơn vị"], compliance["Trạng thái"], strict=True))
    assert "Trung tâm Điều dưỡng người có công" not in owed  # merged on 1/7: quý III is its successor's
    assert "Chưa đến hạn" in owed["Trung tâm Công tác xã hội tổng hợp"]  # at NOW, 10/01/2024
    assert len(owed) == s.totals["reports_expected"] == len(s.units) - 2
    assert "Mức độ hoàn thành kế hoạch" in [h.value for h in at.subheader]
    assert metrics(at)["Đạt trong quý III năm 2024"] == share_text(s.completion_in_period)
    assert metrics(at)["Từ đầu năm 2024"] == share_text(s.completion)
    done = table(at, "Kết quả")
    assert len(done) == len(s.completion_in_period) and set(done["Kết quả"]) <= {"Đạt", "Chưa đạt", "Đang thực hiện"}


def test_the_guide_of_2024_lists_the_2024_plan(make_app) -> None:
    at = make_app()
    at.selectbox(key="sidebar_year").set_value(2024).run()
    at.switch_page("content/guide.py").run()
    assert_clean(at)
    assert "Mười nội dung tuyên truyền của kế hoạch năm 2024 (số 15/KH-SLĐTBXH)" in [h.value for h in at.header]
    assert "m) Năng lực đội ngũ làm CCHC; Đề án 06 dữ liệu dân cư" not in [shown(e.label) for e in at.expander]
    assert "n) Cải cách TTHC gắn với chuyển đổi số; dịch vụ công trực tuyến toàn trình" in [
        shown(e.label) for e in at.expander
    ]
