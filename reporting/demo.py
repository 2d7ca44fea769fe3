"""The demo workbook: two realistic, reproducible years (2023 and 2024) of one Sở LĐ-TB&XH, in the DESIGN
layout.

Uneven on purpose (some units far busier, some areas untouched in some quarters), with reports on
time, late and missing, a handful of wrong rows and one stray tab, so every page has something to show.
2023 runs on the built-in plan. 2024 has its own plan in the `Kế hoạch` tab: area m dropped, a new area n,
and targets; two units merge into a new one on 1/7/2024 (`Đơn vị`: Từ ngày, Đến ngày, Đơn vị tiếp nhận),
and the `Cơ quan` tab changes the signer on 1/7/2024, then follows the 2025 reorganisation. The 2023 rows
come from the same seed as before, so 2023's figures are unchanged.
"""

from __future__ import annotations

import os
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from reporting.catalog import AREA_LETTERS, CHANNELS
from reporting.errors import SourceError
from reporting.periods import deadline, quarter
from reporting.plan import PLAN_2023
from reporting.schema import (
    CORRECTION_COLUMNS,
    CORRECTIONS_TAB,
    LETTERHEAD_TAB,
    PLAN_TAB,
    REMINDER_COLUMNS,
    REMINDERS_TAB,
    REVIEWS_TAB,
    SUBMISSIONS_TAB,
    UNITS_TAB,
)

SEED = 2023
YEAR = 2023
SECOND_YEAR = 2024
MERGED_ON = date(2024, 7, 1)  # TTDD and CSBTXH become TTCTXH
BUILT_IN_PATH = Path(__file__).resolve().parent.parent / "data" / "demo-2023.xlsx"
DEFAULT_PATH = Path(
    os.environ.get("CCHC_DEMO_PATH", Path(__file__).resolve().parent.parent / "data" / "demo-2023.xlsx")
)

# code, name, group, emails, activity weight, tab title (None → the code)
UNITS: tuple[tuple[str, str, str, str, float, str | None], ...] = (
    ("VP", "Văn phòng Sở", "Phòng chuyên môn, nghiệp vụ", "vanphong@sldtbxh.example.vn", 3.0, None),
    ("TTR", "Thanh tra Sở", "Phòng chuyên môn, nghiệp vụ", "thanhtra@sldtbxh.example.vn", 1.0, None),
    ("KHTC", "Phòng Kế hoạch – Tài chính", "Phòng chuyên môn, nghiệp vụ", "khtc@sldtbxh.example.vn", 0.8, None),
    (
        "LDVL",
        "Phòng Lao động – Việc làm – Giáo dục nghề nghiệp",
        "Phòng chuyên môn, nghiệp vụ",
        "ldvl@sldtbxh.example.vn",
        1.6,
        None,
    ),
    ("NCC", "Phòng Người có công", "Phòng chuyên môn, nghiệp vụ", "ncc@sldtbxh.example.vn", 1.2, "Phòng Người có công"),
    (
        "BTXH",
        "Phòng Bảo trợ xã hội – Trẻ em – Bình đẳng giới",
        "Phòng chuyên môn, nghiệp vụ",
        "btxh@sldtbxh.example.vn",
        1.4,
        None,
    ),
    ("TTDVVL", "Trung tâm Dịch vụ việc làm", "Đơn vị trực thuộc", "ttdvvl@sldtbxh.example.vn", 2.2, None),
    ("CSBTXH", "Cơ sở Bảo trợ xã hội tổng hợp", "Đơn vị trực thuộc", "csbtxh@sldtbxh.example.vn", 0.6, None),
    ("TTDD", "Trung tâm Điều dưỡng người có công", "Đơn vị trực thuộc", "ttdd@sldtbxh.example.vn", 0.5, None),
    ("CSCN", "Cơ sở Cai nghiện ma túy tỉnh", "Đơn vị trực thuộc", "cscn@sldtbxh.example.vn", 0.4, None),
    ("CDCS", "Công đoàn cơ sở Sở", "Đoàn thể", "congdoan@sldtbxh.example.vn", 0.7, None),
    ("DTN", "Đoàn Thanh niên Sở", "Đoàn thể", "doanthanhnien@sldtbxh.example.vn", 1.0, None),
)
# The unit that takes over TTDD and CSBTXH on MERGED_ON (listed after the others, as people add a row).
MERGED_UNIT = (
    "TTCTXH",
    "Trung tâm Công tác xã hội tổng hợp",
    "Đơn vị trực thuộc",
    "ttctxh@sldtbxh.example.vn",
    1.1,
    None,
)
MERGED_FROM = ("TTDD", "CSBTXH")

# The 2024 plan, as the office types it into `Kế hoạch`: areas a–l of 2023 without m, and a new n;
# the channels stay those of 2023 (no «Hình thức» rows); targets per area, channel and unit.
PLAN_2024_HEADER = [
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
AREA_N = (
    "n",
    "Cải cách TTHC gắn với chuyển đổi số; dịch vụ công trực tuyến toàn trình",
    "Tuyên truyền việc cải cách thủ tục hành chính gắn với chuyển đổi số, cung cấp dịch vụ công trực tuyến "
    "toàn trình, thanh toán trực tuyến và số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
)
AREA_TARGETS_2024 = {"b": 25, "g": 6, "k": 8, "n": 15}
CHANNEL_TARGETS_2024 = {"Tin bài trên trang thông tin điện tử": 30, "Fanpage Facebook, nhóm Zalo": 12}
UNIT_TARGETS_2024 = {"VP": (25, "a, b, c"), "TTDVVL": (18, ""), "CSCN": (6, ""), "DTN": (None, "h, n")}
# The agency block over time (`Cơ quan`): before the first row, the settings (Sở LĐ-TB&XH Bình Định).
LETTERHEADS = (
    (
        date(2024, 7, 1),
        "UBND TỈNH BÌNH ĐỊNH",
        "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI",
        "SLĐTBXH",
        "Bình Định",
        "GIÁM ĐỐC",
    ),
    (date(2025, 3, 1), "UBND TỈNH BÌNH ĐỊNH", "SỞ NỘI VỤ", "SNV", "Bình Định", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"),
    (date(2025, 7, 1), "UBND TỈNH GIA LAI", "SỞ NỘI VỤ", "SNV", "Gia Lai", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"),
)

TITLES = {
    "meeting": [
        "Lồng ghép nội dung CCHC tại cuộc họp giao ban {m}",
        "Hội nghị triển khai nhiệm vụ cải cách hành chính năm {y}",
        "Tập huấn kỹ năng giải quyết thủ tục hành chính cho công chức",
        "Quán triệt Chương trình CCHC giai đoạn 2021–2030 tại sinh hoạt chi bộ",
        "Hội nghị đối thoại với người lao động về dịch vụ công trực tuyến",
    ],
    "web_section": [
        "Cập nhật chuyên mục Cải cách hành chính trên Trang TTĐT của Sở",
        "Chuyên trang Chuyển đổi số: bài giới thiệu dịch vụ công mức độ 4",
    ],
    "web_news": [
        "Tin bài: kết quả Chỉ số PAR Index năm {py} của Sở",
        "Tin bài: công khai đường dây nóng tiếp nhận phản ánh về TTHC",
        "Tin bài: hướng dẫn nộp hồ sơ trợ cấp thất nghiệp trực tuyến",
        "Tin bài: Đề án 06 về dữ liệu dân cư trong chi trả chính sách",
        "Tin bài: kỷ cương, đạo đức công vụ của cán bộ, công chức",
    ],
    "visual": [
        "Treo băng rôn, khẩu hiệu tuyên truyền CCHC tại trụ sở",
        "Pano giới thiệu quy trình giải quyết TTHC tại Bộ phận một cửa",
        "Áp phích hướng dẫn sử dụng dịch vụ công trực tuyến",
    ],
    "social": [
        "Đăng bài trên Fanpage của đơn vị về dịch vụ công trực tuyến",
        "Chia sẻ tin CCHC trong nhóm Zalo công chức, viên chức",
        "Tuyên truyền trên Fanpage về định danh điện tử VNeID",
    ],
    "other": [
        "Phát tờ rơi hướng dẫn thủ tục cho người dân đến giao dịch",
        "Tuyên truyền trên loa truyền thanh tại cơ sở",
    ],
}
# Weight of each channel and, per quarter, which areas are quiet (untouched by everyone).
CHANNEL_WEIGHTS = {"meeting": 5, "web_section": 1, "web_news": 4, "visual": 1.5, "social": 2.5, "other": 0.6}
QUIET_AREAS = {1: {"l", "m"}, 2: {"g"}, 3: {"m", "k"}, 4: set()}
AREA_WEIGHTS = {"a": 3, "b": 4, "c": 3, "d": 2.5, "e": 2, "g": 1, "h": 2.5, "k": 1.5, "l": 0.8, "m": 0.6}


def _activity_rows(rng: random.Random) -> dict[str, list[list[object]]]:
    """Activity rows per unit code, most clean, in a mix of the forms people type."""
    by_unit: dict[str, list[list[object]]] = {}
    for code, _name, _group, _email, weight, _tab in UNITS:
        rows: list[list[object]] = []
        for q in (1, 2, 3, 4):
            period = quarter(YEAR, q)
            count = max(0, round(rng.gauss(7 * weight, 2)))
            if code == "CSCN" and q == 3:
                count = 0  # a unit with nothing in a quarter
            areas_ok = [a for a in AREA_LETTERS if a not in QUIET_AREAS[q]]
            span = (period.end - period.start).days
            for _ in range(count):
                day = period.start + timedelta(days=rng.randrange(span + 1))
                rows.append(_activity(rng, code, day, YEAR, areas_ok, AREA_WEIGHTS, [1, 1, 2]))
        rows.sort(key=lambda r: r[0])
        by_unit[code] = rows
    _mess_up(by_unit)
    return by_unit


QUIET_AREAS_2024 = {1: {"g"}, 2: {"l"}, 3: set(), 4: {"k"}}
AREA_WEIGHTS_2024 = {**{a: w for a, w in AREA_WEIGHTS.items() if a != "m"}, "n": 2.5}


def _active_span(code: str, start: date, end: date) -> tuple[date, date] | None:
    """The part of start…end in which the unit exists in 2024 (the merger on MERGED_ON)."""
    if code in MERGED_FROM:
        end = min(end, MERGED_ON - timedelta(days=1))
    elif code == MERGED_UNIT[0]:
        start = max(start, MERGED_ON)
    return (start, end) if start <= end else None


def _second_year_rows(rng: random.Random) -> dict[str, list[list[object]]]:
    """2024's activity rows per unit code, under the 2024 plan (no area m, a new area n)."""
    letters = list(AREA_WEIGHTS_2024)
    by_unit: dict[str, list[list[object]]] = {}
    for code, _name, _group, _email, weight, _tab in (*UNITS, MERGED_UNIT):
        rows: list[list[object]] = []
        for q in (1, 2, 3, 4):
            period = quarter(SECOND_YEAR, q)
            span = _active_span(code, period.start, period.end)
            if span is None:
                continue
            days = (span[1] - span[0]).days
            share = (days + 1) / ((period.end - period.start).days + 1)
            count = max(0, round(rng.gauss(7.5 * weight * share, 2 * share)))
            areas_ok = [a for a in letters if a not in QUIET_AREAS_2024[q]]
            for _ in range(count):
                day = span[0] + timedelta(days=rng.randrange(days + 1))
                rows.append(_activity(rng, code, day, SECOND_YEAR, areas_ok, AREA_WEIGHTS_2024, [1, 2]))
        rows.sort(key=lambda r: r[0])
        by_unit[code] = rows
    # Typed as people do in a new year: an area of last year's plan (an error under the 2024 plan).
    by_unit["VP"][4][1] = "m"
    by_unit["DTN"][2][1] = "Nội dung n"
    return by_unit


def _activity(
    rng: random.Random,
    code: str,
    day: date,
    year: int,
    areas_ok: list[str],
    weights: dict[str, float],
    how_many: list[int],
) -> list[object]:
    """One activity row of unit `code` on `day`, drawn as people type it (the draws in a fixed order, so a
    seed gives the same rows): a channel, one or more of `areas_ok` (in the order of `weights`), a title."""
    channels = list(CHANNEL_WEIGHTS)
    channel = rng.choices(channels, weights=[CHANNEL_WEIGHTS[c] for c in channels])[0]
    order = list(weights)
    picked = sorted(
        set(rng.choices(areas_ok, weights=[weights[a] for a in areas_ok], k=rng.choice(how_many))), key=order.index
    )
    title = rng.choice(TITLES[channel]).format(m=f"tháng {day.month}", y=year, py=year - 1)
    quantity = 1 if channel == "meeting" else rng.choice([1, 1, 2, 3, 5])
    people = rng.choice([15, 20, 25, 30, 45, 60, 120]) if channel == "meeting" else None
    evidence = f"https://sldtbxh.example.vn/cchc/{code.lower()}-{day:%Y%m%d}" if rng.random() < 0.6 else None
    return [day, ", ".join(picked), _channel_text(rng, channel), title, quantity, people, evidence, None]


def _channel_text(rng: random.Random, code: str) -> object:
    channel = next(c for c in CHANNELS if c.code == code)
    return rng.choices([channel.label, channel.number, channel.label.upper()], weights=[8, 1, 1])[0]


def _mess_up(by_unit: dict[str, list[list[object]]]) -> None:
    """Type some cells the way people do, and break a handful of rows for the data-quality view."""
    vp, ldvl, dtn, ncc = by_unit["VP"], by_unit["LDVL"], by_unit["DTN"], by_unit["NCC"]
    for row in ldvl[::4]:
        row[0] = row[0].strftime("%d/%m/%Y")  # dates typed as text
    for row in dtn[::5]:
        row[1] = f"Nội dung {row[1]}"
    for row in ncc[::3]:
        row[4] = "1.200" if row[2] != "Lồng ghép hội nghị, tập huấn, cuộc họp" else row[4]
    # Wrong rows: each becomes a problem with its tab, row and column.
    vp[3][0] = "31/02/2023"
    vp[10][1] = "f"
    vp[17][2] = "Báo giấy"
    by_unit["TTDVVL"][5][4] = "nhiều"
    by_unit["BTXH"][2][0] = None
    by_unit["KHTC"][1][1] = "a, x"
    by_unit["CDCS"][0][3] = None  # a warning only: no title
    ldvl[6][5] = "-20"


def _second_year_submissions(rng: random.Random) -> list[list[object]]:
    """2024's reports: the merged units report quarters I–II, their successor quarters III–IV."""
    late = {1: {"KHTC"}, 2: {"CSCN", "TTDD"}, 3: {MERGED_UNIT[0]}, 4: {"TTR"}}
    missing = {1: set(), 2: {"CDCS"}, 3: {"DTN"}, 4: {"CSCN"}}
    rows: list[list[object]] = []
    for q in (1, 2, 3, 4):
        due = deadline(SECOND_YEAR, q)
        for code, *_ in (*UNITS, MERGED_UNIT):
            if code in missing[q] or (code in MERGED_FROM and q > 2) or (code == MERGED_UNIT[0] and q < 3):
                continue
            offset = rng.randint(1, 9) if code in late[q] else -rng.randint(0, 9)
            when = datetime.combine(due + timedelta(days=offset), time(rng.choice([8, 9, 10, 14, 16]), 0))
            rows.append([code, SECOND_YEAR, q, when, f"{code.lower()}@sldtbxh.example.vn", None, None])
    return rows


# The office's reviews in 2024 (`Duyệt báo cáo`): approvals, a return still open, a return then resubmitted.
REVIEWS_2024 = (
    (datetime(2024, 9, 18, 10, 0), "KHTC", 3, "Trả lại", "Thiếu số liệu hội nghị tháng 8; bổ sung số người tham gia."),
    (datetime(2024, 9, 20, 9, 30), "TTR", 3, "Đã duyệt", None),
    (datetime(2024, 12, 16, 9, 0), "VP", 4, "Đã duyệt", "Đầy đủ."),
    (
        datetime(2024, 12, 18, 14, 0),
        "DTN",
        4,
        "Trả lại",
        "Thiếu minh chứng cho các tin bài tháng 11; bổ sung đường dẫn.",
    ),
)
RESUBMITTED_2024 = (datetime(2024, 9, 25, 8, 30), "KHTC", 3)  # KHTC's update after its return


def _write_reviews_tab(book: Workbook, second_year: bool) -> None:
    sheet = book.create_sheet(REVIEWS_TAB)
    sheet.append(["Thời điểm", "Người duyệt", "Mã đơn vị", "Năm", "Quý", "Quyết định", "Nhận xét", "Mã ghi"])
    for at, code, q, decision, comment in REVIEWS_2024 if second_year else ():
        sheet.append([at, "vanphong@sldtbxh.example.vn", code, SECOND_YEAR, q, decision, comment, None])
    for cell in sheet["A"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm"


def _write_plan_tab(book: Workbook) -> None:
    """`Kế hoạch`: the 2024 plan (2023 runs on the built-in plan, so it has no rows here)."""
    sheet = book.create_sheet(PLAN_TAB)
    sheet.append(PLAN_2024_HEADER)
    y = SECOND_YEAR
    sheet.append(
        [
            y,
            "Kế hoạch",
            "15/KH-SLĐTBXH",
            "Kế hoạch truyền thông về công tác CCHC nhà nước năm 2024",
            None,
            None,
            None,
            None,
            date(2024, 2, 20),
        ]
    )
    for area in PLAN_2023.areas:
        if area.letter != "m":
            sheet.append([y, "Nội dung", area.letter, area.label, area.text, None, AREA_TARGETS_2024.get(area.letter)])
    sheet.append([y, "Nội dung", AREA_N[0], AREA_N[1], AREA_N[2], None, AREA_TARGETS_2024["n"]])
    for channel in PLAN_2023.channels:
        noun = PLAN_2023.item_nouns.get(channel.code)
        target = CHANNEL_TARGETS_2024.get(channel.label)
        sheet.append([y, "Hình thức", channel.number, channel.label, None, noun, target])
    for code, (target, assigned) in UNIT_TARGETS_2024.items():
        sheet.append([y, "Đơn vị", code, None, None, None, target, assigned or None])
    for cell in sheet["I"][1:]:
        cell.number_format = "dd/mm/yyyy"


def _write_letterhead_tab(book: Workbook) -> None:
    sheet = book.create_sheet(LETTERHEAD_TAB)
    sheet.append(["Từ ngày", "Cơ quan chủ quản", "Tên cơ quan", "Ký hiệu", "Địa danh", "Chức vụ người ký"])
    for row in LETTERHEADS:
        sheet.append(list(row))
    for cell in sheet["A"][1:]:
        cell.number_format = "dd/mm/yyyy"


def _submission_rows(rng: random.Random) -> list[list[object]]:
    # Per quarter, a few units are late or never report; the rest are on time.
    late = {1: {"CSBTXH", "TTDD"}, 2: {"KHTC"}, 3: {"CDCS", "TTR", "CSCN"}, 4: {"TTDD"}}
    missing = {1: {"CSCN"}, 2: {"TTDD", "DTN"}, 3: set(), 4: {"CSCN", "CSBTXH"}}
    rows: list[list[object]] = []
    for q in (1, 2, 3, 4):
        due = deadline(YEAR, q)
        for code, name, *_ in UNITS:
            if code in missing[q]:
                continue
            offset = rng.randint(1, 12) if code in late[q] else -rng.randint(0, 9)
            when = datetime.combine(
                due + timedelta(days=offset), time(rng.choice([8, 9, 10, 14, 16, 17]), rng.choice([0, 15, 30, 45]))
            )
            who = f"{code.lower()}@sldtbxh.example.vn"
            unit = name if code == "TTDD" else code  # one unit is written by its name
            rows.append([unit, YEAR, rng.choice([q, ["I", "II", "III", "IV"][q - 1]]), when, who, None, None])
        if q == 2:  # an update after an on-time report: the first one decides
            rows.append(
                [
                    "VP",
                    YEAR,
                    2,
                    datetime.combine(due + timedelta(days=3), time(9)),
                    "vanphong@sldtbxh.example.vn",
                    "Bổ sung số liệu",
                    None,
                ]
            )
    rows.append(["XYZ", YEAR, 1, datetime(2023, 3, 10, 9), "nguoila@example.vn", None, None])  # unknown unit
    rows.sort(key=lambda r: r[3])
    return rows


def build_demo(path: str | Path, seed: int = SEED, second_year: bool = True) -> Path:
    """Write the demo workbook to `path` (same seed, same bytes of data). `second_year=False` writes 2023
    alone, as the demo was before 2024 joined it (tests set at a moment early in 2024 use it)."""
    rng = random.Random(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    bold = Font(bold=True)
    units = book.active
    units.title = UNITS_TAB
    units.append(["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý", "Từ ngày", "Đến ngày", "Đơn vị tiếp nhận"])
    for code, name, group, email, *_ in UNITS:
        if code in MERGED_FROM and second_year:
            units.append([code, name, group, email, "Có", None, MERGED_ON - timedelta(days=1), MERGED_UNIT[0]])
        else:
            units.append([code, name, group, email, "Có"])
    if second_year:
        code, name, group, email, *_ = MERGED_UNIT
        units.append([code, name, group, email, "Có", MERGED_ON])
    for column in ("F", "G"):
        for cell in units[column][1:]:
            cell.number_format = "dd/mm/yyyy"
    activities = _activity_rows(rng)
    second = _second_year_rows(random.Random(seed + 1)) if second_year else {}  # own stream: 2023 unchanged
    for code, _name, _group, _email, _weight, tab in (*UNITS, MERGED_UNIT) if second_year else UNITS:
        sheet = book.create_sheet(tab or code)
        sheet.append(
            ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"]
        )
        for row in [*activities.get(code, []), *second.get(code, [])]:
            sheet.append(row)
        for cell in sheet["A"][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    subs = book.create_sheet(SUBMISSIONS_TAB)
    subs.append(["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú", "Mã ghi"])
    later = _second_year_submissions(random.Random(seed + 2)) if second_year else []
    if second_year:
        at, code, q = RESUBMITTED_2024
        later.append([code, SECOND_YEAR, q, at, f"{code.lower()}@sldtbxh.example.vn", "Nộp cập nhật", None])
    for row in _submission_rows(rng) + later:
        subs.append(row)
    for cell in subs["D"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm"
    _write_reviews_tab(book, second_year)
    book.create_sheet(REMINDERS_TAB).append([c.header for c in REMINDER_COLUMNS])  # empty: no reminder sent yet
    book.create_sheet(CORRECTIONS_TAB).append([c.header for c in CORRECTION_COLUMNS])  # empty: nothing corrected yet
    if second_year:
        _write_plan_tab(book)
        _write_letterhead_tab(book)
    stray = book.create_sheet("Nháp")
    stray.append(["Ghi chép tạm của Văn phòng"])
    stray.append(["Chuẩn bị nội dung tập huấn quý IV"])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHI", (12, 12, 40, 55, 10, 12, 40, 20, 14), strict=True):
            sheet.column_dimensions[letter].width = width
    book.properties.title = DEMO_MARK  # how ensure_demo knows a file is ours to show without sign-in
    tmp = path.with_suffix(".tmp.xlsx")
    book.save(tmp)
    tmp.replace(path)
    return path


DEMO_MARK = "CCHC - sổ dữ liệu mẫu 2023–2024, có trang Nhắc việc và Nhật ký sửa (dữ liệu giả)"
# Earlier versions' demo (2023 alone; 2023–2024 without «Nhắc việc»; without «Nhật ký sửa»): ours, rewritten on use.
OLD_DEMO_MARKS = (
    "CCHC - sổ dữ liệu mẫu (dữ liệu giả)",
    "CCHC - sổ dữ liệu mẫu 2023–2024 (dữ liệu giả)",
    "CCHC - sổ dữ liệu mẫu 2023–2024, có trang Nhắc việc (dữ liệu giả)",
)


def _mark(path: Path) -> str | None:
    try:
        book = load_workbook(path, read_only=True)
    except Exception:  # not an .xlsx at all
        return None
    try:
        return book.properties.title
    finally:
        book.close()


def is_demo(path: Path) -> bool:
    """True when `path` is a workbook `build_demo` wrote, this version or an earlier one (its title says so)."""
    return _mark(path) in (DEMO_MARK, *OLD_DEMO_MARKS)


def ensure_demo(path: str | Path = DEFAULT_PATH) -> Path:
    """The demo workbook's path, writing it first if it is absent.

    Demo mode shows this file to anyone without sign-in and writes to it, so a file there that the app
    did not write (real data placed at `CCHC_DEMO_PATH`) is refused, never shown; at the built-in path an
    old or foreign file is moved aside (`….old.xlsx`) and the demo written anew, so nothing is lost.
    """
    path = Path(path)
    if path.exists() and not is_demo(path):
        if path.resolve() != BUILT_IN_PATH.resolve():
            raise SourceError(
                "CCHC_DEMO_PATH trỏ tới một tệp không phải sổ dữ liệu mẫu, nên ứng dụng không mở nó ở chế độ "
                "trình diễn (ai cũng xem và ghi được). Để đọc một tệp thật, đặt nó vào «source» và cấu hình "
                "đăng nhập; để có sổ mẫu, trỏ CCHC_DEMO_PATH tới một tệp chưa có."
            )
        path.replace(path.with_name(path.stem + ".old.xlsx"))
    if not path.exists() or _mark(path) in OLD_DEMO_MARKS:  # an earlier version's demo: the current one
        build_demo(path)
    return path
