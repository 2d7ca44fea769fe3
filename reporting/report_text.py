"""Plain-text renderings for the terminal (the `check` command's human-readable output)."""

from __future__ import annotations

from reporting.metrics import severity_counts
from reporting.parse import Parsed


def check_report(parsed: Parsed) -> str:
    """A summary line, then each problem's message, errors first."""
    problems = parsed.problems
    counts = severity_counts(problems)
    errors, warnings = counts["errors"], counts["warnings"]
    lines = [
        f"Nguồn: {parsed.source_name}",
        f"Đã đọc {parsed.rows} dòng hoạt động: {len(parsed.activities)} hoạt động được tính, "
        f"{parsed.error_rows} dòng có lỗi bị loại; {parsed.blank_rows} dòng trống"
        + (f"; {len(parsed.withdrawn)} dòng đã hủy (Trạng thái «Hủy»), không tính." if len(parsed.withdrawn) else "."),
        f"{errors} lỗi, {warnings} cảnh báo.",
    ]
    for severity, word in (("error", "LỖI"), ("warning", "Cảnh báo")):
        for message in problems.loc[problems["severity"] == severity, "message"]:
            lines.append(f"  [{word}] {message}")
    if not len(problems):
        lines.append("Không có lỗi nào.")
    return "\n".join(lines)
