"""The SMTP adapter (`mailer.smtp.SmtpMailer`) against a real server on loopback: STARTTLS and SSL with a
certificate checked by host name, never a plain connection when encryption is asked for, a refused login
said once and not knocked on again, failures as Vietnamese sentences without the password."""

from __future__ import annotations

import pytest

from mailer.smtp import SmtpMailer
from reporting.errors import MailError
from reporting.remind import Mail
from tests.smtpserver import SmtpServer

PASSWORD = "PLANTEDsmtp-Mật-khẩu-9x7q"
# Long enough to be folded: the space of «Cai nghiện» must survive (CPython's EmailMessage folding drops it).
SUBJECT = "Nhắc nộp 2 báo cáo quý công tác truyền thông CCHC chưa nộp – Cơ sở Cai nghiện ma túy tỉnh"
MAIL = Mail(("vp@so.example.vn", "vp2@so.example.vn"), SUBJECT, "Kính gửi: Văn phòng Sở\nHạn 14/03/2024.\n")


@pytest.mark.parametrize("security", ["none", "starttls", "ssl"])
def test_a_message_goes_out_encrypted_as_asked_in_vietnamese(security) -> None:
    with SmtpServer(security=security, password=PASSWORD) as server:
        with SmtpMailer(
            server.settings(), sender_name="SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", context=server.client_context()
        ) as mailer:
            mailer.send(MAIL)
            mailer.send(MAIL)  # the same connection serves the next message
        first, _second = server.received
    assert first.rcpt_tos == ["vp@so.example.vn", "vp2@so.example.vn"]
    message = first.message
    assert first.shown("Subject") == message["Subject"] == SUBJECT  # as a mail program shows it, and Python
    assert first.shown("From") == "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI <vanphong@so.example.vn>"
    assert first.body.replace("\r\n", "\n") == MAIL.body
    assert message["Message-ID"].endswith("@so.example.vn>") and message["Date"]
    assert server.handler.logins == ["vanphong"]  # one login for both messages


def test_starttls_asked_of_a_server_without_it_is_refused_never_sent_in_plain_text() -> None:
    with SmtpServer(security="none", password=PASSWORD) as server:
        mailer = SmtpMailer(server.settings(security="starttls"))
        with pytest.raises(MailError, match="không hỗ trợ STARTTLS, mà ứng dụng không gửi thư không mã hoá"):
            mailer.send(MAIL)
        assert server.received == [] and server.handler.logins == []  # the password never crossed in clear


def test_a_certificate_the_system_does_not_trust_is_refused() -> None:
    with SmtpServer(security="starttls", password=PASSWORD) as server:
        mailer = SmtpMailer(server.settings())  # the system's trust store: the test's certificate is not in it
        with pytest.raises(MailError, match=r"Chứng chỉ TLS của máy chủ thư 127\.0\.0\.1 không được tin cậy"):
            mailer.send(MAIL)
        assert server.received == [] and server.handler.logins == []


def test_a_refused_login_is_said_once_and_not_tried_again_in_the_run() -> None:
    with SmtpServer(password=PASSWORD) as server:
        mailer = SmtpMailer(server.settings(password="PLANTEDwrong-pass-4k2z"))
        reasons = []
        for _ in range(3):
            with pytest.raises(MailError) as failed:
                mailer.send(MAIL)
            reasons.append(str(failed.value))
        tries = len(server.handler.logins)
    assert len(set(reasons)) == 1 and "từ chối đăng nhập (mã 535)" in reasons[0]
    assert "PLANTED" not in reasons[0]
    assert tries == 2  # smtplib tried its two methods once; the second and third sends knocked no more


def test_an_unreachable_server_is_a_sentence() -> None:
    with SmtpServer() as server:
        port = server.port
    mailer = SmtpMailer(server.settings(port=port))  # the server has stopped: nobody listens there
    with pytest.raises(MailError, match=r"Không kết nối được tới máy chủ thư 127\.0\.0\.1:\d+ \(bị từ chối kết nối\)"):
        mailer.send(MAIL)


def test_refused_recipients_and_a_bad_address_are_said() -> None:
    with SmtpServer() as server:
        server.handler.refuse_to.update({"vp2@so.example.vn", "gone@so.example.vn"})
        mailer = SmtpMailer(server.settings())
        assert mailer.send(MAIL) == ("vp2@so.example.vn",)  # delivered to vp@, said for vp2@
        with pytest.raises(MailError, match=r"từ chối địa chỉ người nhận: gone@so\.example\.vn"):
            mailer.send(Mail(("gone@so.example.vn",), "x", "y"))
        with pytest.raises(MailError, match="một địa chỉ người nhận không hợp lệ"):
            mailer.send(Mail(("không phải email",), "x", "y"))
        assert mailer.send(Mail(("vp@so.example.vn",), "Thư sau", "vẫn gửi được")) == ()
        assert [(r.message["Subject"], r.rcpt_tos) for r in server.received] == [
            (SUBJECT, ["vp@so.example.vn"]),
            ("Thư sau", ["vp@so.example.vn"]),
        ]
