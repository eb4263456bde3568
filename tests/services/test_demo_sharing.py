"""The demo's information sharing: the area's three agreements are held, and a child the youth justice service works
with shows what the agreement keeps from the demo user's school, as the Sharing tab reads it."""

from __future__ import annotations

from casedesk import config
from casedesk.domain.agreements_demo import demo_agreements
from casedesk.services.demo.load import seed_demo
from casedesk.services.sharing import SharingService
from casedesk.store import audit_trail, sharing_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal import tallies


def test_the_demo_shows_agreements_and_what_they_withhold(db: Database) -> None:
    seed_demo(db, 150, seed=3, attendance=False)
    service = SharingService(db, "tester")
    with db.session() as session:
        orgs = repo.organisations(session)
        children = repo.list_children(session)
    assert any(o.kind == "school" and o.name == db.get(config.PROFILE).organisation for o in orgs.values())
    yjs = {o.id for o in orgs.values() if o.kind == "youth_justice"}
    shown = {}
    for child in children:
        with db.session() as session:
            involved = {i.organisation_id for i in repo.involvements_for_child(session, child.id)}
        if involved & yjs:
            shown[child.id] = service.for_child(child.id)
    assert shown, "the demo has school children the youth justice service works with"
    for sharing in shown.values():
        assert sharing.withheld >= 1
        assert all("youth-justice" in n and "“Youth justice and schools”" in n for n in sharing.notices)
        assert "Youth justice and schools" in {a.agreement.title for a in sharing.agreements}
    with db.session() as session:
        held = {a.id for a in sharing_repo.agreements(session)}
    assert held == {a.id for a in demo_agreements()}


def test_the_demo_shows_an_emergency_override_granted_and_expired_in_a_childs_audit(db: Database) -> None:
    seed_demo(db, 150, seed=3, attendance=False)
    profile = db.get(config.PROFILE)
    with db.session() as session:
        orgs = repo.organisations(session)
        trails = {c.id: audit_trail.entries_for_child(session, c.id) for c in repo.list_children(session)}
    noted = {cid: [e for e in entries if e.action == "break-glass"] for cid, entries in trails.items()}
    [(child_id, entries)] = [(cid, found) for cid, found in noted.items() if found]
    reasons = [e.reason or "" for e in entries]
    assert any("granted at once" in r and "Immediate risk" in r for r in reasons)
    assert any("expired" in r and "purged from this device" in r for r in reasons)
    assert {e.actor for e in entries} == {profile.name}  # the demo user asked
    sharing = SharingService(db, "tester").for_child(child_id)
    withheld_from = {n.split(" from ")[1].split(" are ")[0].split(" is ")[0] for n in sharing.notices}
    service = next(o.name for o in orgs.values() if o.kind == "youth_justice" and o.name in withheld_from)
    assert all(f"override of {service}'s records (youth_justice)" in r for r in reasons)  # what the notice withholds


def test_the_demos_agreements_move_the_kept_sync_digest(db: Database) -> None:
    """The demo holds agreements as a pull would; its kept digest must count them, or the first sync of a demo
    device reports a drifted digest."""
    seed_demo(db, 30, seed=3, attendance=False)
    with db.engine.connect() as conn:
        kept = tallies.kept(conn)
        assert kept is not None
        assert {e: t.to_json() for e, t in kept.items()} == {
            e: t.to_json() for e, t in tallies.recount_all(conn).items()
        }
