"""Who uses this database: read for the command line's audit name, and edited from the app's Profile dialog.

The app reads the whole profile when it unlocks; the command line needs only the name, so that what it does
(exports above all, which are disclosures) is recorded in the audit log and on the printed page as done by that
person, not by a program. The profile is a setting of this device (config.PROFILE), not a synced record; the
organisation it names is a record, so saving a profile for an organisation this database does not hold yet adds
it through the unit of work (journaled, audited and synced like any other organisation).

Once the device is enrolled, the server's directory decides: the organisation is the account's organisation on
the server (a synced organisations record with the id enrolment returned), and the name, role and contact come
from the organisation's worker whose email is the account's username, when the directory holds one. Those fields
are then not edited on the device (`directory_fields`); the profile follows the directory after each sync.
"""

from __future__ import annotations

import re
from dataclasses import replace

from casedesk.config import ORGANISATION_ID, PROFILE, USERNAME, Profile
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.store import repositories as repo
from casedesk.store.database import Database

NO_PROFILE_ACTOR = "casedesk-cli"  # a database made with `casedesk init` has no profile until the app sets one
ORGANISATION_KINDS = ("school", "local_authority", "health", "police", "youth_justice", "voluntary", "other")
# The kind a profile gives for each kind of organisation in the directory.
PROFILE_KIND = {
    "school": "school",
    "early_help": "local_authority",
    "childrens_social_care": "local_authority",
    "virtual_school": "local_authority",
    "youth_justice": "youth_justice",
    "health": "health",
    "police": "police",
    "voluntary": "voluntary",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def user_name(db: Database) -> str:
    """The profile's user, or "casedesk-cli" for a database without a profile."""
    return db.get(PROFILE).name.strip() if db.has(PROFILE) else NO_PROFILE_ACTOR


def has_profile(db: Database) -> bool:
    return db.has(PROFILE)


class ProfileService:
    """Read and change the user's profile; the collection renames its acting user when the name changes."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def current(self) -> Profile:
        return self.db.get(PROFILE)

    def from_directory(self) -> tuple[Profile, frozenset[str]]:
        """The profile with what the server's directory says about this account, and which fields it decided
        (none before enrolment, or before the first sync brought the organisation)."""
        stored = self.current()
        org_id, username = self.db.get(ORGANISATION_ID), self.db.get(USERNAME)
        if not org_id:
            return stored, frozenset()
        with self.db.session() as session:
            org = repo.organisations(session, [org_id]).get(org_id)
            staff = [w for w in repo.workers(session).values() if w.organisation_id == org_id]
        if org is None:
            return stored, frozenset()
        profile = replace(stored, organisation=org.name, organisation_kind=PROFILE_KIND.get(org.kind, "other"))
        decided = {"organisation", "organisation_kind"}
        wanted = str(username or "").casefold()
        person = next((w for w in staff if wanted and (w.email or "").casefold() == wanted), None)
        if person is not None:
            profile = replace(
                profile, name=person.name, role=person.role or "", email=person.email or "", phone=person.phone or ""
            )
            decided |= {"name", "role", "email", "phone"}
        return profile, frozenset(decided)

    def refresh_from_directory(self) -> tuple[Profile, bool]:
        """Store what the directory says (after enrolment, after a sync); True when the profile changed."""
        stored = self.current()
        profile, decided = self.from_directory()
        if not decided or profile == stored:
            return stored, False
        self.db.put(PROFILE, profile)
        return profile, True

    def save(self, profile: Profile) -> tuple[Profile, Changes]:
        """Check and store the profile; add its organisation to the register when it is not there yet. Fields the
        server's directory decides keep the directory's values."""
        directory, decided = self.from_directory()
        profile = replace(profile, **{name: getattr(directory, name) for name in decided})
        clean = replace(
            profile,
            name=profile.name.strip(),
            role=profile.role.strip(),
            organisation=profile.organisation.strip(),
            email=profile.email.strip(),
            phone=profile.phone.strip(),
        )
        errors: list[tuple[str, str]] = []
        if not clean.name:
            errors.append(("name", "Your name is required: it signs every change you make."))
        if not clean.organisation:
            errors.append(("organisation", "Your organisation is required."))
        if clean.organisation_kind not in ORGANISATION_KINDS:
            errors.append(("organisation_kind", "Unknown kind of organisation."))
        if clean.email and not _EMAIL.match(clean.email):
            errors.append(("email", "Not an email address."))
        if errors:
            raise ValidationError("Please correct your profile.", errors)
        with self.db.session() as session:
            held = {o.name.casefold() for o in repo.organisations(session).values()}
        changes = Changes()
        if clean.organisation.casefold() not in held:
            with self.db.unit_of_work(clean.name) as uow:
                uow.insert("organisations", {"name": clean.organisation, "kind": clean.organisation_kind})
            changes = uow.changes
        self.db.put(PROFILE, clean)
        return clean, changes
