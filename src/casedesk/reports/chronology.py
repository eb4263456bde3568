"""The child's chronology as a PDF: who the child is, who is involved now, their attendance this year, and everything
recorded, in date order.

Chronologies are shared between agencies and read at case conferences, so an amended entry always shows what it
originally said as well as what it says now: nothing recorded is ever silently replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Paragraph, Spacer, Table, TableStyle

from casedesk.domain.chronology import ChronologyEntry, amendment_note, collapse_amendments
from casedesk.domain.chronology import day as _day
from casedesk.domain.records import Child, ChronologyEvent, Involvement, Organisation, StatusPeriod, Worker
from casedesk.domain.vocab import SEN_PRIMARY_NEEDS, EventKind, InvolvementRole, StatusKind, label_of
from casedesk.reports import attendance
from casedesk.reports.base import build_pdf, content_width, esc, make_styles, table_style

_MIN_IN_ROW_SPLIT = 72  # points: split inside a tall entry only if at least this much of it fits the page

_HIGHLIGHT = {"significant": colors.HexColor("#FFF4E0"), "critical": colors.HexColor("#FDE2E2")}


Styles = dict[str, ParagraphStyle]


class _FlowingTable(LongTable):
    """A LongTable that splits inside a tall entry rather than leave a large gap (or a repeated heading) mid-page."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if parts and availHeight - parts[0].wrap(availWidth, availHeight)[1] > _MIN_IN_ROW_SPLIT:
            # LongTable's in-row split is internal (the stubs leave it out) and returns flowables, typed Any.
            in_row: list[Flowable] = self._splitRows(availHeight, doInRowSplit=True)  # type: ignore[attr-defined]
            if in_row:
                return in_row
        return parts


def _child_header(child: Child, now: datetime, styles: Styles) -> Table:
    address = ", ".join(p for p in (child.address_line1, child.address_line2, child.town, child.postcode) if p)
    upn = child.upn or (f"Not known ({child.upn_unknown_reason})" if child.upn_unknown_reason else "Not recorded")
    pairs = [
        ("Name", child.display_name, "Date of birth", _day(child.date_of_birth)),
        ("Age", str(child.age_on(now.date())), "UPN", upn),
        ("NHS number", child.nhs_number or "Not recorded", "Address", address or "Not recorded"),
    ]
    rows = [
        [
            Paragraph(esc(a), styles["head"]),
            Paragraph(esc(b), styles["cell"]),
            Paragraph(esc(c), styles["head"]),
            Paragraph(esc(d), styles["cell"]),
        ]
        for a, b, c, d in pairs
    ]
    w = content_width()
    table = Table(rows, colWidths=[0.14 * w, 0.36 * w, 0.14 * w, 0.36 * w])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#9AA5B1")),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#C9D1DA")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#E4E9F0")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#E4E9F0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _simple_table(head: Sequence[str], rows: list[list[str]], widths: Sequence[float], styles: Styles) -> Flowable:
    """A small table, or a line saying there is nothing to show."""
    if not rows:
        return Paragraph("None recorded.", styles["muted"])
    data = [[Paragraph(esc(h), styles["head"]) for h in head]]
    data += [[Paragraph(esc(cell), styles["cell"]) for cell in row] for row in rows]
    table = LongTable(data, colWidths=[f * content_width() for f in widths], repeatRows=1)
    table.setStyle(TableStyle(table_style()))
    return table


def _status_rows(statuses: Iterable[StatusPeriod], today: date) -> list[list[str]]:
    rows = []
    for s in sorted((s for s in statuses if s.is_current(today)), key=lambda s: s.start_date):
        detail = SEN_PRIMARY_NEEDS.get(s.detail or "", s.detail or "")
        rows.append([label_of(StatusKind, s.kind), _day(s.start_date), _day(s.end_date) or "Ongoing", detail])
    return rows


def _involvement_rows(
    involvements: Iterable[Involvement], orgs: dict[str, Organisation], workers: dict[str, Worker], today: date
) -> list[list[str]]:
    rows = []
    for inv in sorted((i for i in involvements if i.is_current(today)), key=lambda i: i.start_date):
        org = orgs.get(inv.organisation_id)
        worker = workers.get(inv.worker_id or "")
        who = "Not named" if worker is None else worker.name + (f" ({worker.role})" if worker.role else "")
        rows.append(
            [
                org.name if org else "Unknown organisation",
                who,
                label_of(InvolvementRole, inv.role),
                _day(inv.start_date),
                _day(inv.end_date) or "Ongoing",
            ]
        )
    return rows


def _event_cell(entry: ChronologyEntry, styles: Styles) -> list[Flowable]:
    """Summary, body and any amendment note as separate flowables, so a long entry can split across pages."""
    event = entry.current
    cell: list[Flowable] = [Paragraph(esc(event.summary), styles["cell_bold"])]
    for para in (event.body or "").split("\n\n"):
        if para.strip():
            cell.append(Paragraph(esc(para.strip()), styles["cell"]))
    note = amendment_note(entry)
    if note:
        cell.append(Paragraph(esc(note), styles["note"]))
    if entry.orphan:
        cell.append(Paragraph("Amends an entry not included in this report.", styles["note"]))
    return cell


def _chronology_table(entries: list[ChronologyEntry], orgs: dict[str, Organisation], styles: Styles) -> Flowable:
    if not entries:
        return Paragraph("No chronology entries recorded.", styles["muted"])
    head = ["Date", "Kind", "Significance", "Organisation", "Summary", "Recorded by"]
    data: list[list[object]] = [[Paragraph(h, styles["head"]) for h in head]]
    extra = table_style()
    for row, entry in enumerate(entries, start=1):
        e = entry.current
        org = orgs.get(e.organisation_id or "")
        sig_style = styles["cell_bold"] if e.significance in _HIGHLIGHT else styles["cell"]
        data.append(
            [
                Paragraph(esc(e.occurred_at.strftime("%d %b %Y %H:%M")), styles["cell"]),
                Paragraph(esc(label_of(EventKind, e.kind)), styles["cell"]),
                Paragraph(esc(e.significance.capitalize()), sig_style),
                Paragraph(esc(org.name if org else ""), styles["cell"]),
                _event_cell(entry, styles),
                Paragraph(esc(e.author), styles["cell"]),
            ]
        )
        if e.significance in _HIGHLIGHT:
            extra.append(("BACKGROUND", (0, row), (-1, row), _HIGHLIGHT[e.significance]))
    widths = [20 * mm, 21 * mm, 23 * mm, 27 * mm, None, 22 * mm]
    widths[4] = content_width() - sum(w for w in widths if w)
    table = _FlowingTable(data, colWidths=widths, repeatRows=1, splitInRow=_MIN_IN_ROW_SPLIT)
    table.setStyle(TableStyle(extra))
    return table


def render_chronology_pdf(
    path: Path,
    child: Child,
    events: Iterable[ChronologyEvent],
    statuses: Iterable[StatusPeriod],
    involvements: Iterable[Involvement],
    organisations: Iterable[Organisation],
    workers: Iterable[Worker],
    generated_by: str,
    now: datetime,
    plans: Sequence[Sequence[str]] = (),
    attendance_print: attendance.AttendancePrint | None = None,
) -> None:
    """Write the child's chronology to `path`, as of `now`, marked and paginated for sharing. `plans` are rows of
    (what, dates, detail) for the child's EHC plans, PEPs and youth justice orders."""
    styles = make_styles()
    orgs = {o.id: o for o in organisations}
    people = {w.id: w for w in workers}
    today = now.date()
    title = f"Chronology: {child.full_name}"
    story: list[Flowable] = [
        Paragraph(esc(title), styles["title"]),
        Spacer(1, 4 * mm),
        _child_header(child, now, styles),
        Paragraph("Current statuses", styles["h2"]),
        _simple_table(
            ["Status", "Since", "Until", "Detail"], _status_rows(statuses, today), [0.3, 0.15, 0.15, 0.4], styles
        ),
        Paragraph("Current involvements", styles["h2"]),
        _simple_table(
            ["Organisation", "Worker", "Role", "From", "To"],
            _involvement_rows(involvements, orgs, people, today),
            [0.28, 0.26, 0.22, 0.12, 0.12],
            styles,
        ),
        Paragraph("Plans and orders", styles["h2"]),
        _simple_table(["Plan or order", "Dates", "Detail"], [list(r) for r in plans], [0.25, 0.4, 0.35], styles),
    ]
    if attendance_print is not None and attendance_print.summaries.latest is not None:
        story += [
            Paragraph(f"Attendance {esc(attendance_print.summaries.year.label)}", styles["h2"]),
            _simple_table(
                attendance.HEAD, attendance.summary_rows(attendance_print.summaries), attendance.WIDTHS, styles
            ),
            *attendance.notes(attendance_print, styles),
        ]
    story += [
        Paragraph("Chronology", styles["h2"]),
        _chronology_table(collapse_amendments(events), orgs, styles),
    ]
    build_pdf(path, title, story, generated_by=generated_by, generated_at=now)
