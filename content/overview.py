"""Tổng quan: the leadership's one glance at the chosen period — a quarter, a half-year or the year — and
unit filter.

KPI cards against the previous period of the same kind (only when that period has data), the unit ×
content-area heatmap, the channel mix with «Số lượng» per channel (their units differ: never added up),
activities by reporting month across the year (Nghị định 09 months, so the chosen quarter's bars add up
to its card), the compliance table, the areas nobody covered and, for the office and leadership, one line
on who is to be chased with a link to «Đôn đốc» (content/followup.py: the list, the reminders, the review).
With `auto_refresh_seconds` set, the page re-reads the data on a timer (a fragment, so the sidebar is not redrawn).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import loader
from components import charts, kpi, notices, tables
from components.context import View, current_view
from components.filters import unit_names
from components.safe import md
from reporting import fmt
from reporting.metrics import Summary, monthly_counts, unit_area_matrix
from reporting.periods import previous_period, whole_year
from reporting.units_over_time import active_during, lineage

FOLLOWUP_PAGE = "content/followup.py"
# How the one line counts the reports to chase (reporting.followup's reasons), in this order.
CHASE_REASONS = {"overdue": "báo cáo quá hạn", "returned": "báo cáo bị trả lại", "due_soon": "báo cáo sắp đến hạn"}


def body(view: View) -> None:
    parsed, filters, period = view.parsed, view.filters, view.period
    names = unit_names(parsed)
    summary = loader.figures(view.loaded, period, filters.units, view.now)
    before = previous_period(period, parsed.rules)
    previous = loader.figures(view.loaded, before, filters.units, view.now)
    comparable = previous.totals["activities"] > 0  # a change against an empty period says nothing
    who = md(names.get(filters.unit, "")) if filters.unit else "toàn Sở"  # Markdown-safe: it is data

    plan = summary.plan
    st.title(f"Tổng quan {period.label}")
    st.caption(
        f"{fmt.capitalize(who)} · {fmt.period_range(period)} · dữ liệu lúc {fmt.moment(parsed.read_at, seconds=True)}"
    )
    if summary.plan_notice:
        st.info(summary.plan_notice)
    excluded = tables.excluded_rows(parsed.problems)
    if filters.units is not None:
        excluded = excluded[excluded["unit_code"].isin(filters.units)]
    cards = kpi.overview_cards(
        summary, previous if comparable else None, len(excluded), scope=who if filters.unit else "toàn bảng tính"
    )
    kpi.render_cards(cards, compared_with=f"so với {before.label}", per_row=3)
    if not comparable:
        st.caption(f"Không so sánh với {before.label}: kỳ đó chưa có hoạt động nào được ghi.")

    chosen = parsed.units[parsed.units["code"] == filters.unit] if filters.unit else parsed.units.iloc[:0]
    absent = len(chosen) > 0 and not active_during(chosen, period.start, period.end).all()  # before or after its dates
    if absent:
        st.info(
            f"{md(names.get(filters.unit, filters.unit))} không có trong {period.label}: {md(tables.unit_dates(chosen.iloc[0]))}."
        )
    elif summary.totals["activities"] == 0:
        st.info(
            f"Chưa có hoạt động nào được ghi cho {period.label} ({fmt.period_range(period)}) "
            f"của {who}. Các đơn vị ghi hoạt động vào trang riêng của mình trong bảng tính."
        )

    st.subheader("Mức độ phủ nội dung tuyên truyền theo đơn vị")
    st.caption(
        f"Mỗi ô là số hoạt động của một đơn vị về một nội dung ({plan.letter_span}) của Kế hoạch; "
        "ô đỏ nhạt có dấu «–» là nội dung đơn vị chưa tuyên truyền trong kỳ."
    )
    matrix = unit_area_matrix(summary.activities, summary.units, plan)  # the units of the period
    charts.show(charts.coverage_heatmap(matrix, names, plan), key="overview_heatmap")
    with st.expander(f"Tên các nội dung {plan.letter_span} của Kế hoạch"):  # what a tooltip would say, for a phone
        tables.show_area_names(plan=plan)

    left, right = st.columns(2)
    with left:
        st.subheader("Hình thức tuyên truyền")
        charts.show(charts.channel_chart(summary.channels, summary.channel_quantity, plan), key="overview_channels")
        st.caption("«Số lượng» theo từng hình thức, đơn vị tính khác nhau nên không cộng chung:")
        tables.show_channel_quantities(summary.channels, summary.channel_quantity, plan=plan)
    with right:
        year = whole_year(period.year, parsed.rules)
        st.subheader(f"Hoạt động theo tháng, {year.label}")
        months = monthly_counts(parsed, year, filters.units)
        if parsed.rules.calendar:
            st.caption(f"Tháng dương lịch của năm {period.year}.")
        else:
            st.caption(
                f"Tháng báo cáo theo Nghị định 09/2019: tháng M tính từ ngày {parsed.rules.cutoff_day} tháng M−1 đến "
                f"ngày {parsed.rules.deadline_day} tháng M (năm báo cáo {fmt.period_range(year)})."
            )
        charts.show(charts.monthly_chart(months, (period.start, period.end)), key="overview_months")
        if filters.units and (earlier := [c for c in lineage(parsed.units, filters.units) if c not in filters.units]):
            taken = ", ".join(names.get(c, c) for c in earlier)
            st.caption(f"Biểu đồ gồm cả hoạt động của đơn vị đã chuyển giao công việc: {md(taken)}.")

    st.subheader("Tình hình nộp báo cáo quý")
    if period.kind == "quarter":
        due = f" (đến hết {fmt.day(summary.reports['deadline'].iloc[0])})" if len(summary.reports) else ""
        st.caption(f"Hạn nộp: trước ngày {summary.rules.last_on_time_day + 1} của tháng cuối quý{due}.")
    else:
        st.caption(
            f"Mỗi quý một báo cáo, hạn trước ngày {summary.rules.last_on_time_day + 1} của tháng cuối quý; bảng liệt kê từng quý "
            f"của {period.label}."
        )
    tables.show_compliance(summary.reports)

    if len(summary.completion):
        completion(summary)

    st.subheader("Nội dung chưa được tuyên truyền trong kỳ")
    if absent:
        st.caption("Đơn vị không hoạt động trong kỳ này.")
    elif summary.uncovered_areas:
        st.warning(
            f"{len(summary.uncovered_areas)}/{len(plan.letters)} nội dung chưa có hoạt động nào của {who} trong "
            f"{period.label}: {', '.join(summary.uncovered_areas)}. Nội dung theo Kế hoạch:"
        )
        tables.show_areas(summary.uncovered_areas, key="overview_uncovered", plan=plan)
    else:
        st.success(f"Cả {len(plan.letters)} nội dung của Kế hoạch đều đã có hoạt động trong {period.label}.")

    if view.user is not None and view.user.follows_up:
        to_chase(view)


def completion(summary: Summary) -> None:
    """«Mức độ hoàn thành kế hoạch»: the plan's targets met in the period and in the year so far."""
    st.subheader("Mức độ hoàn thành kế hoạch")
    kpi.render_cards(kpi.completion_cards(summary), per_row=2)
    st.caption(
        f"Chỉ tiêu mỗi quý của {summary.plan.name}. Quý chưa kết thúc tính đến hiện tại («Đang thực hiện»); "
        "bảng theo từng quý từ đầu năm là Phụ lục V của bảng tổng hợp (.xlsx)."
    )
    tables.show_completion(summary.completion_in_period, with_quarter=summary.period.kind != "quarter")


def to_chase(view: View) -> None:
    """One line on who is to be chased today, and the way to the «Đôn đốc» page that lists them."""
    st.subheader("Cần đôn đốc")
    frame = view.to_chase()
    if frame.empty:
        st.success(f"Tính đến {fmt.moment(view.now)}, không có đơn vị nào cần đôn đốc.")
    else:
        counts = frame["reason"].value_counts()
        parts = [f"{counts[reason]} {label}" for reason, label in CHASE_REASONS.items() if counts.get(reason, 0)]
        units = frame["unit_code"].nunique()
        st.warning(f"Tính đến {fmt.moment(view.now)}: {units} đơn vị cần đôn đốc ({', '.join(parts)}).")
    st.page_link(FOLLOWUP_PAGE, label="Danh sách và email ở trang «Đôn đốc»", icon=":material/campaign:")


view = current_view()
seconds = view.settings.auto_refresh_seconds
if seconds > 0:

    @st.fragment(run_every=seconds)
    def live() -> None:
        current = current_view()
        try:
            loaded = loader.load(current.settings)
        except loader.LoadFailed as exc:
            notices.load_failed(str(exc), detailed=current.detailed, on_retry=loader.refresh)
            return
        if loaded.stale != current.loaded.stale:  # app.py already showed the banner of the full run
            notices.stale_banner(loaded.stale, detailed=current.detailed)
        body(replace(current, loaded=loaded, now=loader.now(demo=not loaded.configured)))

    live()
else:
    body(view)
