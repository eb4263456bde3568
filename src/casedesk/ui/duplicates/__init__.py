"""Possible duplicate children: the list with its evidence, and the merge a person confirms."""
