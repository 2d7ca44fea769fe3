"""Every year's plan (issue 11): the optional `Kế hoạch` tab read leniently into plans, each activity judged by
the plan of its period's year, the summaries of a year by its plan, and a 2023 export unchanged by a later
year's plan, units and activities (byte for byte). Without the tab, everything as before."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pandas as pd
import pytest
from export_data import NOW as EXPORT_NOW
from export_data import TABS as EXPORT_TABS
from export_data import write_workbook
from snapshots import ACTIVITY_HEADER, SUBMISSION_HEADER, UNIT_HEADER, UNITS, snapshot

from reporting.catalog import Area, Channel
from reporting.export import export_bytes
from reporting.metrics import summarize
from reporting.parse import Parsed, parse_snapshot
from reporting.periods import VN_TZ, half, quarter, whole_year
from reporting.plan import DEFAULT_PLANS, PLAN_2023, Plan, Plans, Targets
from reporting.settings import Settings
from sheets.workbook import WorkbookSource

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=VN_TZ)
TAB = "Kế hoạch"
PLAN_HEADER = [
    "Năm",
    "Mục",
    "Ký hiệu",
    "Tên",
    "Diễn giải",
    "Đơn vị tính",
    "Chỉ tiêu mỗi quý",
    "Nội dung được giao",
    "Ngày ban hành",
]
THREE_UNITS = [*UNITS, ["DTN", "Đoàn Thanh niên Sở", "Đoàn thể", "dtn@example.vn", "Có"]]


def _row(year, kind, key, label=None, text=None, noun=None, target=None, assigned=None, issued=None) -> list:
    """One row of the tab in the order of `PLAN_HEADER`."""
    return [year, kind, key, label, text, noun, target, assigned, issued]


# The 2024 plan drops area «m», adds «n», renames channel 4 and adds a channel 6; 2025 has no plan of its own;
# 2026 only sets targets. Mục, Ký hiệu and labels are typed the way people type them.
PLAN_ROWS = [
    _row(2024, "Kế hoạch", "30/KH-SLĐTBXH", "Kế hoạch truyền thông CCHC năm 2024", issued=date(2024, 2, 5)),
    _row(2024, "Nội dung", "a", "Vai trò người đứng đầu", "Tuyên truyền vai trò của người đứng đầu", target=2),
    _row(2024, "nội dung", "b)", "Chương trình CCHC"),
    _row(2024, "NOI DUNG", "C", "Văn bản mới"),
    _row(2024, "Nội dung", " d ", "Phục vụ người dân"),
    _row(2024, "Nội dung", "e", "Tổ chức bộ máy"),
    _row(2024, "Nội dung", "g", "Chỉ số CCHC"),
    _row(2024, "Nội dung", "h", "Chính quyền điện tử"),
    _row(2024, "Nội dung", "k", "Thủ tục nội bộ"),
    _row(2024, "Nội dung", "l", "Nhà nước và Nhân dân"),
    _row(2024, "Nội dung", "n", "Chuyển đổi số", "Tuyên truyền chuyển đổi số và Đề án 06", target=3),
    _row(2024, "Hình thức", 1, "Lồng ghép hội nghị, tập huấn, cuộc họp"),
    _row(2024, "Hình thức", "2", "Chuyên trang, chuyên mục CCHC", noun="bài"),
    _row(2024, "hinh thuc", 3, "TIN BÀI TRÊN TRANG THÔNG TIN ĐIỆN TỬ", noun="tin, bài", target=4),
    _row(2024, "Hình thức", "4.", "Pano, áp phích"),
    _row(2024, "Hình thức", 5, "Fanpage Facebook, nhóm Zalo"),
    _row(2024, "Hình thức", 6, "Podcast, video ngắn", noun="video", target=1),
    _row(2024, "Hình thức", 7, "Khác"),
    _row(2024, "Đơn vị", "vp", target=3, assigned="a, n"),
    _row(2024, "đơn vị", "Ttr", assigned="c"),
    _row(2026, "Đơn vị", "VP", target=5, assigned="n"),
]
FIRST_FREE_ROW = len(PLAN_ROWS) + 2  # the row a test's extra row lands on, under the header and PLAN_ROWS

AREAS_2024 = (
    Area("a", "Vai trò người đứng đầu", "Tuyên truyền vai trò của người đứng đầu"),
    Area("b", "Chương trình CCHC", "Chương trình CCHC"),
    Area("c", "Văn bản mới", "Văn bản mới"),
    Area("d", "Phục vụ người dân", "Phục vụ người dân"),
    Area("e", "Tổ chức bộ máy", "Tổ chức bộ máy"),
    Area("g", "Chỉ số CCHC", "Chỉ số CCHC"),
    Area("h", "Chính quyền điện tử", "Chính quyền điện tử"),
    Area("k", "Thủ tục nội bộ", "Thủ tục nội bộ"),
    Area("l", "Nhà nước và Nhân dân", "Nhà nước và Nhân dân"),
    Area("n", "Chuyển đổi số", "Tuyên truyền chuyển đổi số và Đề án 06"),
)
CHANNELS_2024 = (
    Channel(1, "meeting", "Lồng ghép hội nghị, tập huấn, cuộc họp"),
    Channel(2, "web_section", "Chuyên trang, chuyên mục CCHC"),
    Channel(3, "web_news", "TIN BÀI TRÊN TRANG THÔNG TIN ĐIỆN TỬ"),  # the 2023 name in capitals keeps its code
    Channel(4, "hinh_thuc_4", "Pano, áp phích"),  # a new name: a new code
    Channel(5, "social", "Fanpage Facebook, nhóm Zalo"),
    Channel(6, "hinh_thuc_6", "Podcast, video ngắn"),
    Channel(7, "other", "Khác"),
)
NOUNS_2024 = (("web_section", "bài"), ("web_news", "tin, bài"), ("hinh_thuc_6", "video"))
PLAN_2024 = Plan(
    2024,
    AREAS_2024,
    CHANNELS_2024,
    NOUNS_2024,
    number="30/KH-SLĐTBXH",
    issued=date(2024, 2, 5),
    title="Kế hoạch truyền thông CCHC năm 2024",
    targets=Targets(
        areas=(("a", 2), ("n", 3)),
        channels=(("web_news", 4), ("hinh_thuc_6", 1)),
        units=(("VP", 3),),
        unit_areas=(("VP", ("a", "n")), ("TTR", ("c",))),
    ),
)
PLAN_2026 = Plan(  # targets only: the areas and channels of the nearest earlier plan (2024)
    2026, AREAS_2024, CHANNELS_2024, NOUNS_2024, targets=Targets(units=(("VP", 5),), unit_areas=(("VP", ("n",)),))
)
EXPECTED = Plans((PLAN_2023, PLAN_2024, PLAN_2026), from_tab=True)


def tabs_with(plan: list[list] | None, vp: list[list] = (), ttr: list[list] = (), units=THREE_UNITS) -> dict:
    tabs = {
        "Đơn vị": [UNIT_HEADER, *units],
        "VP": [ACTIVITY_HEADER, *vp],
        "TTR": [ACTIVITY_HEADER, *ttr],
        "DTN": [ACTIVITY_HEADER],
    }
    if plan is not None:
        tabs[TAB] = plan
    return tabs


def parse(plan: list[list] | None, vp: list[list] = (), ttr: list[list] = ()) -> Parsed:
    return parse_snapshot(snapshot(tabs_with(plan, vp, ttr)))


def plan_problems(parsed: Parsed) -> pd.DataFrame:
    return parsed.problems[parsed.problems["tab"] == TAB].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# 1. The tab, read leniently


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


HEADER_VARIANTS = {
    "as in the guide": PLAN_HEADER,
    "folded and short aliases": [
        "NĂM",
        "muc",
        "KY HIEU",
        "ten ngan",
        "DIEN GIAI",
        "ĐVT",
        "Chỉ tiêu",
        "được giao",
        "Ngày ký",
    ],
    "NFD, stray spaces": [_nfd(f"  {h.upper().replace(' ', '  ')} ") for h in PLAN_HEADER],
    "English": ["Year", "Kind", "Key", "Label", "Text", "Unit of count", "Target", "Assigned", "Issued"],
    "with words after the name": [f"{h} (ghi rõ)" for h in PLAN_HEADER],
}


@pytest.mark.parametrize("headers", HEADER_VARIANTS.values(), ids=HEADER_VARIANTS.keys())
def test_headers_are_matched_leniently(headers: list[str]) -> None:
    parsed = parse([headers, *PLAN_ROWS])
    assert plan_problems(parsed).empty
    assert parsed.plans == EXPECTED


def test_any_column_order_extra_columns_and_a_title_row() -> None:
    order = [8, 3, 0, 6, 2, 5, 1, 7, 4]  # shuffled on purpose
    rows = [["KẾ HOẠCH TRUYỀN THÔNG CCHC CÁC NĂM"], ["STT", *[PLAN_HEADER[i] for i in order], "Ghi chú"]]
    rows += [[n, *[row[i] for i in order], "ghi chú"] for n, row in enumerate(PLAN_ROWS, 1)]
    parsed = parse(rows)
    assert parsed.problems.empty
    assert parsed.plans == EXPECTED


@pytest.mark.parametrize("title", ["Kế hoạch", "KẾ HOẠCH", "ke hoach ", _nfd("Kế hoạch")])
def test_the_tab_is_found_by_its_title_leniently_and_is_no_stray_unit(title: str) -> None:
    parsed = parse_snapshot(snapshot({**tabs_with(None), title: [PLAN_HEADER, *PLAN_ROWS]}))
    assert parsed.problems.empty  # not «tên trang không khớp mã hay tên đơn vị nào»
    assert parsed.plans == EXPECTED


def test_two_plan_tabs_are_an_error_and_the_second_is_said_not_to_be_read() -> None:
    tabs = {**tabs_with([PLAN_HEADER, *PLAN_ROWS]), "KẾ HOẠCH ": [PLAN_HEADER, _row(2024, "Nội dung", "o", "Lạ")]}
    parsed = parse_snapshot(snapshot(tabs))
    problems = parsed.problems[parsed.problems["tab"] == "KẾ HOẠCH "]
    assert list(problems["severity"]) == ["error"]
    assert problems["message"].iloc[0].startswith("Trang «KẾ HOẠCH »: Trang này và trang «Kế hoạch» cùng là trang")
    assert "2 dòng không trống của trang này không được đọc" in problems["message"].iloc[0]
    assert parsed.plans == EXPECTED  # the first tab is the one read


def test_the_2024_plan_item_by_item(parse_tabs) -> None:
    parsed = parse_tabs(tabs_with([PLAN_HEADER, *PLAN_ROWS]))
    assert plan_problems(parsed).empty
    plan = parsed.plan_for(2024)
    assert plan.letters == ("a", "b", "c", "d", "e", "g", "h", "k", "l", "n")  # «m» dropped, «n» added
    assert plan.area_by_letter["n"].text == "Tuyên truyền chuyển đổi số và Đề án 06"
    assert plan.area_by_letter["b"].text == "Chương trình CCHC"  # no Diễn giải: the name
    assert plan.channel_codes == ("meeting", "web_section", "web_news", "hinh_thuc_4", "social", "hinh_thuc_6", "other")
    # «Đơn vị tính» makes a channel an item channel, in that year only: social counted «bài đăng» in 2023.
    assert plan.item_channels == {"web_section", "web_news", "hinh_thuc_6"}
    assert plan.item_nouns["hinh_thuc_6"] == "video"
    assert "social" in PLAN_2023.item_channels and "visual" in PLAN_2023.item_channels
    assert plan.targets == PLAN_2024.targets
    assert (plan.number, plan.issued, plan.title) == ("30/KH-SLĐTBXH", date(2024, 2, 5), PLAN_2024.title)
    assert plan.name == "kế hoạch năm 2024 (số 30/KH-SLĐTBXH)"
    assert parsed.plans == EXPECTED
    assert parsed.plan_for(2023) is PLAN_2023 and parsed.plan_for(2023).built_in


def test_a_year_with_only_targets_takes_areas_and_channels_from_the_nearest_earlier_plan() -> None:
    parsed = parse([PLAN_HEADER, *PLAN_ROWS])
    plan = parsed.plan_for(2026)
    assert plan == PLAN_2026
    assert (plan.areas, plan.channels, plan.nouns) == (AREAS_2024, CHANNELS_2024, NOUNS_2024)
    assert parsed.plans.notice(2026) is None  # a plan of its own, if only of targets


def test_a_2023_row_makes_the_tab_the_2023_plan_with_the_built_in_areas_and_channels() -> None:
    plans = parse([PLAN_HEADER, _row(2023, "Đơn vị", "VP", target=2)]).plans
    assert plans.years == (2023,) and not plans.many and plans.from_tab
    plan = plans.for_year(2023)
    assert (plan.areas, plan.channels, plan.nouns) == (PLAN_2023.areas, PLAN_2023.channels, PLAN_2023.nouns)
    assert plan.targets == Targets(units=(("VP", 2),)) and not plan.built_in
    assert plans.notice(2024) == (
        "Năm 2024 chưa có kế hoạch riêng trong trang «Kế hoạch»; số liệu được đối chiếu theo kế hoạch năm 2023."
    )


def test_a_year_that_lists_only_channels_keeps_the_built_in_areas() -> None:
    rows = [PLAN_HEADER, _row(2024, "Hình thức", 1, "Hội nghị trực tuyến"), _row(2024, "Hình thức", 2, "Khác")]
    plan = parse(rows).plan_for(2024)
    assert plan.areas == PLAN_2023.areas
    assert plan.channels == (Channel(1, "hinh_thuc_1", "Hội nghị trực tuyến"), Channel(2, "other", "Khác"))
    assert plan.nouns == ()  # a year that lists its channels says which count items


def test_a_year_that_lists_only_areas_keeps_the_built_in_channels_and_their_units() -> None:
    plan = parse([PLAN_HEADER, _row(2024, "Nội dung", "a", "Một"), _row(2024, "Nội dung", "b", "Hai")]).plan_for(2024)
    assert plan.letters == ("a", "b")
    assert (plan.channels, plan.nouns) == (PLAN_2023.channels, PLAN_2023.nouns)
    assert plan.area_hint == "dùng các chữ a, b, ví dụ «a, b»"


# (why, the extra row, header of the column named (None: the whole row), its letter, value shown, severity, reason)
BAD_ROWS = [
    (
        "unknown Mục",
        _row(2024, "Mục lạ", "x", "Gì đó"),
        "Mục",
        "B",
        "Mục lạ",
        "error",
        "ghi một trong: «Kế hoạch», «Nội dung», «Hình thức», «Đơn vị», «Hạn báo cáo»",
    ),
    (
        "two-letter Ký hiệu",
        _row(2024, "Nội dung", "ab", "Hai chữ"),
        "Ký hiệu",
        "C",
        "ab",
        "error",
        "ký hiệu của nội dung là một chữ cái, ví dụ «a»",
    ),
    (
        "duplicate letter",
        _row(2024, "Nội dung", "N", "Lặp"),
        "Ký hiệu",
        "C",
        "N",
        "error",
        "nội dung «n» đã có ở một dòng phía trên của năm 2024",
    ),
    (
        "area without a name",
        _row(2024, "Nội dung", "o", None, "chỉ có diễn giải"),
        "Tên",
        "D",
        None,
        "error",
        "chưa ghi tên ngắn của nội dung",
    ),
    (
        "duplicate channel number",
        _row(2024, "Hình thức", 6, "Truyền hình"),
        "Ký hiệu",
        "C",
        "6",
        "error",
        "hình thức số 6 đã có ở một dòng phía trên của năm 2024",
    ),
    (
        "a channel twice under two numbers",
        _row(2024, "Hình thức", 8, "khác"),
        "Tên",
        "D",
        "khác",
        "error",
        "hình thức «khác» đã có ở một dòng phía trên của năm 2024",
    ),
    (
        "channel Ký hiệu not a number",
        _row(2024, "Hình thức", "Báo in", "Báo in"),
        "Ký hiệu",
        "C",
        "Báo in",
        "error",
        "ký hiệu của hình thức là số thứ tự, ví dụ «1»",
    ),
    (
        "unknown unit code",
        _row(2024, "Đơn vị", "XYZ", target=2),
        "Ký hiệu",
        "C",
        "XYZ",
        "error",
        "không khớp mã đơn vị nào trong trang «Đơn vị»",
    ),
    (
        "a unit twice in a year",
        _row(2024, "Đơn vị", "VP", target=1),
        "Ký hiệu",
        "C",
        "VP",
        "error",
        "đơn vị VP đã có chỉ tiêu ở một dòng phía trên của năm 2024",
    ),
    (
        "assigned letter not in that year's plan",
        _row(2024, "Đơn vị", "DTN", assigned="a, m"),
        "Nội dung được giao",
        "H",
        "a, m",
        "error",
        "không có nội dung «m» trong kế hoạch năm 2024; dùng các chữ a, b, c, d, e, g, h, k, l, n, ví dụ «a, b»",
    ),
    (
        "assigned letter not in the plan a year inherits",
        _row(2026, "Đơn vị", "DTN", assigned="m"),
        "Nội dung được giao",
        "H",
        "m",
        "error",
        "không có nội dung «m» trong kế hoạch năm 2026; dùng các chữ a, b, c, d, e, g, h, k, l, n, ví dụ «a, b»",
    ),
    (
        "a unit row that asks for nothing",
        _row(2024, "Đơn vị", "DTN"),
        None,
        None,
        None,
        "warning",
        "dòng «Đơn vị» chưa ghi chỉ tiêu mỗi quý hay nội dung được giao",
    ),
    (
        "target 0",
        _row(2024, "Nội dung", "o", "Mới", target=0),
        "Chỉ tiêu mỗi quý",
        "G",
        "0",
        "error",
        "chỉ tiêu là một số nguyên từ 1 đến 1.000; để trống nếu không đặt chỉ tiêu",
    ),
    (
        "target as text",
        _row(2024, "Hình thức", 8, "Truyền hình", target="nhiều"),
        "Chỉ tiêu mỗi quý",
        "G",
        "nhiều",
        "error",
        "chỉ tiêu là một số nguyên từ 1 đến 1.000; để trống nếu không đặt chỉ tiêu",
    ),
    (
        "target too large",
        _row(2024, "Đơn vị", "DTN", target=5000),
        "Chỉ tiêu mỗi quý",
        "G",
        "5000",
        "error",
        "chỉ tiêu là một số nguyên từ 1 đến 1.000; để trống nếu không đặt chỉ tiêu",
    ),
    (
        "a year that is no year",
        _row("2O24", "Nội dung", "o", "Mới"),
        "Năm",
        "A",
        "2O24",
        "error",
        "năm phải là số có 4 chữ số trong khoảng 2000–2100",
    ),
    (
        "no Ký hiệu",
        _row(2024, "Nội dung", None, "Mới"),
        "Ký hiệu",
        "C",
        None,
        "error",
        "ô «Ký hiệu» đang trống; cột này là bắt buộc",
    ),
    (
        "a second Kế hoạch row in a year",
        _row(2024, "Kế hoạch", "31/KH-SLĐTBXH", "Kế hoạch bổ sung"),
        "Mục",
        "B",
        "Kế hoạch",
        "error",
        "năm 2024 đã có dòng «Kế hoạch» ở dòng 2",
    ),
    (
        "an impossible date of issue",
        _row(2024, "Nội dung", "o", "Mới", issued="31/02/2024"),
        "Ngày ban hành",
        "I",
        "31/02/2024",
        "error",
        "không phải ngày hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2023",
    ),
]


@pytest.mark.parametrize(
    ("extra", "header", "letter", "value", "severity", "reason"),
    [b[1:] for b in BAD_ROWS],
    ids=[b[0] for b in BAD_ROWS],
)
def test_a_row_the_plan_cannot_use_is_a_problem_naming_tab_row_and_column(
    extra, header, letter, value, severity, reason
) -> None:
    parsed = parse([PLAN_HEADER, *PLAN_ROWS, extra])
    row = FIRST_FREE_ROW
    problems = plan_problems(parsed)
    assert len(problems) == 1, problems["message"].tolist()
    problem = problems.iloc[0]
    assert (problem["row"], problem["column"], problem["value"]) == (row, header, value)
    assert (problem["severity"], problem["reason"]) == (severity, reason)
    where = f"Trang «{TAB}», dòng {row}" + (f", cột «{header}» ({letter}{row})" if header else "")
    assert problem["message"].startswith(f"{where}: ")
    assert problem["cell"] == (f"{letter}{row}" if letter else None)
    assert parsed.plans == EXPECTED  # nothing of the bad row reached a plan, and every good row did


def test_every_bad_row_at_once_on_each_source(parse_tabs) -> None:
    """The table above in one tab, read from an .xlsx file and from the fake Google Sheet: one problem per bad
    row, on its own row and column, and none on a good row."""
    parsed = parse_tabs(tabs_with([PLAN_HEADER, *PLAN_ROWS, *(b[1] for b in BAD_ROWS)]))
    problems = plan_problems(parsed).sort_values("row", kind="stable")
    assert list(problems["row"]) == list(range(FIRST_FREE_ROW, FIRST_FREE_ROW + len(BAD_ROWS)))
    for (why, _extra, header, _letter, value, severity, reason), problem in zip(
        BAD_ROWS, problems.itertuples(index=False), strict=True
    ):
        column, seen = (None if pd.isna(v) else v for v in (problem.column, problem.value))
        assert (column, seen, problem.severity, problem.reason) == (header, value, severity, reason), why
        assert problem.message.startswith(f"Trang «{TAB}», dòng {problem.row}"), why
    assert parsed.plans == EXPECTED
    assert parsed.problems["tab"].eq(TAB).all()  # nothing else was affected


def test_a_tab_with_only_bad_rows_leaves_the_built_in_plan_and_says_what_is_wrong() -> None:
    parsed = parse([PLAN_HEADER, _row(2024, "Mục lạ", "a", "A"), _row("năm nay", "Nội dung", "a", "A")])
    assert parsed.plans == DEFAULT_PLANS and not parsed.plans.from_tab
    assert sorted(plan_problems(parsed)["row"]) == [2, 3]


def test_a_filled_tab_without_a_header_is_an_error() -> None:
    parsed = parse([["2024", "Nội dung"], ["a", "Vai trò"]])
    problems = plan_problems(parsed)
    assert list(problems["severity"]) == ["error"]
    assert problems["message"].iloc[0].startswith("Trang «Kế hoạch»: Không tìm thấy dòng tiêu đề (Năm · Mục · Ký hiệu")
    assert parsed.plans == DEFAULT_PLANS


# ---------------------------------------------------------------------------------------------------------------
# 2. Several years: each activity by the plan of its period's year

VP_ROWS = [
    [date(2024, 5, 2), "m", 1, "«m» is gone in 2024"],  # row 2: error
    [date(2023, 5, 2), "m", "Trực quan (pano, áp phích, khẩu hiệu, băng rôn)", "«m» in 2023"],  # row 3: counts
    [date(2024, 5, 2), "n", "Podcast, video ngắn", "«n» in 2024", 2],  # row 4: counts
    [date(2025, 5, 2), "a, n", 6, "2025, by the 2024 plan"],  # row 5: counts
    [date(2025, 5, 3), "m", 6, "2025, «m» by the 2024 plan"],  # row 6: error
    [date(2023, 12, 20), "n", "pano", "quý I năm 2024 (Nghị định 09)"],  # row 7: counts, channel 4's new name
    [date(2023, 12, 14), "n", 1, "quý IV năm 2023"],  # row 8: error
    [date(2024, 5, 4), "a", "Trực quan (pano, áp phích, khẩu hiệu, băng rôn)", "a 2023 channel gone in 2024"],  # 9
]
HINT_2024 = "dùng các chữ a, b, c, d, e, g, h, k, l, n, ví dụ «a, b»"
HINT_2023 = "dùng các chữ a, b, c, d, e, g, h, k, l, m (không có f, i, j), ví dụ «a, b»"


def test_each_activity_is_judged_by_the_plan_of_its_year(parse_tabs) -> None:
    parsed = parse_tabs(tabs_with([PLAN_HEADER, *PLAN_ROWS], VP_ROWS))
    acts = parsed.activities.set_index("row")
    assert list(acts.index) == [3, 4, 5, 7]
    assert acts.loc[3, ["areas", "channel", "year"]].tolist() == [("m",), "visual", 2023]
    assert acts.loc[4, ["areas", "channel", "quantity"]].tolist() == [("n",), "hinh_thuc_6", 2]
    assert acts.loc[5, ["areas", "channel", "year"]].tolist() == [("a", "n"), "hinh_thuc_6", 2025]
    assert acts.loc[7, ["areas", "channel", "year", "quarter"]].tolist() == [("n",), "hinh_thuc_4", 2024, 1]

    problems = parsed.problems[parsed.problems["tab"] == "VP"].set_index("cell")
    assert set(problems.index) == {"B2", "B6", "B8", "C9"}
    assert problems["severity"].eq("error").all()
    assert problems.loc["B2", "message"] == (
        f"Trang «VP», dòng 2, cột «Nội dung» (B2): Giá trị «m»: không có nội dung «m» trong kế hoạch năm 2024; {HINT_2024}."
    )
    assert problems.loc["B6", "reason"] == f"không có nội dung «m» trong kế hoạch năm 2024; {HINT_2024}"
    assert problems.loc["B8", "reason"] == f"không có nội dung «n» trong kế hoạch năm 2023; {HINT_2023}"
    assert problems.loc["C9", "reason"].startswith(
        "không khớp hình thức nào của kế hoạch; chọn một trong: 1. Lồng ghép"
    )
    assert "4. Pano, áp phích" in problems.loc["C9", "reason"] and "Trực quan" not in problems.loc["C9", "reason"]
    assert (parsed.rows, len(parsed.activities), parsed.error_rows) == (8, 4, 4)


def test_a_year_without_its_own_plan_uses_the_nearest_earlier_one_and_says_so() -> None:
    parsed = parse([PLAN_HEADER, *PLAN_ROWS], VP_ROWS)
    assert parsed.plan_for(2025) == PLAN_2024
    assert parsed.plans.notice(2025) == (
        "Năm 2025 chưa có kế hoạch riêng trong trang «Kế hoạch»; số liệu được đối chiếu theo "
        "kế hoạch năm 2024 (số 30/KH-SLĐTBXH)."
    )
    assert parsed.plans.notice(2027) == (
        "Năm 2027 chưa có kế hoạch riêng trong trang «Kế hoạch»; số liệu được đối chiếu theo kế hoạch năm 2026."
    )
    assert parsed.plans.notice(2022).endswith("theo kế hoạch năm 2023.")  # before the first plan: the earliest
    assert [parsed.plans.notice(y) for y in (2023, 2024, 2026)] == [None, None, None]
    assert summarize(parsed, quarter(2025, 2), NOW).plan_notice == parsed.plans.notice(2025)
    assert summarize(parsed, quarter(2024, 2), NOW).plan_notice is None


EMPTY_TABS = {
    "absent": None,
    "with no rows": [],
    "header only": [PLAN_HEADER],
    "header and blank rows": [PLAN_HEADER, [], [None, " "]],
}


@pytest.mark.parametrize("plan", EMPTY_TABS.values(), ids=EMPTY_TABS.keys())
def test_without_a_plan_everything_is_as_before(plan) -> None:
    """With no `Kế hoạch` tab, or one with nothing in it, the built-in 2023 plan judges every year, messages name
    no year, and nothing is said about plans: the frames equal those of a workbook without the tab."""
    parsed = parse(plan, VP_ROWS)
    before = parse(None, VP_ROWS)
    for name in ("activities", "problems", "units", "submissions", "excluded"):
        pd.testing.assert_frame_equal(getattr(parsed, name), getattr(before, name))
    assert (parsed.rows, parsed.blank_rows, parsed.error_rows) == (before.rows, before.blank_rows, before.error_rows)
    assert parsed.plans == DEFAULT_PLANS and not parsed.plans.many and not parsed.plans.from_tab
    assert all(parsed.plans.notice(year) is None for year in range(2020, 2030))
    assert all(parsed.plan_for(year) is PLAN_2023 for year in range(2020, 2030))
    # Under the 2023 plan «m» counts in every year and «n» is no area, in the message the app always gave.
    assert list(parsed.activities["row"]) == [2, 3, 6, 9]
    reasons = parsed.problems.set_index("cell")["reason"]
    assert reasons["B4"] == f"không có nội dung «n» trong kế hoạch; {HINT_2023}"
    assert reasons["C4"].startswith("không khớp hình thức nào của kế hoạch; chọn một trong: 1. Lồng ghép")


# ---------------------------------------------------------------------------------------------------------------
# 3. Summaries of a year by its plan

Q2_2024 = [  # 15/03/2024 … 14/06/2024
    [date(2024, 4, 1), "a, n", 1, "Hội nghị", 1, 40],
    [date(2024, 4, 2), "c", 3, "Tin", 5],
    [date(2024, 4, 3), "n", "Podcast, video ngắn", "Video", 2],
]


def test_a_2024_quarter_is_summarised_by_the_2024_plan() -> None:
    parsed = parse([PLAN_HEADER, *PLAN_ROWS], Q2_2024, [[date(2024, 5, 1), "n", 6, "Video TTR", 3]])
    s = summarize(parsed, quarter(2024, 2), NOW)
    assert s.plan == PLAN_2024
    assert list(s.areas.index) == list(PLAN_2024.letters) and "m" not in s.areas.index
    assert s.areas.to_dict() == {**dict.fromkeys(PLAN_2024.letters, 0), "a": 1, "c": 1, "n": 3}
    assert s.totals["coverage"] == pytest.approx(3 / 10) and s.totals["areas_covered"] == 3
    assert s.uncovered_areas == ["b", "d", "e", "g", "h", "k", "l"]
    assert list(s.channels.index) == list(PLAN_2024.channel_codes)
    assert s.channels.to_dict() == {
        **dict.fromkeys(PLAN_2024.channel_codes, 0),
        "meeting": 1,
        "web_news": 1,
        "hinh_thuc_6": 2,
    }
    assert s.channel_quantity["hinh_thuc_6"] == 5 and s.channel_quantity["web_news"] == 5
    vp = s.units.set_index("code").loc["VP"]
    assert vp["areas"] == ("a", "c", "n") and vp["ch_hinh_thuc_6"] == 1 and vp["qty_hinh_thuc_6"] == 2

    data = s.to_json()
    assert list(data["channels"]) == list(PLAN_2024.channel_codes)
    assert data["channels"]["hinh_thuc_6"] == 2 and "visual" not in data["channels"]
    assert list(data["areas"]) == list(PLAN_2024.letters)
    assert data["totals"]["coverage"] == 0.3
    for unit in data["units"]:
        assert list(unit["channels"]) == list(PLAN_2024.channel_codes)


def test_a_2023_quarter_of_the_same_workbook_keeps_the_built_in_plan() -> None:
    parsed = parse([PLAN_HEADER, *PLAN_ROWS], [[date(2023, 4, 1), "m", "Trực quan", "Pano", 4]])
    s = summarize(parsed, quarter(2023, 2), NOW)
    assert s.plan is PLAN_2023 and s.plan_notice is None
    assert list(s.to_json()["channels"]) == list(PLAN_2023.channel_codes)
    assert s.areas["m"] == 1 and s.totals["coverage"] == pytest.approx(0.1)
    assert s.channel_quantity["visual"] == 4


def test_a_half_year_and_a_year_without_a_plan_use_the_earlier_plan() -> None:
    parsed = parse([PLAN_HEADER, *PLAN_ROWS], [[date(2025, 4, 1), "n", 6, "Video", 1]])
    for period in (half(2025, 1), whole_year(2025)):
        s = summarize(parsed, period, NOW)
        assert s.plan == PLAN_2024 and s.plan_notice == parsed.plans.notice(2025)
        assert s.areas["n"] == 1 and s.channels["hinh_thuc_6"] == 1


# ---------------------------------------------------------------------------------------------------------------
# 5. A 2023 export is byte for byte the same once a 2024 plan, 2024 activities and new units are added

UNIT_HEADER_OVER_TIME = [*UNIT_HEADER, "Từ ngày", "Đến ngày", "Đơn vị tiếp nhận"]


def _with_2024(tabs: dict) -> dict:
    units = [UNIT_HEADER_OVER_TIME]
    for row in tabs["Đơn vị"][1:]:
        # Đoàn Thanh niên hands its work to the new unit on 1/7/2024; the others carry on.
        units.append([*row, None, "30/06/2024", "MOI"] if row[0] == "DTN" else [*row, None, None, None])
    units.append(["MOI", "Phòng Chuyển đổi số", "Phòng chuyên môn, nghiệp vụ", "moi@example.vn", "Có", "01/07/2024"])
    vp_2024 = [
        [date(2023, 12, 20), "n", "Podcast, video ngắn", "Quý I năm 2024", 2],  # dated in 2023, in Q1 2024
        [date(2024, 5, 2), "a, n", 1, "Hội nghị 2024", 1, 50],
    ]
    return {
        **tabs,
        "Đơn vị": units,
        "VP": [*tabs["VP"], *vp_2024],
        "MOI": [ACTIVITY_HEADER, [date(2024, 8, 1), "n", 6, "Video", 3]],
        "Nộp báo cáo": [*tabs["Nộp báo cáo"], ["MOI", 2024, 3, "10/09/2024 09:00", "moi@example.vn"]],
        TAB: [PLAN_HEADER, *PLAN_ROWS],
    }


@pytest.fixture(scope="module")
def two_workbooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Parsed, Parsed]:
    def read(folder: str, tabs: dict) -> Parsed:
        path = write_workbook(tmp_path_factory.mktemp(folder) / "nguon.xlsx", tabs)  # one name: the source's
        return parse_snapshot(WorkbookSource(path, clock=lambda: EXPORT_NOW).read())

    return read("only-2023", EXPORT_TABS), read("with-2024", _with_2024(EXPORT_TABS))


def test_the_later_workbook_really_holds_more(two_workbooks) -> None:
    only_2023, with_2024 = two_workbooks
    assert with_2024.plans.many and not only_2023.plans.from_tab
    assert len(with_2024.activities) == len(only_2023.activities) + 3
    assert "MOI" in set(with_2024.units["code"]) and with_2024.problems["tab"].ne(TAB).all()
    assert EXPORT_TABS["Nộp báo cáo"][0] == SUBMISSION_HEADER  # the order `_with_2024` appends its row in
    assert only_2023.source_name == with_2024.source_name  # the .docx names its source
    s = summarize(with_2024, quarter(2024, 3), EXPORT_NOW)
    assert s.plan == PLAN_2024 and "MOI" in set(s.units["code"]) and "DTN" in set(s.units["code"])


@pytest.mark.parametrize(
    "period", [quarter(2023, 1), quarter(2023, 4), half(2023, 2), whole_year(2023)], ids=lambda p: p.slug
)
@pytest.mark.parametrize("kind", ["xlsx", "docx", "csv", "csv-excel"])
def test_a_2023_export_is_byte_identical(two_workbooks, period, kind) -> None:
    only_2023, with_2024 = two_workbooks
    first = export_bytes(only_2023, Settings(), period, EXPORT_NOW, kind)
    assert export_bytes(with_2024, Settings(), period, EXPORT_NOW, kind) == first
    assert summarize(with_2024, period, EXPORT_NOW).to_json() == summarize(only_2023, period, EXPORT_NOW).to_json()


def test_a_plans_own_report_deadline_applies_to_its_year_only() -> None:
    """«Hạn báo cáo» 10: 2024's reports are due by 10/3 … 10/12; the data cut-off and 2023 stay as set."""
    from datetime import datetime

    from reporting.metrics import summarize_quarter
    from reporting.periods import VN_TZ, deadline
    from tests.snapshots import snapshot

    plan = [
        ["Năm", "Mục", "Ký hiệu", "Tên"],
        [2024, "Hạn báo cáo", 10, None],
        [2024, "Hạn báo cáo", 12, None],  # a second one: an error naming the first
        [2025, "Hạn báo cáo", 31, None],  # not a day every quarter's last month has
    ]
    tabs = {
        "Đơn vị": [["Mã", "Tên đơn vị"], ["VP", "Văn phòng Sở"]],
        "VP": [["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"], ["12/03/2024", "a", "Khác", "Họp"]],
        "Nộp báo cáo": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"], ["VP", 2024, 1, "12/03/2024 09:00"]],
        "Kế hoạch": plan,
    }
    parsed = parse_snapshot(snapshot(tabs))
    mine = parsed.problems[parsed.problems["tab"] == "Kế hoạch"].sort_values("row")
    assert list(mine["row"]) == [3, 4] and set(mine["severity"]) == {"error"}
    assert "đã có dòng «Hạn báo cáo» ở dòng 2" in mine["message"].iloc[0]
    assert "từ 1 đến 28" in mine["message"].iloc[1]
    assert deadline(2024, 1, parsed.rules_for(2024)).day == 10
    assert deadline(2023, 1, parsed.rules_for(2023)).day == 14 and deadline(2025, 1, parsed.rules_for(2025)).day == 10
    assert tuple(parsed.activities[["year", "quarter"]].iloc[0]) == (2024, 1)  # the cut-off is still the 15th
    report = summarize_quarter(parsed, 2024, 1, datetime(2024, 4, 1, tzinfo=VN_TZ)).reports.iloc[0]
    assert (report["status"], int(report["days_late"]), report["deadline"].day) == ("late", 2, 10)
