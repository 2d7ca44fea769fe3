"""Cards and small tables as plain HTML, one `st.html` element each, every value from the data escaped.

Why not `st.metric` and `st.dataframe` here: on the overview they were most of what the browser had to do
before the page was whole (bench/README.md, goal 3). Eight `st.metric` are eight elements, each with its
own Markdown label, delta and tooltip; each `st.dataframe` loads and paints a canvas grid. A short table
whose rows all fit on the page reads, prints and scrolls on a phone as well or better as a static table.
Long tables that need sorting and searching (activities, problems, follow-up) stay `st.dataframe`.

No Markdown is read in `st.html`, and every text passes `safe.html_text` (entities escaped, direction
controls dropped), so what a cell holds is shown exactly as typed. The look is in `assets/static.css`,
sent once per run by `style()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from components.safe import html_text
from reporting import fmt

# Read once per process, not on every run of every page.
CSS = (Path(__file__).resolve().parent.parent / "assets" / "static.css").read_text(encoding="utf-8")


def style() -> None:
    """The stylesheet of these blocks (a style-only `st.html` takes no room on the page)."""
    st.html(f"<style>{CSS}</style>")


@dataclass(frozen=True)
class Figure:
    """One card: a label, its value, and optionally a change and a sentence saying what it counts."""

    label: str
    value: str
    delta: str = ""  # "+3", "-2", "0"; "" when there is nothing to compare with
    trend: str = "flat"  # "good", "bad" or "flat": the colour of the change
    note: str = ""


def cards_html(figures: Sequence[Figure], per_row: int, lead: str = "") -> str:
    """The cards as a grid of `per_row` columns (two on a phone), `lead` as a small line above them."""
    parts = [f'<p class="cchc-lead">{html_text(lead)}</p>'] if lead else []
    parts.append(f'<div class="cchc-cards" style="--cchc-per-row: {int(per_row)}">')
    for figure in figures:
        parts.append('<div class="cchc-card">')
        parts.append(f'<div class="cchc-card-label">{html_text(figure.label)}</div>')
        parts.append(f'<div class="cchc-card-value">{html_text(figure.value)}</div>')
        if figure.delta:
            arrow = "▲ " if figure.delta.startswith("+") else "▼ " if figure.delta.startswith("-") else ""
            trend = figure.trend if figure.trend in ("good", "bad") else "flat"
            parts.append(f'<div class="cchc-card-delta cchc-{trend}">{arrow}{html_text(figure.delta)}</div>')
        if figure.note:
            parts.append(f'<div class="cchc-card-note">{html_text(figure.note)}</div>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def cards(figures: Sequence[Figure], per_row: int = 3, lead: str = "") -> None:
    st.html(cards_html(figures, per_row, lead))


def table_html(
    frame: pd.DataFrame,
    right: Iterable[str] = (),
    pinned: bool = False,
    cell_styles: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """`frame` as an HTML table: its column titles, its cells as text (NaN and None empty).

    `right`: columns aligned right (counts); `pinned`: the first column stays in view when a narrow screen
    scrolls the table sideways; `cell_styles`: per column, one CSS declaration per row (the app's own
    colours, never text from the data)."""
    right, styles = set(right), cell_styles or {}
    head = "".join(
        f'<th scope="col"{_class(column, right, pinned, index)}>{html_text(column)}</th>'
        for index, column in enumerate(frame.columns)
    )
    rows = []
    columns = [frame[column].tolist() for column in frame.columns]
    for row in range(len(frame)):
        cells = []
        for index, column in enumerate(frame.columns):
            value = columns[index][row]
            text = html_text("" if fmt.is_missing(value) else value)
            css = styles.get(column)
            attribute = f' style="{html_text(css[row])}"' if css else ""
            cells.append(f"<td{_class(column, right, pinned, index)}{attribute}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<div class="cchc-table-wrap"><table class="cchc-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def table(
    frame: pd.DataFrame,
    right: Iterable[str] = (),
    pinned: bool = False,
    cell_styles: Mapping[str, Sequence[str]] | None = None,
) -> None:
    st.html(table_html(frame, right, pinned, cell_styles))


def _class(column: object, right: set[str], pinned: bool, index: int) -> str:
    names = (["cchc-right"] if column in right else []) + (["cchc-pinned"] if pinned and index == 0 else [])
    return f' class="{" ".join(names)}"' if names else ""
