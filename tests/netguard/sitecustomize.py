"""Loopback only, for the test process and every Python process a test starts (the CLI, `streamlit run`).

The suite puts this folder first on PYTHONPATH, so Python imports this file at start-up in each child
process; `tests/conftest.py` calls `install()` in the test process itself. Connections and name lookups
of anything but loopback are refused, and each refusal is written to stderr, where a test sees it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

GUARD_DIR = os.path.dirname(os.path.abspath(__file__))
_LOCAL_NAMES = frozenset({"", "localhost", "localhost.localdomain", "ip6-localhost"})
_real = {
    "connect": socket.socket.connect,
    "connect_ex": socket.socket.connect_ex,
    "getaddrinfo": socket.getaddrinfo,
    "gethostbyname": socket.gethostbyname,
    "gethostbyname_ex": socket.gethostbyname_ex,
}


def is_local(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    text = str(host).strip("[]").lower()
    if text in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str, host: object) -> None:
    message = f"loopback guard: refused {what} of non-loopback host {host!r}"
    print(message, file=sys.stderr)
    raise ConnectionRefusedError(message)


def _check_address(address: object) -> None:
    if isinstance(address, tuple) and address and not is_local(address[0]):
        _refuse("a connection", address[0])


def _connect(self: socket.socket, address: object) -> None:
    _check_address(address)
    return _real["connect"](self, address)


def _connect_ex(self: socket.socket, address: object) -> int:
    _check_address(address)
    return _real["connect_ex"](self, address)


def _getaddrinfo(host: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
    if not is_local(host):
        _refuse("a name lookup", host)
    return _real["getaddrinfo"](host, *args, **kwargs)


def _gethostbyname(host: str) -> str:
    if not is_local(host):
        _refuse("a name lookup", host)
    return _real["gethostbyname"](host)


def _gethostbyname_ex(host: str):  # type: ignore[no-untyped-def]
    if not is_local(host):
        _refuse("a name lookup", host)
    return _real["gethostbyname_ex"](host)


def install() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]
    socket.gethostbyname = _gethostbyname  # type: ignore[assignment]
    socket.gethostbyname_ex = _gethostbyname_ex  # type: ignore[assignment]


def uninstall() -> None:
    socket.socket.connect = _real["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = _real["connect_ex"]  # type: ignore[method-assign]
    socket.getaddrinfo = _real["getaddrinfo"]  # type: ignore[assignment]
    socket.gethostbyname = _real["gethostbyname"]  # type: ignore[assignment]
    socket.gethostbyname_ex = _real["gethostbyname_ex"]  # type: ignore[assignment]


def with_guard(pythonpath: str | None) -> str:
    """A PYTHONPATH value with this folder first."""
    return os.pathsep.join([GUARD_DIR, *([pythonpath] if pythonpath else [])])


if os.environ.get("CCHC_TEST_NETGUARD") == "1":  # set by the suite for its children; never in production
    install()
