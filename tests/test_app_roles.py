"""Sign-in and roles in the app (AppTest, `at.user` per role): what each role sees; a unit acting for
itself — confirming its report, adding an activity — writes exactly one row to a temporary workbook and
to the fake Sheets server; forging another unit through session state, query parameters or a page
switch shows and writes nothing of that unit; the demo-mode picker appears only without `[auth]`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import loader
from components import unit_forms as unit_actions
from components.context import VIEW_KEY
from reporting.access import User
from reporting.catalog import CHANNELS
from reporting.forms import check_activity
from reporting.metrics import summarize_quarter
from reporting.parse import Parsed, parse_snapshot
from sheets import factory
from sheets.workbook import WorkbookSource
from tests.app_fixtures import APP, NOW, assert_clean, cards, metrics, shown, static_tables, table, texts
from tests.fakesheets.fixtures import make_policy

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "k3Q9vZ2mR7tX1wP8sL4nB6yD0cF5hJ2gA9uE",  # as long and random as the app requires
    "client_id": "test-client.apps.googleusercontent.com",
    "client_secret": "test-client-secret",
    "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
}
OFFICE = "vanthu.so@sldtbxh.example.vn"
LEADER = "giamdoc@sldtbxh.example.vn"
ROLES = {"office": [OFFICE], "leadership": [LEADER]}
CSCN = "cscn@sldtbxh.example.vn"  # the demo's Cơ sở Cai nghiện ma túy tỉnh
CSCN_NAME = "Cơ sở Cai nghiện ma túy tỉnh"
ALL_PAGES = (
    "content/overview.py", "content/unit.py", "content/quality.py", "content/followup.py", "content/export.py",
    "content/guide.py",
)  # fmt: skip
ROLE_PAGES = {
    OFFICE: ALL_PAGES,
    LEADER: ("content/overview.py", "content/unit.py", "content/quality.py", "content/followup.py", "content/guide.py"),
    CSCN: ("content/overview.py", "content/unit.py", "content/guide.py"),
}
CHANNEL = CHANNELS[2].label  # Tin bài trên trang thông tin điện tử


# ---- set-up ----------------------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path, first_year_demo: Path) -> Path:
    """A copy of the demo's 2023 this test may write to (at NOW, 2024's reports are not yet written)."""
    return Path(shutil.copy(first_year_demo, tmp_path / "cchc.xlsx"))


def signed_in_app(
    workbook: Path, email: str | None = None, *, auth: bool = True, user: dict | None = None, **secrets
) -> AppTest:
    """An AppTest of app.py on `workbook`, not yet run; signed in as `email` when `[auth]` is on."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["source"] = str(workbook)
    if auth:
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = ROLES
    else:
        at.secrets["demo_mode"] = True  # a source without [auth] runs only when asked for
    for key, value in secrets.items():
        at.secrets[key] = value
    at.user = user if user is not None else {"is_logged_in": True, "email": email, "email_verified": True}
    return at


@pytest.fixture
def app(app_env: None, workbook: Path) -> Callable[..., AppTest]:
    """`signed_in_app` on this test's workbook."""
    return partial(signed_in_app, workbook)


def read_book(path: Path) -> Parsed:
    return parse_snapshot(WorkbookSource(path).read())


def submissions(parsed: Parsed, unit: str) -> list[dict]:
    return parsed.submissions[parsed.submissions["unit_code"] == unit].to_dict("records")


def quarter(at: AppTest, year: int, q: int) -> AppTest:
    at.selectbox(key="sidebar_year").set_value(year)
    at.selectbox(key="sidebar_quarter").set_value(q)
    return at.run()


def unit_page(at: AppTest, year: int = 2024, q: int = 1) -> AppTest:
    at.switch_page("content/unit.py").run()
    return quarter(at, year, q)


def fill_form(at: AppTest, **values: object) -> AppTest:
    for name, value in values.items():
        key = unit_actions.FIELD_KEYS[name]
        if name == "areas":
            at.multiselect(key=key).set_value(value)
        elif name == "channel":
            at.selectbox(key=key).set_value(value)
        elif name == "note":
            at.text_area(key=key).input(value)
        else:
            at.text_input(key=key).input(value)
    at.button(key=unit_actions.SUBMIT_KEY).click()
    return at.run()


def missing_unit_q4(parsed: Parsed) -> tuple[str, str]:
    """A demo unit with no report for quý IV năm 2023 (so confirming it now is late), and its email."""
    reports = summarize_quarter(parsed, 2023, 4, NOW).reports
    code = reports.loc[reports["status"] == "missing", "unit_code"].iloc[0]
    emails = parsed.units.set_index("code").loc[code, "emails"]
    return str(code), str(emails[0])


# ---- who sees what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", [{"is_logged_in": False}, {"email": "test@example.com"}], ids=["signed out", "bare"])
def test_before_sign_in_only_the_sign_in_page_is_offered(app, user) -> None:
    at = app(user=user).run()
    assert_clean(at)
    assert at.title[0].value == "Theo dõi truyền thông CCHC"
    assert at.button(key="sign_in_default").label == "Đăng nhập"
    assert not at.sidebar.selectbox and VIEW_KEY not in at.session_state
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("content/overview.py")


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (
            {"is_logged_in": True, "email": "nguoila@gmail.com", "email_verified": True},
            "Tài khoản **nguoila@gmail.com** chưa được cấp quyền",
        ),
        ({"is_logged_in": True, "email": CSCN, "email_verified": False}, "chưa có địa chỉ email đã xác minh"),
        ({"is_logged_in": True, "email": CSCN, "email_verified": "false"}, "chưa có địa chỉ email đã xác minh"),
        ({"is_logged_in": True, "email": CSCN, "email_verified": 1}, "chưa có địa chỉ email đã xác minh"),
        ({"is_logged_in": True, "email": CSCN}, "chưa có địa chỉ email đã xác minh"),
        ({"is_logged_in": True}, "chưa có địa chỉ email đã xác minh"),
    ],
    ids=[
        "unknown email",
        "unverified unit email",
        "email_verified as the string false",
        "email_verified as the number 1",
        "no email_verified claim",
        "no email",
    ],
)
def test_an_unknown_email_sees_a_polite_no_access_page(app, user, expected) -> None:
    at = app(user=user).run()
    assert_clean(at)
    assert at.title[0].value == "Chưa có quyền truy cập"
    said = texts(at)
    assert expected in said and "liên hệ **Văn phòng Sở**" in said
    assert CSCN_NAME not in said and not at.sidebar.selectbox and not cards(at)
    assert at.button(key="no_access_logout").label == "Đăng nhập bằng tài khoản khác"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("content/unit.py")


@pytest.mark.parametrize("email", [OFFICE, LEADER, CSCN], ids=["office", "leadership", "unit"])
def test_each_role_is_offered_its_pages_only(app, email) -> None:
    at = app(email).run()
    assert_clean(at)
    for page in ALL_PAGES:
        if page in ROLE_PAGES[email]:
            at.switch_page(page).run()
            assert_clean(at)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page)


@pytest.mark.parametrize(
    ("user", "said"),
    [
        ({"is_logged_in": True, "email": CSCN}, "Trang này không dành cho tài khoản đang dùng."),
        ({"is_logged_in": True, "email": LEADER}, "Trang này không dành cho tài khoản đang dùng."),
        ({"is_logged_in": False}, "Cần đăng nhập để xem trang này."),
    ],
    ids=["unit", "leadership", "signed out"],
)
def test_the_address_of_a_page_outside_the_role_shows_a_sentence_not_the_page(app, user, said) -> None:
    office = app(OFFICE).run()
    export_hash = next(h for h, p in office._registered_pages.items() if p["script_path"].endswith("export.py"))
    at = app(user=user)
    # What the browser asks for at /xuat-bao-cao: that address's page hash. AppTest has no public way to
    # open a page it does not list by file, so this sets the field switch_page() sets.
    at._page_hash = export_hash
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Xuất báo cáo"
    assert said in texts(at)
    assert not at.get("download_button") and not at.dataframe and not static_tables(at) and not cards(at)


@pytest.mark.parametrize(
    ("user", "said"),
    [
        ({"is_logged_in": True, "email": CSCN}, "Trang này không dành cho tài khoản đang dùng."),
        ({"is_logged_in": False}, "Cần đăng nhập để xem trang này."),
    ],
    ids=["unit", "signed out"],
)
def test_the_address_of_don_doc_outside_the_role_shows_a_sentence_not_the_list(app, user, said) -> None:
    office = app(OFFICE).run()
    page_hash = next(h for h, p in office._registered_pages.items() if p["script_path"].endswith("followup.py"))
    at = app(user=user)
    at._page_hash = page_hash  # what the browser asks for at /don-doc (see the test above)
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Đôn đốc"
    assert said in texts(at)
    assert not at.dataframe and not static_tables(at) and not at.code and "@" not in texts(at)  # no list, no address


def test_signed_in_users_see_who_they_are_and_no_demo_picker(app) -> None:
    at = app(CSCN).run()
    assert_clean(at)
    sidebar = "\n".join(shown(c.value) for c in at.sidebar.caption)
    assert f"Đăng nhập: **{CSCN}**" in sidebar and f"Đơn vị · {CSCN_NAME}" in sidebar
    assert at.button(key="sidebar_logout").label == "Đăng xuất"
    assert "sidebar_demo_role" not in [s.key for s in at.sidebar.selectbox]
    assert "Chế độ trình diễn" not in "\n".join(m.value for m in at.sidebar.markdown)


def test_a_unit_sees_the_overview_of_itself_only(app, private_demo) -> None:
    at = quarter(app(CSCN).run(), 2023, 4)
    assert_clean(at)
    unit = at.selectbox(key="sidebar_unit")
    assert unit.options == [CSCN_NAME] and unit.disabled
    shown = table(at, "Hạn nộp", "Trạng thái")
    assert list(shown["Đơn vị"]) == [CSCN_NAME]
    others = set(read_book(private_demo).units["name"]) - {CSCN_NAME}
    page = texts(at) + "".join(str(frame.value) for frame in at.dataframe) + "".join(map(str, static_tables(at)))
    assert not [name for name in others if name in page]


@pytest.mark.parametrize("email", [LEADER, OFFICE], ids=["leadership", "office"])
def test_leadership_and_office_read_any_unit_but_act_for_none(app, email, workbook) -> None:
    at = app(email).run()
    at.selectbox(key="sidebar_unit").set_value("VP")
    at = unit_page(at, 2023, 4)
    assert_clean(at)
    assert at.header[0].value == "Văn phòng Sở — quý IV năm 2023"
    keys = [b.key for b in at.button]
    assert unit_actions.CONFIRM_KEY not in keys and unit_actions.SUBMIT_KEY not in keys
    assert "Xác nhận báo cáo quý" not in texts(at)


# ---- confirming the quarter's report ---------------------------------------------------------------------------


def test_confirming_writes_one_row_with_the_server_time_and_a_second_press_says_so(app, workbook) -> None:
    before = submissions(read_book(workbook), "CSCN")
    at = unit_page(app(CSCN).run())
    assert "Còn 64 ngày đến hạn (hết ngày 14/03/2024)." in texts(at)

    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert_clean(at)

    new = [s for s in submissions(read_book(workbook), "CSCN") if s not in before]
    assert len(new) == 1
    (row,) = new
    assert (row["year"], row["quarter"], row["submitter"]) == (2024, 1, CSCN)
    assert row["submitted_at"] == NOW
    said = texts(at)
    assert f"lúc **09:00:00 10/01/2024**, người nộp **{CSCN}**" in said
    assert "Báo cáo quý: **Đúng hạn** — đã nộp lúc 09:00 10/01/2024" in said  # re-read at once, no TTL wait

    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert "Báo cáo quý I năm 2024 đã được nộp lúc 09:00 10/01/2024; không ghi thêm." in texts(at)
    assert len(submissions(read_book(workbook), "CSCN")) == len(before) + 1


def test_an_update_is_recorded_only_when_asked_and_only_once(app, workbook) -> None:
    at = unit_page(app(CSCN).run())
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    count = len(submissions(read_book(workbook), "CSCN"))

    at.checkbox(key=unit_actions.UPDATE_WANTED_KEY).check().run()
    at.button(key=unit_actions.UPDATE_KEY).click().run()
    assert_clean(at)
    rows = submissions(read_book(workbook), "CSCN")
    assert len(rows) == count + 1 and rows[-1]["note"] == unit_actions.UPDATE_NOTE
    assert "Đã ghi lần nộp cập nhật quý I năm 2024" in texts(at)
    assert not at.checkbox(key=unit_actions.UPDATE_WANTED_KEY).value  # the request is done

    at.checkbox(key=unit_actions.UPDATE_WANTED_KEY).check().run()  # a second, explicit request
    at.button(key=unit_actions.UPDATE_KEY).click().run()
    assert len(submissions(read_book(workbook), "CSCN")) == count + 2


def test_after_the_deadline_it_says_the_report_will_count_as_late(app, workbook, demo_parsed) -> None:
    code, email = missing_unit_q4(demo_parsed)
    at = unit_page(app(email).run(), 2023, 4)
    assert "Đã quá hạn 27 ngày (hạn 14/12/2023): xác nhận bây giờ sẽ được tính là **trễ hạn**." in [
        w.value for w in at.warning
    ]
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert "Báo cáo quý: **Trễ hạn 27 ngày** — nộp lúc 09:00 10/01/2024, hạn 14/12/2023." in texts(at)
    assert [(s["year"], s["quarter"]) for s in submissions(read_book(workbook), code)][-1:] == [(2023, 4)]


def test_a_double_click_before_the_page_reread_writes_one_row(app, workbook, monkeypatch) -> None:
    monkeypatch.setattr(loader, "after_write", lambda config, at=None: None)  # the second click still sees old data
    before = len(submissions(read_book(workbook), "CSCN"))
    at = unit_page(app(CSCN).run())
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert_clean(at)
    assert "Yêu cầu này đã được ghi trước đó (trang «Nộp báo cáo»" in texts(at)
    assert len(submissions(read_book(workbook), "CSCN")) == before + 1

    # A double click sends the same content twice (the browser has not received the emptied form yet).
    for _ in range(2):
        at = fill_form(at, areas=["a"], channel=CHANNEL, title="Tin bài bấm hai lần")
    activities = read_book(workbook).activities
    assert (activities["title"] == "Tin bài bấm hai lần").sum() == 1
    assert "Hoạt động giống hệt đã được ghi trước đó" in texts(at)


# ---- adding an activity ----------------------------------------------------------------------------------------


def test_adding_an_activity_writes_one_row_to_the_units_tab_and_shows_it(app, workbook) -> None:
    before = read_book(workbook)
    at = unit_page(app(CSCN).run(), 2023, 4)
    shown = metrics(at)["Hoạt động"]
    assert at.text_input(key=unit_actions.FIELD_KEYS["date"]).value == "14/12/2023"  # in the quarter shown

    at = fill_form(at, areas=["c", "a"], channel=CHANNEL, title="Tin về dịch vụ công trực tuyến", participants="1.200")
    assert_clean(at)

    after = read_book(workbook)
    added = after.activities[~after.activities["record_id"].isin(before.activities["record_id"].dropna())]
    added = added[added["record_id"].notna()]
    (row,) = added.to_dict("records")
    assert (row["unit_code"], row["tab"], row["areas"], row["channel"]) == ("CSCN", "CSCN", ("a", "c"), "web_news")
    assert (row["date"].date(), row["quantity"], row["participants"]) == (date(2023, 12, 14), 1, 1200)
    assert len(after.activities) == len(before.activities) + 1
    assert int(metrics(at)["Hoạt động"]) == int(shown) + 1  # shown at once, no TTL wait
    assert "Tin về dịch vụ công trực tuyến" in set(table(at, "Tên hoạt động")["Tên hoạt động"])
    assert "Đã thêm hoạt động «Tin về dịch vụ công trực tuyến» ngày 14/12/2023 vào trang «CSCN»" in texts(at)
    assert at.text_input(key=unit_actions.FIELD_KEYS["title"]).value == ""  # an empty form for the next one


def test_the_form_refuses_what_the_parser_flags_with_its_messages(app, workbook) -> None:
    at = unit_page(app(CSCN).run(), 2023, 4)
    before = workbook.read_bytes()

    at = fill_form(at, title="Hội nghị", quantity="abc", participants="-5", evidence="")
    assert_clean(at)

    fields = {
        "date": date(2023, 12, 14),
        "areas": [],
        "channel": "",
        "title": "Hội nghị",
        "quantity": "abc",
        "participants": "-5",
        "evidence": "",
        "note": "",
    }
    expected = check_activity(fields).errors
    assert [e.split(":")[0] for e in expected] == ["Nội dung", "Hình thức", "Số lượng", "Số người tham gia"]
    (error,) = [shown(e.value) for e in at.error if e.value.startswith("**Chưa ghi hoạt động.**")]
    assert [line.removeprefix("- ") for line in error.split("\n\n", 1)[1].splitlines()] == expected
    assert workbook.read_bytes() == before


def test_a_unit_without_its_own_tab_gets_no_form(app, workbook) -> None:
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    del book["CSCN"]
    book.save(workbook)
    at = unit_page(app(CSCN).run(), 2023, 4)
    assert_clean(at)
    assert unit_actions.SUBMIT_KEY not in [b.key for b in at.button]
    assert "Đơn vị chưa có trang riêng trong bảng tính" in texts(at)


# ---- forging another unit --------------------------------------------------------------------------------------


def test_forged_session_state_and_query_params_show_and_write_only_the_users_own_unit(app, workbook) -> None:
    before = read_book(workbook)
    at = app(CSCN)
    forged = {"sidebar_unit": "VP", "sidebar_demo_role": "office", "sidebar_demo_unit": "VP", "unit_pick": "VP"}
    for key, value in forged.items():
        at.session_state[key] = value
    at.query_params.update({"unit": "VP", "don_vi": "VP", "role": "office"})
    at = unit_page(at.run())
    assert_clean(at)
    assert at.header[0].value == f"{CSCN_NAME} — quý I năm 2024"
    assert at.selectbox(key="sidebar_unit").value == "CSCN"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("content/export.py")

    # The view the pages draw from, forged to VP's unit and user before the clicks: app.py rebuilds it.
    view = at.session_state[VIEW_KEY]
    vp_user = User("vanphong@sldtbxh.example.vn", "unit", "VP", "Văn phòng Sở")
    forged_view = replace(view, filters=replace(view.filters, unit="VP"), user=vp_user)
    at.session_state[VIEW_KEY] = forged_view
    at.session_state["sidebar_demo_role"] = "unit"
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    at.session_state[VIEW_KEY] = forged_view
    at = fill_form(at, areas=["a"], channel=CHANNEL, title="Hoạt động của CSCN")
    assert_clean(at)

    after = read_book(workbook)
    assert submissions(after, "VP") == submissions(before, "VP")
    assert (after.activities["unit_code"] == "VP").sum() == (before.activities["unit_code"] == "VP").sum()
    assert len(submissions(after, "CSCN")) == len(submissions(before, "CSCN")) + 1
    assert (after.activities["title"] == "Hoạt động của CSCN").sum() == 1


@pytest.mark.parametrize("email", [LEADER, OFFICE], ids=["leadership", "office"])
def test_with_the_widgets_shown_by_mistake_the_write_is_still_refused(app, workbook, monkeypatch, email) -> None:
    # Suppose a bug showed a unit's actions to someone else: the write path itself must refuse.
    monkeypatch.setattr(unit_actions, "writes_for", lambda view, code: view.user)
    before = workbook.read_bytes()
    at = app(email).run()
    at.selectbox(key="sidebar_unit").set_value("VP")
    at = unit_page(at)
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert_clean(at)
    (refused,) = [shown(e.value) for e in at.error if "không có quyền ghi dữ liệu" in e.value]
    assert refused.startswith(f"Tài khoản {email} không có quyền ghi dữ liệu cho đơn vị VP")
    at = fill_form(at, areas=["a"], channel=CHANNEL, title="Không được ghi")
    assert [e.value for e in at.error if "không có quyền ghi dữ liệu" in e.value]
    assert workbook.read_bytes() == before


# ---- demo mode -------------------------------------------------------------------------------------------------


def test_demo_mode_shows_the_role_picker_and_no_sign_in(app) -> None:
    at = app(auth=False).run()
    assert_clean(at)
    picker = at.selectbox(key="sidebar_demo_role")
    assert picker.label == "Xem với vai trò" and picker.value == "office"
    assert picker.options == ["Văn phòng Sở", "Lãnh đạo Sở", "Đơn vị"]
    assert "**Chế độ trình diễn**" in [m.value for m in at.sidebar.markdown]
    assert "sidebar_logout" not in [b.key for b in at.button]


def test_demo_unit_role_acts_for_its_chosen_unit(app, workbook) -> None:
    at = app(auth=False, demo_writes=True).run()
    at.selectbox(key="sidebar_demo_role").set_value("unit").run()
    at.selectbox(key="sidebar_demo_unit").set_value("CSCN").run()
    assert at.selectbox(key="sidebar_unit").options == [CSCN_NAME]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("content/quality.py")
    at = unit_page(at)
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert_clean(at)
    assert submissions(read_book(workbook), "CSCN")[-1]["submitter"] == "demo-cscn@demo.local"


def test_demo_mode_does_not_write_to_a_configured_sheet(app, workbook) -> None:
    """Without sign-in anyone may pick any role: a real (configured) sheet is then read-only."""
    before = workbook.read_bytes()
    at = app(auth=False).run()
    at.selectbox(key="sidebar_demo_role").set_value("unit").run()
    at.selectbox(key="sidebar_demo_unit").set_value("CSCN").run()
    at = unit_page(at)
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert_clean(at)
    assert [e.value for e in at.error if "chỉ được ghi vào sổ dữ liệu mẫu" in e.value]
    assert workbook.read_bytes() == before


# ---- the Google source -----------------------------------------------------------------------------------------


@pytest.fixture
def google_app(fake, fake_clock, first_year_demo: Path, monkeypatch: pytest.MonkeyPatch, app):
    """The demo workbook as a spreadsheet on the fake Sheets server; the app reads and writes it over loopback."""
    snapshot = WorkbookSource(first_year_demo).read()
    book = fake.create_spreadsheet({title: [list(r.values) for r in rows] for title, rows in snapshot.tabs.items()})
    url = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    adapter, policy = fake.adapter(), make_policy(fake_clock)
    account = fake.service_account()

    def open_on_fake(source, service_account, clock):
        return factory.open_google_source(source, service_account, clock, adapter=adapter, policy=policy)

    monkeypatch.setattr(loader, "open_source", open_on_fake)
    factory.forget_sources()

    def read() -> Parsed:
        return parse_snapshot(open_on_fake(url, account, None).read())

    yield (lambda email: app(email, source=url, gcp_service_account=account)), read
    factory.forget_sources()


def test_on_google_confirm_and_add_write_one_row_each(google_app, fake) -> None:
    open_app, read = google_app
    before = read()
    at = unit_page(open_app(CSCN).run())
    assert_clean(at)

    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    at = fill_form(at, date="09/01/2024", areas=["k"], channel=CHANNEL, title="Tin trên Google", quantity="2")
    assert_clean(at)

    after = read()
    assert len(submissions(after, "CSCN")) == len(submissions(before, "CSCN")) + 1
    assert submissions(after, "CSCN")[-1]["submitted_at"] == NOW
    new = after.activities[after.activities["title"] == "Tin trên Google"].to_dict("records")
    assert [(r["unit_code"], r["areas"], r["quantity"], r["year"], r["quarter"]) for r in new] == [
        ("CSCN", ("k",), 2, 2024, 1)
    ]
    assert len(after.activities) == len(before.activities) + 1
    assert "Tin trên Google" in set(table(at, "Tên hoạt động")["Tên hoạt động"])
    assert fake.count("values.append") == 2


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31/02/2024", "không phải ngày hợp lệ"),
        ("15/3/24", "chỉ có hai chữ số"),
        ("", "đang trống"),
        ("01/03/2024 - 05/03/2024", "nhiều hơn một ngày"),
    ],
    ids=["31 February", "two-digit year", "blank", "two dates"],
)
def test_the_form_never_changes_a_typed_date_it_refuses_it(app, workbook, typed, said) -> None:
    """A date picker would have made 31/02/2024 into 29/02/2024 and saved it; the form refuses it instead."""
    before = workbook.read_bytes()
    at = unit_page(app(CSCN).run(), 2023, 4)
    at = fill_form(at, date=typed, areas=["a"], channel=CHANNEL, title="Ngày gõ tay")
    assert_clean(at)
    (error,) = [shown(e.value) for e in at.error if e.value.startswith("**Chưa ghi hoạt động.**")]
    assert "Ngày" in error and said in error
    assert workbook.read_bytes() == before
    assert at.text_input(key=unit_actions.FIELD_KEYS["date"]).value == typed  # kept as typed, to correct it


def test_the_form_writes_the_day_typed(app, workbook) -> None:
    at = unit_page(app(CSCN).run(), 2023, 4)
    at = fill_form(at, date="29/02/2024", areas=["a"], channel=CHANNEL, title="Ngày nhuận")
    assert_clean(at)
    added = read_book(workbook).activities.query("title == 'Ngày nhuận'")
    assert [d.date() for d in added["date"]] == [date(2024, 2, 29)]


def test_a_confirmation_at_35_seconds_past_the_minute_shows_at_once(app, workbook, monkeypatch) -> None:
    """The figures are cached per minute: the unit's own write must not wait for the next minute."""
    at = unit_page(app(CSCN).run())
    monkeypatch.setenv("CCHC_NOW", "2024-01-10T09:00:35")  # the clock moved on while the page was open
    at.button(key=unit_actions.CONFIRM_KEY).click().run()
    assert_clean(at)
    (row,) = [s for s in submissions(read_book(workbook), "CSCN") if s["year"] == 2024 and s["quarter"] == 1]
    assert row["submitted_at"] == NOW.replace(second=35)
    said = texts(at)
    assert "Báo cáo quý: **Đúng hạn** — đã nộp lúc 09:00 10/01/2024" in said and "Chưa" not in said.split("\n")[2]
    at.switch_page("content/overview.py").run()
    assert table(at, "Đơn vị", "Trạng thái").set_index("Đơn vị").loc[CSCN_NAME, "Trạng thái"].endswith("Đúng hạn")


# ---- review and return (issue 12, item 3) ---------------------------------------------------------------------


def test_the_office_returns_a_report_and_the_unit_sees_why(app, workbook) -> None:
    from components import review_form

    at = quarter(app(OFFICE).run(), 2023, 4)
    at.switch_page("content/followup.py").run()  # «Đôn đốc»: the office's worklist
    assert_clean(at)
    at.selectbox(key=review_form.UNIT_KEY).set_value("VP")
    at.radio(key=review_form.DECISION_KEY).set_value("returned")
    at.text_area(key=review_form.COMMENT_KEY).input("Thiếu minh chứng tháng 11")
    at.button(key=review_form.SUBMIT_KEY).click().run()
    assert_clean(at)
    assert any("Trả lại báo cáo của Văn phòng Sở" in s.value for s in at.success)
    (row,) = read_book(workbook).reviews.to_dict("records")
    assert (row["unit_code"], row["year"], row["quarter"], row["decision"]) == ("VP", 2023, 4, "returned")
    assert row["reviewer"] == OFFICE and row["reviewed_at"] == NOW
    compliance = table(at, "Đơn vị", "Trạng thái", "Duyệt")
    vp = compliance[compliance["Đơn vị"] == "Văn phòng Sở"].iloc[0]
    assert (
        "Cần bổ sung" in vp["Trạng thái"] and vp["Duyệt"] == "Trả lại" and vp["Nhận xét"] == "Thiếu minh chứng tháng 11"
    )

    unit = unit_page(app("vanphong@sldtbxh.example.vn").run(), 2023, 4)
    assert_clean(unit)
    assert any("trả lại" in w.value and "Thiếu minh chứng tháng 11" in w.value for w in unit.warning)


@pytest.mark.parametrize("email", [LEADER, CSCN], ids=["leadership", "a unit"])
def test_only_the_office_sees_the_review_form(app, email) -> None:
    from components import review_form

    at = quarter(app(email).run(), 2023, 4)
    for page in ("content/overview.py", "content/followup.py"):
        if page not in ROLE_PAGES[email]:  # a unit is not offered «Đôn đốc» at all
            continue
        at.switch_page(page).run()
        assert_clean(at)
        assert review_form.SUBMIT_KEY not in [b.key for b in at.button]
        assert "Duyệt báo cáo quý" not in [h.value for h in at.subheader]
