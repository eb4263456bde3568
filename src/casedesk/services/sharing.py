"""What a child's record says about sharing: the agreements that apply, what the server withheld from this device
and why, and the child's consent records (which the user can add and end).

Agreements are read-only here (administrators record them on the server); the notices are counts per category,
owner and reason — the device never holds anything of a withheld row but that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from casedesk import config
from casedesk.domain import sharing
from casedesk.domain.agreements import ARTICLE_6, ARTICLE_9, ARTICLE_10, SHAREABLE, Agreement, OrgInfo
from casedesk.domain.records import Changes, Organisation
from casedesk.errors import NotFound, ValidationError
from casedesk.store import repositories as repo
from casedesk.store import sharing_repo
from casedesk.store.database import Database
from casedesk.store.sharing_repo import ConsentRecord, Withheld

NOUNS = {"events": ("entry", "entries"), "status_periods": ("status", "statuses")}


def category_words(category: str) -> str:
    return category.replace("_", "-")


def noun(entity: str, count: int) -> str:
    one, many = NOUNS.get(entity, (entity.rstrip("s").replace("_", " "), entity.replace("_", " ")))
    return one if count == 1 else many


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class AgreementView:
    """One agreement as the child record shows it (read-only)."""

    agreement: Agreement
    party_a: str
    party_b: str
    in_force: bool

    def lines(self) -> list[str]:
        a = self.agreement
        basis = [ARTICLE_6.get(a.article_6, a.article_6)]
        if a.article_9:
            basis.append(ARTICLE_9.get(a.article_9, a.article_9))
        if a.article_10:
            basis.append(ARTICLE_10.get(a.article_10, a.article_10))
        ends = f"until {a.end_date:%d %b %Y}" if a.end_date else "open-ended"
        state = "in force" if self.in_force else ("ended: " + (a.ended_reason or "") if a.ended_at else "not in force")
        return [
            f"{a.title} ({state})",
            _first_up(f"{self.party_a} shares with {self.party_b}: {', '.join(sorted(a.a_to_b)) or 'nothing'}"),
            _first_up(f"{self.party_b} shares with {self.party_a}: {', '.join(sorted(a.b_to_a)) or 'nothing'}"),
            "Lawful basis: " + "; ".join(basis),
            f"From {a.start_date:%d %b %Y}, {ends}; review by {a.review_date:%d %b %Y}",
            "Signed by: " + "; ".join(a.signed_by),
        ]


@dataclass(frozen=True)
class ChildSharing:
    notices: list[str]
    agreements: list[AgreementView]
    consents: list[ConsentRecord]
    withheld: int = 0  # rows the server did not send this device


def _info(org: Organisation | None, org_id: str) -> OrgInfo:
    if org is None:
        return OrgInfo(org_id)
    return OrgInfo(org.id, org.name, org.kind, org.la_code)


def notices(withheld: Sequence[Withheld], names: Mapping[str, str], titles: Mapping[str, str], own: str) -> list[str]:
    """One sentence per (category, kind of record, owner, reason): "2 youth-justice entries from Youth Justice
    Service are not shared with Oakwood Primary School, under the agreement “…”"."""
    counted = Counter((w.category, w.entity, w.owner_org, w.reason, w.agreements) for w in withheld)
    out = []
    for (category, entity, owner, reason, agreement_ids), n in sorted(counted.items(), key=lambda kv: str(kv[0])):
        source = f" from {names.get(owner or '', 'another organisation')}"
        verb = "is" if n == 1 else "are"
        head = f"{n} {category_words(category)} {noun(entity, n)}{source} {verb} not shared with {own}"
        if reason == "agreement":
            named = ", ".join(f"“{titles.get(i, i)}”" for i in agreement_ids)
            why = f"under the agreement {named}" if len(agreement_ids) == 1 else f"under the agreements {named}"
        elif reason == "default":
            why = "no agreement covers it (the area shares only identity and involvement without one)"
        elif reason == "consent":
            why = "consent to share it was withdrawn"
        else:
            why = "your role does not receive it; your safeguarding lead does"
        out.append(f"{head}: {why}.")
    return out


class SharingService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def for_child(self, child_id: str, on: date | None = None) -> ChildSharing:
        on = on or date.today()
        own_id = self.db.get(config.ORGANISATION_ID)
        with self.db.session() as session:
            orgs = repo.organisations(session)
            if not own_id:  # not enrolled: the organisation named in the profile, if the directory has it
                named = self.db.get(config.PROFILE).organisation
                own_id = next((o.id for o in orgs.values() if named and o.name == named), "")
            involved = {i.organisation_id for i in repo.involvements_for_child(session, child_id)}
            child = repo.get_child(session, child_id)
            if child.current_school_id:
                involved.add(child.current_school_id)
            withheld = sharing_repo.withheld_for_child(session, child_id)
            held = sharing_repo.agreements(session)
            consents = sharing_repo.consents_for_child(session, child_id)
        names = {o.id: o.name for o in orgs.values()}
        own = names.get(own_id, "this organisation") if own_id else "this organisation"
        mine = _info(orgs.get(own_id), own_id) if own_id else None
        others = [_info(orgs.get(o), o) for o in sorted(involved) if o != own_id]
        applying = [
            AgreementView(a, a.party_a.describe(names), a.party_b.describe(names), a.in_force(on))
            for a in held
            if mine is not None and any(a.names(mine, other) for other in others)
        ]
        titles = {a.id: a.title for a in held}
        return ChildSharing(notices(withheld, names, titles, own), applying, consents, len(withheld))

    def held(self, on: date | None = None) -> list[AgreementView]:
        """Every agreement this device holds, in force first (what Ask CaseDesk's "the sharing agreements" link
        shows when no child is open)."""
        on = on or date.today()
        with self.db.session() as session:
            names = {o.id: o.name for o in repo.organisations(session).values()}
            held = sharing_repo.agreements(session)
        views = [AgreementView(a, a.party_a.describe(names), a.party_b.describe(names), a.in_force(on)) for a in held]
        return sorted(views, key=lambda v: (not v.in_force, v.agreement.title.lower()))

    def record_consent(
        self,
        child_id: str,
        category: str,
        given_by: str,
        decided_on: date,
        *,
        organisation_id: str | None = None,
        note: str | None = None,
        today: date | None = None,
    ) -> tuple[str, Changes]:
        """Record that consent to share `category` beyond the holding organisation was withdrawn (with every
        other organisation, or only `organisation_id`). The server narrows sharing from the next sync."""
        errors: list[tuple[str, str]] = []
        if category not in {c.value for c in SHAREABLE} or category in sharing.BASELINE:
            errors.append(("category", "Choose a category that can be withheld (not identity or involvement)."))
        if not given_by.strip():
            errors.append(("given_by", "Say who withdrew consent (the child, a parent…)."))
        if decided_on > (today or date.today()):
            errors.append(("decided_on", "In the future."))
        with self.db.session() as session:
            repo.get_child(session, child_id)  # NotFound for a child this device does not hold
            if organisation_id and organisation_id not in repo.organisations(session, [organisation_id]):
                errors.append(("organisation_id", "Unknown organisation."))
        if errors:
            raise ValidationError("Please correct the consent record.", errors)
        with self.db.unit_of_work(self.actor) as uow:
            consent_id = uow.insert(
                "consents",
                {
                    "child_id": child_id,
                    "category": category,
                    "decision": "withdrawn",
                    "organisation_id": organisation_id,
                    "decided_on": decided_on,
                    "given_by": given_by.strip(),
                    "recorded_by": self.actor,
                    "recorded_at": datetime.now(UTC),
                    "note": (note or "").strip() or None,
                },
            )
        return consent_id, Changes(frozenset({"consents"}), frozenset({consent_id, child_id}))

    def end_consent(self, consent_id: str, ended_on: date) -> Changes:
        """Consent given again: the record stops narrowing sharing from `ended_on`."""
        with self.db.session() as session:
            found = sharing_repo.consent(session, consent_id)
        if found is None:
            raise NotFound("No such consent record.")
        if found.ended_on is not None:
            raise ValidationError("Consent was already given again.", [("ended_on", f"Ended {found.ended_on}.")])
        if ended_on < found.decided_on:
            raise ValidationError("Please correct the date.", [("ended_on", "Before consent was withdrawn.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("consents", consent_id, {"ended_on": ended_on})
        return Changes(frozenset({"consents"}), frozenset({consent_id, found.child_id}))
