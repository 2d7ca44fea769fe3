"""Driver for streamlit's st-gsheets-connection, run by `bench/google_refresh.py` inside bench/.venv-gsheets.

st-gsheets-connection pins gspread<6, so it lives in its own venv. It is configured the way its README
says, through `[connections.gsheets]` in `.streamlit/secrets.toml` (written to a temporary folder), and
read the way a dashboard over many tabs would: `conn.read(worksheet=tab)` for every tab. `ttl=0`, so
each refresh really reads (with the default ttl of an hour a refresh would show hour-old data).
The only change: the same loopback adapter as our tests is mounted on gspread's session, so its calls
go to the fake server; google-auth's token exchange goes to the fake's `token_uri` as it is.

Usage: python gsheets_conn_driver.py PORT SPREADSHEET_URL SERVICE_ACCOUNT_JSON TABS_JSON REPO_ROOT
Prints one JSON line: seconds and Sheets requests of a cold and a warm refresh.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    port, url, account_path, tabs_json, repo = sys.argv[1:6]
    sys.path.insert(0, repo)  # only for tests.fakesheets.transport (requests + stdlib)
    import requests

    from tests.fakesheets.transport import LoopbackAdapter

    account = json.loads(Path(account_path).read_text())
    tabs = json.loads(tabs_json)
    home = Path(tempfile.mkdtemp(prefix="gsheets-bench-"))
    (home / ".streamlit").mkdir()
    lines = ["[connections.gsheets]", f'spreadsheet = "{url}"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in account.items()]
    (home / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n")
    os.chdir(home)

    import streamlit as st
    from streamlit_gsheets import GSheetsConnection

    def count() -> int:
        return requests.get(f"http://127.0.0.1:{port}/_fake/count", timeout=5).json()["api"]

    def refresh(conn: GSheetsConnection) -> dict:
        return {tab: conn.read(worksheet=tab, ttl=0) for tab in tabs}

    base = count()
    start = time.perf_counter()
    conn = st.connection("gsheets", type=GSheetsConnection)
    conn._instance._client.session.mount("https://", LoopbackAdapter(int(port)))
    frames = refresh(conn)
    cold = time.perf_counter() - start
    after_cold = count()
    start = time.perf_counter()
    refresh(conn)
    warm = time.perf_counter() - start
    after_warm = count()
    rows = sum(len(frame.dropna(how="all")) for frame in frames.values())
    print(
        json.dumps(
            {
                "cold_s": cold,
                "warm_s": warm,
                "cold_requests": after_cold - base,
                "warm_requests": after_warm - after_cold,
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
