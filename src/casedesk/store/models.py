"""The device database's tables (schema v1), as SQLAlchemy 2 typed models.

Synced tables carry `versions` (the server version of each field the device last saw: the *base* of the next
edit) and `deleted` (deletes travel as tombstones). Chronology events and the audit log are append-only:
triggers in the migration refuse UPDATE on them, so an edit can only be an amendment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, MetaData, String, Text, TypeDecorator, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casedesk.store.field_versions import FieldVersions

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as ISO-8601 UTC text, so they sort as text and come back timezone-aware."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SyncedMixin:
    """Columns every synced record has."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    versions: Mapped[dict[str, int]] = mapped_column(FieldVersions, default=dict, server_default="{}")


class OrganisationRow(SyncedMixin, Base):
    __tablename__ = "organisations"
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    urn: Mapped[str | None] = mapped_column(String(6))
    ods_code: Mapped[str | None] = mapped_column(String(10))
    la_code: Mapped[str | None] = mapped_column(String(3))
    # From the schools register (a GIAS extract, schema v9); empty for other organisations.
    phase: Mapped[str | None] = mapped_column(String(40))
    establishment_type: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8))
    establishment_status: Mapped[str | None] = mapped_column(String(40))


class WorkerRow(SyncedMixin, Base):
    __tablename__ = "workers"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))


class ChildRow(SyncedMixin, Base):
    __tablename__ = "children"
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="U")
    gender: Mapped[str | None] = mapped_column(String(60))
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    upn_unknown_reason: Mapped[str | None] = mapped_column(String(3))
    uln: Mapped[str | None] = mapped_column(String(10))
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8))
    la_code: Mapped[str | None] = mapped_column(String(3))
    current_school_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))


class StatusPeriodRow(SyncedMixin, Base):
    __tablename__ = "status_periods"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # Schema v5: an SEN period's secondary need; the allocated social worker of a CIN, CP or looked-after period.
    secondary_detail: Mapped[str | None] = mapped_column(String(100))
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))


class InvolvementRow(SyncedMixin, Base):
    __tablename__ = "involvements"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class EventRow(SyncedMixin, Base):
    """A chronology entry. Append-only: amendments point at the original through `amends_id`."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_child_occurred", "child_id", "occurred_at"),
        Index("ix_events_kind_occurred", "kind", "occurred_at"),  # schema v12: entries of one kind, by date
        # Every entry, mostly of nothing (a few bytes each): the smallest index, which SQLite walks to count the
        # chronology in every sync round (schema v18; see migration 0018).
        Index("ix_events_amends_id", "amends_id"),
        # Schema v17: only the entries that record something are indexed by it (a lookup by a value,
        # `related_id = ?`, uses such an index); most entries record nothing.
        Index("ix_events_related_id", "related_id", sqlite_where=text("related_id IS NOT NULL")),
    )
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(40), default="general")
    significance: Mapped[str] = mapped_column(String(20), default="routine")
    summary: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # The triage result or referral this entry records (schema v2), so a referral's timeline is its events.
    related_id: Mapped[str | None] = mapped_column(String(36))
    restricted: Mapped[bool | None] = mapped_column(Boolean)  # third-party information: stays in its organisation


class TriageResultRow(SyncedMixin, Base):
    """A Presenting Needs Check: a draft while answered, then complete and frozen (a trigger refuses changes).

    The questionnaire id and version are kept with the answers and the outcome as it was computed, so a result
    made under an older questionnaire reads back exactly as recorded and is never silently re-scored.
    """

    __tablename__ = "triage_results"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    level: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ServiceRow(SyncedMixin, Base):
    """A directory service: the whole ORUK 3.0 record (with CaseDesk's extension) plus columns to find it by.

    `external_id` is the service's id in the directory it came from, so re-importing updates instead of
    duplicating.
    """

    __tablename__ = "services"
    external_id: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(300))
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))


class NeedTermRow(SyncedMixin, Base):
    """A need of the area's taxonomy; services and needs-check answers refer to it by `code`."""

    __tablename__ = "need_terms"
    code: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(40))
    indicated_by: Mapped[list[Any] | None] = mapped_column(JSON)
    tags: Mapped[list[Any] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="active")
    merged_into: Mapped[str | None] = mapped_column(String(64))


class DirectorySearchRow(SyncedMixin, Base):
    """The criteria of one directory search (filters only, no child, no free text): append-only."""

    __tablename__ = "directory_searches"
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)
    searched_on: Mapped[date] = mapped_column(Date)


class GuidanceEntryRow(SyncedMixin, Base):
    """An Ask CaseDesk answer: the whole entry in `document`, found again by `external_id` when re-imported."""

    __tablename__ = "guidance_entries"
    external_id: Mapped[str] = mapped_column(String(80), index=True)
    question: Mapped[str] = mapped_column(String(300))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner: Mapped[str | None] = mapped_column(String(200))
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))


class GuidanceQuestionRow(SyncedMixin, Base):
    """A question Ask CaseDesk could not answer, or an answer someone rated: scrubbed text only (append-only)."""

    __tablename__ = "guidance_questions"
    question: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(12))
    entry_id: Mapped[str | None] = mapped_column(String(80))
    asked_on: Mapped[date] = mapped_column(Date)


class ReferralRow(SyncedMixin, Base):
    """A referral of a child to a service, from draft to closed; each transition is also a chronology event."""

    __tablename__ = "referrals"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"), index=True)
    service_name: Mapped[str] = mapped_column(String(300))
    triage_result_id: Mapped[str | None] = mapped_column(ForeignKey("triage_results.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(20), default="routine")
    shared_sections: Mapped[list[str]] = mapped_column(JSON)
    sharing: Mapped[dict[str, Any]] = mapped_column(JSON)
    referrer: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ack_within_days: Mapped[int] = mapped_column(Integer, default=5)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    inappropriate: Mapped[bool] = mapped_column(Boolean, default=False)
    fit_override: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)


class MailRequestRow(SyncedMixin, Base):
    """An email the server's relay is asked to send (a referral pack), made offline if need be.

    Append-only and synced: it reaches the server with the next sync, and the server sends it once.
    """

    __tablename__ = "mail_requests"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[str | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[dict[str, Any]] = mapped_column(JSON)  # body, attachment name and base64 content
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EhcPlanRow(SyncedMixin, Base):
    """An EHC needs assessment request and the plan it led to (schema v5): the statutory clock's dates."""

    __tablename__ = "ehc_plans"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    caseworker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    assessment_decided_on: Mapped[date | None] = mapped_column(Date)
    assessment_decision: Mapped[str | None] = mapped_column(String(10))
    issued_on: Mapped[date | None] = mapped_column(Date)
    last_review_on: Mapped[date | None] = mapped_column(Date)
    ceased_on: Mapped[date | None] = mapped_column(Date)
    primary_need: Mapped[str | None] = mapped_column(String(4))
    secondary_need: Mapped[str | None] = mapped_column(String(4))


class PepRow(SyncedMixin, Base):
    """A looked-after child's personal education plan meeting (schema v5)."""

    __tablename__ = "peps"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    next_due_on: Mapped[date | None] = mapped_column(Date)
    school_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    designated_teacher: Mapped[str | None] = mapped_column(String(200))
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    targets: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[str | None] = mapped_column(Text)


class YouthJusticeOutcomeRow(SyncedMixin, Base):
    """An out-of-court disposal or court order (schema v5)."""

    __tablename__ = "youth_justice_outcomes"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    outcome_on: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    case_manager_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    offence: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)


class AttendanceWeekRow(SyncedMixin, Base):
    """A child's school week of attendance marks: one column per session, `CODE|SCHOOL|SOURCE` or NULL (schema v6).

    The id is derived from child and week, so every device marking the week writes this one row and sync merges
    it session by session (`casedesk.domain.attendance.week`).
    """

    __tablename__ = "attendance_weeks"
    __table_args__ = (Index("ix_attendance_weeks_child_week", "child_id", "week_start"),)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    mon_am: Mapped[str | None] = mapped_column(String(60))
    mon_pm: Mapped[str | None] = mapped_column(String(60))
    tue_am: Mapped[str | None] = mapped_column(String(60))
    tue_pm: Mapped[str | None] = mapped_column(String(60))
    wed_am: Mapped[str | None] = mapped_column(String(60))
    wed_pm: Mapped[str | None] = mapped_column(String(60))
    thu_am: Mapped[str | None] = mapped_column(String(60))
    thu_pm: Mapped[str | None] = mapped_column(String(60))
    fri_am: Mapped[str | None] = mapped_column(String(60))
    fri_pm: Mapped[str | None] = mapped_column(String(60))


class AttendanceTotalRow(Base):
    """Derived, never synced: each child's counts for the academic year of their latest mark, kept current by every
    write and pull of `attendance_weeks`, so the caseload shows attendance without reading a year of weeks."""

    __tablename__ = "attendance_totals"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), primary_key=True)
    academic_year: Mapped[int] = mapped_column(Integer)
    possible: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)
    latest: Mapped[date | None] = mapped_column(Date)


class AttendanceCodesRow(Base):
    """Derived, never synced (schema v14): each week's ten session codes alone (`O,N,,/,…`, the school and source
    left out), kept by triggers on `attendance_weeks` whoever writes. Alert evaluation reads every child's recent
    weeks from here: a fifth of the bytes of the week rows, in child and week order (no row id), so evaluating
    50,000 children from scratch does not decrypt most of the week table."""

    __tablename__ = "attendance_codes"
    __table_args__ = ({"sqlite_with_rowid": False},)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    week_id: Mapped[str] = mapped_column(String(36))
    codes: Mapped[str] = mapped_column(Text)


# -- a child's education (schema v9) -----------------------------------------------------------------------------
def _child() -> Mapped[str]:
    return mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)


def _school(required: bool = True) -> Any:
    return mapped_column(ForeignKey("organisations.id", ondelete="CASCADE" if required else "SET NULL"))


class EnrolmentRow(SyncedMixin, Base):
    """A period on a school's roll and why it ended."""

    __tablename__ = "enrolments"
    child_id: Mapped[str] = _child()
    school_id: Mapped[str] = _school()
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    leaving_reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class ExclusionRow(SyncedMixin, Base):
    """A suspension or a permanent exclusion with its DfE reasons and the reviews that followed."""

    __tablename__ = "exclusions"
    child_id: Mapped[str] = _child()
    school_id: Mapped[str] = _school()
    kind: Mapped[str] = mapped_column(String(20))
    first_day: Mapped[date] = mapped_column(Date)
    sessions: Mapped[int | None] = mapped_column(Integer)
    reason_1: Mapped[str] = mapped_column(String(2))
    reason_2: Mapped[str | None] = mapped_column(String(2))
    reason_3: Mapped[str | None] = mapped_column(String(2))
    reintegration_meeting: Mapped[date | None] = mapped_column(Date)
    governors_review: Mapped[date | None] = mapped_column(Date)
    governors_decision: Mapped[str | None] = mapped_column(String(20))
    independent_review: Mapped[date | None] = mapped_column(Date)
    independent_review_outcome: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)


class ManagedMoveRow(SyncedMixin, Base):
    __tablename__ = "managed_moves"
    child_id: Mapped[str] = _child()
    home_school_id: Mapped[str] = _school()
    host_school_id: Mapped[str] = _school()
    start_date: Mapped[date] = mapped_column(Date)
    trial_end_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class ProvisionRow(SyncedMixin, Base):
    """Alternative provision or a part-time timetable."""

    __tablename__ = "provisions"
    child_id: Mapped[str] = _child()
    kind: Mapped[str] = mapped_column(String(30))
    provider: Mapped[str] = mapped_column(String(200))
    provider_id: Mapped[str | None] = _school(required=False)
    sessions_per_week: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    planned_end_date: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class EheCaseRow(SyncedMixin, Base):
    __tablename__ = "ehe_cases"
    child_id: Mapped[str] = _child()
    organisation_id: Mapped[str | None] = _school(required=False)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    previous_school_id: Mapped[str | None] = _school(required=False)
    notified_on: Mapped[date] = mapped_column(Date)
    first_contact_due: Mapped[date] = mapped_column(Date)
    first_contact_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class EheVisitRow(SyncedMixin, Base):
    __tablename__ = "ehe_visits"
    case_id: Mapped[str] = mapped_column(ForeignKey("ehe_cases.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    visited_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class CmeEnquiryRow(SyncedMixin, Base):
    __tablename__ = "cme_enquiries"
    child_id: Mapped[str] = _child()
    opened_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(30))
    closed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class CmeStepRow(SyncedMixin, Base):
    __tablename__ = "cme_steps"
    enquiry_id: Mapped[str] = mapped_column(ForeignKey("cme_enquiries.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    done_on: Mapped[date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)


# -- multi-agency meetings and plans (schema v10) -----------------------------------------------------------------
def _worker() -> Any:
    return mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))


class MeetingRow(SyncedMixin, Base):
    """A meeting's header, shared by every device: it names no child (each child's part is a `MeetingItemRow`)."""

    __tablename__ = "meetings"
    kind: Mapped[str] = mapped_column(String(40))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    chair: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = _school(required=False)
    chair_worker_id: Mapped[str | None] = _worker()
    attendees: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    recorded_by: Mapped[str | None] = mapped_column(String(200))


class MeetingItemRow(SyncedMixin, Base):
    """One child's part of a meeting: the question brought, discussion, decision and reasons."""

    __tablename__ = "meeting_items"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    question: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40), default="general")
    referred_on: Mapped[date | None] = mapped_column(Date)
    family_attended: Mapped[str | None] = mapped_column(String(300))
    family_views: Mapped[str | None] = mapped_column(Text)
    discussion: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(40))
    decision_text: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)


class PlanRow(SyncedMixin, Base):
    """An early-help or Team Around the Child plan with its lead professional."""

    __tablename__ = "plans"
    child_id: Mapped[str] = _child()
    kind: Mapped[str] = mapped_column(String(40))
    lead_name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    lead_worker_id: Mapped[str | None] = _worker()
    lead_organisation_id: Mapped[str | None] = _school(required=False)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    next_review_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(String(40))
    family_summary: Mapped[str | None] = mapped_column(Text)


class PlanOutcomeRow(SyncedMixin, Base):
    __tablename__ = "plan_outcomes"
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    outcome: Mapped[str] = mapped_column(String(500))
    measure: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="working_on")


class PlanActionRow(SyncedMixin, Base):
    """Who will do what by when; overdue is worked out from the due date (`domain.meetings.rules`)."""

    __tablename__ = "plan_actions"
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    what: Mapped[str] = mapped_column(String(500))
    owner_name: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    outcome_id: Mapped[str | None] = mapped_column(ForeignKey("plan_outcomes.id", ondelete="SET NULL"))
    owner_worker_id: Mapped[str | None] = _worker()
    owner_organisation_id: Mapped[str | None] = _school(required=False)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    done_on: Mapped[date | None] = mapped_column(Date)
    done_note: Mapped[str | None] = mapped_column(Text)


class PlanNoteRow(SyncedMixin, Base):
    """A progress note or review of a plan. Append-only (a trigger refuses UPDATE), like the chronology."""

    __tablename__ = "plan_notes"
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    kind: Mapped[str] = mapped_column(String(20))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)


class AlertRuleSetRow(SyncedMixin, Base):
    """The area's alert rule set (schema v11): the whole validated file in `document`; one row, its id fixed."""

    __tablename__ = "alert_rule_sets"
    external_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(300))


class AlertRow(SyncedMixin, Base):
    """An alert a rule raised about a child for one period (schema v11); its id follows from rule, child, period."""

    __tablename__ = "alerts"
    child_id: Mapped[str] = _child()
    rule_id: Mapped[str] = mapped_column(String(80))
    rule_title: Mapped[str] = mapped_column(String(200))
    urgency: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(80))
    met_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    tell: Mapped[list[Any]] = mapped_column(JSON)
    rule_set: Mapped[str | None] = mapped_column(String(250))


class AlertActionRow(SyncedMixin, Base):
    """Someone told acknowledged, acted on or dismissed an alert (schema v11). Append-only."""

    __tablename__ = "alert_actions"
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = _child()
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())
    category: Mapped[str] = mapped_column(String(40))


class AlertDirtyRow(Base):
    """Children whose records changed since alerts were last evaluated for them (schema v11). Kept by triggers on
    the tables the rules read (the migration), whoever wrote — a use case, an import, a pulled page — so
    evaluation after a write or a sync round reads only these children. Never synced; emptied by evaluation."""

    __tablename__ = "alert_dirty"
    child_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class OutboxRow(Base):
    """The change journal: every local write, appended in the same transaction, waiting to be pushed."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_versions: Mapped[dict[str, int]] = mapped_column(JSON)
    hlc: Mapped[str] = mapped_column(String(80))
    device_id: Mapped[str] = mapped_column(String(36))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    """Who did what, when, before → after; each entry's hash covers the previous one (a tamper-evident chain)."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChildActivityRow(Base):
    """When each child was last contacted (a home visit, meeting, call or EHE visit in the chronology), for the
    caseload's column. Kept by a trigger on `events` (migration 0009), never written by code and never synced:
    every device derives it from the chronology it holds."""

    __tablename__ = "child_activity"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), primary_key=True)
    last_contact: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SharingAgreementRow(SyncedMixin, Base):
    """An information-sharing agreement, as the server's administrators recorded it (read-only on devices)."""

    __tablename__ = "sharing_agreements"
    title: Mapped[str] = mapped_column(String(300))
    party_a: Mapped[str] = mapped_column(String(80))
    party_b: Mapped[str] = mapped_column(String(80))
    a_to_b: Mapped[list[str]] = mapped_column(JSON)
    b_to_a: Mapped[list[str]] = mapped_column(JSON)
    article_6: Mapped[str] = mapped_column(String(40))
    article_9: Mapped[str | None] = mapped_column(String(40))
    article_10: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[list[str]] = mapped_column(JSON)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(Text)


class ConsentRow(SyncedMixin, Base):
    """A child's consent record: sharing of one category beyond its organisation withdrawn (with all or one)."""

    __tablename__ = "consents"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    decided_on: Mapped[date] = mapped_column(Date)
    given_by: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class ChildMergeRow(SyncedMixin, Base):
    """Two records of one child merged: the merged one's rows now sit under the kept one (`store.merges`)."""

    __tablename__ = "child_merges"
    kept_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[str] = mapped_column(String(36), index=True)
    merged_by: Mapped[str] = mapped_column(String(200))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[Any] | None] = mapped_column(JSON)
    merged_identity: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DiscrepancyFlagRow(SyncedMixin, Base):
    """A value another organisation shared, flagged as wrong, and the owner's answer (`services.discrepancies`)."""

    __tablename__ = "discrepancy_flags"
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    value_seen: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    owner_org: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    raised_by_org: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    raised_by: Mapped[str] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="open")
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WithheldRow(Base):
    """A row of a child the server holds but did not send this device (its category is not shared with this
    organisation or this role): only what the notice needs — never any of its content. Never synced."""

    __tablename__ = "withheld_rows"
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    child_id: Mapped[str] = mapped_column(String(36), index=True)
    category: Mapped[str] = mapped_column(String(40))
    owner_org: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(20))  # agreement | default | role | consent
    agreements: Mapped[list[str]] = mapped_column(JSON)


class RowOwnerRow(Base):
    """Which organisation wrote a pulled row of a child, when another did (a row this device's organisation wrote
    has none): whose agreements decide what of it may go on in a pack or an export. Never synced."""

    __tablename__ = "row_owners"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it as declared)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_org: Mapped[str] = mapped_column(String(36))


class SettingRow(Base):
    """Device-local state: device id, clock, profile, sync cursor. Never synced."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


SYNCED_TABLES: dict[str, type[SyncedMixin]] = {
    "organisations": OrganisationRow,
    "workers": WorkerRow,
    "children": ChildRow,
    "status_periods": StatusPeriodRow,
    "involvements": InvolvementRow,
    "events": EventRow,
    "triage_results": TriageResultRow,
    "services": ServiceRow,
    "need_terms": NeedTermRow,
    "directory_searches": DirectorySearchRow,
    "guidance_entries": GuidanceEntryRow,
    "guidance_questions": GuidanceQuestionRow,
    "referrals": ReferralRow,
    "mail_requests": MailRequestRow,
    "ehc_plans": EhcPlanRow,
    "peps": PepRow,
    "youth_justice_outcomes": YouthJusticeOutcomeRow,
    "attendance_weeks": AttendanceWeekRow,
    "enrolments": EnrolmentRow,
    "exclusions": ExclusionRow,
    "managed_moves": ManagedMoveRow,
    "provisions": ProvisionRow,
    "ehe_cases": EheCaseRow,
    "ehe_visits": EheVisitRow,
    "cme_enquiries": CmeEnquiryRow,
    "cme_steps": CmeStepRow,
    "meetings": MeetingRow,
    "meeting_items": MeetingItemRow,
    "plans": PlanRow,
    "plan_outcomes": PlanOutcomeRow,
    "plan_actions": PlanActionRow,
    "plan_notes": PlanNoteRow,
    "alert_rule_sets": AlertRuleSetRow,
    "alerts": AlertRow,
    "alert_actions": AlertActionRow,
    "sharing_agreements": SharingAgreementRow,
    "consents": ConsentRow,
    "child_merges": ChildMergeRow,
    "discrepancy_flags": DiscrepancyFlagRow,
}
APPEND_ONLY_TABLES = frozenset(
    {
        "events",
        "mail_requests",
        "guidance_questions",
        "directory_searches",
        "plan_notes",
        "alert_actions",
        "child_merges",
    }
)
