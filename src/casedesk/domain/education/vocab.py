"""Codes for education records, as stored and synced, with the words a person reads (`label_of`).

Exclusion reasons are the DfE school census categories (shared/data/reference/exclusion_reasons.json): the
pre-2020 list and the five added in 2020/21. The list reported for 2026 is unverified there, so it is not
hard-wired here; a code this version does not know still reads as words (`label_of`).
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())


class LeavingReason(_Labelled):
    """Why an enrolment ended."""

    MOVED_SCHOOL = "moved_school"
    PHASE_TRANSFER = "phase_transfer"
    MANAGED_MOVE = "managed_move"
    PERMANENT_EXCLUSION = "permanent_exclusion"
    MOVED_AREA = "moved_area"
    ELECTIVE_HOME_EDUCATION = "elective_home_education"
    MISSING_EDUCATION = "missing_education"
    OFF_ROLLED = "off_rolled"
    OTHER = "other"


class ExclusionKind(_Labelled):
    SUSPENSION = "suspension"
    LUNCHTIME = "lunchtime"
    PERMANENT = "permanent"


# DfE census reason codes → words (pre-2020 and added 2020/21).
EXCLUSION_REASONS: dict[str, str] = {
    "PP": "Physical assault against a pupil",
    "PA": "Physical assault against an adult",
    "VP": "Verbal abuse / threatening behaviour against a pupil",
    "VA": "Verbal abuse / threatening behaviour against an adult",
    "BU": "Bullying",
    "RA": "Racist abuse",
    "SM": "Sexual misconduct",
    "DA": "Drug and alcohol related",
    "DM": "Damage",
    "TH": "Theft",
    "PD": "Persistent disruptive behaviour",
    "LG": "Abuse against sexual orientation and gender identity",
    "DS": "Abuse relating to disability",
    "MT": "Inappropriate use of social media or online technology",
    "OW": "Use or threat of use of an offensive weapon or prohibited item",
    "PH": "Wilful and repeated transgression of public-health measures",
    "OT": "Other",
}


class GovernorsDecision(_Labelled):
    UPHELD = "upheld"
    REINSTATED = "reinstated"


class IndependentReviewOutcome(_Labelled):
    """What an independent review panel may decide about a permanent exclusion."""

    UPHELD = "upheld"
    RECOMMENDED_RECONSIDER = "recommended_reconsider"
    DIRECTED_RECONSIDER = "directed_reconsider"


class MoveOutcome(_Labelled):
    """How a managed move ended (none while the trial runs)."""

    SUCCESSFUL = "successful"  # the pupil joins the host school's roll
    RETURNED = "returned"  # back to the home school
    ENDED_EARLY = "ended_early"


class ProvisionKind(_Labelled):
    ALTERNATIVE_PROVISION = "alternative_provision"
    PART_TIME_TIMETABLE = "part_time_timetable"


class EheStatus(_Labelled):
    OPEN = "open"
    SCHOOL_ATTENDANCE_ORDER = "school_attendance_order"  # education not shown suitable: the s437 route
    RETURNED_TO_SCHOOL = "returned_to_school"
    CLOSED = "closed"


class EheVisitOutcome(_Labelled):
    SUITABLE = "suitable"
    NOT_SUITABLE = "not_suitable"
    NOT_YET_KNOWN = "not_yet_known"


class CmeReason(_Labelled):
    ABSENT_TEN_DAYS = "absent_ten_days"
    NOT_RETURNED = "not_returned"
    REMOVED_NO_DESTINATION = "removed_no_destination"
    MOVED_UNKNOWN = "moved_unknown"
    NEVER_STARTED = "never_started"
    OTHER = "other"


class CmeStepKind(_Labelled):
    SCHOOL_ENQUIRIES = "school_enquiries"
    HOME_VISIT = "home_visit"
    CONTACT_FAMILY = "contact_family"
    OTHER_LA = "other_la"
    SCHOOL_TO_SCHOOL = "school_to_school"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    POLICE = "police"
    OTHER = "other"


class CmeOutcome(_Labelled):
    FOUND_IN_SCHOOL = "found_in_school"
    FOUND_OTHER_LA = "found_other_la"
    HOME_EDUCATED = "home_educated"
    MOVED_ABROAD = "moved_abroad"
    NOT_FOUND = "not_found"


_LABELS = {
    "phase_transfer": "Moved on at the end of the phase",
    "moved_area": "Moved out of the area",
    "elective_home_education": "Elective home education",
    "missing_education": "Missing education",
    "off_rolled": "Removed from roll outside a formal route (possible off-rolling)",
    "lunchtime": "Lunchtime suspension",
    "permanent": "Permanent exclusion",
    "upheld": "Upheld",
    "reinstated": "Reinstatement directed",
    "recommended_reconsider": "Recommended the governors reconsider",
    "directed_reconsider": "Directed the governors to reconsider",
    "successful": "Successful: joined the host school",
    "returned": "Returned to the home school",
    "alternative_provision": "Alternative provision",
    "part_time_timetable": "Part-time timetable",
    "school_attendance_order": "School attendance order route",
    "not_suitable": "Not suitable",
    "suitable": "Suitable education",
    "absent_ten_days": "Absent 10+ school days without permission",
    "not_returned": "Did not return after a holiday",
    "removed_no_destination": "Removed from roll, no known destination",
    "moved_unknown": "Moved, whereabouts unknown",
    "never_started": "Never started at the allocated school",
    "school_enquiries": "Enquiries with the school",
    "contact_family": "Contact with the family",
    "other_la": "Enquiry to another local authority",
    "school_to_school": "School-to-school (CTF / S2S) search",
    "health": "Health records check",
    "social_care": "Children's social care check",
    "police": "Police check",
    "found_in_school": "Found: on a school roll",
    "found_other_la": "Found in another local authority",
    "home_educated": "Found: home educated",
    "moved_abroad": "Moved abroad",
    "not_found": "Not found",
}
