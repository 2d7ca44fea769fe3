"""The layering of DESIGN.md: reporting/ and sheets/ never import streamlit; reporting/ never imports gspread."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "reporting").rglob("*.py")) + sorted((ROOT / "sheets").rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_streamlit_below_the_pages(path):
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", sorted((ROOT / "reporting").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_reporting_is_pure(path):
    assert not {"gspread", "google", "requests"} & imported_modules(path)
