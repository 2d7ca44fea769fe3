"""The .docx report draft: "BÁO CÁO Kết quả công tác thông tin, tuyên truyền CCHC …" for the office to finish.

Laid out as Nghị định 30/2020 lays out an administrative report: A4 portrait, Times New Roman 13–14, the
agency and the national motto side by side, "Số: …/BC-<agency code>", place and date, the title, then the
figures written out in sentences (by content area, by channel, reports late or missing) and the summary
table. The parts only a person can write (assessment, next tasks, proposals) are marked in yellow.
Number and day of issue are left as dots: the văn thư fills them when the report is issued.
"""

from __future__ import annotations

import io
from datetime import UTC
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from reporting import fmt
from reporting.export.common import (
    EMPTY_TEXT,
    MOTTO,
    MOTTO_COUNTRY,
    fixed_zip,
    letterhead_lines,
    local_naive,
    period_line,
    plain_date,
    report_subject,
    text,
)
from reporting.export.tables import NOT_EXPECTED, report_rates, summary_table, unit_order
from reporting.letterhead import Letterhead, letterhead_for
from reporting.metrics import Summary
from reporting.parse import Parsed
from reporting.periods import ROMAN, PeriodRules, deadline
from reporting.settings import Settings
from reporting.targets import KIND_LABELS, share_text

FONT = "Times New Roman"
TO_COMPLETE = "[Văn phòng Sở bổ sung: "


def to_docx(summary: Summary, parsed: Parsed, settings: Settings) -> bytes:
    """The draft report's bytes; the same inputs give the same bytes (fixed times inside and in the zip)."""
    doc = Document()
    _page_setup(doc)
    head = letterhead_for(summary.period, parsed.letterheads, settings)  # who issued it, as of that period
    _header_block(doc, head)
    period = summary.period
    _para(doc, "BÁO CÁO", bold=True, size=14, align="center", before=12, after=0)
    # The subject on its line, the period on the next: never a year left alone on a line.
    subject = report_subject(period)
    cut = len(subject) - len(period.label)
    _para(doc, f"{subject[:cut].rstrip()}\n{subject[cut:]}", bold=True, size=14, align="center", after=0)
    _para(doc, period_line(period), italic=True, align="center", after=0)
    _para(doc, "──────────", align="center", after=6)
    _para(
        doc,
        f"Thực hiện Kế hoạch truyền thông về công tác cải cách hành chính nhà nước năm {period.year} của Sở, "
        f"Sở báo cáo kết quả công tác thông tin, tuyên truyền cải cách hành chính {period.label} như sau:",
        indent=True,
    )
    _results(doc, summary, summary.rules)
    _assessment(doc, summary)
    _para(
        doc,
        f"Trên đây là báo cáo kết quả công tác thông tin, tuyên truyền cải cách hành chính {period.label} của Sở./.",
        indent=True,
    )
    _closing(doc, head)

    props = doc.core_properties
    # Core properties are stored in UTC ("…Z"); python-docx writes a naive time as it is.
    moment = summary.now.astimezone(UTC).replace(tzinfo=None) if summary.now.tzinfo else summary.now
    props.title = f"Báo cáo {report_subject(period).lower()}"
    props.subject = period_line(period)
    props.author = head.name
    props.last_modified_by = head.name
    props.comments = f"Nguồn số liệu: {parsed.source_name}"
    props.revision = 1
    props.created = props.modified = props.last_printed = moment
    out = io.BytesIO()
    doc.save(out)
    return fixed_zip(out.getvalue())


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    # Word picks the East Asian slot for some Vietnamese characters; name the font there too.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1


def _para(
    where: Any,
    content: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    before: float = 0,
    after: float = 6,
) -> Paragraph:
    paragraph = where.add_paragraph()
    run = paragraph.add_run(content)
    run.bold, run.italic = bold or None, italic or None
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    layout = paragraph.paragraph_format
    layout.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    layout.space_before, layout.space_after = Pt(before), Pt(after)
    if indent:
        layout.first_line_indent = Cm(1)
    return paragraph


def _cell_para(cell: _Cell, content: str, first: bool = False, **kwargs: Any) -> Paragraph:
    """A paragraph in a table cell; the cell's own empty first paragraph is reused."""
    if first:
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(content)
        run.bold, run.italic = kwargs.get("bold") or None, kwargs.get("italic") or None
        run.font.name = FONT
        if kwargs.get("size"):
            run.font.size = Pt(kwargs["size"])
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        return paragraph
    kwargs.setdefault("align", "center")
    kwargs.setdefault("after", 0)
    return _para(cell, content, **kwargs)


def _header_block(doc: Any, letterhead: Letterhead) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # 17.5 cm, centred: half a centimetre into each margin, so «SỞ LAO ĐỘNG – THƯƠNG BINH» and «CỘNG HÒA XÃ HỘI
    # CHỦ NGHĨA VIỆT NAM» each hold on one line in 12 pt bold Times New Roman (measured in LibreOffice).
    _widths(table, [Cm(8.0), Cm(9.5)])
    left, right = table.rows[0].cells
    _cell_para(left, letterhead.parent.upper(), first=True, size=12)
    for line in letterhead_lines(letterhead.name):  # broken where the official name breaks
        _cell_para(left, line, bold=True, size=12)
    _cell_para(left, "────────", size=11)
    _cell_para(left, f"Số:        /BC-{letterhead.code}", size=13, before=6)
    _cell_para(right, MOTTO_COUNTRY, first=True, bold=True, size=12)
    _cell_para(right, MOTTO, bold=True, size=13)
    _cell_para(right, "────────────────", size=11)
    _cell_para(right, f"{letterhead.place}, ngày … tháng … năm …", italic=True, size=13.5, before=6)


def _heading(doc: Any, content: str, *, level: int) -> None:
    _para(doc, content, bold=True, size=13, align="left" if level == 1 else "justify", before=6, indent=level > 1)


def _to_complete(doc: Any, what: str, hint: str | None = None) -> None:
    """A part only a person can write, marked for the office (yellow highlight, bracketed)."""
    paragraph = _para(doc, "", indent=True)
    run = paragraph.add_run(f"{TO_COMPLETE}{what}]")
    run.italic = True
    run.font.name = FONT
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if hint:  # a prompt for the writer, marked like the rest of what is to be replaced
        paragraph = _para(doc, "", indent=True)
        run = paragraph.add_run(f"[Gợi ý từ số liệu, xóa khi viết xong: {hint}]")
        run.italic = True
        run.font.name = FONT
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _results(doc: Any, summary: Summary, rules: PeriodRules) -> None:
    period, totals, plan = summary.period, summary.totals, summary.plan
    units = summary.units
    _heading(doc, "I. KẾT QUẢ THỰC HIỆN", level=1)
    _heading(doc, "1. Tình hình chung", level=2)
    if summary.plan_notice:
        _para(doc, summary.plan_notice, indent=True)
    covered = len(plan.letters) - len(summary.uncovered_areas)
    if totals["activities"] == 0:
        _para(
            doc,
            f"{EMPTY_TEXT} ({period.label}): chưa phòng, đơn vị nào ghi nhận hoạt động thông tin, "
            "tuyên truyền cải cách hành chính.",
            indent=True,
        )
    else:
        active = int((units["activities"] > 0).sum())
        _para(
            doc,
            f"Trong {period.label}, {active}/{len(units)} phòng, đơn vị đã tổ chức "
            f"{fmt.number(totals['activities'])} hoạt động thông tin, tuyên truyền về cải cách hành chính với "
            f"{fmt.number(totals['participants'])} lượt người tham gia; đã tuyên truyền {covered}/{len(plan.letters)} "
            "nội dung của Kế hoạch.",
            indent=True,
        )

    _heading(doc, "2. Kết quả theo nội dung tuyên truyền", level=2)
    for area in plan.areas:
        count = int(summary.areas[area.letter])
        if count:
            _para(doc, f"- Nội dung {area.letter}) {area.label}: {fmt.number(count)} hoạt động.", indent=True)
    if summary.uncovered_areas:
        names = "; ".join(f"{a}) {plan.area_by_letter[a].label}" for a in summary.uncovered_areas)
        _para(doc, f"- Chưa tuyên truyền: {names}.", indent=True)
    else:
        _para(doc, f"- Cả {len(plan.letters)} nội dung của Kế hoạch đều đã được tuyên truyền.", indent=True)

    _heading(doc, "3. Kết quả theo hình thức tuyên truyền", level=2)
    people = summary.channel_participants
    for channel in plan.channels:
        count = int(summary.channels[channel.code])
        if not count:
            continue
        sentence = f"- {channel.label}: {fmt.number(count)} hoạt động"
        if channel.code in plan.item_nouns:
            items = int(units[f"qty_{channel.code}"].sum())
            sentence += f", {fmt.number(items)} {plan.item_nouns[channel.code]}"
        elif int(people.get(channel.code, 0)):
            sentence += f", {fmt.number(people[channel.code])} lượt người tham gia"
        _para(doc, sentence + ".", indent=True)
    if not totals["activities"]:
        _para(doc, "- Chưa có hoạt động nào.", indent=True)

    _heading(doc, "4. Tình hình báo cáo định kỳ của các đơn vị", level=2)
    for q in period.quarters:
        _para(doc, "- " + _quarter_reports(summary, q, rules), indent=True)
    rates = report_rates(summary)
    _para(doc, rates[0].upper() + rates[1:], indent=True)

    section = 5
    if len(summary.completion):  # a plan with targets: what of it the period met
        _heading(doc, "5. Mức độ hoàn thành kế hoạch", level=2)
        _para(doc, f"Chỉ tiêu mỗi quý của {summary.plan.name}:", indent=True)
        _para(doc, f"- Trong {period.label}: đạt {share_text(summary.completion_in_period)}.", indent=True)
        _para(
            doc,
            f"- Từ đầu năm {period.year} đến hết {period.label}: đạt {share_text(summary.completion)}.",
            indent=True,
        )
        short = summary.completion_in_period[~summary.completion_in_period["met"].astype(bool)]
        for row in short.to_dict("records"):
            quarter_name = f"quý {ROMAN[int(row['quarter'])]}: " if period.kind != "quarter" else ""
            _para(
                doc,
                f"- Chưa đạt ({quarter_name}{KIND_LABELS[row['kind']].lower()}) {row['label']}: "
                f"{fmt.number(int(row['actual']))}/{fmt.number(int(row['target']))}; {row['gap']}.",
                indent=True,
            )
        section = 6
    _heading(doc, f"{section}. Bảng tổng hợp", level=2)
    _summary_table(doc, summary)
    _para(
        doc,
        "(Chi tiết theo từng nội dung, từng hình thức và từng hoạt động tại các Phụ lục kèm theo.)",
        italic=True,
        before=6,
    )


def _quarter_reports(summary: Summary, q: int, rules: PeriodRules) -> str:
    """'Quý I/2023 (hạn nộp đến hết ngày 14/03/2023): 11/12 đơn vị đã nộp, 9 đúng hạn; nộp trễ: …; chưa nộp: ….'"""
    year = summary.period.year
    due = deadline(year, q, rules)
    reports = summary.reports[(summary.reports["quarter"] == q) & summary.reports["expected"].astype(bool)]
    head = f"Quý {ROMAN[q]}/{year} (hạn nộp đến hết ngày {plain_date(due)})"
    if reports.empty:
        return f"{head}: không có đơn vị nào phải báo cáo."
    if (reports["status"] == "not_due").all():
        return f"{head}: chưa đến hạn nộp."
    done = reports[reports["status"].isin(["on_time", "late"])]
    on_time = int((reports["status"] == "on_time").sum())
    parts = [f"{head}: {len(done)}/{len(reports)} đơn vị đã nộp, trong đó {on_time} đúng hạn"]
    late = reports[reports["status"] == "late"]
    if not late.empty:
        listed = ", ".join(
            f"{text(r.name)} ({int(r.days_late)} ngày, nộp {fmt.day(local_naive(r.submitted_at))})"
            for r in late.itertuples()
        )
        parts.append(f"nộp trễ: {listed}")
    missing = reports[reports["status"] == "missing"]
    if not missing.empty:
        parts.append("chưa nộp: " + ", ".join(text(n) or "" for n in missing["name"]))
    waiting = reports[reports["status"] == "not_due"]
    if not waiting.empty:
        parts.append(f"{len(waiting)} đơn vị chưa nộp, chưa đến hạn")
    return "; ".join(parts) + "."


def _summary_table(doc: Any, summary: Summary) -> None:
    """The compact summary table: the figures of `Tổng hợp` in fewer columns, to fit a portrait page.

    For a quarter the last column is the report's status; for a half-year or a year, one column counts
    each unit's reports (the per-quarter statuses are in the .xlsx), since four would not fit.
    """
    full = summary_table(summary)
    wanted = ["STT", "Đơn vị", "Tổng số hoạt động", "Số người tham gia", "Nội dung đã tuyên truyền"]
    picks = [i for i, c in enumerate(full.columns) if c.group is None and c.header in wanted]
    quarterly = summary.period.kind == "quarter"
    status = next(i for i, c in enumerate(full.columns) if c.group in ("Báo cáo quý", "Tình trạng báo cáo"))
    headers = [full.columns[i].header for i in picks] + ["Báo cáo quý" if quarterly else "Báo cáo các quý"]
    counts = _report_counts(summary)
    codes = iter(summary.units["code"].iloc[p] for _, rows in unit_order(summary) for p in rows)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_para(cell, header, first=True, bold=True, size=11)
    _repeat_header(table.rows[0])
    for values, style in zip(full.rows, full.styles, strict=True):
        shown = ["" if values[i] is None else str(values[i]) for i in picks]
        shown = [fmt.number(values[i]) if isinstance(values[i], int) else v for i, v in zip(picks, shown, strict=True)]
        if quarterly:
            shown.append(values[status] or "")
        elif style == "group":
            shown.append("")
        else:
            shown.append(counts["" if style == "total" else next(codes)])
        for position, (cell, text_) in enumerate(zip(table.add_row().cells, shown, strict=True)):
            paragraph = _cell_para(cell, text_, first=True, bold=style in ("group", "total"), size=11)
            if position == 1:
                paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fixed = [1.3, 4.8, 2.0, 2.1, 2.6]  # cm, out of the 16.5 cm line
    _widths(table, [Cm(w) for w in [*fixed, 16.5 - sum(fixed)]])
    _keep_total_with_table(table)


def _keep_total_with_table(table: Any) -> None:
    """No row splits across pages, and the Tổng cộng row never starts a page alone: the two rows before it
    keep with the next (Word and LibreOffice both honour a row's paragraphs' keep-with-next)."""
    for row in table.rows:
        properties = row._tr.get_or_add_trPr()
        properties.insert(0, properties.makeelement(qn("w:cantSplit"), {}))  # before tblHeader, as the schema orders
    for row in table.rows[-3:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _report_counts(summary: Summary) -> dict[str, str]:
    """Unit code ("" for all units) → 'Đã nộp 3/4 (2 đúng hạn)' over the period's quarters already due."""
    reports = summary.reports[summary.reports["expected"].astype(bool)]
    due = reports[reports["status"] != "not_due"]
    out = {}
    for code, rows in [("", due), *due.groupby("unit_code", sort=False)]:
        done = int(rows["status"].isin(["on_time", "late"]).sum())
        on_time = int((rows["status"] == "on_time").sum())
        out[code] = f"Đã nộp {done}/{len(rows)} ({on_time} đúng hạn)" if len(rows) else "Chưa đến hạn"
    for code in summary.reports["unit_code"]:
        out.setdefault(code, NOT_EXPECTED if code not in set(reports["unit_code"]) else "Chưa đến hạn")
    return out


def _widths(table: Any, widths: list[Any]) -> None:
    """Column widths, set on the grid and on every cell: Word reads the cells, LibreOffice the grid."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _repeat_header(row: Any) -> None:
    """Mark a table row as a header that Word repeats on each page."""
    properties = row._tr.get_or_add_trPr()
    element = properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    properties.append(element)


def _assessment(doc: Any, summary: Summary) -> None:
    hints = []
    if summary.uncovered_areas:
        hints.append("chưa tuyên truyền nội dung " + ", ".join(summary.uncovered_areas))
    expected = summary.reports[summary.reports["expected"].astype(bool)]
    missing = int((expected["status"] == "missing").sum())
    late = int((expected["status"] == "late").sum())
    if missing:
        hints.append(f"{missing} báo cáo chưa nộp")
    if late:
        hints.append(f"{late} báo cáo nộp trễ hạn")
    _heading(doc, "II. ĐÁNH GIÁ CHUNG", level=1)
    _heading(doc, "1. Ưu điểm", level=2)
    _to_complete(doc, "những kết quả nổi bật, cách làm hiệu quả trong kỳ…")
    _heading(doc, "2. Hạn chế, tồn tại và nguyên nhân", level=2)
    _to_complete(doc, "hạn chế, tồn tại và nguyên nhân…", "; ".join(hints) + "." if hints else None)
    _heading(doc, "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", level=1)
    _to_complete(doc, "nhiệm vụ, giải pháp trong kỳ tới…")
    _heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", level=1)
    _to_complete(doc, "đề xuất, kiến nghị với UBND tỉnh, Sở Nội vụ (nếu có)…")


def _closing(doc: Any, letterhead: Letterhead) -> None:
    table = doc.add_table(rows=1, cols=2)
    _widths(table, [Cm(8.0), Cm(8.5)])
    left, right = table.rows[0].cells
    recipients = _cell_para(left, "Nơi nhận:", first=True, bold=True, italic=True, size=12)
    recipients.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for line in ("- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lãnh đạo Sở;", "- Lưu: VT, VP."):
        _cell_para(left, line, size=11, align="left")
    signer = letterhead.signer_lines or ["GIÁM ĐỐC"]
    for index, line in enumerate(signer):
        last = index == len(signer) - 1
        _cell_para(right, line, first=index == 0, bold=True, size=13, **({"after": 60} if last else {}))
    paragraph = _cell_para(right, "", size=13)
    run = paragraph.add_run(f"{TO_COMPLETE}họ và tên người ký]")
    run.italic = True
    run.font.name = FONT
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
