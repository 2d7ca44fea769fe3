"""The Google Sheets source: the whole spreadsheet in one `values:batchGet` per refresh.

Tab titles and sheet ids come from one metadata request that is cached, in memory and on disk
(`sheets.tab_list`, so a restarted process knows them too); it is fetched again only when the batchGet
says a tab has gone, when the unit list names a unit that has no tab yet, or when the cache is older than
`metadata_max_age` (a list from disk counts from when it was fetched). So a refresh is 1 request, and 2
only for a spreadsheet this machine has never read, whatever the number of tabs. Values are read UNFORMATTED with SERIAL_NUMBER dates and shaped by `rows_from_values`, exactly
as the .xlsx source shapes openpyxl's, so `reporting.parse` sees the same kind of snapshot.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.utils import absolute_range_name, extract_id_from_url

from reporting.errors import (
    CredentialsInvalid,
    SourceAccessDenied,
    SourceError,
    SourceNotFound,
    SourceUnavailable,
)
from reporting.periods import VN_TZ
from reporting.schema import UNIT_COLUMNS, UNITS_TAB, find_header
from reporting.snapshot import Snapshot, rows_from_values
from reporting.text import fold, without_lone_surrogates
from sheets.client import retrying_http, service_account_email
from sheets.retry import http_status
from sheets.tab_list import TabList

log = logging.getLogger(__name__)
METADATA_FIELDS = "spreadsheetId,properties.title,sheets.properties(sheetId,title,index)"
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")


def spreadsheet_key(source: str) -> str:
    """The spreadsheet key from a Google Sheets URL or a bare key."""
    text = source.strip()
    if _KEY.match(text):
        return text
    try:
        return extract_id_from_url(text)
    except NoValidUrlKeyFound:
        raise SourceNotFound(
            f"«{text}» không phải đường dẫn hay mã của một bảng tính Google. Hãy sao chép nguyên đường dẫn "
            "dạng https://docs.google.com/spreadsheets/d/…/edit từ thanh địa chỉ trình duyệt."
        ) from None


@dataclass(frozen=True)
class Metadata:
    title: str
    sheet_ids: dict[str, int]  # tab title -> sheet id, in tab order
    fetched_at: float


class GoogleSheetSource:
    """Reads every tab of one Google spreadsheet. The gspread client is injected (see `sheets.client`)."""

    def __init__(
        self,
        spreadsheet: str,
        client: gspread.Client,
        *,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] | None = None,
        metadata_max_age: float = 600.0,
        tab_list: TabList | None = None,
    ) -> None:
        self.key = spreadsheet_key(spreadsheet)
        self.url = f"https://docs.google.com/spreadsheets/d/{self.key}/edit"
        self.client = client
        self.name = f"Google Sheets {self.key[:8]}…"
        self._clock = clock or (lambda: datetime.now(VN_TZ))
        self.http = retrying_http(client)  # budget, retry policy and clock of every request
        self._monotonic = monotonic or self.http.policy.clock
        self._max_age = metadata_max_age
        self._tab_list = tab_list
        self._metadata: Metadata | None = self._remembered()
        self._units_without_tab: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    # ---- public --------------------------------------------------------------------------------------
    def read(self) -> Snapshot:
        """One refresh: 1 request when the tab list is cached, 2 when it is not."""
        with self._lock, self.errors(), self._budget():
            meta = self._metadata
            fetched = False
            if meta is None or self._monotonic() - meta.fetched_at > self._max_age:
                meta, fetched = self._fetch_metadata(), True
            try:
                tabs = self._batch_get(list(meta.sheet_ids))
            except APIError as err:
                if fetched or err.code != 400:
                    raise
                meta, fetched = self._fetch_metadata(), True  # a tab was renamed or deleted
                tabs = self._batch_get(list(meta.sheet_ids))
            missing = self._units_missing_a_tab(tabs, meta)
            if not fetched and missing - self._units_without_tab:
                meta = self._fetch_metadata()  # a unit was added to the list: its tab may be new too
                new = [title for title in meta.sheet_ids if title not in tabs]
                if new:
                    tabs.update(self._batch_get(new))
                tabs = {title: tabs[title] for title in meta.sheet_ids if title in tabs}
                missing = self._units_missing_a_tab(tabs, meta)
            self._units_without_tab = missing
            return Snapshot(
                tabs=tabs,
                read_at=self._clock(),
                source_name=self.name,
                url=self.url,
                sheet_ids=dict(meta.sheet_ids),
            )

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn whatever gspread, requests or google-auth raise into a `SourceError` with a Vietnamese message."""
        try:
            yield
        except SourceError:
            raise
        except Exception as exc:
            translated = translate_error(exc, key=self.key, email=service_account_email(self.client))
            if translated is None:
                raise
            log.warning("Google Sheets %s failed: %s", self.key[:8], type(exc).__name__)
            raise translated from exc

    def _remembered(self) -> Metadata | None:
        """The tab list from disk, as old as it is: a tab added by hand (a `Kế hoạch`) shows within
        `metadata_max_age` even for commands that live seconds; a gone tab or a new unit's tab at once."""
        known = self._tab_list.load(self.key) if self._tab_list is not None else None
        if known is None:
            return None
        title, sheet_ids, age = known
        return Metadata(title=title, sheet_ids=sheet_ids, fetched_at=self._monotonic() - age)

    # ---- requests ------------------------------------------------------------------------------------
    def _budget(self) -> Any:
        return self.http.budget()

    def _fetch_metadata(self) -> Metadata:
        raw = self.http.fetch_sheet_metadata(self.key, params={"includeGridData": "false", "fields": METADATA_FIELDS})
        try:
            sheets = sorted(raw.get("sheets", []), key=lambda s: s["properties"].get("index", 0))
            meta = Metadata(
                title=str(raw.get("properties", {}).get("title", "")),
                sheet_ids={str(s["properties"]["title"]): int(s["properties"].get("sheetId", 0)) for s in sheets},
                fetched_at=self._monotonic(),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise UnexpectedAnswer("spreadsheets.get") from exc
        self._metadata = meta
        if self._tab_list is not None:
            self._tab_list.save(self.key, meta.title, meta.sheet_ids)
        return meta

    def _batch_get(self, titles: list[str]) -> dict[str, Any]:
        if not titles:
            return {}
        ranges = [absolute_range_name(title) for title in titles]
        raw = self.http.values_batch_get(self.key, ranges, params=dict(READ_PARAMS))
        value_ranges = raw.get("valueRanges", []) if isinstance(raw, dict) else None
        if not isinstance(value_ranges, list) or len(value_ranges) != len(titles):
            raise UnexpectedAnswer("values.batchGet")
        tabs = {}
        for title, vr in zip(titles, value_ranges, strict=True):
            values = vr.get("values", []) if isinstance(vr, dict) else None
            if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
                raise UnexpectedAnswer("values.batchGet")
            tabs[title] = rows_from_values(without_lone_surrogates(values))
        return tabs

    @staticmethod
    def _units_missing_a_tab(tabs: dict[str, Any], meta: Metadata) -> frozenset[str]:
        """Units in `Đơn vị` (by code or name) that match no tab, found with the parser's own header rule."""
        unit_tab = next((t for t in tabs if fold(t) == fold(UNITS_TAB)), None)
        if unit_tab is None or not tabs[unit_tab]:
            return frozenset()
        rows = [row.values for row in tabs[unit_tab]]
        header = find_header(rows, UNIT_COLUMNS)
        if header is None:
            return frozenset()
        columns = [header.positions[key] for key in ("code", "name") if key in header.positions]
        titles = {fold(t) for t in meta.sheet_ids}
        missing = set()
        for row in rows[header.index + 1 :]:
            keys = [fold(row[i]) for i in columns if i < len(row)]
            keys = [k for k in keys if k]
            if keys and not any(k in titles for k in keys):
                missing.add(keys[0])
        return frozenset(missing)


# ---- error translation -------------------------------------------------------------------------------
class UnexpectedAnswer(ValueError):
    """Google answered valid JSON of a shape the API does not document (a proxy, an API change)."""

    def __init__(self, op: str) -> None:
        super().__init__(f"{op}: unexpected answer shape")


def _is_service_disabled(err: APIError) -> bool:
    error = err.error if isinstance(err.error, dict) else {}
    for detail in error.get("details", []) or []:
        if isinstance(detail, dict) and detail.get("reason") in ("SERVICE_DISABLED", "accessNotConfigured"):
            return True
    message = str(error.get("message", ""))
    return "has not been used in project" in message or "it is disabled" in message


def translate_error(exc: BaseException, *, key: str, email: str | None) -> SourceError | None:
    """A Vietnamese `SourceError` for a failure talking to Google, or None for a programming error.

    Messages name the fix; they never include tokens or key material (only the service account's email,
    which users need in order to share the sheet).
    """
    who = f"«{email}»" if email else "của ứng dụng"
    if isinstance(exc, APIError):
        code = http_status(exc)
        if code == 404:
            return SourceNotFound(
                f"Không tìm thấy bảng tính Google có mã «{key}». Kiểm tra lại đường dẫn hoặc mã bảng tính trong "
                "cấu hình «source» (hoặc biến CCHC_SOURCE): hãy sao chép nguyên đường dẫn từ trình duyệt."
            )
        if code == 403 and _is_service_disabled(exc):
            return SourceAccessDenied(
                "Google Sheets API chưa được bật cho dự án Google Cloud của tài khoản dịch vụ. Vào Google Cloud "
                "Console → «API và dịch vụ» → «Thư viện», tìm «Google Sheets API», bấm «Bật», đợi vài phút "
                "rồi tải lại trang."
            )
        if code == 403:
            return SourceAccessDenied(
                f"Tài khoản dịch vụ {who} chưa được chia sẻ bảng tính này. Mở bảng tính → nút «Chia sẻ» → thêm "
                "địa chỉ email đó với quyền «Người chỉnh sửa» (để ứng dụng ghi được báo cáo), rồi tải lại trang."
            )
        if code == 401:
            return CredentialsInvalid(
                "Google không chấp nhận thông tin xác thực của tài khoản dịch vụ. Kiểm tra mục "
                "[gcp_service_account] trong .streamlit/secrets.toml."
            )
        if code == 429:
            return SourceUnavailable(
                "Google Sheets đang tạm giới hạn số lượt truy cập (vượt hạn mức). Đã thử lại nhưng chưa được; "
                "thường chỉ cần đợi khoảng một phút rồi làm mới."
            )
        if code >= 500:
            return SourceUnavailable(
                f"Máy chủ Google Sheets đang gặp sự cố tạm thời (mã {code}). Đã thử lại nhưng chưa được; "
                "hãy làm mới sau ít phút."
            )
        return SourceError(
            f"Google Sheets từ chối yêu cầu (mã {code}). Kiểm tra tên các trang tính của bảng tính rồi thử lại."
        )
    if isinstance(exc, auth_exceptions.RefreshError):
        return CredentialsInvalid(
            "Google từ chối khoá của tài khoản dịch vụ (khoá đã bị xoá, bị thu hồi, hoặc đồng hồ máy chủ bị lệch "
            "giờ). Tạo khoá mới trong Google Cloud Console và cập nhật mục [gcp_service_account]."
        )
    if isinstance(exc, requests.Timeout):
        return SourceUnavailable(
            "Google Sheets không trả lời kịp (quá thời gian chờ). Kiểm tra kết nối mạng của máy chủ hoặc làm "
            "mới sau ít phút."
        )
    if isinstance(exc, (requests.ConnectionError, auth_exceptions.TransportError)):
        return SourceUnavailable("Không kết nối được tới Google Sheets. Kiểm tra kết nối mạng của máy chủ rồi thử lại.")
    if isinstance(exc, UnexpectedAnswer):
        return SourceError(
            "Google Sheets trả lời theo một dạng ứng dụng không hiểu (có thể do máy chủ trung gian hoặc Google "
            "đổi cách trả lời). Hãy làm mới sau ít phút; nếu vẫn vậy, báo cho người quản trị ứng dụng."
        )
    if isinstance(exc, ValueError):  # includes requests' JSONDecodeError on a garbled 200 answer
        return SourceUnavailable(
            "Google Sheets trả về dữ liệu không đọc được. Đây thường là lỗi tạm thời; hãy làm mới sau ít phút."
        )
    return None
