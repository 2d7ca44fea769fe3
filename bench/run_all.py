"""`make bench`: run every benchmark in turn and print their Markdown tables.

The Google comparison needs its own venv (st-gsheets-connection pins gspread<6); it is created here on
first use from bench/requirements-gsheets.txt.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GSHEETS_VENV = ROOT / "bench" / ".venv-gsheets"


def ensure_gsheets_venv() -> None:
    if (GSHEETS_VENV / "bin" / "python").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(GSHEETS_VENV)], check=True)
    subprocess.run(
        [
            str(GSHEETS_VENV / "bin" / "pip"),
            "install",
            "--quiet",
            "-r",
            str(ROOT / "bench" / "requirements-gsheets.txt"),
        ],
        check=True,
    )


def main() -> int:
    ensure_gsheets_venv()
    failures = 0
    modules = (
        "bench.foundation",
        "bench.parse_scale",
        "bench.google_refresh",
        "bench.google_restart",
        "bench.xlsx_read",
        "bench.export",
        "bench.dashboard",
        "bench.first_paint",
        "bench.xlsx_append",
    )
    for module in modules:
        print(f"\n### {module}\n", flush=True)
        failures += subprocess.run([sys.executable, "-m", module], cwd=ROOT).returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
