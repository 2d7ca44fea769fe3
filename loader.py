"""The app's one door to its data: settings, the clock, the source, the TTL cache and the stale fallback.

This is the only module that touches `st.secrets` and `st.cache_data` (STYLE.md), so the cache boundary
lives in one place. A read goes: settings (secrets, then `CCHC_*` environment variables, which win) →
`sheets.open.open_source` → `Source.read()` → `reporting.parse.parse_snapshot`. The parsed frames are
cached for `cache_ttl_seconds` (60 by default); "Làm mới" calls `refresh()`.

When the source fails, the last snapshot that was read successfully (`sheets.snapshot_cache`, kept in
memory and on disk) is parsed and shown instead, with a `Stale` note saying since when and why; only
when there is none does `load()` raise `LoadFailed`.

The clock: `now()` is the real time in Asia/Ho_Chi_Minh unless the environment variable `CCHC_NOW` holds
an ISO 8601 moment (naive means Vietnam time), e.g. `CCHC_NOW=2024-01-10T09:00`. That is for tests,
screenshots and demos only: report statuses and the default quarter are computed at that moment.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import streamlit as st

from reporting.metrics import Summary, summarize
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ, Period, PeriodRules
from reporting.settings import Settings
from sheets.errors import SourceError, WriteRefused
from sheets.snapshot_cache import LoadResult, SnapshotCache, StaleNotice, cache_key, load_with_fallback
from sheets.source import Source

if TYPE_CHECKING:
    from sheets.append import RowWriter

log = logging.getLogger(__name__)

NOW_ENV = "CCHC_NOW"
_SECRET_SECTIONS = ("gcp_service_account", "auth", "roles")  # tables, not settings


class LoadFailed(Exception):
    """The source failed and no earlier snapshot exists; `str(err)` is a Vietnamese message."""


@dataclass(frozen=True)
class Stale:
    """The source failed at `failed_at` because of `reason`; the data shown was read at `since`."""

    reason: str
    failed_at: datetime
    since: datetime


@dataclass(frozen=True)
class Loaded:
    """What a page shows: the parsed frames, whether they are stale, and whether a source is configured."""

    parsed: Parsed
    stale: Stale | None
    configured: bool  # False: no source set, the demo workbook is shown
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # new on every read: keys the figures


# ---------------------------------------------------------------------------------------------- settings


def _secrets() -> Mapping[str, Any]:
    """The secrets file as a dict, or {} when there is none (the demo needs no configuration)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        return st.secrets.to_dict()
    except Exception:  # a malformed secrets file must not take the page down; Streamlit logs the cause
        log.warning("secrets could not be read", exc_info=True)
        return {}


def settings() -> Settings:
    """Settings from the secrets' top-level keys, overridden by `CCHC_*` environment variables.

    Raises ValueError with a Vietnamese message naming a bad key.
    """
    flat = {k: v for k, v in _secrets().items() if k not in _SECRET_SECTIONS and not isinstance(v, Mapping)}
    flat.update({k: v for k, v in os.environ.items() if k.startswith("CCHC_")})
    return Settings.from_mapping(flat)


def service_account() -> dict[str, Any] | None:
    """The `[gcp_service_account]` table of the secrets, for a Google source."""
    info = _secrets().get("gcp_service_account")
    return dict(info) if isinstance(info, Mapping) else None


def auth_config() -> dict[str, Any] | None:
    """The `[auth]` table (st.login's OIDC settings) when sign-in is configured, else None (demo mode).

    Only its presence and provider names are used here; its values go to Streamlit, never to a page.
    """
    auth = _secrets().get("auth")
    return dict(auth) if isinstance(auth, Mapping) and auth else None


def roles() -> dict[str, Any]:
    """The `[roles]` table: `office` and `leadership` email lists (a unit's emails are in its `Email` cell)."""
    table = _secrets().get("roles")
    return dict(table) if isinstance(table, Mapping) else {}


def now() -> datetime:
    """The current moment in Vietnam, or the fixed moment in `CCHC_NOW` (tests and demos only)."""
    fixed = os.environ.get(NOW_ENV, "").strip()
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            log.warning("%s=%r is not ISO 8601; using the real clock", NOW_ENV, fixed)
        else:
            return moment.astimezone(VN_TZ) if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
    return datetime.now(VN_TZ)


# ------------------------------------------------------------------------------------------ the reading

# The last good snapshot per source, in memory and on disk (`.cache/snapshots`, git-ignored), so a restarted
# app can still show something when the source is down. Tests hand in their own.
snapshots = SnapshotCache()

# The seam tests and the benchmark use to hand in a source; production opens it from settings.
open_source: Callable[[str | None, dict[str, Any] | None, Callable[[], datetime]], Source]


def _default_open_source(source: str | None, account: dict[str, Any] | None, clock: Callable[[], datetime]) -> Source:
    from sheets.open import open_source as open_configured

    return open_configured(source, account, clock=clock)


open_source = _default_open_source


def _light(parsed: Parsed) -> Parsed:
    """The parsed frames without the raw rows: what the cache stores and copies on every hit.

    Every cache hit unpickles what is stored; with the raw tabs that is ~350 ms at 100,000 rows, without
    them ~30 ms, and no page needs them. The snapshot's URL, sheet ids and read time are kept so
    problems still link to their cell.
    """
    if parsed.snapshot is None:
        return parsed
    return replace(parsed, snapshot=replace(parsed.snapshot, tabs={}))


def _failure_text(exc: BaseException | None) -> str:
    if isinstance(exc, SourceError):
        return str(exc)
    # Anything else is a bug or an unexpected library error: its text may hold anything, so only its type.
    name = type(exc).__name__ if exc is not None else "không rõ"
    return f"Lỗi không xác định khi đọc nguồn dữ liệu ({name})."


def _read_with_fallback(source: Source) -> LoadResult:
    """`load_with_fallback`, extended to errors that are not `SourceError` (a bug must not lose the page)."""
    try:
        return load_with_fallback(source, snapshots)
    except Exception as exc:
        log.exception("reading the source failed unexpectedly")
        previous = snapshots.get(cache_key(source))
        wrapped = SourceError(_failure_text(exc))
        if previous is None:
            return LoadResult(snapshot=None, error=wrapped)
        return LoadResult(previous, StaleNotice(previous.read_at, str(wrapped)), wrapped)


def _read(source: str | None, rules: PeriodRules, clock_text: str) -> Loaded | str:
    """Read and parse the source; on failure fall back to the last good snapshot.

    Returns a Vietnamese failure message (a str) when there is nothing to fall back to. Failures are
    returned rather than raised so that they are cached too: a source that is down is not asked again on
    every click, only after the TTL or on "Làm mới". `clock_text` is part of the cache key so a fixed
    `CCHC_NOW` in tests never meets a cached read from another moment.
    """
    try:
        opened = open_source(source, service_account(), now)
    except Exception as exc:  # bad credentials or source text: nothing to key a fallback on
        if not isinstance(exc, SourceError):
            log.exception("opening the source failed unexpectedly")
        return _failure_text(exc)
    result = _read_with_fallback(opened)
    if result.snapshot is None:
        return _failure_text(result.error)
    stale = None
    if result.stale is not None:
        stale = Stale(reason=result.stale.reason, failed_at=now(), since=result.stale.read_at)
    return Loaded(_light(parse_snapshot(result.snapshot, rules)), stale, configured=bool(source))


_cached: dict[int, Callable[[str | None, PeriodRules, str], Loaded | str]] = {}


def _reader(ttl: int) -> Callable[[str | None, PeriodRules, str], Loaded | str]:
    """`_read` behind `st.cache_data` with the configured TTL (0 turns the cache off)."""
    if ttl <= 0:
        return _read
    if ttl not in _cached:
        _cached[ttl] = st.cache_data(ttl=ttl, max_entries=4, show_spinner="Đang đọc dữ liệu…")(_read)
    return _cached[ttl]


def load(config: Settings | None = None) -> Loaded:
    """The data to show now (cached); raises LoadFailed when the source fails with nothing to fall back on."""
    config = config or settings()
    outcome = _reader(config.cache_ttl_seconds)(config.source, config.rules, os.environ.get(NOW_ENV, ""))
    if isinstance(outcome, str):
        raise LoadFailed(outcome)
    return outcome


# ------------------------------------------------------------------------------------------ the figures


def _summarize(_parsed: Parsed, token: str, period: Period, units: tuple[str, ...], at: datetime) -> Summary:
    return summarize(_parsed, period, at, list(units) or None)


# Figures per (data read, period, units, minute): no TTL, since a new read has a new token. Leadership
# flipping between quarters, and every viewer of the same quarter, reuse them instead of recomputing.
# Bounded: a Summary carries its quarter's activities (a few MB at 100,000 rows a year).
_figures = st.cache_data(max_entries=48, show_spinner=False)(_summarize)


def figures(loaded: Loaded, period: Period, units: tuple[str, ...] | None, at: datetime) -> Summary:
    """`reporting.metrics.summarize` of the loaded data, cached per read; `at` counts to the minute."""
    minute = at.replace(second=0, microsecond=0)
    return _figures(loaded.parsed, loaded.token, period, tuple(units or ()), minute)


def forget_figures() -> None:
    """Drop cached figures only (the benchmark measures a filter never seen before)."""
    _figures.clear()


def refresh() -> None:
    """Forget the cached read ("Làm mới"): the next `load()` reads the source again."""
    for reader in _cached.values():
        reader.clear()  # type: ignore[attr-defined]
    _figures.clear()


def writer(config: Settings) -> RowWriter:
    """A writer that appends to the configured source (the demo workbook when none is configured).

    Without sign-in anyone can pick any role, so demo mode writes only to the built-in demo workbook,
    unless `demo_writes` says otherwise (a test copy, a training sheet).
    """
    from sheets.append import open_writer

    if auth_config() is None and config.source and not config.demo_writes:
        raise WriteRefused(
            "Chưa cấu hình đăng nhập nên ứng dụng đang ở chế độ trình diễn: chỉ được ghi vào sổ dữ liệu mẫu, "
            "không ghi vào bảng tính thật. Văn phòng Sở cần cấu hình đăng nhập (mục [auth]) để các đơn vị "
            "tự xác nhận báo cáo và thêm hoạt động."
        )

    return open_writer(open_source(config.source, service_account(), now))


def after_write(config: Settings) -> None:
    """Forget the cached read of `config`'s source, so the row just written shows on the next run.

    The read is cached per (source, rules, clock) and only that entry goes; figures need no clearing, as
    the new read has a new token.
    """
    reader = _reader(config.cache_ttl_seconds)
    if reader is not _read:
        reader.clear(config.source, config.rules, os.environ.get(NOW_ENV, ""))  # type: ignore[attr-defined]


def reset(cache: SnapshotCache | None = None) -> None:
    """Forget the cached read and use `cache` for last good snapshots (tests: memory only by default)."""
    global snapshots
    refresh()
    snapshots = cache if cache is not None else SnapshotCache(directory=None)
