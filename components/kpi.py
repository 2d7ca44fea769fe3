"""KPI cards: Vietnamese numbers and the change against the previous period, drawn by `components.static`."""

from __future__ import annotations

from dataclasses import dataclass

from components import static
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


def figures(cards: list[Card]) -> list[static.Figure]:
    """The cards as `components.static` draws them: the change signed, coloured by whether it is good news."""
    shown = []
    for card in cards:
        if card.delta is None:
            delta, trend = "", "flat"
        else:
            better = card.delta < 0 if card.lower_is_better else card.delta > 0
            delta, trend = fmt.signed(card.delta), "flat" if not card.delta else ("good" if better else "bad")
        shown.append(static.Figure(card.label, card.value, delta, trend, card.help or ""))
    return shown


def render_cards(cards: list[Card], compared_with: str | None = None, per_row: int = 6) -> None:
    """The cards in one block, `per_row` to a row (two on a phone); the comparison is named once, above them."""
    lead = f"Mũi tên: thay đổi {compared_with}." if compared_with and any(c.delta is not None for c in cards) else ""
    static.cards(figures(cards), per_row, lead)


def completion_cards(summary: Summary) -> list[Card]:
    """«Mức độ hoàn thành kế hoạch» for the period and for the year to its end (`reporting.targets`)."""
    period = summary.period
    cards = [Card(f"Đạt trong {period.label}", share_text(summary.completion_in_period))]
    if period.kind != "year":  # for the year both would be the same figure
        cards.append(Card(f"Từ đầu năm {period.year}", share_text(summary.completion)))
    return cards
