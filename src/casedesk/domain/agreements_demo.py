"""The demo area's information-sharing agreements: schools and children's social care, youth justice and schools,
early help and schools, all within one local authority (by kind, so they apply to whichever organisations of
those kinds an area has). Used by `casedesk demo` (a device holds them as published) and by
`casedesk-server admin agreement demo` (recorded on a server, where they take effect)."""

from __future__ import annotations

from typing import Any

from casedesk.domain.agreements import Agreement, build

LA = "383"


def demo_agreements(la: str = LA) -> list[Agreement]:
    """The three demo agreements (ids fixed, so a second run recognises them)."""
    common: dict[str, Any] = {
        "article_6": "public_task",
        "article_9": "safeguarding",
        "start": "2025-09-01",
        "end": None,
        "review": "2026-08-31",
    }
    return [
        build(
            agreement_id="0197a000-0000-7000-8000-00000000a001",
            title="Schools and children's social care",
            party_a=f"kind:school@{la}",
            party_b=f"kind:childrens_social_care@{la}",
            a_to_b="identity,contact,education,attendance,behaviour,send,health,safeguarding,family,general",
            b_to_a="social_care,safeguarding,family",
            article_10=None,
            signed_by=[
                "Head teachers' forum chair, on behalf of every school in LA " + la,
                "Director of Children's Services",
            ],
            **common,
        ),
        build(
            agreement_id="0197a000-0000-7000-8000-00000000a002",
            title="Youth justice and schools",
            party_a=f"kind:youth_justice@{la}",
            party_b=f"kind:school@{la}",
            a_to_b="education,attendance",
            b_to_a="education,attendance,behaviour,send",
            article_10="official_authority",
            signed_by=["Head of the Youth Justice Service", "Head teachers' forum chair"],
            **common,
        ),
        build(
            agreement_id="0197a000-0000-7000-8000-00000000a003",
            title="Early help and schools",
            party_a=f"kind:early_help@{la}",
            party_b=f"kind:school@{la}",
            a_to_b="family,general,education",
            b_to_a="education,attendance,behaviour,family,general",
            article_10=None,
            signed_by=["Early Help Service manager", "Head teachers' forum chair"],
            **common,
        ),
    ]
