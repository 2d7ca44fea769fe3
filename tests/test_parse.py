"""Parsing a snapshot: frames, problems with tab/row/column/value, and the rule of no silent loss."""

import unicodedata
from datetime import date, datetime

import pandas as pd
import pytest
from snapshots import ACTIVITY_HEADER, SUBMISSION_HEADER, UNIT_HEADER, UNITS, snapshot

from reporting.parse import parse_snapshot
from reporting.periods import VN_TZ, PeriodRules


def base(vp_rows, extra=None):
    tabs = {"Đơn vị": [UNIT_HEADER, *UNITS], "VP": [ACTIVITY_HEADER, *vp_rows], "TTR": [ACTIVITY_HEADER]}
    tabs.update(extra or {})
    return parse_snapshot(snapshot(tabs))


def test_clean_rows_become_activities():
    parsed = base(
        [
            [date(2023, 3, 1), "a, b", "Tin bài trên trang thông tin điện tử", "Tin CCHC", 2, None, "http://x", None],
            ["20/12/2023", "c", 1, "Hội nghị", None, "1.200", None, "ghi chú"],
        ]
    )
    acts = parsed.activities
    assert list(acts["areas"]) == [("a", "b"), ("c",)]
    assert list(acts["channel"]) == ["web_news", "meeting"]
    assert list(acts["quantity"]) == [2, 1]  # a blank quantity is 1
    assert list(acts["participants"]) == [0, 1200]
    assert list(acts["row"]) == [2, 3]
    assert list(zip(acts["year"], acts["quarter"], strict=True)) == [(2023, 1), (2024, 1)]
    assert acts["date"].dtype == "datetime64[ns]"
    assert parsed.problems.empty
    assert (parsed.rows, len(acts), parsed.error_rows) == (2, 2, 0)


def test_bad_row_is_a_problem_with_location():
    parsed = base(
        [
            [date(2023, 3, 1), "a", 1, "ok", 1, 1, None, None],
            ["31/02/2023", "f", "Báo giấy", "sai", "nhiều", None, None, None],
        ]
    )
    assert len(parsed.activities) == 1
    problems = parsed.problems.set_index("cell")
    assert set(problems.index) == {"A3", "B3", "C3", "E3"}
    date_problem = problems.loc["A3"]
    assert (date_problem["tab"], date_problem["row"], date_problem["column"], date_problem["value"]) == (
        "VP",
        3,
        "Ngày",
        "31/02/2023",
    )
    assert date_problem["severity"] == "error" and date_problem["unit_code"] == "VP"
    assert date_problem["message"].startswith("Trang «VP», dòng 3, cột «Ngày» (A3): Giá trị «31/02/2023»")
    assert "không có nội dung «f»" in problems.loc["B3", "message"]
    assert parsed.rows == 2 and parsed.error_rows == 1


def test_missing_title_is_only_a_warning():
    parsed = base([[date(2023, 3, 1), "a", 1, None, 1, 1, None, None]])
    assert len(parsed.activities) == 1
    assert list(parsed.problems["severity"]) == ["warning"]


def test_a_damaged_character_is_a_warning_on_its_cell_and_the_text_is_kept():
    # «�» (U+FFFD) is where a character was lost: text copied from a file in another encoding. Only the person
    # who typed it knows what it said, so the cell is named; the row still counts and the text is not changed.
    rows = [[date(2023, 3, 1), "a", 1, "Tuy\ufffdn truy\ufffdn", 1, 1, None, "ghi ch\ufffd"]]
    rows += [[date(2023, 3, 2), "b", 1, f"Hoạt động {n}", 1, 1] for n in range(3000)]  # past one chunk of text
    rows += [[date(2023, 3, 3), "c", 1, 12345, 1, 1, None, "số \ufffd"]]  # a number in the column: mixed text
    parsed = base(rows)
    assert len(parsed.activities) == 3002
    assert parsed.activities["title"].iloc[0] == "Tuy\ufffdn truy\ufffdn"
    damaged = parsed.problems[parsed.problems["reason"].str.contains("«\ufffd»")]
    assert list(damaged["cell"]) == ["D2", "H2", "H3003"] and set(damaged["severity"]) == {"warning"}
    assert damaged.iloc[0]["message"] == (
        "Trang «VP», dòng 2, cột «Tên hoạt động» (D2): Giá trị «Tuy\ufffdn truy\ufffdn»: có ký tự «\ufffd» ở chỗ "
        "một chữ đã bị hỏng (thường do chép từ tệp dùng bảng mã khác); hãy gõ lại chữ đó cho đúng; dòng vẫn được tính."
    )
    assert (damaged["unit_code"] == "VP").all()


def test_a_long_value_is_quoted_in_part_and_kept_whole():
    # A whole document pasted into one cell: the message quotes enough to find it, the problem keeps all of it.
    pasted = "Báo cáo " * 2000
    parsed = base([[pasted, "a", 1, "x"]])
    problem = parsed.problems.iloc[0]
    assert problem["value"] == pasted.strip()  # as the date column reads it: stripped
    assert len(problem["message"]) < 400
    assert f"Giá trị «{pasted[:200]}…»: " in problem["message"]


def test_no_damaged_character_no_warning():
    parsed = base([[date(2023, 3, 1), "a", 1, "Tuyên truyền ? ¿ \ufffe", 1, 1]])
    assert parsed.problems.empty


def test_blank_rows_are_counted_not_problems():
    parsed = base([[date(2023, 3, 1), "a", 1, "x"], [None, "  ", None], [], [date(2023, 3, 2), "b", 2, "y"]])
    assert (parsed.rows, parsed.blank_rows, len(parsed.activities)) == (2, 2, 2)
    assert list(parsed.activities["row"]) == [2, 5]


def test_lenient_headers_any_order_extra_columns_and_title_rows():
    header = [
        "STT",
        "  hình THỨC ",
        "ngay",
        "NOI DUNG",
        "Tên hoạt động (ghi rõ)",
        "Số lượng (tin, bài)",
        unicodedata.normalize("NFD", "Số người tham gia"),
        "Cột thêm",
    ]
    parsed = parse_snapshot(
        snapshot(
            {
                "Đơn vị": [UNIT_HEADER, *UNITS],
                "vp": [
                    ["BÁO CÁO HOẠT ĐỘNG QUÝ I"],
                    header,
                    [1, "social", "1/3/2023", "h", "Fanpage", "5", 0, "bỏ qua"],
                ],
                "Thanh tra Sở": [ACTIVITY_HEADER],
            }
        )
    )
    act = parsed.activities.iloc[0]
    assert (act["unit_code"], act["channel"], act["areas"], act["quantity"], act["row"]) == (
        "VP",
        "social",
        ("h",),
        5,
        3,
    )
    assert parsed.problems.empty  # the unit tab "Thanh tra Sở" is matched by name


def test_nfd_text_is_nfc_in_frames():
    title = unicodedata.normalize("NFD", "Tuyên truyền cải cách hành chính")
    parsed = base([[date(2023, 3, 1), "a", unicodedata.normalize("NFD", "Khác"), title]])
    assert parsed.activities.iloc[0]["title"] == unicodedata.normalize("NFC", title)
    assert parsed.activities.iloc[0]["channel"] == "other"


def test_missing_required_column_makes_every_row_an_error():
    parsed = parse_snapshot(
        snapshot(
            {
                "Đơn vị": [UNIT_HEADER, *UNITS[:1]],
                "VP": [["Ngày", "Hình thức", "Tên hoạt động"], [date(2023, 3, 1), 1, "x"], [date(2023, 3, 2), 1, "y"]],
            }
        )
    )
    assert parsed.activities.empty and parsed.rows == 2 and parsed.error_rows == 2
    header_problem = parsed.problems[parsed.problems["row"] == 1]
    assert (
        list(header_problem["column"]) == ["Nội dung"]
        and "Thiếu cột bắt buộc «Nội dung»" in header_problem.iloc[0]["message"]
    )


def test_duplicate_header_is_an_error_and_first_column_wins():
    parsed = parse_snapshot(
        snapshot(
            {
                "Đơn vị": [UNIT_HEADER, *UNITS[:1]],
                "VP": [["Ngày", "Nội dung", "Hình thức", "Nội dung"], [date(2023, 3, 1), "a", 1, "b"]],
            }
        )
    )
    assert list(parsed.activities["areas"]) == [("a",)]
    dup = parsed.problems.iloc[0]
    assert (dup["severity"], dup["row"], dup["cell"], dup["column"]) == ("error", 1, "D1", "Nội dung")
    assert "trùng với cột B" in dup["message"]


def test_stray_tab_and_unit_without_tab():
    parsed = parse_snapshot(
        snapshot(
            {
                "Đơn vị": [UNIT_HEADER, *UNITS],
                "VP": [ACTIVITY_HEADER],
                "Nháp": [["ghi chép"], ["dòng 2"]],
                "Trống": [],
            }
        )
    )
    by_tab = parsed.problems.set_index("tab")
    assert by_tab.loc["Nháp", "severity"] == "error" and "2 dòng không được tính" in by_tab.loc["Nháp", "message"]
    assert by_tab.loc["Trống", "severity"] == "warning"
    unit_problem = parsed.problems[parsed.problems["tab"] == "Đơn vị"].iloc[0]
    assert (
        unit_problem["unit_code"] == "TTR" and unit_problem["row"] == 3 and "chưa có trang" in unit_problem["message"]
    )


def test_no_unit_list_treats_each_tab_as_a_unit():
    parsed = parse_snapshot(snapshot({"VP": [ACTIVITY_HEADER, [date(2023, 3, 1), "a", 1, "x"]]}))
    assert list(parsed.units["code"]) == ["VP"] and len(parsed.activities) == 1
    assert "Thiếu trang «Đơn vị»" in parsed.problems.iloc[0]["message"]


def test_headerless_unit_tab_rows_are_errors():
    parsed = parse_snapshot(snapshot({"Đơn vị": [UNIT_HEADER, *UNITS[:1]], "VP": [["xin chào"], ["abc", "def"]]}))
    assert parsed.rows == 2 and parsed.error_rows == 2 and parsed.activities.empty


def test_units_tab_validation():
    parsed = parse_snapshot(
        snapshot(
            {
                "Đơn vị": [
                    UNIT_HEADER,
                    ["VP", "Văn phòng", "???", "sai-email", "Không"],
                    ["VP", "Trùng mã"],
                    [None, "Không có mã"],
                ],
                "VP": [ACTIVITY_HEADER],
            }
        )
    )
    unit = parsed.units.iloc[0]
    assert len(parsed.units) == 1 and not unit["reports"]
    severities = dict(zip(parsed.problems["cell"], parsed.problems["severity"], strict=True))
    assert severities["C2"] == "warning" and severities["D2"] == "warning"
    assert severities["A3"] == "error" and severities["A4"] == "error"


def test_submissions():
    parsed = base(
        [],
        {
            "Nộp báo cáo": [
                SUBMISSION_HEADER,
                ["VP", 2023, "I", "14/03/2023 17:30", "vp@example.vn"],
                ["Thanh tra Sở", "2023", "Quý II", datetime(2023, 6, 20, 8, 0), None],
                ["XYZ", 2023, 1, "14/03/2023", None],
                ["VP", 2023, 7, "hôm qua", None],
            ]
        },
    )
    subs = parsed.submissions
    assert list(subs["unit_code"]) == ["VP", "TTR"] and list(subs["quarter"]) == [1, 2]
    assert subs.iloc[0]["submitted_at"] == datetime(2023, 3, 14, 17, 30, tzinfo=VN_TZ)
    cells = set(parsed.problems["cell"])
    assert {"A4", "C5", "D5"} <= cells
    assert parsed.problems.set_index("cell").loc["C5", "unit_code"] == "VP"


def test_calendar_rules_change_periods():
    rows = [[date(2023, 3, 20), "a", 1, "x"]]
    tabs = {"Đơn vị": [UNIT_HEADER, *UNITS[:1]], "VP": [ACTIVITY_HEADER, *rows]}
    nd09 = parse_snapshot(snapshot(tabs))
    cal = parse_snapshot(snapshot(tabs), PeriodRules(calendar=True))
    assert nd09.activities.iloc[0]["quarter"] == 2 and cal.activities.iloc[0]["quarter"] == 1


def test_same_value_in_two_types_is_not_merged():
    # True == 1 in Python; a TRUE typed in "Hình thức" must not become channel 1.
    parsed = base([[date(2023, 3, 1), "a", True, "x"], [date(2023, 3, 2), "a", 1, "y"]])
    assert list(parsed.activities["row"]) == [3]
    assert parsed.problems.iloc[0]["value"] == "TRUE"


def test_a_boolean_after_the_same_number_is_not_merged_either():
    # pd.factorize keeps the first of equal values: here 1, so the TRUE that follows must still be found.
    parsed = base(
        [[date(2023, 3, 2), "a", 1, "y"], [date(2023, 3, 1), "a", True, "x"], [date(2023, 3, 3), "a", 0, "z"]]
    )
    assert list(parsed.activities["row"]) == [2]
    assert sorted(parsed.problems["value"]) == ["0", "TRUE"]


def test_nan_and_booleans_are_values_not_blanks():
    nan = float("nan")
    parsed = base([[date(2023, 3, 1), "a", nan, True], [date(2023, 3, 2), "a", 1, nan], [nan, "a", 1, "  "]])
    assert list(parsed.activities["row"]) == [3]
    assert list(parsed.activities["title"]) == ["NaN"]  # free text keeps what the cell held, as text
    errors = parsed.problems[parsed.problems["severity"] == "error"]
    assert sorted(errors["row"]) == [2, 4] and set(errors["value"]) == {"NaN"}


def test_whitespace_only_free_text_is_blank():
    parsed = base([[date(2023, 3, 1), "a", 1, " \u3000\t"], [date(2023, 3, 2), "a", 1, True]])
    assert list(parsed.activities["title"]) == [None, "TRUE"]
    assert list(parsed.problems["row"]) == [2]  # «chưa ghi tên hoạt động», a warning


def test_a_long_free_text_column_reads_the_same_in_every_part():
    # Long columns are read a few thousand cells at a time (`reporting.parse._factorize_text`); blanks, NFD
    # text, numbers, booleans and NaN each sit in a different part, some at the edges between parts.
    nfd = unicodedata.normalize("NFD", " Tuyên truyền ")
    odd = {0: "  ", 2047: "\t", 2048: None, 2049: "", 3000: nfd, 4095: 12.0, 4096: True, 6000: float("nan")}
    titles = [odd.get(i, f"Tin {i}") for i in range(7000)]
    parsed = base([[date(2023, 3, 1), "a", 1, title] for title in titles])
    expected = {0: None, 2047: None, 2048: None, 2049: None, 3000: "Tuyên truyền", 4095: "12", 4096: "TRUE"}
    expected[6000] = "NaN"
    assert list(parsed.activities["title"]) == [expected.get(i, f"Tin {i}") for i in range(7000)]
    warned = parsed.problems[parsed.problems["reason"].str.startswith("chưa ghi tên hoạt động")]
    assert sorted(warned["row"]) == [2, 2049, 2050, 2051]  # the sheet row of each blank title
    assert parsed.activities["tab"].map(id).nunique() == 1  # one text for the tab, not one per row


def test_one_cell_far_to_the_right_is_a_warning_and_costs_no_memory_per_row():
    import tracemalloc

    rows = [[date(2023, 3, 1), "a", 1, f"Tin {i}"] for i in range(5000)]
    rows[10] = rows[10] + [None] * 15_996 + ["ghi nhầm chỗ"]  # column WQK, 16,001 columns in
    tracemalloc.start()
    parsed = base(rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(parsed.activities) == 5000  # the row still counts
    warned = parsed.problems[parsed.problems["row"] == 12]
    assert list(warned["severity"]) == ["warning"] and "WQK12" in warned["reason"].iloc[0]
    assert peak < 50 * 2**20  # not a 5,000 × 16,000 grid (640 MiB)


def test_frames_have_stable_columns_when_empty():
    parsed = parse_snapshot(snapshot({}))
    assert parsed.activities.empty and list(parsed.activities.columns)[:3] == ["unit_code", "tab", "row"]
    assert isinstance(parsed.problems, pd.DataFrame)


@pytest.mark.parametrize("title", ["VP", "vp", "Văn phòng Sở", "VAN PHONG SO", " Văn  phòng sở "])
def test_tabs_match_units_by_code_or_name(title):
    parsed = parse_snapshot(
        snapshot({"Đơn vị": [UNIT_HEADER, *UNITS[:1]], title: [ACTIVITY_HEADER, [date(2023, 3, 1), "a", 1, "x"]]})
    )
    assert list(parsed.activities["unit_code"]) == ["VP"] and parsed.problems.empty


def test_two_tabs_that_fold_to_one_fixed_tab_are_an_error_naming_both():
    from snapshots import snapshot

    parsed = parse_snapshot(
        snapshot(
            {
                "Đơn vị": [["Mã", "Tên đơn vị"], ["VP", "Văn phòng"]],
                "đơn vị ": [["Mã", "Tên đơn vị"], ["TTR", "Thanh tra"]],
                "Nộp báo cáo": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"]],
                "NOP BAO CAO": [["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp"], ["VP", 2023, 1, "10/03/2023 08:00"]],
                "VP": [["Ngày", "Nội dung", "Hình thức"]],
            }
        )
    )
    twins = parsed.problems[parsed.problems["tab"].isin(["đơn vị ", "NOP BAO CAO"])]
    assert set(twins["severity"]) == {"error"} and len(twins) == 2
    messages = " ".join(twins["message"])
    assert "trang «Đơn vị»" in messages and "trang «Nộp báo cáo»" in messages
    assert "2 dòng không trống của trang này không được đọc" in messages  # its header and its row


def test_a_row_written_twice_by_the_app_counts_once():
    """A Google append applied after its request timed out leaves two rows with one «Mã ghi»."""
    header = [*ACTIVITY_HEADER, "Mã ghi"]
    row = ["15/03/2023", "a", "Khác", "Họp giao ban", 1, None, None, None, "r-42"]
    parsed = parse_snapshot(snapshot({"Đơn vị": [UNIT_HEADER, *UNITS], "VP": [header, row, row, [*row[:8], "r-43"]]}))
    assert list(parsed.activities["record_id"]) == ["r-42", "r-43"]
    (repeat,) = parsed.problems[parsed.problems["column"] == "Mã ghi"].itertuples()
    assert repeat.row == 3 and repeat.severity == "error" and "trùng «Mã ghi» với dòng 2" in repeat.message
    assert parsed.rows == len(parsed.activities) + parsed.error_rows
