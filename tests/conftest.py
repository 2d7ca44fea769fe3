"""Shared test set-up: nothing may reach anything but loopback, in this process or any it starts.

`tests/netguard/sitecustomize.py` refuses connections and name lookups of non-loopback hosts. It is
installed here for the test process, and put first on PYTHONPATH (with CCHC_TEST_NETGUARD=1) so every
Python process a test starts (the CLI, `streamlit run`) installs it too. Chromium is started with its
background networking off, and the browser tests abort any request that leaves the app's own address.

Fixture modules of each area are listed in `pytest_plugins` so this file stays small.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.netguard import sitecustomize as netguard

pytest_plugins: list[str] = ["tests.fakesheets.fixtures", "tests.app_fixtures", "tests.two_sources"]


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    """Refuse any connection or name lookup of a non-loopback host (Google included) for the whole session."""
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "CCHC_TEST_NETGUARD")}
    os.environ["PYTHONPATH"] = netguard.with_guard(saved["PYTHONPATH"])
    os.environ["CCHC_TEST_NETGUARD"] = "1"
    netguard.install()
    yield
    netguard.uninstall()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
