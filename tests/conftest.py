"""Shared test set-up: no test may open a connection anywhere but loopback.

Fixture modules of each area are listed in `pytest_plugins` so this file stays small.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

pytest_plugins: list[str] = ["tests.fakesheets.fixtures", "tests.app_fixtures"]

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_loopback(address: object) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if host != "localhost":
                raise ConnectionRefusedError(f"test tried to reach non-loopback host {host!r}") from None
            return
        if not ip.is_loopback:
            raise ConnectionRefusedError(f"test tried to reach non-loopback address {host!r}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check_loopback(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check_loopback(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only():
    """Fail any connection to a non-loopback address (Google included) for the whole session."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
