"""The command line as the office runs it: in-process (`main(argv)`), and once as a real process."""

import json

import pytest

from tests.cli_run import run_cli as run
from tests.cli_run import run_process

NOW = "2026-11-28T10:00:00+07:00"


@pytest.mark.parametrize("module", ["reporting", "sheets"])
def test_the_entry_points_run_as_processes(module):
    """The smoke test: `python -m reporting` and `python -m sheets` start and answer in Vietnamese."""
    result = run_process("--help", module=module)
    assert result.returncode == 0 and "cách dùng:" in result.stdout and "tuỳ chọn" in result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    result = run("demo", "--out", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("command", [[], ["demo"], ["check"], ["summary"], ["export"]])
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0 and "cách dùng:" in result.stdout and "usage:" not in result.stdout
    assert len(result.stdout) > 100


def test_check_json_counts_add_up(demo):
    result = run("check", "--source", str(demo), "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 1  # the demo holds wrong rows on purpose
    errors = [p for p in data["problems"] if p["severity"] == "error"]
    assert errors and set(data) == {"rows", "activities", "blank_rows", "withdrawn_rows", "problems"}
    assert set(data["problems"][0]) == {"tab", "row", "column", "value", "severity", "message"}
    data_errors = {
        (p["tab"], p["row"]) for p in errors if p["row"] is not None and p["tab"] not in ("Đơn vị", "Nộp báo cáo")
    }
    assert data["rows"] == data["activities"] + len(data_errors)
    assert any(p["tab"] == "VP" and p["value"] == "31/02/2023" for p in data["problems"])


def test_check_human_output(demo):
    result = run("check", "--source", str(demo))
    assert result.returncode == 1
    assert "hoạt động được tính" in result.stdout and "[LỖI] Trang «VP»" in result.stdout


def test_check_clean_file_exits_zero(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Đơn vị"
    book.active.append(["Mã", "Tên đơn vị"])
    book.active.append(["VP", "Văn phòng"])
    sheet = book.create_sheet("VP")
    sheet.append(["Ngày", "Nội dung", "Hình thức", "Tên hoạt động"])
    sheet.append(["01/03/2023", "a", 1, "Họp"])
    book.save(tmp_path / "ok.xlsx")
    result = run("check", "--source", str(tmp_path / "ok.xlsx"))
    assert result.returncode == 0, result.stdout
    assert "Không có lỗi nào" in result.stdout


def test_summary_json(demo):
    result = run("summary", "--source", str(demo), "--year", "2023", "--quarter", "1", "--now", NOW)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == {
        "year": 2023,
        "quarter": 1,
        "start": "2022-12-15",
        "end": "2023-03-14",
        "deadline": "2023-03-14",
    }
    totals = data["totals"]
    assert totals["activities"] == sum(u["activities"] for u in data["units"]) == sum(data["channels"].values())
    assert 0 <= totals["coverage"] <= 1 and list(data["areas"]) == list("abcdeghklm")
    statuses = {u["report"]["status"] for u in data["units"]}
    assert {"on_time", "late", "missing"} <= statuses
    late = next(u for u in data["units"] if u["report"]["status"] == "late")
    assert late["report"]["days_late"] > 0 and late["report"]["submitted_at"].endswith("+07:00")


def test_summary_not_due_depends_on_now(demo):
    result = run("summary", "--source", str(demo), "--year", "2023", "--quarter", "4", "--now", "2023-12-01T08:00:00")
    statuses = {u["report"]["status"] for u in json.loads(result.stdout)["units"]}
    assert "not_due" in statuses and "missing" not in statuses


def test_source_from_environment(demo):
    result = run("summary", "--year", "2023", "--quarter", "2", "--now", NOW, env={"CCHC_SOURCE": str(demo)})
    assert result.returncode == 0 and json.loads(result.stdout)["totals"]["activities"] > 0


def test_missing_source_is_a_clear_error(tmp_path):
    result = run("check", "--source", str(tmp_path / "khong-co.xlsx"))
    assert result.returncode == 2
    assert "Không tìm thấy tệp" in result.stderr and "Traceback" not in result.stderr


def test_bad_setting_is_a_clear_error(demo):
    result = run("check", "--source", str(demo), env={"CCHC_DEADLINE_DAY": "abc"})
    assert result.returncode == 2 and "deadline_day" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["summary", "--year", "23", "--quarter", "1"], "năm phải là số từ 2000 đến 2100"),
        (["summary", "--year", "99999999999999999999", "--quarter", "1"], "năm phải là số từ 2000 đến 2100"),
        (["summary", "--year", "2023", "--quarter", "5"], "lựa chọn không hợp lệ"),
        (["summary", "--year", "2023", "--quarter", "1", "--now", "hôm qua"], "không phải thời điểm theo ISO 8601"),
        (["check", "--now", "2024-13-45"], "không phải thời điểm theo ISO 8601"),
    ],
    ids=["two-digit year", "huge year", "quarter 5", "a word for --now", "an impossible --now"],
)
def test_every_argument_is_checked_in_vietnamese(args, said):
    result = run(*args)
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr


def test_export_never_overwrites_its_own_source(demo, tmp_path):
    before = demo.read_bytes()
    result = run("export", "--source", str(demo), "--year", "2023", "--quarter", "1", "--out", str(demo))
    assert result.returncode == 2 and "trùng với tệp nguồn" in result.stderr
    assert demo.read_bytes() == before
    missing = run(
        "export", "--source", str(demo), "--year", "2023", "--quarter", "1", "--out", str(tmp_path / "khong" / "x.xlsx")
    )
    assert missing.returncode == 2 and "chưa có" in missing.stderr


def test_an_unexpected_error_is_one_line_saying_where_the_details_were_written(demo, tmp_path, monkeypatch):
    import cli.reports

    def broken(*_args, **_kwargs):
        raise RuntimeError("hỏng ở bên trong")

    monkeypatch.setattr(cli.reports, "parse_snapshot", broken)
    env = {"CCHC_CRASH_DIR": str(tmp_path)}

    result = run("check", "--source", str(demo), env=env)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    (report,) = tmp_path.glob("cchc-loi-*.txt")
    assert line.startswith("Lỗi ngoài ý muốn (RuntimeError)") and str(report) in line
    assert "Traceback" in report.read_text() and "hỏng ở bên trong" in report.read_text()
    assert report.stat().st_mode & 0o777 == 0o600  # only its owner reads it

    debug = run("--debug", "check", "--source", str(demo), env=env)
    assert debug.returncode == 2 and "Traceback" in debug.stderr and 'raise RuntimeError("hỏng' in debug.stderr


def test_an_unwritable_crash_folder_still_gives_one_sentence(demo, tmp_path, monkeypatch):
    import cli.reports

    monkeypatch.setattr(cli.reports, "parse_snapshot", lambda *a, **k: 1 / 0)
    result = run("check", "--source", str(demo), env={"CCHC_CRASH_DIR": str(tmp_path / "khong-co")})
    assert (
        result.returncode == 2 and "không ghi được tệp chi tiết" in result.stderr and "Traceback" not in result.stderr
    )
