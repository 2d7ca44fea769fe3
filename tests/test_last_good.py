"""A snapshot becomes the "last good" one only after it parsed: a read the parser cannot handle shows the
previous data under a Vietnamese notice (never Streamlit's error box), is not kept on disk, and a restart
does not meet it again. A saved snapshot that does not load is ignored with a log line."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

import loader
from reporting.snapshot import Snapshot
from sheets.snapshot_cache import UNUSABLE, SnapshotCache, cache_key, load_with_fallback
from sheets.workbook import WorkbookSource
from tests.app_fixtures import APP, assert_clean, metrics, shown


class Flaky:
    """The parser's stand-in: fails on the snapshots it is told to, as a parser bug would."""

    def __init__(self) -> None:
        self.fail = False

    def __call__(self, snapshot: Snapshot) -> str:
        if self.fail:
            raise RuntimeError("a parser bug")
        return "parsed"


def test_an_unparsable_read_is_not_kept_and_the_last_good_one_is_served(tmp_path, private_demo) -> None:
    source = WorkbookSource(private_demo)
    cache = SnapshotCache(directory=tmp_path / "cache")
    check = Flaky()
    good = load_with_fallback(source, cache, check)
    assert good.checked == "parsed" and good.stale is None
    check.fail = True
    bad = load_with_fallback(source, cache, check)
    assert bad.snapshot == good.snapshot and bad.checked is None
    assert bad.stale is not None and bad.stale.reason == UNUSABLE
    restarted = SnapshotCache(directory=tmp_path / "cache")
    assert restarted.get(cache_key(source)) == good.snapshot  # the disk still holds the good one


def test_a_damaged_snapshot_on_disk_is_ignored_with_a_log_line(tmp_path, private_demo, caplog) -> None:
    source = WorkbookSource(private_demo)
    cache = SnapshotCache(directory=tmp_path / "cache")
    load_with_fallback(source, cache)
    (saved,) = (tmp_path / "cache").glob("*.json")
    saved.write_text('{"tabs": [1, 2', encoding="utf-8")
    caplog.set_level(logging.WARNING)
    assert SnapshotCache(directory=tmp_path / "cache").get(cache_key(source)) is None
    assert any("does not load" in r.getMessage() for r in caplog.records)


@pytest.fixture
def workbook(tmp_path: Path, private_demo: Path) -> Path:
    return Path(shutil.copy(private_demo, tmp_path / "so.xlsx"))


def test_a_parse_failure_shows_the_previous_data_and_a_notice_not_a_traceback(app_env, workbook, monkeypatch) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["source"] = str(workbook)
    at.secrets["demo_mode"] = True
    at.run()
    at.selectbox(key="sidebar_year").set_value(2023).run()
    at.selectbox(key="sidebar_quarter").set_value(4).run()
    before = metrics(at)["Hoạt động"]
    book = load_workbook(workbook)
    book["VP"].append([datetime(2023, 11, 20), "a", "Khác", "CRASH-ME", 1, None, None, None])
    book.save(workbook)
    real = loader.parse_snapshot

    def broken_on_the_new_row(snapshot, rules=None):  # a parser bug that one new cell triggers
        if any("CRASH-ME" in row.values for row in snapshot.tabs.get("VP", [])):
            raise ValueError("a parser bug")
        return real(snapshot, rules) if rules is not None else real(snapshot)

    monkeypatch.setattr(loader, "parse_snapshot", broken_on_the_new_row)
    loader.refresh()
    at.run()
    assert_clean(at)
    assert metrics(at)["Hoạt động"] == before  # the last good data stays
    warning = next(shown(w.value) for w in at.warning if "Không đọc được nguồn dữ liệu" in w.value)
    assert UNUSABLE in warning and "ValueError" not in warning
