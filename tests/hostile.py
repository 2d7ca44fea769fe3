"""A hostile workbook: the demo with Markdown, HTML, LaTeX, emoji codes, icons, links and images typed into
every field a unit can reach — unit names, codes, groups, tab titles, activity titles, notes, evidence,
and bad values that problem messages quote. Every address in it is on 127.0.0.9 port 9, where nothing
listens, so a page that interpreted any of it would try to fetch from there and be caught.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

TRAP = "http://127.0.0.9:9"
MARK = "HOSTILE"  # every payload carries it, so a test can find what came from data
PAYLOAD = (
    f"{MARK} **đậm** _nghiêng_ ~~gạch~~ `mã` [bấm đây]({TRAP}/link) ![ảnh]({TRAP}/image.png) "
    f"<b>html</b> <img src={TRAP}/html.png> $x^2$ :smile: :red[đỏ] :material/home: "
    f"<{TRAP}/auto> www.ex.example tin@mail.example.vn"
)
# Tab titles may not hold [ ] : * ? / \ in an .xlsx file; what is left of the attack still goes in.
TAB_PAYLOAD = f"{MARK} __Lạ__ $y$ <u>x ~~z~~"  # 31 characters at most
UNIT_CODE = "VP"
UNIT_NAME = f"Văn phòng {PAYLOAD}"
BAD_EVIDENCE = "javascript:alert(document.cookie)"
LINK_EVIDENCE = f"{TRAP}/evidence"


def build_hostile(demo: Path, path: Path) -> Path:
    shutil.copy(demo, path)
    book = load_workbook(path)
    units = book["Đơn vị"]
    for row in units.iter_rows(min_row=2):
        if row[0].value == UNIT_CODE:
            row[1].value = UNIT_NAME
        if row[0].value == "TTR":
            row[2].value = f"Nhóm {PAYLOAD}"  # an unknown group: a warning quoting it
    tab = book[UNIT_CODE]
    tab.append([datetime(2023, 11, 20), "a", "Khác", f"Tên {PAYLOAD}", 1, None, BAD_EVIDENCE, f"Ghi chú {PAYLOAD}"])
    tab.append([datetime(2023, 11, 21), "b", "Khác", "Có minh chứng là đường dẫn", 1, None, LINK_EVIDENCE, None])
    tab.append([f"Ngày {PAYLOAD}", f"Nội dung {PAYLOAD}", f"Hình thức {PAYLOAD}", "Dòng sai", "x", None, None, None])
    stray = book.create_sheet(TAB_PAYLOAD)
    stray.append(["Ngày", "Nội dung"])
    stray.append([PAYLOAD, PAYLOAD])
    book.save(path)
    return path
