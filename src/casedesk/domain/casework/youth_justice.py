"""Youth justice outcomes (DOMAIN.md): out-of-court disposals and court orders, and police contact events."""

from __future__ import annotations

from enum import StrEnum


class OutcomeKind(StrEnum):
    COMMUNITY_RESOLUTION = "community_resolution"
    YOUTH_CAUTION = "youth_caution"
    YOUTH_CONDITIONAL_CAUTION = "youth_conditional_caution"
    REFERRAL_ORDER = "referral_order"
    YOUTH_REHABILITATION_ORDER = "youth_rehabilitation_order"
    DETENTION_AND_TRAINING_ORDER = "detention_and_training_order"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def in_court(self) -> bool:
        return self not in OUT_OF_COURT

    @property
    def custody(self) -> bool:
        return self is OutcomeKind.DETENTION_AND_TRAINING_ORDER


_LABELS = {
    OutcomeKind.COMMUNITY_RESOLUTION: "Community resolution",
    OutcomeKind.YOUTH_CAUTION: "Youth caution",
    OutcomeKind.YOUTH_CONDITIONAL_CAUTION: "Youth conditional caution",
    OutcomeKind.REFERRAL_ORDER: "Referral order",
    OutcomeKind.YOUTH_REHABILITATION_ORDER: "Youth rehabilitation order",
    OutcomeKind.DETENTION_AND_TRAINING_ORDER: "Detention and training order (custody)",
}
OUT_OF_COURT = frozenset(
    {OutcomeKind.COMMUNITY_RESOLUTION, OutcomeKind.YOUTH_CAUTION, OutcomeKind.YOUTH_CONDITIONAL_CAUTION}
)
# Orders run for a period; out-of-court disposals are given on a day (a conditional caution's conditions aside).
ORDERS = frozenset(set(OutcomeKind) - OUT_OF_COURT)


class PoliceContact(StrEnum):
    """What a police contact was: recorded as a chronology entry the child's school is told about."""

    CONTACT = "police_contact"
    ARREST = "arrest"

    @property
    def label(self) -> str:
        return "Police contact" if self is PoliceContact.CONTACT else "Arrest"
