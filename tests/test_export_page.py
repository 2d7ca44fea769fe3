"""The "Xuất báo cáo" page, driven through the real app with AppTest: its downloads equal the CLI's files.

AppTest shows a download button's label and URL but not its bytes. Streamlit keeps those bytes in the
run's in-memory media storage (`MemoryMediaFileStorage`, created by AppTest for each run); the test swaps
in a subclass that remembers each instance, then reads the file behind the button's URL from it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import pytest
import streamlit.testing.v1.app_test as app_test_module
from export_data import NOW_TEXT, ROOT, run_cli, write_workbook
from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import loader


class RecordingStorage(MemoryMediaFileStorage):
    """The media storage AppTest creates per run, remembered so a test can read the files back."""

    instances: ClassVar[list[RecordingStorage]] = []

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        RecordingStorage.instances.append(self)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("page") / "nguon.xlsx")


def open_export_page(source: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app on `source` (demo mode, the fixed clock), opened on Xuất báo cáo."""
    for key in [k for k in os.environ if k.startswith("CCHC_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CCHC_SOURCE", str(source))
    monkeypatch.setenv("CCHC_DEMO_MODE", "1")  # a configured source without [auth] runs only when asked for
    monkeypatch.setenv("CCHC_NOW", NOW_TEXT)
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    loader.reset()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("content/export.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def app(source: Path, monkeypatch: pytest.MonkeyPatch, app_env: None) -> AppTest:
    return open_export_page(source, monkeypatch)


def download(at: AppTest, ext: str) -> MemoryFile:
    """The file behind the page's download button for `ext`, from this run's media storage."""
    button = at.download_button(key=f"export_download_{ext}")
    name = button.proto.url.rsplit("/", 1)[-1]
    return RecordingStorage.instances[-1].get_file(name)


def cli_bytes(source: Path, tmp_path: Path, ext: str, *flags: str) -> bytes:
    out = tmp_path / f"cli.{ext}"
    done = run_cli("export", "--source", str(source), "--now", NOW_TEXT, "--year", "2023", *flags, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def choose(app: AppTest, year: int, choice: int | str) -> None:
    """The period, as a person picks it: in the sidebar, which every page (this one included) follows."""
    app.selectbox(key="sidebar_year").set_value(year).run()
    app.selectbox(key="sidebar_quarter").set_value(choice).run()


def test_page_downloads_equal_cli_output(app: AppTest, source: Path, tmp_path: Path) -> None:
    choose(app, 2023, 1)
    assert not app.exception
    assert app.title[0].value == "Xuất báo cáo"
    assert app.subheader[0].value == "Bảng tổng hợp quý I năm 2023"
    preview = app.dataframe[0].value
    total = preview[preview["Đơn vị"] == "Tổng cộng"].iloc[0]
    assert (total["Tổng số hoạt động"], total["Số người tham gia"]) == ("5", "1.200")
    for ext in ("xlsx", "csv", "docx"):
        file = download(app, ext)
        assert file.filename == f"tong-hop-cchc-2023-Q1.{ext}"
        assert file.content == cli_bytes(source, tmp_path, ext, "--quarter", "1"), ext
    excel = download(app, "csv-excel")
    assert excel.filename == "tong-hop-cchc-2023-Q1-excel.csv"
    assert excel.content == cli_bytes(source, tmp_path, "csv", "--quarter", "1", "--semicolon")
    header = excel.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(";")[:3] == ["STT", "Đơn vị", "Ngày"] and "," not in header


def test_page_half_year_and_whole_year(app: AppTest, source: Path, tmp_path: Path) -> None:
    choose(app, 2023, "H2")
    assert not app.exception
    assert app.subheader[0].value == "Bảng tổng hợp 6 tháng cuối năm 2023"
    file = download(app, "xlsx")
    assert file.filename == "tong-hop-cchc-2023-H2.xlsx"
    assert file.content == cli_bytes(source, tmp_path, "xlsx", "--half", "2")

    choose(app, 2023, "Y")
    assert not app.exception
    file = download(app, "docx")
    assert file.filename == "tong-hop-cchc-2023.docx"
    assert file.content == cli_bytes(source, tmp_path, "docx", "--whole-year")


def test_page_empty_quarter(app: AppTest) -> None:
    choose(app, 2023, 4)
    assert not app.exception
    assert any("Không có hoạt động nào trong kỳ (quý IV năm 2023)." in c.value for c in app.caption)
    assert len(app.download_button) == 4
    assert not app.warning  # nothing of this quarter was left out, so nothing is said


def test_page_says_what_the_period_left_out_and_the_files_do_not(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from export_data import TABS

    tabs = {**TABS, "VP": [*TABS["VP"]]}
    tabs["VP"].append(["01/02/2023", "f", "Khác", "nội dung không có trong Kế hoạch", 1])  # Q1, an error
    tabs["VP"].append(["01/08/2023", "f", "Khác", "lỗi, nhưng ở quý III", 1])  # another quarter's
    tabs["VP"].append(["30/02/2023", "a", "Khác", "ngày không có thật", 1])  # no readable date
    broken = write_workbook(tmp_path / "co-loi.xlsx", tabs)
    at = open_export_page(broken, monkeypatch)
    choose(at, 2023, 1)

    (warning,) = [w.value for w in at.warning]
    assert "1 dòng hoạt động trong kỳ này có lỗi nên chưa được tính" in warning
    assert "1 dòng có lỗi không đọc được ngày" in warning
    assert "Ghi chú này không có trong các tệp tải về" in warning
    choose(at, 2023, 4)  # nothing of quý IV was left out, but the undated row may be anyone's
    (warning,) = [w.value for w in at.warning]
    assert "trong kỳ này có lỗi" not in warning and "1 dòng có lỗi không đọc được ngày" in warning
