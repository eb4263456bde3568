"""Casework records beside the chronology: SEND (EHC plans), care and the virtual school (PEPs) and youth justice.

Each area is a module of plain rules (codes, due dates, what is late) with no storage: `records` holds the
frozen records the repositories return, `send`, `care` and `youth_justice` the rules of each area.
"""
