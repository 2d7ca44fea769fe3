"""Checking what a unit types into the in-app forms with exactly the parser's rules and messages.

An activity form is checked by parsing it as the one data row of a unit tab, so the form rejects what
the sheet would flag, with the same reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reporting.fmt import is_missing
from reporting.parse import parse_snapshot
from reporting.periods import VN_TZ
from reporting.plan import DEFAULT_PLANS, Plans
from reporting.schema import ACTIVITY_COLUMNS, UNITS_TAB
from reporting.snapshot import Snapshot, rows_from_values

FORM_TAB = "__form__"
_CHECKED_AT = datetime(2000, 1, 1, tzinfo=VN_TZ)


@dataclass(frozen=True)
class FormCheck:
    """`errors` and `warnings` are Vietnamese sentences naming the field; `activity` is the parsed row."""

    errors: list[str]
    warnings: list[str]
    activity: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_activity(fields: Mapping[str, Any], plans: Plans = DEFAULT_PLANS) -> FormCheck:
    """Check an activity form by the plan of its date's year among `plans`. `fields` uses the parser's
    keys: date, areas, channel, title, quantity, participants, evidence, note (values as typed; `areas`
    may be a list of letters)."""
    values = dict(fields)
    if isinstance(values.get("areas"), (list, tuple)):
        values["areas"] = ", ".join(values["areas"])
    header = [c.header for c in ACTIVITY_COLUMNS if c.key != "record_id"]
    row = [values.get(c.key) for c in ACTIVITY_COLUMNS if c.key != "record_id"]
    snapshot = Snapshot(
        tabs={
            UNITS_TAB: rows_from_values([["Mã", "Tên đơn vị"], [FORM_TAB, FORM_TAB]]),
            FORM_TAB: rows_from_values([header, [None if v == "" else v for v in row]]),
        },
        read_at=_CHECKED_AT,  # not used by the rules; fixed so a check never depends on the clock
        source_name="form",
    )
    parsed = parse_snapshot(snapshot, plans=plans)
    problems = parsed.problems[parsed.problems["row"] == 2]
    messages = {
        severity: [
            # A missing value reaches the problems frame as NaN: say only the reason, never «nan».
            f"{p.column}: " + (p.reason if is_missing(p.value) or p.value == "" else f"giá trị «{p.value}»: {p.reason}")
            for p in problems[problems["severity"] == severity].itertuples(index=False)
        ]
        for severity in ("error", "warning")
    }
    if not parsed.rows:
        messages["error"].append("Biểu mẫu đang trống: cần ít nhất Ngày, Nội dung và Hình thức.")
    activity = None
    if not messages["error"] and len(parsed.activities):
        record = parsed.activities.iloc[0]
        activity = {
            "date": record["date"].date() if hasattr(record["date"], "date") else record["date"],
            "areas": record["areas"],
            "channel": record["channel"],
            "title": record["title"],
            "quantity": int(record["quantity"]),
            "participants": int(record["participants"]),
            "evidence": record["evidence"],
            "note": record["note"],
        }
    return FormCheck(messages["error"], messages["warning"], activity)
