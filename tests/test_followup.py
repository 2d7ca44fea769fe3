"""Cần đôn đốc (issue 12, item 1): the units to chase at a moment, the same on the «Đôn đốc» page (and
counted in one line on Tổng quan) and from `python -m reporting followup`."""

from __future__ import annotations

import json
from datetime import datetime

from reporting.followup import describe, email_list, followup
from reporting.periods import VN_TZ
from tests.app_fixtures import NOW, assert_clean, texts
from tests.cli_run import run_cli


def test_overdue_reports_are_chased_oldest_first_with_whom_to_write(demo_parsed) -> None:
    frame = followup(demo_parsed, NOW)  # 10/01/2024: quý I/2024 is 63 days away
    assert set(frame["reason"]) == {"overdue"}
    rows = frame.to_dict("records")
    assert [(r["unit_code"], r["year"], r["quarter"]) for r in rows][-2:] == [("CSBTXH", 2023, 4), ("CSCN", 2023, 4)]
    assert describe(rows[-1]) == "Quý IV/2023: chưa nộp, quá hạn 27 ngày (hạn 14/12/2023)"
    assert all(r["emails"] for r in rows) and email_list(frame).count("cscn@") == 1  # each address once
    # Every row is a report the compliance figures call missing.
    from reporting.metrics import report_table

    for r in rows:
        table = report_table(demo_parsed, r["year"], (r["quarter"],), NOW)
        assert table.set_index("unit_code").loc[r["unit_code"], "status"] == "missing"


def test_a_report_due_within_the_window_with_nothing_submitted_is_due_soon(first_year_parsed) -> None:
    four_days_before = datetime(2024, 3, 10, 9, 0, tzinfo=VN_TZ)
    frame = followup(first_year_parsed, four_days_before)
    soon = frame[frame["reason"] == "due_soon"]
    assert len(soon) == int(first_year_parsed.units["reports"].sum())  # nobody has submitted quý I/2024 yet
    assert set(soon["days"]) == {4}
    assert followup(first_year_parsed, four_days_before, within_days=3).query("reason == 'due_soon'").empty


def test_a_unit_merged_away_is_not_chased_and_its_successor_is(demo_parsed) -> None:
    """TTDD and CSBTXH end on 30/06/2024 and TTCTXH takes over: quý III/2024 is owed by TTCTXH alone."""
    four_days_before = datetime(2024, 9, 10, 9, 0, tzinfo=VN_TZ)
    soon = followup(demo_parsed, four_days_before).query("reason == 'due_soon'")
    assert "TTCTXH" in set(soon["unit_code"])  # its quý III report is in the demo, dated after 10/09
    assert not {"TTDD", "CSBTXH"} & set(soon["unit_code"])


def test_the_command_line_gives_the_same_list(private_demo) -> None:
    done = run_cli("followup", "--source", str(private_demo), "--now", NOW.isoformat(), "--json")
    assert done.returncode == 0, done.stderr
    units = json.loads(done.stdout)["units"]
    assert [u["unit_code"] for u in units][-1] == "CSCN" and units[-1]["days"] == 27
    plain = run_cli("followup", "--source", str(private_demo), "--now", NOW.isoformat())
    assert "Quá hạn · Cơ sở Cai nghiện ma túy tỉnh (CSCN) · Quý IV/2023" in plain.stdout
    assert "Email để gửi: " in plain.stdout
    bad = run_cli("followup", "--within", "-1")
    assert bad.returncode == 2 and "số ngày phải là số nguyên" in bad.stderr


def test_the_office_and_leadership_see_it_and_a_unit_does_not(make_app, demo_parsed) -> None:
    """Tổng quan says in one line how many to chase and links «Đôn đốc», which lists them with the emails."""
    at = make_app()
    assert_clean(at)
    assert "Cần đôn đốc" in [s.value for s in at.subheader]
    assert [link for link in at.get("page_link") if "Đôn đốc" in link.label]
    frame = followup(demo_parsed, NOW)
    (line,) = [w.value for w in at.warning if "cần đôn đốc" in w.value]
    assert f"{frame['unit_code'].nunique()} đơn vị cần đôn đốc ({len(frame)} báo cáo quá hạn)" in line
    at.switch_page("content/followup.py").run()
    assert_clean(at)
    assert at.title[0].value == "Đôn đốc" and "Cần đôn đốc" in [s.value for s in at.subheader]
    assert "quá hạn 27 ngày" in " ".join(str(v) for v in at.dataframe[0].value["Báo cáo"])
    assert "cscn@sldtbxh.example.vn" in at.code[0].value
    at.switch_page("content/overview.py").run()
    at.selectbox(key="sidebar_demo_role").set_value("unit").run()
    assert_clean(at)
    assert "Cần đôn đốc" not in [s.value for s in at.subheader] and "Cần đôn đốc" not in texts(at)
    assert not [link for link in at.get("page_link") if "Đôn đốc" in link.label]


def test_the_window_is_the_due_soon_days_setting(first_year_demo) -> None:
    at = datetime(2024, 3, 10, 9, 0, tzinfo=VN_TZ).isoformat()  # quý I/2024 is due in 4 days
    default = json.loads(run_cli("followup", "--source", str(first_year_demo), "--now", at, "--json").stdout)
    assert default["within_days"] == 7 and {u["reason"] for u in default["units"]} == {"overdue", "due_soon"}
    narrow = run_cli(
        "followup", "--source", str(first_year_demo), "--now", at, "--json", env={"CCHC_DUE_SOON_DAYS": "3"}
    )
    assert json.loads(narrow.stdout)["within_days"] == 3
    assert {u["reason"] for u in json.loads(narrow.stdout)["units"]} == {"overdue"}
    asked = run_cli("followup", "--source", str(first_year_demo), "--now", at, "--json", "--within", "5")
    assert json.loads(asked.stdout)["within_days"] == 5  # --within still wins
