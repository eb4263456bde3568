"""Meetings, plans and actions: the Meetings page, the record-a-meeting dialog, plans and My actions."""
