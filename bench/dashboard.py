"""Benchmark: the dashboard's server time for a filter change (warm cache) and the overview's cold first paint.

Run: `.venv/bin/python bench/dashboard.py` (or `make bench`). Prints Markdown for bench/README.md.

- Filter change: AppTest runs the real app.py in-process (the script runner Streamlit's server uses) with
  the data already cached; each figure is the median wall and CPU time of `at.run()` after one widget
  change, over 9 changes, on the demo workbook and on a synthetic 100,000-row snapshot (bench/synthetic.py, 60
  unit tabs) handed to the loader through its `open_source` seam. "New filter" forgets the cached
  figures before each change (the first time anyone looks at that quarter/unit since the last read);
  "seen before" keeps them (flipping back, or a second viewer of the same quarter).
- Cold first paint: a fresh `streamlit run app.py` on a loopback port, timed to a healthy server, and
  then Chromium (Playwright) timed from navigation until the overview's title, KPI cards and heatmap are
  drawn. The first read and parse of the demo workbook happen inside that time.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench scripts run as plain files, outside pytest's pythonpath

os.environ.setdefault("CCHC_NOW", "2024-01-10T09:00")  # fixed clock: the same statuses on every run

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import loader  # noqa: E402
from bench.synthetic import snapshot  # noqa: E402
from reporting.snapshot import Snapshot  # noqa: E402

RUNS = 9


class MemorySource:
    """A source that hands back a prepared snapshot (no file or network time in the figure)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.name = snap.source_name

    def read(self) -> Snapshot:
        return self.snap


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _timed_both(action: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds. CPU time of this process (the script thread does the work; AppTest's own thread
    mostly sleeps) is what the server spends, whatever else the machine is busy with."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def _median_change(at: AppTest, change: Callable[[int], None], fresh: bool) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `at.run()` after `change(i)`; `fresh` forgets cached figures first."""
    if not fresh:  # visit every state once, untimed, so each timed change finds its figures cached
        for i in range(RUNS):
            change(i)
            at.run()
    walls, cpus = [], []
    for i in range(RUNS):
        change(i)
        if fresh:
            loader.forget_figures()
        wall, cpu = _timed_both(at.run)
        walls.append(wall)
        cpus.append(cpu)
        assert not at.exception, at.exception
    return statistics.median(walls), statistics.median(cpus)


def filter_changes(source: MemorySource | None) -> dict[str, tuple[float, float]]:
    """Median seconds of a rerun after a quarter or unit change, data cached; figures new or seen before."""
    st.cache_resource.clear()
    loader.reset()
    loader.open_source = (lambda *args: source) if source is not None else loader._default_open_source
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    if source is not None:
        at.secrets["source"] = "bench://memory"  # configured: the default quarter is "now"
        at.secrets["demo_mode"] = True  # a source without [auth] runs only when asked for (fail closed)
    cold = _timed_both(at.run)
    assert not at.exception, at.exception
    at.selectbox(key="sidebar_year").set_value(2023)
    at.selectbox(key="sidebar_quarter").set_value(4)
    at.run()
    codes = list(at.session_state["view"].parsed.units["code"])
    results: dict[str, tuple[float, float]] = {"cold run (read + parse + render)": cold}

    def quarter(i: int) -> None:
        at.selectbox(key="sidebar_quarter").set_value(1 + i % 4)

    def unit(i: int) -> None:
        at.selectbox(key="sidebar_unit").set_value(codes[i % len(codes)])

    for fresh, when in ((True, "new filter"), (False, "filter seen before")):
        at.selectbox(key="sidebar_unit").set_value("").run()
        results[f"Tổng quan: change quarter, {when}"] = _median_change(at, quarter, fresh)
        results[f"Tổng quan: change unit, {when}"] = _median_change(at, unit, fresh)
    at.selectbox(key="sidebar_unit").set_value("").run()
    for page, label in (("content/unit.py", "Đơn vị"), ("content/quality.py", "Chất lượng dữ liệu")):
        at.switch_page(page).run()
        at.selectbox(key="sidebar_unit").set_value(codes[0]).run()
        results[f"{label}: change quarter, new filter"] = _median_change(at, quarter, True)
    loader.open_source = loader._default_open_source
    return results


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cold_first_paint() -> dict[str, float] | None:
    """Seconds to a healthy server, then from navigation to: the page shell, the title and KPI cards, the
    heatmap drawn. None without Chromium."""
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import expect, sync_playwright

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["CCHC_NOW"] = "2024-01-10T09:00"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            try:
                proc.wait(timeout=0.05)
                raise RuntimeError("streamlit exited")
            except subprocess.TimeoutExpired:
                continue
        healthy = time.perf_counter() - start
        with sync_playwright() as driver:
            from bench.first_paint import CHROMIUM_ARGS  # loopback only: no name resolved, no other host

            browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            marks = {"server healthy": healthy}
            begin = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("[data-testid='stSidebarNav']", timeout=120_000)
            marks["page shell (navigation)"] = time.perf_counter() - begin
            expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(
                "Tổng quan quý IV năm 2024",
                timeout=120_000,  # the demo opens on its latest quarter with data
            )
            expect(page.get_by_test_id("stMetricValue").first).to_be_visible()
            marks["title and KPI cards"] = time.perf_counter() - begin
            heatmap = page.get_by_test_id("stVegaLiteChart").first
            expect(heatmap).to_contain_text("Văn phòng Sở", timeout=120_000)
            marks["heatmap drawn"] = time.perf_counter() - begin
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return marks


def main() -> None:
    demo = filter_changes(None)
    big = filter_changes(MemorySource(snapshot(100_000, 60)))
    print(f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.\n")
    print(
        "| server time (wall / CPU), median of 9, data cached | demo workbook (≈400 rows, 12 units) | 100,000 rows, 60 units |"
    )
    print("|---|---:|---:|")
    for label in demo:
        (dw, dc), (bw, bc) = demo[label], big[label]
        print(f"| {label} | {dw * 1000:.0f} / {dc * 1000:.0f} ms | {bw * 1000:.0f} / {bc * 1000:.0f} ms |")
    paint = cold_first_paint()
    if paint is None:
        print("\nCold first paint: skipped (no /usr/bin/chromium).")
    else:
        print("\n| cold start, demo workbook (fresh `streamlit run`, then Chromium opens the overview) | seconds |")
        print("|---|---:|")
        for label, seconds in paint.items():
            print(f"| {label} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
