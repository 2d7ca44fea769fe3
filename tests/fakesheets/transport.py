"""The transport seam: a requests adapter that sends Google's hosts to the fake on loopback.

Mounted on the sessions `sheets.client.build_client` creates, so gspread and google-auth run unchanged
and speak real HTTP; only the destination differs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

GOOGLE_DOMAINS = ("googleapis.com", "google.com", "googleusercontent.com", "gstatic.com")


def is_google(host: str | None) -> bool:
    """Every host gspread or google-auth may call: Sheets, the token endpoint, iamcredentials (the
    regional access boundary lookup), accounts… — all of them go to the fake, none is looked up."""
    host = (host or "").lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in GOOGLE_DOMAINS)


class LoopbackAdapter(HTTPAdapter):
    """Rewrite https://<any Google host>/path to http://127.0.0.1:<port>/path; leave loopback URLs alone.

    The fake records the host each request was meant for (`X-Fake-Original-Host`), so a test can see
    which Google services the client tried to reach."""

    def __init__(self, port: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.port = port

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        if is_google(parts.hostname):
            request.url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
            request.headers["Host"] = f"127.0.0.1:{self.port}"
            request.headers["X-Fake-Original-Host"] = parts.hostname or ""
        return super().send(request, *args, **kwargs)
