"""Build the one gspread client the app uses, from a service-account dict (the only place that does).

The dict is Google's JSON key as pasted into `[gcp_service_account]` of `.streamlit/secrets.toml`.
`adapter` is the transport seam: tests mount one that sends Google's hosts to the loopback fake, so
gspread and google-auth run unchanged, token exchange included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import gspread
import requests
from google.auth.exceptions import MalformedError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials
from requests.adapters import BaseAdapter

from reporting.errors import CredentialsInvalid
from sheets.retry import RetryingHTTPClient, RetryPolicy

SCOPES: tuple[str, ...] = ("https://www.googleapis.com/auth/spreadsheets",)
REQUIRED_FIELDS = ("type", "client_email", "private_key", "token_uri")

_FIX = (
    "Tải lại tệp khoá JSON của tài khoản dịch vụ từ Google Cloud Console (IAM và quản trị → Tài khoản dịch vụ "
    "→ Khoá → Thêm khoá) và chép đủ các trường vào mục [gcp_service_account] của .streamlit/secrets.toml."
)


_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
# https anywhere; plain http only to loopback (a local token endpoint: an emulator, the tests' fake).
_URL = re.compile(r"^(https://[A-Za-z0-9.-]+|http://(127\.0\.0\.1|localhost))(:\d+)?(/[A-Za-z0-9._~/%-]*)?$")


def normalise_service_account(info: Mapping[str, Any]) -> dict[str, Any]:
    """Check the key's shape and repair the usual paste damage, with a Vietnamese message when it can't.

    Messages name the field, never its value: key material pasted into the wrong field must not be echoed.
    `client_email` is checked to be an email because messages quote it (users share the sheet with it),
    and `token_uri` to be an https address because a library error would quote whatever is there.
    TOML and environment variables often turn the key's newlines into a literal backslash-n; Google's
    parser then fails with an unhelpful message, so the common case is repaired here.
    """
    data = dict(info)
    missing = [name for name in REQUIRED_FIELDS if not isinstance(data.get(name), str) or not data[name].strip()]
    if missing:
        raise CredentialsInvalid(f"Khoá tài khoản dịch vụ không hợp lệ: thiếu trường {', '.join(missing)}. {_FIX}")
    if data["type"].strip() != "service_account":
        raise CredentialsInvalid(
            "Khoá trong [gcp_service_account] không phải khoá tài khoản dịch vụ: trường type phải là "
            f"«service_account». {_FIX}"
        )
    if not _EMAIL.match(data["client_email"].strip()):
        raise CredentialsInvalid(
            f"Khoá tài khoản dịch vụ không hợp lệ: trường client_email không phải một địa chỉ email. {_FIX}"
        )
    if not _URL.match(data["token_uri"].strip()):
        raise CredentialsInvalid(
            f"Khoá tài khoản dịch vụ không hợp lệ: trường token_uri phải là một địa chỉ https://. {_FIX}"
        )
    for name in ("private_key_id", "client_id", "project_id"):
        if name in data and not isinstance(data[name], str):
            raise CredentialsInvalid(f"Khoá tài khoản dịch vụ không hợp lệ: trường {name} phải là chuỗi chữ. {_FIX}")
    key = data["private_key"]
    if "\\n" in key and "\n" not in key.strip():
        key = key.replace("\\n", "\n")
    data["private_key"] = key
    if "-----BEGIN" not in key or "PRIVATE KEY-----" not in key:
        raise CredentialsInvalid(
            "Khoá tài khoản dịch vụ không hợp lệ: trường private_key không chứa khoá riêng "
            f"(phải bắt đầu bằng «-----BEGIN PRIVATE KEY-----»). {_FIX}"
        )
    data["client_email"], data["token_uri"] = data["client_email"].strip(), data["token_uri"].strip()
    return data


class SheetsCredentials(Credentials):
    """Google's service-account credentials without the regional access boundary lookup.

    google-auth 2.62 starts a background request to iamcredentials.googleapis.com after every token
    refresh, with no timeout and its own retries, to learn the account's allowed locations; it has no
    public setting to turn that off. This app calls only the global Sheets endpoint and needs no such
    header, so it asks nothing of a third Google service: the predicate google-auth consults says no.
    A test checks that no lookup reaches the fake server after a token exchange.
    """

    def _is_regional_access_boundary_lookup_required(self) -> bool:
        return False


def credentials_from_info(info: Mapping[str, Any], scopes: Sequence[str] = SCOPES) -> Credentials:
    data = normalise_service_account(info)
    try:
        return SheetsCredentials.from_service_account_info(data, scopes=list(scopes))
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
    # Injected the way gspread means it: Client builds its HTTP client from the class (here with our policy).
    return gspread.Client(auth=creds, session=session, http_client=RetryingHTTPClient.with_policy(policy))


def retrying_http(client: gspread.Client) -> RetryingHTTPClient:
    """The client's HTTP layer, which `build_client` made a `RetryingHTTPClient`: its budget and policy."""
    http = client.http_client
    if not isinstance(http, RetryingHTTPClient):
        raise TypeError("a Google source needs a client made by sheets.client.build_client")
    return http


def service_account_email(client: gspread.Client) -> str | None:
    """The service account's email (not a secret: it is what users share the sheet with)."""
    auth = retrying_http(client).auth
    return auth.service_account_email if isinstance(auth, Credentials) else None
