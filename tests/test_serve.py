"""`serve.py`, `make run`'s launcher: the app's script runs once in the server's own process before the port
opens (so the first visitor finds the imports done and the data in the loader's caches), and a warm-up that
fails never keeps the app from starting or prints what a setting holds.

Each case runs in a process of its own: a Streamlit server owns the process's one Runtime.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import IO

from tests.test_browser import _free_port, _wait_healthy

ROOT = Path(__file__).resolve().parent.parent

RUN_ONCE = """
import asyncio, sys
sys.path.insert(0, {root!r})
import serve
from streamlit.web.server import Server

server = Server({script!r}, is_hello=False)
print("ran without error:", asyncio.run(serve.run_app_once(server, timeout={timeout})))
if {twice}:  # a second session, as the first visitor's
    print("again:", asyncio.run(serve.run_app_once(server, timeout={timeout})))
import os
import signal
print("pid:", os.getpid())
"""


def _run_once(tmp_path: Path, script_body: str, timeout: float = 60, twice: bool = False) -> str:
    script = tmp_path / "page.py"
    script.write_text(textwrap.dedent(script_body), encoding="utf-8")
    code = RUN_ONCE.format(root=str(ROOT), script=str(script), timeout=timeout, twice=twice)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_warm_up_runs_the_script_in_the_server_process(tmp_path: Path) -> None:
    """The script runs in the server's process before any session exists, and what it caches is what the
    next session finds: the cached function ran once for two runs."""
    out = _run_once(
        tmp_path,
        f"""
        import os
        import streamlit as st

        @st.cache_resource
        def expensive():
            with open({str(tmp_path / "runs.txt")!r}, "a") as f:
                f.write(str(os.getpid()) + "\\n")
            return 42

        st.title("Trang thử")
        st.write(expensive())
        """,
        twice=True,
    )
    assert "ran without error: True" in out and "again: True" in out
    pid = out.split("pid:")[1].split()[0]
    assert (tmp_path / "runs.txt").read_text().split() == [pid]  # once, and in the server's process


def test_a_script_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    out = _run_once(tmp_path, 'raise ValueError("hỏng")\n')
    assert "ran without error: False" in out


def test_a_script_that_outlasts_the_deadline_is_given_up(tmp_path: Path) -> None:
    began = time.monotonic()
    out = _run_once(tmp_path, "import time\ntime.sleep(60)\n", timeout=1)
    assert "ran without error: False" in out
    assert time.monotonic() - began < 45  # given up after its second, not after the script's minute


def _launch(tmp_path: Path, port: int, out: IO[str], *options: str) -> subprocess.Popen:
    """`python -u serve.py` on the demo (written to `tmp_path`) at `port`, its console into `out`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["CCHC_NOW"] = "2024-01-10T09:00"
    env["CCHC_DEMO_PATH"] = str(tmp_path / "demo-2023.xlsx")
    command = [sys.executable, "-u", "serve.py", "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false", *options]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _serve(tmp_path: Path, *options: str) -> str:
    """`python serve.py` on the demo until it is healthy; its console output."""
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = _launch(tmp_path, port, out, *options)
        try:
            _wait_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text, text[-3000:]
    return text


def test_the_server_opens_its_port_after_the_warm_up(tmp_path: Path) -> None:
    text = _serve(tmp_path, "--secrets.files", str(tmp_path / "no-secrets.toml"))
    said = text.index("Đã chạy thử trang đầu và đọc dữ liệu trong")
    assert said < text.index("Uvicorn server started")  # before the port opened
    assert (tmp_path / "demo-2023.xlsx").exists()  # the demo workbook was read (written on first use)


def test_the_app_starts_after_a_warm_up_that_cannot_read_its_settings(tmp_path: Path) -> None:
    """Secrets that do not parse: the server still answers (the first visitor reads the Vietnamese message on
    the page, tests/test_browser_hostile.py), and no part of the file reaches the console."""
    broken = tmp_path / "secrets.toml"
    secret = "mat-khau-khong-duoc-lo-9f3a"
    broken.write_text(f'[smtp]\npassword = "{secret}"\nthis is not toml = = =\n', encoding="utf-8")
    text = _serve(tmp_path, "--secrets.files", str(broken))
    assert "Chạy thử trang đầu không trọn vẹn" in text  # the warm-up said it could not read
    assert secret not in text


def _importing_past_the_handler(pid: int) -> bool:
    """Whether process `pid` (serve.py) is past setting its SIGINT handler: the first import after it, asyncio,
    has loaded its C part (Python's own handler is set before site.py, so the signal mask cannot tell)."""
    return "_asyncio" in Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")


def _interrupted(tmp_path: Path, wait_for: str | None) -> tuple[int, str]:
    """`python serve.py` stopped with Ctrl-C (SIGINT) as soon as its own handler is set (Streamlit still being
    imported), or once `wait_for` is printed; its exit code and console output."""
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = _launch(tmp_path, _free_port(), out, "--secrets.files", str(tmp_path / "no-secrets.toml"))
        try:
            deadline = time.monotonic() + 60
            if wait_for is None:  # serve.py's handler is in place; Streamlit's import (a second or more) has begun
                while not _importing_past_the_handler(proc.pid) and time.monotonic() < deadline:
                    time.sleep(0.002)
                assert "URL:" not in log.read_text(encoding="utf-8"), "the server started before the signal"
            else:
                while wait_for not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
                    time.sleep(0.01)
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return code, log.read_text(encoding="utf-8")


def test_ctrl_c_while_streamlit_is_imported_stops_without_a_traceback(tmp_path: Path) -> None:
    code, text = _interrupted(tmp_path, None)
    assert code == 130
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert "Đã dừng." in text


def test_ctrl_c_during_the_warm_up_stops_without_a_traceback(tmp_path: Path) -> None:
    code, text = _interrupted(tmp_path, "Đang chạy thử trang đầu")
    assert code == 130
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert "Đã dừng." in text and "URL:" not in text  # stopped before the port opened
