"""Possible duplicate children on this device and merging two records of one child (issue 19)."""
