"""One bad cell never takes the app down: numbers beyond any bound, NaN, a 40-digit text, a two-digit
year, two dates in one cell — each is an error on its row (with tab, row and column) and every page still
draws for everyone; a surprising but possible count is a warning and still counts."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from reporting.metrics import summarize_quarter
from reporting.parse import parse_snapshot
from reporting.values import MAX_QUANTITY
from sheets.workbook import WorkbookSource
from tests.app_fixtures import APP, NOW, assert_clean

BAD_ROWS = [  # (what is typed in Ngày, Số lượng, Số người tham gia) and the column the error names
    ((datetime(2023, 11, 20), 10**30, None), "Số lượng"),
    ((datetime(2023, 11, 21), "9" * 40, None), "Số lượng"),
    ((datetime(2023, 11, 22), -5, None), "Số lượng"),  # (NaN cannot be stored in an .xlsx: tests/test_values.py)
    ((datetime(2023, 11, 23), 1, 10**20), "Số người tham gia"),
    (("20/11/23", 1, None), "Ngày"),
    (("20/11/2023 - 25/11/2023", 1, None), "Ngày"),
]


ROWS: list[int] = []  # the sheet rows the bad cells went to


@pytest.fixture
def workbook(tmp_path: Path, private_demo: Path) -> Path:
    path = Path(shutil.copy(private_demo, tmp_path / "so.xlsx"))
    book = load_workbook(path)
    ROWS.clear()
    for (day, quantity, people), _column in BAD_ROWS:
        book["VP"].append([day, "a", "Khác", "Dòng có ô lạ", quantity, people, None, None])
        ROWS.append(book["VP"].max_row)
    book["VP"].append([datetime(2023, 11, 24), "b", "Khác", "Hội nghị trực tuyến lớn", 2, 20_000, None, None])
    book.save(path)
    return path


def test_each_bad_cell_is_an_error_on_its_row_and_the_rest_still_counts(workbook, private_demo) -> None:
    parsed = parse_snapshot(WorkbookSource(workbook).read())
    before = parse_snapshot(WorkbookSource(private_demo).read())
    errors = parsed.problems.query("tab == 'VP' and severity == 'error'")
    for row, (_cells, column) in zip(ROWS, BAD_ROWS, strict=True):
        found = errors[errors["row"] == row]
        assert list(found["column"]) == [column], (row, found[["column", "message"]].to_dict("records"))
        assert found["message"].iloc[0].startswith(f"Trang «VP», dòng {row}, cột «{column}»")
    assert parsed.rows == len(parsed.activities) + parsed.error_rows
    assert parsed.error_rows == before.error_rows + len(BAD_ROWS)
    big = parsed.activities[parsed.activities["title"] == "Hội nghị trực tuyến lớn"]
    assert len(big) == 1 and int(big["participants"].iloc[0]) == 20_000  # counted…
    warned = parsed.problems.query("severity == 'warning' and column == 'Số người tham gia'")
    assert "nhiều bất thường" in warned["message"].iloc[0]  # …with a warning to look at
    totals = summarize_quarter(parsed, 2023, 4, NOW).totals
    assert totals["quantity"] < MAX_QUANTITY * len(parsed.activities)


def test_every_page_still_draws_for_everyone(app_env, workbook) -> None:
    for role in ("office", "leadership", "unit"):
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.secrets["source"] = str(workbook)
        at.secrets["demo_mode"] = True
        at.run()
        at.selectbox(key="sidebar_demo_role").set_value(role).run()
        at.selectbox(key="sidebar_year").set_value(2023).run()
        at.selectbox(key="sidebar_quarter").set_value(4).run()
        pages = ["content/overview.py", "content/unit.py", "content/guide.py"]
        pages += ["content/quality.py"] if role != "unit" else []
        for page in pages:
            at.switch_page(page).run()
            assert_clean(at)
