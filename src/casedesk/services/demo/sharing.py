"""The demo's information sharing: three agreements between the demo area's organisations (schools and children's
social care, youth justice and schools, early help and schools, all in LA 383), held as a device holds what the
server publishes, and — for the children the youth justice service works with — notices of the service's own
youth-justice entries that the agreement keeps from schools, as a sync would deliver them to the demo user's school
(every record on the demo device is the school's own).

One of those children also shows a break-glass override in its Audit tab (`seed_demo_override`): the demo user's
emergency request for the service's withheld entries, granted at once and expired.

The same three agreements are what `casedesk-server admin agreement demo` records on a server, where devices
enrolled at those organisations then see the withholding for real.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from casedesk import config
from casedesk.domain.agreements_demo import demo_agreements
from casedesk.domain.overrides import REASON_LABELS, Reason
from casedesk.services.demo.data import DemoData
from casedesk.store import sharing_repo
from casedesk.store.database import Database

DEMO_AUTHOR = "casedesk-demo"


def seed_demo_sharing(db: Database, data: DemoData, seed: int) -> int:
    """Hold the demo agreements and, for each child a youth justice service works with, the notices of that
    service's entries withheld from the demo user's school. Returns the number of notices."""
    agreements = demo_agreements()
    services = {o["id"]: o for o in data.organisations if o["kind"] == "youth_justice"}
    rng = random.Random(seed)
    notices: list[dict[str, Any]] = []
    for involvement in data.involvements:
        owner = involvement["organisation_id"]
        if owner in services:
            for n in range(rng.randint(1, 3)):
                key = f"demo:{involvement['id']}:{n}"
                notices.append(
                    {
                        "key": hashlib.sha256(key.encode()).hexdigest()[:32],
                        "entity": "events",
                        "child_id": involvement["child_id"],
                        "category": "youth_justice",
                        "owner_org": owner,
                        "reason": "agreement",
                        "agreements": [agreements[1].id],
                    }
                )
    sharing_repo.hold(db, agreements, notices)
    return len(notices)


def seed_demo_override(db: Database, data: DemoData, seed: int, now: datetime) -> str | None:
    """One break-glass override, as the demo user's device records its own: the school's safeguarding lead, told
    a pupil the youth justice service works with is missing overnight, asks in an emergency for the service's
    youth-justice entries the agreement withholds from schools (the entries the Sharing tab's notice counts),
    granted at once under the area's emergency policy with the service's lead told, and expired four hours later,
    what it brought purged from the device. Each step is in the device's audit (action `break-glass`, in the words
    the app notes a real override with), so the child's Audit tab shows it. Returns the child's id (None when the
    demo has no child the service works with)."""
    profile = db.get(config.PROFILE)
    services = {o["id"]: o for o in data.organisations if o["kind"] == "youth_justice"}
    chosen = sorted((i for i in data.involvements if i["organisation_id"] in services), key=lambda i: i["id"])
    if not chosen:
        return None
    rng = random.Random(seed + 18)
    involvement = chosen[rng.randrange(len(chosen))]
    service = services[involvement["organisation_id"]]
    asked = now - timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 6))
    until = asked + timedelta(hours=4)
    override_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    what = f"override of {service['name']}'s records (youth_justice)"
    steps = (
        (
            "granted",
            f"{what} asked ({REASON_LABELS[Reason.IMMEDIATE_RISK]}): missing overnight; police ask whether there "
            f"are known associates or orders, on {asked:%d %b %Y %H:%M}; granted at once under the emergency "
            f"policy until {until:%H:%M}, {service['name']}'s safeguarding lead told",
        ),
        ("expired", f"{what} expired on {until:%d %b %Y %H:%M}; what it brought was purged from this device"),
    )
    with db.unit_of_work(profile.name or DEMO_AUTHOR, journal=False) as uow:
        for state, reason in steps:
            uow.note(
                "break-glass", "children", involvement["child_id"], reason=reason, override_id=override_id, state=state
            )
    return str(involvement["child_id"])
