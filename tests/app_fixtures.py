"""Fixtures for the app's AppTests: a fixed clock, a clean cache, and helpers to read what a page shows.

Every AppTest runs on a fixed moment (`CCHC_NOW`, 10/01/2024 09:00 in Vietnam: after the 2023 Q4
deadline) so statuses never depend on the real date. Caches and the last-good snapshots are cleared
before and after each test; the snapshot cache is kept in memory so no test writes `.cache/`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

import loader
from reporting.demo import build_demo
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ
from sheets.workbook import WorkbookSource
from tests import static_html

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
NOW = datetime(2024, 1, 10, 9, 0, tzinfo=VN_TZ)
# The demo holds 2023 and 2024 and opens on its latest quarter (2024 Q4); these tests read 2023 at NOW, so
# each app starts on 2023 as a person picks it in «Năm» (the tests of 2024 pick it themselves).
TEST_YEAR = 2023
PAGE_FILES = ("content/overview.py", "content/unit.py", "content/quality.py", "content/guide.py")


@pytest.fixture(scope="session")
def private_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's own demo workbook (same seed, same rows), so nothing else rewriting data/ can race us."""
    return build_demo(tmp_path_factory.mktemp("demo") / "demo-2023.xlsx")


@pytest.fixture(scope="session")
def first_year_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 2023 alone (`build_demo(second_year=False)`): for tests that write at NOW, early in 2024,
    when 2024's reports are not yet due (the full demo already holds them)."""
    return build_demo(tmp_path_factory.mktemp("demo2023") / "demo-2023-only.xlsx", second_year=False)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, private_demo: Path, tmp_path: Path) -> Iterator[None]:
    """No configured source (the demo workbook), no secrets file, served on loopback, the fixed clock,
    empty caches. A developer's own `.streamlit/secrets.toml` never reaches a test."""
    default_open = loader.open_source
    saved = {name: st_config.get_option(name) for name in ("secrets.files", "server.address")}
    st_config.set_option("secrets.files", [str(tmp_path / "no-secrets.toml")])
    st_config.set_option("server.address", "127.0.0.1")
    st.secrets._reset()

    def open_source_or_private_demo(source, account, clock):
        return WorkbookSource(private_demo, clock=clock) if not source else default_open(source, account, clock)

    monkeypatch.setattr(loader, "open_source", open_source_or_private_demo)
    for name in ("CCHC_SOURCE", "CCHC_CACHE_TTL_SECONDS", "CCHC_AUTO_REFRESH_SECONDS", "CCHC_CALENDAR_QUARTERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(loader.NOW_ENV, NOW.replace(tzinfo=None).isoformat())
    st.cache_resource.clear()
    loader.reset()
    yield
    st.cache_resource.clear()
    loader.reset()
    for name, value in saved.items():
        st_config.set_option(name, value)
    st.secrets._reset()


@pytest.fixture
def demo_parsed(private_demo: Path) -> Parsed:
    """The demo workbook parsed as the app parses it (default rules)."""
    return parse_snapshot(WorkbookSource(private_demo, clock=lambda: NOW).read())


def start_in(at: AppTest, year: int) -> AppTest:
    """Choose `year` in the sidebar's «Năm» when the page has one (a sign-in page has none yet), and its
    last quarter, as the sidebar opens on the latest quarter."""
    years = [box for box in at.selectbox if box.key == "sidebar_year"]
    if years and years[0].value != year and str(year) in years[0].options:
        years[0].set_value(year).run()
        quarters = [box for box in at.selectbox if box.key == "sidebar_quarter"]
        if quarters and quarters[0].value != 4:
            quarters[0].set_value(4).run()
    return at


@pytest.fixture
def first_year_parsed(first_year_demo: Path) -> Parsed:
    return parse_snapshot(WorkbookSource(first_year_demo, clock=lambda: NOW).read())


@pytest.fixture
def make_app(app_env: None) -> Callable[..., AppTest]:
    """An AppTest of app.py, run once; `secrets` are handed to it as `.streamlit/secrets.toml` would be."""

    def build(**secrets: object) -> AppTest:
        """Secrets without `[auth]` run the documented `demo_mode` (the role picker) unless a test says
        otherwise: without it such a configuration stops on the configuration page."""
        at = AppTest.from_file(str(APP), default_timeout=120)
        if secrets and "auth" not in secrets:
            secrets.setdefault("demo_mode", True)
        for key, value in secrets.items():
            at.secrets[key] = value
        # A configured source (a test's own workbook) opens as it would for its users.
        return at.run() if "source" in secrets else start_in(at.run(), TEST_YEAR)

    return build


def assert_clean(at: AppTest) -> None:
    """No exception and no crash banner reached the page."""
    assert not at.exception, [e.value for e in at.exception]
    crashed = [e.value for e in at.error if "lỗi ngoài ý muốn" in e.value]
    assert not crashed, crashed


def html_bodies(at: AppTest) -> list[str]:
    """The HTML of every `st.html` on the page (the static cards and tables, and their style sheet)."""
    return [element.proto.body for element in at.get("html")]


def cards(at: AppTest) -> list[static_html.Card]:
    """The KPI cards of the page, in page order (`components.static`)."""
    return [card for body in html_bodies(at) for card in static_html.cards(body)]


def metrics(at: AppTest) -> dict[str, str]:
    return {card.label: card.value for card in cards(at)}


def static_tables(at: AppTest) -> list[pd.DataFrame]:
    return [frame for body in html_bodies(at) for frame in static_html.tables(body)]


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data behind each chart on the page, in page order."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        raw = proto.data.data if proto.HasField("data") else (proto.datasets[0].data.data if proto.datasets else b"")
        frames.append(pa.ipc.open_stream(raw).read_pandas() if raw else pd.DataFrame())
    return frames


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: object) -> str:
    """What a reader sees of Markdown that `components.safe.md` made literal: escapes and joiners gone."""
    return _ESCAPED.sub(r"\1", str(markdown)).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """All markdown, captions, titles and alerts of the page as a reader sees them, joined: for 'the page
    says…' assertions."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        parts.extend(shown(e.value) for e in at.get(kind))
    parts.extend(static_html.text(body) for body in html_bodies(at))
    return "\n".join(parts)


def table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all `columns`: the data grids (st.dataframe, whose keys are not
    exposed), then the static tables."""
    for value in [frame.value for frame in at.dataframe] + static_tables(at):
        if all(column in value.columns for column in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")
