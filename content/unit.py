"""Đơn vị: one unit's own period — report status and deadline (each quarter's, for a half-year or the
year), activities, «Số lượng» per channel, areas not yet covered, problems."""

from __future__ import annotations

import streamlit as st

import loader
from components import corrections_form, kpi, tables, unit_forms
from components.context import current_view
from components.filters import select_unit, unit_names
from components.safe import md
from reporting import fmt
from reporting.metrics import severity_counts, uncovered
from reporting.periods import ROMAN, days_to_deadline, deadline

PICK_KEY = "unit_pick"

view = current_view()
parsed, filters, period = view.parsed, view.filters, view.period
names = unit_names(parsed)

st.title("Đơn vị")
if not filters.unit:
    st.info("Chọn một đơn vị để xem kỳ báo cáo của đơn vị đó (hoặc chọn ở mục «Đơn vị» trên thanh bên).")
    st.selectbox(
        "Đơn vị",
        list(names),
        index=None,
        placeholder="Chọn đơn vị…",
        format_func=names.get,
        key=PICK_KEY,
        on_change=lambda: select_unit(st.session_state[PICK_KEY]),
    )
    st.stop()

code = filters.unit
unit = parsed.units.set_index("code").loc[code]
summary = loader.figures(view.loaded, period, (code,), view.now)
row = summary.units.iloc[0]

st.header(f"{md(unit['name'])} — {period.label}", anchor=False)
st.caption(f"{md(tables.group_label(unit['group']))} · mã {md(code)} · {fmt.period_range(period)}")


def report_line(report: object, index: int) -> None:
    """One quarter's report status and its deadline, in words."""
    due = deadline(period.year, index, parsed.rules_for(period.year))
    left_days = days_to_deadline(period.year, index, view.now, parsed.rules_for(period.year))
    name = "Báo cáo quý" if period.kind == "quarter" else f"Báo cáo quý {ROMAN[index]}"
    status = report["status"]
    if status == "on_time":
        st.success(f"{name}: **Đúng hạn** — đã nộp lúc {fmt.moment(report['submitted_at'])} (hạn {fmt.day(due)}).")
    elif status == "late":
        st.warning(
            f"{name}: **{report['status_label']}** — nộp lúc {fmt.moment(report['submitted_at'])}, hạn {fmt.day(due)}."
        )
    elif status == "missing":
        st.error(f"{name}: **Chưa nộp** — đã quá hạn {fmt.days(-left_days)} (hạn {fmt.day(due)}).")
    elif status == "returned":
        st.warning(
            f"{name}: **Cần bổ sung** — đã nộp lúc {fmt.moment(report['submitted_at'])} (hạn {fmt.day(due)}), "
            "Văn phòng Sở trả lại."
        )
    else:
        when = "hôm nay là ngày cuối" if left_days == 0 else f"còn {fmt.days(left_days)}"
        st.info(f"{name}: **Chưa đến hạn** — {when} để nộp (hạn {fmt.day(due)}).")


reports = summary.reports.sort_values("quarter")
plan = summary.plan
if summary.plan_notice:
    st.info(summary.plan_notice)
if not bool(unit["reports"]):
    st.info("Đơn vị không thuộc diện báo cáo quý (cột «Báo cáo quý» của trang «Đơn vị»).")
elif not reports["expected"].astype(bool).any():
    st.info(f"Đơn vị không phải báo cáo trong {period.label}: {md(tables.unit_dates(unit))}.")
else:
    for report in reports.to_dict("records"):
        report_line(report, int(report["quarter"]))
        if report["review"] == "returned":
            st.warning(
                f"Văn phòng Sở **trả lại** báo cáo quý {ROMAN[int(report['quarter'])]}: «{md(report['review_comment'])}». "
                "Hãy bổ sung trong bảng tính rồi bấm «Ghi lần nộp cập nhật» ở mục «Xác nhận báo cáo quý»; lần nộp "
                "đầu tiên vẫn quyết định đúng hạn hay trễ hạn.",
                icon=":material/undo:",
            )
        elif report["review"] in ("approved", "resubmitted"):
            st.caption(f"Duyệt: {report['review_label']}.")

backend = unit_forms.Backend(
    writer=lambda: loader.writer(view.settings),
    now=lambda: loader.now(demo=not view.loaded.configured),
    after_write=lambda at: loader.after_write(view.settings, at),
)
unit_forms.report_actions(view, code, backend)

covered = list(row["areas"])
kpi.render_cards(
    [
        kpi.Card("Hoạt động", fmt.number(row["activities"])),
        kpi.Card("Người tham gia", fmt.number(row["participants"])),
        kpi.Card("Nội dung đã phủ", f"{len(covered)}/{len(plan.letters)}"),
    ],
)

st.subheader("Hoạt động trong kỳ")
if not unit["tabs"]:
    st.warning(
        f"Đơn vị chưa có trang riêng trong bảng tính. Hãy tạo một trang đặt tên «{md(code)}» (hoặc «{md(unit['name'])}») "
        "với các cột như hướng dẫn, rồi bấm «Làm mới»."
    )
elif summary.activities.empty:
    st.info(f"Chưa có hoạt động nào của đơn vị trong {period.label} ({fmt.period_range(period)}).")
else:
    tables.show_activities(summary.activities, key="unit_activities", plan=plan)
    st.caption("«Số lượng» theo từng hình thức (đơn vị tính khác nhau nên không cộng chung):")
    tables.show_channel_quantities(summary.channels, summary.channel_quantity, plan=plan)
unit_forms.activity_form(view, code, backend)

if len(summary.completion):
    st.subheader("Chỉ tiêu của đơn vị")
    kpi.render_cards(kpi.completion_cards(summary), per_row=2)
    tables.show_completion(summary.completion_in_period, with_quarter=period.kind != "quarter")

st.subheader("Nội dung chưa tuyên truyền")
missing = uncovered(covered, plan)
whole = len(plan.letters)
if missing:
    st.caption(
        f"{len(missing)}/{whole} nội dung của Kế hoạch chưa có hoạt động của đơn vị trong kỳ: {', '.join(missing)}."
    )
    tables.show_areas(missing, key="unit_uncovered", plan=plan)
else:
    st.success(f"Đơn vị đã có hoạt động cho cả {whole} nội dung của Kế hoạch trong kỳ.")

st.subheader("Dòng cần sửa trong bảng tính")
problems = parsed.problems[parsed.problems["unit_code"] == code]
if problems.empty:
    st.success("Không có lỗi nào trong các dòng của đơn vị.")
else:
    counts = severity_counts(problems)
    st.caption(
        f"{fmt.number(counts['errors'])} lỗi (dòng có lỗi không được tính vào số liệu cho đến khi sửa), "
        f"{fmt.number(counts['warnings'])} cảnh báo. Lỗi dữ liệu được kiểm tra trên mọi dòng, không riêng kỳ này."
    )
    cell_url = parsed.snapshot.cell_url if parsed.snapshot is not None else None
    tables.show_problems(tables.problems_frame(problems, names, cell_url), key="unit_problems", with_unit=False)

corrections_form.correction_form(
    view,
    code,
    corrections_form.Backend(
        editor=lambda: loader.editor(view.settings),
        now=backend.now,
        after_write=backend.after_write,
    ),
    summary.activities,
)
