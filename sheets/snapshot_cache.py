"""The last good snapshot, in memory and on disk, and the loader that falls back to it.

When a refresh fails the dashboard keeps showing the last snapshot that was read, with a notice saying
when that was and why the refresh failed; the copy on disk lets a restarted app do the same. With no
snapshot at all the loader returns the error alone, for the page to explain.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reporting.errors import SourceError
from reporting.snapshot import SheetRow, Snapshot, Source, Stale

DEFAULT_DIR = Path(".cache") / "snapshots"
FORMAT_VERSION = 1


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    """What the app loader gets: a snapshot (maybe stale) and/or the error that stopped the refresh."""

    snapshot: Snapshot | None
    stale: Stale | None = None
    error: SourceError | None = None
    checked: Any = None  # what `check` made of a fresh snapshot (the parsed frames); None for a fallback

    @property
    def ok(self) -> bool:
        return self.snapshot is not None


def cache_key(source: Source) -> str:
    """A file-name-safe key per source, so two sources never share a fallback."""
    identity = getattr(source, "url", None) or str(getattr(source, "path", "")) or source.name
    return hashlib.sha256(identity.encode()).hexdigest()[:20]


class SnapshotCache:
    """Last good snapshot per source key; `directory=None` keeps it in memory only."""

    def __init__(self, directory: str | Path | None = DEFAULT_DIR) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._memory: dict[str, Snapshot] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Snapshot | None:
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        snapshot = self._load(key)
        if snapshot is not None:
            with self._lock:
                self._memory.setdefault(key, snapshot)
        return snapshot

    def put(self, key: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._memory[key] = snapshot
        if self.directory is not None:
            # A read-only disk must not break the dashboard: memory still has the snapshot.
            with contextlib.suppress(OSError):
                self._save(key, snapshot)

    def clear(self) -> None:
        self.forget_memory()
        if self.directory is not None and self.directory.is_dir():
            for path in self.directory.glob("*.json"):
                path.unlink(missing_ok=True)

    def forget_memory(self) -> None:
        """Drop the in-memory copies (what a restart does); tests use it to prove the disk copy works."""
        with self._lock:
            self._memory.clear()

    # ---- disk ------------------------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        assert self.directory is not None
        # Keys may be URLs or paths: the file name is a digest of the key.
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"

    def _save(self, key: str, snapshot: Snapshot) -> None:
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(snapshot_to_json(snapshot), ensure_ascii=False).encode()
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".snapshot.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self._path(key))  # atomic: a crash never leaves half a file behind
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _load(self, key: str) -> Snapshot | None:
        if self.directory is None:
            return None
        try:
            return snapshot_from_json(json.loads(self._path(key).read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged: as if there were none, and say so
            log.warning("the saved snapshot %s does not load (%s); ignored", self._path(key).name, type(exc).__name__)
            return None


UNUSABLE = "Dữ liệu vừa đọc có chỗ ứng dụng chưa xử lý được (chi tiết đã ghi vào nhật ký máy chủ để khắc phục)."


def load_with_fallback(
    source: Source, cache: SnapshotCache, check: Callable[[Snapshot], Any] | None = None
) -> LoadResult:
    """Read `source`; on failure serve the last good snapshot with a notice.

    A fresh snapshot becomes the "last good" one only after `check` (the parser) accepted it: a read that
    cannot be parsed is never kept, so a restart does not meet it again; the previous one is served.
    """
    key = cache_key(source)
    try:
        snapshot = source.read()
    except SourceError as err:
        return _previous(cache, key, err)
    checked = None
    if check is not None:
        try:
            checked = check(snapshot)
        except Exception:
            log.exception("a snapshot of %s could not be parsed; the last good one is served", source.name)
            return _previous(cache, key, SourceError(UNUSABLE))
    cache.put(key, snapshot)
    return LoadResult(snapshot=snapshot, checked=checked)


def _previous(cache: SnapshotCache, key: str, err: SourceError) -> LoadResult:
    previous = cache.get(key)
    if previous is None:
        return LoadResult(snapshot=None, error=err)
    return LoadResult(snapshot=previous, stale=Stale(previous.read_at, str(err)), error=err)


# ---- JSON codec: cells are str/int/float/bool/None/date/datetime ------------------------------------------
def _cell_to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _cell_from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        return date.fromisoformat(value["d"])
    return value


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "read_at": snapshot.read_at.isoformat(),
        "source_name": snapshot.source_name,
        "url": snapshot.url,
        "sheet_ids": snapshot.sheet_ids,
        "tabs": [
            [title, [[row.number, [_cell_to_json(v) for v in row.values]] for row in rows]]
            for title, rows in snapshot.tabs.items()
        ],
    }


def snapshot_from_json(data: dict[str, Any]) -> Snapshot:
    if data.get("version") != FORMAT_VERSION:
        raise ValueError("unknown snapshot format")
    return Snapshot(
        tabs={
            title: [SheetRow(number, tuple(_cell_from_json(v) for v in values)) for number, values in rows]
            for title, rows in data["tabs"]
        },
        read_at=datetime.fromisoformat(data["read_at"]),
        source_name=data["source_name"],
        url=data["url"],
        sheet_ids={k: int(v) for k, v in data["sheet_ids"].items()},
    )
