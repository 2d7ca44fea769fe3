"""The app's one door to its data: settings, the clock, the source, the TTL cache and the stale fallback.

This is the only module that touches `st.secrets` and Streamlit's caches (STYLE.md), so the cache boundary
lives in one place. The caches are `st.cache_resource`: every session gets the same parsed frames and
figures, not a copy unpickled per run as `st.cache_data` gives (that copy cost more than a warm page's own
work). Sharing is safe because nothing downstream changes a frame in place: pandas 3 copies on write, and
`reporting/` returns new frames (tests/test_loader_cache.py checks that a run leaves them as they were).

A read goes: settings (secrets, then `CCHC_*` environment variables, which win) → `sheets.open.open_source`
→ `Source.read()` → `reporting.parse.parse_snapshot`. The parsed frames are cached for `cache_ttl_seconds`
(60 by default); "Làm mới" calls `refresh()`.

When the source fails, the last snapshot that was read successfully (`sheets.snapshot_cache`, kept in
memory and on disk) is parsed and shown instead, with a `reporting.snapshot.Stale` note saying since when and why; only
when there is none does `load()` raise `LoadFailed`.

The clock: `now()` is the real time in Asia/Ho_Chi_Minh unless the environment variable `CCHC_NOW` holds
an ISO 8601 moment (naive means Vietnam time), e.g. `CCHC_NOW=2024-01-10T09:00`. That is for tests,
screenshots and demos only: report statuses and the default quarter are computed at that moment.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from components.context import Loaded
from reporting import redact
from reporting.config import Config, ConfigError, load_secrets_files, read_config
from reporting.errors import SourceError, SourceUnavailable, WriteRefused
from reporting.metrics import Summary, summarize
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ, Period, PeriodRules
from reporting.settings import Settings
from reporting.snapshot import Source, Stale
from sheets.snapshot_cache import UNUSABLE, LoadResult, SnapshotCache, cache_key, load_with_fallback

if TYPE_CHECKING:
    from reporting.actions import RowWriter
    from reporting.corrections import RowEditor
    from reporting.remind import Mailer

log = logging.getLogger(__name__)
redact.install()  # every log line of the app passes the secrets filter

NOW_ENV = "CCHC_NOW"


class LoadFailed(Exception):
    """The source failed and no earlier snapshot exists; `str(err)` is a Vietnamese message."""


# ---------------------------------------------------------------------------------------------- settings


def _secrets() -> dict[str, Any] | None:
    """The secrets' tables; None when there is no secrets file (the demo needs no configuration).

    The `.toml` files Streamlit reads (`secrets.files`) are parsed strictly here first, so a file that
    does not parse stops the app with its line instead of silently counting as "no secrets". AppTest's
    `at.secrets` and a secrets folder reach us through `st.secrets`.
    """
    paths = list(st.get_option("secrets.files") or [])
    data = load_secrets_files(paths)
    if data is not None:
        return data
    try:
        if st.secrets.load_if_toml_exists():
            return st.secrets.to_dict()
    except Exception:
        log.warning("Streamlit's secrets could not be read", exc_info=False)
        raise ConfigError(["Không đọc được cấu hình bí mật (secrets) của ứng dụng."]) from None
    # Something is there (a secrets folder Streamlit cannot read, say) but nothing was read: never "none".
    present = [p for p in paths if os.path.lexists(os.path.expanduser(p))]
    if present:
        raise ConfigError(
            [f"Không đọc được cấu hình ở «{present[0]}»: thư mục cấu hình phải chứa một thư mục con cho mỗi mục."]
        )
    return None


def configuration() -> Config:
    """The installation's configuration, read strictly; ConfigError (Vietnamese, no values) when it can't be used."""
    return read_config(_secrets(), os.environ)


def auth_table() -> dict[str, Any]:
    """`[auth]` for the sign-in page: also when only settings are wrong (the office must be able to sign in
    to read what is wrong). Empty when sign-in is not configured or the configuration is unreadable."""
    try:
        config = configuration()
    except ConfigError as exc:
        config = exc.partial
    return dict(config.auth) if config is not None and config.auth else {}


def settings() -> Settings:
    """The settings of `configuration()`; raises ConfigError."""
    return configuration().settings


def service_account() -> dict[str, Any] | None:
    """The `[gcp_service_account]` table of the secrets, for a Google source."""
    account = configuration().service_account
    return dict(account) if account is not None else None


def host_header() -> str | None:
    """The Host header of this session's request (None outside a browser session, as in AppTest)."""
    try:
        return st.context.headers.get("Host")
    except Exception:
        return None


def bind_address() -> str | None:
    """The address the server listens on (`server.address`; empty: every interface)."""
    return st.get_option("server.address")


# The built-in demo workbook is a year 2023; shown at this moment (the quarter's reports in, one late, one
# missing) its statuses read as they would in real use. Never used for a configured source.
DEMO_MOMENT = datetime(2025, 1, 10, 9, 0, tzinfo=VN_TZ)


def now(demo: bool = False) -> datetime:
    """The current moment in Vietnam; the fixed moment in `CCHC_NOW` (tests and screenshots); with no
    `CCHC_NOW`, `DEMO_MOMENT` when the page shows the built-in demo workbook (`demo`)."""
    fixed = os.environ.get(NOW_ENV, "").strip()
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            log.warning("%s=%r is not ISO 8601; using the real clock", NOW_ENV, fixed)
        else:
            return moment.astimezone(VN_TZ) if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
    return DEMO_MOMENT if demo else datetime.now(VN_TZ)


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
    """The parsed frames without the raw rows: what the cache keeps for as long as the read is fresh.

    No page needs the raw tabs, and without them the cache holds a fraction of the memory (they were also
    what made a copy per hit slow when the cache was `st.cache_data`). The snapshot's URL, sheet ids and
    read time are kept so problems still link to their cell.
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


def _read_with_fallback(source: Source, rules: PeriodRules) -> LoadResult:
    """`load_with_fallback` with the parser as its check, extended to errors that are not `SourceError`
    (a bug must not lose the page)."""
    try:
        return load_with_fallback(source, snapshots, check=lambda snapshot: parse_snapshot(snapshot, rules))
    except Exception as exc:
        log.exception("reading the source failed unexpectedly")
        previous = snapshots.get(cache_key(source))
        wrapped = SourceError(_failure_text(exc))
        if previous is None:
            return LoadResult(snapshot=None, error=wrapped)
        return LoadResult(previous, Stale(previous.read_at, str(wrapped)), wrapped)


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
    result = _read_with_fallback(opened, rules)
    if result.snapshot is None:
        return _failure_text(result.error)
    stale = None
    if result.stale is not None:
        stale = replace(result.stale, failed_at=now())
    parsed = result.checked
    if parsed is None:  # the last good snapshot, served after a failure: it parsed when it was kept
        try:
            parsed = parse_snapshot(result.snapshot, rules)
        except Exception:  # kept by an older version of the app, say: nothing usable to show
            log.exception("the last good snapshot does not parse either")
            return _failure_text(SourceError(UNUSABLE))
    return Loaded(_light(parsed), stale, configured=bool(source))


_cached: dict[int, Callable[[str | None, PeriodRules, str], Loaded | str]] = {}


def _reader(ttl: int) -> Callable[[str | None, PeriodRules, str], Loaded | str]:
    """`_read` behind `st.cache_resource` with the configured TTL (0 turns the cache off)."""
    if ttl <= 0:
        return _read
    if ttl not in _cached:
        _cached[ttl] = st.cache_resource(ttl=ttl, max_entries=4, show_spinner="Đang đọc dữ liệu…")(_read)
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
_figures = st.cache_resource(max_entries=48, show_spinner=False)(_summarize)


LAST_WRITE_KEY = "last_write_at"  # session state: when this session last wrote (the server's clock)


def remember_write(at: datetime) -> None:
    """Note the moment of this session's write, so its figures are never computed at an earlier moment."""
    st.session_state[LAST_WRITE_KEY] = at


def figures(loaded: Loaded, period: Period, units: tuple[str, ...] | None, at: datetime) -> Summary:
    """`reporting.metrics.summarize` of the loaded data, cached per read; `at` counts to the minute.

    The minute is never earlier than this session's own last write: a unit that confirmed its report at
    10:00:35 sees it counted at once, not «Chưa nộp» until 10:01.
    """
    moment = at.replace(second=0, microsecond=0)
    written = st.session_state.get(LAST_WRITE_KEY)
    if isinstance(written, datetime) and written > moment:
        moment = written
    return _figures(loaded.parsed, loaded.token, period, tuple(units or ()), moment)


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

    installed = configuration()
    if installed.auth is None and installed.settings.kiosk:
        raise WriteRefused("Màn hình chỉ xem (kiosk): ứng dụng không ghi dữ liệu khi chưa cấu hình đăng nhập.")
    if installed.auth is None and config.source and not config.demo_writes:
        raise WriteRefused(
            "Chưa cấu hình đăng nhập nên ứng dụng đang ở chế độ trình diễn: chỉ được ghi vào sổ dữ liệu mẫu, "
            "không ghi vào bảng tính thật. Văn phòng Sở cần cấu hình đăng nhập (mục [auth]) để các đơn vị "
            "tự xác nhận báo cáo và thêm hoạt động."
        )

    return open_writer(open_source(config.source, service_account(), now))


def editor(config: Settings) -> RowEditor:
    """The editor of the configured source for corrections (`reporting.corrections`): the same writer, with
    the same refusals as `writer` (kiosk, demo mode)."""
    return cast("RowEditor", writer(config))


def mailer(config: Settings) -> Mailer:
    """The SMTP sender of the reminders («Gửi nhắc»), from `[smtp]`.

    Without sign-in anyone may pick the office in the demo picker, so no email goes out then unless
    `demo_writes` says otherwise (a training installation); WriteRefused too when `[smtp]` is not set.
    """
    from mailer.smtp import SmtpMailer

    installed = configuration()
    if installed.auth is None and not installed.settings.demo_writes:
        raise WriteRefused(
            "Chưa cấu hình đăng nhập nên ứng dụng đang ở chế độ trình diễn: không gửi thư nhắc (ai cũng chọn được vai "
            "trò Văn phòng Sở). Văn phòng Sở cần cấu hình đăng nhập (mục [auth]) để gửi nhắc từ ứng dụng."
        )
    if installed.smtp is None:
        raise WriteRefused(
            "Chưa cấu hình gửi thư (mục [smtp] của tệp cấu hình) nên chưa gửi được thư nhắc. Xem README, phần "
            "Nhắc việc qua email."
        )
    return SmtpMailer(installed.smtp, sender_name=config.agency_name)


def fresh(config: Settings) -> Parsed:
    """The source read again now, past the cache: what a write that must not repeat itself decides on (who
    was reminded today). SourceUnavailable when only the last good snapshot could be had: an old read would
    not show a reminder sent since."""
    after_write(config)
    loaded = load(config)
    if loaded.stale is not None:
        raise SourceUnavailable(
            "Không đọc lại được nguồn dữ liệu lúc này, nên chưa gửi thư nhắc (không biết đơn vị đã được nhắc hôm nay "
            "hay chưa). Hãy thử lại sau ít phút."
        )
    return loaded.parsed


def after_write(config: Settings, at: datetime | None = None) -> None:
    """Forget the cached read of `config`'s source, so the row just written shows on the next run.

    The read is cached per (source, rules, clock) and only that entry goes; figures need no clearing, as
    the new read has a new token. `at`, the moment of the write, keeps this session's figures from being
    computed at an earlier moment (`figures`).
    """
    if at is not None:
        remember_write(at)
    reader = _reader(config.cache_ttl_seconds)
    if reader is not _read:
        reader.clear(config.source, config.rules, os.environ.get(NOW_ENV, ""))  # type: ignore[attr-defined]


def reset(cache: SnapshotCache | None = None) -> None:
    """Forget the cached read and use `cache` for last good snapshots (tests: memory only by default)."""
    global snapshots
    refresh()
    snapshots = cache if cache is not None else SnapshotCache(directory=None)
