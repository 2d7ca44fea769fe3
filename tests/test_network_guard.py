"""Nothing leaves the machine, in tests either: every Google host the client may call goes to the fake,
no regional access boundary lookup is made, and the loopback guard refuses name lookups and connections
of other hosts in this process and in the processes tests start."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakesheets.transport import is_google
from tests.netguard.sitecustomize import is_local


def test_a_token_refresh_makes_no_regional_access_boundary_lookup(fake, gclient) -> None:
    book = fake.create_spreadsheet({"Đơn vị": [["Mã"]]})
    gclient.open_by_key(book.spreadsheet_id).fetch_sheet_metadata()
    ops = [r.op for r in fake.requests]
    assert "token" in ops and "metadata" in ops
    assert "allowedLocations" not in ops and "unknown" not in ops
    # The token goes to the key's own token_uri (the fake's loopback address), the rest to Sheets.
    assert {r.host for r in fake.requests} == {"", "sheets.googleapis.com"}


def test_a_boundary_lookup_would_reach_the_fake_not_google(fake, gclient) -> None:
    """If google-auth ever made the lookup again, it would land on the fake (routed), never on a real name."""
    creds = gclient.http_client.auth
    creds.refresh(_request(gclient))
    answer = creds._lookup_regional_access_boundary(_request(gclient), fail_fast=True)
    assert answer == {"locations": [], "encodedLocations": "0x0"}
    assert [r.host for r in fake.requests if r.op == "allowedLocations"] == ["iamcredentials.googleapis.com"]


def _request(gclient):
    from google.auth.transport.requests import Request

    session = gclient.http_client.session
    return Request(session)


@pytest.mark.parametrize(
    ("host", "google"),
    [
        ("sheets.googleapis.com", True),
        ("iamcredentials.googleapis.com", True),
        ("oauth2.googleapis.com", True),
        ("accounts.google.com", True),
        ("www.googleapis.com", True),
        ("evilgoogleapis.com", False),
        ("x.vn", False),
    ],
)
def test_every_google_host_is_routed_to_the_fake(host, google) -> None:
    assert is_google(host) is google


@pytest.mark.parametrize("host", ["example.com", "sheets.googleapis.com", "10.0.0.1", "192.0.2.1"])
def test_the_guard_refuses_name_lookups_and_connections_here(host) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.getaddrinfo(host, 443)
    with pytest.raises(ConnectionRefusedError), socket.socket() as s:
        s.connect((host, 443))


def test_the_guard_lets_loopback_through() -> None:
    assert socket.getaddrinfo("127.0.0.1", 80) and socket.getaddrinfo("localhost", 80)
    assert is_local("::1") and is_local("127.5.5.5") and not is_local("0.0.0.0")


def test_the_guard_is_installed_in_the_processes_tests_start() -> None:
    code = "import socket\ntry:\n    socket.getaddrinfo('example.com', 443)\nexcept ConnectionRefusedError:\n    print('refused')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "refused", done.stderr


def test_the_trace_reader_tells_a_route_probe_from_traffic() -> None:
    """scripts/connections.py, on strace lines: a connected UDP socket that sends nothing is a probe; a DNS
    query, a TCP connection or a datagram sent outside is traffic; loopback is fine."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import connections

    probe = [
        "10 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 20",
        '10 connect(20, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        "10 close(20) = 0",
    ]
    dns = [
        "11 socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_IP) = 5",
        "11 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 12",
        '12 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
        '12 sendto(5, "\\x12\\x34", 2, MSG_NOSIGNAL, NULL, 0) = 2',
    ]
    tcp = [
        "13 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 7",
        '13 connect(7, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16 <unfinished ...>',
        "13 <... connect resumed>) = -1 EINPROGRESS",
    ]
    local = ['14 connect(3, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0']
    report = connections.analyse(probe + local)
    assert not report.left and report.probes["2001:4860:4860::8888:443"] == 1 and report.loopback
    assert connections.analyse(dns).left == {"10.255.255.53:53": 1}
    assert connections.analyse(tcp).left == {"142.250.1.1:443": 1}
