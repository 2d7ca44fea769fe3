"""A fake of the Google Sheets API v4 on 127.0.0.1, for tests and benchmarks.

`FakeSheetsServer` is a real HTTP server (stdlib) holding spreadsheets in memory. gspread reaches it
through `LoopbackAdapter`, a requests adapter that sends Google's hosts to the loopback port, and
google-auth does its real JWT token exchange against the fake's `/token` endpoint.
"""

from tests.fakesheets.keys import service_account_info
from tests.fakesheets.server import FakeSheetsServer
from tests.fakesheets.transport import LoopbackAdapter

__all__ = ["FakeSheetsServer", "LoopbackAdapter", "service_account_info"]
