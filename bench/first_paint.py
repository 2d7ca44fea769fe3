"""Benchmark: the dashboard's first full paint in Chromium against a one-chart Streamlit page (issue 15, goal 3).

Run: `.venv/bin/python bench/first_paint.py [--runs 7] [--warm 3] [--shell] [--plain] [--compare CHECKOUT]`. Prints Markdown for bench/README.md.

Two servers, started alternately in one run (the order swapped every round, so whatever else loads the
machine falls on both), each round a fresh process on a free loopback port:

- the floor: `streamlit run bench/floor_app.py`, a title and one Altair heatmap of the overview's size;
- with `--shell`, the shell floor: `streamlit run bench/shell_floor_app.py`, the same page inside the app's
  frame (navigation of six pages, the sidebar filters, the line above each page) with no data; the
  figures then also give app ÷ shell (what the overview's content costs over that frame);
- the app exactly as `make run` starts it (the command is taken from `make -n run`), on the demo workbook
  `data/demo-2023.xlsx`, with `CCHC_NOW=2024-01-10T09:00` and no other `CCHC_*` setting.
  `--plain` adds a third: `streamlit run app.py`, which must keep working without the launcher.
  `--compare CHECKOUT` adds `make run` of another checkout (say `git worktree add ../before HEAD~1`, with
  its own `data/demo-2023.xlsx`), for a before-and-after in the same run.

What is timed, the same way for every server (Playwright's sync API, Debian's headless Chromium):

- time to healthy: from starting the process until `/_stcore/health` answers 200 (polled every 10 ms).
  Work moved to the server's start is counted here, since health answers only after it;
- cold: from the moment health answered until the page is fully painted, in a new browser context (empty
  HTTP cache), on the server's first session;
- warm: a new tab in the same context (HTTP cache warm, a new Streamlit session, the previous tab
  closed first, as a reload does) until fully painted; `--warm` tabs per round.

"Fully painted" is checked on every animation frame inside the page (`wait_for_function(polling="raf")`,
not Playwright's expect, whose polls are up to a second apart): the floor, its `h1` and its one chart's
SVG marks; the overview, its `h1` («Tổng quan quý IV năm 2024»), all 8 KPI values (`.cchc-card-value`; `stMetricValue` in a checkout from before the static cards) and
each of its 3 charts (`stVegaLiteChart`) holding drawn marks (`svg g.mark-rect path`). Medians over the
rounds; the ratios are app ÷ floor. No request leaves loopback: Chromium resolves no name and sends
anything else to a closed loopback port.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench scripts run as plain files, outside pytest's pythonpath

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-domain-reliability",
    "--no-pings",
    "--dns-prefetch-disable",
    # The omnibox popup is a web page of Chromium's own (chrome://omnibox-popup.top-chrome) that every new tab
    # of this Chromium builds in a renderer of its own: about 1.7 s of CPU, on this 2-CPU machine while the
    # measured page draws. It is the browser's work, not the page's, so the benchmark turns it off for both servers.
    "--disable-features=DnsOverHttps,AsyncDns,OptimizationHints,MediaRouter,Translate,"
    "WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
    # Loopback only: no name is resolved, and anything not on loopback goes to a closed port.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
]
VIEWPORT = {"width": 1440, "height": 2400}  # a desk screen tall enough to hold all three overview charts
NOW = "2024-01-10T09:00"
TIMEOUT_MS = 120_000

# Evaluated in the page on every animation frame; `want` says what a full paint is for that page.
PAINTED = """want => {
  const main = document.querySelector("[data-testid='stMain']");
  const title = main && main.querySelector("h1");
  if (!title || title.textContent.trim() !== want.title) return false;
  if (main.querySelectorAll(want.values).length < want.metrics) return false;
  const charts = [...main.querySelectorAll("[data-testid='stVegaLiteChart']")];
  return charts.length >= want.charts && charts.every(c => c.querySelector("svg g.mark-rect path"));
}"""
FLOOR_PAINT = {"title": "Tổng quan", "values": "*", "metrics": 0, "charts": 1}
# The KPI values: the static cards' (components/static.py), or `st.metric`'s in a checkout from before them.
APP_PAINT = {
    "title": "Tổng quan quý IV năm 2024",
    "values": "[data-testid='stMetricValue'], .cchc-card-value",
    "metrics": 8,
    "charts": 3,
}


@dataclass
class Side:
    """One server to measure, and its figures so far."""

    name: str
    command: list[str]
    painted: dict[str, Any]
    cwd: Path = ROOT
    healthy: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_run_command(root: Path = ROOT) -> list[str]:
    """The server command of `make run` (its last line under `make -n`) in the checkout `root`, with
    `{port}` for the port."""
    lines = subprocess.run(
        ["make", "-s", "-n", "run", "PORT=PORTNUMBER", "ADDRESS=127.0.0.1"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()  # fmt: skip
    command = [part.replace("PORTNUMBER", "{port}") for part in shlex.split(lines[-1])]
    if command[0].endswith("/streamlit"):  # the console script; its shebang may name another copy of the venv
        command[:1] = [sys.executable, "-m", "streamlit"]
    elif command[0].endswith("/python"):
        command[0] = sys.executable
    return command


def ensure_demo() -> None:
    """The demo workbook `make run` writes before starting the server, if it is not there yet."""
    if not (ROOT / "data" / "demo-2023.xlsx").exists():
        subprocess.run(
            [sys.executable, "-m", "reporting", "demo", "--out", "data/demo-2023.xlsx"], cwd=ROOT, check=True
        )


def _wait_healthy(proc: subprocess.Popen, port: int) -> float:
    """The moment (perf_counter) `/_stcore/health` first answered 200."""
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return time.perf_counter()
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before it was healthy")
        time.sleep(0.01)


def _paint(context: Any, url: str, painted: dict[str, Any]) -> tuple[Any, float]:
    """A new tab on `url`; (the tab, seconds from now until `painted` holds)."""
    tab = context.new_page()
    begin = time.perf_counter()
    tab.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    tab.wait_for_function(PAINTED, arg=painted, polling="raf", timeout=TIMEOUT_MS)
    return tab, time.perf_counter() - begin


def measure(browser: Any, side: Side, warm_tabs: int, log_dir: Path) -> None:
    """One round of `side`: a fresh server, its cold first paint, then `warm_tabs` reloads."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["CCHC_NOW"] = NOW
    log = log_dir / f"{side.name.split()[0]}-{port}.log"
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    tab = context.new_page()  # opened before the server starts: the cold clock times the navigation only
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [part.format(port=port) for part in side.command],
            cwd=side.cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            healthy = _wait_healthy(proc, port)
            url = f"http://127.0.0.1:{port}/"
            tab.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            tab.wait_for_function(PAINTED, arg=side.painted, polling="raf", timeout=TIMEOUT_MS)
            cold = time.perf_counter() - healthy
            for _ in range(warm_tabs):
                tab.close()
                tab, seconds = _paint(context, url, side.painted)
                side.warm.append(seconds)
        finally:
            context.close()
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in text:
        raise RuntimeError(f"{side.name}: the server log holds a traceback:\n{text[-3000:]}")
    side.healthy.append(healthy - start)
    side.cold.append(cold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds per server (median of these); at least 5")
    parser.add_argument("--warm", type=int, default=3, help="warm reloads per round")
    parser.add_argument("--plain", action="store_true", help="also measure `streamlit run app.py`")
    parser.add_argument(
        "--shell", action="store_true", help="also measure the floor inside the app's navigation and sidebar"
    )
    parser.add_argument(
        "--compare", type=Path, metavar="CHECKOUT",
        help="also measure `make run` of another checkout of this project (a git worktree of an earlier commit)",
    )  # fmt: skip
    parser.add_argument("--verbose", action="store_true", help="print every figure as it comes")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    ensure_demo()
    streamlit = [sys.executable, "-m", "streamlit", "run"]
    flags = ["--server.address", "127.0.0.1", "--server.port", "{port}", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"]  # fmt: skip
    floor = Side("floor (one chart)", [*streamlit, "bench/floor_app.py", *flags], FLOOR_PAINT)
    app = Side("app (`make run`)", make_run_command(), APP_PAINT)
    sides = [floor, app]
    shell = Side("shell floor", [*streamlit, "bench/shell_floor_app.py", *flags], FLOOR_PAINT)
    if args.shell:
        sides.append(shell)
    if args.plain:
        sides.append(Side("app (`streamlit run app.py`)", [*streamlit, "app.py", *flags], APP_PAINT))
    if args.compare:
        other = args.compare.resolve()
        if not (other / "data" / "demo-2023.xlsx").exists():
            parser.error(f"{other}: no data/demo-2023.xlsx (run `make run` there once, or copy this one)")
        label = subprocess.run(["git", "log", "-1", "--format=%h"], cwd=other, capture_output=True, text=True).stdout
        sides.append(Side(f"app ({label.strip() or other.name})", make_run_command(other), APP_PAINT, other))
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as logs, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for side in sides:  # untimed: the first start of each reads its files from disk
            measure(browser, side, 1, Path(logs))
            side.healthy.clear(), side.cold.clear(), side.warm.clear()
        for round_ in range(args.runs):
            order = sides if round_ % 2 == 0 else sides[::-1]
            for side in order:
                measure(browser, side, args.warm, Path(logs))
                if args.verbose:
                    print(f"{side.name}: healthy {side.healthy[-1]:.2f} cold {side.cold[-1]:.2f} warm "
                          f"{' '.join(f'{w:.2f}' for w in side.warm[-args.warm:])}", flush=True)  # fmt: skip
            loads.append(os.getloadavg()[0])
        browser.close()

    def med(values: list[float]) -> float:
        return statistics.median(values)

    print(f"App command: `{shlex.join(sides[1].command)}`.")
    print(
        f"{args.runs} rounds × {args.warm} warm reloads; load average (1 min) {min(loads):.1f}–{max(loads):.1f} "
        f"on {os.cpu_count()} CPUs.\n"
    )
    print("| seconds, median | " + " | ".join(side.name for side in sides) + " | " + " | ".join(
        f"{side.name} ÷ floor" for side in sides[1:]) + " |")  # fmt: skip
    print("|---|" + "---:|" * (2 * len(sides) - 1))
    for label, pick, goal in (
        ("time to healthy", lambda s: s.healthy, ""),
        ("cold first full paint (from healthy)", lambda s: s.cold, " (goal ≤ 1.2×)"),
        ("warm reload", lambda s: s.warm, " (goal ≤ 1.3×)"),
    ):
        figures = [med(pick(side)) for side in sides]
        ratios = [f"{figure / figures[0]:.2f}×{goal}" for figure in figures[1:]]
        print(f"| {label} | " + " | ".join(f"{f:.2f}" for f in figures) + " | " + " | ".join(ratios) + " |")
    if args.shell:
        print("\napp ÷ shell floor: " + ", ".join(
            f"{label} {med(pick(app)) / med(pick(shell)):.2f}×"
            for label, pick in (("cold", lambda s: s.cold), ("warm", lambda s: s.warm))))  # fmt: skip


if __name__ == "__main__":
    main()
