"""Fail closed: a configuration that cannot be read, or that would open a real sheet to anyone, stops the
app on one Vietnamese configuration page — no demo picker, no data, no page list — and the command line
exits 2 with the same sentences. Demo mode runs only with no secrets and no source, or when asked for.
Each test's name says the attack."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from cli import reports as cli
from reporting.config import ConfigError, app_mode, is_loopback, read_config
from tests.app_fixtures import APP, assert_clean, cards, shown, static_tables, texts
from tests.cli_run import run_cli
from tests.test_app_roles import AUTH, LEADER, OFFICE, ROLES

CONFIG_TITLE = "Ứng dụng chưa chạy được: cấu hình chưa đúng"
PLANTED = "GIA-TRI-BI-MAT-7f3a9c"  # a value that must never be echoed back


@pytest.fixture
def secrets_file(app_env: None, tmp_path: Path) -> Callable[[str], Path]:
    """Write `text` as the one secrets file Streamlit (and our strict reader) looks at."""

    def write(text: str) -> Path:
        path = tmp_path / ".streamlit" / "secrets.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        st_config.set_option("secrets.files", [str(path)])
        return path

    return write


def run_app(**secrets: object) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in secrets.items():
        at.secrets[key] = value
    return at.run()


def assert_stopped_on_configuration(at: AppTest) -> str:
    """The configuration page and nothing else: no picker, no data, no navigation, no sign-in button."""
    assert_clean(at)
    assert [t.value for t in at.title] == [CONFIG_TITLE]
    assert not at.sidebar.selectbox and not at.selectbox, "no demo picker and no filters"
    assert not cards(at) and not at.dataframe and not static_tables(at) and not at.button, "no data and no sign-in"
    said = texts(at)
    assert "Chế độ trình diễn" not in said
    return said


# ---- a secrets file that does not parse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ('source = "/data/so.xlsx\ndeadline_day = 14\n', "dòng 1", "thiếu dấu nháy"),
        ('deadline_day = 14\n[auth]\nredirect_uri = "x"\nredirect_uri = "y"\n', "dòng 4", "hai lần"),
        ("[roles]\noffice = []\n[roles]\nleadership = []\n", "dòng 3", "hai lần"),
        (f"deadline_day = {PLANTED}\n", "dòng 1", "giá trị không hợp lệ"),
    ],
    ids=["missing quote", "key given twice", "table given twice", "unquoted value"],
)
def test_a_secrets_file_with_a_typo_stops_the_app_instead_of_turning_sign_in_off(
    secrets_file, text: str, line: str, why: str
) -> None:
    secrets_file(text)
    said = assert_stopped_on_configuration(run_app())
    assert ".streamlit/secrets.toml" in said and line in said and why in said
    assert PLANTED not in said


def test_a_secrets_file_that_cannot_be_read_stops_the_app(secrets_file) -> None:
    path = secrets_file("")
    path.write_bytes(b"source = '\xff\xfe'\n")  # not UTF-8
    said = assert_stopped_on_configuration(run_app())
    assert "không phải UTF-8" in said


# ---- tables of the wrong shape ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "missing"),
    [
        ({}, "redirect_uri"),
        ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, "cookie_secret"),
        ({k: v for k, v in AUTH.items() if k != "client_secret"}, "client_secret"),
        ({"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x", "google": {"client_id": "x"}}, "[auth.google]"),
        ({**AUTH, "cookie_secret": "a long random string"}, "cookie_secret"),
        ({**AUTH, "cookie_secret": "short"}, "cookie_secret"),
        ({**AUTH, "client_secret": "..."}, "giá trị mẫu"),
    ],
    ids=[
        "empty [auth]",
        "no cookie_secret",
        "no client_secret",
        "provider table without its keys",
        "the example's cookie secret (forgeable)",
        "a short cookie secret",
        "a placeholder client secret",
    ],
)
def test_an_incomplete_auth_table_stops_the_app_and_never_shows_the_picker(app_env, auth, missing) -> None:
    said = assert_stopped_on_configuration(run_app(source="/tmp/khong-co.xlsx", auth=auth, roles=ROLES))
    assert missing in said


@pytest.mark.parametrize(
    ("roles", "where"),
    [
        ({"office": OFFICE}, "«office» của mục [roles] phải là một danh sách"),
        ({"office": 5}, "«office» của mục [roles] phải là một danh sách"),
        ({"office": [OFFICE, 7]}, "Phần tử thứ 2 của khoá «office»"),
        ({"leadership": [PLANTED]}, "Phần tử thứ 1 của khoá «leadership»"),
        ({"ofice": [OFFICE]}, "khoá lạ «ofice»"),
        ({"office": [OFFICE], "leadership": [OFFICE]}, "cả office và leadership"),
        ("office", "Mục [roles] phải là một bảng"),
    ],
    ids=["a string", "a number", "a non-string entry", "not an email", "misspelt key", "both roles", "not a table"],
)
def test_a_roles_table_of_the_wrong_shape_stops_the_app(app_env, roles, where) -> None:
    said = assert_stopped_on_configuration(run_app(auth=AUTH, roles=roles))
    assert where in said and PLANTED not in said


def test_an_unknown_top_level_key_is_named_not_ignored(app_env) -> None:
    said = assert_stopped_on_configuration(run_app(demo_mode=True, cache_ttl_second=30))
    assert "khoá lạ «cache_ttl_second»" in said


def test_a_bad_setting_names_the_key_and_never_the_value(app_env) -> None:
    said = assert_stopped_on_configuration(run_app(demo_mode=True, deadline_day=PLANTED, kiosk="có lẽ"))
    assert "«deadline_day»" in said and "«kiosk»" in said and PLANTED not in said and "có lẽ" not in said


# ---- demo mode only where it is harmless ------------------------------------------------------------------------


def test_a_secrets_file_without_auth_does_not_open_the_demo_picker_over_a_real_sheet(app_env, private_demo) -> None:
    said = assert_stopped_on_configuration(run_app(source=str(private_demo)))
    assert "[auth]" in said and "demo_mode = true" in said


def test_a_source_from_the_environment_without_auth_is_refused(app_env, private_demo, monkeypatch) -> None:
    monkeypatch.setenv("CCHC_SOURCE", str(private_demo))
    assert_stopped_on_configuration(run_app())


def test_no_secrets_and_no_source_is_the_demo(app_env) -> None:
    at = run_app()
    assert_clean(at)
    assert at.selectbox(key="sidebar_demo_role").value == "office"


def test_demo_mode_asked_for_explicitly_runs_the_picker_on_a_configured_source(app_env, private_demo) -> None:
    at = run_app(source=str(private_demo), demo_mode=True)
    assert_clean(at)
    assert at.selectbox(key="sidebar_demo_role").value == "office"


# ---- served on a network --------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["0.0.0.0", "", "192.0.2.10", "::"])
def test_a_real_sheet_served_on_a_network_without_sign_in_is_refused(app_env, private_demo, address) -> None:
    st_config.set_option("server.address", address)
    said = assert_stopped_on_configuration(run_app(source=str(private_demo), demo_mode=True, demo_writes=True))
    assert "phục vụ qua mạng" in said


def test_the_kiosk_on_a_network_is_read_only_and_writes_nothing(app_env, tmp_path, private_demo, monkeypatch) -> None:
    import loader
    from reporting.errors import WriteRefused

    workbook = Path(shutil.copy(private_demo, tmp_path / "so.xlsx"))
    before = workbook.read_bytes()
    st_config.set_option("server.address", "0.0.0.0")
    for name, value in {"CCHC_SOURCE": str(workbook), "CCHC_KIOSK": "1", "CCHC_DEMO_WRITES": "1"}.items():
        monkeypatch.setenv(name, value)
    at = run_app()
    assert_clean(at)
    assert not at.sidebar.selectbox(key="sidebar_unit").disabled  # every unit, read-only
    assert "sidebar_demo_role" not in [s.key for s in at.selectbox]
    assert cards(at), "the overview shows its figures"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("content/export.py")
    at.switch_page("content/unit.py").run()
    at.selectbox(key="sidebar_unit").set_value("VP").run()
    assert_clean(at)
    assert not [b for b in at.button if b.key and b.key.startswith("unit_")], "no confirm or add buttons"
    with pytest.raises(WriteRefused, match="chỉ xem"):
        loader.writer(loader.settings())  # the write path itself refuses, whatever the page shows
    assert workbook.read_bytes() == before


def test_the_demo_workbook_alone_may_be_served_on_a_network(app_env) -> None:
    st_config.set_option("server.address", "0.0.0.0")
    at = run_app()
    assert_clean(at)
    assert at.selectbox(key="sidebar_demo_role").value == "office"


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("", False),
        (None, False),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("example.vn", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(address, loopback) -> None:
    assert is_loopback(address) is loopback


def test_app_mode_in_words() -> None:
    assert app_mode(read_config(None, {}), None) == "demo"
    assert app_mode(read_config({"auth": AUTH}, {}), "0.0.0.0") == "sign_in"
    assert app_mode(read_config({"kiosk": True, "source": "x.xlsx"}, {}), "0.0.0.0") == "kiosk"
    with pytest.raises(ConfigError):
        app_mode(read_config({"source": "x.xlsx"}, {}), "127.0.0.1")
    with pytest.raises(ConfigError):
        app_mode(read_config(None, {"CCHC_SOURCE": "x.xlsx", "CCHC_DEMO_MODE": "1"}), "0.0.0.0")


# ---- only the office reads the details ---------------------------------------------------------------------------


def signed_in(email: str | None, **secrets: object) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in {"auth": AUTH, "roles": ROLES, **secrets}.items():
        at.secrets[key] = value
    if email is not None:
        at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    return at.run()


def test_a_bad_setting_with_working_sign_in_asks_to_sign_in_first(app_env) -> None:
    at = signed_in(None, deadline_day=40)
    assert_clean(at)
    assert at.title[0].value == "Theo dõi truyền thông CCHC" and at.button, "the sign-in page"
    assert "deadline_day" not in texts(at)


def test_a_bad_setting_is_explained_to_the_office_only(app_env) -> None:
    office = signed_in(OFFICE, deadline_day=40)
    assert "«deadline_day»" in assert_stopped_on_configuration(office)
    leader = signed_in(LEADER, deadline_day=40)
    assert_clean(leader)
    said = texts(leader)
    assert "Dữ liệu tạm thời chưa xem được" in said and "deadline_day" not in said and "CCHC_" not in said


def test_a_failed_read_tells_the_office_why_and_others_only_whom_to_call(app_env, tmp_path) -> None:
    missing = tmp_path / "bang-tinh-bi-mat.xlsx"
    office = texts(signed_in(OFFICE, source=str(missing)))
    assert "bang-tinh-bi-mat.xlsx" in office
    for email in (LEADER, "nguoila@gmail.com"):
        said = texts(signed_in(email, source=str(missing)))
        assert "Dữ liệu tạm thời chưa xem được" in said
        assert "bang-tinh-bi-mat" not in said and "source" not in said and "CCHC_SOURCE" not in said


# ---- the command line says the same -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('source = "/data/so.xlsx\n', "dòng 1"),
        ("[roles]\noffice = 5\n", "phải là một danh sách"),
        (f"deadline_day = {PLANTED}\n", "giá trị không hợp lệ"),
        (f'deadline_day = "{PLANTED}"\n', "«deadline_day»"),
    ],
    ids=["missing quote", "roles not a list", "unquoted value", "bad setting"],
)
def test_the_command_line_exits_2_on_the_same_configuration(tmp_path, monkeypatch, capsys, text, said) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit) as stop:
        cli.main(["check"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "cấu hình chưa đúng" in err and said in err and PLANTED not in err


def test_configuration_messages_match_between_app_and_command_line(secrets_file, tmp_path, monkeypatch, capsys):
    text = "[roles]\noffice = 5\n"
    secrets_file(text)
    page = shown(run_app().error[0].value)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit):
        cli.main(["check"])
    for line in capsys.readouterr().err.splitlines()[1:]:
        assert line.removeprefix("- ") in page


def test_an_account_with_no_role_learns_nothing_about_the_installation(app_env, private_demo) -> None:
    at = signed_in("nguoila@gmail.com", source=str(private_demo))
    assert_clean(at)
    said = texts(at) + "\n".join(shown(c.value) for c in at.sidebar.caption)
    assert at.title[0].value == "Chưa có quyền truy cập"
    for secret in (private_demo.name, str(private_demo.parent), "[roles]", "source", "CCHC_", "secrets.toml"):
        assert secret not in said
    assert not at.sidebar.selectbox and not cards(at) and not at.dataframe and not static_tables(at)


@pytest.mark.parametrize("setting", ["source", "agency_name", "place"])
def test_a_private_key_pasted_into_a_setting_is_refused_not_shown(app_env, monkeypatch, setting) -> None:
    from tests.test_no_secret_leaks import MARKER, PLANTED

    monkeypatch.setenv(f"CCHC_{setting.upper()}", PLANTED)
    said = assert_stopped_on_configuration(run_app())
    assert f"«{setting}»" in said and "giống một khoá bí mật" in said and MARKER not in said
    done = run_cli("check", env={f"CCHC_{setting.upper()}": PLANTED})
    assert done.returncode == 2 and MARKER not in done.stdout + done.stderr


def test_a_real_workbook_at_the_demo_path_is_refused_not_shown_without_sign_in(tmp_path, private_demo) -> None:
    """CCHC_DEMO_PATH pointed at real data would have served it, with writes, to anyone: refused."""
    from openpyxl import load_workbook

    from reporting.demo import ensure_demo, is_demo
    from reporting.errors import SourceError

    real = tmp_path / "so-that.xlsx"
    book = load_workbook(private_demo)
    book.properties.title = "Sổ theo dõi thật"
    book.save(real)
    before = real.read_bytes()
    assert is_demo(private_demo) and not is_demo(real)
    with pytest.raises(SourceError, match="không phải sổ dữ liệu mẫu"):
        ensure_demo(real)
    assert real.read_bytes() == before
    (tmp_path / "not-a-workbook.xlsx").write_text("hello")
    with pytest.raises(SourceError):
        ensure_demo(tmp_path / "not-a-workbook.xlsx")


def test_a_stale_file_at_the_built_in_demo_path_is_moved_aside_not_lost(tmp_path, monkeypatch, private_demo) -> None:
    from reporting import demo

    built_in = tmp_path / "data" / "demo-2023.xlsx"
    built_in.parent.mkdir()
    built_in.write_bytes(b"an old demo, or anything")
    monkeypatch.setattr(demo, "BUILT_IN_PATH", built_in)
    assert demo.ensure_demo(built_in) == built_in and demo.is_demo(built_in)
    assert (tmp_path / "data" / "demo-2023.old.xlsx").read_bytes() == b"an old demo, or anything"


def test_a_secrets_folder_streamlit_cannot_read_is_not_no_configuration(app_env, tmp_path) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "README").write_text("khoá ở đây")  # a plain file where Streamlit wants one folder per secret
    st_config.set_option("secrets.files", [str(folder)])
    assert_stopped_on_configuration(run_app())


def test_a_dangling_secrets_link_is_not_no_configuration(app_env, tmp_path) -> None:
    link = tmp_path / "secrets.toml"
    link.symlink_to(tmp_path / "gone.toml")
    st_config.set_option("secrets.files", [str(link)])
    assert "không còn tồn tại" in assert_stopped_on_configuration(run_app())


def test_a_secrets_file_saved_with_a_bom_says_so(secrets_file) -> None:
    path = secrets_file("")
    path.write_bytes("\ufeffdemo_mode = true\n".encode())
    assert "UTF-8 có BOM" in assert_stopped_on_configuration(run_app())


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        *[("127.0.0.1:8501", True), ("localhost:8501", True), ("[::1]:8501", True), (None, True)],
        *[("rebind.attacker.example:8501", False), ("192.0.2.4", False), ("[2001:db8::1]:80", False)],
    ],
)
def test_demo_mode_answers_only_to_this_machines_names(host, allowed) -> None:
    """DNS rebinding: a page the operator visits points its own name at 127.0.0.1 and reads the demo."""
    from reporting.config import check_host

    if allowed:
        check_host("demo", "127.0.0.1", host)
    else:
        with pytest.raises(ConfigError, match=r"127\.0\.0\.1 hoặc localhost"):
            check_host("demo", "127.0.0.1", host)
    check_host("sign_in", "127.0.0.1", "cchc.example.vn")  # behind a proxy with sign-in: any name
    check_host("kiosk", "0.0.0.0", "man-hinh.example.vn")


# ---- [smtp], the reminders' mail server ----------------------------------------------------------------------

SMTP_OK = {
    "host": "smtp.so.example.vn",
    "port": 587,
    "security": "starttls",
    "username": "vanphong@so.example.vn",
    "password": PLANTED,
    "from_address": "vanphong@so.example.vn",
}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"security": "none"}, 'security = "none" (không mã hoá) cho một máy chủ không phải máy này'),
        ({"security": "tls1"}, 'Khoá «security» của mục [smtp] phải là "starttls", "ssl" hoặc "none"'),
        ({"host": None}, "Mục [smtp] thiếu khoá «host»"),
        ({"host": "smtp://smtp.so.example.vn"}, "Khoá «host» của mục [smtp] phải là tên hoặc địa chỉ IP"),
        ({"port": "587"}, "Khoá «port» của mục [smtp] phải là một số nguyên từ 1 đến 65535"),
        ({"port": 70000}, "Khoá «port» của mục [smtp] phải là một số nguyên từ 1 đến 65535"),
        ({"username": None}, "Mục [smtp] cần cả «username» và «password»"),
        ({"password": "..."}, "Khoá «password» của mục [smtp] vẫn là giá trị mẫu"),
        ({"password": 12345678}, "Khoá «password» của mục [smtp] phải là một chuỗi"),
        (
            {"from_address": "Văn phòng <vp@so.example.vn>"},
            "Khoá «from_address» của mục [smtp] phải là một địa chỉ email",
        ),
        ({"pasword": PLANTED}, "Mục [smtp] có khoá lạ «pasword»"),
        ({"timeout_seconds": 0}, "Khoá «timeout_seconds» của mục [smtp] phải là một số nguyên từ 1 đến 300"),
    ],
    ids=[
        "plain text to another host",
        "unknown security",
        "no host",
        "a URL as host",
        "port as text",
        "port out of range",
        "password without username",
        "example password",
        "password not text",
        "from with a name",
        "misspelt key",
        "no timeout",
    ],
)
def test_an_smtp_table_that_cannot_be_used_is_refused_naming_the_key_never_the_password(change, said) -> None:
    table = {k: v for k, v in {**SMTP_OK, **change}.items() if v is not None}
    with pytest.raises(ConfigError) as refused:
        read_config({"smtp": table}, {})
    problems = " ".join(refused.value.problems)
    assert said in problems and PLANTED not in problems and "12345678" not in problems


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_an_unencrypted_smtp_server_is_allowed_on_loopback_only(host) -> None:
    smtp = read_config({"smtp": {**SMTP_OK, "host": host, "security": "none"}}, {}).smtp
    assert smtp is not None and smtp.security == "none" and smtp.port == 587
    assert PLANTED not in repr(smtp)  # the password is never part of a printed configuration


def test_the_smtp_port_follows_security_when_not_given() -> None:
    ports = {}
    for security in ("starttls", "ssl"):
        table = {k: v for k, v in SMTP_OK.items() if k != "port"}
        ports[security] = read_config({"smtp": {**table, "security": security}}, {}).smtp.port
    assert ports == {"starttls": 587, "ssl": 465}


def test_a_bad_smtp_table_stops_the_app_and_the_command_line(app_env, tmp_path, monkeypatch, capsys) -> None:
    said = assert_stopped_on_configuration(run_app(smtp={**SMTP_OK, "security": "none"}))
    assert 'security = "none"' in said and PLANTED not in said
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[smtp]\nhost = "smtp.so.example.vn"\nsecurity = "none"\nfrom_address = "vp@so.example.vn"\n'
        f'username = "vp"\npassword = "{PLANTED}"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit) as stop:
        cli.main(["remind", "--dry-run"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "cấu hình chưa đúng" in err and 'security = "none"' in err and PLANTED not in err


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"app_url": "cchc.so.example.vn"}, "«app_url» (biến môi trường CCHC_APP_URL) phải là một địa chỉ bắt đầu"),
        ({"app_url": "https://cchc.so.example.vn/ don-vi"}, "«app_url»"),
        ({"reminder_digest_to": "vanphong"}, "Phần tử thứ 1 của cấu hình «reminder_digest_to»"),
        ({"reminder_digest_to": ["vp@so.example.vn", 5]}, "Phần tử thứ 2 của cấu hình «reminder_digest_to»"),
        ({"due_soon_days": 93}, "«due_soon_days» (biến môi trường CCHC_DUE_SOON_DAYS) phải trong khoảng 0–92"),
    ],
    ids=["address without https", "address with a space", "not an email", "not text", "more than a quarter"],
)
def test_a_reminder_setting_that_cannot_be_read_is_named(values, said) -> None:
    with pytest.raises(ConfigError) as refused:
        read_config(values, {})
    assert said in " ".join(refused.value.problems)


def test_reminder_settings_from_the_file_and_the_environment() -> None:
    config = read_config(
        {"reminder_digest_to": ["VP@so.example.vn", "gd@so.example.vn"], "roles": {"office": ["vt@so.example.vn"]}},
        {"CCHC_DUE_SOON_DAYS": "3", "CCHC_APP_URL": "https://cchc.so.example.vn"},
    )
    assert config.settings.due_soon_days == 3 and config.settings.app_url == "https://cchc.so.example.vn"
    assert config.digest_to == ("vp@so.example.vn", "gd@so.example.vn")
    assert read_config({"roles": {"office": ["vt@so.example.vn"]}}, {}).digest_to == ("vt@so.example.vn",)
    from_env = read_config({}, {"CCHC_REMINDER_DIGEST_TO": "a@so.example.vn; b@so.example.vn"})
    assert from_env.settings.reminder_digest_to == ("a@so.example.vn", "b@so.example.vn")
