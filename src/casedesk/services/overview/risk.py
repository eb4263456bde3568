"""The Overview's risk-of-exclusion card: the indicators present for this child, each with the records that show it
(with their dates) and the national rate where the DfE figures have one — never a score without its parts. A child
with several indicators and no statutory support is flagged as on the cliff edge."""

from __future__ import annotations

from casedesk.domain.risk.explain import is_cliff_edge
from casedesk.services.cohort.findings import child_findings
from casedesk.services.cohort.indicators import in_effect
from casedesk.services.overview.registry import Card, OverviewSource, register

SHOWN = 3  # the newest records shown per indicator; the rest are counted


def _support_now(source: OverviewSource, kinds: tuple[str, ...]) -> set[str]:
    today = source.today
    held = {p.kind for p in source.view.statuses if p.kind in kinds and p.is_current(today)}
    if "ehc_plan" in kinds and any(
        p.issued_on and p.issued_on <= today and (p.ceased_on is None or p.ceased_on >= today)
        for p in source.view.ehc_plans
    ):
        held.add("ehc_plan")
    return held


@register("risk", 15)
def risk_card(source: OverviewSource) -> Card:
    config = in_effect(source.db)
    findings = child_findings(source.db, source.child_id, source.today, config)
    title = "Risk of exclusion: indicators"
    if not findings:
        words = f"None of the {len(config.indicators)} indicators found in this record."
        return Card("risk", title, (words,), "chronology", empty=True)
    lines = [f"{len(findings)} of {len(config.indicators)} indicators present:"]
    for found in findings:
        evidence = [e.text for e in found.newest_first]
        shown = "; ".join(evidence[:SHOWN]) + (
            f"; and {len(evidence) - SHOWN} earlier" if len(evidence) > SHOWN else ""
        )
        rate = f" — {found.national.short()}" if found.national is not None else ""
        lines.append(f"• {found.indicator.label}: {shown}{rate}")
    ids = [f.indicator.id for f in findings]
    flags: tuple[str, ...] = ()
    if is_cliff_edge(config.cliff_edge, ids, _support_now(source, config.cliff_edge.statutory_support)):
        flags = ("Cliff edge: several indicators and no statutory support",)
    return Card("risk", title, tuple(lines), "chronology", flags=flags)
