"""`python -m sheets setup`: one batchUpdate lays out the plan; a second run changes nothing; no data lost."""

from __future__ import annotations

import json

import pytest

from cli.provision import build_parser, main
from reporting.catalog import AREA_LETTERS, CHANNELS
from reporting.parse import parse_snapshot
from reporting.values import parse_areas, parse_channel
from sheets.google import GoogleSheetSource
from sheets.setup import read_units_file, run_setup
from sheets.setup_plan import Unit, area_choices, channel_choices
from tests.fakesheets.fixtures import READ_AT

SA = "cchc-app@cchc-test.iam.gserviceaccount.com"
UNITS_CSV = (
    "Mã;Tên đơn vị;Nhóm;Email\n"
    "VP;Văn phòng Sở;Phòng chuyên môn, nghiệp vụ;vp@sldtbxh.vn\n"
    "TTR;Thanh tra Sở;phong;ttr@sldtbxh.vn, ttr2@sldtbxh.vn\n"
    "DTN;Đoàn Thanh niên Sở;Đoàn thể;\n"
)


@pytest.fixture
def units_file(tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_text(UNITS_CSV, encoding="utf-8-sig")
    return path


def test_first_run_lays_out_everything_in_one_batch_update(fake, gclient, units_file):
    book = fake.create_spreadsheet()  # a new spreadsheet: one empty Sheet1
    fake.reset_counts()

    plan = run_setup(gclient, book.spreadsheet_id, units=read_units_file(units_file), office_emails=["vp@sldtbxh.vn"])

    assert fake.count("batchUpdate") == 1
    assert fake.count() == 3  # tab list, values, one write (no grid probe: nothing existed yet)
    assert [s.title for s in book.sheets] == [
        "Đơn vị",
        "Nộp báo cáo",
        "Duyệt báo cáo",
        "VP",
        "TTR",
        "DTN",
        "Nhắc việc",
        "Nhật ký sửa",
    ]
    vp = book.sheet("VP")
    assert vp.frozen_rows == 1
    assert [c.value for c in vp.rows[0]] == [
        "Ngày",
        "Nội dung",
        "Hình thức",
        "Tên hoạt động",
        "Số lượng",
        "Số người tham gia",
        "Minh chứng",
        "Ghi chú",
        "Trạng thái",
        "Mã ghi",
    ]
    rules = {grid["startColumnIndex"]: rule for grid, rule in vp.validations}
    assert [v["userEnteredValue"] for v in rules[8]["condition"]["values"]] == ["Hủy"]  # withdrawal: a dropdown
    assert [v["userEnteredValue"] for v in rules[1]["condition"]["values"]] == area_choices()
    assert [v["userEnteredValue"] for v in rules[2]["condition"]["values"]] == channel_choices()
    assert vp.formats == [
        ({"startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}, {"type": "DATE", "pattern": "dd/mm/yyyy"})
    ]
    (protected,) = vp.protected
    assert protected["editors"]["users"] == sorted(["vp@sldtbxh.vn", SA])
    (ttr_protected,) = book.sheet("TTR").protected
    assert ttr_protected["editors"]["users"] == sorted(["ttr@sldtbxh.vn", "ttr2@sldtbxh.vn", "vp@sldtbxh.vn", SA])
    assert book.sheet("DTN").protected == []
    assert any("DTN" in note and "chưa có email" in note for note in plan.notes)
    units = [[c.value if c else "" for c in row] for row in book.sheet("Đơn vị").rows]
    assert units[1] == ["VP", "Văn phòng Sở", "Phòng chuyên môn, nghiệp vụ", "vp@sldtbxh.vn", "Có"]
    assert units[2][2] == "Phòng chuyên môn, nghiệp vụ" and units[2][3] == "ttr@sldtbxh.vn; ttr2@sldtbxh.vn"
    submissions = book.sheet("Nộp báo cáo")
    assert submissions.formats[0][1] == {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}
    reminders = book.sheet("Nhắc việc")  # where `python -m reporting remind` records each send
    assert [c.value for c in reminders.rows[0]] == [
        "Thời điểm",
        "Mã đơn vị",
        "Năm",
        "Quý",
        "Loại",
        "Gửi tới",
        "Kết quả",
        "Ghi chú",
        "Mã ghi",
    ]
    assert reminders.formats[0][1] == {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}


def test_second_run_changes_nothing(fake, gclient, units_file):
    book = fake.create_spreadsheet()
    units = read_units_file(units_file)
    run_setup(gclient, book.spreadsheet_id, units=units, office_emails=["vp@sldtbxh.vn"])
    before = book.dump()
    fake.reset_counts()

    again = run_setup(gclient, book.spreadsheet_id, units=units, office_emails=["vp@sldtbxh.vn"])

    assert again.requests == []
    assert fake.count("batchUpdate") == 0
    assert book.dump() == before


def test_the_laid_out_sheet_parses_cleanly(fake, gclient, units_file):
    book = fake.create_spreadsheet()
    run_setup(gclient, book.spreadsheet_id, units=read_units_file(units_file))
    parsed = parse_snapshot(GoogleSheetSource(book.spreadsheet_id, gclient, clock=lambda: READ_AT).read())
    assert parsed.problems.empty, parsed.problems.to_dict("records")
    assert sorted(parsed.units["code"]) == ["DTN", "TTR", "VP"]


def test_existing_data_is_kept_and_only_missing_pieces_added(fake, gclient):
    header = ["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"]
    tabs = {
        "Đơn vị": [["Mã", "Tên đơn vị", "Email"], ["VP", "Văn phòng Sở", "vp@sldtbxh.vn"]],
        "Văn phòng Sở": [header, ["1/3/2023", "a", "Khác", "Họp"], ["2/3/2023", "b", "1", "Tập huấn"]],
        "Ghi chép riêng": [["không phải bảng"]],
    }
    book = fake.create_spreadsheet(tabs)

    run_setup(gclient, book.spreadsheet_id, units=[Unit("TTR", "Thanh tra Sở", "", ("ttr@sldtbxh.vn",))])

    vp = book.sheet("Văn phòng Sở")  # found by the unit's name: no second VP tab
    assert [s.title for s in book.sheets] == [
        "Đơn vị",
        "Văn phòng Sở",
        "Ghi chép riêng",
        "Nộp báo cáo",
        "Duyệt báo cáo",
        "TTR",
        "Nhắc việc",
        "Nhật ký sửa",
    ]
    assert [c.value for c in vp.rows[1]] == ["1/3/2023", "a", "Khác", "Họp"]
    assert [c.value for c in vp.rows[0]][4:] == [
        "Số lượng",
        "Số người tham gia",
        "Minh chứng",
        "Ghi chú",
        "Trạng thái",
        "Mã ghi",
    ]
    units = [c.value if c else "" for c in book.sheet("Đơn vị").rows[2]]
    assert units == ["TTR", "Thanh tra Sở", "ttr@sldtbxh.vn", "", "Có"]
    assert book.sheet("Đơn vị").rows[0][3].value == "Nhóm"  # missing header columns go after the last one
    assert [c.value for c in book.sheet("Ghi chép riêng").rows[0]] == ["không phải bảng"]


def test_dropdown_values_are_what_the_parser_reads():
    assert [parse_areas(v)[0] for v in area_choices()] == [(letter,) for letter in AREA_LETTERS]
    assert [parse_channel(v)[0] for v in channel_choices()] == [c.code for c in CHANNELS]


def test_cli_dry_run_prints_requests_and_sends_nothing(fake, tmp_path, units_file, capsys):
    book = fake.create_spreadsheet()
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(fake.service_account()))
    fake.reset_counts()

    code = main(
        [
            "setup",
            "--spreadsheet",
            book.spreadsheet_id,
            "--units",
            str(units_file),
            "--credentials",
            str(key_file),
            "--dry-run",
        ],
        adapter=fake.adapter(),
    )

    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert {next(iter(r)) for r in printed["requests"]} >= {"addSheet", "updateCells", "setDataValidation"}
    assert fake.count("batchUpdate") == 0
    assert [s.title for s in book.sheets] == ["Sheet1"]


def test_cli_run_then_rerun(fake, tmp_path, units_file, capsys):
    book = fake.create_spreadsheet()
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(fake.service_account()))
    args = ["setup", "--spreadsheet", book.spreadsheet_id, "--units", str(units_file), "--credentials", str(key_file)]
    assert main(args, adapter=fake.adapter()) == 0
    assert capsys.readouterr().out.startswith("Đã cập nhật bảng tính trong một lần gửi")
    assert main(args, adapter=fake.adapter()) == 0
    assert capsys.readouterr().out.strip() == "Bảng tính đã đúng bố cục: không có gì cần thay đổi."


def test_cli_errors_are_vietnamese_and_exit_1(fake, tmp_path, capsys):
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(fake.service_account()))
    code = main(["setup", "--spreadsheet", "1" + "z" * 43, "--credentials", str(key_file)], adapter=fake.adapter())
    assert code == 1
    assert "Không tìm thấy bảng tính Google" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["setup"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    assert "--dry-run" in capsys.readouterr().out


def test_the_log_of_corrections_is_laid_out_and_only_the_app_and_the_office_edit_it(fake, gclient, units_file):
    book = fake.create_spreadsheet()
    run_setup(gclient, book.spreadsheet_id, units=read_units_file(units_file), office_emails=["vp@sldtbxh.vn"])
    log = book.sheet("Nhật ký sửa")
    assert [c.value for c in log.rows[0]] == [
        "Thời điểm",
        "Người sửa",
        "Mã đơn vị",
        "Trang",
        "Dòng",
        "Cột",
        "Giá trị cũ",
        "Giá trị mới",
        "Thao tác",
        "Ghi chú",
        "Mã ghi",
    ]
    (protected,) = log.protected
    assert protected["editors"]["users"] == sorted(["vp@sldtbxh.vn", SA])
