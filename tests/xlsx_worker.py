"""A separate writer process for the .xlsx lock tests: `python -m tests.xlsx_worker MODE PATH …`.

- `append PATH PREFIX COUNT [FSIZE]`: append COUNT activities with ids PREFIX-0…; print one JSON line
  per append ({"id", "row"} or {"error"}). FSIZE caps the size of any file this process writes (as a full
  disk would), with SIGXFSZ ignored so a write past it fails with an OS error.
- `hold PATH`: take the writers' lock on PATH, print "held", and sleep until killed.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
from datetime import date
from pathlib import Path

from filelock import FileLock

from reporting.actions import append_activity
from reporting.errors import SourceError
from sheets.xlsx_append import WorkbookWriter, lock_path


def _append(path: str, prefix: str, count: int, fsize: int | None) -> None:
    if fsize is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    writer = WorkbookWriter(path, lock_timeout=30)
    for i in range(count):
        record_id = f"{prefix}-{i}"
        try:
            result = append_activity(
                writer, "VP", day=date(2023, 3, 15), areas="a", channel="Khác", title=record_id, record_id=record_id
            )
            print(json.dumps({"id": record_id, "row": result.row}), flush=True)
        except SourceError as err:
            print(json.dumps({"id": record_id, "error": str(err)}, ensure_ascii=False), flush=True)


def _hold(path: str) -> None:
    lock = FileLock(lock_path(Path(path)), thread_local=False, fallback_to_soft=False)
    lock.acquire()
    print("held", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "append":
        _append(args[0], args[1], int(args[2]), int(args[3]) if len(args) > 3 else None)
    else:
        _hold(args[0])
