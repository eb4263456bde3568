"""The data-quality report and the review queue over the API: administrators only (a refusal is audited), each
organisation's own report and queue, and a bad decision answered in words with nothing changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.domain.feed.records import FeedChild, FeedReturn, Source
from casedesk.server.db import accounts, admin_audit
from casedesk.server.feed import imports
from casedesk.server.feed.tables import feed_children
from casedesk.sync.feed_wire import ReviewDecision
from casedesk.sync.transport import CredentialsRefused, Refused
from tests.sync.harness import PASSWORD, Server, make_device

CENSUS = FeedReturn(
    Source.CIN, "383", 2024, (FeedChild(Source.CIN, "C1", date(2010, 1, 1), given_name="Cy", family_name="Ray"),)
)


def test_only_administrators_get_their_organisations_report_and_queue(server: Server, tmp_path: Path) -> None:
    school = accounts.create_org(server.store, "Riverside Academy", "school", "383")
    care = accounts.create_org(server.store, "Children's Social Care", "childrens_social_care", "383")
    server.user(school, "ann")
    accounts.create_user(server.store, school, "alex", PASSWORD, administrator=True)
    accounts.create_user(server.store, care, "cara", PASSWORD, administrator=True)
    imports.import_return(server.store, CENSUS, data_hash="0" * 64, actor="LA data team")
    ann, alex, cara = (make_device(tmp_path, name, server, name) for name in ("ann", "alex", "cara"))

    with pytest.raises(CredentialsRefused, match="Only your organisation's CaseDesk administrators"):
        ann.transport.admin_data_quality()
    with server.store.read() as conn:
        outcomes = conn.execute(
            select(admin_audit.c.actor, admin_audit.c.outcome).where(admin_audit.c.action == "data_quality")
        ).all()
    assert ("ann", "refused") in outcomes

    assert alex.transport.admin_data_quality().scope == "Riverside Academy"
    assert alex.transport.admin_review_queue().items == []  # the school has no returns
    report = cara.transport.admin_data_quality()
    assert [(p.kind, p.reference) for p in report.problems] == [("unmatched", "cin C1")]
    assert [i.la_child_id for i in cara.transport.admin_review_queue().items] == ["C1"]

    with pytest.raises(Refused) as bad:
        cara.transport.admin_review_decide(
            ReviewDecision(source="cin", la_child_id="C1", decision="match", child_id=None, reason="sure")
        )
    assert "which of the server's children" in str(bad.value)
    with server.store.read() as conn:
        assert conn.execute(select(feed_children.c.state)).scalar_one() == "pending"
    outcome = cara.transport.admin_review_decide(
        ReviewDecision(source="cin", la_child_id="C1", decision="create", reason="new to the area")
    )
    assert outcome.message.startswith("cin C1: created as child ")
    for device in (ann, alex, cara):
        device.close()
