"""Docs kept true by tests: every setting of `reporting.settings.SETTINGS` is in README's table (key and
environment variable) and in `.streamlit/secrets.toml.example`, and the example parses as a valid
configuration."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reporting.config import ConfigError, read_config
from reporting.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_readme_and_the_example(setting) -> None:
    assert f"`{setting.name}`" in README, f"README's settings table lacks {setting.name}"
    assert setting.env in README, f"README lacks {setting.env}"
    assert f"\n{setting.name} = " in EXAMPLE, f"secrets.toml.example lacks {setting.name}"


def test_the_example_secrets_file_is_refused_only_for_its_placeholders() -> None:
    """Its shape is right; copied as it is, the example's sign-in secrets are refused (anyone knows them)."""
    with pytest.raises(ConfigError) as refused:
        read_config(tomllib.loads(EXAMPLE), {})
    problems = refused.value.problems
    assert problems and all("cookie_secret" in p or "giá trị mẫu" in p for p in problems), problems
    fixed = tomllib.loads(EXAMPLE)
    fixed["auth"].update(
        cookie_secret="k3Q9vZ2mR7tX1wP8sL4nB6yD0cF5hJ2gA9uE",
        client_id="1234-abc.apps.example",
        client_secret="s3cr3t-from-the-provider",
    )
    fixed["smtp"]["password"] = "app-password-of-the-office"
    config = read_config(fixed, {})
    assert config.auth is not None and config.roles.office
    assert config.smtp is not None and config.smtp.security == "starttls" and config.settings.app_url


COMMANDS = {
    ("reporting", "demo"),
    ("reporting", "check"),
    ("reporting", "followup"),
    ("reporting", "remind"),
    ("reporting", "summary"),
    ("reporting", "export"),
    ("sheets", "setup"),
}


def test_every_command_is_in_readme_and_has_vietnamese_help(capsys) -> None:
    from cli import provision, reports

    parsers = {"reporting": reports.build_parser(), "sheets": provision.build_parser()}
    for module, parser in parsers.items():
        names = set(parser._subparsers._group_actions[0].choices)  # the parser's own list of commands
        assert {(module, n) for n in names} <= COMMANDS, names
    for module, command in sorted(COMMANDS):
        assert f"`{command}" in README or f"{module} {command}" in README, f"README lacks {module} {command}"
        with pytest.raises(SystemExit) as done:
            parsers[module].parse_args([command, "--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("cách dùng:") and "tuỳ chọn" in out and "show this help" not in out
        described = out.split("\n\n")[1]
        assert any(letter in described for letter in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), described
