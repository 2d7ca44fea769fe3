"""The `parse_tabs` fixture: literal tabs read the two ways the app reads a spreadsheet, once as an .xlsx file
(written with openpyxl, read by `sheets.workbook.WorkbookSource`) and once as a Google Sheet on the fake Sheets
API (read by real gspread through `sheets.google.GoogleSheetSource`), then parsed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reporting.parse import Parsed, parse_snapshot
from sheets.google import GoogleSheetSource
from sheets.workbook import WorkbookSource
from tests.fakesheets.fixtures import READ_AT
from tests.snapshots import workbook

Tabs = dict[str, list[list[object]]]


@pytest.fixture(params=["xlsx", "google"])
def parse_tabs(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[Tabs], Parsed]:
    """A function tabs → `Parsed`, through an .xlsx file or through the fake Google Sheet."""

    def read(tabs: Tabs) -> Parsed:
        if request.param == "xlsx":
            return parse_snapshot(WorkbookSource(workbook(tmp_path / "nguon.xlsx", tabs), clock=lambda: READ_AT).read())
        fake = request.getfixturevalue("fake")
        book = fake.create_spreadsheet(tabs)
        source = GoogleSheetSource(book.spreadsheet_id, request.getfixturevalue("gclient"), clock=lambda: READ_AT)
        return parse_snapshot(source.read())

    return read
