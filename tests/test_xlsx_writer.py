"""The .xlsx writer with real files and real processes: two writers at once, a killed writer, a stalled one,
a lost update, a full disk, permissions and owners, symlinks, read-only files and a workbook open in Excel.

Each writer is a separate Python process (`tests/xlsx_worker.py`) wherever the OS lock is what is tested.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import sheets.xlsx_append as xlsx_append
from reporting.actions import AppendResult, append_activity
from reporting.errors import SourceError, SourceUnavailable, WriteRefused
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter, lock_path
from tests.cli_run import ROOT
from tests.netguard import sitecustomize as netguard
from tests.snapshots import ACTIVITY_HEADER, workbook

TABS = {
    "Đơn vị": [["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"], ["VP", "Văn phòng Sở", "", "vp@x.vn", "Có"]],
    "VP": [ACTIVITY_HEADER, ["10/1/2023", "a", "Khác", "Họp đầu năm", 1]],
    "Nộp báo cáo": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú"]],
}
NOBODY = 65534


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return workbook(tmp_path / "cchc.xlsx", TABS)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["PYTHONPATH"] = netguard.with_guard(str(ROOT))
    env["CCHC_TEST_NETGUARD"] = "1"
    return env


def _worker(*args: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.xlsx_worker", *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


def _results(process: subprocess.Popen[str]) -> list[dict]:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def _holder(path: Path) -> subprocess.Popen[str]:
    process = _worker("hold", str(path))
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def _ids(path: Path) -> list[str]:
    rows = WorkbookSource(path).read().tabs["VP"]
    header = rows[0].values
    col = header.index("Mã ghi") if "Mã ghi" in header else None
    return [r.values[col] for r in rows[1:] if col is not None and col < len(r.values) and r.values[col]]


def _append(writer: WorkbookWriter, record_id: str) -> AppendResult:
    return append_activity(
        writer, "VP", day=date(2023, 3, 15), areas="a", channel="Khác", title=record_id, record_id=record_id
    )


def _temps(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp"))


def test_two_writer_processes_at_once_every_row_lands_once_with_its_own_row(book: Path) -> None:
    first, second = _worker("append", str(book), "a", "12"), _worker("append", str(book), "b", "12")
    results = _results(first) + _results(second)

    assert all("row" in r for r in results), results
    rows = [r["row"] for r in results]
    assert len(set(rows)) == 24  # never two writers told the same row
    assert sorted(_ids(book)) == sorted(r["id"] for r in results)
    sheet = load_workbook(book)["VP"]
    for result in results:  # each row holds the record its writer was told it holds
        assert sheet.cell(result["row"], 9).value == result["id"]
    assert _temps(book) == []


def test_a_killed_writer_holding_the_lock_blocks_nobody(book: Path) -> None:
    holder = _holder(book)
    holder.send_signal(signal.SIGKILL)
    holder.wait()

    started = time.monotonic()
    result = _append(WorkbookWriter(book, lock_timeout=5), "after-kill")

    assert time.monotonic() - started < 5  # the kernel released the lock; no age limit was waited out
    assert result.row == 3 and _ids(book) == ["after-kill"]


def test_a_stalled_writer_makes_others_wait_a_bounded_time_then_try_again(book: Path) -> None:
    before = book.read_bytes()
    holder = _holder(book)
    try:
        holder.send_signal(signal.SIGSTOP)  # alive, holding the lock, doing nothing: past any timeout
        started = time.monotonic()
        with pytest.raises(SourceUnavailable, match=r"đang được ghi bởi một người khác.*thử lại"):
            _append(WorkbookWriter(book, lock_timeout=1.5), "blocked")
        waited = time.monotonic() - started
        assert 1.5 <= waited < 10
        assert book.read_bytes() == before  # nothing written, the lock was not broken
        assert _temps(book) == []
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert _append(WorkbookWriter(book, lock_timeout=5), "blocked").row == 3  # the retry lands, once


def test_a_writer_killed_while_saving_leaves_the_file_whole_and_its_leftover_is_removed(tmp_path: Path) -> None:
    big = {**TABS, "VP": [ACTIVITY_HEADER] + [["10/1/2023", "a", "Khác", f"Hoạt động {i}", 1] for i in range(8000)]}
    path = workbook(tmp_path / "lon.xlsx", big)
    before = path.read_bytes()
    writer = _worker("append", str(path), "k", "1")
    deadline = time.monotonic() + 60
    while not _temps(path) and time.monotonic() < deadline and writer.poll() is None:
        time.sleep(0.005)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    if path.read_bytes() != before:  # it finished before the kill could land: nothing to check here
        pytest.fail("the writer finished before it was killed; make the workbook larger")
    assert len(_temps(path)) == 1  # the dead writer's half-written file, beside and never read
    assert len(WorkbookSource(path).read().tabs["VP"]) == 8001

    assert _append(WorkbookWriter(path), "after").row == 8002
    assert _temps(path) == []  # removed by the next writer, under the lock


def test_a_file_changed_between_load_and_replace_is_loaded_again_and_nothing_is_lost(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = xlsx_append._save_beside
    calls = []

    def save_while_a_colleague_writes(target, package, edit):
        calls.append(target)
        if len(calls) == 1:  # a colleague's append lands after this writer loaded the file
            _append(WorkbookWriter(book), "colleague")
        return real_save(target, package, edit)

    monkeypatch.setattr(xlsx_append, "_save_beside", save_while_a_colleague_writes)
    mine = _append(WorkbookWriter(book), "mine")

    assert len(calls) == 3  # mine (stale), the colleague's, mine again on the reloaded file
    assert _ids(book) == ["colleague", "mine"]
    assert mine.row == 4  # not row 3, which the colleague was told


def test_a_full_disk_is_a_vietnamese_message_and_the_file_is_untouched(book: Path) -> None:
    before = book.read_bytes()
    (result,) = _results(_worker("append", str(book), "d", "1", str(len(before) // 2)))

    assert "không còn đủ chỗ" in result["error"] and "chưa bị thay đổi" in result["error"]
    assert book.read_bytes() == before and _temps(book) == []


AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")


@AS_ROOT
def test_mode_owner_and_group_are_kept(book: Path) -> None:
    os.chmod(book, 0o640)
    os.chown(book, NOBODY, NOBODY)

    _append(WorkbookWriter(book), "r-1")

    st = book.stat()
    assert (oct(st.st_mode & 0o7777), st.st_uid, st.st_gid) == ("0o640", NOBODY, NOBODY)
    assert _ids(book) == ["r-1"]


@AS_ROOT
def test_a_writer_that_is_not_the_owner_replaces_the_file_whole_and_keeps_its_mode() -> None:
    # pytest's own folders are closed to other users; a shared folder under /tmp is what a team would use.
    folder = Path(tempfile.mkdtemp(prefix="cchc-shared-", dir="/tmp"))
    os.chmod(folder, 0o777)
    path = workbook(folder / "cchc.xlsx", TABS)
    os.chmod(path, 0o666)
    owner = path.stat().st_uid

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the writer, as another user (a fork: that user cannot run this machine's Python)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            row = _append(WorkbookWriter(path), "n-0").row
            os.write(write, json.dumps({"row": row}).encode())
        except BaseException as exc:
            os.write(write, json.dumps({"error": repr(exc)}).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as pipe:
        result = json.loads(pipe.read())

    assert result.get("row") == 3, result
    st = path.stat()
    # Atomic over everything: the owner becomes the writer (it cannot give a file away), the mode stays.
    assert st.st_uid == NOBODY != owner and oct(st.st_mode & 0o777) == "0o666"
    assert _ids(path) == ["n-0"]
    shutil.rmtree(folder)


def test_a_symlinked_source_is_written_through_to_its_target(book: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)

    _append(WorkbookWriter(link), "via-link")

    assert link.is_symlink() and link.resolve() == book
    assert _ids(book) == ["via-link"]
    assert lock_path(book).exists() and not lock_path(link).exists()  # one lock for both names


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda p: os.chmod(p, 0o444), "chế độ chỉ đọc"),
        (lambda p: os.chmod(p.parent, 0o555), "Thư mục chứa tệp «cchc.xlsx» chỉ cho phép đọc"),
        (lambda p: p.with_name("~$cchc.xlsx").write_bytes(b"x"), "đang được mở trong Excel.*«~\\$cchc.xlsx»"),
        (lambda p: p.with_name("~$hc.xlsx").write_bytes(b"x"), "đang được mở trong Excel"),
        (lambda p: p.with_name(".~lock.cchc.xlsx#").write_text("x"), "LibreOffice"),
    ],
    ids=["read-only file", "read-only folder", "excel", "excel long name", "libreoffice"],
)
def test_a_file_that_may_not_be_written_now_is_refused_with_the_reason(book: Path, prepare, message) -> None:
    before = book.read_bytes()
    prepare(book)
    try:
        with pytest.raises(WriteRefused, match=message):
            _append(WorkbookWriter(book), "x")
    finally:
        os.chmod(book.parent, 0o755)
    assert book.read_bytes() == before


def test_a_folder_is_not_a_file_to_write(tmp_path: Path) -> None:
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(WriteRefused, match="không phải là một tệp"):
        _append(WorkbookWriter(tmp_path / "folder.xlsx"), "x")


def test_a_damaged_workbook_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match=r"Không mở được tệp «hong\.xlsx»"):
        _append(WorkbookWriter(path), "x")


def test_a_live_writers_temporary_file_is_left_alone(book: Path) -> None:
    host = xlsx_append.HOST
    mine = book.with_name(f".{book.name}.{host}.{os.getpid()}.abc.tmp")
    mine.write_bytes(b"in progress")
    dead = book.with_name(f".{book.name}.{host}.999999999.abc.tmp")
    dead.write_bytes(b"left by a crash")
    elsewhere = book.with_name(f".{book.name}.other-server.999999999.abc.tmp")  # its pid means nothing here
    elsewhere.write_bytes(b"another machine's write in progress")

    _append(WorkbookWriter(book), "r")

    assert mine.exists() and not dead.exists() and elsewhere.exists()
