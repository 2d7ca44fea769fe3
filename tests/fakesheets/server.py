"""The fake Sheets API v4 server: routing, OAuth token exchange, request counting and fault injection.

A stdlib `ThreadingHTTPServer` on 127.0.0.1 with keep-alive, so gspread's session behaves as it does
against Google. Faults are queued per operation and consumed as requests arrive.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakesheets import keys
from tests.fakesheets.model import ApiError, Cell, Sheet, Spreadsheet, parse_input, to_serial
from tests.fakesheets.transport import LoopbackAdapter

SERVICE_DISABLED_MESSAGE = (
    "Google Sheets API has not been used in project 123456789 before or it is disabled. Enable it by "
    "visiting https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789 "
    "then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our "
    "systems and retry."
)


@dataclass
class Fault:
    """One injected failure. `op` limits it to an operation (e.g. "values.batchGet"); None: any API call.

    kinds: "status" (answer `status`, with Retry-After if given), "slow" (hold the answer for `delay`
    seconds, past the client's timeout), "malformed" (a body that is not JSON), "drop" (apply the request,
    then close the connection without answering: the ambiguous failure appends must survive), "late"
    (close the connection without answering and apply the request only just before the `after`-th API
    request that follows: Google finishing a request after its caller gave up on it).
    """

    kind: str
    status: int | None = None
    op: str | None = None
    times: int | None = 1
    retry_after: str | None = None
    delay: float = 5.0
    body: dict[str, Any] | None = None
    after: int = 2


@dataclass(frozen=True)
class Recorded:
    op: str
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    host: str = ""  # the Google host the client meant (the adapter's X-Fake-Original-Host)


_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_STATUS_MESSAGES = {
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
    "of service 'sheets.googleapis.com' for consumer 'project_number:123456789'.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}


def seed_cell(value: Any) -> Cell | None:
    """A cell as a person would have typed it: dates become serials with a dd/mm/yyyy format."""
    if isinstance(value, datetime):
        return Cell(to_serial(value), number_format={"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm:ss"})
    if isinstance(value, date):
        return Cell(to_serial(value), number_format={"type": "DATE", "pattern": "dd/mm/yyyy"})
    if isinstance(value, str) and value.startswith("="):
        return parse_input(value, "USER_ENTERED")
    return parse_input(value, "RAW")


class FakeSheetsServer:
    """The fake. Use as a context manager, or call `start()` and `stop()`."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.late: list[list[Any]] = []  # [requests still to come, the request] of "late" faults
        self.api_enabled = True
        self.latency = 0.0  # seconds every Sheets API answer waits (a round trip to Google); tokens none
        self.lock = threading.RLock()
        self._public_keys: dict[str, Any] = {}
        self._tokens: dict[str, str] = {}
        self._release = threading.Event()
        self._next_sheet_id = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeSheetsServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-sheets", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeSheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def token_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def adapter(self) -> LoopbackAdapter:
        return LoopbackAdapter(self.port)

    # ---- accounts and data ------------------------------------------------------------------------
    def service_account(self, email: str = keys.DEFAULT_EMAIL, label: str = "default") -> dict[str, Any]:
        """A service-account dict whose key the token endpoint trusts."""
        info = keys.service_account_info(self.token_uri, email=email, label=label)
        self.trust(info)
        return info

    def trust(self, info: dict[str, Any]) -> None:
        self._public_keys[info["client_email"]] = _public_key(info["private_key"])

    def create_spreadsheet(
        self,
        tabs: dict[str, Iterable[Iterable[Any]]] | None = None,
        *,
        title: str = "CCHC 2023",
        spreadsheet_id: str | None = None,
        shared_with: Iterable[str] | None = None,
        rows: int = 1000,
        cols: int = 26,
    ) -> Spreadsheet:
        """A spreadsheet holding `tabs` (title -> rows of Python values); an empty one has `Sheet1`."""
        sid = spreadsheet_id or "1" + secrets.token_urlsafe(30).replace("-", "x").replace("_", "y")[:43]
        book = Spreadsheet(sid, title, [], shared_with=set(shared_with) if shared_with is not None else None)
        for index, (name, data) in enumerate((tabs or {"Sheet1": []}).items()):
            sheet = Sheet(self._sheet_id(index), name, index, row_count=rows, column_count=cols)
            for r, row in enumerate(data):
                for c, value in enumerate(row):
                    cell = seed_cell(value)
                    if cell is not None:
                        sheet.put(r, c, cell)
            book.sheets.append(sheet)
        with self.lock:
            self.spreadsheets[sid] = book
        return book

    def _sheet_id(self, index: int) -> int:
        if index == 0:
            return 0
        self._next_sheet_id += 1
        return 100_000 + self._next_sheet_id * 7_919

    # ---- counting and faults ------------------------------------------------------------------------
    def count(self, op: str | None = None) -> int:
        """Requests received: Sheets API calls by default (token exchanges excluded), or one `op`."""
        with self.lock:
            if op is None:
                return sum(1 for r in self.requests if r.op not in ("token", "allowedLocations"))
            return sum(1 for r in self.requests if r.op == op)

    def reset_counts(self) -> None:
        with self.lock:
            self.requests.clear()

    def inject(self, kind: str, **kwargs: Any) -> Fault:
        fault = Fault(kind, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def apply_late_requests(self) -> None:
        """Count down the "late" requests held back; apply those whose turn has come."""
        with self.lock:
            due = []
            for pending in self.late:
                pending[0] -= 1
                if pending[0] <= 0:
                    due.append(pending)
            for pending in due:
                self.late.remove(pending)
        for _, request in due:
            with contextlib.suppress(ApiError):
                self.dispatch(*request)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()
            self.late.clear()
        self._release.set()  # let any held "slow" answer go
        self._release = threading.Event()

    def take_fault(self, op: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.op is None and op == "token":
                    continue
                if fault.op is None or fault.op == op:
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    # ---- token endpoint -------------------------------------------------------------------------------
    def issue_token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type", [""])[0] != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type."}
        assertion = form.get("assertion", [""])[0]
        try:
            head, payload, signature = assertion.split(".")
            claims = json.loads(_b64(payload))
            public = self._public_keys[claims["iss"]]
            assert isinstance(public, rsa.RSAPublicKey)
            public.verify(_b64(signature), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, KeyError, InvalidSignature, AssertionError):
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self.lock:
            self._tokens[token] = claims["iss"]
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def caller(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return self._tokens.get(authorization[len("Bearer ") :])

    # ---- the API ------------------------------------------------------------------------------------
    def dispatch(
        self, op: str, sid: str, rng: str | None, method: str, query: dict[str, list[str]], body: Any, caller: str
    ) -> dict[str, Any]:
        if not self.api_enabled:
            raise _service_disabled()
        with self.lock:
            book = self.spreadsheets.get(sid)
            if book is None:
                raise ApiError(404, "NOT_FOUND", _STATUS_MESSAGES[404])
            if book.shared_with is not None and caller not in book.shared_with:
                raise ApiError(403, "PERMISSION_DENIED", _STATUS_MESSAGES[403])
            first = {k: v[0] for k, v in query.items() if v}
            value_option = first.get("valueRenderOption", "FORMATTED_VALUE")
            date_option = first.get("dateTimeRenderOption", "SERIAL_NUMBER")
            major = first.get("majorDimension", "ROWS")
            if op == "metadata":
                if first.get("includeGridData") == "true" and query.get("ranges"):
                    return book.grid_data(query["ranges"])
                return book.metadata()
            if op == "values.get":
                return book.values(rng or "", value_option, date_option, major)
            if op == "values.batchGet":
                ranges = query.get("ranges", [])
                return {
                    "spreadsheetId": sid,
                    "valueRanges": [book.values(r, value_option, date_option, major) for r in ranges],
                }
            option = first.get("valueInputOption", "")
            if op == "values.batchUpdate":
                option = (body or {}).get("valueInputOption", option)
            if op in ("values.update", "values.append", "values.batchUpdate") and option not in (
                "RAW",
                "USER_ENTERED",
            ):
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
            if op == "values.update":
                return book.update(rng or "", (body or {}).get("values"), option)
            if op == "values.append":
                insert = first.get("insertDataOption", "OVERWRITE")
                return book.append(rng or "", (body or {}).get("values"), option, insert)
            if op == "values.clear":
                return book.clear(rng or "")
            if op == "values.batchUpdate":
                responses = [book.update(d["range"], d.get("values"), option) for d in body.get("data", [])]
                return {
                    "spreadsheetId": sid,
                    "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                    "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                    "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                    "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
                    "responses": responses,
                }
            if op == "batchUpdate":
                return book.batch_update((body or {}).get("requests", []), caller)
        raise ApiError(404, "NOT_FOUND", f"Unknown method {method} {op}")


def _service_disabled() -> ApiError:
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {"service": "sheets.googleapis.com", "consumer": "projects/123456789"},
        }
    ]
    return ApiError(403, "PERMISSION_DENIED", SERVICE_DISABLED_MESSAGE, details)


@functools.lru_cache(maxsize=8)
def _public_key(private_pem: str) -> Any:
    # Loading an RSA key validates it, which is slow enough to matter when every test does it.
    return serialization.load_pem_private_key(private_pem.encode(), password=None).public_key()


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def route(method: str, raw_path: str) -> tuple[str, str, str | None]:
    """(op, spreadsheet id, range) from a raw (still percent-encoded) path."""
    if raw_path == "/token":
        return "token", "", None
    if raw_path.startswith("/v1/projects/-/serviceAccounts/") and raw_path.endswith("/allowedLocations"):
        return "allowedLocations", "", None  # google-auth's regional access boundary lookup (iamcredentials)
    prefix = "/v4/spreadsheets/"
    if not raw_path.startswith(prefix):
        return "unknown", "", None
    rest = raw_path[len(prefix) :]
    sid, sep, tail = rest.partition("/")
    if not sep:
        if sid.endswith(":batchUpdate"):
            return "batchUpdate", sid[: -len(":batchUpdate")], None
        return "metadata", sid, None
    if tail in ("values:batchGet", "values:batchUpdate", "values:batchClear"):
        return "values." + tail.split(":")[1], sid, None
    if tail.startswith("values/"):
        # In the raw path a literal ':' can only be the method suffix: gspread percent-encodes ranges.
        encoded, _, suffix = tail[len("values/") :].partition(":")
        rng = unquote(encoded)
        if suffix == "append":
            return "values.append", sid, rng
        if suffix == "clear":
            return "values.clear", sid, rng
        return ("values.update" if method == "PUT" else "values.get"), sid, rng
    return "unknown", sid, None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSheetsServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle plus delayed ACK adds ~40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        if parts.path == "/_fake/count":  # for out-of-process benchmark drivers; not itself counted
            self._send(200, {"api": fake.count(), "token": fake.count("token")})
            return
        query = parse_qs(parts.query, keep_blank_values=True)
        op, sid, rng = route(method, parts.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with fake.lock:
            fake.requests.append(Recorded(op, method, parts.path, query, self.headers.get("X-Fake-Original-Host", "")))
        if op not in ("token", "allowedLocations"):
            fake.apply_late_requests()
            if fake.latency:
                time.sleep(fake.latency)
        fault = fake.take_fault(op)
        if fault is not None and fault.kind == "slow":
            fake._release.wait(fault.delay)
            fault = None
        if fault is not None and fault.kind == "status":
            status = fault.status or 500
            body = fault.body or {
                "error": {
                    "code": status,
                    "message": _STATUS_MESSAGES.get(status, "Error"),
                    "status": _STATUS_NAMES.get(status, "UNKNOWN"),
                }
            }
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._send(status, body, headers)
            return
        if fault is not None and fault.kind == "malformed":
            self._send_raw(fault.status or 200, b'{"spreadsheetId": "trunc')
            return
        if op == "token":
            status, body = fake.issue_token(parse_qs(raw.decode()))
            self._send(status, body)
            return
        caller = fake.caller(self.headers.get("Authorization"))
        if caller is None:
            self._send(
                401,
                {
                    "error": {
                        "code": 401,
                        "status": "UNAUTHENTICATED",
                        "message": (
                            "Request is missing required authentication credential. Expected OAuth 2 access token, "
                            "login cookie or other valid authentication credential."
                        ),
                    }
                },
            )
            return
        if op == "allowedLocations":  # what Google answers for an account without a boundary
            self._send(200, {"locations": [], "encodedLocations": "0x0"})
            return
        if fault is not None and fault.kind == "late":
            payload = json.loads(raw) if raw else None
            fake.late.append([fault.after, (op, unquote(sid), rng, method, query, payload, caller)])
            self.close_connection = True
            return
        try:
            payload = json.loads(raw) if raw else None
            result = fake.dispatch(op, unquote(sid), rng, method, query, payload, caller)
            status = 200
        except ApiError as err:
            result = err.body()
            status = err.code
        if fault is not None and fault.kind == "drop":
            self.close_connection = True  # applied, but the caller never hears back
            return
        self._send(status, result)

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        # Non-ASCII as \u escapes, as the recorded answers carry it (so a lone surrogate can travel, as it can
        # from Google).
        self._send_raw(status, json.dumps(body, indent=2).encode(), headers)

    def _send_raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout fault): nothing to tell it
