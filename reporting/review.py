"""Review and return: the office's decision on a unit's quarterly report, from the `Duyệt báo cáo` tab.

The office marks a submitted report «Đã duyệt» or «Trả lại» with a comment (append-only; the latest
decision made by `now` counts). A returned report shows to its unit with the comment and counts as
«Cần bổ sung» (status `returned`: owed, neither submitted nor on time) until the unit confirms again (a
submission later than the return); then it awaits review again.

On time is decided by the first submission, also after a return. The deadline of Nghị định 09/2019 is about
when a report is sent; a return asks for additions to a report that was sent, and DHIS2 likewise keeps a
data set's timeliness with its first completion while reviewers ask for fixes. Re-deciding on the
resubmission would make a unit that sent on time late because the office read it after the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

REVIEW_LABELS: dict[str | None, str] = {
    "approved": "Đã duyệt",
    "returned": "Trả lại",
    "resubmitted": "Đã bổ sung, chờ duyệt",
    None: "Chưa duyệt",
}


@dataclass(frozen=True)
class ReviewState:
    state: str | None  # approved, returned, resubmitted; None: not reviewed
    comment: str = ""
    reviewed_at: datetime | None = None
    reviewer: str = ""

    @property
    def label(self) -> str:
        return REVIEW_LABELS[self.state]


NOT_REVIEWED = ReviewState(None)


def review_state(reviews: pd.DataFrame, submissions: list[datetime], now: datetime) -> ReviewState:
    """The state of one unit's report for one quarter at `now`, from its rows of `Parsed.reviews`."""
    known = reviews[reviews["reviewed_at"].map(lambda at: at <= now)] if len(reviews) else reviews
    if not len(known):
        return NOT_REVIEWED
    last = known.sort_values(["reviewed_at", "row"], kind="stable").iloc[-1]
    at = last["reviewed_at"]
    comment = "" if pd.isna(last["comment"]) else str(last["comment"]).strip()
    reviewer = "" if pd.isna(last["reviewer"]) else str(last["reviewer"]).strip()
    if last["decision"] == "approved":
        return ReviewState("approved", comment, at, reviewer)
    again = any(at < s <= now for s in submissions)
    return ReviewState("resubmitted" if again else "returned", comment, at, reviewer)
