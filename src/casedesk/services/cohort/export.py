"""The cohort leaving the device: the same content as CSV (spreadsheet-safe, `domain.spreadsheet`) or PDF.

Counts are always the suppressed tables (`summary`); the children are listed only when the person asks, with
the indicators each has and whether they are on the cliff edge, never a score alone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from casedesk.domain import spreadsheet
from casedesk.domain.disclosure import LEGEND
from casedesk.services.cohort.model import Cohort, CohortFilter, CohortRow
from casedesk.services.cohort.summary import CohortSummary

CHILD_HEADER = ("Child", "School", "Year group", "Indicators", "Which", "Statutory support", "Cliff edge")


def _notes(cohort: Cohort, filters: CohortFilter) -> list[str]:
    config = cohort.config
    rule = config.cliff_edge
    return [
        f"Cliff edge: {rule.min_indicators} or more indicators and no child in need or child protection plan, not "
        "looked after and no EHC plan.",
        LEGEND,
        f"Indicators ({config.version}): {cohort.key()}.",
        config.notice,
        f"On {cohort.today:%d %B %Y}; {filters.describe(cohort)}.",
    ]


def _child_rows(cohort: Cohort, rows: list[CohortRow]) -> list[list[str]]:
    labels = cohort.shorts()
    return [
        [
            r.name,
            r.school or "No current school",
            r.year_group,
            str(r.count),
            "; ".join(labels[i] for i in r.indicators),
            r.support_text(),
            "Yes" if r.cliff_edge else "No",
        ]
        for r in rows
    ]


def write_csv(
    out: Path, cohort: Cohort, filters: CohortFilter, summary: CohortSummary, listed: list[CohortRow]
) -> None:
    lines: list[list[str]] = [[note] for note in _notes(cohort, filters)]
    for title, table in summary.tables():
        lines += [[], [title], ["School", *table.column_labels], *table.display()]
    if listed:
        lines += [[], ["The children"], list(CHILD_HEADER), *_child_rows(cohort, listed)]
    spreadsheet.write_csv(out, ["Risk of exclusion: the cohort"], lines)


def write_pdf(
    out: Path,
    cohort: Cohort,
    filters: CohortFilter,
    summary: CohortSummary,
    listed: list[CohortRow],
    actor: str,
    now: datetime,
) -> None:
    from casedesk.reports.cohort import render_cohort_pdf

    tables = [(title, [["School", *t.column_labels], *t.display()]) for title, t in summary.tables()]
    children = [[*CHILD_HEADER[:5], "Support / cliff edge"]] if listed else []
    for row in _child_rows(cohort, listed):
        children.append([*row[:5], row[5] + (" · cliff edge" if row[6] == "Yes" else "")])
    subtitle = f"{len(cohort.filtered(filters)):,} children · {filters.describe(cohort)} · {cohort.today:%d %B %Y}"
    render_cohort_pdf(out, subtitle, _notes(cohort, filters)[:4], tables, children, actor, now)
