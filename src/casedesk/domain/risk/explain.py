"""An indicator found for a child, in words: each record that shows it, with its date, and the national rate.

Never a score on its own: what a person reads is the list of indicators present, each with its evidence, and the
count only ever beside them. The cliff-edge rule lives here too: several indicators and no statutory support.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from casedesk.domain.casework.youth_justice import OutcomeKind
from casedesk.domain.education.vocab import ExclusionKind, LeavingReason, MoveOutcome, ProvisionKind
from casedesk.domain.risk.config import CliffEdge, Indicator, RiskConfig
from casedesk.domain.risk.national import NationalFigures, RelativeRate
from casedesk.domain.vocab import EventKind, StatusKind, label_of


class Row(Protocol):
    """One evidence row as the store returns it (`casedesk.store.risk_repo.EvidenceRow`)."""

    @property
    def entity(self) -> str: ...
    @property
    def row_id(self) -> str: ...
    @property
    def on(self) -> date: ...
    @property
    def until(self) -> date | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def extra(self) -> str | None: ...
    @property
    def number(self) -> int | None: ...


@dataclass(frozen=True)
class Evidence:
    entity: str  # the record type it is (status_periods, exclusions…), so the child page can open it
    row_id: str
    on: date
    text: str  # "Suspension from 12 Jan 2026, 4 sessions (Oak Academy)"


@dataclass(frozen=True)
class Finding:
    indicator: Indicator
    evidence: tuple[Evidence, ...]
    national: RelativeRate | None

    @property
    def newest_first(self) -> list[Evidence]:
        return sorted(self.evidence, key=lambda e: e.on, reverse=True)

    @property
    def why(self) -> str:
        """All the evidence in one line, newest first."""
        return "; ".join(e.text for e in self.newest_first)


def _d(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else ""


def _period(row: Row, what: str, today: date) -> str:
    if row.until and row.until < today:
        return f"{what} {_d(row.on)} – {_d(row.until)}"
    return f"{what} since {_d(row.on)}"


def describe(indicator: Indicator, row: Row, today: date) -> str:
    """The words for one evidence row of an indicator: short, dated, the record's own terms."""
    entity, code = row.entity, row.code or ""
    if entity == "attendance":
        possible, missed = int(row.extra or 0), row.number or 0
        share = 100.0 * missed / possible if possible else 0.0
        level = "severe" if share >= float(indicator.params.get("severe_percent", 50)) else "persistent"
        start = int(code or 0)
        return f"{missed} of {possible} sessions missed in {start}/{str(start + 1)[-2:]} ({share:.1f}%, {level})"
    if entity == "exclusions":
        return f"{label_of(ExclusionKind, code)} {_d(row.on)}" + (f", {row.number} sessions" if row.number else "")
    if entity == "status_periods":
        what = label_of(StatusKind, code)
        if code in (StatusKind.SEN_SUPPORT, StatusKind.EHC_PLAN) and row.extra:
            what += f" ({row.extra})"
        return _period(row, what, today)
    if entity == "ehc_plans":
        return f"EHC plan ({row.extra}) issued {_d(row.on)}"
    if entity == "enrolments":
        return f"Left {row.extra or 'a school'} {_d(row.on)}: {label_of(LeavingReason, code).lower()}"
    if entity == "managed_moves":
        outcome = label_of(MoveOutcome, code).split(":")[0].lower() if code else "trial under way"
        return f"Managed move to {row.extra or 'another school'} {_d(row.on)} ({outcome})"
    if entity == "provisions":
        return f"{label_of(ProvisionKind, code)} since {_d(row.on)}, {row.number} sessions a week"
    if entity == "youth_justice_outcomes":
        return f"{label_of(OutcomeKind, code)} {_d(row.on)}"
    if entity == "events":
        return f"{label_of(EventKind, code)} {_d(row.on)}"
    if entity == "triage_results":
        domains = (row.extra or "").split("; ") if row.extra else []
        named = "; ".join(domains[:3]) + (f"; {len(domains) - 3} more" if len(domains) > 3 else "")
        return f"Needs check {_d(row.on)}: level {code}" + (f" ({named})" if named else "")
    return f"{entity.replace('_', ' ')} {_d(row.on)}"


def finding(config: RiskConfig, indicator: Indicator, rows: Sequence[Row], today: date) -> Finding:
    """An indicator with exactly these rows as its evidence, and its national rate where the figures have one."""
    national = None
    if indicator.national is not None:
        figures = NationalFigures.load(config.national.file, config.national.measure)
        ref, source = indicator.national, config.national
        national = figures.relative(ref.characteristic, ref.group, source.describes, source.source)
    evidence = tuple(Evidence(r.entity, r.row_id, r.on, describe(indicator, r, today)) for r in rows)
    return Finding(indicator, evidence, national)


def is_cliff_edge(rule: CliffEdge, indicators_present: Collection[str], support: Collection[str]) -> bool:
    """Several indicators but no statutory support (no child in need or protection plan, not looked after, no EHC
    plan): the children who meet no single threshold for help."""
    return len(indicators_present) >= rule.min_indicators and not (set(support) & set(rule.statutory_support))
