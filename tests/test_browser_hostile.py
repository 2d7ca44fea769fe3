"""The hostile workbook in a real browser (Chromium), every page for every role: no link, image, bold,
formula or icon that came from data is in the DOM, and the page asks nothing of any address but the app's
own (every other request is recorded and aborted). Chart tooltips included: the heatmap is hovered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import MARK, TRAP, UNIT_NAME, build_hostile
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _pick, _require_browser, _settle, _shoot, _streamlit

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # _require_browser reports it (a failure under CI)
    expect = sync_playwright = None

pytestmark = pytest.mark.browser

PAGES = {
    "Văn phòng Sở": ("Tổng quan", "Đơn vị", "Chất lượng dữ liệu", "Xuất báo cáo", "Hướng dẫn"),
    "Lãnh đạo Sở": ("Tổng quan", "Đơn vị", "Chất lượng dữ liệu", "Hướng dẫn"),
    "Đơn vị": ("Tổng quan", "Đơn vị", "Hướng dẫn"),
}
# What the DOM must not hold, anywhere in the app (sidebar included), for text that came from data.
DOM_FACTS = """(mark) => {
  const origin = location.origin;
  const all = [...document.querySelectorAll('a[href]')].map(a => a.href);
  return {
    links: all.filter(h => !h.startsWith(origin)),
    images: [...document.querySelectorAll('img')].map(i => i.src)
      .filter(s => s && !s.startsWith(origin) && !s.startsWith('data:')),
    styled: [...document.querySelectorAll('strong, b, em, i, u, del, s, code, h1 a, mark, .katex, sup, sub')]
      .filter(e => e.textContent.includes(mark)).map(e => e.tagName + ': ' + e.textContent.slice(0, 60)),
    formulas: document.querySelectorAll('.katex, math').length,
    traps: document.documentElement.outerHTML.includes('127.0.0.9:9') &&
      [...document.querySelectorAll('[src], [href], [srcset], [style]')]
        .some(e => ['src', 'href', 'srcset', 'style'].some(n => (e.getAttribute(n) || '').includes('127.0.0.9'))),
  };
}"""


@pytest.fixture
def hostile_server(tmp_path: Path, private_demo: Path):
    _require_browser()
    source = build_hostile(private_demo, tmp_path / "hostile.xlsx")
    with _streamlit(tmp_path, CCHC_SOURCE=str(source), CCHC_DEMO_MODE="1") as url:
        yield url


def _check(page, where: str) -> None:
    facts = page.evaluate(DOM_FACTS, MARK)
    assert facts["links"] == [], f"{where}: links out of the app {facts['links']}"
    assert facts["images"] == [], f"{where}: images from elsewhere {facts['images']}"
    assert facts["styled"] == [], f"{where}: data rendered as markup {facts['styled']}"
    assert facts["formulas"] == 0, f"{where}: a formula was typeset"
    assert not facts["traps"], f"{where}: an attribute points at the trap address"


def test_hostile_cells_render_as_text_for_every_role_and_fetch_nothing(hostile_server: str, tmp_path: Path) -> None:
    outside: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="vi-VN")

        def guard(route) -> None:
            if route.request.url.startswith(hostile_server):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)
        page.goto(hostile_server + "/")
        _settle(page, "Tổng quan quý I năm 2024")
        _pick(page, "Năm", "2023")
        _settle(page, "Tổng quan quý I năm 2023")
        _pick(page, "Kỳ", "Quý IV")
        _settle(page, "Tổng quan quý IV năm 2023")
        nav = page.get_by_test_id("stSidebarNav")
        main = page.get_by_test_id("stMain")
        for role, titles in PAGES.items():
            _pick(page, "Xem với vai trò", role)
            if role == "Đơn vị":
                _pick(page, "Đơn vị của tôi", UNIT_NAME)
            for title in titles:
                nav.get_by_role("link", name=title, exact=True).click()
                if title == "Tổng quan":
                    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
                    heatmap = main.get_by_test_id("stVegaLiteChart").first
                    expect(heatmap.locator("canvas, svg").first).to_be_visible()
                    heatmap.hover(position={"x": 420, "y": 60})  # a cell of the first unit: the tooltip
                    if role != "Đơn vị":  # the compliance table names the unit exactly as typed
                        cell = main.locator(".cchc-table td").filter(has_text=MARK).first
                        assert cell.evaluate("e => e.textContent") == UNIT_NAME
                elif title == "Đơn vị" and role != "Đơn vị":
                    _settle(page, "Đơn vị")
                    _pick(page, "Đơn vị", UNIT_NAME)
                    expect(main.locator("h2").first).to_contain_text("**đậm**")  # shown, literally
                else:
                    _settle(page, title)
                expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
                _check(page, f"{role} · {title}")
            if role == "Văn phòng Sở":
                nav.get_by_role("link", name="Đơn vị", exact=True).click()
                heading = main.locator("h2").first
                expect(heading).to_contain_text("**đậm**")
                seen = heading.evaluate("e => e.textContent.replaceAll('\\u2060', '')")  # joiners are invisible
                assert f"[bấm đây]({TRAP}/link) ![ảnh]({TRAP}/image.png) <b>html</b>" in seen
                _shoot(page, tmp_path, "08-du-lieu-doc-hai-hien-nguyen-van")
            _pick(page, "Đơn vị", "Tất cả đơn vị") if role != "Đơn vị" else None
        context.close()
        browser.close()
    assert outside == [], f"the page asked for addresses outside the app: {outside}"


def test_a_broken_secrets_file_shows_only_the_configuration_page_at_every_address(tmp_path: Path) -> None:
    _require_browser()
    broken = tmp_path / "secrets.toml"
    broken.write_text(
        '[roles]\noffice = ["vanphong@example.vn"]\n[auth]\nredirect_uri = "x\ncookie_secret = "y"\n', encoding="utf-8"
    )
    with _streamlit(tmp_path, "--secrets.files", str(broken)) as url, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.set_default_timeout(60_000)
        for address in ("/", "/xuat-bao-cao", "/don-vi", "/dang-nhap"):
            page.goto(url + address)
            title = page.locator("[data-testid='stMain'] h1").first
            expect(title).to_have_text("Ứng dụng chưa chạy được: cấu hình chưa đúng")
            expect(page.get_by_test_id("stAlert").first).to_contain_text("dòng 4")  # the line of the typo
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
            body = page.locator("body").inner_text()
            assert "Page not found" not in body and "Chế độ trình diễn" not in body and "Đăng nhập" not in body
            assert page.get_by_test_id("stSidebarNav").count() == 0, "no page list"
            assert page.locator(".cchc-card").count() == 0, "no data"
        _shoot(page, tmp_path, "09-cau-hinh-sai")
        browser.close()


def test_demo_mode_refuses_a_page_that_reaches_it_by_another_name(tmp_path: Path, private_demo: Path) -> None:
    """DNS rebinding: a site the operator visits points its own name at 127.0.0.1; the demo must not answer."""
    _require_browser()
    source = build_hostile(private_demo, tmp_path / "so.xlsx")
    rules = "--host-resolver-rules=MAP rebind.attacker.example 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    args = [a for a in CHROMIUM_ARGS if not a.startswith("--host-resolver-rules")] + [rules]
    with _streamlit(tmp_path, CCHC_SOURCE=str(source), CCHC_DEMO_MODE="1") as url, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(url.replace("127.0.0.1", "rebind.attacker.example") + "/")
        expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(
            "Ứng dụng chưa chạy được: cấu hình chưa đúng"
        )
        expect(page.get_by_test_id("stAlert").first).to_contain_text("chế độ trình diễn chỉ cho máy này")
        assert page.locator(".cchc-card").count() == 0 and MARK not in page.content()
        page.goto(url + "/")  # by its own address it opens as usual
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Chế độ trình diễn")
        browser.close()
