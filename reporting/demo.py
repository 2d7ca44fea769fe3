"""The demo workbook: a realistic, reproducible 2023 year of one Sở LĐ-TB&XH, in the DESIGN layout.

Uneven on purpose (some units far busier, some areas untouched in some quarters), with reports on
time, late and missing, a handful of wrong rows and one stray tab, so every page has something to show.
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
from reporting.schema import SUBMISSIONS_TAB, UNITS_TAB

SEED = 2023
YEAR = 2023
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
    channels = list(CHANNEL_WEIGHTS)
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
                channel = rng.choices(channels, weights=[CHANNEL_WEIGHTS[c] for c in channels])[0]
                picked = sorted(
                    set(rng.choices(areas_ok, weights=[AREA_WEIGHTS[a] for a in areas_ok], k=rng.choice([1, 1, 2]))),
                    key=AREA_LETTERS.index,
                )
                title = rng.choice(TITLES[channel]).format(m=f"tháng {day.month}", y=YEAR, py=YEAR - 1)
                quantity = 1 if channel == "meeting" else rng.choice([1, 1, 2, 3, 5])
                people = rng.choice([15, 20, 25, 30, 45, 60, 120]) if channel == "meeting" else None
                evidence = (
                    f"https://sldtbxh.example.vn/cchc/{code.lower()}-{day:%Y%m%d}" if rng.random() < 0.6 else None
                )
                rows.append(
                    [day, ", ".join(picked), _channel_text(rng, channel), title, quantity, people, evidence, None]
                )
        rows.sort(key=lambda r: r[0])
        by_unit[code] = rows
    _mess_up(by_unit)
    return by_unit


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


def build_demo(path: str | Path, seed: int = SEED) -> Path:
    """Write the demo workbook to `path` (same seed, same bytes of data)."""
    rng = random.Random(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    bold = Font(bold=True)
    units = book.active
    units.title = UNITS_TAB
    units.append(["Mã", "Tên đơn vị", "Nhóm", "Email", "Báo cáo quý"])
    for code, name, group, email, *_ in UNITS:
        units.append([code, name, group, email, "Có"])
    activities = _activity_rows(rng)
    for code, _name, _group, _email, _weight, tab in UNITS:
        sheet = book.create_sheet(tab or code)
        sheet.append(
            ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động", "Số lượng", "Số người tham gia", "Minh chứng", "Ghi chú"]
        )
        for row in activities[code]:
            sheet.append(row)
        for cell in sheet["A"][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    subs = book.create_sheet(SUBMISSIONS_TAB)
    subs.append(["Mã đơn vị", "Năm", "Quý", "Thời điểm nộp", "Người nộp", "Ghi chú", "Mã ghi"])
    for row in _submission_rows(rng):
        subs.append(row)
    for cell in subs["D"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm"
    stray = book.create_sheet("Nháp")
    stray.append(["Ghi chép tạm của Văn phòng"])
    stray.append(["Chuẩn bị nội dung tập huấn quý IV"])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGH", (12, 12, 40, 55, 10, 12, 40, 20), strict=True):
            sheet.column_dimensions[letter].width = width
    book.properties.title = DEMO_MARK  # how ensure_demo knows a file is ours to show without sign-in
    tmp = path.with_suffix(".tmp.xlsx")
    book.save(tmp)
    tmp.replace(path)
    return path


DEMO_MARK = "CCHC - sổ dữ liệu mẫu (dữ liệu giả)"


def is_demo(path: Path) -> bool:
    """True when `path` is a workbook `build_demo` wrote (its title property says so)."""
    try:
        book = load_workbook(path, read_only=True)
    except Exception:  # not an .xlsx at all
        return False
    try:
        return book.properties.title == DEMO_MARK
    finally:
        book.close()


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
    if not path.exists():
        build_demo(path)
    return path
