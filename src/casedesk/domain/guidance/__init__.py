"""Guidance: the questions practitioners ask most, answered in plain language and ranked offline (Ask CaseDesk)."""
