"""The demo's information sharing: three agreements between the demo area's organisations (schools and children's
social care, youth justice and schools, early help and schools, all in LA 383), held as a device holds what the
server publishes, and — for the children the youth justice service works with — notices of the service's own
youth-justice entries that the agreement keeps from schools, as a sync would deliver them to the demo user's school
(every record on the demo device is the school's own).

The same three agreements are what `casedesk-server admin agreement demo` records on a server, where devices
enrolled at those organisations then see the withholding for real.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from casedesk.domain.agreements_demo import demo_agreements
from casedesk.services.demo.data import DemoData
from casedesk.store import sharing_repo
from casedesk.store.database import Database


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
