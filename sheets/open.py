"""Opening a source string (an .xlsx path, a Google Sheets URL or key, or nothing for the demo)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from reporting.snapshot import Source
from sheets.workbook import WorkbookSource

GOOGLE_URL = re.compile(r"^(https://docs\.google\.com/spreadsheets/d/[\w-]+|[\w-]{25,})")


def is_google(source: str) -> bool:
    return bool(GOOGLE_URL.match(source.strip())) and not source.lower().endswith(".xlsx")


def open_source(
    source: str | None, service_account: dict[str, Any] | None = None, clock: Callable[[], datetime] | None = None
) -> Source:
    """A Source for `source`; None means the demo workbook (written on first use)."""
    if not source:
        from reporting.demo import ensure_demo

        return WorkbookSource(ensure_demo(), clock=clock)
    if is_google(source):
        from sheets.factory import open_google_source  # only when a Google source is configured

        return open_google_source(source, service_account, clock=clock)
    return WorkbookSource(Path(source).expanduser(), clock=clock)
