"""Attendance use cases: writing marks (imported or typed, corrections kept), importing registers, and what a
child's Attendance tab, the caseload and the printed summary show."""
