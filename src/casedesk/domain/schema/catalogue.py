"""The catalogue: every synced record type, one line per field.

Order of fields follows the device tables; `ENTITY_ORDER` is the order a child's rows are sent in (parents first,
so foreign keys hold on the device).
"""

from __future__ import annotations

from casedesk.domain.attendance.week import MARK_LENGTH, SESSIONS
from casedesk.domain.referrals.workflow import URGENCIES, ReferralStatus
from casedesk.domain.schema.alerts import ALERT_ENTITIES, ALERT_RECORDS
from casedesk.domain.schema.casework import CASEWORK_ENTITIES, CASEWORK_RECORDS
from casedesk.domain.schema.education import EDUCATION_ORDER, EDUCATION_RECORDS
from casedesk.domain.schema.meetings import MEETING_CHILD_ORDER, MEETING_RECORDS, MEETING_SHARED
from casedesk.domain.schema.review import REVIEW_RECORDS
from casedesk.domain.schema.sharing import SHARING_RECORDS
from casedesk.domain.schema.types import (
    CHRONOLOGY_CATEGORIES,
    Category,
    RecordSpec,
    boolean,
    day,
    integer,
    long_text,
    moment,
    ref,
    structured,
    text,
)
from casedesk.domain.triage.result import COMPLETE, DRAFT
from casedesk.domain.vocab import (
    UPN_UNKNOWN_REASONS,
    EventKind,
    InvolvementRole,
    OrgKind,
    Sex,
    Significance,
    StatusKind,
)

C = Category
NEED_STATES = ("active", "merged", "retired")  # a need of the area's taxonomy (`domain.directory.needs`)
GUIDANCE_OUTCOMES = ("no_result", "helpful", "unhelpful")  # what a kept Ask CaseDesk question records

# A status period files under the category of what it records.
STATUS_CATEGORIES: dict[str, Category] = {
    StatusKind.LOOKED_AFTER: C.SOCIAL_CARE,
    StatusKind.CHILD_IN_NEED: C.SOCIAL_CARE,
    StatusKind.CHILD_PROTECTION_PLAN: C.SAFEGUARDING,
    StatusKind.EHC_PLAN: C.SEND,
    StatusKind.SEN_SUPPORT: C.SEND,
    StatusKind.ELECTIVE_HOME_EDUCATION: C.EDUCATION,
    StatusKind.FREE_SCHOOL_MEALS: C.EDUCATION,
    StatusKind.YOUNG_CARER: C.FAMILY,
    StatusKind.YOUTH_JUSTICE: C.YOUTH_JUSTICE,
}
# A chronology entry files under the data category it was recorded with.
EVENT_CATEGORIES: dict[str, Category] = {c.value: c for c in CHRONOLOGY_CATEGORIES}

RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "organisations",
        C.ORGANISATION,
        (
            text("name", 200, required=True),
            text("kind", 40, choices=OrgKind, required=True),
            text("urn", 6),
            text("ods_code", 10),
            text("la_code", 3),
            text("phase", 40),  # GIAS PhaseOfEducation (name)
            text("establishment_type", 100),  # GIAS TypeOfEstablishment (name)
            text("postcode", 8),
            text("establishment_status", 40),  # GIAS EstablishmentStatus (name): Open, Closed…
        ),
    ),
    RecordSpec(
        "workers",
        C.ORGANISATION,
        (
            ref("organisation_id", "organisations", required=True),
            text("name", 200, required=True),
            text("role", 100),
            text("email", 200),
            text("phone", 40),
        ),
    ),
    RecordSpec(
        "children",
        C.IDENTITY,
        (
            text("given_name", 100, required=True),
            text("family_name", 100, required=True),
            text("preferred_name", 100),
            day("date_of_birth", required=True),
            text("sex", 1, choices=Sex, default=Sex.UNKNOWN.value),
            text("gender", 60),
            text("upn", 13),
            text("upn_unknown_reason", 3, choices=UPN_UNKNOWN_REASONS),
            text("uln", 10),
            text("nhs_number", 10),
            text("address_line1", 200, C.CONTACT, critical=True),
            text("address_line2", 200, C.CONTACT, critical=True),
            text("town", 100, C.CONTACT, critical=True),
            text("postcode", 8, C.CONTACT, critical=True),
            text("la_code", 3, C.CONTACT),
            ref("current_school_id", "organisations", C.EDUCATION),
        ),
        child_key="id",
    ),
    RecordSpec(
        "status_periods",
        C.SOCIAL_CARE,
        (
            ref("child_id", "children", required=True),
            text("kind", 40, choices=StatusKind, required=True, critical=True),
            text("detail", 100, critical=True),  # SEN primary need, category of abuse (CP)
            day("start_date", required=True, critical=True),
            day("end_date", critical=True),
            text("secondary_detail", 100),  # SEN secondary need
            ref("worker_id", "workers"),  # the allocated social worker (CIN, CP, looked after) or caseworker
        ),
        child_key="child_id",
        row_category=("kind", STATUS_CATEGORIES),
    ),
    RecordSpec(
        "involvements",
        C.INVOLVEMENT,
        (
            ref("child_id", "children", required=True),
            ref("organisation_id", "organisations", required=True),
            ref("worker_id", "workers", critical=True),
            text("role", 60, choices=InvolvementRole, required=True),
            day("start_date", required=True),
            day("end_date"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        # A child's school week of attendance marks, one field per session ("CODE|SCHOOL|SOURCE"), so sync merges
        # session by session; the id follows from child and week (`casedesk.domain.attendance.week`). A mark is
        # critical: two schools marking one session (dual registration) wait for a person, never a clock.
        "attendance_weeks",
        C.ATTENDANCE,
        (
            ref("child_id", "children", required=True),
            day("week_start", required=True),
            *(text(name, MARK_LENGTH, critical=True) for name in SESSIONS),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "events",
        C.GENERAL,
        (
            ref("child_id", "children", required=True),
            text("kind", 40, choices=EventKind, required=True),
            moment("occurred_at", required=True),
            moment("recorded_at", required=True),
            text("author", 200, required=True),
            ref("organisation_id", "organisations"),
            text("category", 40, choices=CHRONOLOGY_CATEGORIES, default=C.GENERAL.value),
            text("significance", 20, choices=Significance, default=Significance.ROUTINE.value),
            text("summary", 300, required=True),
            long_text("body"),
            ref("amends_id", "events"),
            ref("related_id", None),  # the triage result or referral this entry records
            boolean("restricted"),  # third-party information: stays within the recording organisation
        ),
        child_key="child_id",
        append_only=True,
        row_category=("category", EVENT_CATEGORIES),
    ),
    RecordSpec(
        "triage_results",
        C.TRIAGE,
        (
            ref("child_id", "children", required=True),
            text("questionnaire_id", 80, required=True),
            text("questionnaire_version", 20, required=True),
            text("state", 12, choices=(DRAFT, COMPLETE), default=DRAFT),
            structured("answers", required=True),
            structured("outcome", critical=True),
            integer("level", 1, 4, critical=True),  # the level of need
            text("author", 200, required=True),
            moment("started_at", required=True),
            moment("completed_at"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "services",
        C.DIRECTORY,
        (
            text("external_id", 200, required=True),
            text("name", 300, required=True),
            text("organisation_name", 300),
            structured("document", required=True),  # the whole ORUK 3.0 record
            day("last_reviewed"),
            text("source", 300),
        ),
    ),
    RecordSpec(
        "need_terms",
        C.DIRECTORY,
        (
            text("code", 64, required=True),  # what services and answers refer to; never changes
            text("label", 200, required=True),
            text("domain", 40, required=True),
            structured("indicated_by", shape="array"),  # the needs-check answers that reveal it
            structured("tags", shape="array"),  # service tags that mean it
            text("state", 12, choices=NEED_STATES, default="active"),
            text("merged_into", 64),
        ),
    ),
    RecordSpec(
        "directory_searches",
        C.USAGE,
        (
            structured("criteria", required=True),  # the filters used, never who for or any free text
            day("searched_on", required=True),
        ),
        append_only=True,
        server_only=True,
    ),
    RecordSpec(
        "guidance_entries",
        C.DIRECTORY,
        (
            text("external_id", 80, required=True),  # the entry's id in its guidance file
            text("question", 300, required=True),
            structured("document", required=True),  # the whole entry, as the file spells it
            text("owner", 200),
            day("last_reviewed"),
            text("source", 300),
        ),
    ),
    RecordSpec(
        "guidance_questions",
        C.USAGE,
        (
            text("question", 300, required=True),  # scrubbed of personal data before it is kept
            text("outcome", 12, choices=GUIDANCE_OUTCOMES, required=True),
            text("entry_id", 80),  # the answer it was about ("did this help?")
            day("asked_on", required=True),
        ),
        append_only=True,
        server_only=True,
    ),
    RecordSpec(
        "referrals",
        C.REFERRAL,
        (
            ref("child_id", "children", required=True),
            ref("service_id", "services"),
            text("service_name", 300, required=True),
            ref("triage_result_id", "triage_results"),
            long_text("reason", required=True),
            text("urgency", 20, choices=URGENCIES, default="routine"),
            structured("shared_sections", shape="array", required=True),
            structured("sharing", required=True, critical=True),
            structured("referrer", required=True),
            text("status", 20, choices=ReferralStatus, default=ReferralStatus.DRAFT.value, critical=True),
            moment("status_changed_at", required=True),
            moment("sent_at"),
            moment("acknowledged_at"),
            integer("ack_within_days", 1, 60, default=5),  # working days
            long_text("decline_reason"),
            boolean("inappropriate", default=False),
            long_text("fit_override"),  # why the referrer went ahead though the service does not fit the child
            long_text("outcome"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "mail_requests",
        C.REFERRAL,
        (
            ref("child_id", "children", required=True),
            ref("referral_id", "referrals"),
            text("recipient", 300, required=True),
            text("subject", 300, required=True),
            structured("message", required=True),  # body, attachment name and base64 content
            text("requested_by", 200, required=True),
            moment("requested_at", required=True),
        ),
        child_key="child_id",
        append_only=True,
    ),
    *CASEWORK_RECORDS,
    *EDUCATION_RECORDS,
    *MEETING_RECORDS,
    *ALERT_RECORDS,
    *SHARING_RECORDS,
    *REVIEW_RECORDS,
)

ENTITY_ORDER: tuple[str, ...] = (
    "organisations",
    "workers",
    "services",
    "need_terms",
    "directory_searches",
    "guidance_entries",
    "guidance_questions",
    *MEETING_SHARED,
    "children",
    "child_merges",  # straight after the child: a device re-points the merged child's rows as they arrive
    "status_periods",
    "involvements",
    "attendance_weeks",
    "triage_results",
    "referrals",
    "mail_requests",
    *CASEWORK_ENTITIES,
    *EDUCATION_ORDER,
    *MEETING_CHILD_ORDER,
    *ALERT_ENTITIES,
    "events",
    "consents",
    "sharing_agreements",
    "discrepancy_flags",
)
