"""The office's files as they go to UBND tỉnh: printed to PDF by LibreOffice and read back page by page.

The demo quarter (quý IV năm 2023 at the demo's moment) is the reference: its .xlsx prints on 10 A4
landscape pages (the summary on one, the content areas on two, the 95 activities on six, the report
progress on one), its .docx on 3 portrait pages, and the Tổng cộng row never starts a page alone.
Nothing in either file speaks to the app's users.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reporting.export import FORMATS
from reporting.metrics import summarize
from reporting.parse import parse_snapshot
from reporting.periods import quarter
from reporting.settings import Settings
from sheets.workbook import WorkbookSource
from tests.app_fixtures import NOW

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice: make office-deps (CI installs it)",
)
APP_WORDS = ("ứng dụng", "check", "Chất lượng dữ liệu", "lệnh", "dòng dữ liệu", "thanh bên")


def _print(data: bytes, name: str, folder: Path) -> list[str]:
    """The file printed to PDF by LibreOffice; the text of each page."""
    source = folder / name
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "pdf"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = folder / "pdf" / (source.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


@pytest.fixture(scope="module")
def printed(private_demo, tmp_path_factory) -> dict[str, list[str]]:
    demo_parsed = parse_snapshot(WorkbookSource(private_demo, clock=lambda: NOW).read())
    summary = summarize(demo_parsed, quarter(2023, 4), NOW)
    folder = tmp_path_factory.mktemp("print")
    return {
        ext: _print(FORMATS[ext](summary, demo_parsed, Settings()), f"q4.{ext}", folder) for ext in ("xlsx", "docx")
    }


def test_the_demo_quarters_table_prints_on_as_few_pages_as_it_needs(printed) -> None:
    pages = printed["xlsx"]
    assert len(pages) == 10
    assert "Phụ lục I" in pages[0] and "Tổng cộng" in pages[0] and "Phụ lục II" not in pages[0]  # the summary: one page
    assert all(f"Trang {n}/10" in page for n, page in enumerate(pages, start=1))
    assert "Phụ lục IV" in pages[-1]


def test_the_report_drafts_total_row_stays_with_its_table(printed) -> None:
    pages = printed["docx"]
    assert len(pages) == 3
    (with_total,) = [page for page in pages if "Tổng cộng" in page]
    assert "Đoàn Thanh niên Sở" in with_total  # the last unit's row is on the same page as the total


@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_nothing_in_the_files_speaks_to_the_apps_users(printed, ext) -> None:
    text = " ".join(" ".join(page.split()) for page in printed[ext])
    for word in APP_WORDS:
        assert word not in text, word
    assert not re.search(r"\b\d{1,2}:\d{2}\b", text)  # no clock time in the body
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", re.sub(r"\b\d{2}/\d{2}/\d{4}\b", "", text))  # dd/mm/yyyy only
    assert "THƯƠNG\nBINH" not in text and "SỞ LAO ĐỘNG – THƯƠNG BINH" in text
