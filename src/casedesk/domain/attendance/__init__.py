"""Attendance: DfE session codes, a week's marks, the DfE-methodology summaries and the national comparison.

Pure Python: the store keeps a row per child per week (`attendance_weeks`), one field per session, so sync merges
marks session by session; everything that reads those rows comes back here for its rules.
"""
