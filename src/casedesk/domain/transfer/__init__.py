"""Case transfer between areas: the signed, encrypted package format and each area's keys (issue 19)."""
