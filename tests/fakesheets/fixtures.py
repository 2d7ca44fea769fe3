"""Pytest fixtures for the fake Sheets server: one server per session, a clean state per test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import gspread
import pytest

from sheets.client import build_client
from sheets.retry import RetryPolicy
from tests.fakesheets.server import FakeSheetsServer

READ_AT = datetime(2023, 6, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


class FakeClock:
    """Monotonic time that only moves when the code under test sleeps: back-off costs no real time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


@pytest.fixture
def fake(fake_server: FakeSheetsServer) -> Iterator[FakeSheetsServer]:
    """The session's fake, emptied of spreadsheets, faults and counts after each test."""
    yield fake_server
    fake_server.clear_faults()
    fake_server.api_enabled = True
    with fake_server.lock:
        fake_server.spreadsheets.clear()
        fake_server.requests.clear()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


def make_policy(clock: FakeClock, **overrides: float) -> RetryPolicy:
    options: dict[str, float] = {"read_timeout": 5.0}
    options.update(overrides)
    return RetryPolicy(sleep=clock.sleep, clock=clock.monotonic, jitter=lambda: 1.0, **options)  # type: ignore[arg-type]


@pytest.fixture
def gclient(fake: FakeSheetsServer, fake_clock: FakeClock) -> gspread.Client:
    """A real gspread client bound to the fake through the transport seam, with a real token exchange."""
    return build_client(fake.service_account(), adapter=fake.adapter(), policy=make_policy(fake_clock))
