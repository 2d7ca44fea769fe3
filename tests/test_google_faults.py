"""Every injected fault: the loader keeps serving the last good snapshot with a notice, then recovers.

Back-off uses the fake clock, so retries cost no real time; the timeout fault uses a short read timeout.
"""

from __future__ import annotations

import pytest
import requests

from reporting.errors import CredentialsInvalid, SourceAccessDenied, SourceError, SourceNotFound, SourceUnavailable
from sheets.client import build_client
from sheets.google import GoogleSheetSource
from sheets.snapshot_cache import LoadResult, SnapshotCache, load_with_fallback
from tests.fakesheets.fixtures import READ_AT, make_policy
from tests.fakesheets.keys import service_account_info

UNITS = [["Mã", "Tên đơn vị"], ["VP", "Văn phòng"]]
VP = [["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"], ["1/3/2023", "a", "Khác", "Họp"]]

FAULTS = {
    "429": ({"kind": "status", "status": 429, "retry_after": "2"}, SourceUnavailable, "hạn mức"),
    "500": ({"kind": "status", "status": 500}, SourceUnavailable, "mã 500"),
    "503": ({"kind": "status", "status": 503}, SourceUnavailable, "mã 503"),
    "403": ({"kind": "status", "status": 403}, SourceAccessDenied, "Chia sẻ"),
    "404": ({"kind": "status", "status": 404}, SourceNotFound, "đường dẫn"),
    "malformed": ({"kind": "malformed"}, SourceUnavailable, "không đọc được"),
    "malformed-error": ({"kind": "malformed", "status": 502}, SourceUnavailable, "mã 502"),
    # Valid JSON of a shape the API never answers (a proxy's page, an API change): a message, not a crash.
    "shape-ranges": ({"kind": "status", "status": 200, "body": {"valueRanges": "x"}}, SourceError, "không hiểu"),
    "shape-rows": (
        {"kind": "status", "status": 200, "body": {"valueRanges": [{"values": "abc"}, {"values": [[1]]}]}},
        SourceError,
        "không hiểu",
    ),
}


@pytest.fixture
def book(fake):
    return fake.create_spreadsheet({"Đơn vị": UNITS, "VP": VP})


def first_good_read(source, cache) -> LoadResult:
    result = load_with_fallback(source, cache)
    assert result.ok and result.stale is None and result.error is None
    return result


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_serves_last_good_snapshot_then_recovers(fake, gclient, book, name, tmp_path):
    fault, error_type, words = FAULTS[name]
    cache = SnapshotCache(tmp_path)
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    good = first_good_read(source, cache)
    book.update("'VP'!D2", [["Họp giao ban"]], "RAW")

    fake.inject(op="values.batchGet", times=None, **fault)
    stale = load_with_fallback(source, cache)

    assert stale.snapshot == good.snapshot
    assert isinstance(stale.error, error_type)
    assert words in str(stale.error)
    assert stale.stale is not None
    assert stale.stale.message.startswith("Đang hiển thị dữ liệu đọc lúc 09:30 ngày 20/06/2023")
    assert str(stale.error) in stale.stale.message

    fake.clear_faults()
    fresh = load_with_fallback(source, cache)
    assert fresh.stale is None
    assert fresh.snapshot.tabs["VP"][1].values[3] == "Họp giao ban"


def test_timeout_is_retried_then_served_stale(fake, book, fake_clock, tmp_path):
    client = build_client(
        fake.service_account(), adapter=fake.adapter(), policy=make_policy(fake_clock, read_timeout=0.2, max_attempts=2)
    )
    cache = SnapshotCache(tmp_path)
    source = GoogleSheetSource(book.spreadsheet_id, client, clock=lambda: READ_AT)
    first_good_read(source, cache)
    fake.reset_counts()

    fake.inject("slow", op="values.batchGet", times=None, delay=5.0)
    stale = load_with_fallback(source, cache)

    assert isinstance(stale.error, SourceUnavailable)
    assert "quá thời gian chờ" in str(stale.error)
    assert fake.count("values.batchGet") == 2
    fake.clear_faults()
    assert load_with_fallback(source, cache).stale is None


def test_service_disabled_has_its_own_message(fake, gclient, book):
    source = GoogleSheetSource(book.spreadsheet_id, gclient)
    fake.api_enabled = False
    result = load_with_fallback(source, SnapshotCache(None))
    assert result.snapshot is None
    assert isinstance(result.error, SourceAccessDenied)
    assert "Google Sheets API chưa được bật" in str(result.error)


def test_not_shared_names_the_service_account_email(fake, gclient):
    book = fake.create_spreadsheet({"Đơn vị": UNITS}, shared_with=["someone@else.vn"])
    result = load_with_fallback(GoogleSheetSource(book.spreadsheet_id, gclient), SnapshotCache(None))
    assert isinstance(result.error, SourceAccessDenied)
    assert "«cchc-app@cchc-test.iam.gserviceaccount.com»" in str(result.error)
    assert fake.count("metadata") == 1  # a 403 is not retried


def test_unknown_spreadsheet_is_not_found(fake, gclient):
    result = load_with_fallback(GoogleSheetSource("1" + "x" * 43, gclient), SnapshotCache(None))
    assert isinstance(result.error, SourceNotFound)
    assert result.snapshot is None and result.stale is None


def test_disk_copy_survives_a_restart(fake, gclient, book, tmp_path):
    source = GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT)
    good = first_good_read(source, SnapshotCache(tmp_path))

    fake.inject("status", status=503, times=None)
    after_restart = load_with_fallback(source, SnapshotCache(tmp_path))

    assert after_restart.snapshot == good.snapshot
    assert after_restart.stale is not None


def test_retry_after_is_honoured(fake, gclient, book, fake_clock):
    fake.inject("status", status=429, retry_after="7", op="values.batchGet", times=2)
    snap = GoogleSheetSource(book.spreadsheet_id, gclient).read()
    assert snap.tabs["VP"]
    assert fake_clock.sleeps == [7.0, 7.0]


def test_retry_after_beyond_the_budget_gives_up_at_once(fake, gclient, book, fake_clock):
    fake.inject("status", status=429, retry_after="120", op="values.batchGet", times=None)
    with pytest.raises(SourceUnavailable):
        GoogleSheetSource(book.spreadsheet_id, gclient).read()
    assert fake_clock.sleeps == []
    assert fake.count("values.batchGet") == 1


def test_back_off_is_bounded_by_attempts_and_budget(fake, gclient, book, fake_clock):
    fake.inject("status", status=500, times=None)
    with pytest.raises(SourceUnavailable):
        GoogleSheetSource(book.spreadsheet_id, gclient).read()
    assert fake_clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert sum(fake_clock.sleeps) <= 20
    assert fake.count("metadata") == 5


def test_budget_is_shared_by_the_whole_refresh(fake, gclient, book, fake_clock):
    fake.inject("status", status=503, op="metadata", times=3)  # 1 + 2 + 4 s of waiting
    fake.inject("status", status=503, op="values.batchGet", times=None)
    with pytest.raises(SourceUnavailable):
        GoogleSheetSource(book.spreadsheet_id, gclient).read()
    assert sum(fake_clock.sleeps) <= 20
    assert fake.count("values.batchGet") < 5


def test_token_endpoint_refusal_is_a_credentials_error(fake, gclient, book):
    # (A 5xx from the token endpoint is retried by google-auth itself, with real sleeps: not tested here.)
    refusal = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    fake.inject("status", status=400, op="token", times=None, body=refusal)
    result = load_with_fallback(GoogleSheetSource(book.spreadsheet_id, gclient), SnapshotCache(None))
    assert isinstance(result.error, CredentialsInvalid)
    assert result.snapshot is None


def test_a_key_google_does_not_know_is_refused_with_a_fix(fake, book, fake_clock):
    stranger = service_account_info(fake.token_uri, label="not-registered")
    client = build_client(stranger, adapter=fake.adapter(), policy=make_policy(fake_clock))
    result = load_with_fallback(GoogleSheetSource(book.spreadsheet_id, client), SnapshotCache(None))
    assert isinstance(result.error, CredentialsInvalid)
    assert "Tạo khoá mới" in str(result.error)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ({"private_key": "not a key"}, "-----BEGIN PRIVATE KEY-----"),
        ({"private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, "không đọc được"),
        ({"client_email": ""}, "thiếu trường client_email"),
        ({"type": "authorized_user"}, "không phải khoá tài khoản dịch vụ"),
    ],
)
def test_malformed_key_gets_a_vietnamese_message_without_the_key(fake, damage, words):
    info = {**fake.service_account(), **damage}
    with pytest.raises(CredentialsInvalid) as caught:
        build_client(info, adapter=fake.adapter())
    message = str(caught.value)
    assert words in message
    assert "AAAA" not in message and "MII" not in message


def test_key_pasted_with_literal_backslash_n_is_repaired(fake, book, fake_clock):
    info = fake.service_account()
    info = {**info, "private_key": info["private_key"].replace("\n", "\\n")}
    client = build_client(info, adapter=fake.adapter(), policy=make_policy(fake_clock))
    assert GoogleSheetSource(book.spreadsheet_id, client).read().tabs["VP"]


def test_messages_and_logs_never_carry_secrets(fake, gclient, book, caplog):
    fake.inject("status", status=403, times=None)
    result = load_with_fallback(GoogleSheetSource(book.spreadsheet_id, gclient), SnapshotCache(None))
    token = gclient.http_client.session.credentials.token
    private_key = fake.service_account()["private_key"]
    for text in (str(result.error), caplog.text):
        assert token not in text
        assert private_key[40:80] not in text


def test_nothing_but_loopback_is_reachable():
    with pytest.raises(requests.ConnectionError):
        requests.get("https://sheets.googleapis.com/v4/spreadsheets/x", timeout=1)
