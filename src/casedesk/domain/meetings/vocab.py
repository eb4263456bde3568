"""Codes for meetings, plans and actions, as stored and synced, with the words a person reads (`label_of`)."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())


class MeetingKind(_Labelled):
    """What kind of multi-agency meeting: one child (a Team Around the Child) or several (a panel)."""

    TEAM_AROUND_CHILD = "team_around_child"
    TEAM_AROUND_FAMILY = "team_around_family"
    INCLUSION_PANEL = "inclusion_panel"
    MANAGED_MOVE_PANEL = "managed_move_panel"
    PEP_MEETING = "pep_meeting"
    EHC_ANNUAL_REVIEW = "ehc_annual_review"
    SAFEGUARDING_MEETING = "safeguarding_meeting"
    OTHER = "other"

    @property
    def is_panel(self) -> bool:
        return self in (MeetingKind.INCLUSION_PANEL, MeetingKind.MANAGED_MOVE_PANEL)


class Presence(_Labelled):
    """How someone invited took part."""

    PRESENT = "present"
    APOLOGIES = "apologies"
    REPORT_SENT = "report_sent"  # sent apologies with a written contribution


class Decision(_Labelled):
    """What a meeting decided for a child (the words of the decision are the record's own)."""

    PLAN_AGREED = "plan_agreed"
    PLAN_REVIEWED = "plan_reviewed"
    MANAGED_MOVE = "managed_move"
    ALTERNATIVE_PROVISION = "alternative_provision"
    REFER_ON = "refer_on"
    STEP_UP = "step_up"  # to children's social care
    STEP_DOWN = "step_down"
    NO_FURTHER_ACTION = "no_further_action"
    DEFERRED = "deferred"  # no decision yet: brought back to a later meeting
    OTHER = "other"


class PlanKind(StrEnum):
    EARLY_HELP = "early_help"
    TEAM_AROUND_CHILD = "team_around_child"
    TEAM_AROUND_FAMILY = "team_around_family"

    @property
    def label(self) -> str:
        return "Early help plan" if self is PlanKind.EARLY_HELP else f"{_LABELS[self.value]} plan"


class PlanStatus(_Labelled):
    OPEN = "open"
    CLOSED = "closed"


class ClosureReason(_Labelled):
    OUTCOMES_MET = "outcomes_met"
    STEPPED_UP = "stepped_up"
    MOVED_AWAY = "moved_away"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OTHER = "other"


class OutcomeStatus(_Labelled):
    WORKING_ON = "working_on"
    ACHIEVED = "achieved"
    PARTLY_ACHIEVED = "partly_achieved"
    NOT_ACHIEVED = "not_achieved"


class ActionStatus(_Labelled):
    """What is stored; whether an action is overdue or due soon follows from its due date (`rules`)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class NoteKind(_Labelled):
    PROGRESS = "progress"
    REVIEW = "review"


_LABELS = {
    "team_around_child": "Team Around the Child",
    "team_around_family": "Team Around the Family",
    "inclusion_panel": "Inclusion / exclusion-prevention panel",
    "managed_move_panel": "Managed-move panel",
    "pep_meeting": "PEP meeting",
    "ehc_annual_review": "EHC plan annual review",
    "report_sent": "Apologies, report sent",
    "step_up": "Step up to children's social care",
    "step_down": "Step down to universal or single-agency support",
    "deferred": "Deferred to a later meeting",
}
