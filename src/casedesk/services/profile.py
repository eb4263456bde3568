"""Who uses this database: read for the command line's audit name, and edited from the app's Profile dialog.

The app reads the whole profile when it unlocks; the command line needs only the name, so that what it does
(exports above all, which are disclosures) is recorded in the audit log and on the printed page as done by that
person, not by a program. The profile is a setting of this device (config.PROFILE), not a synced record; the
organisation it names is a record, so saving a profile for an organisation this database does not hold yet adds
it through the unit of work (journaled, audited and synced like any other organisation).
"""

from __future__ import annotations

import re
from dataclasses import replace

from casedesk.config import PROFILE, Profile
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.store import repositories as repo
from casedesk.store.database import Database

NO_PROFILE_ACTOR = "casedesk-cli"  # a database made with `casedesk init` has no profile until the app sets one
ORGANISATION_KINDS = ("school", "local_authority", "health", "police", "youth_justice", "voluntary", "other")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def user_name(db: Database) -> str:
    """The profile's user, or "casedesk-cli" for a database without a profile."""
    stored = db.get_setting(PROFILE.key)
    return PROFILE.decode(stored).name.strip() if stored else NO_PROFILE_ACTOR


def has_profile(db: Database) -> bool:
    return db.get_setting(PROFILE.key) is not None


class ProfileService:
    """Read and change the user's profile; the collection renames its acting user when the name changes."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def current(self) -> Profile:
        return PROFILE.decode(self.db.get_setting(PROFILE.key))

    def save(self, profile: Profile) -> tuple[Profile, Changes]:
        """Check and store the profile; add its organisation to the register when it is not there yet."""
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
        self.db.set_setting(PROFILE.key, PROFILE.encode(clean))
        return clean, changes
