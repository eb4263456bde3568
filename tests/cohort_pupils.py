"""Pupils for the cohort tests: children on a school's roll with the risk-of-exclusion indicators a test asks for,
each recorded through the services as a person would."""

from __future__ import annotations

from datetime import date

from casedesk.services.collection import Collection
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2026, 3, 20)


def school(db: Database, name: str) -> str:
    with db.unit_of_work("Sam Patel") as uow:
        return uow.insert("organisations", {"name": name, "kind": "school"})


class Pupils:
    """Children at a school with the indicators a test asks for: free school meals, young carer, part-time
    timetable, a suspension (each one record of its own)."""

    def __init__(self, col: Collection, db: Database) -> None:
        self.col, self.db = col, db

    def add(self, school: str, given: str, born: date, indicators: tuple[str, ...], support: str | None = None) -> str:
        col = self.col
        child = add_child(self.db, given, "Test", born)
        col.education.enrol(child, school, date(2024, 9, 2))
        if "free_school_meals" in indicators:
            col.children.add_status(child, "free_school_meals", date(2024, 9, 2))
        if "young_carer" in indicators:
            col.children.add_status(child, "young_carer", date(2025, 1, 6))
        if "part_time" in indicators:
            col.education.add_provision(
                child, "part_time_timetable", "School", 5, date(2026, 3, 2), planned_end=date(2026, 4, 3)
            )
        if "suspensions" in indicators:
            col.education.add_exclusion(child, school, "suspension", date(2026, 1, 12), ["PD"], sessions=2)
        if support == "child_in_need":
            col.care.start_period(child, "child_in_need", date(2025, 6, 1), today=TODAY)
        elif support == "ehc_plan":
            col.send.set_provision(child, "E", date(2025, 6, 1), primary_need="ASD", today=TODAY)
        elif support == "ended_ehc_plan":
            col.send.set_provision(child, "E", date(2024, 1, 8), primary_need="ASD", today=TODAY)
            col.send.set_provision(child, "N", date(2025, 2, 3), today=TODAY)
        return child
