"""End to end in a real browser: the app as `make run` starts it (`python serve.py`) on a free loopback
port, driven by Playwright in Debian's Chromium. What only a browser shows: the page renders, the quarter switch works through the real
widgets, every page opens from the navigation, the heatmap draws, and nothing English or broken is visible.

Screenshots go to the test's tmp dir and are copied to /tmp/cchc-shots/ for a person to look at.
Under CI (`CI=true`) the test must run: a missing browser is a failure there, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by _require: a failure under CI, a skip elsewhere
    expect = sync_playwright = None

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing but loopback, not even a name lookup: Chromium's own services (DNS prefetch, DNS-over-HTTPS
    # probes, domain reliability…) otherwise ask the machine's resolver about Google's hosts.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--dns-prefetch-disable",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-features=DnsOverHttps,AsyncDns,OptimizationHints,MediaRouter,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying,"
    # Chromium's own omnibox popup page, built in a renderer of its own for every new tab: CPU the app's page
    # would share on a small CI machine (bench/README.md, goal 3).
    "WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
]
SHOTS = Path("/tmp/cchc-shots")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

pytestmark = pytest.mark.browser


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI=true: the browser test must run; `make test` installs what it needs)")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(proc: subprocess.Popen, url: str, timeout: float = 90.0) -> None:
    """Poll the health endpoint; the pause between polls is waiting on the server process itself."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            proc.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"streamlit exited with {proc.returncode} before becoming healthy")
    raise AssertionError(f"streamlit was not healthy within {timeout:.0f} s")


@contextmanager
def _streamlit(home: Path, *options: str, **env_extra: str) -> Iterator[str]:
    """`python serve.py` (`make run`'s launcher: `streamlit run app.py` after a warm-up run) on a free loopback
    port, its own demo workbook and clock; yields its URL.

    On exit the server log must hold no traceback: errors reach the page in words, never as a dump.
    """
    port = _free_port()
    log = home / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["CCHC_NOW"] = "2024-01-10T09:00"  # after the 2023 Q4 deadline: every status is settled
    env["CCHC_DEMO_PATH"] = str(home / "demo-2023.xlsx")  # its own demo workbook, written on first use
    env.update(env_extra)
    command = [sys.executable, "serve.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--secrets.files", str(home / "no-secrets.toml"), *options]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text[-3000:]


def _require_browser() -> None:
    _require(sync_playwright is not None, "the playwright package is not installed")
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the demo workbook (no source configured)."""
    _require_browser()
    with _streamlit(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture
def page():
    _require_browser()
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="vi-VN")
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)  # assertions wait as long as actions: a cold first run is slow
        yield tab
        context.close()
        browser.close()


DRAWN = """() =>
  [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].every(c => c.querySelector("canvas, svg"))
  && [...document.querySelectorAll("[data-testid='stDataFrame']")].filter(t => t.offsetParent !== null)
    .every(t => t.querySelector("canvas"))"""


def _settle(page, title: str) -> None:
    """Wait until the page's title is `title` and Streamlit has finished running the script."""
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(title)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    # Every chart drawn, and every visible data grid (it paints into a canvas; one inside a closed expander
    # draws when opened). Checked in the page on each frame over the elements there now: a list taken once
    # could still hold an element of the previous run that Streamlit removes a moment later.
    page.wait_for_function(DRAWN, timeout=60_000)


def _shoot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    return path


def _assert_nothing_broken(page) -> None:
    body = page.locator("[data-testid='stAppViewContainer']").inner_text()
    for bad in ("Traceback", "Page not found", "Error", "None", "NaN", "lỗi ngoài ý muốn"):
        assert bad not in body, f"{bad!r} visible on the page"
    assert page.get_by_test_id("stException").count() == 0


def _pick(page, label: str, option: str) -> None:
    """Choose `option` in the sidebar selectbox labelled `label`."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_dashboard_in_a_real_browser(page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    _settle(page, "Tổng quan quý IV năm 2024")  # the demo opens on its latest quarter; these checks read 2023
    _pick(page, "Năm", "2023")
    _settle(page, "Tổng quan quý IV năm 2023")
    main = page.get_by_test_id("stMain")
    activities = main.locator(".cchc-card").filter(has_text="Hoạt động").first
    expect(activities.locator(".cchc-card-value")).to_have_text("95")
    units = main.locator(".cchc-card").filter(has_text="Đơn vị có hoạt động")
    expect(units.locator(".cchc-card-value")).to_have_text("11/12")
    heatmap = main.get_by_test_id("stVegaLiteChart").first
    box = heatmap.bounding_box()
    assert box is not None and box["height"] > 350 and box["width"] > 600, box
    # The heatmap draws our rows: unit names on its axis, area letters on top (Vega renders SVG text).
    expect(heatmap).to_contain_text("Văn phòng Sở")
    expect(heatmap).to_contain_text("Đoàn Thanh niên Sở")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Dữ liệu lúc 09:00:00 10/01/2024")
    _assert_nothing_broken(page)
    _shoot(page, tmp_path, "01-tong-quan-quy-IV")

    _pick(page, "Kỳ", "Quý II")
    _settle(page, "Tổng quan quý II năm 2023")
    expect(activities.locator(".cchc-card-value")).not_to_have_text("95")
    expect(main).to_contain_text("Nội dung chưa được tuyên truyền trong kỳ")
    _assert_nothing_broken(page)
    _shoot(page, tmp_path, "02-tong-quan-quy-II")

    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Đơn vị").click()
    _settle(page, "Đơn vị")
    _pick(page, "Đơn vị", "Văn phòng Sở")
    expect(main.locator("h2").first).to_have_text("Văn phòng Sở — quý II năm 2023")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(main).to_contain_text("Báo cáo quý: Đúng hạn")
    # The rows to fix, and their whole messages below the table, are the end of the page: all drawn.
    expect(main.get_by_test_id("stExpander").filter(has_text="Đọc đầy đủ 4 thông báo")).to_be_visible()
    for table in main.get_by_test_id("stDataFrame").all():
        if table.is_visible():
            expect(table.locator("canvas").first).to_be_visible()
    _assert_nothing_broken(page)
    _shoot(page, tmp_path, "03-don-vi")

    _pick(page, "Đơn vị", "Tất cả đơn vị")
    nav.get_by_role("link", name="Chất lượng dữ liệu").click()
    _settle(page, "Chất lượng dữ liệu")
    expect(main).to_contain_text("Dòng bị loại do lỗi")
    expect(
        main.get_by_test_id("stExpander").filter(has_text="Đọc đầy đủ 11 thông báo")
    ).to_be_visible()  # ten in 2023, one in 2024 (area m)
    _assert_nothing_broken(page)
    _shoot(page, tmp_path, "04-chat-luong-du-lieu")

    nav.get_by_role("link", name="Hướng dẫn").click()
    _settle(page, "Hướng dẫn")
    expect(main).to_contain_text("Mười nội dung tuyên truyền")
    _assert_nothing_broken(page)
    _shoot(page, tmp_path, "05-huong-dan")

    if nav.get_by_role("link", name="Xuất báo cáo").count():
        nav.get_by_role("link", name="Xuất báo cáo").click()
        _settle(page, "Xuất báo cáo")
        _shoot(page, tmp_path, "06-xuat-bao-cao")

    # «Đôn đốc» from the overview's one line about it, as a reader follows it.
    nav.get_by_role("link", name="Tổng quan").click()
    _settle(page, "Tổng quan quý II năm 2023")
    main.get_by_role("link", name="Danh sách và email ở trang «Đôn đốc»").click()
    _settle(page, "Đôn đốc")
    expect(main).to_contain_text("Cần đôn đốc")
    expect(main).to_contain_text("Duyệt báo cáo quý")  # the demo picker opens as the office
    _assert_nothing_broken(page)
    _shoot(page, tmp_path, "07-don-doc")

    # The overview again: the sidebar kept quarter II across pages.
    nav.get_by_role("link", name="Tổng quan").click()
    _settle(page, "Tổng quan quý II năm 2023")
    # Printed: no sidebar (the page's title says the period) and the page's content from the paper's left edge,
    # so the tables get the paper's width; no static table scrolls sideways, which paper cannot. (That every
    # column fits on A4 was checked by printing the page to PDF and looking at it, not here.)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    compliance = main.locator(".cchc-table-wrap").filter(has_text="Hạn nộp")
    expect(compliance).to_be_visible()
    box = compliance.bounding_box()
    assert box is not None and box["x"] < 120, box  # the sidebar's room is not kept on paper
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('.cchc-table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)"
        ".map(w => w.innerText.slice(0, 40))"
    )
    assert clipped == [], clipped
    page.emulate_media(media="screen")
    assert sorted(p.name for p in tmp_path.glob("*.png"))[:5] == [
        "01-tong-quan-quy-IV.png",
        "02-tong-quan-quy-II.png",
        "03-don-vi.png",
        "04-chat-luong-du-lieu.png",
        "05-huong-dan.png",
    ]


def test_a_failing_source_keeps_the_last_data_under_a_warning(page, tmp_path: Path) -> None:
    from reporting.demo import build_demo

    source = build_demo(tmp_path / "so-theo-doi.xlsx")
    with _streamlit(tmp_path, CCHC_SOURCE=str(source), CCHC_DEMO_MODE="1") as url:
        page.goto(url + "/")
        _settle(page, "Tổng quan quý I năm 2024")  # a configured source opens on the current period
        _pick(page, "Năm", "2023")
        _settle(page, "Tổng quan quý I năm 2023")
        _pick(page, "Kỳ", "Quý IV")
        _settle(page, "Tổng quan quý IV năm 2023")
        main = page.get_by_test_id("stMain")
        activities = main.locator(".cchc-card").filter(has_text="Hoạt động").first
        expect(activities.locator(".cchc-card-value")).to_have_text("95")
        source.unlink()  # the source disappears
        page.get_by_test_id("stSidebar").get_by_role("button", name="Làm mới").click()
        warning = main.get_by_test_id("stAlert").filter(has_text="Không đọc được nguồn dữ liệu")
        expect(warning).to_contain_text("Không tìm thấy tệp")
        expect(warning).to_contain_text("Đang hiển thị bản dữ liệu đọc được gần nhất, lúc 09:00:00 10/01/2024")
        _settle(page, "Tổng quan quý IV năm 2023")
        expect(activities.locator(".cchc-card-value")).to_have_text("95")  # the last good figures stay
        _shoot(page, tmp_path, "07-nguon-du-lieu-loi")


PHONE = {"width": 390, "height": 844}
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def test_the_overview_on_a_leaders_phone(server: str, tmp_path: Path) -> None:
    """390 × 844: the page never scrolls sideways, the sidebar starts closed, unit names are text on the
    heatmap's axis, and the figures a tooltip would give are on the page."""
    _require_browser()
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True, locale="vi-VN"
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)
        try:
            page.goto(server + "/")
            _settle(page, "Tổng quan quý IV năm 2024")  # the demo's latest quarter, as a leader opens it
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar).to_have_attribute("data-collapsed", "true")  # closed: it would cover the page
            main = page.get_by_test_id("stMain")
            heatmap = main.get_by_test_id("stVegaLiteChart").first
            heatmap.scroll_into_view_if_needed()
            for name in ("Văn phòng Sở", "Thanh tra Sở", "Đoàn Thanh niên Sở"):
                expect(heatmap).to_contain_text(name)  # SVG text on the axis, not a tooltip
            box = heatmap.bounding_box()
            assert box is not None and box["width"] <= PHONE["width"], box
            expect(main).to_contain_text("«Số lượng» theo từng hình thức")
            cards = [main.locator(".cchc-card").nth(i).bounding_box() for i in range(3)]
            assert cards[0]["y"] == cards[1]["y"] < cards[2]["y"], cards  # two cards to a row
            page.mouse.wheel(0, 20_000)
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
            overflow = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]"
            )
            assert overflow[0] <= overflow[1] + 1 and overflow[2] <= overflow[1] + 1, overflow
            _assert_nothing_broken(page)
            page.screenshot(path=str(tmp_path / "10-dien-thoai.png"), full_page=True)
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / "10-dien-thoai.png", SHOTS / "10-dien-thoai.png")
        finally:
            context.close()
            browser.close()
