"""The loader's caches hand every session the same objects (`st.cache_resource`), so no page may change them.

A page that changed a cached frame in place would change it for every later viewer. These tests run every
page as each role, on more than one period and filter, then compare the shared frames with copies taken
before: nothing may differ.
"""

from __future__ import annotations

import copy

import pandas as pd

import loader
from app import page_specs
from components.context import Loaded
from reporting.metrics import Summary
from reporting.periods import quarter
from tests.app_fixtures import NOW, assert_clean

FRAMES = (
    "units", "activities", "submissions", "problems", "letterheads", "excluded", "withdrawn", "reviews", "reminders",
)  # fmt: skip
SUMMARY_FRAMES = ("activities", "units", "reports", "completion")


def _frames(loaded: Loaded) -> dict[str, pd.DataFrame]:
    return {name: getattr(loaded.parsed, name) for name in FRAMES}


def _summary_frames(summary: Summary) -> dict[str, pd.DataFrame | pd.Series]:
    out: dict[str, pd.DataFrame | pd.Series] = {name: getattr(summary, name) for name in SUMMARY_FRAMES}
    out |= {name: getattr(summary, name) for name in ("channels", "channel_quantity", "channel_participants", "areas")}
    return out


def _summary_dicts(summary: Summary) -> dict[str, dict]:
    return {"totals": summary.totals, "problems": summary.problems, "excluded": summary.excluded}


def _assert_same(before: dict, after: dict) -> None:
    for name, frame in before.items():
        if isinstance(frame, pd.Series):
            pd.testing.assert_series_equal(after[name], frame, obj=name)
        else:
            pd.testing.assert_frame_equal(after[name], frame, obj=name)


def test_every_session_gets_the_same_read_and_the_same_figures(make_app) -> None:
    make_app()
    loaded = loader.load()
    assert loader.load() is loaded, "a second session must not get a copy of the read"
    period = quarter(2023, 4)
    summary = loader.figures(loaded, period, None, NOW)
    assert loader.figures(loaded, period, None, NOW.replace(second=30)) is summary  # same minute: same figures


def test_no_page_changes_the_shared_frames(make_app, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_CACHE_TTL_SECONDS", "3600")  # every page of every role well within one read
    at = make_app()
    loaded = loader.load()
    summary = loader.figures(loaded, quarter(2023, 4), None, NOW)
    before, before_summary = copy.deepcopy(_frames(loaded)), copy.deepcopy(_summary_frames(summary))
    before_dicts = copy.deepcopy(_summary_dicts(summary))
    for role in ("office", "leadership", "unit"):
        at.selectbox(key="sidebar_demo_role").set_value(role).run()
        for page, *_ in page_specs(role):
            at.switch_page(page).run()
            assert_clean(at)
            at.selectbox(key="sidebar_quarter").set_value(3).run()
            at.selectbox(key="sidebar_quarter").set_value(4).run()
            assert_clean(at)
    assert loader.load() is loaded
    _assert_same(before, _frames(loaded))
    _assert_same(before_summary, _summary_frames(summary))
    assert _summary_dicts(summary) == before_dicts
