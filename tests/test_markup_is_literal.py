"""Nothing typed into the spreadsheet is interpreted: on every page, for every role, text from the hostile
workbook reaches Streamlit's Markdown only escaped (AppTest), and what a reader sees is exactly what was
typed. The real browser check of the same workbook is in tests/test_browser_hostile.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.safe import http_url, md
from reporting.parse import parse_snapshot
from sheets.workbook import WorkbookSource
from tests import static_html
from tests.app_fixtures import APP, assert_clean, html_bodies, shown, table
from tests.hostile import BAD_EVIDENCE, LINK_EVIDENCE, MARK, PAYLOAD, TAB_PAYLOAD, TRAP, UNIT_NAME, build_hostile

# What must never reach Markdown as typed: each would become markup, a link, an image, a formula or an icon.
RAW = ("**đậm**", f"]({TRAP}", "![ảnh]", "<b>html", "$x^2$", ":smile:", ":red[", ":material/home:", "www.ex.example")
PAGES = {
    "office": (
        "content/overview.py",
        "content/unit.py",
        "content/quality.py",
        "content/followup.py",
        "content/export.py",
        "content/guide.py",
    ),
    "leadership": (
        "content/overview.py",
        "content/unit.py",
        "content/quality.py",
        "content/followup.py",
        "content/guide.py",
    ),
    "unit": ("content/overview.py", "content/unit.py", "content/guide.py"),
}


@pytest.fixture
def hostile(tmp_path: Path, private_demo: Path) -> Path:
    return build_hostile(private_demo, tmp_path / "hostile.xlsx")


def markdown_texts(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit reads as Markdown: bodies, alerts, labels, tooltips."""
    found: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        found += [str(e.value) for e in at.get(kind)]
    found += [e.label for e in at.expander]
    found += [b.label for b in at.button] + [b.help or "" for b in at.button]
    found += [s.label for s in at.selectbox]
    return found


def open_as(hostile: Path, role: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["source"] = str(hostile)
    at.secrets["demo_mode"] = True
    at.secrets["demo_writes"] = True
    at.run()
    at.selectbox(key="sidebar_demo_role").set_value(role).run()
    if role == "unit":
        at.selectbox(key="sidebar_demo_unit").set_value("VP").run()
    at.selectbox(key="sidebar_year").set_value(2023).run()
    at.selectbox(key="sidebar_quarter").set_value(4).run()
    return at


# The elements and attributes of components.static's blocks: anything else in an `st.html` came from a cell.
OWN_TAGS = {"root", "style", "div", "p", "table", "thead", "tbody", "tr", "th", "td"}
OWN_ATTRIBUTES = {"class", "style", "scope"}


def assert_only_own_html(at: AppTest, page: str) -> None:
    """Every `st.html` of the page holds only the app's own tags and attributes: a cell's `<b>` is text."""
    for body in html_bodies(at):
        for node in static_html.parse(body).walk():
            assert node.tag in OWN_TAGS, f"{page}: <{node.tag}> reached the page as markup"
            assert set(node.attrs) <= OWN_ATTRIBUTES, f"{page}: attributes {node.attrs} reached the page"


@pytest.mark.parametrize("role", list(PAGES))
def test_markup_links_images_latex_and_icons_typed_in_cells_stay_text_on_every_page(app_env, hostile, role) -> None:
    at = open_as(hostile, role)
    seen_marks = 0
    for page in PAGES[role]:
        at.switch_page(page).run()
        if page == "content/unit.py" and role != "unit":
            at.selectbox(key="sidebar_unit").set_value("VP").run()
        assert_clean(at)
        assert_only_own_html(at, page)
        seen_marks += sum(MARK in static_html.text(body) for body in html_bodies(at))
        texts = markdown_texts(at)
        for text in texts:
            for raw in RAW:
                assert raw not in text, f"{page}: {raw!r} reached Markdown as typed: {text[:200]!r}"
        seen_marks += sum(MARK in shown(text) for text in texts)
    assert seen_marks, "the hostile text was shown somewhere (as text)"


def test_the_reader_sees_exactly_what_was_typed(app_env, hostile) -> None:
    at = open_as(hostile, "office")
    at.switch_page("content/unit.py").run()
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    assert shown(at.header[0].value) == f"{UNIT_NAME} — quý IV năm 2023"
    at.selectbox(key="sidebar_unit").set_value("").run()
    at.switch_page("content/quality.py").run()
    full = next(e for e in at.expander if e.label.startswith("Đọc đầy đủ"))
    said = shown("\n".join(m.value for m in full.markdown))
    assert f"Trang «{TAB_PAYLOAD}»" in said  # a tab title quoted by a problem message, literally


def test_an_evidence_link_is_a_link_only_when_it_is_http(app_env, hostile) -> None:
    at = open_as(hostile, "office")
    at.switch_page("content/unit.py").run()
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    rows = table(at, "Minh chứng", "Minh chứng (ghi)")
    assert BAD_EVIDENCE not in rows["Minh chứng"].tolist()
    assert BAD_EVIDENCE in rows["Minh chứng (ghi)"].tolist()  # shown as text, beside the links
    assert LINK_EVIDENCE in rows["Minh chứng"].tolist()


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        "data:text/html,x",
        "file:///etc/passwd",
        "//evil.example",
        "ftp://x",
        "http://a b",
        " ",
        "",
        None,
        5,
    ],
)
def test_only_http_addresses_become_links(value) -> None:
    assert http_url(value) is None


def test_http_addresses_become_links() -> None:
    assert http_url(" https://sldtbxh.example.vn/cchc ") == "https://sldtbxh.example.vn/cchc"
    assert http_url("HTTP://x.vn/a") == "HTTP://x.vn/a"


def test_md_keeps_every_character_a_reader_sees() -> None:
    for text in (PAYLOAD, TAB_PAYLOAD, "a\\b", "1.200", "Q1: 50%", "Nội dung (a), (b)"):
        assert shown(md(text)) == text


def test_the_hostile_workbook_still_parses_without_loss(hostile) -> None:
    parsed = parse_snapshot(WorkbookSource(hostile).read())
    assert (
        parsed.rows
        == len(parsed.activities)
        + parsed.problems.dropna(subset=["row"])
        .query("severity == 'error' and unit_code.notna()", engine="python")
        .drop_duplicates(["tab", "row"])
        .shape[0]
    )
    assert TAB_PAYLOAD in set(parsed.problems["tab"])
