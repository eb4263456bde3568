"""Referral packs: the service's version (only the chosen sections) and the family's, in plain language.

The service version carries what a receiving practitioner needs to decide quickly — the reason, the triage outcome
and its reasons, the information-sharing decision — and nothing the referrer did not choose to share. The family
version explains the service and what happens next without case detail, so it can be handed over at a visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from casedesk.domain.referrals.pack import ReferralPack, ServiceCard
from casedesk.domain.referrals.workflow import SECTIONS, URGENCIES
from casedesk.domain.triage.model import TriageOutcome
from casedesk.reports.base import build_pdf, content_width, esc, make_styles, table_style

_STYLES = make_styles()

# What each shared section means, in the words a parent would use about their own child.
FAMILY_SECTIONS = {
    "identity": "{name}'s name, date of birth and school reference numbers",
    "contact": "your address",
    "school": "which school {name} goes to",
    "statuses": "support {name} already has, such as a plan from social care or for special educational needs",
    "involvements": "which other services and workers already help {name}",
    "triage": "what we found when we talked through {name}'s needs, and why",
    "chronology": "important things that have happened in the last year that the service should know",
}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, _STYLES[style])


def _facts(rows: Sequence[tuple[str, str]]) -> Table:
    """Label–value pairs in two columns."""
    width = content_width()
    data = [[_p(esc(k), "cell_bold"), _p(esc(v), "cell")] for k, v in rows]
    table = Table(data, colWidths=[45 * mm, width - 45 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _bullets(title: str, items: Sequence[str]) -> list[Flowable]:
    if not items:
        return []
    return [_p(esc(title), "h2"), *(_p(f"• {esc(item)}") for item in items)]


def _card(service: ServiceCard, plain: bool) -> list[Flowable]:
    titles = (
        ("What they do", "What they do not do", "Before referring", "A referral must include")
        if not plain
        else ("How they can help", "What they cannot help with", "", "")
    )
    story: list[Flowable] = []
    for title, items in zip(
        titles,
        (service.does, service.does_not, service.referrer_must_first, service.referral_must_include),
        strict=True,
    ):
        if title:
            story += _bullets(title, items)
    return story


def _triage(stored: dict[str, Any]) -> list[Flowable]:
    """The needs check as it was recorded (read back, never re-scored), with the words behind each domain."""
    outcome = TriageOutcome.from_dict(stored)
    story: list[Flowable] = [
        _p("Presenting Needs Check", "h2"),
        _p(
            f"<b>Level {outcome.level}: {esc(outcome.level_name)}</b> — {esc(outcome.questionnaire_title)} "
            f"(version {esc(outcome.questionnaire_version)})"
        ),
    ]
    if outcome.stop is not None:
        story.append(_p(f"<b>Immediate risk:</b> {esc(outcome.stop.reason)}"))
    domains = [d for d in outcome.domains if d.score]
    if domains:
        rows = [[_p("Need domain", "head"), _p("Score", "head"), _p("Why", "head")]]
        for domain in domains:
            why = "\n".join(outcome.reasons_for(domain))
            rows.append([_p(esc(domain.name), "cell"), _p(str(domain.score), "cell"), _p(esc(why), "cell")])
        width = content_width()
        table = Table(rows, colWidths=[50 * mm, 15 * mm, width - 65 * mm], repeatRows=1)
        table.setStyle(TableStyle(table_style()))
        story.append(table)
    return story


def render_service_pack(path: Path, pack: ReferralPack, generated_by: str, now: datetime) -> None:
    referral, styles = pack.referral, _STYLES
    story: list[Flowable] = [
        Paragraph(f"Referral to {esc(pack.service.name)}", styles["title"]),
        _p(f"{esc(URGENCIES.get(referral.urgency, referral.urgency))} · status {esc(referral.status)}", "muted"),
        Spacer(1, 4 * mm),
        _p("The child", "h2"),
        _facts(
            [
                ("Name", pack.full_name),
                ("Date of birth", f"{pack.date_of_birth:%d %B %Y} (age {pack.age})"),
                *pack.identifiers.items(),
            ]
            + ([("Address", pack.address)] if pack.address else [])
            + ([("School", pack.school)] if pack.school else [])
        ),
        _p("Reason for referral", "h2"),
        _p(esc(referral.reason)),
    ]
    if "statuses" in pack.sections:
        story += _bullets("Current statuses", pack.statuses or ("None recorded",))
    if "involvements" in pack.sections:
        story += _bullets(
            "Agencies involved",
            [f"{org} — {worker or 'no named worker'} ({role})" for org, worker, role in pack.involvements]
            or ["None recorded"],
        )
    if pack.triage:
        story += _triage(pack.triage)
    if "chronology" in pack.sections:
        story += _bullets(
            "Significant chronology entries (last 12 months)",
            [f"{when:%d %b %Y} — {kind}: {summary}" for when, kind, summary in pack.chronology] or ["None"],
        )
    story += [
        _p("Information sharing", "h2"),
        _p(esc(referral.sharing_decision.describe())),
        _p(f"Decision recorded by {esc(referral.sharing_decision.decided_by)}.", "small"),
        _p("Sections shared: " + esc(", ".join(SECTIONS[s] for s in pack.sections if s in SECTIONS)), "small"),
        _p("Referrer", "h2"),
        _facts([(k.replace("_", " ").capitalize(), str(v)) for k, v in referral.referrer.items() if v]),
    ]
    if pack.acknowledgement_due:
        story.append(_p(f"Please acknowledge by {pack.acknowledgement_due:%A %d %B %Y}.", "note"))
    build_pdf(path, f"Referral — {pack.service.name}", story, generated_by, now)


def family_sharing_text(pack: ReferralPack) -> list[str]:
    """What is shared and on what basis, in plain words: the sections by what they hold, never by their codes, and
    the agreement by who gave it and when (a family sheet said "consent … for sharing the sections ticked")."""
    name = esc(pack.given_name)
    items = [FAMILY_SECTIONS[s].format(name=name) for s in pack.sections if s in FAMILY_SECTIONS]
    decision = pack.referral.sharing_decision
    if decision.consent:
        when = f" on {decision.consent_given_on:%d %B %Y}" if decision.consent_given_on else ""
        who = esc(decision.consent_given_by) or "you"
        opening = f"With the agreement {who} gave us{when}, we are sending {esc(pack.service.name)}:"
    else:
        opening = (
            f"We are sending {esc(pack.service.name)} this information without your agreement, because we believe "
            "it is needed to keep your child safe. You can ask us why, and how it was decided. We are sending:"
        )
    closing = "We do not send anything else. You can ask us for a copy of what we sent."
    return [opening, *(f"• {item[0].upper()}{item[1:]}" for item in items), closing]


def _service_contact(service: ServiceCard) -> list[tuple[str, str]]:
    """How a family reaches the service itself: where it is, when it is open, and how to get in touch."""
    rows = [("Address", service.address)] if service.address else []
    rows += [("Open", "; ".join(service.opening_times))] if service.opening_times else []
    rows += [("Phone", service.phone)] if service.phone else []
    rows += [("Email", service.email)] if service.email else []
    rows += [("Website", service.website)] if service.website else []
    return rows


def render_family_pack(path: Path, pack: ReferralPack, generated_by: str, now: datetime) -> None:
    service, referral = pack.service, pack.referral
    contact = referral.referrer
    ours = [
        ("Your contact", f"{contact.get('name', '')}, {contact.get('role', '')}".strip(", ")),
        ("Organisation", contact.get("organisation", "")),
        ("Phone", contact.get("phone", "")),
        ("Email", contact.get("email", "")),
    ]
    story: list[Flowable] = [
        Paragraph(f"About {esc(service.name)}", _STYLES["title"]),
        Spacer(1, 3 * mm),
        _p(
            f"We have talked with you about asking <b>{esc(service.name)}</b> to help {esc(pack.given_name)}. "
            "This sheet explains what the service is and what happens next."
        ),
        _p("What the service is", "h2"),
        _p(esc(service.description or service.name)),
        *_card(service, plain=True),
        _p("What happens next", "h2"),
        _p(
            f"We send the service a referral. They should let us know within {referral.ack_within_days} working "
            "days whether they can help"
            + (f" (by {pack.acknowledgement_due:%A %d %B})" if pack.acknowledgement_due else "")
            + ". "
            + (f"Most families hear from them within {esc(service.typical_wait)}. " if service.typical_wait else "")
            + "If they cannot help, we will talk with you about other support."
        ),
        _p("What we share with the service", "h2"),
        *(_p(line) for line in family_sharing_text(pack)),
        _p("Who to contact", "h2"),
        _p("If you have questions about this referral, talk to us first:"),
        _facts([(label, value) for label, value in ours if value]),
    ]
    reach = _service_contact(service)
    if reach:
        story += [_p(f"How to contact {esc(service.name)}", "h2"), _facts(reach)]
    build_pdf(path, f"{service.name} — for the family", story, generated_by, now)
