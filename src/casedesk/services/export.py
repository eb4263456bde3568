"""Subject access export: everything held about one child (or the whole database) as plain JSON.

Every export is itself recorded in the audit log, because handing out a child's record is a disclosure
that must be accounted for (the seventh golden rule of information sharing) — but only once the file is complete:
`write_export` streams the document child by child into a hidden file beside the target (readable by its owner
only, and recorded in the database's staging folder so a kill leaves nothing behind for long), renames it into
place, and only then writes the audit entry. Children are read a page of ids at a time (`PAGE`, by id, inside
one read transaction so the document is one consistent snapshot) and each child's rows are dropped before the
next, so no query fetches the whole caseload and memory stays flat whatever its size (benchmarks/export_all.py).
A failed write leaves neither a partial file nor a disclosure in the audit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from casedesk import __version__, config
from casedesk.domain import schema, sharing
from casedesk.domain.casework.records import EhcPlan, Pep, YouthJusticeOutcome
from casedesk.errors import NotFound
from casedesk.reports.attendance import AttendancePrint
from casedesk.services import onward, policy
from casedesk.services.attendance.service import AttendanceService
from casedesk.services.casework.rows import casework_rows
from casedesk.services.meetings.export_rows import child_records as meeting_records
from casedesk.site_profile import ExportKind
from casedesk.store import attendance_repo, casework_repo, education_repo, referral_repo, staging, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal.wire_values import to_json_value

EXPORT_FORMAT = "casedesk-export"
PAGE = 500  # children's ids read at a time by the streamed export


# The subject of a record (or whoever acts for them) is entitled to all of it: a subject access export withholds
# nothing, but it still passes through the one place that decides disclosure.
SUBJECT_ACCESS = sharing.EVERYTHING


# Fields of education records naming an organisation, whose names the export includes.
_SCHOOL_FIELDS = (
    "school_id",
    "home_school_id",
    "host_school_id",
    "provider_id",
    "organisation_id",
    "previous_school_id",
)


Shown = Callable[[Iterable[Any]], list[Any]]  # records as their receiver may have them (`redact_all` of a rule)


def _subject_access(records: Iterable[Any]) -> list[Any]:
    return sharing.redact_all(records, SUBJECT_ACCESS)


def _child_bundle(session: Any, child_id: str, include_audit: bool, shown: Shown = _subject_access) -> dict[str, Any]:
    allowed = SUBJECT_ACCESS  # the directory's rows (organisations, workers), which are about no child
    child = next(iter(shown([repo.get_child(session, child_id)])), None)
    if child is None:
        raise NotFound("This child's record is not shared.")
    statuses = shown(repo.statuses_for_child(session, child_id))
    involvements = shown(repo.involvements_for_child(session, child_id))
    events = shown(repo.events_for_child(session, child_id))
    checks = shown(triage_repo.results_for_child(session, child_id))
    referrals = shown(referral_repo.list_referrals(session, child_id))
    emails = shown(sharing.Shared("mail_requests", m) for m in referral_repo.mail_requests_for_child(session, child_id))
    casework: dict[str, list[Any]] = {
        entity: shown(casework_repo.for_child(session, kind, child_id))
        for entity, kind in (("ehc_plans", EhcPlan), ("peps", Pep), ("youth_justice_outcomes", YouthJusticeOutcome))
    }
    held_weeks = attendance_repo.weeks_of(session, [child_id]).get(child_id, {})
    weeks = shown(sharing.Shared("attendance_weeks", row) for _, row in sorted(held_weeks.items()))
    education: dict[str, list[Any]] = {
        entity: shown(education_repo.for_child(session, record_type, child_id))
        for record_type, entity in education_repo.ENTITY_OF.items()
    }
    org_ids = {i.organisation_id for i in involvements} | {e.organisation_id for e in events if e.organisation_id}
    education_rows = [asdict(row) for rows in education.values() for row in rows]
    org_ids |= {row[name] for row in education_rows for name in _SCHOOL_FIELDS if row.get(name)}
    if child.current_school_id:
        org_ids.add(child.current_school_id)
    worker_ids = {i.worker_id for i in involvements if i.worker_id} | {s.worker_id for s in statuses if s.worker_id}
    for rows in casework.values():
        for row in rows:
            values = asdict(row)
            org_ids |= {values[k] for k in ("organisation_id", "school_id") if values.get(k)}
            worker_ids |= {values[k] for k in ("caseworker_id", "officer_id", "case_manager_id") if values.get(k)}
    worker_ids |= {row["officer_id"] for row in education_rows if row.get("officer_id")}
    bundle: dict[str, Any] = {
        "child": asdict(child),
        "status_periods": [asdict(s) for s in statuses],
        "involvements": [asdict(i) for i in involvements],
        "events": [asdict(e) for e in events],
        "needs_checks": [asdict(c) for c in checks],
        "referrals": [asdict(r) for r in referrals],
        "referral_emails": [dict(m.values) for m in emails],
        **{entity: [asdict(r) for r in rows] for entity, rows in casework.items()},
        "attendance_weeks": [dict(w.values) for w in weeks],  # a field per session: "CODE|SCHOOL|SOURCE"
        **{entity: [asdict(row) for row in rows] for entity, rows in education.items()},
        **meeting_records(session, child_id, shown),  # meetings and plans (services/meetings)
        "organisations": [
            asdict(o) for o in sharing.redact_all(repo.organisations(session, org_ids).values(), allowed)
        ],
        "workers": [asdict(w) for w in sharing.redact_all(repo.workers(session, worker_ids).values(), allowed)],
    }
    if include_audit:
        row_ids = {child_id} | {s.id for s in statuses} | {i.id for i in involvements} | {e.id for e in events}
        row_ids |= {c.id for c in checks} | {r.id for r in referrals}
        row_ids |= {r.id for rows in casework.values() for r in rows}
        row_ids |= {w.values["id"] for w in weeks}
        row_ids |= {row.id for rows in education.values() for row in rows}
        bundle["audit"] = [asdict(a) for a in repo.audit_entries_for(session, row_ids)]
    return bundle


def export_child(
    db: Database, child_id: str, actor: str, *, include_audit: bool = True, for_org: str | None = None
) -> dict[str, Any]:
    """One child's record: everything held (subject access), or with `for_org` what may go to that organisation
    — each row under the agreements between its owner and that organisation (`services.onward`), no audit."""
    policy.require_export(db, ExportKind.CHILD_RECORD)
    with db.session() as session:
        if for_org:
            rules = onward.onward_for(db, session, [onward.known_org(session, for_org)], child_id)
            bundle = _child_bundle(session, child_id, False, rules.redact_all)
        else:
            bundle = _child_bundle(session, child_id, include_audit)
    reason = f"record export for organisation {for_org}" if for_org else "subject access export"
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("export", "children", child_id, reason=reason, **({"for_org": for_org} if for_org else {}))
    return _envelope({"children": [bundle], **({"for_organisation": for_org} if for_org else {})})


def export_all(db: Database, actor: str) -> dict[str, Any]:
    """The whole database, child by child (used for checks across devices and for handover)."""
    policy.require_export(db, ExportKind.WHOLE_DATABASE)
    with db.session() as session:
        bundles = [_child_bundle(session, cid, include_audit=False) for cid in sorted(repo.child_ids(session))]
        orgs = [asdict(o) for o in sharing.redact_all(repo.organisations(session).values(), SUBJECT_ACCESS)]
        people = [asdict(w) for w in sharing.redact_all(repo.workers(session).values(), SUBJECT_ACCESS)]
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("export", "database", db.get(config.DATABASE_ID), reason="whole database export")
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


def _dump(value: Any, indent: int) -> str:
    """One value as indented JSON, shifted right to sit `indent` spaces deep inside the streamed document."""
    text = json.dumps(to_json_value(value), indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * indent)


def _paged_ids(session: Any, page: int) -> Iterator[str]:
    """Every live child's id in id order (as `sorted` would give), one bounded query per `page` ids."""
    after = None
    while True:
        ids = repo.child_ids_page(session, after, page)
        yield from ids
        if len(ids) < page:
            return
        after = ids[-1]


def _bundles(
    db: Database, child_ids: list[str] | None, include_audit: bool, page: int = PAGE
) -> Iterator[dict[str, Any]]:
    with db.session() as session:
        for cid in child_ids if child_ids is not None else _paged_ids(session, page):
            yield _child_bundle(session, cid, include_audit)
            session.expunge_all()  # nothing read for one child is kept for the next


def _stream(db: Database, handle: IO[str], child_id: str | None, page: int = PAGE) -> int:
    envelope = _envelope({})
    handle.write("{\n" + "".join(f"  {json.dumps(k)}: {_dump(v, 2)},\n" for k, v in envelope.items()))
    handle.write('  "children": [')
    count = 0
    for bundle in _bundles(db, None if child_id is None else [child_id], child_id is not None, page):
        handle.write(("," if count else "") + "\n    " + _dump(bundle, 4))
        count += 1
    handle.write("\n  ]")
    if child_id is None:
        with db.session() as session:
            handle.write(',\n  "organisations": ' + _dump([asdict(o) for o in repo.organisations(session).values()], 2))
            handle.write(',\n  "workers": ' + _dump([asdict(w) for w in repo.workers(session).values()], 2))
    handle.write("\n}\n")
    return count


def write_export(db: Database, out: Path, actor: str, child_id: str | None = None, *, page: int = PAGE) -> int:
    """Stream one child's record (`child_id`) or the whole database to `out`; returns how many children it holds.

    The audit entry is written after the file is complete and in place, never for a failed write."""
    out = Path(out)
    policy.require_export(db, ExportKind.WHOLE_DATABASE if child_id is None else ExportKind.CHILD_RECORD)
    db.refuse_if_damaged()
    if child_id is not None:
        with db.session() as session:
            repo.get_child(session, child_id)  # NotFound before any file is made
    with staging.staging_area(db.path) as area:
        partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
        area.record_outside(partial)
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                count = _stream(db, handle, child_id, page)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    with db.unit_of_work(actor, journal=False) as uow:
        if child_id is None:
            uow.note("export", "database", db.database_id, reason="whole database export")
        else:
            uow.note("export", "children", child_id, reason="subject access export")
    return count


def write_chronology_pdf(
    db: Database, child_id: str, actor: str, out: Path, now: datetime, for_org: str | None = None
) -> None:
    """The child's chronology as a printable PDF; printing is a disclosure, so it is audited too. With `for_org`
    it is printed for that organisation: each row only as the agreements between its owner and that organisation
    let it go (`services.onward`), attendance only when every week held may."""
    from casedesk.reports.chronology import render_chronology_pdf

    policy.require_printing(db)
    with db.session() as session:
        allowed = SUBJECT_ACCESS  # the practitioner's own printout of what the device holds
        shown: Shown = _subject_access
        attendance = True
        if for_org:
            rules = onward.onward_for(db, session, [onward.known_org(session, for_org)], child_id)
            shown = rules.redact_all
            weeks = attendance_repo.weeks_of(session, [child_id]).get(child_id, {}).values()
            attendance = len(shown(sharing.Shared("attendance_weeks", w) for w in weeks)) == len(weeks)
        child = next(iter(shown([repo.get_child(session, child_id)])), None)
        events = shown(repo.events_for_child(session, child_id))
        statuses = shown(repo.statuses_for_child(session, child_id))
        involvements = shown(repo.involvements_for_child(session, child_id))
        orgs = sharing.redact_all(repo.organisations(session).values(), allowed)
        people = sharing.redact_all(repo.workers(session).values(), allowed)
        plans = shown(casework_repo.for_child(session, EhcPlan, child_id))
        peps = shown(casework_repo.for_child(session, Pep, child_id))
        orders = shown(casework_repo.for_child(session, YouthJusticeOutcome, child_id))
    if child is None:
        raise NotFound("No such child.")
    rows = casework_rows(plans, peps, orders, {w.id: w for w in people}, child.date_of_birth, now.date())
    printed = None
    if attendance and allowed.permits("attendance_weeks", schema.Category.ATTENDANCE):
        view = AttendanceService(db, actor).child(child_id, today=now.date())
        printed = AttendancePrint(view.summaries, view.national, view.withdrawn)
    render_chronology_pdf(out, child, events, statuses, involvements, orgs, people, actor, now, rows, printed)
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note(
            "print", "children", child_id, reason="chronology PDF" + (f" for organisation {for_org}" if for_org else "")
        )
