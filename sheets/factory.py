"""Open a Google source from a source string plus a service-account dict, once per process.

`sheets.open.open_source` calls `open_google_source` on every read. Building a client costs a token
exchange and a new source costs a metadata request, so both are kept per (spreadsheet, key) and reused:
a warm refresh stays one request. The CLI finds the service account with `load_service_account`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from requests.adapters import BaseAdapter

from reporting.config import ConfigError, load_secrets_files
from reporting.errors import CredentialsInvalid
from reporting.redact import REDACTOR, secret_values
from sheets.client import build_client
from sheets.google import GoogleSheetSource, spreadsheet_key
from sheets.retry import RetryPolicy
from sheets.tab_list import TabList

SECRETS_PATH = Path(".streamlit") / "secrets.toml"
SECTION = "gcp_service_account"
_NO_ACCOUNT = (
    "Chưa cấu hình tài khoản dịch vụ Google: thêm mục [gcp_service_account] (nội dung tệp khoá JSON) vào "
    ".streamlit/secrets.toml, hoặc đặt biến GOOGLE_APPLICATION_CREDENTIALS trỏ tới tệp khoá khi dùng dòng lệnh."
)

_sources: dict[tuple[str, str, int], GoogleSheetSource] = {}
# Where the tab lists of the spreadsheets seen are kept (beside the last good snapshots); tests point it
# at a temporary folder.
tab_list = TabList()
_lock = threading.Lock()


def _account_fingerprint(info: Mapping[str, Any]) -> str:
    # The cache key must not hold the key itself: a digest of it is enough to tell accounts apart.
    material = f"{info.get('client_email')}|{info.get('private_key_id')}|{info.get('private_key')}"
    return hashlib.sha256(material.encode()).hexdigest()


def open_google_source(
    source: str,
    service_account: Mapping[str, Any] | None,
    clock: Callable[[], datetime] | None = None,
    *,
    adapter: BaseAdapter | None = None,
    policy: RetryPolicy | None = None,
) -> GoogleSheetSource:
    """The (shared) Google source for `source`, a URL or key; raises `SourceError` subclasses in Vietnamese."""
    if not service_account:
        raise CredentialsInvalid(_NO_ACCOUNT)
    key = (spreadsheet_key(source), _account_fingerprint(service_account), id(adapter) if adapter else 0)
    with _lock:
        opened = _sources.get(key)
        if opened is None:
            client = build_client(service_account, adapter=adapter, policy=policy)
            opened = _sources[key] = GoogleSheetSource(source, client, clock=clock, tab_list=tab_list)
        elif clock is not None:
            opened._clock = clock  # the loader's clock may be replaced (CCHC_NOW in tests and demos)
        return opened


def forget_sources() -> None:
    """Drop the shared sources (after the secrets change)."""
    with _lock:
        _sources.clear()


def load_key_file(path: str | Path | None = None) -> dict[str, Any] | None:
    """A service-account key file: `path`, else GOOGLE_APPLICATION_CREDENTIALS; None when neither is given."""
    candidate = path or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if not candidate:
        return None
    try:
        data = json.loads(Path(candidate).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CredentialsInvalid(
            f"Không đọc được tệp khoá tài khoản dịch vụ «{Path(candidate).name}» ({type(exc).__name__})."
        ) from None
    if not isinstance(data, dict):
        raise CredentialsInvalid("Tệp khoá tài khoản dịch vụ không phải một đối tượng JSON của Google Cloud.")
    REDACTOR.remember(secret_values({"gcp_service_account": data}))
    return data


def load_service_account(
    path: str | Path | None = None, secrets_path: str | Path = SECRETS_PATH
) -> dict[str, Any] | None:
    """For the command line: a key file (argument or GOOGLE_APPLICATION_CREDENTIALS), else the secrets file,
    read as strictly as the app reads it (a file that does not parse is an error, never "no key")."""
    from_file = load_key_file(path)
    if from_file is not None:
        return from_file
    try:
        data = load_secrets_files([str(secrets_path)])
    except ConfigError as exc:
        raise CredentialsInvalid(" ".join(exc.problems)) from None
    section = (data or {}).get(SECTION)
    return dict(section) if isinstance(section, dict) else None


def service_account_from_environment() -> dict[str, Any] | None:
    """`load_service_account()` with the defaults: GOOGLE_APPLICATION_CREDENTIALS, then the secrets file."""
    return load_service_account()
