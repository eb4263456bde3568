"""Controlled vocabularies shared by the store, the services, the UI and the server.

Values are short stable codes (what is stored and synced); `label()` gives the words a person reads.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol


class OrgKind(StrEnum):
    SCHOOL = "school"
    EARLY_HELP = "early_help"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    YOUTH_JUSTICE = "youth_justice"
    VIRTUAL_SCHOOL = "virtual_school"
    HEALTH = "health"
    POLICE = "police"
    VOLUNTARY = "voluntary"

    @property
    def label(self) -> str:
        return _ORG_LABELS[self]


_ORG_LABELS = {
    OrgKind.SCHOOL: "School",
    OrgKind.EARLY_HELP: "Early help",
    OrgKind.CHILDRENS_SOCIAL_CARE: "Children's social care",
    OrgKind.YOUTH_JUSTICE: "Youth justice",
    OrgKind.VIRTUAL_SCHOOL: "Virtual school",
    OrgKind.HEALTH: "Health",
    OrgKind.POLICE: "Police",
    OrgKind.VOLUNTARY: "Voluntary sector",
}


class StatusKind(StrEnum):
    """Statuses a child holds over periods of time (DOMAIN.md: SEND, CIN, LAC, EHE…)."""

    LOOKED_AFTER = "looked_after"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION_PLAN = "child_protection_plan"
    EHC_PLAN = "ehc_plan"
    SEN_SUPPORT = "sen_support"
    ELECTIVE_HOME_EDUCATION = "elective_home_education"
    FREE_SCHOOL_MEALS = "free_school_meals"
    YOUNG_CARER = "young_carer"
    YOUTH_JUSTICE = "youth_justice"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def badge(self) -> str:
        """The short badge shown in lists."""
        return _STATUS_BADGES[self]


_STATUS_LABELS = {
    StatusKind.LOOKED_AFTER: "Looked after",
    StatusKind.CHILD_IN_NEED: "Child in need",
    StatusKind.CHILD_PROTECTION_PLAN: "Child protection plan",
    StatusKind.EHC_PLAN: "EHC plan",
    StatusKind.SEN_SUPPORT: "SEN support",
    StatusKind.ELECTIVE_HOME_EDUCATION: "Elective home education",
    StatusKind.FREE_SCHOOL_MEALS: "Free school meals",
    StatusKind.YOUNG_CARER: "Young carer",
    StatusKind.YOUTH_JUSTICE: "Known to youth justice",
}
_STATUS_BADGES = {
    StatusKind.LOOKED_AFTER: "LAC",
    StatusKind.CHILD_IN_NEED: "CIN",
    StatusKind.CHILD_PROTECTION_PLAN: "CP",
    StatusKind.EHC_PLAN: "EHCP",
    StatusKind.SEN_SUPPORT: "SEN-K",
    StatusKind.ELECTIVE_HOME_EDUCATION: "EHE",
    StatusKind.FREE_SCHOOL_MEALS: "FSM",
    StatusKind.YOUNG_CARER: "YC",
    StatusKind.YOUTH_JUSTICE: "YJ",
}

# SEN primary need codes (DfE school census), used as the detail of SEN support and EHC plan periods.
SEN_PRIMARY_NEEDS = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "OTH": "Other difficulty or disability",
    "NSA": "SEN support but no specialist assessment of type of need",
}

# Why a pupil has no UPN (DfE common basic data set codes UN1–UN7).
UPN_UNKNOWN_REASONS = {
    "UN1": "Child is now adopted",
    "UN2": "Child has never attended a school in England",
    "UN3": "Child is educated outside of school",
    "UN4": "UPN not yet obtained",
    "UN5": "Sources collating UPNs reflect discrepancy",
    "UN6": "Child is aged under 6 years old and is not yet matched or allocated a UPN",
    "UN7": "Child is seriously ill",
}


class Sex(StrEnum):
    """Legal sex as the DfE census records it; gender identity is a separate free-text field."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class Significance(StrEnum):
    ROUTINE = "routine"
    NOTABLE = "notable"
    SIGNIFICANT = "significant"
    CRITICAL = "critical"


class EventKind(StrEnum):
    NOTE = "note"
    MEETING = "meeting"
    HOME_VISIT = "home_visit"
    PHONE_CALL = "phone_call"
    ATTENDANCE_CONCERN = "attendance_concern"
    ATTENDANCE_CORRECTION = "attendance_correction"  # marks superseded; the entry keeps the originals
    SUSPENSION = "suspension"
    PERMANENT_EXCLUSION = "permanent_exclusion"
    MANAGED_MOVE = "managed_move"
    REMOVED_FROM_ROLL = "removed_from_roll"
    SAFEGUARDING_CONCERN = "safeguarding_concern"
    REFERRAL = "referral"
    ASSESSMENT = "assessment"
    STATUS_CHANGE = "status_change"
    POLICE_CONTACT = "police_contact"
    HEALTH_APPOINTMENT = "health_appointment"
    MISSING_EPISODE = "missing_episode"
    SCHOOL_MOVE = "school_move"
    PLAN_REVIEW = "plan_review"
    ARREST = "arrest"
    INVOLVEMENT = "involvement"  # an agency or named worker starts or stops working with the child
    EHC_PLAN = "ehc_plan"
    PEP = "pep"
    YOUTH_JUSTICE_OUTCOME = "youth_justice_outcome"
    # a child's education records (schema v9), each written with the record it reports
    ENROLMENT = "enrolment"
    EXCLUSION_REVIEW = "exclusion_review"
    ALTERNATIVE_PROVISION = "alternative_provision"
    PART_TIME_TIMETABLE = "part_time_timetable"
    HOME_EDUCATION = "home_education"
    MISSING_EDUCATION = "missing_education"
    # multi-agency meetings and plans (schema v10)
    MEETING_DECISION = "meeting_decision"  # one child's part of a meeting or panel
    PLAN = "plan"  # a plan agreed, changed or closed
    PLAN_ACTION = "plan_action"  # an action of a plan done (with its note) or no longer needed
    RECORD_REVIEW = "record_review"  # two records of the child merged, a transfer received, a value disputed

    @property
    def label(self) -> str:
        return _EVENT_LABELS.get(self.value, self.value.replace("_", " ").capitalize())


_EVENT_LABELS = {"ehc_plan": "EHC plan", "pep": "PEP", "meeting_decision": "Multi-agency meeting"}


class InvolvementRole(StrEnum):
    LEAD_PROFESSIONAL = "lead_professional"
    SOCIAL_WORKER = "social_worker"
    DSL = "designated_safeguarding_lead"
    SENCO = "senco"
    KEY_WORKER = "key_worker"
    CASE_MANAGER = "case_manager"
    HEALTH_PROFESSIONAL = "health_professional"
    VIRTUAL_SCHOOL_OFFICER = "virtual_school_officer"
    EHE_OFFICER = "ehe_officer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "designated_safeguarding_lead": "Designated safeguarding lead",
            "senco": "SENCo",
            "ehe_officer": "EHE officer",
        }.get(self.value, self.value.replace("_", " ").capitalize())


class Labelled(Protocol):
    """A vocabulary member: its `label` is the words a person reads."""

    @property
    def label(self) -> str: ...


def label_of(vocabulary: Callable[[str], Labelled], code: str) -> str:
    """The words for a stored code; a code this version does not know (e.g. synced from a newer one) still reads
    as words rather than failing."""
    try:
        return vocabulary(code).label
    except ValueError:
        return code.replace("_", " ").capitalize()
