"""`python -m reporting export`, run as the office would schedule it: one subprocess per file.

The file must be byte-for-byte what the library (and so the page) produces for the same period and moment,
and its totals must equal what `python -m reporting summary` prints for that quarter.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from export_data import NOW, NOW_TEXT, run_cli, write_workbook

from reporting.export import export_bytes
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import half, quarter, whole_year
from reporting.settings import Settings
from sheets.workbook import WorkbookSource


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("cli") / "nguon.xlsx")


@pytest.fixture(scope="module")
def parsed(source: Path) -> Parsed:
    return parse_snapshot(WorkbookSource(source, clock=lambda: NOW).read())


# Each extension for a quarter, and each other kind of period once (a CLI start costs ~3 s of imports).
@pytest.mark.parametrize(
    ("flags", "period", "ext"),
    [
        (["--quarter", "1"], quarter(2023, 1), "xlsx"),
        (["--quarter", "1"], quarter(2023, 1), "csv"),
        (["--quarter", "1"], quarter(2023, 1), "docx"),
        (["--quarter", "4"], quarter(2023, 4), "xlsx"),  # the empty quarter
        (["--half", "2"], half(2023, 2), "csv"),
        (["--half", "1"], half(2023, 1), "xlsx"),
        (["--whole-year"], whole_year(2023), "docx"),
    ],
)
def test_cli_writes_the_library_bytes(source: Path, parsed: Parsed, tmp_path: Path, flags, period, ext: str) -> None:
    out = tmp_path / f"bang.{ext}"
    done = run_cli("export", "--source", str(source), "--year", "2023", *flags, "--now", NOW_TEXT, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    assert out.read_bytes() == export_bytes(parsed, Settings(), period, NOW, ext)


def test_cli_totals_equal_cli_summary(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "q1.xlsx"
    common = ["--source", str(source), "--year", "2023", "--now", NOW_TEXT]
    assert run_cli("export", *common, "--quarter", "1", "--out", str(out)).returncode == 0
    summary = run_cli("summary", *common, "--quarter", "1")
    assert summary.returncode == 0, summary.stderr
    expected = json.loads(summary.stdout)
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["Tổng hợp"]
    total = next(row for row in sheet.iter_rows(min_col=1, max_col=sheet.max_column) if row[1].value == "Tổng cộng")
    values = [c.value for c in total]
    assert values[2] == expected["totals"]["activities"]
    channels = [v for v in values[3:13]]
    # Per channel: the count, then (for item channels) the item total; counts sit at 3, 4, 6, 8, 10, 12.
    assert [channels[i] for i in (0, 1, 3, 5, 7, 9)] == list(expected["channels"].values())
    assert values[13] == expected["totals"]["participants"]
    reports = expected["totals"]
    assert values[15] == f"Đã nộp {reports['reports_submitted']}/{reports['reports_expected']}"
    units = {u["name"]: u for u in expected["units"]}
    for row in sheet.iter_rows(min_col=1, max_col=sheet.max_column):
        name = row[1].value
        if name in units:
            assert row[2].value == units[name]["activities"]
            assert row[13].value == units[name]["participants"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "1", "--out", "bang.pdf"], "«.pdf»"),
        (["--quarter", "1", "--half", "1", "--out", "bang.xlsx"], "không dùng cùng lúc với tham số"),
        (["--out", "bang.xlsx"], "cần một trong các tham số --quarter --half --whole-year"),
    ],
)
def test_cli_refuses_bad_requests(source: Path, tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith("bang.") else a for a in args]
    done = run_cli("export", "--source", str(source), "--year", "2023", "--now", NOW_TEXT, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert not list(tmp_path.iterdir())


def test_cli_export_help_names_the_period_flags() -> None:
    done = run_cli("export", "--help")
    assert done.returncode == 0
    for flag in ("--quarter", "--half", "--whole-year", "--out"):
        assert flag in done.stdout
