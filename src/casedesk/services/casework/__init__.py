"""Use cases for casework beside the chronology: SEND and EHC plans, care periods and PEPs, youth justice.

Every record written here also writes its chronology entry in the same unit of work (`chronicle`), so the child's
one chronology, the PDF and the subject-access export show it, and it is journaled, audited and synced with it.
"""
