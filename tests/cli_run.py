"""Running the command line in tests: in-process (`main(argv)`, output captured), as fast as a function call,
or once as a real process for the smoke test. Either way no `CCHC_*` variable of the machine and no secrets
file of the developer leaks in."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cli import reports
from tests.netguard import sitecustomize as netguard

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Done:
    """What a run of the command line left: its exit code and what it printed (like CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(extra: Mapping[str, str] | None) -> Iterator[None]:
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("CCHC_")]:
        del os.environ[key]
    os.environ.update(extra or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(*args: str, env: Mapping[str, str] | None = None, secrets: tuple[str, ...] = ()) -> Done:
    """`python -m reporting ARGS` in this process; `secrets` are the secrets files it may read (none)."""
    out, err = io.StringIO(), io.StringIO()
    saved_files = reports.SECRETS_FILES
    reports.SECRETS_FILES = secrets
    try:
        with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = reports.main(list(args))
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    finally:
        reports.SECRETS_FILES = saved_files
    return Done(int(code), out.getvalue(), err.getvalue())


def run_process(*args: str, module: str = "reporting") -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGS` as a real process (the smoke test), with the loopback guard in it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["PYTHONPATH"] = netguard.with_guard(str(ROOT))
    env["CCHC_TEST_NETGUARD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
