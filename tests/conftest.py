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


@pytest.fixture(autouse=True)
def _tab_lists_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Google sources the app opens keep their tab lists in this test's own folder, never in the tree."""
    from sheets import factory
    from sheets.tab_list import TabList

    saved = factory.tab_list
    factory.tab_list = TabList(tmp_path_factory.mktemp("tab-lists"))
    yield
    factory.tab_list = saved
