"""Subject access export: everything held about one child (or the whole database) as plain JSON.

Every export is itself recorded in the audit log, because handing out a child's record is a disclosure
that must be accounted for (the seventh golden rule of information sharing).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casedesk import __version__
from casedesk.store import referral_repo, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal.wire_values import to_json_value

EXPORT_FORMAT = "casedesk-export"


def _child_bundle(session: Any, child_id: str, include_audit: bool) -> dict[str, Any]:
    child = repo.get_child(session, child_id)
    statuses = repo.statuses_for_child(session, child_id)
    involvements = repo.involvements_for_child(session, child_id)
    events = repo.events_for_child(session, child_id)
    checks = triage_repo.results_for_child(session, child_id)
    referrals = referral_repo.list_referrals(session, child_id)
    org_ids = {i.organisation_id for i in involvements} | {e.organisation_id for e in events if e.organisation_id}
    if child.current_school_id:
        org_ids.add(child.current_school_id)
    worker_ids = {i.worker_id for i in involvements if i.worker_id}
    bundle: dict[str, Any] = {
        "child": asdict(child),
        "status_periods": [asdict(s) for s in statuses],
        "involvements": [asdict(i) for i in involvements],
        "events": [asdict(e) for e in events],
        "needs_checks": [asdict(c) for c in checks],
        "referrals": [asdict(r) for r in referrals],
        "referral_emails": referral_repo.mail_requests_for_child(session, child_id),
        "organisations": [asdict(o) for o in repo.organisations(session, org_ids).values()],
        "workers": [asdict(w) for w in repo.workers(session, worker_ids).values()],
    }
    if include_audit:
        row_ids = {child_id} | {s.id for s in statuses} | {i.id for i in involvements} | {e.id for e in events}
        row_ids |= {c.id for c in checks} | {r.id for r in referrals}
        bundle["audit"] = [asdict(a) for a in repo.audit_entries_for(session, row_ids)]
    return bundle


def export_child(db: Database, child_id: str, actor: str, *, include_audit: bool = True) -> dict[str, Any]:
    with db.session() as session:
        bundle = _child_bundle(session, child_id, include_audit)
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("export", "children", child_id, reason="subject access export")
    return _envelope({"children": [bundle]})


def export_all(db: Database, actor: str) -> dict[str, Any]:
    """The whole database, child by child (used for checks across devices and for handover)."""
    with db.session() as session:
        bundles = [_child_bundle(session, cid, include_audit=False) for cid in sorted(repo.child_ids(session))]
        orgs = [asdict(o) for o in repo.organisations(session).values()]
        people = [asdict(w) for w in repo.workers(session).values()]
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("export", "database", db.get_setting("database_id") or "", reason="whole database export")
    return _envelope({"children": bundles, "organisations": orgs, "workers": people})


def _envelope(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "exported_at": datetime.now(UTC).isoformat(),
        "app_version": __version__,
        "marking": "OFFICIAL-SENSITIVE",
        **content,
    }


def write_json(document: dict[str, Any], out: Path) -> None:
    text = json.dumps(to_json_value(document), indent=2, ensure_ascii=False)
    out.write_text(text + "\n", encoding="utf-8")


def write_chronology_pdf(db: Database, child_id: str, actor: str, out: Path, now: datetime) -> None:
    """The child's chronology as a printable PDF; printing is a disclosure, so it is audited too."""
    from casedesk.reports.chronology import render_chronology_pdf

    with db.session() as session:
        child = repo.get_child(session, child_id)
        events = repo.events_for_child(session, child_id)
        statuses = repo.statuses_for_child(session, child_id)
        involvements = repo.involvements_for_child(session, child_id)
        orgs = repo.organisations(session)
        people = repo.workers(session)
    render_chronology_pdf(out, child, events, statuses, involvements, orgs.values(), people.values(), actor, now)
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("print", "children", child_id, reason="chronology PDF")
