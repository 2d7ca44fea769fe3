"""`make run`'s launcher: `streamlit run app.py`, with the first visitor's slow work done before the server
answers.

A plain `streamlit run` starts answering at once and leaves everything to the first session: importing
pandas, Altair, pyarrow and the app's modules, reading and parsing the workbook or the Google Sheet, the
first figures and chart specs. That visitor waits about two seconds more than the next. Here the server
first runs the app once in a session of its own, with nobody connected (what Streamlit's own
`/_stcore/script-health-check` does), so the imports are done and the read and figures are in the loader's
caches when the port opens. In sign-in mode that run stops at the sign-in page, so the data is read for the
loader's cache directly. The read stays cached for `cache_ttl_seconds` like any other (60 s by default): a
visitor who comes later waits for a new read, as after «Làm mới», but never for the imports again.

Nothing of that run is sent anywhere. An error in the app's script is logged as it would be for a visitor;
serve.py's own messages name only the type of a failure (its text could quote a setting). A warm-up that
fails or outlasts `WARM_UP_TIMEOUT_SECONDS` never keeps the server from starting: the first visitor then
does the work and sees the real message.

Usage is `streamlit run`'s: `python serve.py [streamlit options] [-- app arguments]`, e.g.
`python serve.py --server.port 8502`. `streamlit run app.py` keeps working; it only skips the warm-up.
"""

from __future__ import annotations

import os
import signal
import sys


# Ctrl-C while Streamlit is still being imported (the first second of `make run`) or during the warm-up stops
# with one line instead of a traceback of whichever import it interrupted; set before any other import, and
# only when this file is the program (a test importing it keeps its own Ctrl-C). Streamlit sets its own
# handler when its server starts.
def _stop_quietly(_signal: int, _frame: object) -> None:
    print("\n  Đã dừng.", file=sys.stderr, flush=True)
    # At once, not by SystemExit: an object interrupted half-built (the warm-up's AppSession) would print a
    # traceback of its own as it is torn down. Nothing is left half-written: every file the app writes goes
    # to a temporary file first and is renamed into place.
    os._exit(130)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, _stop_quietly)

import asyncio  # noqa: E402
import contextlib  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

from streamlit.runtime.app_session import AppSession  # noqa: E402
from streamlit.runtime.script_data import ScriptData  # noqa: E402
from streamlit.runtime.state import SCRIPT_RUN_WITHOUT_ERRORS_KEY  # noqa: E402
from streamlit.web import bootstrap, cli  # noqa: E402
from streamlit.web.server import Server  # noqa: E402

APP = Path(__file__).resolve().parent / "app.py"
WARM_UP_TIMEOUT_SECONDS = 300.0  # a very large Google Sheet on a slow link; after that the server starts anyway

log = logging.getLogger("serve")
# Streamlit warns when a cache is used outside a session; the warm-up's own read is, on purpose.
CONTEXT_WARNING = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")


@contextlib.contextmanager
def outside_a_session() -> Iterator[None]:
    level = CONTEXT_WARNING.level
    CONTEXT_WARNING.setLevel(logging.ERROR)
    try:
        yield
    finally:
        CONTEXT_WARNING.setLevel(level)


def read_for_cache() -> bool:
    """The loader's first read, for when the warm run does not reach the data (sign-in mode); a cache hit
    otherwise. True when there is data to show."""
    import loader  # the app's own modules, imported here so the script's directory is on sys.path

    try:
        with outside_a_session():
            loader.load(loader.configuration().settings)
    except Exception as exc:  # a bad setting or a source that is down: the first visitor is told what
        log.warning("warm-up: no data read before start (%s)", type(exc).__name__)
        return False
    return True


async def run_app_once(server: Server, timeout: float = WARM_UP_TIMEOUT_SECONDS) -> bool:
    """Run the app's script once in a session nobody is connected to; True when it ran without an error
    within `timeout` seconds (a stop on the sign-in or configuration page counts as running)."""
    runtime = server._runtime  # the Runtime the server will start; its caches are the ones sessions use
    session = AppSession(
        script_data=ScriptData(server.main_script_path, is_hello=False),
        uploaded_file_manager=runtime.uploaded_file_mgr,
        script_cache=runtime._script_cache,
        message_enqueued_callback=lambda: None,  # nobody to send to: the messages are dropped with the session
        user_info={},
    )
    try:
        session.request_rerun(None)
        deadline = time.perf_counter() + timeout
        while SCRIPT_RUN_WITHOUT_ERRORS_KEY not in session.session_state:
            if time.perf_counter() > deadline:
                return False
            await asyncio.sleep(0.02)
        return session.session_state[SCRIPT_RUN_WITHOUT_ERRORS_KEY] is True
    finally:
        session.shutdown()


class WarmServer(Server):
    """Streamlit's server, which runs the app once before it starts listening."""

    async def start(self) -> None:
        print("  Đang chạy thử trang đầu trước khi mở cổng…", flush=True)
        begin = time.perf_counter()
        ready = False
        try:
            if await run_app_once(self):
                left = WARM_UP_TIMEOUT_SECONDS - (time.perf_counter() - begin)
                # Within what is left of the one deadline: a read that hangs must not keep the port closed.
                ready = await asyncio.wait_for(asyncio.to_thread(read_for_cache), timeout=max(left, 1.0))
        except TimeoutError:
            log.warning("warm-up: longer than %.0f s; starting without it", WARM_UP_TIMEOUT_SECONDS)
        except Exception as exc:  # never keep the app from starting: the first visitor does the work instead
            log.warning("warm-up failed (%s); the first visitor's page does the work", type(exc).__name__)
        seconds = time.perf_counter() - begin
        if ready:
            print(f"  Đã chạy thử trang đầu và đọc dữ liệu trong {seconds:.1f} s.", flush=True)
        else:
            print("  Chạy thử trang đầu không trọn vẹn: người mở trang đầu tiên sẽ thấy lý do.", flush=True)
        await super().start()


def main(argv: list[str]) -> None:
    bootstrap.Server = WarmServer  # type: ignore[misc]  # bootstrap.run builds the server by this name
    cli.main(["run", str(APP), *argv], standalone_mode=True)


if __name__ == "__main__":
    main(sys.argv[1:])
