"""Opening the Google source from settings: shared per spreadsheet and key, so warm refreshes stay 1 request."""

from __future__ import annotations

import json

import pytest

from reporting.errors import CredentialsInvalid, SourceNotFound
from sheets.factory import forget_sources, load_service_account, open_google_source
from sheets.open import open_source
from sheets.snapshot_cache import SnapshotCache, cache_key
from tests.fakesheets.fixtures import READ_AT


@pytest.fixture(autouse=True)
def _fresh_sources():
    forget_sources()
    yield
    forget_sources()


def test_reopening_reuses_client_and_tab_list(fake):
    book = fake.create_spreadsheet({"Đơn vị": [["Mã", "Tên đơn vị"]]})
    account, adapter = fake.service_account(), fake.adapter()
    url = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit#gid=0"

    first = open_google_source(url, account, lambda: READ_AT, adapter=adapter)
    first.read()
    again = open_google_source(book.spreadsheet_id, dict(account), lambda: READ_AT, adapter=adapter)
    fake.reset_counts()
    again.read()

    assert again is first
    assert fake.count() == 1 and fake.count("token") == 0


def test_google_source_without_an_account_says_what_to_configure():
    with pytest.raises(CredentialsInvalid, match=r"\[gcp_service_account\]"):
        open_source("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit", None)


def test_a_non_google_url_is_not_found(fake):
    with pytest.raises(SourceNotFound, match="không phải đường dẫn"):
        open_google_source("https://example.com/bang-tinh", fake.service_account())


def test_service_account_from_env_file_or_secrets(tmp_path, monkeypatch):
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com"}))
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('source = "x"\n[gcp_service_account]\ntype = "service_account"\nclient_email = "s@b.vn"\n')

    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    assert load_service_account(secrets_path=secrets)["client_email"] == "a@b.iam.gserviceaccount.com"
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    assert load_service_account(secrets_path=secrets)["client_email"] == "s@b.vn"
    assert load_service_account(secrets_path=tmp_path / "none.toml") is None
    with pytest.raises(CredentialsInvalid):
        load_service_account(tmp_path / "missing.json")


def test_snapshot_cache_files_are_per_source_and_survive(tmp_path, fake, gclient):
    from sheets.google import GoogleSheetSource

    book = fake.create_spreadsheet({"Đơn vị": [["Mã", "Tên đơn vị"], ["VP", "Văn phòng"]]})
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    snap = source.read()
    SnapshotCache(tmp_path).put(cache_key(source), snap)
    restored = SnapshotCache(tmp_path).get(cache_key(source))
    assert restored == snap
    assert SnapshotCache(tmp_path).get("another source") is None
    cache = SnapshotCache(tmp_path)
    cache.clear()
    assert cache.get(cache_key(source)) is None


def test_snapshot_cache_keeps_dates_and_times(tmp_path):
    from sheets.workbook import WorkbookSource
    from tests.test_google_parity import MESSY, save_xlsx

    source = WorkbookSource(save_xlsx(tmp_path / "m.xlsx", MESSY), clock=lambda: READ_AT)
    snap = source.read()
    SnapshotCache(tmp_path / "c").put(cache_key(source), snap)
    assert SnapshotCache(tmp_path / "c").get(cache_key(source)) == snap


def test_service_account_from_environment_is_the_cli_default(tmp_path, monkeypatch):
    from sheets.factory import service_account_from_environment

    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"type": "service_account", "client_email": "cli@b.iam.gserviceaccount.com"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    assert service_account_from_environment()["client_email"] == "cli@b.iam.gserviceaccount.com"
