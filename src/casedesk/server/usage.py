"""What practitioners ask and search for: the local authority's reports of unanswered and unhelpful questions and
of the directory search criteria used (the prevalence dataset).

Devices keep these as synced `guidance_questions` records, scrubbed of personal data before they were written, so
the server holds only the scrubbed text, the outcome, the entry rated and the day. The report groups identical
questions so the content's owners see first what most people missed (seed of the content's improvement loop).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from casedesk.server.db import ServerDB, records

OUTCOME_HEADINGS = {
    "no_result": "Questions Ask CaseDesk found no answer for",
    "unhelpful": "Answers people said did not help",
    "helpful": "Answers people said helped",
}


@dataclass(frozen=True)
class ReportLine:
    outcome: str
    question: str
    entry_id: str | None
    count: int
    last_asked: str


def guidance_report(store: ServerDB) -> list[ReportLine]:
    """Every kept question, identical ones counted together; unanswered first, then unhelpful, then helpful."""
    with store.read() as conn:
        rows = conn.execute(
            select(records.c.data).where(records.c.entity == "guidance_questions", records.c.deleted.is_(False))
        ).all()
    counts: Counter[tuple[str, str, str | None]] = Counter()
    last: dict[tuple[str, str, str | None], str] = {}
    for (data,) in rows:
        key = (str(data.get("outcome")), " ".join(str(data.get("question", "")).lower().split()), data.get("entry_id"))
        counts[key] += 1
        last[key] = max(last.get(key, ""), str(data.get("asked_on", "")))
    order = list(OUTCOME_HEADINGS)
    lines = [ReportLine(o, q, e, n, last[(o, q, e)]) for (o, q, e), n in counts.items()]
    lines.sort(key=lambda r: (order.index(r.outcome) if r.outcome in order else 9, -r.count, r.question))
    return lines


def format_report(lines: list[ReportLine]) -> str:
    if not lines:
        return "No questions kept yet."
    out: list[str] = []
    for outcome, heading in OUTCOME_HEADINGS.items():
        group = [line for line in lines if line.outcome == outcome]
        if not group:
            continue
        out.append(f"{heading} ({sum(line.count for line in group)}):")
        for line in group:
            about = f"  [{line.entry_id}]" if line.entry_id else ""
            out.append(f"  {line.count:>4} × {line.question}{about}  (last {line.last_asked})")
    return "\n".join(out)


def search_report(store: ServerDB) -> dict[str, Counter[str]]:
    """How often each criterion was used in directory searches, by kind (need, level, specific need, source…)."""
    with store.read() as conn:
        rows = conn.execute(
            select(records.c.data).where(records.c.entity == "directory_searches", records.c.deleted.is_(False))
        ).all()
    counts: dict[str, Counter[str]] = {}
    for (data,) in rows:
        criteria = data.get("criteria") or {}
        for key, value in criteria.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                counts.setdefault(key, Counter())[str(item)] += 1
    return counts


def format_search_report(counts: dict[str, Counter[str]]) -> str:
    if not counts:
        return "No directory searches kept yet."
    lines = []
    for key in sorted(counts):
        lines.append(f"{key}:")
        lines += [f"  {n:>5}  {value}" for value, n in counts[key].most_common()]
    return "\n".join(lines)
