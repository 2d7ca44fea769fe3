"""The tab list of each Google spreadsheet seen (titles → sheet ids), on disk beside the last good snapshots.

With it a restarted app, or a command run by cron, reads a spreadsheet it has seen before in one request
(`values:batchGet`) instead of two: the metadata request is made only when the list is unknown, too old, or
found wrong (a tab gone, a unit without a tab; `sheets.google`). The file is named by a digest of the
spreadsheet key, so neither the key nor anything secret is in a name; it holds tab titles and sheet ids
only. An unreadable file is ignored (the list is fetched again), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_DIR = Path(".cache") / "snapshots"
VERSION = 1


class TabList:
    """Tab lists per spreadsheet key; `directory=None` keeps nothing (each process fetches its own)."""

    def __init__(self, directory: str | Path | None = DEFAULT_DIR, wall: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._wall = wall

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.tabs.json"

    def load(self, key: str) -> tuple[str, dict[str, int], float] | None:
        """(spreadsheet title, tab title → sheet id in tab order, age in seconds), or None."""
        if self.directory is None:
            return None
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                return None
            sheets = {str(title): int(sheet_id) for title, sheet_id in data["sheets"]}
            return str(data["title"]), sheets, max(0.0, self._wall() - float(data["fetched_at"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("ignoring an unreadable tab list (%s)", type(exc).__name__)
            return None

    def save(self, key: str, title: str, sheet_ids: dict[str, int]) -> None:
        """Write the list (atomically); a failure only costs the next process one request."""
        if self.directory is None:
            return
        body = {"version": VERSION, "title": title, "sheets": list(sheet_ids.items()), "fetched_at": self._wall()}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tabs.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(body, handle, ensure_ascii=False)
                os.replace(tmp, self._path(key))
            finally:
                with contextlib.suppress(FileNotFoundError):
                    Path(tmp).unlink()
        except OSError as exc:
            log.info("could not keep the tab list (%s)", type(exc).__name__)
