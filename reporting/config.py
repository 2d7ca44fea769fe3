"""The installation's configuration, read strictly: the secrets file, `[auth]`, `[roles]`, the settings.

Fail closed: a configuration that cannot be read is never taken as "no configuration". Every problem
becomes a Vietnamese sentence that names the file, the line or the key, never a value (a value typed in
the wrong place may be a password or a private key). The app shows them on one configuration page and
stops; the command line prints them and exits 2.

The mode the app runs in follows from what was read (`app_mode`):
- `sign_in`: `[auth]` is set; everyone signs in, roles come from `[roles]` and the unit list;
- `demo`: no secrets file and no source (the built-in demo workbook), or `demo_mode = true`: a role
  picker stands in for sign-in;
- `kiosk`: `kiosk = true` without `[auth]`: read-only for everyone;
- anything else without `[auth]` is refused: a real spreadsheet is never shown to whoever opens the page.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from reporting.redact import REDACTOR, secret_values
from reporting.settings import SETTING_NAMES, Settings, SettingsError

Mode = Literal["sign_in", "demo", "kiosk"]
SECTIONS = ("gcp_service_account", "auth", "roles", "connections", "smtp")  # tables the secrets file may hold
ROLE_KEYS = ("office", "leadership")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_REASONS = (  # tomllib's message → what a clerk can fix
    ("Cannot overwrite a value", "một khoá được khai báo hai lần"),
    ("Cannot declare", "một mục [bảng] được khai báo hai lần"),
    ("Unterminated string", "thiếu dấu nháy đóng chuỗi"),
    ("Illegal character", "có ký tự không hợp lệ (thường là thiếu dấu nháy quanh giá trị)"),
    ("Invalid value", "giá trị không hợp lệ (chuỗi phải đặt trong dấu nháy)"),
    ("Expected '=' after a key", "thiếu dấu «=» sau tên khoá"),
    ("Invalid initial character for a key part", "tên khoá không hợp lệ"),
    ("Expected newline or end of document", "dòng có thêm ký tự sau giá trị"),
)


class ConfigError(Exception):
    """The configuration cannot be used; `problems` are Vietnamese sentences (no values).

    `partial` is set when only settings are wrong while `[auth]` and `[roles]` were read without
    problems: the app then lets people sign in and shows the details to the office only.
    """

    def __init__(self, problems: list[str], *, partial: Config | None = None) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
        self.partial = partial


@dataclass(frozen=True)
class Roles:
    office: frozenset[str] = frozenset()
    leadership: frozenset[str] = frozenset()

    def as_mapping(self) -> dict[str, list[str]]:
        return {"office": sorted(self.office), "leadership": sorted(self.leadership)}


Security = Literal["starttls", "ssl", "none"]
SMTP_KEYS = ("host", "port", "security", "username", "password", "from_address", "timeout_seconds")
SMTP_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    """The `[smtp]` table: how reminders are sent (`mailer.smtp`). The password is never part of its repr."""

    host: str
    port: int
    security: Security
    from_address: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: int = 30


@dataclass(frozen=True)
class Config:
    settings: Settings
    auth: Mapping[str, Any] | None = None  # st.login's settings; only its presence and provider names are used
    roles: Roles = field(default_factory=Roles)
    service_account: Mapping[str, Any] | None = None
    has_secrets: bool = False  # a secrets file (or Streamlit's secrets) exists at all
    smtp: SmtpSettings | None = None  # the `[smtp]` table; None: reminders cannot be sent

    @property
    def digest_to(self) -> tuple[str, ...]:
        """Who gets the digest of a reminder run: `reminder_digest_to`, else the `[roles]` office."""
        return self.settings.reminder_digest_to or tuple(sorted(self.roles.office))


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """The secrets file's tables, or ConfigError naming the file and the line (tomllib's position)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        place = f", dòng {where.group(1)}, cột {where.group(2)}" if where else ""
        reason = next((vi for en, vi in _TOML_REASONS if en in message), "sai cú pháp TOML")
        raise ConfigError(
            [f"Tệp cấu hình {label} không đọc được{place}: {reason}. Sửa tệp rồi khởi động lại ứng dụng."]
        ) from None


MIN_COOKIE_SECRET = 32  # characters: `python -c "import secrets; print(secrets.token_urlsafe(32))"` gives 43
# Values copied from .streamlit/secrets.toml.example (or left as the usual placeholders) are not secrets.
PLACEHOLDERS = frozenset({"a long random string", "...", "....apps.googleusercontent.com", "changeme", "secret", "xxx"})


def _placeholder(value: Any) -> bool:
    text = str(value).strip().lower()
    return text in PLACEHOLDERS or set(text) <= set(".x*-_ ")


def _auth_problems(auth: Any) -> list[str]:
    if not isinstance(auth, Mapping):
        return ["Mục [auth] phải là một bảng (dòng «[auth]» rồi các khoá bên dưới)."]
    problems = []
    for key in ("redirect_uri", "cookie_secret"):
        if not _text(auth.get(key)):
            problems.append(f"Mục [auth] thiếu khoá «{key}» (hoặc khoá này để trống).")
    secret = auth.get("cookie_secret")
    # Whoever knows the cookie secret can sign an identity cookie for any email, the office's included.
    if _text(secret) and (_placeholder(secret) or len(str(secret).strip()) < MIN_COOKIE_SECRET):
        problems.append(
            f"Khoá «cookie_secret» của mục [auth] phải là một chuỗi ngẫu nhiên dài ít nhất {MIN_COOKIE_SECRET} ký tự, "
            'riêng cho máy chủ này (tạo bằng: python -c "import secrets; print(secrets.token_urlsafe(32))"), '
            "không phải giá trị mẫu."
        )
    redirect = auth.get("redirect_uri")
    if _text(redirect) and not str(redirect).strip().endswith("/oauth2callback"):
        problems.append(
            "Khoá «redirect_uri» của mục [auth] phải là địa chỉ của ứng dụng kết thúc bằng /oauth2callback."
        )
    providers = {name: value for name, value in auth.items() if isinstance(value, Mapping)}
    direct = [key for key in PROVIDER_KEYS if key in auth]
    if not providers and not direct:
        problems.append(
            "Mục [auth] chưa có nhà cung cấp đăng nhập: cần client_id, client_secret và server_metadata_url "
            "(ngay trong [auth] hoặc trong một bảng [auth.TÊN])."
        )
    tables: list[tuple[str, Mapping[str, Any]]] = [("[auth]", auth)] if direct else []
    tables += [(f"[auth.{name}]", value) for name, value in providers.items()]
    for label, table in tables:
        for key in PROVIDER_KEYS:
            if not _text(table.get(key)):
                problems.append(f"Mục {label} thiếu khoá «{key}» (hoặc khoá này để trống).")
            elif _placeholder(table.get(key)):
                problems.append(f"Khoá «{key}» của mục {label} vẫn là giá trị mẫu: chép giá trị thật từ nhà cung cấp.")
        metadata = table.get("server_metadata_url")
        if _text(metadata) and not str(metadata).strip().startswith("https://"):
            problems.append(f"Khoá «server_metadata_url» của mục {label} phải là một địa chỉ https://.")
    return problems


def _roles(table: Any) -> tuple[Roles, list[str]]:
    if table is None:
        return Roles(), []
    if not isinstance(table, Mapping):
        return Roles(), ["Mục [roles] phải là một bảng với hai khoá office và leadership."]
    problems = [
        f"Mục [roles] có khoá lạ «{key}»: chỉ dùng office (Văn phòng Sở) và leadership (Lãnh đạo Sở)."
        for key in table
        if key not in ROLE_KEYS
    ]
    lists: dict[str, frozenset[str]] = {}
    for key in ROLE_KEYS:
        value = table.get(key, [])
        if not isinstance(value, list):
            problems.append(
                f"Khoá «{key}» của mục [roles] phải là một danh sách email trong ngoặc vuông, "
                f'ví dụ {key} = ["ten@example.vn"].'
            )
            continue
        emails = set()
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str) or not EMAIL.match(item.strip()):
                problems.append(
                    f"Phần tử thứ {position} của khoá «{key}» trong mục [roles] không phải một địa chỉ email."
                )
            else:
                emails.add(item.strip().lower())
        lists[key] = frozenset(emails)
    both = lists.get("office", frozenset()) & lists.get("leadership", frozenset())
    if both:
        problems.append(
            f"{len(both)} địa chỉ email có trong cả office và leadership của mục [roles]: mỗi email chỉ một vai trò."
        )
    return Roles(lists.get("office", frozenset()), lists.get("leadership", frozenset())), problems


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$")


def _smtp(table: Any) -> tuple[SmtpSettings | None, list[str]]:
    """The `[smtp]` table, read strictly: every problem names its key, never its value (the password)."""
    if table is None:
        return None, []
    if not isinstance(table, Mapping):
        return None, ["Mục [smtp] phải là một bảng (dòng «[smtp]» rồi các khoá bên dưới)."]
    problems = [
        f"Mục [smtp] có khoá lạ «{key}»: chỉ dùng {', '.join(SMTP_KEYS)} (xem README)."
        for key in table
        if key not in SMTP_KEYS
    ]
    host = table.get("host")
    if not _text(host):
        problems.append("Mục [smtp] thiếu khoá «host» (máy chủ gửi thư, ví dụ smtp.gmail.com).")
    elif not _HOST.match(str(host).strip()):
        problems.append(
            "Khoá «host» của mục [smtp] phải là tên hoặc địa chỉ IP của máy chủ thư (không có smtp://, dấu cách hay cổng)."
        )
    security = table.get("security", "starttls")
    security = security.strip().lower() if isinstance(security, str) else security
    if not isinstance(security, str) or security not in SMTP_PORTS:
        problems.append('Khoá «security» của mục [smtp] phải là "starttls", "ssl" hoặc "none".')
        security = "starttls"
    elif security == "none" and _text(host) and not is_loopback(str(host).strip()):
        problems.append(
            'Mục [smtp] đặt security = "none" (không mã hoá) cho một máy chủ không phải máy này: mật khẩu và nội dung '
            'thư sẽ đi qua mạng không mã hoá. Dùng "starttls" hoặc "ssl"; "none" chỉ dành cho máy chủ thử trên 127.0.0.1.'
        )
    port = table.get("port", SMTP_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        problems.append("Khoá «port» của mục [smtp] phải là một số nguyên từ 1 đến 65535 (thường 587 hoặc 465).")
        port = SMTP_PORTS[security]
    timeout = table.get("timeout_seconds", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 300:
        problems.append("Khoá «timeout_seconds» của mục [smtp] phải là một số nguyên từ 1 đến 300.")
        timeout = 30
    sender = table.get("from_address")
    if not _text(sender):
        problems.append("Mục [smtp] thiếu khoá «from_address» (địa chỉ gửi thư nhắc, ví dụ vanphong@…).")
    elif not EMAIL.match(str(sender).strip()) or any(c in str(sender) for c in '<>,;"\r\n'):
        problems.append("Khoá «from_address» của mục [smtp] phải là một địa chỉ email.")
    username, password = table.get("username"), table.get("password")
    for key, value in (("username", username), ("password", password)):
        if value is not None and not isinstance(value, str):
            problems.append(f"Khoá «{key}» của mục [smtp] phải là một chuỗi trong dấu nháy.")
    if _text(username) != _text(password):
        problems.append(
            "Mục [smtp] cần cả «username» và «password» (hoặc bỏ cả hai khi máy chủ không yêu cầu đăng nhập)."
        )
    elif _text(password) and _placeholder(password):
        problems.append(
            "Khoá «password» của mục [smtp] vẫn là giá trị mẫu: ghi mật khẩu thật (hoặc mật khẩu ứng dụng)."
        )
    if problems:
        return None, problems
    return (
        SmtpSettings(
            host=str(host).strip(),
            port=int(port),
            security=security,
            from_address=str(sender).strip(),
            username=str(username) if _text(username) else None,
            password=str(password) if _text(password) else None,
            timeout_seconds=int(timeout),
        ),
        [],
    )


def read_config(secrets: Mapping[str, Any] | None, environ: Mapping[str, str]) -> Config:
    """The configuration from the secrets' tables (None: no secrets file) and the `CCHC_*` environment.

    Raises ConfigError listing every problem found.
    """
    data = dict(secrets or {})
    REDACTOR.remember(secret_values(data))  # before anything can fail and be logged
    problems: list[str] = []
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, Mapping):
                problems.append(f"Mục [{key}] của tệp cấu hình phải là một bảng (dòng «[{key}]» rồi các khoá).")
        elif key not in SETTING_NAMES:
            kind = "bảng" if isinstance(value, Mapping) else "khoá"
            problems.append(f"Tệp cấu hình có {kind} lạ «{key}»: không phải một mục cấu hình đã biết (xem README).")
    auth = data.get("auth")
    auth_problems = _auth_problems(auth) if auth is not None else []
    roles, role_problems = _roles(data.get("roles"))
    smtp, smtp_problems = _smtp(data.get("smtp")) if isinstance(data.get("smtp"), Mapping) else (None, [])
    flat = {k: v for k, v in data.items() if k in SETTING_NAMES}
    flat.update({k: v for k, v in environ.items() if k.startswith("CCHC_")})
    try:
        settings = Settings.from_mapping(flat)
    except SettingsError as exc:
        settings, setting_problems = Settings(), exc.problems
    else:
        setting_problems = []
    setting_problems += smtp_problems  # like a setting: the office signs in to read them
    structural = problems + auth_problems + role_problems
    account = data.get("gcp_service_account")
    config = Config(
        settings=settings,
        auth=dict(auth) if isinstance(auth, Mapping) else None,
        roles=roles,
        service_account=dict(account) if isinstance(account, Mapping) else None,
        has_secrets=secrets is not None,
        smtp=smtp,
    )
    if structural or setting_problems:
        partial = config if not structural and config.auth is not None else None
        raise ConfigError(structural + setting_problems, partial=partial)
    return config


def is_loopback(address: str | None) -> bool:
    """True when the server listens on loopback only (an empty address means every interface)."""
    text = (address or "").strip().strip("[]")
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def host_of(header: str | None) -> str:
    """The host name of an HTTP Host header: «[::1]:8501» → «::1», «localhost:8501» → «localhost»."""
    text = (header or "").strip()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def check_host(mode: Mode, bind_address: str | None, host_header: str | None) -> None:
    """Demo mode on loopback answers only to this machine's own names: a web page the operator visits could
    otherwise point a name of its own at 127.0.0.1 (DNS rebinding) and read the app through the browser."""
    if mode != "demo" or not is_loopback(bind_address) or not host_header:
        return
    if not is_loopback(host_of(host_header)):
        raise ConfigError(
            [
                "Ứng dụng đang chạy ở chế độ trình diễn chỉ cho máy này, nên chỉ mở được ở địa chỉ 127.0.0.1 hoặc "
                "localhost. Hãy mở lại bằng địa chỉ đó."
            ]
        )


def app_mode(config: Config, bind_address: str | None) -> Mode:
    """How the app may run with this configuration on this address; ConfigError when it may not run."""
    settings = config.settings
    if config.auth is not None:
        return "sign_in"
    if settings.kiosk:
        return "kiosk"
    demo_default = not config.has_secrets and not settings.source
    if not (demo_default or settings.demo_mode):
        raise ConfigError(
            [
                "Chưa cấu hình đăng nhập (mục [auth] của tệp cấu hình) nên ứng dụng không mở dữ liệu thật cho "
                "người chưa đăng nhập. Văn phòng Sở cấu hình mục [auth] (xem README, phần Đăng nhập); để chạy thử "
                "trên máy này với bộ chọn vai trò, đặt demo_mode = true; để làm màn hình chỉ xem, đặt kiosk = true."
            ]
        )
    if settings.source and not is_loopback(bind_address):
        raise ConfigError(
            [
                "Ứng dụng đang phục vụ qua mạng với một nguồn dữ liệu thật nhưng chưa cấu hình đăng nhập: ai mở "
                "được trang cũng sẽ xem và ghi được. Hãy cấu hình mục [auth] (xem README, phần Đăng nhập), hoặc "
                "chạy trên 127.0.0.1; màn hình chỉ xem không cần đăng nhập thì đặt kiosk = true."
            ]
        )
    return "demo"


def load_secrets_files(paths: list[str]) -> dict[str, Any] | None:
    """The merged tables of the `.toml` files among `paths` that exist (later files win, as in Streamlit);
    None when none exists. ConfigError when one exists but cannot be read or parsed."""
    merged: dict[str, Any] | None = None
    for name in paths:
        path = Path(name).expanduser()
        if path.suffix != ".toml":
            continue
        label = _label(path)
        if path.is_symlink() and not path.exists():
            raise ConfigError([f"Tệp cấu hình {label} là một liên kết tới tệp không còn tồn tại."])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError):
            raise ConfigError(
                [f"Không đọc được tệp cấu hình {label} (không có quyền đọc, hoặc tệp không phải UTF-8)."]
            ) from None
        if text.startswith("\ufeff"):  # Notepad's «UTF-8 with BOM»: Streamlit would not read it either
            raise ConfigError(
                [
                    f"Tệp cấu hình {label} được lưu dạng «UTF-8 có BOM»: lưu lại dạng UTF-8 (không BOM) rồi khởi động lại."
                ]
            )
        merged = {**(merged or {}), **parse_toml(text, label)}
    return merged


def _label(path: Path) -> str:
    """The file as people know it: `.streamlit/secrets.toml`, relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
