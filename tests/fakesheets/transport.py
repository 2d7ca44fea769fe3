"""The transport seam: a requests adapter that sends Google's hosts to the fake on loopback.

Mounted on the sessions `sheets.client.build_client` creates, so gspread and google-auth run unchanged
and speak real HTTP; only the destination differs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

GOOGLE_HOSTS = frozenset({"sheets.googleapis.com", "oauth2.googleapis.com", "www.googleapis.com"})


class LoopbackAdapter(HTTPAdapter):
    """Rewrite https://<google host>/path to http://127.0.0.1:<port>/path; leave loopback URLs alone."""

    def __init__(self, port: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.port = port

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        if parts.hostname in GOOGLE_HOSTS:
            request.url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
            request.headers["Host"] = f"127.0.0.1:{self.port}"
        return super().send(request, *args, **kwargs)
