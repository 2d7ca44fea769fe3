"""Every messy form of DESIGN.md, one table per kind of cell."""

import unicodedata
from datetime import date, datetime

import pytest

from reporting.periods import VN_TZ
from reporting.values import (
    parse_areas,
    parse_channel,
    parse_count,
    parse_date,
    parse_datetime,
    parse_emails,
    parse_group,
    parse_quarter,
    parse_year,
    parse_yes_no,
)

D = date(2023, 3, 15)


@pytest.mark.parametrize(
    "raw",
    [
        D,
        datetime(2023, 3, 15, 8, 30),
        45000,
        45000.0,
        45000.6,
        "45000",
        "15/3/2023",
        "15/03/2023",
        "15-03-2023",
        "15.03.2023",
        "2023-03-15",
        "ngày 15 tháng 3 năm 2023",
        "Ngày 15 tháng 03 năm 2023",
        " 15/3/2023 ",
        "15/03/2023 08:00",
        unicodedata.normalize("NFD", "ngày 15 tháng 3 năm 2023"),
    ],
)
def test_dates(raw):
    assert parse_date(raw) == (D, None)


def test_slashed_dates_are_day_first():
    assert parse_date("03/04/2023")[0] == date(2023, 4, 3)
    assert parse_date("12/1/2023")[0] == date(2023, 1, 12)


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/2023",
        "15/13/2023",
        "hôm qua",
        "2023",
        -5,
        1e9,
        "15/3/1890",
        True,
        float("nan"),
        float("inf"),
        1e30,
        "15/3/23",
        "15/03/2023 - 20/03/2023",
        "15/3/2023 và 16/3/2023",
        "ngày 1 tháng 3 năm 2023, ngày 2 tháng 3 năm 2023",
    ],
)
def test_bad_dates(raw):
    value, reason = parse_date(raw)
    assert value is None and reason


def test_a_two_digit_year_is_not_guessed():
    assert parse_date("15/3/23") == (
        None,
        "năm «23» chỉ có hai chữ số nên không đoán; ghi đủ bốn chữ số, ví dụ 15/03/2023",
    )
    assert "nhiều hơn một ngày" in parse_date("15/03/2023 - 20/03/2023")[1]
    assert parse_datetime("14/3/23 17:30")[0] is None


TIME = datetime(2023, 3, 14, 17, 30, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    "raw",
    [
        datetime(2023, 3, 14, 17, 30),
        "14/03/2023 17:30",
        "14/3/2023 17:30:00",
        "14-03-2023 17h30",
        "2023-03-14T17:30:00",
        "2023-03-14 17:30",
        "2023-03-14T17:30:00+07:00",
        "2023-03-14T10:30:00Z",
        45000 - 1 + 17.5 / 24,
    ],
)
def test_submission_times(raw):
    value, reason = parse_datetime(raw)
    assert reason is None and value == TIME and value.utcoffset().total_seconds() == 7 * 3600


def test_date_only_submission_is_start_of_day_in_vietnam():
    assert parse_datetime("14/03/2023")[0] == datetime(2023, 3, 14, tzinfo=VN_TZ)


@pytest.mark.parametrize("raw", ["14/03/2023 25:00", "sáng nay", "2023-13-01T00:00"])
def test_bad_submission_times(raw):
    assert parse_datetime(raw)[0] is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a", ("a",)),
        ("a, b", ("a", "b")),
        ("a; b", ("a", "b")),
        ("b)", ("b",)),
        ("A", ("a",)),
        ("Nội dung a", ("a",)),
        ("a - Tuyên truyền vai trò, trách nhiệm", ("a",)),
        ("a) Tuyên truyền", ("a",)),
        ("b, a", ("a", "b")),
        ("a, a", ("a",)),
        ("m", ("m",)),
        ("a và k", ("a", "k")),
        ("(c), (d)", ("c", "d")),
        (unicodedata.normalize("NFD", "Nội dung g"), ("g",)),
        (" h ; l ", ("h", "l")),
    ],
)
def test_areas(raw, expected):
    assert parse_areas(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["f", "i", "j", "a, f", "x", "a, bx", "nội dung", "-"])
def test_bad_areas_name_the_letter(raw):
    value, reason = parse_areas(raw)
    assert value is None
    assert "a, b, c, d, e, g, h, k, l, m" in reason


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Lồng ghép hội nghị, tập huấn, cuộc họp", "meeting"),
        ("LỒNG GHÉP HỘI NGHỊ, TẬP HUẤN, CUỘC HỌP", "meeting"),
        ("long ghep hoi nghi, tap huan, cuoc hop", "meeting"),
        ("meeting", "meeting"),
        (1, "meeting"),
        (2.0, "web_section"),
        ("2", "web_section"),
        ("Chuyên trang, chuyên mục CCHC", "web_section"),
        ("Tin bài trên trang thông tin điện tử", "web_news"),
        ("web_news", "web_news"),
        ("Trực quan (pano, áp phích, khẩu hiệu, băng rôn)", "visual"),
        ("Trực quan", "visual"),
        ("Fanpage Facebook, nhóm Zalo", "social"),
        ("social", "social"),
        ("Khác", "other"),
        (6, "other"),
        (unicodedata.normalize("NFD", "Tin bài trên trang thông tin điện tử"), "web_news"),
        ("  Fanpage   Facebook, nhóm Zalo ", "social"),
        ("3. Tin bài trên trang thông tin điện tử", "web_news"),
    ],
)
def test_channels(raw, code):
    assert parse_channel(raw) == (code, None)


@pytest.mark.parametrize("raw", ["Báo giấy", 7, "0", "truyền hình"])
def test_bad_channels_list_the_choices(raw):
    value, reason = parse_channel(raw)
    assert value is None and "1. Lồng ghép hội nghị" in reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, 3), (3.0, 3), ("3", 3), ("1.200", 1200), ("1 200", 1200), ("0", 0), (" 45 ", 45), ("10.000", 10_000)],
)
def test_counts(raw, expected):
    assert parse_count(raw) == (expected, None)


def test_a_large_count_reads_with_its_own_bound():
    assert parse_count("12.000.000", limit=10**8) == (12_000_000, None)


@pytest.mark.parametrize(
    "raw",
    [
        *["1,5", 2.5, "-1", -3, "nhiều", True, "1.2", "12.000.000", 100_001],
        *[float("nan"), float("inf"), -float("inf"), 1e30, 2**70, "9" * 40, "9" * 5000],
    ],
)
def test_bad_counts(raw):
    value, reason = parse_count(raw)
    assert value is None and reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (4.0, 4),
        ("2", 2),
        ("I", 1),
        ("II", 2),
        ("III", 3),
        ("IV", 4),
        ("Quý I", 1),
        ("quý iv", 4),
        ("Q3", 3),
        ("Quý 2", 2),
    ],
)
def test_quarters(raw, expected):
    assert parse_quarter(raw) == (expected, None)


@pytest.mark.parametrize("raw", [0, 5, "V", "quý", "Q5"])
def test_bad_quarters(raw):
    assert parse_quarter(raw)[0] is None


def test_year_yes_no_group_emails():
    assert parse_year(2023.0) == (2023, None) and parse_year("2023") == (2023, None)
    assert parse_year("23")[0] is None
    assert [parse_yes_no(v)[0] for v in ("Có", "x", "TRUE", True, 1, "Không", "no", False)] == [True] * 5 + [False] * 3
    assert parse_group("Phòng chuyên môn, nghiệp vụ")[0] == "phong"
    assert parse_group("Đơn vị trực thuộc")[0] == "truc_thuoc"
    assert parse_group("Công đoàn")[0] == "doan_the"
    assert parse_group("???")[0] is None
    assert parse_emails("A@x.vn; b@y.vn")[0] == ("a@x.vn", "b@y.vn")
    assert parse_emails("không có")[0] is None
