"""Tables as a Vietnamese reader sees them: column titles in Vietnamese, 1.200, dd/mm/yyyy, statuses in words.

`*_frame` functions are pure (frames in, display frames out; tests compare them); `show_*` draw them:
short tables whose rows all fit (compliance, channels, completion, area names) as static tables
(`components.static`), long ones that need sorting and searching as `st.dataframe`.
Counts that can pass 999 are shown as text so the separator is a dot whatever the browser's locale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from components import static
from components.safe import http_url, md
from reporting import fmt
from reporting.catalog import GROUP_BY_CODE
from reporting.metrics import severity_counts
from reporting.periods import ROMAN
from reporting.plan import PLAN_2023, Plan
from reporting.schema import SUBMISSIONS_TAB, UNITS_TAB

# Status → (background, text colour, marker); the words come from reporting (status_label).
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "on_time": ("#d7f0dd", "#14532d", "●"),
    "late": ("#fff0c2", "#7a4a00", "▲"),
    "missing": ("#f9d3d0", "#7f1d1d", "■"),
    "not_due": ("#e8eaed", "#374151", "○"),
    "returned": ("#fde2c8", "#7c2d12", "↩"),
}
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
FULL = "Thông báo đầy đủ"  # problems_frame's column of whole sentences, read below the table
SHOW_FULL = 200  # at most this many full sentences under a table


def group_label(code: object) -> str:
    group = GROUP_BY_CODE.get(str(code))
    return group.label if group else ("" if fmt.is_missing(code) else str(code))


def areas_text(letters: tuple[str, ...] | list[str]) -> str:
    return ", ".join(letters)


def _fit(rows: int, cap: int = 24) -> int:
    """Pixel height showing `rows` rows (up to `cap`) without an inner scroll bar."""
    return 38 + 35 * min(max(rows, 1), cap)


def compliance_frame(reports: pd.DataFrame) -> pd.DataFrame:
    """`Summary.reports` as the compliance table: unit, deadline, status, submitted, late; with the quarter
    first when the period holds several (a half-year, the year), quarter by quarter."""
    rows = reports.loc[reports["expected"].astype(bool)] if "expected" in reports else reports
    several = "quarter" in rows and rows["quarter"].nunique() > 1
    if several:
        rows = rows.sort_values("quarter", kind="stable")
    quarters = {"Quý": [f"Quý {ROMAN[int(q)]}" for q in rows["quarter"]]} if several else {}
    return pd.DataFrame(
        {
            **quarters,
            "Đơn vị": rows["name"].to_numpy(),
            "Hạn nộp": [fmt.day(d) for d in rows["deadline"]],
            "Trạng thái": [
                f"{STATUS_STYLE[s][2]} {label}" for s, label in zip(rows["status"], rows["status_label"], strict=True)
            ],
            "Thời điểm nộp": [fmt.moment(t) for t in rows["submitted_at"]],
            "Số ngày trễ": [fmt.number(n) for n in rows["days_late"]],
            **_review_columns(rows),
            "_status": rows["status"].to_numpy(),
        }
    )


def _review_columns(rows: pd.DataFrame) -> dict[str, list[str]]:
    """«Duyệt» and «Nhận xét» when the office has reviewed any report shown (else nothing: as before)."""
    if "review" not in rows or not rows["review"].notna().any():
        return {}
    submitted = rows["status"].isin(["on_time", "late", "returned"])
    return {
        "Duyệt": [label if sent else "" for label, sent in zip(rows["review_label"], submitted, strict=True)],
        "Nhận xét": [str(c or "") for c in rows["review_comment"]],
    }


def show_compliance(reports: pd.DataFrame) -> None:
    frame = compliance_frame(reports)
    if frame.empty:
        st.info(
            "Không có đơn vị nào phải báo cáo trong kỳ này (các cột «Báo cáo quý», «Từ ngày», «Đến ngày» của "
            "trang «Đơn vị»)."
        )
        return
    statuses = frame.pop("_status")
    paint = [
        f"background-color: {STATUS_STYLE[s][0]}; color: {STATUS_STYLE[s][1]}; font-weight: 600; white-space: nowrap"
        for s in statuses
    ]
    # Every unit in view at once (a static table, no inner scroll): leadership reads the whole list at a
    # glance; on a phone the table scrolls sideways inside itself with the unit's name pinned in view.
    static.table(frame, right=["Số ngày trễ"], pinned=frame.columns[0] == "Đơn vị", cell_styles={"Trạng thái": paint})


def channel_quantity_frame(counts: pd.Series, quantities: pd.Series, plan: Plan = PLAN_2023) -> pd.DataFrame:
    """Per channel: activities, and «Số lượng» in that channel's own unit (items where the plan counts
    items, sessions for meetings); never a total across channels, whose units differ."""
    rows = []
    for channel in plan.channels:
        code = channel.code
        activities, quantity = int(counts.get(code, 0)), int(quantities.get(code, 0))
        noun = plan.item_nouns.get(code, "buổi" if code == "meeting" else "lượt")
        rows.append(
            {
                "Hình thức": f"{channel.number}. {channel.label}",
                "Hoạt động": fmt.number(activities),
                "Số lượng": f"{fmt.number(quantity)} {noun}" if activities else "",
            }
        )
    return pd.DataFrame(rows)


def show_channel_quantities(counts: pd.Series, quantities: pd.Series, plan: Plan = PLAN_2023) -> None:
    static.table(channel_quantity_frame(counts, quantities, plan), right=["Hoạt động", "Số lượng"])


def activities_frame(acts: pd.DataFrame, plan: Plan = PLAN_2023) -> pd.DataFrame:
    """A unit's activities, newest first, with the row they came from."""
    ordered = acts.sort_values(["date", "row"], ascending=[False, True])
    labels = {c.code: c.label for c in plan.channels}
    return pd.DataFrame(
        {
            "Ngày": [fmt.day(d) for d in ordered["date"]],
            "Nội dung": [areas_text(a) for a in ordered["areas"]],
            "Hình thức": [labels.get(c, c) for c in ordered["channel"]],
            "Tên hoạt động": ordered["title"].fillna("").to_numpy(),
            "Số lượng": [fmt.number(n) for n in ordered["quantity"]],
            "Số người tham gia": [fmt.number(n) if n else "" for n in ordered["participants"]],
            # A link only to an http(s) address; anything else typed there stays text beside it.
            "Minh chứng": [http_url(e) for e in ordered["evidence"]],
            "Minh chứng (ghi)": ["" if fmt.is_missing(e) or http_url(e) else str(e) for e in ordered["evidence"]],
            "Ghi chú": ordered["note"].fillna("").to_numpy(),
            "Dòng": [f"{t} · {r}" for t, r in zip(ordered["tab"], ordered["row"], strict=True)],
        }
    )


def completion_frame(frame: pd.DataFrame, with_quarter: bool) -> pd.DataFrame:
    """`Summary.completion` rows as the page shows them (the same words as the export's `Hoàn thành kế hoạch`)."""
    from reporting.export.tables import completion_result
    from reporting.targets import KIND_LABELS

    records = frame.to_dict("records")
    out = pd.DataFrame(
        {
            "Quý": [ROMAN[int(r["quarter"])] for r in records],
            "Chỉ tiêu": [f"{KIND_LABELS[r['kind']]}: {r['label']}" for r in records],
            "Yêu cầu/quý": [fmt.number(int(r["target"])) for r in records],
            "Thực hiện": [fmt.number(int(r["actual"])) for r in records],
            "Kết quả": [completion_result(r) for r in records],
            "Còn thiếu": [r["gap"] for r in records],
        }
    )
    return out if with_quarter else out.drop(columns="Quý")


def show_completion(frame: pd.DataFrame, with_quarter: bool = False) -> None:
    # Not pinned: on a phone a pinned wide column would hide the results behind a sideways scroll.
    static.table(completion_frame(frame, with_quarter), right=["Yêu cầu/quý", "Thực hiện"])


def unit_dates(unit: Mapping[str, object]) -> str:
    """«báo cáo từ 01/07/2024», «báo cáo đến 30/06/2024, công việc chuyển cho TTDV»: a unit's dates in words."""
    parts = []
    if not fmt.is_missing(unit.get("since")):
        parts.append(f"từ {fmt.day(unit['since'])}")
    if not fmt.is_missing(unit.get("until")):
        parts.append(f"đến {fmt.day(unit['until'])}")
    text = "đơn vị báo cáo " + " ".join(parts) if parts else "đơn vị chưa đến thời gian báo cáo"
    if not fmt.is_missing(unit.get("successor")):
        text += f", công việc chuyển cho {unit['successor']}"
    return text


def show_activities(acts: pd.DataFrame, key: str, plan: Plan = PLAN_2023) -> None:
    st.dataframe(
        activities_frame(acts, plan),
        hide_index=True,
        key=key,
        width="stretch",
        column_config={
            "Minh chứng": st.column_config.LinkColumn("Minh chứng", display_text="Mở"),
            "Dòng": st.column_config.TextColumn("Trang · dòng", help="Trang và số dòng trong bảng tính"),
            "Nội dung": st.column_config.TextColumn("Nội dung", width="small"),
            "Số lượng": st.column_config.TextColumn("Số lượng", width="small"),
            "Số người tham gia": st.column_config.TextColumn("Số người", width="small"),
            "Tên hoạt động": st.column_config.TextColumn("Tên hoạt động", width="large"),
            "Ngày": st.column_config.TextColumn("Ngày", pinned=True),
        },
        placeholder="",
    )


def problems_frame(
    problems: pd.DataFrame,
    names: Mapping[str, str],
    cell_url: Callable[[str, str], str | None] | None = None,
) -> pd.DataFrame:
    """Problems for a table: errors first, then by tab and row, with a link to the cell when there is one."""
    ordered = problems.assign(_rank=problems["severity"].map({"error": 0, "warning": 1})).sort_values(
        ["_rank", "tab", "row"], na_position="first", kind="stable"
    )
    links = []
    for tab, cell in zip(ordered["tab"], ordered["cell"], strict=True):
        url = None
        if cell_url is not None and not fmt.is_missing(cell) and not fmt.is_missing(tab):
            url = cell_url(str(tab), str(cell))
        links.append(url)
    return pd.DataFrame(
        {
            "Mức độ": [SEVERITY_LABELS.get(s, s) for s in ordered["severity"]],
            "Đơn vị": [names.get(u, "") if not fmt.is_missing(u) else "" for u in ordered["unit_code"]],
            "Trang": ordered["tab"].fillna("").to_numpy(),
            "Dòng": [fmt.number(r) for r in ordered["row"]],
            "Cột": ordered["column"].fillna("").to_numpy(),
            "Ô": ordered["cell"].fillna("").to_numpy(),
            "Giá trị": ["" if fmt.is_missing(v) else str(v) for v in ordered["value"]],
            # The reason, not the full message: tab, row, column and value already have their own columns.
            "Lỗi và cách sửa": [
                fmt.capitalize(str(r)) if not fmt.is_missing(r) else m
                for r, m in zip(ordered["reason"], ordered["message"], strict=True)
            ],
            "Mở ô": links,
            FULL: ordered["message"].to_numpy(),
        }
    )


def show_problems(frame: pd.DataFrame, key: str, with_unit: bool = True) -> None:
    """The problems table, then every message as a whole sentence (a table cell cuts long text)."""
    messages = frame[FULL].tolist()
    frame = frame.drop(columns=FULL if with_unit else [FULL, "Đơn vị"])
    config = {
        "Mức độ": st.column_config.TextColumn("Mức độ", width="small", pinned=True),
        "Trang": st.column_config.TextColumn("Trang", width="small", pinned=True),
        "Dòng": st.column_config.TextColumn("Dòng", width="small"),
        "Ô": st.column_config.TextColumn("Ô", width="small"),
        "Giá trị": st.column_config.TextColumn("Giá trị", width="small"),
        "Lỗi và cách sửa": st.column_config.TextColumn("Lỗi và cách sửa", width="large"),
    }
    if frame["Mở ô"].notna().any():
        config["Mở ô"] = st.column_config.LinkColumn("Mở ô", display_text="Mở trong Google Sheets")
    else:
        frame = frame.drop(columns="Mở ô")
    st.dataframe(
        frame,
        hide_index=True,
        key=key,
        width="stretch",
        column_config=config,
        height=_fit(len(frame), 15),
        placeholder="",
    )
    with st.expander(f"Đọc đầy đủ {fmt.number(len(messages))} thông báo", key=f"{key}_full"):
        st.markdown("\n".join(f"{i}. {md(m)}" for i, m in enumerate(messages[:SHOW_FULL], start=1)))
        if len(messages) > SHOW_FULL:
            st.caption(
                f"Còn {fmt.number(len(messages) - SHOW_FULL)} thông báo nữa: lọc theo đơn vị hoặc mức độ để xem."
            )


def excluded_rows(problems: pd.DataFrame) -> pd.DataFrame:
    """Unit-tab rows with at least one error (kept out of every figure): unit_code, tab, row."""
    mask = (
        (problems["severity"] == "error")
        & problems["row"].notna()
        & problems["unit_code"].notna()
        & ~problems["tab"].isin([UNITS_TAB, SUBMISSIONS_TAB])
    )
    return problems.loc[mask, ["unit_code", "tab", "row"]].drop_duplicates()


def problem_counts_frame(problems: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per unit: errors, warnings and rows left out; a last line for problems outside any unit's rows."""
    excluded = excluded_rows(problems).groupby("unit_code").size()
    errors = problems[problems["severity"] == "error"].groupby("unit_code").size()
    warnings = problems[problems["severity"] == "warning"].groupby("unit_code").size()
    rows = [
        {
            "Đơn vị": name,
            "Lỗi": int(errors.get(code, 0)),
            "Cảnh báo": int(warnings.get(code, 0)),
            "Dòng bị loại": int(excluded.get(code, 0)),
        }
        for code, name in zip(units["code"], units["name"], strict=True)
    ]
    orphans = problems[problems["unit_code"].isna()]
    if len(orphans):
        rows.append(
            {
                "Đơn vị": "Ngoài trang đơn vị (trang lạ, «Đơn vị», «Nộp báo cáo»)",
                "Lỗi": severity_counts(orphans)["errors"],
                "Cảnh báo": severity_counts(orphans)["warnings"],
                "Dòng bị loại": 0,
            }
        )
    return pd.DataFrame(rows, columns=["Đơn vị", "Lỗi", "Cảnh báo", "Dòng bị loại"])


def show_counts(frame: pd.DataFrame, key: str) -> None:
    pinned = {"Đơn vị": st.column_config.TextColumn("Đơn vị", pinned=True)} if "Đơn vị" in frame else None
    st.dataframe(frame, hide_index=True, key=key, width="stretch", height=_fit(len(frame)), column_config=pinned)


def area_label(letter: str, plan: Plan = PLAN_2023) -> str:
    return f"{letter}) {plan.area_by_letter[letter].label}"


def show_area_names(plan: Plan = PLAN_2023) -> None:
    """The plan's areas' letters and short names, as one small table (readable without hovering)."""
    static.table(pd.DataFrame({"Mục": [f"{a.letter})" for a in plan.areas], "Nội dung": [a.label for a in plan.areas]}))


def show_areas(letters: list[str], key: str, plan: Plan = PLAN_2023) -> None:
    """Each area with its short label, its full text from the plan folded beneath."""
    for letter in letters:
        with st.expander(md(area_label(letter, plan)), expanded=False, key=f"{key}_{letter}"):
            st.markdown(md(plan.area_by_letter[letter].text))


def followup_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`reporting.followup.followup` as a table: the unit, what is due and since when, whom to write to."""
    from reporting.followup import REASONS, describe

    rows = frame.to_dict("records")
    return pd.DataFrame(
        {
            "Đơn vị": [r["name"] for r in rows],
            "Tình trạng": [REASONS[r["reason"]] for r in rows],
            "Báo cáo": [describe(r) for r in rows],
            "Lỗi dữ liệu chưa sửa": [fmt.number(r["errors"]) if r["errors"] else "" for r in rows],
            "Email": ["; ".join(r["emails"]) for r in rows],
        }
    )


def show_followup(frame: pd.DataFrame, key: str) -> None:
    shown = followup_frame(frame)
    st.dataframe(
        shown,
        hide_index=True,
        key=key,
        width="stretch",
        height=_fit(len(shown)),
        column_config={
            "Đơn vị": st.column_config.TextColumn("Đơn vị", pinned=True),
            "Báo cáo": st.column_config.TextColumn("Báo cáo", width="large"),
        },
    )
