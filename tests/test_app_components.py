"""The components' pure parts on small literal frames: display frames, chart data, defaults, cards."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from components import charts, kpi, static, tables
from components.filters import default_period, year_options
from reporting.catalog import AREA_LETTERS, CHANNEL_CODES
from reporting.metrics import summarize_quarter
from reporting.periods import VN_TZ
from tests import static_html
from tests.app_fixtures import NOW


def _matrix() -> pd.DataFrame:
    data = {letter: [0, 0] for letter in AREA_LETTERS}
    data["a"] = [5, 1]
    data["m"] = [0, 2]
    return pd.DataFrame(data, index=pd.Index(["VP", "DTN"]))


def test_heatmap_frame_has_one_row_per_cell_with_readable_labels() -> None:
    frame = charts.heatmap_frame(_matrix(), {"VP": "Văn phòng Sở", "DTN": "Đoàn Thanh niên Sở"})
    assert len(frame) == 2 * 10
    first = frame.iloc[0].to_dict()
    assert first | {"dark": bool(first["dark"])} == {
        "unit": "VP",
        "unit_lines": "Văn phòng Sở",  # short: one line; a long name breaks in two (test below)
        "letter": "a",
        "count": 5,
        "order": 0,
        "unit_name": "Văn phòng Sở",
        "area": "a) Vai trò, trách nhiệm của cấp ủy, người đứng đầu",
        "area_order": 0,
        "state": "5 hoạt động",
        "label": "5",
        "dark": True,
    }
    empty = frame[(frame["unit"] == "DTN") & (frame["letter"] == "b")].iloc[0]
    assert (empty["state"], empty["label"], bool(empty["dark"])) == ("Chưa có hoạt động", "–", False)
    assert frame.loc[frame["unit"] == "DTN", "order"].unique().tolist() == [1]


def test_chart_specs_are_built_once_and_stay_data_free() -> None:
    first = charts.coverage_heatmap(_matrix(), {})
    second = charts.coverage_heatmap(_matrix() * 2, {})
    assert first.spec is second.spec  # the Altair build is paid once per process
    assert "data" not in first.spec and "datasets" not in first.spec
    assert all("data" not in layer for layer in first.spec["layer"])  # every layer draws the rows we pass
    assert first.spec["config"]["locale"]["number"]["thousands"] == "."


def test_channel_frame_keeps_the_plan_order_and_zeros() -> None:
    counts = pd.Series({"social": 4, "meeting": 2})
    frame = charts.channel_frame(counts, pd.Series({"social": 1200}))
    assert frame["code"].tolist() == list(CHANNEL_CODES)
    assert frame["activities"].tolist() == [2, 0, 0, 0, 4, 0]
    assert frame.loc[frame["code"] == "social", "quantity"].item() == 1200
    assert frame["channel"].iloc[0] == "1. Lồng ghép hội nghị, tập huấn, cuộc họp"


def test_monthly_frame_marks_the_reporting_months_of_the_quarter() -> None:
    months = pd.DataFrame(
        {
            "month": [date(2023, 9, 1), date(2023, 10, 1), date(2023, 12, 1)],
            "start": [date(2023, 8, 15), date(2023, 9, 15), date(2023, 11, 15)],
            "end": [date(2023, 9, 14), date(2023, 10, 14), date(2023, 12, 14)],
            "activities": [3, 1200, 0],
        }
    )
    frame = charts.monthly_frame(months, (date(2023, 9, 15), date(2023, 12, 14)))  # quý IV
    assert frame["label"].tolist() == ["09/2023", "10/2023", "12/2023"]
    assert frame["name"].tolist()[1] == "Tháng 10/2023 (15/09 – 14/10/2023)"
    # September's reporting month (15/8–14/9) belongs to quý III: never shaded as quý IV.
    assert frame["chosen"].tolist() == [charts.OTHER_MONTHS, charts.IN_QUARTER, charts.IN_QUARTER]


def test_compliance_frame_words_colours_and_dates() -> None:
    reports = pd.DataFrame(
        {
            "unit_code": ["A", "B", "C", "D", "E"],
            "name": ["Đơn vị A", "Đơn vị B", "Đơn vị C", "Đơn vị D", "Đơn vị E"],
            "deadline": [date(2023, 12, 14)] * 5,
            "expected": [True, True, True, True, False],
            "status": ["on_time", "late", "missing", "not_due", "missing"],
            "status_label": ["Đúng hạn", "Trễ hạn 3 ngày", "Chưa nộp", "Chưa đến hạn", "Chưa nộp"],
            "submitted_at": [datetime(2023, 12, 8, 9, tzinfo=VN_TZ), datetime(2023, 12, 17, 14, 5, tzinfo=VN_TZ)]
            + [None] * 3,
            "days_late": pd.array([None, 3, None, None, None], dtype="Int64"),
        }
    )
    frame = tables.compliance_frame(reports)
    assert frame.drop(columns="_status").to_dict("records") == [
        {"Đơn vị": "Đơn vị A", "Hạn nộp": "14/12/2023", "Trạng thái": "● Đúng hạn", "Thời điểm nộp": "09:00 08/12/2023", "Số ngày trễ": ""},
        {"Đơn vị": "Đơn vị B", "Hạn nộp": "14/12/2023", "Trạng thái": "▲ Trễ hạn 3 ngày", "Thời điểm nộp": "14:05 17/12/2023", "Số ngày trễ": "3"},
        {"Đơn vị": "Đơn vị C", "Hạn nộp": "14/12/2023", "Trạng thái": "■ Chưa nộp", "Thời điểm nộp": "", "Số ngày trễ": ""},
        {"Đơn vị": "Đơn vị D", "Hạn nộp": "14/12/2023", "Trạng thái": "○ Chưa đến hạn", "Thời điểm nộp": "", "Số ngày trễ": ""},
    ]  # fmt: skip
    assert frame["_status"].tolist() == ["on_time", "late", "missing", "not_due"]  # unit E reports no quarter


def test_excluded_rows_match_the_parsers_count(demo_parsed) -> None:
    excluded = tables.excluded_rows(demo_parsed.problems)
    assert len(excluded) == demo_parsed.error_rows
    assert len(demo_parsed.activities) + len(excluded) == demo_parsed.rows
    counts = tables.problem_counts_frame(demo_parsed.problems, demo_parsed.units)
    assert counts["Dòng bị loại"].sum() == demo_parsed.error_rows
    assert counts["Đơn vị"].iloc[-1].startswith("Ngoài trang đơn vị")


def test_problems_frame_links_cells_when_the_source_can() -> None:
    problems = pd.DataFrame(
        {
            "tab": ["VP", "Nháp"],
            "row": pd.array([5, None], dtype="Int64"),
            "column": ["Ngày", None],
            "cell": ["A5", None],
            "value": ["31/02/2023", None],
            "severity": ["error", "error"],
            "reason": ["không phải ngày hợp lệ", "tên trang không khớp đơn vị nào"],
            "message": ["Trang «VP», dòng 5…", "Trang «Nháp»: …"],
            "unit_code": ["VP", None],
        }
    )
    frame = tables.problems_frame(
        problems, {"VP": "Văn phòng Sở"}, lambda tab, cell: f"https://x/edit#gid=7&range={cell}"
    )
    assert frame["Trang"].tolist() == ["Nháp", "VP"]  # a tab-level problem (no row) first
    vp = frame.iloc[1]
    assert (vp["Đơn vị"], vp["Dòng"], vp["Ô"], vp["Lỗi và cách sửa"]) == (
        "Văn phòng Sở",
        "5",
        "A5",
        "Không phải ngày hợp lệ",
    )
    assert vp["Mở ô"] == "https://x/edit#gid=7&range=A5"
    assert pd.isna(frame.iloc[0]["Mở ô"]) and frame.iloc[0]["Dòng"] == ""


@pytest.mark.parametrize(
    ("configured", "now", "expected"),
    [
        (False, datetime(2026, 5, 1, tzinfo=VN_TZ), (2024, 4)),  # the demo: latest quarter with data
        (True, datetime(2023, 8, 1, tzinfo=VN_TZ), (2023, 3)),
        (True, datetime(2023, 12, 14, 23, 59, tzinfo=VN_TZ), (2023, 4)),
        (True, datetime(2023, 12, 15, 0, 0, tzinfo=VN_TZ), (2024, 1)),  # ND 09: the 15th starts next year's Q1
    ],
)
def test_default_period(demo_parsed, configured, now, expected) -> None:
    assert default_period(demo_parsed, configured, now) == expected


def test_year_options_cover_data_and_default(demo_parsed) -> None:
    assert year_options(demo_parsed, 2026) == [2023, 2024, 2026]
    assert year_options(demo_parsed, 2023) == [2023, 2024]  # the demo's data reaches 2024


def test_overview_cards_compare_with_the_previous_quarter(demo_parsed) -> None:
    q4 = summarize_quarter(demo_parsed, 2023, 4, NOW)
    q3 = summarize_quarter(demo_parsed, 2023, 3, NOW)
    cards = {c.label: c for c in kpi.overview_cards(q4, q3, error_rows=7)}
    assert cards["Hoạt động"].delta == q4.totals["activities"] - q3.totals["activities"]
    assert cards["Nội dung đã phủ"].value == f"{q4.totals['areas_covered']}/10"
    assert cards["Lỗi dữ liệu"].delta is None and cards["Lỗi dữ liệu"].lower_is_better
    assert "7 dòng có lỗi không được tính" in cards["Lỗi dữ liệu"].help


def test_the_page_set_offers_pages_whose_file_exists(tmp_path, monkeypatch) -> None:
    import app  # `main()` only runs under `streamlit run`

    assert [title for _, title, _, _ in app.page_specs()][:3] == ["Tổng quan", "Đơn vị", "Chất lượng dữ liệu"]
    (tmp_path / "content").mkdir()
    for name in ("overview.py", "guide.py"):
        (tmp_path / "content" / name).write_text("")
    monkeypatch.setattr(app, "HERE", tmp_path)
    assert [url for *_, url in app.page_specs()] == ["tong-quan", "huong-dan"]


def _sidebar_for_one_unit() -> None:
    """A script for AppTest: the sidebar limited to one unit, as a signed-in unit will see it."""
    import streamlit as st

    from components.filters import render_sidebar
    from reporting.parse import parse_snapshot
    from sheets.workbook import WorkbookSource

    parsed = parse_snapshot(WorkbookSource(st.session_state["demo_path"]).read())
    chosen = render_sidebar(parsed, (2023, 4), source_label="x", on_refresh=lambda: None, allowed_units=["VP"])
    st.session_state["chosen"] = chosen.unit


def test_a_limited_sidebar_offers_only_its_units_even_when_state_is_forged(private_demo) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sidebar_for_one_unit)
    at.session_state["demo_path"] = str(private_demo)
    at.session_state["sidebar_unit"] = "DTN"  # forged: another unit
    at.run()
    assert not at.exception
    box = at.selectbox(key="sidebar_unit")
    assert box.options == ["Văn phòng Sở"] and box.disabled
    assert at.session_state["chosen"] == "VP"


def test_long_names_break_in_two_at_a_space_never_cut() -> None:
    assert charts.wrap_label("Văn phòng Sở", 24) == "Văn phòng Sở"
    assert charts.wrap_label("Phòng Lao động – Việc làm – Giáo dục nghề nghiệp", 24) == (
        "Phòng Lao động – Việc|làm – Giáo dục nghề nghiệp"
    )
    frame = charts.channel_frame(pd.Series({"visual": 2}), pd.Series({"visual": 7}))
    assert (
        frame.set_index("code").loc["visual", "channel_lines"] == "4. Trực quan (pano, áp|phích, khẩu hiệu, băng rôn)"
    )


def test_static_table_shows_every_cell_as_text() -> None:
    frame = pd.DataFrame({"Đơn vị": ["<b>VP</b> & \u202eTT", None], "Số": ["1.200", float("nan")]})
    body = static.table_html(frame, right=["Số"], pinned=True, cell_styles={"Số": ["color: red", "color: blue"]})
    assert "<b>" not in body and "&lt;b&gt;VP&lt;/b&gt; &amp; TT" in body  # escaped; the direction control dropped
    shown = static_html.tables(body)[0]
    assert shown.to_dict("records") == [{"Đơn vị": "<b>VP</b> & TT", "Số": "1.200"}, {"Đơn vị": "", "Số": ""}]
    cells = [n for n in static_html.parse(body).walk() if n.tag == "td"]
    assert [c.attrs.get("style") for c in cells] == [None, "color: red", None, "color: blue"]
    assert cells[0].classes == {"cchc-pinned"} and cells[1].classes == {"cchc-right"}


def test_cards_show_the_change_coloured_by_whether_it_is_good_news() -> None:
    shown = kpi.figures(
        [
            kpi.Card("Hoạt động", "1.200", 8, "Số dòng <được> tính."),
            kpi.Card("Lỗi dữ liệu", "3", 2, lower_is_better=True),
            kpi.Card("Đơn vị", "5/6", 0),
            kpi.Card("Người", "7", None),
        ]
    )
    body = static.cards_html(shown, per_row=3, lead="Mũi tên: thay đổi so với quý III.")
    read = static_html.cards(body)
    assert [(c.label, c.value, c.delta, c.trend) for c in read] == [
        ("Hoạt động", "1.200", "+8", "good"),
        ("Lỗi dữ liệu", "3", "+2", "bad"),  # more errors is bad news
        ("Đơn vị", "5/6", "0", "flat"),
        ("Người", "7", "", ""),
    ]
    assert read[0].note == "Số dòng <được> tính." and "&lt;được&gt;" in body
    assert "--cchc-per-row: 3" in body and static_html.text(body).startswith("Mũi tên: thay đổi so với quý III.")
