"""The direction of the layers: a pure core (`reporting`), adapters around it (`sheets` for the spreadsheet,
`mailer` for email), the pieces of the pages (`components`), and on top the composition roots (`app.py`
with its launcher `serve.py`, `loader.py`, `cli/`) and the pages (`content/`). Nothing imports upward. `__main__.py` files are entry points (they only call `cli`) and are
left out. Checked on the source, so an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"reporting", "sheets", "mailer", "components", "content", "loader", "serve", "cli", "app", "bench", "tests"}
# What each layer may import of ours (besides itself).
ALLOWED = {
    "reporting": set(),
    "sheets": {"reporting"},
    "mailer": {"reporting"},  # the SMTP adapter of the reminders (`reporting.remind.Mailer`)
    "components": {"reporting"},
}
# Sockets and SMTP belong to the adapters: the core decides what to send, `mailer` sends it.
THIRD_PARTY_BANNED = {
    "reporting": {"streamlit", "gspread", "google", "requests", "altair", "smtplib", "socket", "ssl"},
    "sheets": {"streamlit", "altair", "smtplib"},
    "mailer": {"streamlit", "altair", "gspread", "google", "requests"},
    "components": {"gspread", "google", "requests", "smtplib", "socket"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def layer_files(layer: str) -> list[Path]:
    return [p for p in sorted((ROOT / layer).rglob("*.py")) if p.name != "__main__.py"]


CASES = [(layer, path) for layer in ALLOWED for path in layer_files(layer)]


@pytest.mark.parametrize(("layer", "path"), CASES, ids=lambda c: str(c.relative_to(ROOT)) if isinstance(c, Path) else c)
def test_no_layer_imports_upward(layer: str, path: Path) -> None:
    ours = imported_modules(path) & OURS - {layer}
    assert ours <= ALLOWED[layer], f"{path.relative_to(ROOT)} imports {sorted(ours - ALLOWED[layer])}"


@pytest.mark.parametrize(("layer", "path"), CASES, ids=lambda c: str(c.relative_to(ROOT)) if isinstance(c, Path) else c)
def test_no_layer_uses_a_library_of_another(layer: str, path: Path) -> None:
    banned = imported_modules(path) & THIRD_PARTY_BANNED[layer]
    assert not banned, f"{path.relative_to(ROOT)} imports {sorted(banned)}"


def test_the_entry_points_only_call_the_command_line() -> None:
    for layer in ("reporting", "sheets"):
        assert imported_modules(ROOT / layer / "__main__.py") == {"cli"}


def test_pages_reach_data_only_through_the_loader_and_components() -> None:
    for path in sorted((ROOT / "content").glob("*.py")):
        assert not {"sheets", "mailer"} & imported_modules(path), path.name


def test_every_layer_has_files() -> None:
    assert all(layer_files(layer) for layer in ALLOWED)


def test_the_provisioning_planner_does_no_io() -> None:
    """sheets/setup_plan.py decides; sheets/setup.py reads and sends. The planner opens no file or socket."""
    used = imported_modules(ROOT / "sheets" / "setup_plan.py")
    assert not {"requests", "csv", "io", "pathlib", "os", "socket"} & used
    source = (ROOT / "sheets" / "setup_plan.py").read_text(encoding="utf-8")
    assert "gspread.Client" not in source and "open(" not in source and "load_workbook" not in source
