"""Sending the reminders over SMTP (`reporting.remind.Mailer`): STARTTLS or SSL, a login from `[smtp]`.

The reminders' adapter, beside `sheets/` (the spreadsheet's): `reporting` decides what to send and never
imports smtplib. Every failure becomes `reporting.errors.MailError` with a Vietnamese reason built here from
the kind of failure and the server's reply code, never from the exception's text (a server may echo what it
was sent) and never with the password; smtplib's debug output, which would show the AUTH exchange, stays
off. `security = "starttls"` never falls back to a plain connection: a server without STARTTLS is refused.

One connection serves a run and is closed after any failure; the next message opens a new one. A failure
before a message could be handed over (no connection, TLS refused, login refused) lasts for the run: the
later messages fail at once with the same reason instead of knocking again (repeated wrong logins lock
accounts, and an unreachable server would cost a timeout per unit). A connection dropped while a message
was being sent fails that message only; it may or may not have been delivered, and is sent again by the
next run (at least once, never silently lost).
"""

from __future__ import annotations

import base64
import errno
import logging
import smtplib
import socket
import ssl
from email.header import Header
from email.headerregistry import Address
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid

from reporting.config import SmtpSettings
from reporting.errors import MailError
from reporting.remind import Mail

log = logging.getLogger(__name__)


class _Lasting(Exception):
    """Raised around a failure that happened before any message was handed over, with its stage."""

    def __init__(self, cause: BaseException, stage: str) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.stage = stage  # "connect", "tls" or "login"


class SmtpMailer:
    """Delivers `Mail` through the server of `[smtp]`. `context` is the TLS context (default: the system's
    trusted certificates, host names checked); tests hand in one that trusts their own loopback server."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        sender_name: str = "",
        context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        self.settings = settings
        self.sender_name = " ".join(sender_name.split())
        self.context = context if context is not None else ssl.create_default_context()
        # smtplib would ask the resolver for this machine's full name (a DNS lookup) for EHLO; its plain name
        # is enough for a submission server.
        self.local_hostname = local_hostname or socket.gethostname() or "localhost"
        self._client: smtplib.SMTP | None = None
        self._refused: str | None = None

    # ---- the Mailer protocol -----------------------------------------------------------------------------------

    def send(self, mail: Mail) -> tuple[str, ...]:
        if self._refused is not None:
            raise MailError(self._refused)
        try:
            message = self._message(mail)
        except (ValueError, TypeError, IndexError):
            raise MailError(
                f"Không tạo được thư: một địa chỉ người nhận không hợp lệ ({', '.join(mail.to)})."
            ) from None
        try:
            refused = self._connected().send_message(message)  # the recipients refused while others took it
        except _Lasting as lasting:
            self.close()
            self._refused = _reason(lasting.cause, self.settings, lasting.stage)
            log.warning("email not sent: %s", self._refused)
            raise MailError(self._refused) from None
        except (smtplib.SMTPException, OSError, UnicodeError, ValueError) as exc:
            self.close()
            reason = _reason(exc, self.settings)
            log.warning("email not sent: %s", reason)
            raise MailError(reason) from None
        return tuple(sorted(refused))

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- the parts ---------------------------------------------------------------------------------------------

    def _message(self, mail: Mail) -> MIMEText:
        """The message, its Vietnamese headers encoded by `email.header` (RFC 2047). Not `EmailMessage`: its
        folding of a long header can put the space between two words between two encoded words, where mail
        programs drop it («Cai nghiện» arrives as «Cainghiện»; CPython 3.11)."""
        if not mail.to:
            raise ValueError("no recipient")
        for address in (*mail.to, self.settings.from_address):
            Address(addr_spec=address)  # raises on anything but one plain address (no name, no second address)
        message = MIMEText(mail.body, "plain", "utf-8")
        message["From"] = formataddr((self.sender_name, self.settings.from_address), charset="utf-8")
        message["To"] = ", ".join(mail.to)
        message["Subject"] = Header(" ".join(mail.subject.split()), "utf-8")
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=self.settings.from_address.rsplit("@", 1)[-1])
        return message

    def _connected(self) -> smtplib.SMTP:
        """The open connection, or a new one: connected, encrypted as `security` says, logged in."""
        if self._client is not None:
            return self._client
        s = self.settings
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, local_hostname=self.local_hostname, timeout=s.timeout_seconds, context=self.context
                )
            else:
                client = smtplib.SMTP(s.host, s.port, local_hostname=self.local_hostname, timeout=s.timeout_seconds)
        except (smtplib.SMTPException, OSError) as exc:
            raise _Lasting(exc, "connect") from None
        stage = "connect"
        try:
            client.ehlo()
            if s.security == "starttls":
                stage = "tls"
                client.starttls(context=self.context)
                client.ehlo()
            if s.username:
                stage = "login"
                _login(client, s.username, s.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            client.close()
            raise _Lasting(exc, stage) from None
        self._client = client
        return client


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib's login, or for a name or password beyond ASCII (a Vietnamese letter), AUTH PLAIN in UTF-8
    (RFC 4616): smtplib encodes what it sends as ASCII and would fail on it."""
    try:
        (username + password).encode("ascii")
    except UnicodeEncodeError:
        client.ehlo_or_helo_if_needed()
        if "PLAIN" not in client.esmtp_features.get("auth", "").upper().split():
            raise smtplib.SMTPNotSupportedError("AUTH PLAIN not offered") from None
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
        code, answer = client.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, answer) from None
        return
    client.login(username, password)


def _reason(exc: BaseException, s: SmtpSettings, stage: str = "send") -> str:
    """A Vietnamese sentence for a failure: its kind and the server's reply code, never its text."""
    where = f"{s.host}:{s.port}"
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"Máy chủ thư {where} từ chối đăng nhập (mã {code}): kiểm tra «username» và «password» của mục [smtp] "
            "(Gmail, Microsoft 365 cần mật khẩu ứng dụng)."
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "tls":
        return (
            f"Máy chủ thư {where} không hỗ trợ STARTTLS, mà ứng dụng không gửi thư không mã hoá: kiểm tra «port» và "
            '«security» của mục [smtp] (cổng 465 dùng security = "ssl").'
        )
    no_method = type(exc) is smtplib.SMTPException or isinstance(exc, smtplib.SMTPNotSupportedError)
    if stage == "login" and no_method:  # the server offers no AUTH, or none of the methods smtplib speaks
        return (
            f"Máy chủ thư {where} không cho đăng nhập bằng «username» và «password» theo cách ứng dụng hỗ trợ: "
            "kiểm tra «port» và «security» của mục [smtp], hoặc bỏ hai khoá đó nếu máy chủ không cần đăng nhập."
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"Máy chủ thư từ chối địa chỉ gửi «{s.from_address}» (mã {code}): kiểm tra «from_address» của mục "
            "[smtp] (thường phải trùng tài khoản đăng nhập)."
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"Máy chủ thư từ chối địa chỉ người nhận: {', '.join(sorted(exc.recipients))}."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return (
            f"Máy chủ thư {where} ngắt kết nối giữa chừng; thư có thể chưa tới người nhận và sẽ được gửi lại ở lần "
            "chạy sau."
        )
    if isinstance(exc, smtplib.SMTPConnectError):
        return f"Máy chủ thư {where} không nhận kết nối (mã {code})."
    if isinstance(exc, smtplib.SMTPDataError):
        return f"Máy chủ thư từ chối nội dung thư (mã {code})."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"Máy chủ thư {where} trả lời lỗi (mã {code})."
    if isinstance(exc, smtplib.SMTPException):
        return f"Máy chủ thư {where} không nhận cách đăng nhập hay gửi thư của ứng dụng ({type(exc).__name__})."
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"Chứng chỉ TLS của máy chủ thư {s.host} không được tin cậy hoặc không khớp tên máy: kiểm tra «host» "
            "của mục [smtp]."
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"Không thiết lập được kết nối mã hoá với máy chủ thư {where}: kiểm tra «security» và «port» của mục "
            '[smtp] (cổng 465 thường là "ssl", cổng 587 là "starttls").'
        )
    if isinstance(exc, socket.gaierror):
        return f"Không tìm thấy máy chủ thư «{s.host}»: kiểm tra «host» của mục [smtp] và kết nối mạng."
    if isinstance(exc, TimeoutError):
        return f"Máy chủ thư {where} không trả lời trong {s.timeout_seconds} giây."
    if isinstance(exc, ConnectionRefusedError):
        return f"Không kết nối được tới máy chủ thư {where} (bị từ chối kết nối): kiểm tra «host» và «port» của mục [smtp]."
    if isinstance(exc, ConnectionError):
        return (
            f"Kết nối tới máy chủ thư {where} bị ngắt; thư có thể chưa tới người nhận và sẽ được gửi lại ở lần chạy "
            "sau."
        )
    if isinstance(exc, OSError):
        name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
        return f"Lỗi mạng khi gửi thư tới máy chủ {where} ({name})."
    return f"Không gửi được thư ({type(exc).__name__})."
