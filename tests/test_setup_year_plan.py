"""`python -m sheets setup --plan FILE [--year N]`: a year's plan written into `Kế hoạch` (never over a year
already there), the unit tabs' dropdowns laid out from that year's plan, a plan file with errors refused
with nothing written — against the fake Sheets server, through real gspread."""

from __future__ import annotations

import json

import pytest

from cli.provision import main
from reporting.parse import parse_snapshot
from sheets.google import GoogleSheetSource
from sheets.setup import read_plan_file, run_setup
from sheets.setup_plan import Unit, area_choices
from tests.fakesheets.fixtures import READ_AT

PLAN_2024 = (
    "Năm;Mục;Ký hiệu;Tên;Diễn giải;Đơn vị tính;Chỉ tiêu mỗi quý;Nội dung được giao;Ngày ban hành\n"
    "2024;Kế hoạch;15/KH-SLĐTBXH;Kế hoạch truyền thông CCHC năm 2024;;;;;20/02/2024\n"
    "2024;Nội dung;a;Vai trò của người đứng đầu;;;2;;\n"
    "2024;Nội dung;b;Chương trình CCHC 2021–2030;;;;;\n"
    "2024;Nội dung;n;Chuyển đổi số trong giải quyết TTHC;Tuyên truyền chuyển đổi số;;3;;\n"
    "2024;Hình thức;1;Lồng ghép hội nghị, tập huấn, cuộc họp;;;;;\n"
    "2024;Hình thức;2;Tin bài trên trang thông tin điện tử;;tin, bài;5;;\n"
    "2024;Đơn vị;VP;;;;4;a, n;\n"
)
UNITS = [Unit("VP", "Văn phòng Sở", "", ("vp@sldtbxh.vn",)), Unit("TTR", "Thanh tra Sở", "", ("ttr@sldtbxh.vn",))]


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "ke-hoach-2024.csv"
    path.write_text(PLAN_2024, encoding="utf-8-sig")
    return path


def _read(book, gclient):
    return parse_snapshot(GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT).read())


def test_a_years_plan_is_written_and_the_dropdowns_follow_it(fake, gclient, plan_file):
    book = fake.create_spreadsheet()
    fake.reset_counts()

    plan = run_setup(gclient, book.spreadsheet_id, units=UNITS, plan_file=read_plan_file(plan_file))

    assert fake.count("batchUpdate") == 1
    rows = [[c.value if c else "" for c in row] for row in book.sheet("Kế hoạch").rows]
    assert rows[0][:3] == ["Năm", "Mục", "Ký hiệu"] and len(rows) == 1 + PLAN_2024.count("\n") - 1
    assert rows[4][:4] == ["2024", "Nội dung", "n", "Chuyển đổi số trong giải quyết TTHC"]
    parsed = _read(book, gclient)
    assert parsed.problems.empty, parsed.problems["message"].tolist()
    p2024 = parsed.plan_for(2024)
    assert (p2024.letters, p2024.number, p2024.channel_codes) == (
        ("a", "b", "n"),
        "15/KH-SLĐTBXH",
        ("meeting", "web_news"),
    )
    assert dict(p2024.targets.unit_areas) == {"VP": ("a", "n")} and dict(p2024.targets.units) == {"VP": 4}
    assert parsed.plan_for(2023).built_in  # 2023 still runs on the built-in plan
    rules = {grid["startColumnIndex"]: rule for grid, rule in book.sheet("VP").validations}
    assert [v["userEnteredValue"] for v in rules[1]["condition"]["values"]] == area_choices(p2024)
    assert [v["userEnteredValue"] for v in rules[2]["condition"]["values"]] == [
        "Lồng ghép hội nghị, tập huấn, cuộc họp",
        "Tin bài trên trang thông tin điện tử",
    ]
    assert "a, b, n" in rules[1]["inputMessage"] and not plan.notes


def test_a_year_already_in_the_tab_is_never_rewritten_and_a_rerun_changes_nothing(fake, gclient, plan_file):
    book = fake.create_spreadsheet()
    run_setup(gclient, book.spreadsheet_id, units=UNITS, plan_file=read_plan_file(plan_file))
    before = book.dump()
    fake.reset_counts()

    again = run_setup(gclient, book.spreadsheet_id, units=UNITS, plan_file=read_plan_file(plan_file))

    assert again.requests == [] and fake.count("batchUpdate") == 0 and book.dump() == before
    assert any("đã có kế hoạch năm 2024" in note for note in again.notes)
    # A person renames area b in the sheet: the file's text never overwrites it; the dropdowns follow the sheet.
    book.sheet("Kế hoạch").rows[3][3].value = "Tên do Văn phòng sửa tay"
    edited = [[c.value if c else "" for c in row] for row in book.sheet("Kế hoạch").rows]
    third = run_setup(gclient, book.spreadsheet_id, units=UNITS, plan_file=read_plan_file(plan_file))
    assert third.kinds() == {"setDataValidation": 2}  # the areas dropdown of VP and TTR
    assert [[c.value if c else "" for c in row] for row in book.sheet("Kế hoạch").rows] == edited
    rules = {grid["startColumnIndex"]: rule for grid, rule in book.sheet("VP").validations}
    assert "b - Tên do Văn phòng sửa tay" in [v["userEnteredValue"] for v in rules[1]["condition"]["values"]]


def test_the_dropdowns_of_an_earlier_year_on_request(fake, gclient, plan_file):
    book = fake.create_spreadsheet()
    run_setup(gclient, book.spreadsheet_id, units=UNITS, plan_file=read_plan_file(plan_file))

    plan = run_setup(gclient, book.spreadsheet_id, units=UNITS, year=2023)

    assert plan.kinds() == {"setDataValidation": 4}  # areas and channels of VP and TTR, back to 2023's
    rules = {grid["startColumnIndex"]: rule for grid, rule in book.sheet("TTR").validations}
    assert [v["userEnteredValue"] for v in rules[1]["condition"]["values"]] == area_choices()
    later = run_setup(gclient, book.spreadsheet_id, units=UNITS, year=2026)
    assert any("Năm 2026 chưa có kế hoạch riêng" in note for note in later.notes)


def test_a_plan_file_with_errors_is_refused_and_nothing_is_written(fake, gclient, tmp_path):
    bad = tmp_path / "sai.csv"
    bad.write_text(PLAN_2024.replace("2024;Nội dung;b;", "2024;Nội dung;bb;").replace(";VP;", ";XYZ;"), "utf-8")
    book = fake.create_spreadsheet()
    before = book.dump()
    fake.reset_counts()

    with pytest.raises(Exception, match="Tệp kế hoạch có lỗi") as raised:
        run_setup(gclient, book.spreadsheet_id, units=UNITS, plan_file=read_plan_file(bad))

    message = str(raised.value)
    assert "dòng 4" in message and "Ký hiệu" in message and "XYZ" in message
    assert fake.count("batchUpdate") == 0 and book.dump() == before


def test_the_command_line_takes_plan_and_year(fake, tmp_path, plan_file, capsys):
    book = fake.create_spreadsheet()
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(fake.service_account()))
    args = ["setup", "--spreadsheet", book.spreadsheet_id, "--credentials", str(key_file), "--plan", str(plan_file)]

    assert main(args, adapter=fake.adapter()) == 1  # its target names unit VP, which the spreadsheet lacks
    assert "không khớp mã đơn vị nào" in capsys.readouterr().err
    assert "Kế hoạch" not in [s.title for s in book.sheets]
    units = tmp_path / "don-vi.csv"
    units.write_text("Mã;Tên đơn vị;Email\nVP;Văn phòng Sở;vp@sldtbxh.vn\n", "utf-8")
    assert main([*args, "--units", str(units), "--year", "2024"], adapter=fake.adapter()) == 0
    assert "Đã cập nhật bảng tính" in capsys.readouterr().out
    assert main([*args[:-2], "--plan", str(tmp_path / "khong-co.csv")], adapter=fake.adapter()) == 1
    assert "Không đọc được tệp kế hoạch" in capsys.readouterr().err
