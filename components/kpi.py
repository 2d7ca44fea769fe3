"""KPI cards: a row of `st.metric` with Vietnamese numbers and the change against the previous quarter."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from reporting import fmt
from reporting.metrics import Summary
from reporting.targets import share_text


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: int | None = None  # change against the previous period; None: no comparison
    help: str | None = None
    lower_is_better: bool = False


def overview_cards(
    summary: Summary, previous: Summary | None, error_rows: int, scope: str = "toàn bảng tính"
) -> list[Card]:
    """The six leadership cards: activities, units active, participants, areas x/N, on time y/z, data problems.

    No card adds «Số lượng» up: it counts sessions for one channel and articles or posters for another, so
    it is shown per channel, beside the channel chart."""
    now, before = summary.totals, previous.totals if previous else None

    def change(key: str) -> int | None:
        return None if before is None else int(now[key]) - int(before[key])

    problems = summary.problems
    return [
        Card("Hoạt động", fmt.number(now["activities"]), change("activities"), "Số dòng hoạt động được tính."),
        Card(
            "Đơn vị có hoạt động",
            f"{now['units_active']}/{now['units']}",
            change("units_active"),
            "Số phòng, đơn vị đã ghi ít nhất một hoạt động trong kỳ.",
        ),
        Card("Người tham gia", fmt.number(now["participants"]), change("participants")),
        Card(
            "Nội dung đã phủ",
            f"{now['areas_covered']}/{len(summary.plan.letters)}",
            change("areas_covered"),
            f"Số nội dung tuyên truyền ({summary.plan.letter_span}) của {summary.plan.name} có ít nhất một hoạt động.",
        ),
        Card(
            "Báo cáo đúng hạn",
            f"{now['reports_on_time']}/{now['reports_expected']}",
            change("reports_on_time"),
            f"Đã nộp {now['reports_submitted']}/{now['reports_expected']} báo cáo, "
            f"trong đó {now['reports_on_time']} đúng hạn.",
        ),
        Card(
            "Lỗi dữ liệu",
            fmt.number(problems["errors"]),
            None,
            f"{fmt.number(problems['errors'])} lỗi, {fmt.number(problems['warnings'])} cảnh báo ({scope}, mọi quý); "
            f"{fmt.number(error_rows)} dòng có lỗi không được tính vào số liệu.",
            lower_is_better=True,
        ),
    ]


def render_cards(cards: list[Card], compared_with: str | None = None, per_row: int = 6) -> None:
    """Bordered metrics, `per_row` to a row; the comparison is named once, above them."""
    if compared_with and any(card.delta is not None for card in cards):
        st.caption(f"Mũi tên: thay đổi {compared_with}.")
    columns = []
    for start in range(0, len(cards), per_row):
        columns.extend(st.columns(per_row)[: len(cards[start : start + per_row])])
    for column, card in zip(columns, cards, strict=True):
        delta = None if card.delta is None else fmt.signed(card.delta)
        color = "off" if not card.delta else ("inverse" if card.lower_is_better else "normal")
        column.metric(
            card.label,
            card.value,
            delta,
            delta_color=color,
            delta_arrow="off" if not card.delta else "auto",
            help=card.help,
            border=True,
        )


def completion_cards(summary: Summary) -> list[Card]:
    """«Mức độ hoàn thành kế hoạch» for the period and for the year to its end (`reporting.targets`)."""
    period = summary.period
    cards = [Card(f"Đạt trong {period.label}", share_text(summary.completion_in_period))]
    if period.kind != "year":  # for the year both would be the same figure
        cards.append(Card(f"Từ đầu năm {period.year}", share_text(summary.completion)))
    return cards
