"""What every page is drawn for: the loaded data, the sidebar's filters, the settings and the moment.

`app.py` builds a `View` on each run and keeps it in `st.session_state["view"]`; pages read it with
`current_view()`. Filters live in session state under the sidebar's widget keys (`sidebar_*`), so a
later sign-in layer can pin them (a unit user's unit) before the sidebar is drawn.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import streamlit as st

from reporting.followup import followup
from reporting.periods import Period, chosen_period

if TYPE_CHECKING:
    import pandas as pd

    from reporting.access import User
    from reporting.parse import Parsed
    from reporting.settings import Settings
    from reporting.snapshot import Stale

VIEW_KEY = "view"


@dataclass(frozen=True)
class Filters:
    """The sidebar's choice: a year, a period of it (`reporting.periods.PERIOD_CHOICES`: quarter 1–4, "H1",
    "H2" or "Y") and one unit code or None for every unit."""

    year: int
    quarter: int | str
    unit: str | None = None

    @property
    def units(self) -> tuple[str, ...] | None:
        """The `units` argument of `reporting.metrics` functions."""
        return (self.unit,) if self.unit else None


@dataclass(frozen=True)
class Loaded:
    """What a page shows: the parsed frames, whether they are stale, and whether a source is configured."""

    parsed: Parsed
    stale: Stale | None
    configured: bool  # False: no source set, the demo workbook is shown
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # new on every read: keys the figures


@dataclass(frozen=True)
class View:
    loaded: Loaded
    filters: Filters
    settings: Settings
    now: datetime
    user: User | None = None  # who is looking (signed in, or the demo picker's role); None only outside app.py
    detailed: bool = False  # may this viewer read why a read failed (the office; anyone in demo mode)?

    @property
    def parsed(self) -> Parsed:
        return self.loaded.parsed

    @property
    def period(self) -> Period:
        return chosen_period(self.filters.year, self.filters.quarter, self.parsed.rules)

    def to_chase(self) -> pd.DataFrame:
        """`reporting.followup.followup` now, within `due_soon_days`, narrowed to the sidebar's unit."""
        frame = followup(self.parsed, self.now, self.settings.due_soon_days)
        return frame[frame["unit_code"] == self.filters.unit] if self.filters.unit else frame


def current_view() -> View:
    """The view `app.py` prepared for this run."""
    view = st.session_state.get(VIEW_KEY)
    if view is None:  # a page run without app.py (never in the app): say so rather than fail later
        st.error("Trang này cần được mở từ ứng dụng chính (app.py).")
        st.stop()
    return view
