"""One object per open database: every use case of the app, bound to that database and the acting user.

Anki's `Collection` is the model. The desktop app holds one `Collection` while unlocked and reaches the data
only through it, by feature (`col.children`, `col.send`, `col.care`, `col.youth_justice`, `col.triage`, `col.referrals`,
`col.directory`, `col.guidance`, `col.attendance`, `col.cohort`, `col.backups`, `col.sync`),
never through the `Database`, repositories or the sync engine. Every call that writes returns what it made
together with the `Changes` it made (or only the `Changes` when there is nothing else to return), so the
caller announces exactly what changed and never has to work it out. The collection holds no lock of its own:
the UI runs every call on its one database thread.

Closing the collection (the app's lock) marks it closed before it drops the key, so work still queued for it
stops with `Locked` (a `Cancelled`) instead of meeting a closed database halfway through.

A sync round waits on the network, so it runs elsewhere (the app's network pool) and reaches the database only
through `on_db`, which the app points at its database thread (`use_database_thread`): every page it pulls and
every setting it writes is applied there, one step at a time, and a lock between two steps ends the round.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from casedesk.config import PROFILE, Profile
from casedesk.domain.records import Changes
from casedesk.errors import Locked
from casedesk.services import policy
from casedesk.services.administration import AdministrationService
from casedesk.services.alerts.service import AlertsService
from casedesk.services.attendance.service import AttendanceService
from casedesk.services.audit import AuditService
from casedesk.services.audit_search import AuditSearchService
from casedesk.services.casework.care import CareService
from casedesk.services.casework.send import SendService
from casedesk.services.casework.youth_justice import YouthJusticeService
from casedesk.services.children import ChildrenService
from casedesk.services.cohort.service import CohortService
from casedesk.services.dashboards import DashboardsService
from casedesk.services.dataquality import DataQualityService
from casedesk.services.device_backup import DeviceBackups
from casedesk.services.diagnostics import Diagnostics
from casedesk.services.directory.service import DirectoryService
from casedesk.services.discrepancies.service import DiscrepancyService
from casedesk.services.duplicates.service import DuplicatesService
from casedesk.services.education.home import EducationService
from casedesk.services.enrolment import EnrolmentService
from casedesk.services.guidance.service import GuidanceService
from casedesk.services.meetings.meetings import MeetingService
from casedesk.services.meetings.plans import PlanService
from casedesk.services.mywork.service import MyWorkService
from casedesk.services.overrides import OverrideService
from casedesk.services.overview.service import OverviewService
from casedesk.services.profile import ProfileService
from casedesk.services.referrals.service import ReferralService
from casedesk.services.sharing import SharingService
from casedesk.services.sync import SyncService
from casedesk.services.transfer.service import TransferService
from casedesk.services.triage.service import TriageService
from casedesk.site_profile import Policy
from casedesk.store.database import Database
from casedesk.sync.engine import run_here
from casedesk.sync.transport import Transport

T = TypeVar("T")


def open_collection(path: Path, passphrase: str) -> tuple[Collection, Profile]:
    """Unlock a database (Argon2id takes ~0.3 s: call it off the UI thread) and read whose device it is."""
    db = Database.open(path, passphrase)
    policy.raise_kdf_to_floor(db, passphrase)  # a key wrapped before the policy's floor was raised
    profile = db.get(PROFILE)
    return Collection(db, profile.name), profile


def create_collection(
    path: Path, passphrase: str, profile: Profile, demo_children: int = 0
) -> tuple[Collection, Profile]:
    """First run: a new encrypted database, the user's profile and organisation, and optional demo data."""
    if demo_children:
        policy.require_demo_data()  # refused before anything is created
    db = policy.create_database(path, passphrase)
    db.put(PROFILE, profile)
    with db.unit_of_work(profile.name) as uow:
        uow.insert("organisations", {"name": profile.organisation, "kind": profile.organisation_kind})
    if demo_children:
        from casedesk.services.demo.load import seed_demo

        seed_demo(db, children=demo_children, seed=1, year_of_activity=True)
    return Collection(db, profile.name), profile


class Collection:
    """The open database and its use cases, for one acting user (whose name goes into the audit trail)."""

    def __init__(self, db: Database, actor: str, *, transport: Transport | None = None) -> None:
        self.db = db
        self.actor = actor
        self._hop: Callable[[Callable[[], Any]], Any] = run_here
        self.children = ChildrenService(db, actor)
        self.audit = AuditService(db, actor, lambda: self.sync)  # the sync service is made below
        self.overrides = OverrideService(db, actor, lambda: self.sync)
        self.audit_search = AuditSearchService(db, actor, lambda: self.sync)  # administrators, across children
        self.triage = TriageService(db, actor)
        self.referrals = ReferralService(db, actor)
        self.directory = DirectoryService(db, actor)
        self.guidance = GuidanceService(db, actor)
        self.education = EducationService(db, actor)
        self.meetings, self.plans = MeetingService(db, actor), PlanService(db, actor)
        self.profile = ProfileService(db, actor)
        self.backups = DeviceBackups(db, actor)
        self.send = SendService(db, actor)
        self.care = CareService(db, actor)
        self.youth_justice = YouthJusticeService(db, actor)
        self.overview = OverviewService(db)
        self.cohort = CohortService(db, actor)
        self.attendance = AttendanceService(db, actor)
        self.alerts = AlertsService(db, actor)
        self.mywork = MyWorkService(db, actor)
        self.sharing = SharingService(db, actor)
        self.duplicates, self.discrepancies = DuplicatesService(db, actor), DiscrepancyService(db, actor)
        self.sync = SyncService(db, transport, on_db=self.on_db)
        self.enrolment = EnrolmentService(self.sync)
        self.administration = AdministrationService(self.sync)
        self.dataquality = DataQualityService(self.sync)
        self.transfer = TransferService(self.sync)
        self.dashboards = DashboardsService(self.sync, actor)
        self.diagnostics = Diagnostics(db, self.sync)
        self._closed = False
        self.policy = policy.in_force(db)  # the site profile's, tightened by the server's (services/policy.py)

    def refresh_policy(self) -> Policy:
        """The policy in force now (after a sync brought the server's, or the site profile was replaced)."""
        self.policy = policy.in_force(self.db)
        return self.policy

    def save_profile(self, profile: Profile) -> tuple[Profile, Changes]:
        """Store the user's profile; from now on every change is signed with the (possibly new) name."""
        saved, changes = self.profile.save(profile)
        self._sign_as(saved)
        return saved, changes

    def refresh_profile(self) -> tuple[Profile | None, Changes]:
        """Take the profile from the server's directory once enrolled (after each sync): the new profile when it
        changed, else None. A profile is a setting, not a record, so the Changes are empty; the operation shape is
        the same as every other write so the UI can run it through its one helper."""
        profile, changed = self.profile.refresh_from_directory()
        if not changed:
            return None, Changes()
        self._sign_as(profile)
        return profile, Changes()

    def _sign_as(self, saved: Profile) -> None:
        self.actor = saved.name
        for author_of in (self.children, self.send, self.care, self.youth_justice):
            author_of.author = saved.name
        for service in (
            self.audit,
            self.audit_search,
            self.overrides,
            self.triage,
            self.referrals,
            self.directory,
            self.guidance,
            self.profile,
            self.backups,
            self.attendance,
            self.education,
            self.meetings,
            self.plans,
            self.cohort,
            self.alerts,
            self.mywork,
            self.sharing,
            self.duplicates,
            self.discrepancies,
        ):
            service.actor = saved.name

    # -- life --------------------------------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    def check_open(self) -> None:
        """Raise `Locked` once the collection was closed (work queued before a lock stops here, cleanly)."""
        if self._closed:
            raise Locked("CaseDesk was locked before this could finish.")

    def guarded(self, fn: Callable[[], T]) -> Callable[[], T]:
        """`fn`, refusing to run once the collection is closed: what the database thread is given to run."""

        def run() -> T:
            self.check_open()
            return fn()

        return run

    def use_database_thread(self, hop: Callable[[Callable[[], Any]], Any]) -> None:
        """How work running on another thread reaches this database: `hop(fn)` runs `fn` on the database thread
        and returns its result (the desktop app's `TaskRunner.call_db`)."""
        self._hop = hop

    def on_db(self, fn: Callable[[], T]) -> T:
        """Run `fn` where database work belongs, refusing with `Locked` once the collection is closed."""
        result: T = self._hop(self.guarded(fn))
        return result

    def key_file_present(self) -> bool:
        """False once the key file is gone (wiped from elsewhere): the app must lock at once."""
        return self.db.key_file_present()

    def damage_notice(self) -> str | None:
        """What to tell the user when the check at unlock found the database damaged (writes are refused)."""
        return self.db.damage_notice()

    def close(self) -> None:
        """Drop every connection and forget the key. Call it on the database thread, after queued work."""
        self._closed = True
        self.db.close()
