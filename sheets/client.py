"""Build the one gspread client the app uses, from a service-account dict (the only place that does).

The dict is Google's JSON key as pasted into `[gcp_service_account]` of `.streamlit/secrets.toml`.
`adapter` is the transport seam: tests mount one that sends Google's hosts to the loopback fake, so
gspread and google-auth run unchanged, token exchange included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gspread
import requests
from google.auth.exceptions import MalformedError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials
from requests.adapters import BaseAdapter

from sheets.errors import CredentialsInvalid
from sheets.retry import RetryingHTTPClient, RetryPolicy

SCOPES: tuple[str, ...] = ("https://www.googleapis.com/auth/spreadsheets",)
REQUIRED_FIELDS = ("type", "client_email", "private_key", "token_uri")

_FIX = (
    "Tải lại tệp khoá JSON của tài khoản dịch vụ từ Google Cloud Console (IAM và quản trị → Tài khoản dịch vụ "
    "→ Khoá → Thêm khoá) và chép đủ các trường vào mục [gcp_service_account] của .streamlit/secrets.toml."
)


def normalise_service_account(info: Mapping[str, Any]) -> dict[str, Any]:
    """Check the key's shape and repair the usual paste damage, with a Vietnamese message when it can't.

    TOML and environment variables often turn the key's newlines into a literal backslash-n; Google's
    parser then fails with an unhelpful message, so the common case is repaired here.
    """
    data = dict(info)
    missing = [name for name in REQUIRED_FIELDS if not data.get(name)]
    if missing:
        raise CredentialsInvalid(f"Khoá tài khoản dịch vụ không hợp lệ: thiếu trường {', '.join(missing)}. {_FIX}")
    if data["type"] != "service_account":
        raise CredentialsInvalid(
            f"Khoá trong [gcp_service_account] không phải khoá tài khoản dịch vụ (type = «{data['type']}»). {_FIX}"
        )
    key = str(data["private_key"])
    if "\\n" in key and "\n" not in key.strip():
        key = key.replace("\\n", "\n")
    data["private_key"] = key
    if "-----BEGIN" not in key or "PRIVATE KEY-----" not in key:
        raise CredentialsInvalid(
            "Khoá tài khoản dịch vụ không hợp lệ: trường private_key không chứa khoá riêng "
            f"(phải bắt đầu bằng «-----BEGIN PRIVATE KEY-----»). {_FIX}"
        )
    return data


def credentials_from_info(info: Mapping[str, Any], scopes: Sequence[str] = SCOPES) -> Credentials:
    data = normalise_service_account(info)
    try:
        return Credentials.from_service_account_info(data, scopes=list(scopes))
    except (ValueError, MalformedError, TypeError, KeyError) as exc:
        # The library's message may quote part of the key: only the exception type is kept.
        raise CredentialsInvalid(
            f"Khoá tài khoản dịch vụ không hợp lệ: không đọc được private_key ({type(exc).__name__}). {_FIX}"
        ) from None


def build_client(
    info: Mapping[str, Any],
    *,
    adapter: BaseAdapter | None = None,
    policy: RetryPolicy | None = None,
    scopes: Sequence[str] = SCOPES,
) -> gspread.Client:
    """A gspread client for the service account `info`, with bounded retries.

    `adapter`, when given, is mounted for https:// on both the API session and the session google-auth
    uses for its token exchange.
    """
    creds = credentials_from_info(info, scopes)
    token_session = requests.Session()
    session = AuthorizedSession(creds, auth_request=Request(token_session))
    if adapter is not None:
        for target in (token_session, session):
            target.mount("https://", adapter)
            target.mount("http://", adapter)
    client = gspread.Client(auth=creds, session=session)
    client.http_client = RetryingHTTPClient(creds, session, policy)
    return client


def service_account_email(client: gspread.Client) -> str | None:
    """The service account's email (not a secret: it is what users share the sheet with)."""
    auth = getattr(client.http_client, "auth", None)
    return getattr(auth, "service_account_email", None)
