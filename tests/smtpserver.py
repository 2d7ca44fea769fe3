"""A real SMTP server on 127.0.0.1 for the reminder tests (aiosmtpd): plain, STARTTLS or SSL with a
certificate made for the test, a login that checks its password, and faults on demand (a connection
dropped in the middle of a message, a refused recipient). Every message it accepts is kept, parsed."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from reporting.config import SmtpSettings

HOST = "127.0.0.1"


@dataclass
class Received:
    """One accepted message: the envelope's recipients and the message as a mail program reads it."""

    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_content()

    def shown(self, name: str) -> str:
        """A header as a mail program shows it. RFC 2047 drops the space between two encoded words, and so does
        `email.header`; `email.policy.default`'s address parser keeps one where a long display name was folded."""
        raw = next((value for key, value in self.message.raw_items() if key.lower() == name.lower()), "")
        return str(make_header(decode_header(raw)))


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    drop_to: set[str] = field(default_factory=set)  # a message to one of these: the connection is cut mid-DATA
    refuse_to: set[str] = field(default_factory=set)  # RCPT TO one of these: 550
    logins: list[str] = field(default_factory=list)  # the user names tried (never the passwords)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address.lower() in self.refuse_to:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_to & {a.lower() for a in envelope.rcpt_tos}:
            server.transport.abort()  # the line goes dead before the server answers the message
            return "421 4.4.2 Connection dropped"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 2.0.0 OK"


class _LoopbackController(Controller):
    """aiosmtpd's controller bound to a free port of 127.0.0.1 chosen by the system (port 0)."""

    def _create_server(self) -> Any:
        async def create() -> Any:
            server = await self.loop.create_server(self._factory_invoker, host=HOST, port=0, ssl=self.ssl_context)
            self.port = server.sockets[0].getsockname()[1]
            return server

        return create()


def _certificate(folder: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert file, key file, cert PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # valid 2020–2120: no test depends on today's date
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 100))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_text(pem)
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file, pem


class SmtpServer:
    """`with SmtpServer(...) as server:` a server on 127.0.0.1; `server.settings()` the `[smtp]` to reach it.

    `security`: "none" (plain), "starttls" (STARTTLS required before AUTH and MAIL) or "ssl" (TLS from the
    first byte). `password`: the only one it accepts for `username` (None: no login needed)."""

    def __init__(self, *, security: str = "none", username: str = "vanphong", password: str | None = None) -> None:
        self.security = security
        self.username, self.password = username, password
        self.handler = _Handler()
        self._folder = tempfile.TemporaryDirectory(prefix="smtp-test-")
        self._pem = ""
        # aiosmtpd knows only STARTTLS as TLS; with implicit TLS ("ssl") the line is encrypted from the start.
        kwargs: dict[str, Any] = {"auth_require_tls": security == "starttls"}
        if password is not None:
            kwargs["authenticator"] = self._authenticate
        if security != "none":
            cert, key, self._pem = _certificate(Path(self._folder.name))
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_context.load_cert_chain(cert, key)
            if security == "starttls":
                kwargs.update(tls_context=server_context, require_starttls=True)
            else:
                kwargs["ssl_context"] = server_context
        self.controller = _LoopbackController(self.handler, hostname=HOST, **kwargs)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        self.handler.logins.append(auth_data.login.decode())
        ok = auth_data.login.decode() == self.username and auth_data.password.decode() == self.password
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()
        self._folder.cleanup()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate (and checks the host name)."""
        return ssl.create_default_context(cadata=self._pem) if self._pem else ssl.create_default_context()

    def table(self, **overrides: Any) -> dict[str, Any]:
        """The `[smtp]` table of a secrets file for this server."""
        table: dict[str, Any] = {
            "host": HOST,
            "port": self.port,
            "security": self.security,
            "from_address": "vanphong@so.example.vn",
        }
        if self.password is not None:
            table.update(username=self.username, password=self.password)
        table.update(overrides)
        return {k: v for k, v in table.items() if v is not None}

    def settings(self, **overrides: Any) -> SmtpSettings:
        from reporting.config import read_config

        config = read_config({"smtp": self.table(**overrides)}, {})
        assert config.smtp is not None
        return config.smtp
