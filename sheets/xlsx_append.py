"""Appending one row to an .xlsx source: exactly once, or refused with a Vietnamese reason.

A write goes like this:

1. Checks, before any work: the file is there (a symlink is followed to its target, which is what gets
   written), it and its folder may be written, and neither Excel nor LibreOffice has it open (their owner
   files `~$…` and `.~lock.…#` beside it).
2. Read the file once, noting which file it was (device, inode, size, modification time). Plan the row on
   the tab's rows (only that tab's XML is parsed), look for its record id, and write the package with the row added
   (`sheets.xlsx_xml`: an edit of the tab's XML; every other part is copied as it is) to a temporary file
   beside the original, with the original's mode, owner and group.
3. Take the OS lock (`filelock`: an `flock` on `<name>.lock`, which the kernel releases when its process
   dies, so a crashed writer never blocks anyone and no lock is ever broken by age). Under it, check the
   file is still the one read; if so, rename the temporary file over it. If not (another writer got there
   first), do 2 and 3 again holding the lock throughout, so the second try cannot lose.

The lock is held for the check and the rename, or for one whole append on a second try; a live holder
makes others wait at most `lock_timeout` seconds, then "try again". Leftovers of a crash are harmless: the
lock file stays (an unlocked file locks nothing) and the next writer deletes temporary files whose process
is gone.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import re
import socket
import tempfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zipfile import BadZipFile

from filelock import FileLock, Timeout

from reporting.actions import AppendResult
from reporting.corrections import RowState, UpdateResult
from reporting.errors import SourceError, SourceNotFound, SourceUnavailable, WriteRefused
from reporting.schema import CORRECTION_COLUMNS, Column
from reporting.snapshot import Cell
from sheets.rows import RowPlan, build_row, find_record, plan_columns, plan_update, row_state, wanted_columns
from sheets.xlsx_xml import CellsEdit, NoSuchTab, RowEdit, Unsupported, edit_package, has_illegal_text, tab_rows

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 30.0  # seconds to wait for the lock; a second try holds it for one whole append (bench/)
_TEMP_SUFFIX = ".tmp"
# What a damaged package raises while it is read: a broken zip or deflate stream, an encrypted or unknown
# member, XML that does not parse, bytes that are not UTF-8, a missing part.
DAMAGED = (
    BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    KeyError,
    ValueError,
    ElementTree.ParseError,
)
MAX_COLUMNS, MAX_ROWS, MAX_TEXT = 16_384, 1_048_576, 32_767  # what an .xlsx sheet and cell can hold


@dataclass(frozen=True)
class _Identity:
    """Which file a path held when it was loaded: a rename or rewrite by anyone changes it."""

    device: int
    inode: int
    size: int
    modified_ns: int

    @classmethod
    def of(cls, path: Path) -> _Identity:
        return cls.from_stat(path.stat())

    @classmethod
    def from_stat(cls, st: os.stat_result) -> _Identity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def lock_path(target: Path) -> Path:
    """The lock file every writer of `target` takes (beside the real file, not beside a symlink to it)."""
    return target.with_name(target.name + ".lock")


def os_reason(exc: OSError) -> str:
    """An OS error as a Vietnamese clause, without paths (the caller names the file)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "ổ đĩa không còn đủ chỗ (hoặc vượt hạn mức dung lượng)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "không có quyền ghi"
    if exc.errno == errno.EROFS:
        return "ổ đĩa chỉ cho phép đọc"
    name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return f"lỗi hệ điều hành {name}"


class WorkbookWriter:
    """Appends to an .xlsx (see the module's steps). Formulas and their stored results are kept (the XML
    of other rows is not touched); a text value starting with "=" is stored as text, as RAW input does in
    Google Sheets."""

    def __init__(self, path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def append_record(
        self, tab: str, record: Mapping[str, Cell], columns: tuple[Column, ...], record_id: str
    ) -> AppendResult:
        return self._commit(lambda target: _prepare(target, tab, record, columns, record_id))

    def read_row(self, tab: str, row: int, columns: tuple[Column, ...]) -> RowState:
        """Row `row` of `tab` as it is in the file now (`reporting.corrections.RowEditor`)."""
        target = self._target()
        _loaded, package = _read(target)
        title, rows = _rows(target, package, tab, columns, None)
        return row_state(rows, title, row, columns)

    def update_row(
        self,
        tab: str,
        row: int,
        *,
        expected: Mapping[str, Cell],
        changes: Mapping[str, Cell],
        columns: tuple[Column, ...],
        log_tab: str,
        log: Sequence[Mapping[str, Cell]],
        record_id: str,
    ) -> UpdateResult:
        """Check the row, set its changed cells and append the log lines, in one new package put in place as
        an append is (the module's steps): both land, or neither."""
        return self._commit(
            lambda target: _prepare_update(target, tab, row, expected, changes, columns, log_tab, log, record_id)
        )

    def _commit(self, prepare: Callable[[Path], tuple[_Identity, Any, Path | None]]) -> Any:
        target = self._target()
        # First try: prepare without the lock, hold it only to check and rename. Should another writer have
        # replaced the file meanwhile, the second try holds the lock throughout, so it cannot lose again.
        loaded, result, temp = prepare(target)
        if temp is None:
            return result
        try:
            with self._lock(target):
                if _Identity.of(target) == loaded:
                    _remove_dead_temps(target)
                    _put_in_place(temp, target)
                    return result
        finally:
            temp.unlink(missing_ok=True)
        log.info("%s changed while a write was prepared; writing again under the lock", target.name)
        with self._lock(target):
            _loaded, result, temp = prepare(target)
            if temp is None:
                return result
            try:
                _remove_dead_temps(target)
                _put_in_place(temp, target)
            finally:
                temp.unlink(missing_ok=True)
            return result

    def _target(self) -> Path:
        """The real file to write, after the checks of step 1."""
        if not self.path.exists():
            raise SourceNotFound(f"Không tìm thấy tệp «{self.path}». Kiểm tra lại đường dẫn nguồn dữ liệu.")
        target = Path(os.path.realpath(self.path))
        if not target.is_file():
            raise WriteRefused(f"«{self.path.name}» không phải là một tệp nên không ghi vào được.")
        name = target.name
        mode = target.stat().st_mode
        if not os.access(target, os.W_OK) or not mode & 0o222:
            raise WriteRefused(
                f"Tệp «{name}» đang đặt chế độ chỉ đọc nên không ghi được. Bỏ chế độ chỉ đọc rồi thử lại."
            )
        folder = target.parent
        if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
            raise WriteRefused(
                f"Thư mục chứa tệp «{name}» chỉ cho phép đọc nên không ghi được. Cấp quyền ghi cho thư mục rồi thử lại."
            )
        owner = _open_elsewhere(target)
        if owner is not None:
            raise WriteRefused(
                f"Tệp «{name}» đang được mở trong Excel hoặc LibreOffice (có tệp «{owner.name}» bên cạnh) nên "
                "không ghi được. Đóng tệp rồi thử lại; nếu tệp không mở ở đâu, xóa tệp "
                f"«{owner.name}»."
            )
        return target

    def _lock(self, target: Path) -> Any:
        lock = FileLock(lock_path(target), timeout=self.lock_timeout, thread_local=False, fallback_to_soft=False)
        try:
            lock.acquire()
        except Timeout:
            raise SourceUnavailable(
                f"Tệp «{target.name}» đang được ghi bởi một người khác. Vui lòng thử lại sau ít giây."
            ) from None
        except OSError as exc:
            raise SourceError(f"Không khóa được tệp «{target.name}» để ghi: {os_reason(exc)}.") from exc
        return _Held(lock)


class _Held:
    """The acquired lock as a context manager that releases it."""

    def __init__(self, lock: FileLock) -> None:
        self.lock = lock

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        self.lock.release()


def _open_elsewhere(target: Path) -> Path | None:
    """Excel's owner file (`~$` + the name, or + the name without its first two letters for long names)
    or LibreOffice's (`.~lock.<name>#`), when one is beside the file."""
    name = target.name
    for candidate in (f"~${name}", f"~${name[2:]}", f".~lock.{name}#"):
        path = target.with_name(candidate)
        if path.exists():
            return path
    return None


def _read(target: Path) -> tuple[_Identity, bytes]:
    """The file's bytes and which file they came from (one open file, so the two always match)."""
    try:
        with open(target, "rb") as handle:
            return _Identity.from_stat(os.fstat(handle.fileno())), handle.read()
    except OSError as exc:
        raise SourceError(f"Không đọc được tệp «{target.name}»: {os_reason(exc)}.") from exc


def _rows(
    target: Path, package: bytes, tab: str, columns: tuple[Column, ...], record_id: str
) -> tuple[str, list[list[Cell]]]:
    """The tab's title as written and its rows (`sheets.xlsx_xml.tab_rows`: only that tab is parsed)."""
    try:
        return tab_rows(io.BytesIO(package), tab, columns, record_id)
    except NoSuchTab:
        raise SourceNotFound(f"Không có trang tính «{tab}» trong tệp dữ liệu.") from None
    except Unsupported as exc:
        raise _strange(target, tab, exc) from exc
    except DAMAGED as exc:
        raise SourceError(f"Không mở được tệp «{target.name}» như một bảng tính .xlsx ({type(exc).__name__}).") from exc


def _strange(target: Path, tab: str, exc: Unsupported) -> SourceError:
    """A package `sheets.xlsx_xml` does not edit: logged with what it was, said to the user in a sentence."""
    log.warning("appending to %s: %s", target.name, exc)
    return SourceError(
        f"Ứng dụng chưa ghi được vào trang «{tab}» của tệp «{target.name}» vì tệp có cấu trúc lạ. "
        "Hãy nhập trực tiếp vào tệp và báo cho người quản trị ứng dụng."
    )


def _prepare(
    target: Path, tab: str, record: Mapping[str, Cell], columns: tuple[Column, ...], record_id: str
) -> tuple[_Identity, AppendResult, Path | None]:
    """Plan the row on the file as it is now and write the new package beside it: which file it was, where
    the row goes, and the temporary file (None when the record is already there)."""
    loaded, package = _read(target)
    title, rows = _rows(target, package, tab, columns, record_id)
    plan = plan_columns(rows, columns, wanted_columns(record))
    found = find_record(rows, plan, record_id)
    if found is not None:
        return loaded, AppendResult(title, found, record_id, duplicate=True), None
    row = _next_row(rows, plan.header_row)
    values = _filled(plan, record, record_id)
    _check_fits(title, row, values, plan.new_headers)
    edit = RowEdit(title, plan.header_row, dict(plan.new_headers), row, values)
    return loaded, AppendResult(title, row, record_id), _save_beside(target, package, [edit])


def _filled(plan: RowPlan, record: Mapping[str, Cell], record_id: str) -> dict[int, Cell]:
    """The record's cells to write (0-based column → value), its blanks left out."""
    return {i: v for i, v in enumerate(build_row(plan, record, record_id, lambda v: v)) if v != ""}


def _next_row(rows: list[list[Cell]], header_row: int) -> int:
    """The row below the tab's last filled one (and below its header)."""
    last = len(rows)
    while last and all(v is None or v == "" for v in rows[last - 1]):
        last -= 1
    return max(last, header_row) + 1


def _check_fits(title: str, row: int, values: Mapping[int, Any], new_headers: Mapping[int, str]) -> None:
    """What an .xlsx cannot hold is refused before anything is written."""
    if any(has_illegal_text(v) for v in values.values()):
        raise WriteRefused("Nội dung có ký tự điều khiển (không nhìn thấy) mà tệp .xlsx không chứa được; hãy gõ lại.")
    if any(isinstance(v, str) and len(v) > MAX_TEXT for v in values.values()):
        raise WriteRefused("Một ô dài quá 32.767 ký tự, giới hạn của một ô Excel; hãy rút gọn rồi lưu lại.")
    if row > MAX_ROWS or max([*values, *new_headers, 0]) >= MAX_COLUMNS:
        raise WriteRefused(
            f"Trang «{title}» đã dùng đến dòng hoặc cột cuối cùng Excel cho phép nên không thêm được dòng. "
            "Hãy xóa các ô thừa ở cuối trang (hoặc nhờ Văn phòng Sở) rồi thử lại."
        )


def _prepare_update(
    target: Path,
    tab: str,
    row: int,
    expected: Mapping[str, Cell],
    changes: Mapping[str, Cell],
    columns: tuple[Column, ...],
    log_tab: str,
    lines: Sequence[Mapping[str, Cell]],
    record_id: str,
) -> tuple[_Identity, UpdateResult, Path | None]:
    """A correction planned on the file as it is now: the row checked against what was shown, its cells set
    and the log lines appended, written beside the file (None when this request is already in the log)."""
    loaded, package = _read(target)
    log_title, log_rows = _rows(target, package, log_tab, CORRECTION_COLUMNS, record_id)
    log_plan = plan_columns(log_rows, CORRECTION_COLUMNS, set().union(*(wanted_columns(line) for line in lines)))
    if find_record(log_rows, log_plan, record_id) is not None:
        return loaded, UpdateResult(tab, row, tuple(changes), record_id, duplicate=True), None
    title, rows = _rows(target, package, tab, columns, None)
    plan, cells = plan_update(rows, title, row, expected, changes, columns)
    edits: list[RowEdit | CellsEdit] = []
    if cells is not None:
        _check_fits(title, row, cells, plan.new_headers)
        edits.append(CellsEdit(title, plan.header_row, dict(plan.new_headers), row, cells))
    first = _next_row(log_rows, log_plan.header_row)
    for offset, line in enumerate(lines):
        values = _filled(log_plan, line, record_id)
        _check_fits(log_title, first + offset, values, log_plan.new_headers)
        headers = dict(log_plan.new_headers) if offset == 0 else {}
        edits.append(RowEdit(log_title, log_plan.header_row, headers, first + offset, values))
    return loaded, UpdateResult(title, row, tuple(changes), record_id), _save_beside(target, package, edits)


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _save_beside(target: Path, package: bytes, edits: Sequence[RowEdit | CellsEdit]) -> Path:
    """The package with the edits, written to a temporary file in the target's folder and flushed to disk,
    with the target's mode, owner and group. A failure leaves the target untouched and no temporary file."""
    owner = f"{_temp_prefix(target)}{HOST}.{os.getpid()}."  # which machine and process: see _remove_dead_temps
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=owner, suffix=_TEMP_SUFFIX)
    temp = Path(name)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                edit_package(io.BytesIO(package), handle, edits)
                handle.flush()
                os.fsync(handle.fileno())
            _copy_ownership(target, temp)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except Unsupported as exc:
        raise _strange(target, edits[0].tab, exc) from exc
    except DAMAGED as exc:
        raise SourceError(
            f"Tệp «{target.name}» bị hỏng ở bên trong nên không ghi được ({type(exc).__name__}). "
            "Mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi thử lại."
        ) from exc
    except OSError as exc:
        raise SourceError(
            f"Không lưu được tệp «{target.name}»: {os_reason(exc)}. Tệp dữ liệu chưa bị thay đổi; "
            "khắc phục rồi thử lại."
        ) from exc
    return temp


def _copy_ownership(target: Path, temp: Path) -> None:
    st = target.stat()
    os.chmod(temp, st.st_mode & 0o7777)
    if (st.st_uid, st.st_gid) == (os.getuid(), os.getgid()):
        return
    try:
        os.chown(temp, st.st_uid, st.st_gid)
    except PermissionError:
        with contextlib.suppress(PermissionError):  # keep at least the group, when this process is in it
            os.chown(temp, -1, st.st_gid)
        os.chmod(temp, st.st_mode & 0o7777)  # chown may clear set-id bits


def _put_in_place(temp: Path, target: Path) -> None:
    """Rename the temporary file over the target: readers and a crash never meet half a file. When this
    process could not give the new file the target's owner (it is not the owner), the owner changes to
    it; the mode, and the group when it may, are kept (logged, documented)."""
    try:
        st_temp, st_target = temp.stat(), target.stat()
        if (st_temp.st_uid, st_temp.st_gid) != (st_target.st_uid, st_target.st_gid):
            log.warning("%s now belongs to uid %s gid %s (was %s %s)", target.name, st_temp.st_uid, st_temp.st_gid,
                        st_target.st_uid, st_target.st_gid)  # fmt: skip
        os.replace(temp, target)
    except OSError as exc:
        raise SourceError(f"Không ghi được tệp «{target.name}»: {os_reason(exc)}. Vui lòng thử lại.") from exc


# The machine in a temporary file's name: two app servers sharing a folder share its lock but not their
# process numbers, so a writer deletes only its own machine's leftovers of processes that are gone.
HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"
_TEMP_OWNER = re.compile(r"^([A-Za-z0-9-]+)\.(\d+)\.")


def _remove_dead_temps(target: Path) -> None:
    """Delete temporary files a crashed writer of this machine left (their process is gone). Under the lock."""
    prefix = _temp_prefix(target)
    for path in target.parent.glob(f"{glob_escape(prefix)}*{_TEMP_SUFFIX}"):
        match = _TEMP_OWNER.match(path.name[len(prefix) :])
        if match is None or match.group(1) != HOST or _alive(int(match.group(2))):
            continue
        path.unlink(missing_ok=True)
        log.info("removed %s, left by a writer that stopped", path.name)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
