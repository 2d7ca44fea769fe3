"""No secret in any message: a recognisable fake key is planted in each field of the service account in
turn (and in the sign-in secrets, and as the [smtp] password of the reminders, refused by a real SMTP server
on loopback), the app and the command line are run against the fake Sheets server,
and everything they print, log and show is searched for it. Messages name the field, never its value."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import loader
from cli import reports as cli
from reporting import redact
from sheets import factory
from sheets.workbook import WorkbookSource
from tests.app_fixtures import APP, assert_clean, shown
from tests.fakesheets.fixtures import make_policy
from tests.test_app_roles import AUTH, ROLES

MARKER = "PLANTEDKEYd0n0tl34k"
# What someone pastes by mistake: the whole private key, PEM lines and all, with our marker inside.
PLANTED = (
    "-----BEGIN PRIVATE KEY-----\n"
    f"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC{MARKER}7xQz9vW2mR4tY8uK3pL0sN6jH1gF5dA\n"
    "-----END PRIVATE KEY-----\n"
)
FIELDS = ("type", "project_id", "private_key_id", "private_key", "client_email", "client_id", "token_uri", "auth_uri")


@pytest.fixture
def google_source(fake, fake_clock, private_demo: Path, monkeypatch: pytest.MonkeyPatch):
    """The demo as a spreadsheet on the fake; both the app and the CLI open Google sources through it."""
    snapshot = WorkbookSource(private_demo).read()
    book = fake.create_spreadsheet({title: [list(r.values) for r in rows] for title, rows in snapshot.tabs.items()})
    adapter, policy = fake.adapter(), make_policy(fake_clock)
    real_open = factory.open_google_source

    def on_fake(source, account, clock=None, **_):
        return real_open(source, account, clock, adapter=adapter, policy=policy)

    monkeypatch.setattr(factory, "open_google_source", on_fake)
    monkeypatch.setattr(loader, "open_source", lambda source, account, clock: on_fake(source, account, clock))
    factory.forget_sources()
    yield f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    factory.forget_sources()


def planted_account(fake, field: str) -> dict:
    account = fake.service_account()
    account[field] = PLANTED
    return account


def everything_shown(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        parts += [shown(e.value) for e in at.get(kind)]
    parts += [str(e.value) for e in at.exception]
    return "\n".join(parts)


@pytest.mark.parametrize("field", FIELDS)
def test_a_key_pasted_into_any_service_account_field_is_never_echoed_by_the_app(
    app_env, fake, google_source, caplog, field
) -> None:
    caplog.set_level(logging.DEBUG)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["source"] = google_source
    at.secrets["demo_mode"] = True
    at.secrets["gcp_service_account"] = planted_account(fake, field)
    at.run()
    assert_clean(at)
    page = everything_shown(at)
    logs = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert MARKER not in page and MARKER not in logs
    assert "BEGIN PRIVATE KEY-----\nMII" not in page + logs


@pytest.mark.parametrize("field", FIELDS)
def test_a_key_pasted_into_any_service_account_field_is_never_echoed_by_the_command_line(
    fake, google_source, tmp_path, monkeypatch, capsys, caplog, field
) -> None:
    caplog.set_level(logging.DEBUG)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(planted_account(fake, field)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.chdir(tmp_path)
    for argv in (["check", "--source", google_source], ["--debug", "check", "--source", google_source]):
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = stop.code
        assert code in (0, 1, 2)
        out = capsys.readouterr()
        logs = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
        assert MARKER not in out.out + out.err + logs


def test_the_message_names_the_field_it_is_wrong_about(app_env, fake, google_source) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["source"] = google_source
    at.secrets["demo_mode"] = True
    at.secrets["gcp_service_account"] = planted_account(fake, "client_email")
    at.run()
    said = everything_shown(at)
    assert "trường client_email không phải một địa chỉ email" in said


def test_sign_in_secrets_never_reach_the_configuration_page_or_the_log(app_env, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    auth = {**AUTH, "client_secret": PLANTED, "cookie_secret": MARKER + "-cookie"}
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["auth"] = {k: v for k, v in auth.items() if k != "redirect_uri"}  # incomplete: the page shows
    at.secrets["roles"] = ROLES
    at.run()
    page = everything_shown(at)
    assert "redirect_uri" in page
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert MARKER not in page and MARKER not in logs


def test_a_library_error_that_quotes_a_secret_is_blanked_in_the_log(caplog) -> None:
    redact.install()
    redact.REDACTOR.remember([MARKER + "-cookie"])
    log = logging.getLogger("tests.leak")
    try:
        raise ValueError(f"bad value {MARKER}-cookie and {PLANTED}")
    except ValueError:
        log.exception("token exchange failed for %s", PLANTED)
    record = caplog.records[-1]
    assert MARKER not in record.getMessage() and MARKER not in (record.exc_text or "")
    assert redact.MASK in record.getMessage()


def test_a_key_pasted_as_the_source_argument_is_not_echoed() -> None:
    from tests.cli_run import run_cli

    done = run_cli("check", "--source", PLANTED)
    assert done.returncode == 2 and "giống một khoá bí mật" in done.stderr
    assert MARKER not in done.stdout + done.stderr


# ---- the [smtp] password of the reminders ---------------------------------------------------------------------

SMTP_PASSWORD = f"{MARKER}-smtp"  # what the office typed as the mail password


def _smtp_secrets(folder: Path, table: dict) -> str:
    lines = ["[roles]", 'office = ["vanthu@so.example.vn"]', "[smtp]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path = folder / "secrets.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_refused_smtp_login_never_echoes_the_password(private_demo, tmp_path, caplog) -> None:
    """The demo at 10/01/2024 has overdue units: every send is tried, refused, recorded, reported."""
    import shutil

    from tests.cli_run import run_cli
    from tests.smtpserver import SmtpServer

    caplog.set_level(logging.DEBUG)
    book = Path(shutil.copy(private_demo, tmp_path / "cchc.xlsx"))
    with SmtpServer(password="the-right-one-2024") as server:
        secrets = _smtp_secrets(tmp_path, server.table(password=SMTP_PASSWORD))
        for debug in ([], ["--debug"]):
            for extra in ([], ["--json"]):
                done = run_cli(
                    *debug, "remind", "--source", str(book), "--now", "2024-01-10T09:00", *extra, secrets=(secrets,)
                )
                assert done.returncode == 1 and "535" in done.stdout
                logs = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
                assert MARKER not in done.stdout + done.stderr + logs
    recorded = WorkbookSource(book).read().tabs["Nhắc việc"]
    assert recorded and MARKER not in str([row.values for row in recorded])


def test_the_smtp_password_is_blanked_when_a_library_quotes_it(caplog) -> None:
    from reporting.config import read_config

    redact.install()
    read_config(
        {
            "smtp": {
                "host": "127.0.0.1",
                "security": "none",
                "from_address": "vp@so.example.vn",
                "username": "vp",
                "password": SMTP_PASSWORD,
            }
        },
        {},
    )
    try:
        raise OSError(f"AUTH PLAIN failed for vp / {SMTP_PASSWORD}")
    except OSError:
        logging.getLogger("tests.leak").exception("smtp said %s", SMTP_PASSWORD)
    record = caplog.records[-1]
    assert MARKER not in record.getMessage() + (record.exc_text or "")


def test_an_smtp_table_that_cannot_be_read_names_keys_never_the_password(app_env, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["smtp"] = {
        "host": "smtp.so.example.vn",
        "security": "none",
        "username": "vp",
        "password": SMTP_PASSWORD,
        "pasword": SMTP_PASSWORD,
        "from_address": "vp@so.example.vn",
    }
    at.run()
    page = everything_shown(at)
    assert "«pasword»" in page and 'security = "none"' in page
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert MARKER not in page and MARKER not in logs


def test_the_reminder_button_never_shows_the_password(app_env, private_demo, tmp_path, caplog) -> None:
    import shutil

    from components import remind_button
    from tests.smtpserver import SmtpServer
    from tests.test_app_roles import OFFICE

    caplog.set_level(logging.DEBUG)
    book = Path(shutil.copy(private_demo, tmp_path / "cchc.xlsx"))
    with SmtpServer(password="the-right-one-2024") as server:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.secrets["source"] = str(book)
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = ROLES
        at.secrets["smtp"] = server.table(password=SMTP_PASSWORD)
        at.user = {"is_logged_in": True, "email": OFFICE, "email_verified": True}
        at.run()
        at.switch_page("content/followup.py").run()
        at.selectbox(key=remind_button.UNIT_KEY).set_value("CSCN").run()
        at.button(key=remind_button.SEND_KEY).click().run()
    assert_clean(at)
    page = everything_shown(at)
    assert "từ chối đăng nhập" in page
    logs = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert MARKER not in page and MARKER not in logs
